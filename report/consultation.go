package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// Consultation is the outcome report of a café and the consultation around
// it, in the shape of an outcome document: the background (dates and the
// formats that ran), then for each format that ran its discussion (who
// took part, how much was said) and its key findings, then the
// facilitator's conclusion.
//
// Nobody anonymous is named: an anonymous note, contribution, comment or
// remote question has no Author. Hidden items are counted and listed with
// the moderator's reason, but without their text, title or author.
type Consultation struct {
	Cafe  string `json:"cafe"`
	Title string `json:"title"`
	// At is when the report was made (Unix ms): "still open" means open then.
	At int64 `json:"at"`
	// GroupNames names the groups the café made up itself, as in Report.
	GroupNames map[string]string `json:"group_names,omitempty"`
	// Questions are the café's questions, which the online space shares.
	Questions []string `json:"questions"`
	// Formats are the formats that ran, in the order café, town hall,
	// online (protocol.Format*); only those have a part below.
	Formats    []string      `json:"formats"`
	WorldCafe  *CafePart     `json:"world_cafe,omitempty"`
	TownHall   *TownHallPart `json:"town_hall,omitempty"`
	Online     *OnlinePart   `json:"online,omitempty"`
	Conclusion string        `json:"conclusion"` // empty: none written yet
}

// Span is when a format ran (Unix ms). To is 0 while it still runs; From
// is 0 only for a café whose dates were never recorded.
type Span struct {
	From int64 `json:"from"`
	To   int64 `json:"to,omitempty"`
}

// CafePart is the World Café: the existing report's counts, conversations,
// themes and votes, and how many notes the facilitator hid.
type CafePart struct {
	Span                 Span           `json:"span"`
	Participants         int            `json:"participants"`
	ParticipantsPerGroup map[string]int `json:"participants_per_group"`
	NotesPerGroup        map[string]int `json:"notes_per_group"`
	Ideas                int            `json:"ideas"`
	Hidden               int            `json:"hidden"`
	Conversations        []Conversation `json:"conversations"`
	Votes                []Vote         `json:"votes"`
	TopIdeas             []Note         `json:"top_ideas"`
	Notes                []Note         `json:"notes"`
}

// TownHallPart is the town hall: its presentation, who was in the room
// and who spoke, the remote questions and the scribe's findings.
type TownHallPart struct {
	Span         Span                    `json:"span"`
	Presentation protocol.TownHallAgenda `json:"presentation"`
	// InRoom counts the people who took part in the room, by group.
	InRoom         int            `json:"in_room"`
	InRoomPerGroup map[string]int `json:"in_room_per_group"`
	Spoke          int            `json:"spoke"` // hands that had the floor
	// Questions are every remote question in arrival order, hidden ones
	// without their text; the counts are over all of them.
	Questions         []Question     `json:"questions"`
	QuestionsPerGroup map[string]int `json:"questions_per_group"`
	Upvotes           int            `json:"upvotes"`
	Answered          int            `json:"answered"`
	Hidden            int            `json:"hidden"`
	Anonymous         int            `json:"anonymous"`
	// TopQuestions are the most upvoted visible questions, most first.
	TopQuestions []Question               `json:"top_questions"`
	Findings     []protocol.FindingRecord `json:"findings"` // in the scribe's order
}

// Question is a remote question of the town hall.
type Question struct {
	ID       string `json:"id"`
	Text     string `json:"text,omitempty"`
	Author   string `json:"author,omitempty"`
	Group    string `json:"group,omitempty"`
	At       int64  `json:"at"`
	Votes    int    `json:"votes"`
	Answered bool   `json:"answered,omitempty"`
	Hidden   bool   `json:"hidden,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// OnlinePart is the online space: when it was open, how many contributed
// and commented, and its contributions by question and theme.
type OnlinePart struct {
	Span Span `json:"span"` // From: opened; To: the closing date
	// Open is whether the space was still open when the report was made.
	Open bool `json:"open"`
	// The counts are over every contribution and comment, hidden ones
	// and comments under the room's notes included.
	Contributions int `json:"contributions"`
	Comments      int `json:"comments"`
	Anonymous     int `json:"anonymous"`
	Hidden        int `json:"hidden"`
	// Contributions and comments by the group their author gave.
	ContributionsPerGroup map[string]int   `json:"contributions_per_group"`
	CommentsPerGroup      map[string]int   `json:"comments_per_group"`
	Questions             []OnlineQuestion `json:"questions"`
	// MostCommented are the visible contributions with the most comments.
	MostCommented []Contribution `json:"most_commented"`
	// NoteComments are the comments under the room's published notes.
	NoteComments []Comment `json:"note_comments"`
}

// OnlineQuestion is one question of the online space: its counts and its
// visible contributions, by the room's themes of that question.
type OnlineQuestion struct {
	Question      int            `json:"question"` // 0-based
	Text          string         `json:"text"`
	Contributions int            `json:"contributions"`
	Comments      int            `json:"comments"` // under its contributions and notes
	Themes        []OnlineTheme  `json:"themes"`
	Unthemed      []Contribution `json:"unthemed"`
	// All are every contribution of the question in posting order,
	// hidden ones without their text.
	All []Contribution `json:"all"`
}

// OnlineTheme is one of the room's themes with its online contributions.
type OnlineTheme struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Contributions []Contribution `json:"contributions"`
}

// Contribution is a contribution of the online space with its comments.
type Contribution struct {
	ID       string    `json:"id"`
	Question int       `json:"question"`
	Title    string    `json:"title,omitempty"`
	Text     string    `json:"text,omitempty"`
	Author   string    `json:"author,omitempty"`
	Group    string    `json:"group,omitempty"`
	At       int64     `json:"at"`
	Theme    string    `json:"theme,omitempty"` // theme name
	Hidden   bool      `json:"hidden,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Comments []Comment `json:"comments"`
}

// Comment is a comment under a contribution or a room note.
type Comment struct {
	ID     string `json:"id"`
	OnID   string `json:"on_id"`
	Text   string `json:"text,omitempty"`
	Author string `json:"author,omitempty"`
	Group  string `json:"group,omitempty"`
	At     int64  `json:"at"`
	Hidden bool   `json:"hidden,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// topN bounds the "most upvoted" and "most commented" lists.
const topN = 5

// BuildConsultation makes the outcome report of s as of now. It reads the
// café through Build (its conversations, themes and votes) and the
// facilitator's view (the town hall, the online space, the conclusion);
// like Build it only reads s, so the caller must hold it still. now is
// passed in so the same state and now give the same report.
func BuildConsultation(s *cafe.State, now time.Time) Consultation {
	r := Build(s)
	v := s.View(protocol.RoleFacilitator)
	c := Consultation{
		Cafe: s.ID, Title: s.Title, At: now.UnixMilli(),
		GroupNames: r.GroupNames, Questions: slices.Clone(s.Questions),
		Formats: []string{}, Conclusion: v.Conclusion,
	}
	// A café whose last snapshot predates FirstRoundAt played its rounds
	// all the same: it runs, undated.
	if s.FirstRoundAt != 0 || s.Round > 0 {
		c.Formats = append(c.Formats, protocol.FormatCafe)
		c.WorldCafe = cafePart(s, r)
	}
	if v.TownHall != nil && v.TownHall.StartedAt != 0 {
		c.Formats = append(c.Formats, protocol.FormatTownHall)
		c.TownHall = townHallPart(v)
	}
	if v.Online != nil {
		c.Formats = append(c.Formats, protocol.FormatOnline)
		c.Online = onlinePart(s, v, r, now)
	}
	return c
}

func cafePart(s *cafe.State, r Report) *CafePart {
	p := &CafePart{
		Span:         Span{From: s.FirstRoundAt, To: s.RoundsEndedAt},
		Participants: r.Participants, ParticipantsPerGroup: r.ParticipantsPerGroup,
		NotesPerGroup: r.NotesPerGroup, Ideas: r.TotalNotes,
		Conversations: r.Conversations, Votes: r.Votes, TopIdeas: r.TopIdeas, Notes: r.Notes,
	}
	if s.Phase == protocol.PhaseRound {
		p.Span.To = 0 // a round runs now
	}
	for _, n := range s.LiveNotes() {
		if n.Hidden {
			p.Hidden++
		}
	}
	return p
}

func townHallPart(v protocol.Snapshot) *TownHallPart {
	th := v.TownHall
	p := &TownHallPart{
		Span:              Span{From: th.StartedAt},
		Presentation:      th.TownHallAgenda,
		InRoomPerGroup:    map[string]int{},
		Spoke:             len(th.Spoke),
		Questions:         []Question{},
		QuestionsPerGroup: map[string]int{},
		TopQuestions:      []Question{},
		Findings:          slices.Clone(th.Findings),
	}
	if th.Stage == protocol.StageEnded {
		p.Span.To = th.EndedAt
	}
	for _, person := range v.Participants {
		if person.TownHall {
			p.InRoom++
			p.InRoomPerGroup[cmp.Or(person.Group, Unstated)]++
		}
	}
	for _, q := range th.Questions {
		p.QuestionsPerGroup[cmp.Or(q.Group, Unstated)]++
		p.Upvotes += q.Votes
		if q.Answered {
			p.Answered++
		}
		if q.Name == "" {
			p.Anonymous++
		}
		rq := Question{ID: q.ID, At: q.At, Votes: q.Votes, Answered: q.Answered, Hidden: q.Hidden, Reason: q.Reason}
		if q.Hidden {
			p.Hidden++
		} else {
			rq.Text, rq.Author, rq.Group = q.Text, q.Name, q.Group
		}
		p.Questions = append(p.Questions, rq)
	}
	for _, q := range p.Questions {
		if !q.Hidden && q.Votes > 0 {
			p.TopQuestions = append(p.TopQuestions, q)
		}
	}
	slices.SortStableFunc(p.TopQuestions, func(a, b Question) int { return cmp.Compare(b.Votes, a.Votes) })
	p.TopQuestions = p.TopQuestions[:min(len(p.TopQuestions), topN)]
	return p
}

func onlinePart(s *cafe.State, v protocol.Snapshot, r Report, now time.Time) *OnlinePart {
	on := v.Online
	p := &OnlinePart{
		Span:                  Span{From: on.OpenedAt, To: on.ClosesAt},
		Open:                  now.UnixMilli() < on.ClosesAt,
		ContributionsPerGroup: map[string]int{},
		CommentsPerGroup:      map[string]int{},
		MostCommented:         []Contribution{},
		NoteComments:          []Comment{},
	}
	themeNames := map[string]string{}
	for i, q := range s.Questions {
		oq := OnlineQuestion{Question: i, Text: q, Themes: []OnlineTheme{}, Unthemed: []Contribution{}, All: []Contribution{}}
		for _, t := range r.Conversations[i].Themes {
			themeNames[t.ID] = t.Name
			oq.Themes = append(oq.Themes, OnlineTheme{ID: t.ID, Name: t.Name, Contributions: []Contribution{}})
		}
		p.Questions = append(p.Questions, oq)
	}
	comment := func(c protocol.Comment) Comment {
		p.Comments++
		p.CommentsPerGroup[cmp.Or(c.Group, Unstated)]++
		if c.Name == "" {
			p.Anonymous++
		}
		rc := Comment{ID: c.ID, OnID: c.OnID, At: c.At, Hidden: c.Hidden, Reason: c.Reason}
		if c.Hidden {
			p.Hidden++
		} else {
			rc.Text, rc.Author, rc.Group = c.Text, c.Name, c.Group
		}
		return rc
	}
	for _, c := range on.Contributions {
		p.Contributions++
		p.ContributionsPerGroup[cmp.Or(c.Group, Unstated)]++
		if c.Name == "" {
			p.Anonymous++
		}
		rc := Contribution{ID: c.ID, Question: c.Question, At: c.At, Theme: themeNames[c.Theme], Hidden: c.Hidden, Reason: c.Reason, Comments: []Comment{}}
		if c.Hidden {
			p.Hidden++
		} else {
			rc.Title, rc.Text, rc.Author, rc.Group = c.Title, c.Text, c.Name, c.Group
		}
		for _, cm := range c.Comments {
			rc.Comments = append(rc.Comments, comment(cm))
		}
		if c.Question < 0 || c.Question >= len(p.Questions) {
			continue
		}
		q := &p.Questions[c.Question]
		q.Contributions++
		q.Comments += len(c.Comments)
		q.All = append(q.All, rc)
		if rc.Hidden {
			continue
		}
		if i := slices.IndexFunc(q.Themes, func(t OnlineTheme) bool { return t.ID == c.Theme }); i >= 0 {
			q.Themes[i].Contributions = append(q.Themes[i].Contributions, rc)
		} else {
			q.Unthemed = append(q.Unthemed, rc)
		}
		if len(rc.Comments) > 0 {
			p.MostCommented = append(p.MostCommented, rc)
		}
	}
	for i := range p.Questions {
		p.Questions[i].Themes = slices.DeleteFunc(p.Questions[i].Themes, func(t OnlineTheme) bool { return len(t.Contributions) == 0 })
	}
	// Comments under the room's notes, in posting order (a note deleted
	// since keeps its comments: they were said).
	var noteComments []protocol.Comment
	for _, cs := range on.NoteComments {
		noteComments = append(noteComments, cs...)
	}
	slices.SortFunc(noteComments, func(a, b protocol.Comment) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, cm := range noteComments {
		p.NoteComments = append(p.NoteComments, comment(cm))
		if n := s.Notes[cm.OnID]; n != nil && n.Question >= 0 && n.Question < len(p.Questions) {
			p.Questions[n.Question].Comments++
		}
	}
	slices.SortStableFunc(p.MostCommented, func(a, b Contribution) int { return cmp.Compare(len(b.Comments), len(a.Comments)) })
	p.MostCommented = p.MostCommented[:min(len(p.MostCommented), topN)]
	return p
}

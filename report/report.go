// Package report renders the harvest of a café: what was said in each
// conversation, grouped by theme, with its dots and votes, as Markdown, CSV,
// JSON or a printable HTML page; and the outcome report of the consultation
// around a café (consultation.go), which holds that harvest, the town hall
// and the online space. It reads a café's state and never changes it; it
// knows nothing of HTTP or of stores, so the server and the export command
// write the same report.
//
// Everything a person typed reaches a reader's spreadsheet or browser here:
// each format escapes it for its own reader (Markdown escapes, HTML
// templates, CSV formula neutralising).
package report

import (
	"cmp"
	"slices"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// Report is the harvest of a café: totals, the notes of each conversation
// grouped by theme with their dots, the votes, the top ideas and the full
// list. Anonymous participants' notes carry no author. Hidden and deleted
// notes are left out: the facilitator took them off the wall.
type Report struct {
	Cafe                 string         `json:"cafe"`
	Title                string         `json:"title"`
	Phase                string         `json:"phase"`
	Participants         int            `json:"participants"`
	ParticipantsPerGroup map[string]int `json:"participants_per_group"`
	// GroupNames names the groups the café made up itself (the standard
	// ones are named in each language); none for a café with the seven.
	GroupNames    map[string]string `json:"group_names,omitempty"`
	TotalNotes    int               `json:"total_notes"`
	NotesPerGroup map[string]int    `json:"notes_per_group"`
	NotesPerTable map[int]int       `json:"notes_per_table"`
	Conversations []Conversation    `json:"conversations"`
	Votes         []Vote            `json:"votes"`
	TopIdeas      []Note            `json:"top_ideas"`
	Notes         []Note            `json:"notes"`
}

// Conversation is one question with its notes, by theme.
type Conversation struct {
	Question int         `json:"question"` // 0-based
	Text     string      `json:"text"`
	Count    int         `json:"count"`
	PerTable map[int]int `json:"per_table"`
	Themes   []Theme     `json:"themes"`
	Unthemed []Note      `json:"unthemed"`
}

// Theme is a theme with its notes and the dots it got.
type Theme struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Dots  int    `json:"dots"`
	Notes []Note `json:"notes"`
}

// Note is a note as the report lists it.
type Note struct {
	ID       string `json:"id"`
	Question int    `json:"question"`
	Round    int    `json:"round"`
	Table    int    `json:"table"`
	Author   string `json:"author,omitempty"` // display name; empty when anonymous or unnamed
	Group    string `json:"group,omitempty"`
	Theme    string `json:"theme,omitempty"` // theme name
	Text     string `json:"text"`
	At       int64  `json:"at"` // Unix ms
	Dots     int    `json:"dots"`
}

// Vote is a dot vote and what got dots, most first.
type Vote struct {
	ID       string `json:"id"`
	Question int    `json:"question"` // -1: all conversations
	On       string `json:"on"`
	Dots     int    `json:"dots_per_person"`
	Voters   int    `json:"voters"`
	Closed   bool   `json:"closed"`
	Results  []Item `json:"results"`
}

// Item is a note or theme with its dots in one vote.
type Item struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Dots  int    `json:"dots"`
}

// Unstated is the group of participants who did not say theirs.
const Unstated = "unstated"

// inCafe says whether p took part in the café itself: someone who joined
// only for a town hall held after the rounds, and never sat in one, is the
// town hall's (the consultation's report counts them there), not the café's.
func inCafe(s *cafe.State, p *cafe.Participant) bool {
	if !p.TownHall {
		return true
	}
	for _, seats := range s.Seatings {
		if _, ok := seats[p.ID]; ok {
			return true
		}
	}
	return false
}

// Build makes the report of s. It is deterministic: the same state gives
// the same report. It only reads s, so the caller must hold it still (the
// server builds reports on the café's own goroutine).
func Build(s *cafe.State) Report {
	r := Report{
		Cafe: s.ID, Title: s.Title, Phase: s.Phase,
		ParticipantsPerGroup: map[string]int{},
		NotesPerGroup:        map[string]int{},
		NotesPerTable:        map[int]int{},
		Votes:                []Vote{},
		TopIdeas:             []Note{},
		Notes:                []Note{},
		GroupNames:           ownGroups(s),
	}
	for _, p := range s.Participants {
		if inCafe(s, p) {
			r.Participants++
			r.ParticipantsPerGroup[cmp.Or(p.Group, Unstated)]++
		}
	}

	// Dots per note and per theme, over every vote.
	noteDots, themeDots := map[string]int{}, map[string]int{}
	for _, v := range s.VoteList() {
		tally := v.Tally()
		rv := Vote{ID: v.VoteID, Question: v.Question, On: v.On, Dots: v.Dots, Voters: v.Voters(), Closed: v.Closed, Results: []Item{}}
		for item, n := range tally {
			label := item
			if v.On == protocol.VoteOnThemes {
				themeDots[item] += n
				if t := s.Themes[item]; t != nil {
					label = t.Name
				}
			} else {
				noteDots[item] += n
				if note := s.Notes[item]; note != nil {
					label = note.Text
				}
			}
			rv.Results = append(rv.Results, Item{ID: item, Label: label, Dots: n})
		}
		slices.SortFunc(rv.Results, func(a, b Item) int {
			return cmp.Or(cmp.Compare(b.Dots, a.Dots), cmp.Compare(a.ID, b.ID))
		})
		r.Votes = append(r.Votes, rv)
	}

	for i, q := range s.Questions {
		r.Conversations = append(r.Conversations, Conversation{Question: i, Text: q, PerTable: map[int]int{}, Themes: []Theme{}, Unthemed: []Note{}})
	}
	themeAt := map[string]int{} // theme id → index in its conversation's Themes
	for _, t := range s.ThemeList() {
		if t.Question < 0 || t.Question >= len(r.Conversations) {
			continue
		}
		c := &r.Conversations[t.Question]
		themeAt[t.ID] = len(c.Themes)
		c.Themes = append(c.Themes, Theme{ID: t.ID, Name: t.Name, Dots: themeDots[t.ID], Notes: []Note{}})
	}
	for _, n := range s.LiveNotes() {
		if n.Hidden {
			continue
		}
		rn := Note{ID: n.ID, Question: n.Question, Round: n.Round, Table: n.Table, Text: n.Text, At: n.At, Dots: noteDots[n.ID]}
		if p, ok := s.Participants[n.Author]; ok {
			if !p.Anonymous {
				rn.Author = p.Name
			}
			rn.Group = p.Group
		}
		if t := s.Themes[n.Theme]; t != nil {
			rn.Theme = t.Name
		}
		r.Notes = append(r.Notes, rn)
		r.TotalNotes++
		r.NotesPerGroup[cmp.Or(rn.Group, Unstated)]++
		r.NotesPerTable[n.Table]++
		if n.Question < 0 || n.Question >= len(r.Conversations) {
			continue
		}
		c := &r.Conversations[n.Question]
		c.Count++
		c.PerTable[n.Table]++
		if i, ok := themeAt[n.Theme]; ok {
			c.Themes[i].Notes = append(c.Themes[i].Notes, rn)
		} else {
			c.Unthemed = append(c.Unthemed, rn)
		}
	}
	for _, n := range r.Notes {
		if n.Dots > 0 {
			r.TopIdeas = append(r.TopIdeas, n)
		}
	}
	slices.SortStableFunc(r.TopIdeas, func(a, b Note) int { return cmp.Compare(b.Dots, a.Dots) })
	if len(r.TopIdeas) > 10 {
		r.TopIdeas = r.TopIdeas[:10]
	}
	return r
}

// ownGroups are the names of the groups the café made up itself.
func ownGroups(s *cafe.State) map[string]string {
	var out map[string]string
	for _, g := range s.GroupList() {
		if _, standard := protocol.GroupLabels[g.ID]; !standard {
			if out == nil {
				out = map[string]string{}
			}
			out[g.ID] = g.Name
		}
	}
	return out
}

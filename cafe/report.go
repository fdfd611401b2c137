package cafe

// Report is the harvest of a café: its notes per conversation (question),
// with counts per table and per stakeholder group. Anonymous participants'
// notes carry no author name. Hidden notes are left out: the facilitator
// took them off the wall.
type Report struct {
	Cafe          string         `json:"cafe"`
	Title         string         `json:"title"`
	Phase         string         `json:"phase"`
	Participants  int            `json:"participants"`
	TotalNotes    int            `json:"total_notes"`
	Conversations []Conversation `json:"conversations"`
	Groups        map[string]int `json:"notes_per_group"`
	Notes         []ReportNote   `json:"notes"`
}

// Conversation is one question with its notes.
type Conversation struct {
	Question int          `json:"question"` // 0-based
	Text     string       `json:"text"`
	Count    int          `json:"count"`
	PerTable map[int]int  `json:"per_table"`
	Notes    []ReportNote `json:"notes"`
}

// ReportNote is a note as the report lists it.
type ReportNote struct {
	ID       string `json:"id"`
	Question int    `json:"question"`
	Round    int    `json:"round"`
	Table    int    `json:"table"`
	Author   string `json:"author,omitempty"` // display name; empty when anonymous or unnamed
	Group    string `json:"group,omitempty"`
	Text     string `json:"text"`
	At       int64  `json:"at"` // Unix ms
}

// BuildReport makes the report of s.
func BuildReport(s *State) Report {
	r := Report{
		Cafe: s.ID, Title: s.Title, Phase: s.Phase,
		Participants: len(s.Participants),
		Groups:       map[string]int{},
	}
	for i, q := range s.Questions {
		r.Conversations = append(r.Conversations, Conversation{Question: i, Text: q, PerTable: map[int]int{}, Notes: []ReportNote{}})
	}
	r.Notes = []ReportNote{}
	for _, n := range s.LiveNotes() {
		if n.Hidden {
			continue
		}
		rn := ReportNote{ID: n.ID, Question: n.Question, Round: n.Round, Table: n.Table, Text: n.Text, At: n.At}
		if p, ok := s.Participants[n.Author]; ok {
			if !p.Anonymous {
				rn.Author = p.Name
			}
			rn.Group = p.Group
		}
		r.Notes = append(r.Notes, rn)
		r.TotalNotes++
		group := rn.Group
		if group == "" {
			group = "unstated"
		}
		r.Groups[group]++
		if n.Question >= 0 && n.Question < len(r.Conversations) {
			c := &r.Conversations[n.Question]
			c.Count++
			c.PerTable[n.Table]++
			c.Notes = append(c.Notes, rn)
		}
	}
	return r
}

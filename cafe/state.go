// Package cafe is the domain of worldcafe: a café's state and the rules that
// change it. A café is a state machine driven by commands: Decide checks a
// command against the state and returns the events it causes; Apply folds an
// event into the state. The state is nothing but the fold of its events, so a
// café can always be rebuilt from its log.
//
// The same log holds the consultation around the café: the online space
// (online.go), the town hall with its queue and findings (townhall.go,
// queue.go, findings.go) and the conclusion (consultation.go). Their
// commands work in a closed café too; public.go says what the open internet
// may see of it all.
//
// The package is pure: no I/O, no goroutines, no clock of its own (the caller
// passes "now"), no randomness (ids and codes come in with the commands). It
// must never import the server or a store.
package cafe

import (
	"maps"
	"slices"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// State is one café. Its exported fields are its snapshot form: the store
// keeps State as JSON, and recovery is "newest snapshot, then Apply the tail".
type State struct {
	ID           string   `json:"id"`
	Seq          uint64   `json:"seq"` // seq of the last applied event
	Title        string   `json:"title"`
	Questions    []string `json:"questions"`
	Tables       int      `json:"tables"`
	Seats        int      `json:"seats"`
	RoundSeconds int      `json:"round_seconds"`
	AutoAdvance  bool     `json:"auto_advance"`
	JoinCode     string   `json:"join_code"`
	// Groups are the café's stakeholder groups; nil in cafés made before
	// groups were per café, which have the defaults (GroupList).
	Groups []protocol.Group `json:"groups,omitempty"`

	Phase string `json:"phase"`
	Round int    `json:"round"` // current round, or the last one played; 0 in the lobby
	Timer Timer  `json:"timer"`
	// FirstRoundAt is when the first round started, RoundsEndedAt when
	// the last one ended (Unix ms; 0 until then): the café's dates in the
	// consultation's report.
	FirstRoundAt  int64 `json:"first_round_at,omitempty"`
	RoundsEndedAt int64 `json:"rounds_ended_at,omitempty"`

	Broadcast    string                  `json:"broadcast,omitempty"`
	Participants map[string]*Participant `json:"participants"`
	Notes        map[string]*Note        `json:"notes"`
	// NextSeats is the seating planned for round Round+1 while in a town hall.
	NextSeats map[string]int `json:"next_seats,omitempty"`
	// Seatings records where everyone sat in each round played (round →
	// participant → table), so the rotation planner knows who has met whom.
	Seatings map[int]map[string]int `json:"seatings,omitempty"`
	// Overrides records the facilitator's seat.assign decisions (round →
	// participant → table): every later plan of that round keeps them.
	Overrides map[int]map[string]int `json:"overrides,omitempty"`

	Themes    map[string]*Theme   `json:"themes,omitempty"`
	Spotlight *protocol.Spotlight `json:"spotlight,omitempty"`
	Hands     []string            `json:"hands,omitempty"` // raised hands in order
	Speaker   string              `json:"speaker,omitempty"`
	Votes     map[string]*Vote    `json:"votes,omitempty"`

	// The consultation around the café: the online space (online.go), the
	// town hall and its queue (townhall.go, queue.go), its findings
	// (findings.go) and the conclusion (consultation.go). PublicCode opens
	// the public pages; empty in cafés made before there were any.
	PublicCode string    `json:"public_code,omitempty"`
	Online     *Online   `json:"online,omitempty"`
	TownHall   *TownHall `json:"town_hall,omitempty"`
	Queue      Queue     `json:"queue,omitzero"`
	Conclusion string    `json:"conclusion,omitempty"`
}

// Timer is the clock of the current round. Times are Unix milliseconds so
// that the state encodes and compares exactly.
type Timer struct {
	State       string `json:"state"`
	Deadline    int64  `json:"deadline,omitempty"`
	RemainingMS int64  `json:"remaining_ms,omitempty"`
	DurationMS  int64  `json:"duration_ms,omitempty"`
}

// Participant is a person at the café. A removed participant stays (the log
// names them) but is in no view, count or seating plan.
type Participant struct {
	ID        string        `json:"id"`
	Name      string        `json:"name,omitempty"`
	Group     string        `json:"group,omitempty"`
	Role      protocol.Role `json:"role"`
	Anonymous bool          `json:"anonymous,omitempty"`
	Table     int           `json:"table"` // where they sit now (or in the coming round)
	JoinSeq   uint64        `json:"join_seq"`
	Muted     bool          `json:"muted,omitempty"`
	Removed   bool          `json:"removed,omitempty"`
	// BallotKey and Device are private (Join.Secret, Join.DeviceHash):
	// kept here for the server's snapshot, never in a view.
	BallotKey string `json:"ballot_key,omitempty"`
	Device    string `json:"device,omitempty"`
	// TownHall is true once they took part in the town hall: joined while
	// it ran, or raised a hand in it.
	TownHall bool `json:"town_hall,omitempty"`
}

// Note is a sticky note. Deleted notes stay in the state (without text) so
// that their id can never be reused. Author is always known here, for edit
// rights and removal; an Anonymous note shows it to nobody.
type Note struct {
	ID        string `json:"id"`
	Seq       uint64 `json:"seq"`
	Author    string `json:"author"`
	Anonymous bool   `json:"anonymous,omitempty"`
	Round     int    `json:"round"`
	Question  int    `json:"question"`
	Table     int    `json:"table"`
	Text      string `json:"text"`
	At        int64  `json:"at"`
	EditedAt  int64  `json:"edited_at,omitempty"`
	Hidden    bool   `json:"hidden,omitempty"`
	Deleted   bool   `json:"deleted,omitempty"`
	Theme     string `json:"theme,omitempty"`
}

// New returns the empty state of a café that does not exist yet: the only
// command it accepts is cafe.create.
func New(id string) *State {
	return &State{
		ID:           id,
		Participants: map[string]*Participant{},
		Notes:        map[string]*Note{},
	}
}

// Exists reports whether the café has been created.
func (s *State) Exists() bool { return s.Seq > 0 }

// Rounds is the number of rounds: one per question.
func (s *State) Rounds() int { return len(s.Questions) }

// Deadline returns the running round's deadline, and false when no timer is
// running. The server arms its timer from it (also after a restart).
func (s *State) Deadline() (time.Time, bool) {
	if s.Phase != protocol.PhaseRound || s.Timer.State != protocol.TimerRunning {
		return time.Time{}, false
	}
	return time.UnixMilli(s.Timer.Deadline), true
}

// LiveNotes returns the notes that are not deleted, in posting order.
func (s *State) LiveNotes() []*Note {
	out := make([]*Note, 0, len(s.Notes))
	for _, n := range s.Notes {
		if !n.Deleted {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b *Note) int { return cmpUint(a.Seq, b.Seq) })
	return out
}

// People returns the participants in joining order, removed ones left out.
func (s *State) People() []*Participant {
	out := make([]*Participant, 0, len(s.Participants))
	for _, p := range s.Participants {
		if !p.Removed {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *Participant) int { return cmpUint(a.JoinSeq, b.JoinSeq) })
	return out
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// View returns the snapshot that a client with role sees. Hidden notes keep
// their text only for the facilitator; deleted notes and removed
// participants are left out; anonymous notes name no author.
//
// protocol.RolePublic is anyone on the internet (the public pages): the
// café's title, questions, groups and phase, the online space and the town
// hall as the wall sees them, the room's notes once published, themes and
// the results of votes once revealed. It holds no participant, no hand, no
// participant id anywhere, no join code and no broadcast.
func (s *State) View(role protocol.Role) protocol.Snapshot {
	public := role == protocol.RolePublic
	v := s.Header()
	v.Online, v.TownHall, v.Conclusion = s.onlineView(role), s.townHallView(role), s.Conclusion
	if !public {
		v.Tables, v.Seats, v.RoundSeconds, v.AutoAdvance = s.Tables, s.Seats, s.RoundSeconds, s.AutoAdvance
		v.JoinCode, v.Broadcast, v.NextSeats = s.JoinCode, s.Broadcast, maps.Clone(s.NextSeats)
	}
	v.Participants = []protocol.Participant{}
	if !public {
		for _, p := range s.People() {
			v.Participants = append(v.Participants, protocol.Participant{
				ID: p.ID, Name: p.Name, Group: p.Group, Role: p.Role,
				Anonymous: p.Anonymous, Muted: p.Muted, Table: p.Table, TownHall: p.TownHall,
			})
		}
	}
	v.Notes = []protocol.Note{}
	for _, n := range s.LiveNotes() {
		if public && (!s.NotesPublished() || n.Hidden) {
			continue
		}
		text, author := n.Text, n.publicAuthor()
		if n.Hidden && role != protocol.RoleFacilitator {
			text = ""
		}
		if public {
			author = ""
		}
		v.Notes = append(v.Notes, protocol.Note{
			ID: n.ID, Seq: n.Seq, Author: author, Anonymous: n.Anonymous, Round: n.Round,
			Question: n.Question, Table: n.Table, Text: text,
			At: n.At, EditedAt: n.EditedAt, Hidden: n.Hidden, Theme: n.Theme,
		})
	}
	v.Themes = []protocol.Theme{}
	for _, t := range s.ThemeList() {
		v.Themes = append(v.Themes, protocol.Theme{ID: t.ID, Name: t.Name, Question: t.Question})
	}
	if s.Spotlight != nil && !public {
		sp := *s.Spotlight
		v.Spotlight = &sp
	}
	v.Hands = []string{}
	if !public {
		v.Hands = append(v.Hands, s.Hands...)
		v.Speaker = s.Speaker
	}
	v.Votes = []protocol.Vote{}
	for _, vt := range s.VoteList() {
		pv := protocol.Vote{VoteOpen: vt.VoteOpen, Revealed: vt.Revealed, Closed: vt.Closed, Voters: vt.Voters()}
		if vt.Visible(role) && (!public || vt.Revealed || vt.Closed) {
			pv.Tally = vt.Tally()
		}
		v.Votes = append(v.Votes, pv)
	}
	return v
}

// Header is what anyone may know of the café, the public included: its
// title, questions and groups, where it is (phase, round, clock) and its
// public code. Every view starts from it; a public page's socket gets it
// alone as its snapshot (the page is drawn on the server).
func (s *State) Header() protocol.Snapshot {
	return protocol.Snapshot{
		Cafe: s.ID, Title: s.Title, Questions: slices.Clone(s.Questions), Groups: s.GroupList(),
		Phase: s.Phase, Round: s.Round, Question: s.question(), Timer: protocol.Timer(s.Timer),
		PublicCode: s.PublicCode,
	}
}

// publicAuthor is the author as every view shows it: nobody for an
// anonymous note, the facilitator's view included.
func (n *Note) publicAuthor() string {
	if n.Anonymous {
		return ""
	}
	return n.Author
}

// NotesOf returns the ids of the participant's notes that are not deleted,
// in posting order: the welcome's my_notes, so a phone knows its own
// anonymous notes after a reload.
func (s *State) NotesOf(participantID string) []string {
	var out []string
	for _, n := range s.LiveNotes() {
		if n.Author == participantID {
			out = append(out, n.ID)
		}
	}
	return out
}

// ThemeList returns the themes in creation order.
func (s *State) ThemeList() []*Theme {
	out := make([]*Theme, 0, len(s.Themes))
	for _, t := range s.Themes {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Theme) int { return cmpUint(a.Seq, b.Seq) })
	return out
}

// VoteList returns the votes in opening order.
func (s *State) VoteList() []*Vote {
	out := make([]*Vote, 0, len(s.Votes))
	for _, v := range s.Votes {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *Vote) int { return cmpUint(a.Seq, b.Seq) })
	return out
}

// question returns the 0-based question index of the current round.
func (s *State) question() int {
	if s.Round < 1 {
		return 0
	}
	return s.Round - 1
}

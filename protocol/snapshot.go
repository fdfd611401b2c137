package protocol

// Phases of a café, in the order a facilitator moves through them:
// lobby → round 1 → town hall 1 → round 2 → … → harvest → closed.
const (
	PhaseLobby    = "lobby"
	PhaseRound    = "round"
	PhaseTownHall = "townhall"
	PhaseHarvest  = "harvest"
	PhaseClosed   = "closed"
)

// Timer states of the current round.
const (
	TimerIdle    = "idle"    // no round is running
	TimerRunning = "running" // counting down to Deadline
	TimerPaused  = "paused"  // stopped with RemainingMS left
	TimerTimeUp  = "timeup"  // reached zero; the facilitator ends the round
)

// Snapshot is the data of a snapshot frame: the whole café as one role may
// see it at Seq. Notes that the facilitator hid are listed with Hidden set
// and, for every role but the facilitator, an empty text.
type Snapshot struct {
	Cafe         string         `json:"cafe"`
	Title        string         `json:"title"`
	Questions    []string       `json:"questions"`
	Tables       int            `json:"tables"`
	Seats        int            `json:"seats"`
	RoundSeconds int            `json:"round_seconds"`
	AutoAdvance  bool           `json:"auto_advance"`
	JoinCode     string         `json:"join_code"`
	Groups       []Group        `json:"groups"` // the groups a participant may join with
	Phase        string         `json:"phase"`
	Round        int            `json:"round"`    // current round, or the last one played
	Question     int            `json:"question"` // 0-based index of the current round's question
	Timer        Timer          `json:"timer"`
	Broadcast    string         `json:"broadcast,omitempty"`
	Participants []Participant  `json:"participants"`
	Notes        []Note         `json:"notes"`
	NextSeats    map[string]int `json:"next_seats,omitempty"` // seats planned for the coming round

	Themes    []Theme    `json:"themes"`
	Spotlight *Spotlight `json:"spotlight,omitempty"`
	Hands     []string   `json:"hands"`             // raised hands, first come first
	Speaker   string     `json:"speaker,omitempty"` // participant speaking now
	Votes     []Vote     `json:"votes"`

	// The consultation around the café (online.go, townhall.go,
	// consultation.go): nil or empty until used.
	Online     *Online   `json:"online,omitempty"`
	TownHall   *TownHall `json:"town_hall,omitempty"`
	Conclusion string    `json:"conclusion,omitempty"`
	PublicCode string    `json:"public_code,omitempty"` // the online space's short link: /o/CODE
}

// Theme groups notes of one conversation.
type Theme struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Question int    `json:"question"`
}

// Vote is a dot vote as a role sees it: Tally is nil while the results are
// hidden from that role.
type Vote struct {
	VoteOpen
	Revealed bool           `json:"revealed,omitempty"`
	Closed   bool           `json:"closed,omitempty"`
	Voters   int            `json:"voters"`
	Tally    map[string]int `json:"tally,omitempty"`
}

// Timer is the round clock. Clients render the countdown from Deadline and
// their measured clock offset; the server sends no ticks.
type Timer struct {
	State       string `json:"state"`
	Deadline    int64  `json:"deadline,omitempty"`     // Unix ms, while running
	RemainingMS int64  `json:"remaining_ms,omitempty"` // while paused
	DurationMS  int64  `json:"duration_ms,omitempty"`  // length of the round as started
}

// Participant is a person in the café as others see them. Removed
// participants are not listed.
type Participant struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Group     string `json:"group,omitempty"`
	Role      Role   `json:"role"`
	Anonymous bool   `json:"anonymous,omitempty"`
	Muted     bool   `json:"muted,omitempty"`
	Table     int    `json:"table"`
	// TownHall is true for a person who took part in the town hall:
	// joined while it ran, or raised a hand in it.
	TownHall bool `json:"town_hall,omitempty"`
}

// Note is a sticky note in a snapshot. A note by an anonymous participant has
// no Author and Anonymous set, as in note.posted.
type Note struct {
	ID        string `json:"id"`
	Seq       uint64 `json:"seq"` // seq of the note.posted event: the note's place in the room's order
	Author    string `json:"author,omitempty"`
	Anonymous bool   `json:"anonymous,omitempty"`
	Round     int    `json:"round"`
	Question  int    `json:"question"`
	Table     int    `json:"table"`
	Text      string `json:"text"`
	At        int64  `json:"at"`
	EditedAt  int64  `json:"edited_at,omitempty"`
	Hidden    bool   `json:"hidden,omitempty"`
	Theme     string `json:"theme,omitempty"`
}

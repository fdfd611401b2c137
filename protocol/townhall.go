package protocol

// The town hall: a presentation, then the floor open. People in the room
// raise a hand from their phone (hand.raise); remote participants, on the
// town hall's public page, send questions and comments in writing and upvote
// each other's. The facilitator sees one queue that mixes both, stars what
// comes next, takes one item at a time (a hand: that person speaks; a
// question: it is being answered) and marks it done. A scribe writes the
// town hall's key findings live; they go into the report.

// Town hall stages, in order; a facilitator may go back to any of them.
const (
	StagePresentation = "presentation"
	StageFloor        = "floor"
	StageEnded        = "ended"
)

// Queue item kinds.
const (
	ItemHand     = "hand"     // a raised hand in the room: ID is the participant
	ItemQuestion = "question" // a remote question: ID is the question
)

// Commands.
const (
	// Facilitator.
	CmdTownHallAgenda = "townhall.agenda" // TownHallAgenda
	CmdTownHallStage  = "townhall.stage"  // TownHallStage
	CmdQueueStar      = "queue.star"      // QueueStar
	CmdQueueTake      = "queue.take"      // QueueItem: speaks now, or is being answered
	CmdQueueDone      = "queue.done"      // QueueItem: spoken, or answered
	// Scribe or facilitator.
	CmdFindingAdd    = "finding.add"    // Finding
	CmdFindingEdit   = "finding.edit"   // Finding
	CmdFindingDelete = "finding.delete" // FindingRef

	// Server-issued from the town hall's public page.
	CmdTownHallAsk    = "townhall.ask"    // TownHallAsk
	CmdTownHallUpvote = "townhall.upvote" // TownHallUpvote
)

// Events.
const (
	EvTownHallAgendaSet = "townhall.agenda_set" // TownHallAgenda
	EvTownHallStaged    = "townhall.staged"     // TownHallStage
	EvTownHallAsked     = "townhall.asked"      // TownHallAsk
	EvTownHallUpvoted   = "townhall.upvoted"    // TownHallUpvote (the voter is private)
	EvQueueStarred      = "queue.starred"       // QueueStar
	EvQueueTaken        = "queue.taken"         // QueueItem
	EvQueueDone         = "queue.done"          // QueueItem
	EvFindingAdded      = "finding.added"       // Finding
	EvFindingEdited     = "finding.edited"      // Finding
	EvFindingDeleted    = "finding.deleted"     // FindingRef
)

// Limits of the town hall.
const (
	MaxPresenterRunes = 80
	MaxLinkBytes      = 500
	MaxQuestionAsk    = 1000 // runes of a remote question or comment
	MaxFindingRunes   = 1000
	MaxFindings       = 200
)

// TownHallAgenda is the presentation: its title, who presents it, and an
// optional link (plain http or https) to its document or slides.
type TownHallAgenda struct {
	Title     string `json:"title"`
	Presenter string `json:"presenter,omitempty"`
	Link      string `json:"link,omitempty"`
}

// TownHallStage moves the town hall to Stage (StagePresentation,
// StageFloor or StageEnded).
type TownHallStage struct {
	Stage string `json:"stage"`
}

// TownHallAsk is a remote question or comment. An empty Name is anonymous.
// QuestionID is drawn by the server.
type TownHallAsk struct {
	QuestionID string `json:"question_id"`
	Text       string `json:"text"`
	Name       string `json:"name,omitempty"`
	Group      string `json:"group,omitempty"`
}

// TownHallUpvote is one upvote of a remote question. Voter is the server's
// pseudonym of the voting browser (a hash of its cookie): it keeps one vote
// per browser, lives only in the event's private part and the state, and is
// never in a view or on the wire.
type TownHallUpvote struct {
	QuestionID string `json:"question_id"`
	Voter      string `json:"voter,omitempty"`
}

// QueueItem names an item of the town hall's queue.
type QueueItem struct {
	Kind string `json:"kind"` // ItemHand or ItemQuestion
	ID   string `json:"id"`
}

// QueueStar stars an item (it comes next) or takes the star off.
type QueueStar struct {
	QueueItem
	Starred bool `json:"starred"`
}

// Finding is one key finding of the town hall, written by the scribe.
// FindingID is made by the client, so a resend is recognised.
type Finding struct {
	FindingID string `json:"finding_id"`
	Text      string `json:"text"`
}

// FindingRef names a finding.
type FindingRef struct {
	FindingID string `json:"finding_id"`
}

// TownHall is the town hall in a snapshot. Nil in a café that never set an
// agenda or a stage.
type TownHall struct {
	TownHallAgenda
	Stage string `json:"stage,omitempty"`
	// StartedAt is when the town hall first left the agenda for a stage,
	// EndedAt when it last reached StageEnded (Unix ms; 0 until then).
	StartedAt int64 `json:"started_at,omitempty"`
	EndedAt   int64 `json:"ended_at,omitempty"`
	// Questions are the remote questions in arrival order. A hidden one
	// keeps Text and Name only for the facilitator.
	Questions []RemoteQuestion `json:"questions"`
	// Starred are the items starred to come next, in starring order.
	Starred []QueueItem `json:"starred"`
	// Current is what is happening now: a hand (that person speaks; the
	// café's Speaker names them too) or a question being answered.
	Current *QueueItem `json:"current,omitempty"`
	// Spoke are the people in the room who have had the floor, in order.
	Spoke    []string        `json:"spoke"`
	Findings []FindingRecord `json:"findings"`
}

// RemoteQuestion is a remote participant's question or comment.
type RemoteQuestion struct {
	ID       string `json:"id"`
	Seq      uint64 `json:"seq"`
	Text     string `json:"text"`
	Name     string `json:"name,omitempty"`
	Group    string `json:"group,omitempty"`
	At       int64  `json:"at"`
	Votes    int    `json:"votes"`
	Answered bool   `json:"answered,omitempty"`
	Hidden   bool   `json:"hidden,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Flags    int    `json:"flags,omitempty"`
	// FlagReasons are the reasons flaggers gave, for the facilitator.
	FlagReasons []string `json:"flag_reasons,omitempty"`
}

// FindingRecord is a finding as a snapshot lists it.
type FindingRecord struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	At   int64  `json:"at"`
}

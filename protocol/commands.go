package protocol

// Command names (client → server). Each is sent as an Envelope with a
// client-made ID; the server answers with an ack or an error carrying the same
// ID. The table in README.md says which roles may send each one.
const (
	CmdNotePost     = "note.post"
	CmdNoteEdit     = "note.edit"
	CmdNoteDelete   = "note.delete"
	CmdNoteHide     = "note.hide"
	CmdNoteUnhide   = "note.unhide"
	CmdRoundStart   = "round.start"
	CmdRoundPause   = "round.pause"
	CmdRoundResume  = "round.resume"
	CmdRoundExtend  = "round.extend"
	CmdRoundEnd     = "round.end"
	CmdHarvestStart = "harvest.start"
	CmdCafeClose    = "cafe.close"
	CmdBroadcast    = "broadcast.set"
	CmdSeatAssign   = "seat.assign"

	// The facilitator's hand on the people in the room (participants.go).
	CmdParticipantRole   = "participant.role"
	CmdParticipantMute   = "participant.mute"
	CmdParticipantRemove = "participant.remove"
)

// Commands that only the server issues to a café (from the HTTP API or its own
// timers). A client that sends one gets CodeUnknownType.
const (
	CmdCafeCreate = "cafe.create"
	CmdJoin       = "participant.join"
	CmdTimeUp     = "round.timeup"
)

// CreateCafe is the body of POST /api/cafes and the data of cafe.create.
// Zero values take the defaults in limits.go.
type CreateCafe struct {
	Title        string   `json:"title"`
	Questions    []string `json:"questions"`
	Tables       int      `json:"tables"`
	Seats        int      `json:"seats"`
	RoundSeconds int      `json:"round_seconds"`
	AutoAdvance  bool     `json:"auto_advance"`
}

// Join is the body of POST /api/join (with Code) and the data of
// participant.join (the server fills in the rest). Nobody hosts a table by
// joining: the facilitator makes hosts (participant.role).
type Join struct {
	Code      string `json:"code,omitempty"`
	Name      string `json:"name,omitempty"`
	Group     string `json:"group,omitempty"`
	Anonymous bool   `json:"anonymous,omitempty"`
	// Device is the random key the phone keeps (22 to 64 characters of
	// [A-Za-z0-9_-]). The café never sees it: the server hands it only its
	// hash, which brings a person back as the same participant when they
	// join again.
	Device string `json:"device,omitempty"`
}

// NotePost is the data of note.post. NoteID is made by the client (a UUID is
// a good choice) so that a resend after a lost ack is recognised.
type NotePost struct {
	NoteID string `json:"note_id"`
	Text   string `json:"text"`
}

// NoteEdit is the data of note.edit.
type NoteEdit struct {
	NoteID string `json:"note_id"`
	Text   string `json:"text"`
}

// NoteRef is the data of note.delete, note.hide and note.unhide.
type NoteRef struct {
	NoteID string `json:"note_id"`
}

// RoundExtend is the data of round.extend.
type RoundExtend struct {
	Minutes int `json:"minutes"`
}

// Broadcast is the data of broadcast.set; an empty text clears the line.
type Broadcast struct {
	Text string `json:"text"`
}

// SeatAssign is the data of seat.assign: the facilitator puts a participant
// at a table (1-based) for the coming round, overriding the rotation plan.
type SeatAssign struct {
	ParticipantID string `json:"participant_id"`
	Table         int    `json:"table"`
}

// ParticipantRole is the data of participant.role: the facilitator makes a
// participant the host of the table they sit at (RoleHost), or a traveller
// again (RoleAttendee).
type ParticipantRole struct {
	ParticipantID string `json:"participant_id"`
	Role          Role   `json:"role"`
}

// ParticipantMute is the data of participant.mute and participant.muted: a
// muted participant may not post, edit or raise their hand.
type ParticipantMute struct {
	ParticipantID string `json:"participant_id"`
	Muted         bool   `json:"muted"`
}

// ParticipantRef is the data of participant.remove, participant.removed.
type ParticipantRef struct {
	ParticipantID string `json:"participant_id"`
}

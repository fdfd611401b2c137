package protocol

import "encoding/json"

// Event names (server → client). Every event is an Envelope with Seq (the
// café's sequence number, gapless from 1), At (server time, Unix ms) and Data.
const (
	EvCafeCreated         = "cafe.created"
	EvParticipantJoined   = "participant.joined"
	EvParticipantRejoined = "participant.rejoined"
	EvParticipantRoleSet  = "participant.role_set"
	EvParticipantMuted    = "participant.muted"
	EvParticipantRemoved  = "participant.removed"
	EvRoundStarted        = "round.started"
	EvRoundPaused         = "round.paused"
	EvRoundResumed        = "round.resumed"
	EvRoundExtended       = "round.extended"
	EvRoundTimeUp         = "round.timeup"
	EvRoundEnded          = "round.ended"
	EvSeatingPlanned      = "seating.planned"
	EvSeatAssigned        = "seat.assigned"
	EvNotePosted          = "note.posted"
	EvNoteEdited          = "note.edited"
	EvNoteDeleted         = "note.deleted"
	EvNoteHidden          = "note.hidden"
	EvNoteUnhidden        = "note.unhidden"
	EvBroadcastSet        = "broadcast.set"
	EvHarvestStarted      = "harvest.started"
	EvCafeClosed          = "cafe.closed"
)

// Event is one entry of a café's log: what the store keeps and, encoded as an
// Envelope, what clients receive.
type Event struct {
	Seq  uint64          `json:"seq"`
	At   int64           `json:"at"` // Unix ms
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"` // JSON of the type's data struct
	// Private is what the log keeps and no client ever receives: the
	// author of an anonymous note, a participant's ballot key and device
	// hash. The encoders (EncodeEvent, AppendEvent) leave it out, so every
	// audience, the facilitator's included, gets the event without it.
	Private json.RawMessage `json:"private,omitempty"`
}

// CafeCreated is the first event of every café.
type CafeCreated struct {
	Cafe         string   `json:"cafe"`
	Title        string   `json:"title"`
	Questions    []string `json:"questions"`
	Tables       int      `json:"tables"`
	Seats        int      `json:"seats"`
	RoundSeconds int      `json:"round_seconds"`
	AutoAdvance  bool     `json:"auto_advance"`
	JoinCode     string   `json:"join_code"`
	// PublicCode opens the online space's public pages (/o/CODE); empty
	// in cafés made before there was one.
	PublicCode string `json:"public_code,omitempty"`
	// Groups are the café's stakeholder groups. Cafés created before
	// groups were per café have none here and use DefaultGroups.
	Groups []Group `json:"groups,omitempty"`
}

// ParticipantJoined tells that a person joined. Anonymous participants have
// no name (the server never stores one for them). Everyone joins as an
// attendee; the facilitator makes hosts (participant.role_set).
type ParticipantJoined struct {
	ParticipantID string `json:"participant_id"`
	Name          string `json:"name,omitempty"`
	Group         string `json:"group,omitempty"`
	Role          Role   `json:"role"`
	Anonymous     bool   `json:"anonymous,omitempty"`
	Table         int    `json:"table"` // 1-based table for the current or next round
}

// ParticipantRejoined tells that a person came back on the device they joined
// with: the same participant, with their notes, dots and seat, under a new
// token. Role and Table are where they are now, for the join's answer.
type ParticipantRejoined struct {
	ParticipantID string `json:"participant_id"`
	Role          Role   `json:"role"`
	Table         int    `json:"table"`
}

// ParticipantRoleSet tells that the facilitator made ParticipantID the host
// of Table (Role is RoleHost), or a traveller again (RoleAttendee). A host
// stays at their table in every round; a table has at most one host.
type ParticipantRoleSet struct {
	ParticipantID string `json:"participant_id"`
	Role          Role   `json:"role"`
	Table         int    `json:"table"`
}

// ParticipantMuted tells that the facilitator paused (Muted) or allowed again
// a participant's posting.
type ParticipantMuted = ParticipantMute

// ParticipantRemoved tells that the facilitator removed a participant for
// good. It comes last in its command, after the note.hidden, vote.uncast,
// hand.lowered and speaker.called events that take away what the person put
// in the room; from then on the participant is in no list or count.
type ParticipantRemoved = ParticipantRef

// RoundStarted starts round Round (1-based) on question Question (0-based
// index into the café's questions). Deadline is absolute server time (Unix ms).
type RoundStarted struct {
	Round      int   `json:"round"`
	Question   int   `json:"question"`
	Deadline   int64 `json:"deadline"`
	DurationMS int64 `json:"duration_ms"`
}

// RoundPaused stops the clock with RemainingMS left.
type RoundPaused struct {
	Round       int   `json:"round"`
	RemainingMS int64 `json:"remaining_ms"`
}

// RoundResumed restarts the clock; Deadline is the new absolute deadline.
type RoundResumed struct {
	Round    int   `json:"round"`
	Deadline int64 `json:"deadline"`
}

// RoundExtended adds AddedMS. While running, Deadline is the new deadline;
// while paused, RemainingMS is the new remaining time and Deadline is 0.
type RoundExtended struct {
	Round       int   `json:"round"`
	AddedMS     int64 `json:"added_ms"`
	Deadline    int64 `json:"deadline,omitempty"`
	RemainingMS int64 `json:"remaining_ms,omitempty"`
}

// RoundTimeUp tells that the round's time ran out. Notes may still be posted
// until the round ends (people finish their sentence).
type RoundTimeUp struct {
	Round int `json:"round"`
}

// RoundEnded closes round Round; the café is now in town hall Round.
type RoundEnded struct {
	Round int  `json:"round"`
	Early bool `json:"early,omitempty"` // ended by the facilitator before time was up
}

// SeatingPlanned says where each participant sits in round Round. It is
// emitted when people must move (before a round), and replaces earlier seats
// for the participants it lists.
type SeatingPlanned struct {
	Round int            `json:"round"`
	Seats map[string]int `json:"seats"` // participant id → 1-based table
}

// SeatAssigned tells that the facilitator put ParticipantID at Table for
// round Round (the coming one). In the lobby (Round 1) it changes the
// participant's table; in a town hall it changes their entry in the planned
// seating. A seating.planned may follow when the others' seats adapt.
type SeatAssigned struct {
	ParticipantID string `json:"participant_id"`
	Table         int    `json:"table"`
	Round         int    `json:"round"`
}

// NotePosted is a new sticky note, on the question of round Round, written at
// table Table. The note of an anonymous participant has no Author and
// Anonymous set, for every audience: its author is kept in the log's private
// part only.
type NotePosted struct {
	NoteID    string `json:"note_id"`
	Author    string `json:"author,omitempty"`
	Anonymous bool   `json:"anonymous,omitempty"`
	Round     int    `json:"round"`
	Question  int    `json:"question"`
	Table     int    `json:"table"`
	Text      string `json:"text"`
}

// NoteEdited replaces a note's text.
type NoteEdited struct {
	NoteID string `json:"note_id"`
	Text   string `json:"text"`
}

// NoteDeleted and NoteHidden name the note they change.
type NoteDeleted = NoteRef
type NoteHidden = NoteRef

// NoteUnhidden puts a hidden note back. It carries the text because clients
// that connected while the note was hidden never received it.
type NoteUnhidden struct {
	NoteID string `json:"note_id"`
	Text   string `json:"text"`
}

// BroadcastSet is the facilitator's line shown on every device; empty clears it.
type BroadcastSet = Broadcast

// HarvestStarted and CafeClosed carry no data.
type HarvestStarted struct{}
type CafeClosed struct{}

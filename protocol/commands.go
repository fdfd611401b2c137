package protocol

import (
	"encoding/json"
	"strings"
)

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
//
// A field the request leaves out takes its default (limits.go, groups.go);
// a field it names with a blank or zero value ("title": "", "tables": 0,
// "questions": []) is refused, naming the field: a form that sent it
// meant something else than the default. In Go, a zero field counts as
// left out (it is not encoded), so CreateCafe{Title: "Big"} is a café with
// the defaults and that title.
type CreateCafe struct {
	Title        string   `json:"title,omitempty"`
	Questions    []string `json:"questions,omitempty"`
	Tables       int      `json:"tables,omitempty"`
	Seats        int      `json:"seats,omitempty"`
	RoundSeconds int      `json:"round_seconds,omitempty"`
	AutoAdvance  bool     `json:"auto_advance,omitempty"`
	// Groups are the café's stakeholder groups; DefaultGroups when left
	// out.
	Groups []Group `json:"groups,omitempty"`

	// given holds the JSON names of the fields the decoded request named.
	given map[string]bool
}

// Given reports whether the decoded JSON request named field (its JSON
// name, e.g. "round_seconds"), even with a blank value. It is false for
// every field of a CreateCafe made in Go.
func (c CreateCafe) Given(field string) bool { return c.given[field] }

// UnmarshalJSON decodes the request strictly (unknown fields and trailing
// data are errors) and records which fields it named.
func (c *CreateCafe) UnmarshalJSON(b []byte) error {
	type plain CreateCafe // without this method
	var p plain
	if err := strictUnmarshal(b, &p); err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	*c = CreateCafe(p)
	c.given = make(map[string]bool, len(fields))
	for name := range fields {
		// encoding/json matches names regardless of case; so does this.
		c.given[strings.ToLower(name)] = true
	}
	return nil
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

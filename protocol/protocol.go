// Package protocol is the wire vocabulary of worldcafe: the JSON envelope that
// every WebSocket frame uses, the commands clients send, the events the server
// sends, the error codes and the limits. README.md beside this file documents
// every message with an example.
//
// The package depends on the standard library only, so that any client (the
// Go client, the load generator, tests) can speak the protocol without pulling
// in the server.
package protocol

import "encoding/json"

// Version is the protocol version carried in every frame. A frame with any
// other version is rejected with CodeBadVersion.
const Version = 1

// Envelope is the one shape of every frame in both directions.
//
//   - A command (client → server) has Type set to a command name, a client-made
//     ID that the server echoes in its ack or error, and Data.
//   - An event (server → client) has Type set to an event name, Seq > 0, At
//     (server time, Unix milliseconds) and Data.
//   - Replies have Type "ack" or "error" and the ID of the command they answer.
type Envelope struct {
	V     int             `json:"v"`
	Type  string          `json:"type"`
	ID    string          `json:"id,omitempty"`
	Seq   uint64          `json:"seq,omitempty"`
	Epoch uint64          `json:"epoch,omitempty"`
	At    int64           `json:"at,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
	Error *Error          `json:"error,omitempty"`
}

// Frame types that are neither commands nor events.
const (
	TypeHello    = "hello"    // client → server, first frame: token and resume position
	TypeWelcome  = "welcome"  // server → client, answer to hello
	TypeSnapshot = "snapshot" // server → client, the whole state at Seq
	TypePing     = "ping"     // client → server, clock probe
	TypePong     = "pong"     // server → client, answer to ping with server time
	TypeAck      = "ack"      // server → client, command applied and durable
	TypeError    = "error"    // server → client, command rejected, nothing changed
)

// Hello is the data of the first frame a client sends. Epoch and Seq are the
// position of the last event the client has seen; zero means "none, send me a
// snapshot".
type Hello struct {
	Token string `json:"token"`
	Cafe  string `json:"cafe"`
	Epoch uint64 `json:"epoch,omitempty"`
	Seq   uint64 `json:"seq,omitempty"`
}

// Welcome answers Hello. When Resumed is true the events after the client's
// Seq follow in order; otherwise a snapshot frame follows. Either way live
// events follow with no gap.
type Welcome struct {
	Cafe          string `json:"cafe"`
	Role          Role   `json:"role"`
	ParticipantID string `json:"participant_id,omitempty"`
	Epoch         uint64 `json:"epoch"`
	Seq           uint64 `json:"seq"` // the café's newest seq when the welcome was sent
	Resumed       bool   `json:"resumed"`
	ServerTime    int64  `json:"server_time"` // Unix ms
	// MyDots are this participant's dots in each vote (vote id → item id →
	// dots), so a phone shows them after a reload; votes hide who voted.
	MyDots map[string]map[string]int `json:"my_dots,omitempty"`
	// MyNotes are the ids of this participant's notes, so a phone knows its
	// own notes after a reload: anonymous ones carry no author.
	MyNotes []string `json:"my_notes,omitempty"`
}

// Ping carries the client's clock so the pong can be matched without state.
type Ping struct {
	ClientTime int64 `json:"client_time"`
}

// Pong answers a Ping: offset ≈ server_time − (client_time + now)/2.
type Pong struct {
	ClientTime int64 `json:"client_time"`
	ServerTime int64 `json:"server_time"`
}

// Ack answers a command whose events are durable. Seq is the café's newest
// seq after the command; Duplicate is true when the command repeated one that
// had already been applied (an idempotent resend) and changed nothing.
type Ack struct {
	Seq       uint64 `json:"seq"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

// Role is what a bearer token allows.
type Role string

const (
	RoleFacilitator Role = "facilitator"
	RoleHost        Role = "host"
	RoleAttendee    Role = "attendee"
	RoleWall        Role = "wall"
	// RoleScribe writes the town hall's findings (a link the facilitator
	// mints); it sees what the wall sees.
	RoleScribe Role = "scribe"
	// RolePublic is anyone on a public page: read-only over a WebSocket
	// (PublicToken), and the actor of the commands the server issues from
	// the public pages' forms.
	RolePublic Role = "public"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	switch r {
	case RoleFacilitator, RoleHost, RoleAttendee, RoleWall, RoleScribe, RolePublic:
		return true
	}
	return false
}

// Participant roles a person can have; facilitator and wall are not people at
// a table.
func (r Role) Seated() bool { return r == RoleHost || r == RoleAttendee }

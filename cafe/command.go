package cafe

import "github.com/worldcafe/worldcafe/protocol"

// Actor is who sends a command, as established by their token.
type Actor struct {
	Role          protocol.Role
	ParticipantID string // empty for facilitator and wall
	// Secret is known to the server and this actor only (the hash of their
	// token). It seeds the ballots of a participant who joined without a
	// ballot key (Join.Secret): those ballots follow the token, not the
	// person.
	Secret string
}

// System is the actor of commands the server issues itself (timers, API).
var System = Actor{Role: "system"}

// Command asks a café to change. Data is one of the protocol's command data
// types for client commands, or Create / Join for the server-issued ones.
type Command struct {
	Type  string
	Actor Actor
	Data  any
}

// Create is the data of cafe.create: the request plus the codes the server
// drew for it. PublicCode opens the public pages (/o/CODE); a café made
// without one has no public pages.
type Create struct {
	Request    protocol.CreateCafe
	JoinCode   string
	PublicCode string
}

// Join is the data of participant.join: the request plus what the server
// drew and computed for it.
type Join struct {
	Request protocol.Join
	// ParticipantID is the id a new participant gets. A rejoin keeps the
	// participant's own id instead (participant.rejoined names it).
	ParticipantID string
	// DeviceHash is the hex SHA-256 of the request's device key, or empty
	// when the phone sent none. A join whose DeviceHash is a participant's
	// is that participant coming back.
	DeviceHash string
	// Secret is a random value the server draws for the join (at least 16
	// bytes, in any text form). It becomes the participant's ballot key:
	// their ballots are hashes of it, the same on every device they rejoin
	// from, and nobody who lacks it can tell whose ballot is whose. It
	// stays in the log's private part and in the state, never in a view.
	Secret string
}

// Decision is what Decide returns for an accepted command.
type Decision struct {
	Events []protocol.Event
	// Duplicate is true when the command repeats one already applied (a
	// resent note): nothing changes and the sender gets an ack anyway.
	Duplicate bool
}

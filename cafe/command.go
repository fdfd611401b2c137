package cafe

import "github.com/worldcafe/worldcafe/protocol"

// Actor is who sends a command, as established by their token.
type Actor struct {
	Role          protocol.Role
	ParticipantID string // empty for facilitator and wall
	// Secret is known to the server and this actor only (the hash of their
	// token); it seeds their anonymous ballots in dot votes.
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

// Create is the data of cafe.create: the request plus the id and join code
// the server drew for it.
type Create struct {
	Request  protocol.CreateCafe
	JoinCode string
}

// Join is the data of participant.join: the request plus the participant id
// the server drew.
type Join struct {
	Request       protocol.Join
	ParticipantID string
}

// Decision is what Decide returns for an accepted command.
type Decision struct {
	Events []protocol.Event
	// Duplicate is true when the command repeats one already applied (a
	// resent note): nothing changes and the sender gets an ack anyway.
	Duplicate bool
}

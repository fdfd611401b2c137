package cafe

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// Decide checks cmd against s at time now and returns the events it causes,
// numbered from s.Seq+1. It never changes s; a rejected command returns a
// *protocol.Error.
//
// The caller folds the events into s with Apply at once, before they are
// durable, so that the next command of the same group commit is decided
// against them; Apply never refuses an event Decide made (the property tests
// hold it to that). Nothing is published or acknowledged before the batch's
// append succeeds; if the append fails, the caller rebuilds s from the store.
func Decide(s *State, cmd Command, now time.Time) (Decision, error) {
	d := decider{s: s, now: now}
	if err := d.decide(cmd); err != nil {
		return Decision{}, err
	}
	return Decision{Events: d.events, Duplicate: d.duplicate}, nil
}

type decider struct {
	s         *State
	now       time.Time
	events    []protocol.Event
	duplicate bool
}

// mustJSON encodes event data: every event type is a plain struct of
// strings, numbers and maps, which cannot fail to encode.
func mustJSON(data any) json.RawMessage {
	b, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("cafe: encoding %T: %v", data, err))
	}
	return b
}

func (d *decider) emit(typ string, data any) {
	d.events = append(d.events, protocol.Event{
		Seq:  d.s.Seq + uint64(len(d.events)) + 1,
		At:   d.now.UnixMilli(),
		Type: typ,
		Data: mustJSON(data),
	})
}

// emitPrivate is emit with a private part for the log (protocol.Event.Private).
func (d *decider) emitPrivate(typ string, data any, priv private) {
	d.emit(typ, data)
	if priv != (private{}) {
		d.events[len(d.events)-1].Private = mustJSON(priv)
	}
}

// decide runs cmd's entry of the table of commands (commands.go) after the
// checks every command shares: the sender's role, the café's existence and
// phase (a closed café refuses all but the consultation's commands), and
// the sender's standing in the café. The public and the scribe are nobody
// in the café: no standing to check.
func (d *decider) decide(cmd Command) error {
	c, ok := commands[cmd.Type]
	if !ok {
		return protocol.Errorf(protocol.CodeUnknownType, "unknown command %q", cmd.Type)
	}
	if !slices.Contains(c.roles, cmd.Actor.Role) {
		return protocol.Errorf(protocol.CodeForbidden, "%s may not send %s", roleName(cmd.Actor.Role), cmd.Type)
	}
	if !c.creates {
		if !d.s.Exists() {
			return protocol.Errorf(protocol.CodeNotFound, "this café does not exist")
		}
		if d.s.Phase == protocol.PhaseClosed && !c.afterClose && !(c.inTownHall && d.s.TownHall.Running()) {
			return protocol.Errorf(protocol.CodeWrongPhase, "this café is closed")
		}
	}
	if cmd.Actor.Role.Seated() {
		p, ok := d.s.Participants[cmd.Actor.ParticipantID]
		if !ok {
			return protocol.Errorf(protocol.CodeUnauthorized, "unknown participant")
		}
		if p.Removed {
			return errRemoved
		}
	}
	return c.decide(d, cmd)
}

func badData(cmd Command) error {
	return protocol.Errorf(protocol.CodeInvalid, "%s does not take this data", cmd.Type)
}

// roleName is the sender as a refusal names them, with its article.
func roleName(r protocol.Role) string {
	switch r {
	case "":
		return "a client without a role"
	case protocol.RoleAttendee:
		return "an attendee"
	case protocol.RoleHost:
		return "a table host"
	case protocol.RoleFacilitator:
		return "the facilitator"
	case protocol.RoleWall:
		return "the wall"
	case protocol.RoleScribe:
		return "the scribe"
	case protocol.RolePublic:
		return "a visitor of the public pages"
	case System.Role:
		return "the server"
	}
	return "a " + string(r)
}

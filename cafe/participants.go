package cafe

import (
	"maps"
	"slices"

	"github.com/worldcafe/worldcafe/protocol"
)

// The people of a café: joining and coming back on the same device, and the
// facilitator's hand on them (hosts, mute, removal).

// private is the part of an event that the log keeps and no client receives
// (protocol.Event.Private).
type private struct {
	Author    string `json:"author,omitempty"`     // of an anonymous note
	BallotKey string `json:"ballot_key,omitempty"` // of a participant, from Join.Secret
	Device    string `json:"device,omitempty"`     // of a participant, from Join.DeviceHash
	Voter     string `json:"voter,omitempty"`      // of a town hall upvote, TownHallUpvote.Voter
}

var (
	errRemoved = protocol.Errorf(protocol.CodeUnauthorized, "you were removed from this café by the facilitator")
	errMuted   = protocol.Errorf(protocol.CodeForbidden, "the facilitator has paused your posting")
)

func (d *decider) join(j Join) error {
	if j.DeviceHash != "" {
		if !validDeviceHash(j.DeviceHash) {
			return protocol.Errorf(protocol.CodeInvalid, "this device key is not valid")
		}
		if p := d.s.byDevice(j.DeviceHash); p != nil {
			return d.rejoin(p)
		}
	}
	if _, ok := d.s.Participants[j.ParticipantID]; ok || j.ParticipantID == "" {
		return protocol.Errorf(protocol.CodeConflict, "participant id is taken")
	}
	if d.s.headcount() >= protocol.MaxParticipants {
		return protocol.Errorf(protocol.CodeConflict, "this café is full (%d people)", protocol.MaxParticipants)
	}
	if d.s.Phase == protocol.PhaseHarvest && !d.s.TownHall.Running() {
		return protocol.Errorf(protocol.CodeWrongPhase, "the conversations are over; this café is harvesting")
	}
	r := j.Request
	if !d.s.validGroup(r.Group) {
		return protocol.Errorf(protocol.CodeInvalid, "unknown stakeholder group %q", r.Group)
	}
	name := ""
	if !r.Anonymous {
		var err error
		if name, err = cleanText("name", r.Name, protocol.MaxNameRunes, false, true); err != nil {
			return err
		}
	}
	d.emitPrivate(protocol.EvParticipantJoined, protocol.ParticipantJoined{
		ParticipantID: j.ParticipantID, Name: name, Group: r.Group, Role: protocol.RoleAttendee,
		Anonymous: r.Anonymous, Table: d.newcomerTable(j.ParticipantID, r.Group),
	}, private{BallotKey: j.Secret, Device: j.DeviceHash})
	return nil
}

// rejoin brings p back on the device they joined with: the server gives them
// a new token, and everything they had is theirs again. It works in every
// phase but closed (a phone whose storage was wiped may come back to vote in
// the harvest), and never for someone the facilitator removed.
func (d *decider) rejoin(p *Participant) error {
	if p.Removed {
		return protocol.Errorf(protocol.CodeForbidden, "you were removed from this café by the facilitator")
	}
	d.emit(protocol.EvParticipantRejoined, protocol.ParticipantRejoined{ParticipantID: p.ID, Role: p.Role, Table: d.seatOf(p)})
	return nil
}

// validDeviceHash checks the form of Join.DeviceHash: hex SHA-256.
func validDeviceHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// byDevice is the participant who joined with the device hash h, or nil.
// A linear scan: joins are rare next to notes, and an index would be one
// more thing for snapshots to rebuild.
func (s *State) byDevice(h string) *Participant {
	for _, p := range s.Participants {
		if p.Device == h {
			return p
		}
	}
	return nil
}

// headcount is the number of participants who were not removed.
func (s *State) headcount() int {
	n := 0
	for _, p := range s.Participants {
		if !p.Removed {
			n++
		}
	}
	return n
}

// person is the participant a facilitator's command names.
func (d *decider) person(id string) (*Participant, error) {
	p, ok := d.s.Participants[id]
	if !ok {
		return nil, protocol.Errorf(protocol.CodeNotFound, "no participant %q", id)
	}
	if p.Removed {
		return nil, protocol.Errorf(protocol.CodeNotFound, "this person was removed from the café")
	}
	return p, nil
}

// setRole makes a participant the host of the table they sit at for the
// current or coming round, or a traveller again. A table has one host.
func (d *decider) setRole(r protocol.ParticipantRole) error {
	p, err := d.person(r.ParticipantID)
	if err != nil {
		return err
	}
	if r.Role != protocol.RoleHost && r.Role != protocol.RoleAttendee {
		return protocol.Errorf(protocol.CodeInvalid, "a participant is a host or an attendee")
	}
	if p.Role == r.Role {
		d.duplicate = true
		return nil
	}
	table := d.seatOf(p)
	if r.Role == protocol.RoleHost {
		if _, hosts := d.occupancy(); hosts[table] > 0 {
			return protocol.Errorf(protocol.CodeConflict, "table %d already has a host", table)
		}
	}
	d.emit(protocol.EvParticipantRoleSet, protocol.ParticipantRoleSet{ParticipantID: p.ID, Role: r.Role, Table: table})
	return nil
}

func (d *decider) mute(m protocol.ParticipantMute) error {
	p, err := d.person(m.ParticipantID)
	if err != nil {
		return err
	}
	if p.Muted == m.Muted {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvParticipantMuted, protocol.ParticipantMuted{ParticipantID: p.ID, Muted: m.Muted})
	return nil
}

// remove takes a participant out of the café for good. The events before
// participant.removed take back what they put in the room, with the events
// every client already folds: their notes hidden, their dots withdrawn from
// every vote, their hand lowered, the floor taken from them.
func (d *decider) remove(r protocol.ParticipantRef) error {
	p, ok := d.s.Participants[r.ParticipantID]
	if !ok {
		return protocol.Errorf(protocol.CodeNotFound, "no participant %q", r.ParticipantID)
	}
	if p.Removed {
		d.duplicate = true
		return nil
	}
	for _, n := range d.s.LiveNotes() {
		if n.Author == p.ID && !n.Hidden {
			d.emit(protocol.EvNoteHidden, protocol.NoteHidden{NoteID: n.ID})
		}
	}
	if p.BallotKey != "" {
		for _, v := range d.s.VoteList() {
			ballot := ballotOf(p.BallotKey, v.VoteID)
			mine := v.Ballots[ballot]
			for _, item := range slices.Sorted(maps.Keys(mine)) {
				for range mine[item] {
					d.emit(protocol.EvVoteUncast, protocol.VoteCast{VoteID: v.VoteID, ItemID: item, Ballot: ballot})
				}
			}
		}
	}
	if slices.Contains(d.s.Hands, p.ID) {
		d.emit(protocol.EvHandLowered, protocol.Hand{ParticipantID: p.ID})
	}
	if d.s.Speaker == p.ID {
		d.emit(protocol.EvSpeakerCalled, protocol.SpeakerCalled{})
	}
	d.emit(protocol.EvParticipantRemoved, protocol.ParticipantRemoved{ParticipantID: p.ID})
	return nil
}

// applyParticipants folds the events of this file; ok is false for others.
func applyParticipants(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvParticipantJoined:
		j, err := decode[protocol.ParticipantJoined](ev)
		if err != nil {
			return true, err
		}
		priv, err := decodePrivate(ev)
		if err != nil {
			return true, err
		}
		s.Participants[j.ParticipantID] = &Participant{
			ID: j.ParticipantID, Name: j.Name, Group: j.Group, Role: j.Role,
			Anonymous: j.Anonymous, Table: j.Table, JoinSeq: ev.Seq,
			BallotKey: priv.BallotKey, Device: priv.Device,
			TownHall: s.TownHall.Running(),
		}
		if s.NextSeats != nil {
			// Someone joining during a town hall sits at that table next round.
			s.NextSeats[j.ParticipantID] = j.Table
		}
		if seats := s.Seatings[s.Round]; seats != nil && s.Phase == protocol.PhaseRound {
			seats[j.ParticipantID] = j.Table // joined mid-round: sits there this round
		}
	case protocol.EvParticipantRejoined:
		r, err := decode[protocol.ParticipantRejoined](ev)
		if err != nil {
			return true, err
		}
		if _, err := s.present(r.ParticipantID); err != nil {
			return true, err
		}
	case protocol.EvParticipantRoleSet:
		r, err := decode[protocol.ParticipantRoleSet](ev)
		if err != nil {
			return true, err
		}
		p, err := s.present(r.ParticipantID)
		if err != nil {
			return true, err
		}
		// The table is where they sit for the current or coming round; a
		// host's home table is their Table, which the planner keeps.
		p.Role, p.Table = r.Role, r.Table
		if s.NextSeats != nil {
			s.NextSeats[p.ID] = r.Table
		}
	case protocol.EvParticipantMuted:
		m, err := decode[protocol.ParticipantMuted](ev)
		if err != nil {
			return true, err
		}
		p, err := s.present(m.ParticipantID)
		if err != nil {
			return true, err
		}
		p.Muted = m.Muted
	case protocol.EvParticipantRemoved:
		r, err := decode[protocol.ParticipantRemoved](ev)
		if err != nil {
			return true, err
		}
		p, err := s.present(r.ParticipantID)
		if err != nil {
			return true, err
		}
		p.Removed = true
		delete(s.NextSeats, p.ID)
	default:
		return false, nil
	}
	return true, nil
}

// present is the participant id names, unless unknown or removed.
func (s *State) present(id string) (*Participant, error) {
	p, ok := s.Participants[id]
	if !ok || p.Removed {
		return nil, errNoParticipant
	}
	return p, nil
}

var errNoParticipant = protocol.Errorf(protocol.CodeNotFound, "no such participant")

package cafe

import (
	"fmt"
	"maps"

	"github.com/worldcafe/worldcafe/protocol"
)

// Where people sit: the newcomer's table, the facilitator's overrides, and
// the planned seating of the coming round.

// seatOf returns where p sits for the current or coming round.
func (d *decider) seatOf(p *Participant) int {
	if t, ok := d.s.NextSeats[p.ID]; ok {
		return t
	}
	return p.Table
}

func (d *decider) occupancy() (people []int, hosts []int) {
	people = make([]int, d.s.Tables+1)
	hosts = make([]int, d.s.Tables+1)
	for _, p := range d.s.Participants {
		if p.Removed {
			continue
		}
		t := d.seatOf(p)
		if t < 1 || t > d.s.Tables {
			continue
		}
		people[t]++
		if p.Role == protocol.RoleHost {
			hosts[t]++
		}
	}
	return people, hosts
}

// newcomerTable is where a traveller who joins now sits. In the lobby it is
// lobbyTable's choice, which seats people in conversations of two or more
// as they arrive. During a round (for that round) and in a town hall (for
// the coming round, in the planned seating) it is SeatLate's choice among
// the emptiest tables: where the newcomer has met nobody and their
// stakeholder group has the fewest people. Tables have no capacity here (as
// in PlanRound): balance is the rule. Deterministic: ties go to the lowest
// table number.
func (d *decider) newcomerTable(id, group string) int {
	if d.s.Phase != protocol.PhaseRound && d.s.Phase != protocol.PhaseTownHall {
		return d.lobbyTable()
	}
	// The rounds before the one being sat in: during a round, those before
	// it; in a town hall, every round played.
	played := d.s.Round
	if d.s.Phase == protocol.PhaseRound {
		played--
	}
	people := d.s.People()
	in := PlanInput{Tables: make([]int, d.s.Tables), People: make([]PlanPerson, 0, len(people))}
	for t := range in.Tables {
		in.Tables[t] = len(people) + 1
	}
	for r := 1; r <= played; r++ {
		in.History = append(in.History, d.s.Seatings[r])
	}
	seats := make(map[string]int, len(people))
	for _, p := range people {
		in.People = append(in.People, PlanPerson{ID: p.ID, Group: p.Group, Host: p.Role == protocol.RoleHost, Present: true})
		seats[p.ID] = d.seatOf(p)
	}
	if t := SeatLate(in, seats, PlanPerson{ID: id, Group: group, Present: true}); t >= 1 {
		return t
	}
	return d.lobbyTable() // cannot happen: no table is ever full here
}

// lobbyTable is where a newcomer sits in the lobby. Nobody should wait
// alone at a table because the café has more tables than people, so people
// are seated as the rotation planner seats rounds 2 and later (package
// rotation: only some tables are used when there are fewer people than two
// a table): the emptiest occupied table while one has fewer than two
// people, then the lowest-numbered empty table, and once every table is
// occupied, the emptiest table. Ties go to the lowest table number.
func (d *decider) lobbyTable() int {
	people, _ := d.occupancy()
	return lobbySeat(people[1:]) + 1
}

// lobbySeat is lobbyTable's rule over the head counts of the tables (index 0
// is table 1); it returns an index.
func lobbySeat(people []int) int {
	emptiestOccupied, firstEmpty := -1, -1
	for t, n := range people {
		switch {
		case n == 0:
			if firstEmpty < 0 {
				firstEmpty = t
			}
		case emptiestOccupied < 0 || n < people[emptiestOccupied]:
			emptiestOccupied = t
		}
	}
	switch {
	case emptiestOccupied >= 0 && people[emptiestOccupied] < 2:
		return emptiestOccupied
	case firstEmpty >= 0:
		return firstEmpty
	}
	return emptiestOccupied
}

// seatAssign is the facilitator's override of the rotation: p sits at a
// table in the coming round. In the lobby that is their table now; in a
// town hall it is their planned seat, and the other travellers' seats are
// planned again around every override of that round (hosts stay), so that
// balance and repeat avoidance adapt, moving as few people as that allows
// (replanRound). Nobody moves during a running round: people are
// mid-conversation, and their notes carry their table.
func (d *decider) seatAssign(a protocol.SeatAssign) error {
	switch d.s.Phase {
	case protocol.PhaseLobby, protocol.PhaseTownHall:
	case protocol.PhaseRound:
		return protocol.Errorf(protocol.CodeWrongPhase, "nobody is moved during a running round; assign seats in the town hall")
	default:
		return protocol.Errorf(protocol.CodeWrongPhase, "the conversations are over; there are no more seats to assign")
	}
	next := d.s.Round + 1
	if next > d.s.Rounds() {
		return protocol.Errorf(protocol.CodeWrongPhase, "no round follows this town hall; there are no more seats to assign")
	}
	p, err := d.person(a.ParticipantID)
	if err != nil {
		return err
	}
	if a.Table < 1 || a.Table > d.s.Tables {
		return protocol.Errorf(protocol.CodeInvalid, "table must be between 1 and %d", d.s.Tables)
	}
	overrides := d.s.Overrides[next]
	if t, ok := overrides[p.ID]; ok && t == a.Table && d.seatOf(p) == a.Table {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvSeatAssigned, protocol.SeatAssigned{ParticipantID: p.ID, Table: a.Table, Round: next})
	if d.s.Phase != protocol.PhaseTownHall {
		return nil
	}
	fixed := maps.Clone(overrides)
	if fixed == nil {
		fixed = map[string]int{}
	}
	fixed[p.ID] = a.Table
	planned := maps.Clone(d.s.NextSeats) // as seat.assigned leaves it
	if planned == nil {
		planned = map[string]int{}
	}
	planned[p.ID] = a.Table
	if seats := replanRound(d.s, next, fixed, planned); len(seats) > 0 && !maps.Equal(seats, planned) {
		d.emit(protocol.EvSeatingPlanned, protocol.SeatingPlanned{Round: next, Seats: seats})
	}
	return nil
}

// applySeating folds the events of this file; ok is false for others.
func applySeating(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvSeatingPlanned:
		p, err := decode[protocol.SeatingPlanned](ev)
		if err != nil {
			return true, err
		}
		s.NextSeats = p.Seats
	case protocol.EvSeatAssigned:
		a, err := decode[protocol.SeatAssigned](ev)
		if err != nil {
			return true, err
		}
		p, ok := s.Participants[a.ParticipantID]
		if !ok {
			return true, fmt.Errorf("no participant %q", a.ParticipantID)
		}
		if s.Phase == protocol.PhaseLobby {
			p.Table = a.Table // round 1 starts from where people sit
		} else {
			if s.NextSeats == nil {
				s.NextSeats = map[string]int{}
			}
			s.NextSeats[p.ID] = a.Table
		}
		if s.Overrides == nil {
			s.Overrides = map[int]map[string]int{}
		}
		if s.Overrides[a.Round] == nil {
			s.Overrides[a.Round] = map[string]int{}
		}
		s.Overrides[a.Round][p.ID] = a.Table
	default:
		return false, nil
	}
	return true, nil
}

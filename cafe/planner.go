package cafe

import (
	"hash/fnv"

	"github.com/worldcafe/worldcafe/cafe/rotation"
	"github.com/worldcafe/worldcafe/protocol"
)

// PlanInput and PlanPerson are the planner's view of a café, under the names
// the café's features use.
type (
	PlanInput  = rotation.Input
	PlanPerson = rotation.Person
)

// SeatLate is rotation.SeatLate: the table for someone who arrives while a
// round runs.
func SeatLate(in PlanInput, seats map[string]int, p PlanPerson) int {
	return rotation.SeatLate(in, seats, p)
}

// PlanRound returns where every participant sits in round `round` (2 and
// later): hosts stay at their table, travellers move so that they meet
// people they have not met, from stakeholder groups they have not heard. It
// asks the rotation planner (rotation.Plan) for that one round, with the rounds
// recorded in Seatings as history. When the round just played has no
// recorded seating (a café restored from a snapshot older than Seatings),
// everyone counts as having sat at their current table in it. People who
// joined mid-round are in the recorded seating; people who joined since (in
// the town hall) sat nowhere yet, so they have met nobody.
//
// The facilitator's overrides of the round (Overrides[round], from
// seat.assign) hold: an overridden traveller sits where told and counts as a
// seat already taken when the others are balanced; an overridden host hosts
// the table they were moved to.
//
// Every participant is seated (the café does not track who has left); table
// capacity is not a constraint here, balance is: sizes differ by at most one
// as far as the overrides allow. Hosts at no valid table are treated as
// hosts of table 1.
//
// It is deterministic: the seed comes from the café id, so the same state
// gives the same plan on every node.
func PlanRound(s *State, round int) map[string]int {
	return planRound(s, round, s.Overrides[round])
}

// planRound is PlanRound with fixed as the round's overrides.
func planRound(s *State, round int, fixed map[string]int) map[string]int {
	in, ok := planInput(s, round, fixed)
	if !ok {
		return nil
	}
	plan, err := rotation.Plan(in)
	if err != nil {
		// Cannot happen: every table takes everyone and every host has a
		// table. Without a plan, people stay where they are.
		return nil
	}
	return plan.Round(round)
}

// planInput is the planner's view of s for planning round `round` alone,
// with fixed as that round's overrides; false when there is nothing to plan.
func planInput(s *State, round int, fixed map[string]int) (PlanInput, bool) {
	if s.Tables < 1 || round < 2 {
		return PlanInput{}, false
	}
	people := s.People()
	in := PlanInput{
		Tables:  make([]int, s.Tables),
		Rounds:  round,
		History: make([]map[string]int, round-1),
		Seed:    seedOf(s.ID),
	}
	for t := range in.Tables {
		in.Tables[t] = len(people)
	}
	for r := 1; r < round-1; r++ {
		in.History[r-1] = s.Seatings[r]
	}
	last := s.Seatings[round-1]
	if last == nil {
		last = make(map[string]int, len(people))
		for _, p := range people {
			last[p.ID] = p.Table
		}
	}
	in.History[round-2] = last
	for _, p := range people {
		person := PlanPerson{ID: p.ID, Group: p.Group, Present: true}
		t, overridden := fixed[p.ID]
		overridden = overridden && t >= 1 && t <= s.Tables
		switch {
		case p.Role == protocol.RoleHost && overridden:
			person.Host, person.Home = true, t
		case p.Role == protocol.RoleHost:
			person.Host, person.Home = true, clampTable(p.Table, s.Tables)
		case overridden:
			if in.Fixed == nil {
				in.Fixed = map[int]map[string]int{round: {}}
			}
			in.Fixed[round][p.ID] = t
		}
		in.People = append(in.People, person)
	}
	return in, true
}

// replanRound is the seating of round `round` after the facilitator changed
// its overrides to fixed, when current is the seating announced so far (with
// the new override in it): rotation.Replan, which moves as few people as it
// can now that the room knows its seats. Deterministic like PlanRound.
func replanRound(s *State, round int, fixed, current map[string]int) map[string]int {
	in, ok := planInput(s, round, fixed)
	if !ok {
		return nil
	}
	seats, err := rotation.Replan(in, round, current)
	if err != nil {
		return nil // cannot happen, as in planRound
	}
	return seats
}

// seedOf derives the planner's seed from the café id (FNV-1a).
func seedOf(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

func clampTable(t, tables int) int {
	if t < 1 || t > tables {
		return 1
	}
	return t
}

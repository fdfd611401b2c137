package cafe

import (
	"hash/fnv"
	"maps"

	"github.com/worldcafe/worldcafe/protocol"
)

// PlanRound returns where every participant sits in round `round` (2 and
// later): hosts stay at their table, travellers move so that they meet
// people they have not met, from stakeholder groups they have not heard. It
// asks the rotation planner (Plan) for that one round, with the rounds
// recorded in Seatings as history; the round just played also counts
// everyone at their current table, so people who joined mid-round and cafés
// restored from older snapshots are covered.
//
// Every participant is seated (the café does not track who has left); table
// capacity is not a constraint here, balance is: sizes differ by at most one.
// Hosts at no valid table are treated as hosts of table 1.
//
// It is deterministic: the seed comes from the café id, so the same state
// gives the same plan on every node.
func PlanRound(s *State, round int) map[string]int {
	if s.Tables < 1 || round < 2 {
		return nil
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
	last := maps.Clone(s.Seatings[round-1])
	if last == nil {
		last = make(map[string]int, len(people))
	}
	for _, p := range people {
		if _, ok := last[p.ID]; !ok {
			last[p.ID] = p.Table
		}
	}
	in.History[round-2] = last
	for _, p := range people {
		person := PlanPerson{ID: p.ID, Group: p.Group, Present: true}
		if p.Role == protocol.RoleHost {
			person.Host, person.Home = true, clampTable(p.Table, s.Tables)
		}
		in.People = append(in.People, person)
	}
	plan, err := Plan(in)
	if err != nil {
		// Cannot happen: every table takes everyone and every host has a
		// table. Without a plan, people stay where they are.
		return nil
	}
	return plan.Round(round)
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

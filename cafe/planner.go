package cafe

import (
	"hash/fnv"
	"slices"

	"github.com/worldcafe/worldcafe/protocol"
)

// PlanRound returns where every participant sits in round `round` (2 and
// later): hosts stay at their table, travellers move so that they meet
// people they have not met, from stakeholder groups they have not heard. It
// asks the rotation planner (Plan) for that one round, with the rounds
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
	plan, err := Plan(in)
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
// the new override in it). People have been told where to go, so it moves
// as few of them as it can: it takes current, seats hosts and overridden
// travellers where they belong, and rebalances the tables by moving single
// travellers (repair). A full re-plan around the overrides (planRound)
// replaces that only when it has fewer repeat pairs, or as many and fewer
// repeated meetings: moving half the room for a little more group mixing is
// not worth it once the room knows its seats. Deterministic like PlanRound.
func replanRound(s *State, round int, fixed, current map[string]int) map[string]int {
	in, ok := planInput(s, round, fixed)
	if !ok {
		return nil
	}
	plan, err := Plan(in)
	if err != nil {
		return nil // cannot happen, as in planRound
	}
	full := plan.Round(round)
	repaired := repair(in, round, current)
	if repaired == nil {
		return full
	}
	r := measure(in, append(append([]map[string]int{}, in.History...), repaired))
	f := measure(in, append(append([]map[string]int{}, in.History...), full))
	if f.RepeatPairs < r.RepeatPairs || f.RepeatPairs == r.RepeatPairs && f.RepeatMeetings < r.RepeatMeetings {
		return full
	}
	return repaired
}

// repair returns current with hosts at home, the overrides of in.Fixed in
// place and table sizes brought within the planner's bounds by moving one
// traveller at a time: from the table furthest above its bounds to the one
// furthest below, choosing the traveller whose move removes the most
// meetings of people who met before (those they leave minus those they
// join), then mixes the groups most, then does not revisit a table, in
// input order on a tie. It returns nil when current does not seat everyone
// in in.People or no traveller can move.
func repair(in PlanInput, round int, current map[string]int) map[string]int {
	T := len(in.Tables)
	seats := make(map[string]int, len(in.People))
	fixedSeats := make([]int, T)
	pinned := map[string]bool{}
	for _, p := range in.People {
		t, ok := current[p.ID]
		if f, isFixed := in.Fixed[round][p.ID]; isFixed {
			t, ok = f, true
		}
		if p.Host {
			t, ok = p.Home, true
		}
		if !ok || t < 1 || t > T {
			return nil
		}
		seats[p.ID] = t
		if _, isFixed := in.Fixed[round][p.ID]; isFixed || p.Host {
			pinned[p.ID] = true
			fixedSeats[t-1]++
		}
	}
	lo, hi := slices.Clone(fixedSeats), make([]int, T)
	levels(lo, hi, in.Tables, len(in.People))

	size := make([]int, T)
	for _, t := range seats {
		size[t-1]++
	}
	groupAt := func(group string, t int) int {
		n := 0
		for _, q := range in.People {
			if q.Group == group && seats[q.ID] == t {
				n++
			}
		}
		return n
	}
	metAt := func(id string, t int) (met, visited int) {
		for _, h := range in.History {
			mine, ok := h[id]
			if !ok || mine < 1 || mine > T {
				continue
			}
			if mine == t {
				visited = 1
			}
			for _, q := range in.People {
				if q.ID != id && seats[q.ID] == t && h[q.ID] == mine {
					met++
				}
			}
		}
		return met, visited
	}
	for range len(in.People) + 1 {
		src, dst := -1, -1
		for t := range T {
			if size[t] > hi[t] && (src < 0 || size[t]-hi[t] > size[src]-hi[src]) {
				src = t
			}
			if size[t] < lo[t] && (dst < 0 || lo[t]-size[t] > lo[dst]-size[dst]) {
				dst = t
			}
		}
		switch {
		case src < 0 && dst < 0:
			return seats // within bounds
		case src < 0:
			for t := range T {
				if size[t] > lo[t] && (src < 0 || size[t]-lo[t] > size[src]-lo[src]) {
					src = t
				}
			}
		case dst < 0:
			for t := range T {
				if size[t] < hi[t] && (dst < 0 || size[t]-lo[t] < size[dst]-lo[dst]) {
					dst = t
				}
			}
		}
		if src < 0 || dst < 0 {
			return nil // cannot happen: the bounds sum around the head count
		}
		best, bestKey := "", [3]int{}
		for _, p := range in.People {
			if pinned[p.ID] || seats[p.ID] != src+1 {
				continue
			}
			met, visited := metAt(p.ID, dst+1)
			left, _ := metAt(p.ID, src+1)
			same := 0
			if p.Group != "" {
				same = groupAt(p.Group, dst+1) - groupAt(p.Group, src+1)
			}
			if key := [3]int{met - left, same, visited}; best == "" || slices.Compare(key[:], bestKey[:]) < 0 {
				best, bestKey = p.ID, key
			}
		}
		if best == "" {
			return nil
		}
		seats[best] = dst + 1
		size[src]--
		size[dst]++
	}
	return nil
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

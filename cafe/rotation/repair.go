package rotation

import "slices"

// Replan is the seating of round `round` (the one after in.History) once the
// facilitator has changed its overrides (in.Fixed[round]), when current is
// the seating announced so far. People have been told where to go, so it
// moves as few of them as it can: Repair's seating, unless a full re-plan
// around the overrides (Plan) has fewer repeat pairs, or as many and fewer
// repeated meetings: moving half the room for a little more group mixing is
// not worth it once the room knows its seats. It fails where Plan fails.
func Replan(in Input, round int, current map[string]int) (map[string]int, error) {
	plan, err := Plan(in)
	if err != nil {
		return nil, err
	}
	full := plan.Round(round)
	repaired := Repair(in, round, current)
	if repaired == nil {
		return full, nil
	}
	r := measureDetail(in, append(slices.Clone(in.History), repaired), false)
	f := measureDetail(in, append(slices.Clone(in.History), full), false)
	if f.RepeatPairs < r.RepeatPairs || f.RepeatPairs == r.RepeatPairs && f.RepeatMeetings < r.RepeatMeetings {
		return full, nil
	}
	return repaired, nil
}

// Repair returns current with hosts at home, the overrides of in.Fixed in
// place and table sizes brought within the planner's bounds by moving one
// traveller at a time: from the table furthest above its bounds to the one
// furthest below, choosing the traveller whose move removes the most
// meetings of people who met before (those they leave minus those they
// join), then mixes the groups most, then does not revisit a table, in
// input order on a tie. It returns nil when current does not seat everyone
// in in.People or no traveller can move.
func Repair(in Input, round int, current map[string]int) map[string]int {
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

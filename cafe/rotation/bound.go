package rotation

import "slices"

// LowerBound returns a number of repeat pairs that every plan for
// in must reach (the reunion round of a ReturnHome café aside), or 0 when
// the input is invalid or no better bound is known. It is the largest of:
//
//   - history: the repeat pairs already in History;
//   - tables: for two rounds r₁ < r₂ with r₂ planned, the people at one table
//     in r₁ who are present in r₂ must spread over the tables in r₂; their
//     hosts stay put, so at best the travellers fill the tables evenly
//     (water-filling, each table's cost the people of the group already
//     there). For a planned r₁ the group is the table's minimum size with
//     its present hosts. Groups of one round pair are disjoint, so their
//     counts add up; the best round pair is taken;
//   - hosts: when every table has a present host and a traveller has more
//     planned rounds than there are tables, they meet some host twice;
//   - people: a traveller meets at least Σ(smallest table − 1) people over
//     the planned rounds; beyond the present people they have not met yet,
//     each meeting repeats a pair, and one pair holds at most one meeting
//     per planned round; each pair is counted from both ends, hence halved.
//
// With tables of s people and T ≥ s tables (any usual café) the bound is 0;
// it bites for few, large tables.
func LowerBound(in Input) int {
	r, err := newRoom(&in, in.Seed)
	if err != nil {
		return 0
	}
	last := in.Rounds
	if in.ReturnHome && in.Rounds >= 2 {
		last--
	}
	h := len(in.History)
	played := in.History[:min(h, last)]
	best := measure(Input{People: in.People, Tables: in.Tables, Rounds: len(played)}, played).RepeatPairs
	if last <= h {
		return best
	}
	planned := last - h
	// Size bounds of the planned rounds and hosts per table.
	los, his := make([][]int, 0, planned), make([][]int, 0, planned)
	for round := h + 1; round <= last; round++ {
		if r.setUp(round) != nil {
			return best
		}
		los = append(los, slices.Clone(r.lo))
		his = append(his, slices.Clone(r.hi))
	}
	hosts := make([]int, r.T)
	for _, p := range r.present {
		if r.host[p] {
			hosts[r.home[p]]++
		}
	}
	isPresent := make([]bool, len(r.ids))
	for _, p := range r.present {
		isPresent[p] = true
	}

	// tables
	pinnedAt, freeAt := make([]map[int]int, r.T), make([]int, r.T)
	for r1 := 1; r1 < last; r1++ {
		for t := range r.T {
			pinnedAt[t], freeAt[t] = nil, 0
			if r1 > h {
				if hosts[t] > 0 {
					pinnedAt[t] = map[int]int{t: hosts[t]}
				}
				freeAt[t] = max(0, los[r1-h-1][t]-hosts[t])
			}
		}
		if r1 <= h {
			for id, seat := range in.History[r1-1] {
				p, ok := r.index[id]
				if !ok || seat < 1 || seat > r.T || !isPresent[p] {
					continue
				}
				if t := seat - 1; r.host[p] {
					if pinnedAt[t] == nil {
						pinnedAt[t] = map[int]int{}
					}
					pinnedAt[t][int(r.home[p])]++
				} else {
					freeAt[t]++
				}
			}
		}
		sum := 0
		for t := range r.T {
			sum += waterfill(pinnedAt[t], freeAt[t], r.T)
		}
		best = max(best, sum)
	}

	// hosts and people
	allHosted := true
	for _, n := range hosts {
		allHosted = allHosted && n > 0
	}
	slots := 0
	for i, lo := range los {
		smallest := -1
		for t, n := range lo {
			if his[i][t] > 0 && (smallest < 0 || n < smallest) { // an open table
				smallest = n
			}
		}
		slots += max(0, smallest-1)
	}
	hostBound, personBound := 0, 0
	for _, p := range r.present {
		if r.host[p] {
			continue
		}
		if allHosted && planned > r.T {
			hostBound++
		}
		fresh := len(r.present) - 1
		for _, q := range r.present {
			if q != p && r.hasMet(p, q) {
				fresh--
			}
		}
		if excess := slots - fresh; excess > 0 {
			personBound += (excess + planned - 1) / planned
		}
	}
	return max(best, hostBound, (personBound+1)/2)
}

// waterfill is the fewest pairs that free travellers can form with each
// other and with pinned people (counts per table) when spread over T tables.
func waterfill(pinned map[int]int, free, T int) int {
	counts := make([]int, 0, len(pinned)+free)
	for _, n := range pinned {
		counts = append(counts, n)
	}
	for range min(free, T-len(pinned)) {
		counts = append(counts, 0)
	}
	pairs := 0
	for range free {
		i := 0
		for j, c := range counts {
			if c < counts[i] {
				i = j
			}
		}
		pairs += counts[i]
		counts[i]++
	}
	return pairs
}

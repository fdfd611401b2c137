package rotation

import "slices"

// Stats is the quality of a plan together with the rounds already played.
type Stats struct {
	// RepeatPairs counts pairs of people (not both hosts) who share a table
	// in more than one round; RepeatMeetings counts every such meeting after
	// the first (a pair meeting three times counts 2).
	RepeatPairs    int `json:"repeat_pairs"`
	RepeatMeetings int `json:"repeat_meetings"`
	// Revisits counts the times a traveller sits at a table they sat at in an
	// earlier round.
	Revisits int `json:"revisits"`
	// Diversity is the mean, over every table of every round with at least
	// one person of a declared group, of distinct groups at the table ÷
	// min(people of a declared group at the table, groups in the room that
	// round). 1 means every table is as mixed as it can be; 1 also when
	// nobody declared a group.
	Diversity float64 `json:"diversity"`
	// RepeatPairsLowerBound is a bound no plan can beat (see
	// LowerBound); 0 when no better bound is known.
	RepeatPairsLowerBound int `json:"repeat_pairs_lower_bound"`
	// GroupsPerTable[i][t-1] counts people per declared group at table t in
	// round i+1 (History first, then the plan).
	GroupsPerTable [][]map[string]int `json:"groups_per_table"`
}

// Measure measures the rounds in in.History followed by plan. The reunion
// round of a ReturnHome café is left out of the repeat and revisit counts.
func Measure(in Input, plan Schedule) Stats {
	st := measure(in, append(slices.Clone(in.History), plan.Seats...))
	st.RepeatPairsLowerBound = LowerBound(in)
	return st
}

// measure is Measure without the lower bound, over the given rounds.
func measure(in Input, rounds []map[string]int) Stats { return measureDetail(in, rounds, true) }

// measureDetail is measure; without detail it leaves GroupsPerTable out,
// which is most of its cost when Plan only compares candidates.
func measureDetail(in Input, rounds []map[string]int, detail bool) Stats {
	T := len(in.Tables)
	index := make(map[string]int, len(in.People))
	groupIndex := map[string]int{}
	var host []bool
	var group []int // index in groupNames, -1 when none declared
	var groupNames []string
	add := func(id string, isHost bool, g string) int {
		i := len(host)
		index[id] = i
		host = append(host, isHost)
		gi := -1
		if g != "" {
			var ok bool
			if gi, ok = groupIndex[g]; !ok {
				gi = len(groupNames)
				groupIndex[g] = gi
				groupNames = append(groupNames, g)
			}
		}
		group = append(group, gi)
		return i
	}
	for _, p := range in.People {
		if _, dup := index[p.ID]; !dup {
			add(p.ID, p.Host, p.Group)
		}
	}
	idOf := func(id string) int {
		if i, ok := index[id]; ok {
			return i
		}
		return add(id, false, "")
	}
	reunion := -1
	if in.ReturnHome && in.Rounds >= 2 && len(rounds) == in.Rounds {
		reunion = len(rounds) - 1
	}
	for _, seats := range rounds {
		for id := range seats {
			idOf(id)
		}
	}
	meet := &pairCount{}
	visited := make([][]int, len(host))
	st := Stats{Diversity: 1}
	var divSum float64
	divN := 0
	count := make([]int, len(groupNames))
	tables := make([][]int, T)
	for ri, seats := range rounds {
		for t := range tables {
			tables[t] = tables[t][:0]
		}
		for id, t := range seats {
			if t >= 1 && t <= T {
				tables[t-1] = append(tables[t-1], idOf(id))
			}
		}
		inRoom := 0
		clear(count)
		for _, m := range tables {
			for _, p := range m {
				if g := group[p]; g >= 0 && count[g] == 0 {
					count[g] = 1
					inRoom++
				}
			}
		}
		var perTable []map[string]int
		if detail {
			perTable = make([]map[string]int, T)
		}
		for t, m := range tables {
			clear(count)
			declared, distinct := 0, 0
			for _, p := range m {
				if g := group[p]; g >= 0 {
					if count[g] == 0 {
						distinct++
					}
					count[g]++
					declared++
				}
			}
			if detail {
				perTable[t] = map[string]int{}
				for g, n := range count {
					if n > 0 {
						perTable[t][groupNames[g]] = n
					}
				}
			}
			if declared > 0 {
				divSum += float64(distinct) / float64(min(declared, inRoom))
				divN++
			}
			if ri == reunion {
				continue
			}
			for i, a := range m {
				for _, b := range m[i+1:] {
					if host[a] && host[b] {
						continue
					}
					meet.add(a, b)
				}
				if !host[a] {
					if slices.Contains(visited[a], t) {
						st.Revisits++
					}
					visited[a] = append(visited[a], t)
				}
			}
		}
		if detail {
			st.GroupsPerTable = append(st.GroupsPerTable, perTable)
		}
	}
	st.RepeatPairs, st.RepeatMeetings = meet.repeats()
	if divN > 0 {
		st.Diversity = divSum / float64(divN)
	}
	return st
}

// pairCount counts meetings per pair. It keeps one entry per meeting, not
// a counter per pair: a plan has a few meetings per person, while a table of
// every pair is n² (8 MB for 2,000 people) and Plan measures several plans.
type pairCount struct{ meetings []uint64 }

func (c *pairCount) add(a, b int) {
	c.meetings = append(c.meetings, uint64(min(a, b))<<32|uint64(max(a, b)))
}

// repeats returns the pairs met more than once and their meetings after
// the first.
func (c *pairCount) repeats() (pairs, meetings int) {
	slices.Sort(c.meetings)
	for i := 1; i < len(c.meetings); i++ {
		if c.meetings[i] == c.meetings[i-1] {
			meetings++
			if i == 1 || c.meetings[i-1] != c.meetings[i-2] {
				pairs++
			}
		}
	}
	return pairs, meetings
}

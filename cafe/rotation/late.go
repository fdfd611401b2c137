package rotation

import "slices"

// SeatLate returns the table (numbered from 1) for p, who arrives while a
// round runs: seats is that round's seating and in.History the rounds before
// it (in.Rounds, Fixed and Seed are not used). A host goes to their Home. A
// traveller goes to one of the emptiest tables with a free seat (so sizes stay
// within one of each other), preferring the table where they have met the
// fewest people, then where their group has the fewest people, then one they
// have not sat at, then the lowest number. In a room with fewer than two
// people a table, where the planner leaves tables empty, only the tables
// with people count, until the room with the newcomer has two people for one
// more table: the newcomer opens it and the next one joins them. It returns
// 0 when no table has a free seat.
func SeatLate(in Input, seats map[string]int, p Person) int {
	T := len(in.Tables)
	if p.Host && p.Home >= 1 && p.Home <= T {
		return p.Home
	}
	groupOf := make(map[string]string, len(in.People))
	for _, q := range in.People {
		groupOf[q.ID] = q.Group
	}
	met := map[string]bool{}
	var visited []int
	for _, round := range in.History {
		t, ok := round[p.ID]
		if !ok || t < 1 || t > T {
			continue
		}
		visited = append(visited, t)
		for id, u := range round {
			if u == t && id != p.ID {
				met[id] = true
			}
		}
	}
	count := make([]int, T)
	repeats := make([]int, T)
	same := make([]int, T)
	for id, t := range seats {
		if id == p.ID || t < 1 || t > T {
			continue
		}
		count[t-1]++
		if met[id] {
			repeats[t-1]++
		}
		if p.Group != "" && groupOf[id] == p.Group {
			same[t-1]++
		}
	}
	// In a room too small for two people at every table some tables are
	// empty: a newcomer joins a conversation rather than sit alone, unless
	// the room with them in it fills one more table with two people.
	seated, occupied, roomAt := 1, 0, false
	for t, n := range count {
		seated += n
		if n > 0 {
			occupied++
			roomAt = roomAt || n < in.Tables[t]
		}
	}
	joinOnly := roomAt && occupied >= min(T, max(1, seated/2))
	best := -1
	key := func(t int) [4]int {
		v := 0
		if slices.Contains(visited, t+1) {
			v = 1
		}
		return [4]int{count[t], repeats[t], same[t], v}
	}
	for t := range T {
		if count[t] >= in.Tables[t] || joinOnly && count[t] == 0 {
			continue
		}
		if best < 0 {
			best = t
			continue
		}
		if kt, kb := key(t), key(best); slices.Compare(kt[:], kb[:]) < 0 {
			best = t
		}
	}
	return best + 1
}

package cafe

import (
	"slices"

	"github.com/worldcafe/worldcafe/protocol"
)

// PlanRound returns where every participant sits in round `round` (2 and
// later): hosts stay at their table, travellers move. It is the seam for the
// rotation planner; this version is the classic offset rule — the k-th
// traveller at a table moves k·(round−1) tables on — followed by a balancing
// pass so that table sizes differ by at most one.
//
// It is deterministic: the same state gives the same plan on every node.
func PlanRound(s *State, round int) map[string]int {
	if s.Tables < 1 || round < 2 {
		return nil
	}
	people := s.People()
	seats := make(map[string]int, len(people))
	count := make([]int, s.Tables+1)
	atTable := make(map[int]int) // travellers seen so far per table
	var travellers []string
	for _, p := range people {
		t := clampTable(p.Table, s.Tables)
		if p.Role == protocol.RoleHost {
			seats[p.ID] = t
			count[t]++
			continue
		}
		k := atTable[t] + 1
		atTable[t] = k
		next := (t-1+k*(round-1))%s.Tables + 1
		seats[p.ID] = next
		count[next]++
		travellers = append(travellers, p.ID)
	}
	// Balance: move travellers from the fullest table to the emptiest until
	// sizes differ by at most one. Later joiners move first.
	slices.Reverse(travellers)
	for {
		lo, hi := 1, 1
		for t := 2; t <= s.Tables; t++ {
			if count[t] < count[lo] {
				lo = t
			}
			if count[t] > count[hi] {
				hi = t
			}
		}
		if count[hi]-count[lo] <= 1 {
			break
		}
		moved := false
		for _, id := range travellers {
			if seats[id] == hi {
				seats[id] = lo
				count[hi]--
				count[lo]++
				moved = true
				break
			}
		}
		if !moved { // only hosts at the fullest table: nothing to move
			break
		}
	}
	return seats
}

func clampTable(t, tables int) int {
	if t < 1 || t > tables {
		return 1
	}
	return t
}

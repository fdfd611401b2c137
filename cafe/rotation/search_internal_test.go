package rotation

import (
	"fmt"
	"testing"
)

// TestSearchWorkIsBounded checks the bound that keeps a round end short in
// rooms where the search never runs out of small gains: one group much
// larger than the others at 400 tables, and 2,000 people crowded at 10
// tables. Past the greedy seating, a round's search does at most its bound
// plus the one step that crossed it (every table screened, every person
// visited), and the recomputing of each traveller's cost.
func TestSearchWorkIsBounded(t *testing.T) {
	groups := []string{"government", "private_sector", "civil_society"}
	room := func(n, tables int) Input {
		in := Input{Rounds: 4, Seed: 1}
		for range tables {
			in.Tables = append(in.Tables, (n+tables-1)/tables)
		}
		for i := range n {
			p := Person{ID: fmt.Sprintf("p%d", i+1), Group: groups[min(i%5, 2)], Present: true}
			if i < tables {
				p.Host, p.Home = true, i+1
			}
			in.People = append(in.People, p)
		}
		return in
	}
	for _, c := range []struct {
		name string
		in   Input
	}{
		{"2,000 people at 400 tables, three in five in one group", room(2000, 400)},
		{"2,000 people at 10 tables", room(2000, 10)},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, fromOffset := range []bool{false, true} {
				r, err := newRoom(&c.in, c.in.Seed)
				if err != nil {
					t.Fatal(err)
				}
				for round := 1; round <= c.in.Rounds; round++ {
					if err := r.setUp(round); err != nil {
						t.Fatal(err)
					}
					if fromOffset {
						r.offsetSeat(round)
					} else {
						r.greedy()
					}
					before := r.work
					r.improve()
					r.shake()
					// The limit, the step that crossed it, and the few times
					// each traveller's cost is computed afresh.
					limit := limitFactor*workFor(len(r.free)) + r.T + len(r.ids) + 4*len(r.free)*(len(r.ids)/r.T+1)
					if used := r.work - before; used > limit {
						t.Errorf("from offset %v, round %d: the search did %d work, bound %d", fromOffset, round, used, limit)
					}
					r.commit(round)
				}
			}
		})
	}
}

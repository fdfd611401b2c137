package rotation_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/worldcafe/worldcafe/cafe/rotation"
)

// groups are the stakeholder groups of the café, as the planner sees them:
// names that are equal or not.
var groups = []string{
	"government", "private_sector", "civil_society", "technical_community",
	"academia", "international_organisation", "other",
}

// input is a café of n people at `tables` tables seating
// ceil(n/tables) each, over `rounds` rounds: the first `hosts` people host
// tables 1..hosts, and groups go round-robin over groups.
func input(n, tables, hosts, rounds int, seed uint64) rotation.Input {
	in := rotation.Input{Rounds: rounds, Seed: seed}
	capacity := (n + tables - 1) / tables
	for range tables {
		in.Tables = append(in.Tables, capacity)
	}
	for i := range n {
		p := rotation.Person{ID: fmt.Sprintf("p%d", i+1), Group: groups[i%len(groups)], Present: true}
		if i < hosts {
			p.Host, p.Home = true, i+1
		}
		in.People = append(in.People, p)
	}
	return in
}

// randomInput is a random café: a few absent people, uneven
// capacities now and then, some undeclared groups, sometimes a few played
// rounds, fewer hosts than tables or none.
func randomInput(rng *rand.Rand) rotation.Input {
	tables := 1 + rng.IntN(16)
	n := 1 + rng.IntN(90)
	in := rotation.Input{Rounds: 1 + rng.IntN(6), Seed: rng.Uint64(), ReturnHome: rng.IntN(5) == 0}
	capacity := (n+tables-1)/tables + rng.IntN(3)
	for range tables {
		c := capacity
		if rng.IntN(4) == 0 {
			c += rng.IntN(4)
		}
		in.Tables = append(in.Tables, c)
	}
	hosts := rng.IntN(min(tables, n) + 1)
	for i := range n {
		p := rotation.Person{ID: fmt.Sprintf("p%d", i), Present: rng.IntN(10) != 0}
		if rng.IntN(6) != 0 {
			p.Group = groups[rng.IntN(len(groups))]
		}
		if i < hosts {
			p.Host, p.Home = true, i+1
		}
		in.People = append(in.People, p)
	}
	if played := rng.IntN(in.Rounds); played > 0 {
		// Play some rounds with the offset rule (everyone present then).
		past := in
		past.Rounds, past.ReturnHome = played, false
		past.People = slices.Clone(in.People)
		for i := range past.People {
			past.People[i].Present = true
		}
		plan, err := rotation.OffsetPlan(past)
		if err != nil {
			panic(err)
		}
		in.History = plan.Seats
	}
	return in
}

// checkPlan reports whether plan keeps every hard constraint for in:
// every planned round is there, everyone present sits exactly once at a real
// table, absent people do not, hosts sit at home, overrides hold, tables stay
// within capacity, no table is two or more people smaller than another
// unless it is full, holds only its fixed seats or stays empty in a room too
// small for two people a table, and nobody sits alone who need not.
func checkPlan(t *testing.T, in rotation.Input, plan rotation.Schedule) bool {
	t.Helper()
	ok := true
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
		ok = false
	}
	if want := len(in.History) + 1; plan.From != want {
		fail("plan starts at round %d, want %d", plan.From, want)
	}
	if want := in.Rounds - len(in.History); len(plan.Seats) != want {
		fail("plan has %d rounds, want %d", len(plan.Seats), want)
		return false
	}
	T := len(in.Tables)
	present := 0
	for _, p := range in.People {
		if p.Present {
			present++
		}
	}
	for i, seats := range plan.Seats {
		round := plan.From + i
		if len(seats) != present {
			fail("round %d seats %d people, want the %d present", round, len(seats), present)
		}
		size := make([]int, T)
		fixed := make([]int, T) // hosts and overrides
		for _, p := range in.People {
			table, seated := seats[p.ID]
			if !p.Present {
				if seated {
					fail("round %d: absent %s sits at table %d", round, p.ID, table)
				}
				continue
			}
			if !seated || table < 1 || table > T {
				fail("round %d: %s is at table %d of %d", round, p.ID, table, T)
				continue
			}
			size[table-1]++
			if p.Host {
				fixed[table-1]++
				if table != p.Home {
					fail("round %d: host %s moved from table %d to %d", round, p.ID, p.Home, table)
				}
			}
			if want, ok := in.Fixed[round][p.ID]; ok {
				if !p.Host {
					fixed[want-1]++
				}
				if table != want {
					fail("round %d: %s sits at %d, overridden to %d", round, p.ID, table, want)
				}
			}
		}
		for t, n := range size {
			if n > in.Tables[t] {
				fail("round %d: table %d holds %d of %d seats", round, t+1, n, in.Tables[t])
			}
		}
		reunion := in.ReturnHome && round == in.Rounds && round >= 2
		if reunion {
			continue // people go home first; the rest are balanced around them
		}
		// When the room is too small for two people at every table, some
		// tables stay empty; and unless the fixed seats or one-seat tables
		// force it, nobody sits alone.
		small, fixedNeed, roomy := 0, 0, present >= 2
		for t, c := range in.Tables {
			small += min(max(2, fixed[t]), c)
			if fixed[t] > 0 {
				fixedNeed += max(2, fixed[t])
			}
			roomy = roomy && c >= 3
		}
		closing := small > present
		for t, n := range size {
			if n == 1 && fixed[t] == 0 && roomy && fixedNeed <= present {
				fail("round %d: someone sits alone at table %d (sizes %v, capacities %v)", round, t+1, size, in.Tables)
			}
		}
		for a := range T {
			for b := range T {
				if size[b] == 0 && closing {
					continue
				}
				if size[a] >= size[b]+2 && size[b] < in.Tables[b] && size[a] > fixed[a] {
					fail("round %d: table %d holds %d, table %d only %d (sizes %v, capacities %v)", round, a+1, size[a], b+1, size[b], size, in.Tables)
				}
			}
		}
	}
	return ok
}

func mustPlan(tb testing.TB, in rotation.Input) rotation.Schedule {
	tb.Helper()
	plan, err := rotation.Plan(in)
	if err != nil {
		tb.Fatalf("Plan: %v", err)
	}
	return plan
}

// oneGroupHeavy is 2,000 people at 400 tables with hosts over 4 rounds, two
// thirds of them in one group: no plan can mix every table.
func oneGroupHeavy() rotation.Input {
	in := input(2000, 400, 400, 4, 1)
	for i := range in.People {
		if i%3 != 0 {
			in.People[i].Group = groups[0]
		}
	}
	return in
}

// unevenGroups is input(n, tables, tables, rounds, 1) with the seven groups
// of very different sizes (40, 25, 15, 10, 5, 3 and 2 in a hundred),
// scattered over the joining order: the skewed room of a real consultation.
func unevenGroups(n, tables, rounds int) rotation.Input {
	in := input(n, tables, tables, rounds, 1)
	shares := []int{40, 25, 15, 10, 5, 3, 2}
	for i := range in.People {
		x, g := (i*7919)%100, 0
		for x >= shares[g] {
			x -= shares[g]
			g++
		}
		in.People[i].Group = groups[g]
	}
	return in
}

// roundEnd is in as the café sees it when round `played` ends: the rounds
// before played by Plan, the next one to plan.
func roundEnd(tb testing.TB, in rotation.Input, played int) rotation.Input {
	tb.Helper()
	full := mustPlan(tb, in)
	in.History = full.Seats[:played]
	in.Rounds = played + 1
	return in
}

package cafe_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// rotationInput is a café of n people at `tables` tables seating
// ceil(n/tables) each, over `rounds` rounds: the first `hosts` people host
// tables 1..hosts, and groups go round-robin over protocol.Groups.
func rotationInput(n, tables, hosts, rounds int, seed uint64) cafe.PlanInput {
	in := cafe.PlanInput{Rounds: rounds, Seed: seed}
	capacity := (n + tables - 1) / tables
	for range tables {
		in.Tables = append(in.Tables, capacity)
	}
	for i := range n {
		p := cafe.PlanPerson{ID: fmt.Sprintf("p%d", i+1), Group: protocol.Groups[i%len(protocol.Groups)], Present: true}
		if i < hosts {
			p.Host, p.Home = true, i+1
		}
		in.People = append(in.People, p)
	}
	return in
}

// randomRotationInput is a random café: a few absent people, uneven
// capacities now and then, some undeclared groups, sometimes a few played
// rounds, fewer hosts than tables or none.
func randomRotationInput(rng *rand.Rand) cafe.PlanInput {
	tables := 1 + rng.IntN(16)
	n := 1 + rng.IntN(90)
	in := cafe.PlanInput{Rounds: 1 + rng.IntN(6), Seed: rng.Uint64(), ReturnHome: rng.IntN(5) == 0}
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
		p := cafe.PlanPerson{ID: fmt.Sprintf("p%d", i), Present: rng.IntN(10) != 0}
		if rng.IntN(6) != 0 {
			p.Group = protocol.Groups[rng.IntN(len(protocol.Groups))]
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
		plan, err := cafe.OffsetPlan(past)
		if err != nil {
			panic(err)
		}
		in.History = plan.Seats
	}
	return in
}

// checkRotation reports whether plan keeps every hard constraint for in:
// every planned round is there, everyone present sits exactly once at a real
// table, absent people do not, hosts sit at home, overrides hold, tables stay
// within capacity, and no table is two or more people smaller than another
// unless it is full or holds only its fixed seats.
func checkRotation(t *testing.T, in cafe.PlanInput, plan cafe.RotationPlan) bool {
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
		for a := range T {
			for b := range T {
				if size[a] >= size[b]+2 && size[b] < in.Tables[b] && size[a] > fixed[a] {
					fail("round %d: table %d holds %d, table %d only %d (sizes %v, capacities %v)", round, a+1, size[a], b+1, size[b], size, in.Tables)
				}
			}
		}
	}
	return ok
}

func mustPlan(tb testing.TB, in cafe.PlanInput) cafe.RotationPlan {
	tb.Helper()
	plan, err := cafe.Plan(in)
	if err != nil {
		tb.Fatalf("Plan: %v", err)
	}
	return plan
}

func TestPlanQuality(t *testing.T) {
	cases := []struct {
		name                   string
		n, tables, hosts, rnds int
	}{
		{"50 people at 10 tables with hosts meet nobody twice in 3 rounds", 50, 10, 10, 3},
		{"200 people at 40 tables with hosts meet nobody twice in 4 rounds", 200, 40, 40, 4},
		{"2,000 people at 400 tables with hosts meet nobody twice in 4 rounds", 2000, 400, 400, 4},
		{"32 golfers in 8 groups of 4 meet nobody twice in 4 rounds", 32, 8, 0, 4},
		{"8 hosts and 24 travellers at tables of 4 meet nobody twice in 4 rounds", 32, 8, 8, 4},
		{"8 hosts and 24 travellers at tables of 4 meet nobody twice in 5 rounds", 32, 8, 8, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for seed := range uint64(5) {
				if c.n > 500 && seed > 0 {
					break
				}
				in := rotationInput(c.n, c.tables, c.hosts, c.rnds, seed)
				plan := mustPlan(t, in)
				checkRotation(t, in, plan)
				st := cafe.Stats(in, plan)
				if st.RepeatPairs != 0 {
					t.Errorf("seed %d: %d repeat pairs", seed, st.RepeatPairs)
				}
				if c.hosts > 0 && st.Revisits != 0 {
					t.Errorf("seed %d: %d revisits", seed, st.Revisits)
				}
				if st.Diversity < 0.95 {
					t.Errorf("seed %d: diversity %.3f, want at least 0.95", seed, st.Diversity)
				}
			}
		})
	}

	t.Run("when repeats are forced the plan reaches the lower bound", func(t *testing.T) {
		// 12 people at 3 tables of 4: the 4 who sat together in round 1
		// must put two of them together again in round 2, at each table.
		in := rotationInput(12, 3, 0, 2, 1)
		st := cafe.Stats(in, mustPlan(t, in))
		if st.RepeatPairsLowerBound != 3 || st.RepeatPairs != 3 {
			t.Errorf("%d repeat pairs, lower bound %d; want 3 and 3", st.RepeatPairs, st.RepeatPairsLowerBound)
		}
	})

	t.Run("travellers spread the stakeholder groups over the tables", func(t *testing.T) {
		// 7 groups of 7 people in order, 7 tables of 7: every table can
		// hear every group in every round.
		in := rotationInput(49, 7, 0, 3, 3)
		for i := range in.People {
			in.People[i].Group = protocol.Groups[i/7]
		}
		st := cafe.Stats(in, mustPlan(t, in))
		if st.Diversity != 1 {
			t.Errorf("diversity %.3f, want 1", st.Diversity)
		}
		for r, tables := range st.GroupsPerTable {
			for table, groups := range tables {
				if len(groups) != 7 {
					t.Errorf("round %d table %d hears %d groups: %v", r+1, table+1, len(groups), groups)
				}
			}
		}
	})
}

func TestPlanIsNeverWorseThanTheOffsetRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(2025, 3))
	wins, ties := 0, 0
	for i := range 300 {
		in := randomRotationInput(rng)
		plan, err := cafe.Plan(in)
		if err != nil {
			if _, offErr := cafe.OffsetPlan(in); offErr == nil {
				t.Fatalf("case %d: Plan fails (%v) where OffsetPlan does not", i, err)
			}
			continue
		}
		off, err := cafe.OffsetPlan(in)
		if err != nil {
			t.Fatalf("case %d: OffsetPlan fails (%v) where Plan does not", i, err)
		}
		checkRotation(t, in, off)
		got, base := cafe.Stats(in, plan), cafe.Stats(in, off)
		switch {
		case got.RepeatPairs > base.RepeatPairs:
			t.Errorf("case %d: %d repeat pairs, the offset rule %d (%d people, %d tables, %d rounds, %d played)",
				i, got.RepeatPairs, base.RepeatPairs, len(in.People), len(in.Tables), in.Rounds, len(in.History))
		case got.RepeatPairs < base.RepeatPairs:
			wins++
		default:
			ties++
		}
		if got.RepeatPairs < got.RepeatPairsLowerBound {
			t.Errorf("case %d: %d repeat pairs beat the lower bound %d", i, got.RepeatPairs, got.RepeatPairsLowerBound)
		}
	}
	t.Logf("fewer repeat pairs than the offset rule in %d cafés, as few in %d", wins, ties)
}

func TestPlanKeepsTheHardConstraints(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 250 {
		in := randomRotationInput(rng)
		if rng.IntN(3) == 0 && in.Rounds > len(in.History) {
			// An override: someone present sits at a chosen table.
			round := len(in.History) + 1 + rng.IntN(in.Rounds-len(in.History))
			for _, p := range in.People {
				if p.Present && !p.Host {
					in.Fixed = map[int]map[string]int{round: {p.ID: 1 + rng.IntN(len(in.Tables))}}
					break
				}
			}
		}
		plan, err := cafe.Plan(in)
		if err != nil {
			// Only capacity can make a random café impossible.
			if !strings.Contains(err.Error(), "seats") {
				t.Fatalf("case %d: %v", i, err)
			}
			continue
		}
		if !checkRotation(t, in, plan) {
			t.Fatalf("case %d: %+v", i, in)
		}
		if i%5 == 0 {
			if again := mustPlan(t, in); !reflect.DeepEqual(plan, again) {
				t.Fatalf("case %d: the same input planned twice differs", i)
			}
		}
	}
}

func TestPlanIsDeterministicPerSeed(t *testing.T) {
	in := rotationInput(120, 24, 24, 4, 42)
	first := mustPlan(t, in)
	for range 20 {
		if again := mustPlan(t, in); !reflect.DeepEqual(first, again) {
			t.Fatal("the same input gave two plans")
		}
	}
	// A copy built in another order of maps (History, Fixed) plans the same.
	in.History = first.Seats[:1]
	in.Fixed = map[int]map[string]int{3: {"p30": 5, "p31": 6}}
	a := mustPlan(t, in)
	in.History = []map[string]int{maps.Clone(first.Seats[0])}
	in.Fixed = map[int]map[string]int{3: {"p31": 6, "p30": 5}}
	if b := mustPlan(t, in); !reflect.DeepEqual(a, b) {
		t.Fatal("equal inputs gave two plans")
	}
	other := in
	other.Seed++
	if b := mustPlan(t, other); reflect.DeepEqual(a, b) {
		t.Error("another seed gave the very same plan; is the seed used?")
	}
}

func TestPlanReplansFutureRounds(t *testing.T) {
	in := rotationInput(50, 10, 10, 3, 9)
	full := mustPlan(t, in)

	t.Run("rounds already played are kept and the rest are planned around them", func(t *testing.T) {
		in := in
		in.History = full.Seats[:1]
		plan := mustPlan(t, in)
		checkRotation(t, in, plan)
		if plan.From != 2 || len(plan.Seats) != 2 {
			t.Fatalf("plan from round %d with %d rounds, want 2 and 2", plan.From, len(plan.Seats))
		}
		if st := cafe.Stats(in, plan); st.RepeatPairs != 0 {
			t.Errorf("%d repeat pairs after re-planning", st.RepeatPairs)
		}
	})

	t.Run("a facilitator override holds and later rounds adapt to it", func(t *testing.T) {
		in := in
		in.History = full.Seats[:1]
		// Move two travellers of round 2 to tables where they meet nobody
		// they met in round 1 (their own round-1 table excluded).
		r1 := full.Seats[0]
		in.Fixed = map[int]map[string]int{2: {}}
		for _, id := range []string{"p11", "p12"} {
			to := r1[id]%10 + 1 // the next table: its host and travellers are new to them
			if to == full.Seats[1][id] {
				to = to%10 + 1
			}
			in.Fixed[2][id] = to
		}
		plan := mustPlan(t, in)
		checkRotation(t, in, plan)
		for id, to := range in.Fixed[2] {
			if plan.Round(2)[id] != to {
				t.Errorf("%s sits at %d in round 2, overridden to %d", id, plan.Round(2)[id], to)
			}
		}
		if st := cafe.Stats(in, plan); st.RepeatPairs != 0 {
			t.Errorf("the override brought %d avoidable repeat pairs", st.RepeatPairs)
		}
	})

	t.Run("an override that forces a repeat costs that repeat and no more", func(t *testing.T) {
		in := in
		in.History = full.Seats[:1]
		// p11 is sent back to their round-1 table: a repeat with its host.
		in.Fixed = map[int]map[string]int{2: {"p11": full.Seats[0]["p11"]}}
		plan := mustPlan(t, in)
		checkRotation(t, in, plan)
		st := cafe.Stats(in, plan)
		if st.RepeatPairs != 1 {
			t.Errorf("%d repeat pairs, want only p11 and their host", st.RepeatPairs)
		}
	})

	t.Run("people who left are not seated but still count as met", func(t *testing.T) {
		in := in
		in.People = slices.Clone(in.People)
		in.History = full.Seats[:1]
		for i := range in.People[10:20] {
			in.People[10+i].Present = false
		}
		plan := mustPlan(t, in)
		checkRotation(t, in, plan)
		if st := cafe.Stats(in, plan); st.RepeatPairs != 0 {
			t.Errorf("%d repeat pairs", st.RepeatPairs)
		}
	})

	t.Run("everyone goes back to their first table in the reunion round", func(t *testing.T) {
		in := in
		in.ReturnHome = true
		plan := mustPlan(t, in)
		checkRotation(t, in, plan)
		if !maps.Equal(plan.Round(3), plan.Round(1)) {
			t.Errorf("round 3 %v is not round 1 %v", plan.Round(3), plan.Round(1))
		}
		if st := cafe.Stats(in, plan); st.RepeatPairs != 0 || st.Revisits != 0 {
			t.Errorf("reunion counted: %d repeat pairs, %d revisits", st.RepeatPairs, st.Revisits)
		}
	})
}

func TestPlanRejectsImpossibleInput(t *testing.T) {
	base := func() cafe.PlanInput { return rotationInput(10, 2, 2, 2, 1) }
	cases := []struct {
		name   string
		change func(*cafe.PlanInput)
		want   string
	}{
		{"no tables", func(in *cafe.PlanInput) { in.Tables = nil }, "no tables"},
		{"more people than seats", func(in *cafe.PlanInput) { in.Tables = []int{4, 4} }, "seats"},
		{"the same id twice", func(in *cafe.PlanInput) { in.People[3].ID = "p1" }, "twice"},
		{"a host without a table", func(in *cafe.PlanInput) { in.People[0].Home = 0 }, "no table"},
		{"a home beyond the tables", func(in *cafe.PlanInput) { in.People[4].Home = 3 }, "home table"},
		{"fewer rounds than played", func(in *cafe.PlanInput) { in.History = make([]map[string]int, 3) }, "already played"},
		{"an override moving a host", func(in *cafe.PlanInput) { in.Fixed = map[int]map[string]int{2: {"p1": 2}} }, "cannot move"},
		{"an override to no table", func(in *cafe.PlanInput) { in.Fixed = map[int]map[string]int{1: {"p5": 9}} }, "table 9"},
		{"an override for a stranger", func(in *cafe.PlanInput) { in.Fixed = map[int]map[string]int{1: {"zz": 1}} }, "unknown"},
		{"overrides filling a table beyond its seats", func(in *cafe.PlanInput) {
			in.Fixed = map[int]map[string]int{2: {"p3": 1, "p4": 1, "p5": 1, "p6": 1, "p7": 1}}
		}, "table 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			c.change(&in)
			_, err := cafe.Plan(in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one about %q", err, c.want)
			}
			if _, err := cafe.OffsetPlan(in); err == nil {
				t.Error("OffsetPlan accepts it")
			}
		})
	}
}

func TestRotationStats(t *testing.T) {
	// Two tables, three rounds, by hand: h1 hosts table 1, h2 table 2.
	in := cafe.PlanInput{
		Tables: []int{3, 3},
		Rounds: 3,
		People: []cafe.PlanPerson{
			{ID: "h1", Host: true, Home: 1, Group: "academia", Present: true},
			{ID: "h2", Host: true, Home: 2, Group: "academia", Present: true},
			{ID: "a", Group: "government", Present: true},
			{ID: "b", Group: "government", Present: true},
			{ID: "c", Group: "other", Present: true},
			{ID: "d", Present: true}, // prefers not to say
		},
		History: []map[string]int{
			{"h1": 1, "a": 1, "b": 1, "h2": 2, "c": 2, "d": 2},
			{"h1": 1, "a": 1, "c": 1, "h2": 2, "b": 2, "d": 2},
		},
	}
	plan := cafe.RotationPlan{From: 3, Seats: []map[string]int{
		{"h1": 1, "a": 1, "b": 1, "h2": 2, "c": 2, "d": 2},
	}}
	st := cafe.Stats(in, plan)
	// Pairs met more than once: h1-a (3 times), h2-d (3), h1-b, a-b, h2-c,
	// c-d (twice each); h1-h2 never meet, hosts together would not count.
	if st.RepeatPairs != 6 || st.RepeatMeetings != 8 {
		t.Errorf("%d repeat pairs, %d repeat meetings; want 6 and 8", st.RepeatPairs, st.RepeatMeetings)
	}
	// a back at table 1 in rounds 2 and 3, b at 1 in 3, c at 2 in 3, d at 2
	// in rounds 2 and 3.
	if st.Revisits != 6 {
		t.Errorf("%d revisits, want 6", st.Revisits)
	}
	// Round 1: table 1 {academia, government×2} → 2/min(3,3); table 2
	// {academia, other} (d undeclared) → 2/2. Round 2: 1 → 3/3, 2 → 2/2.
	// Round 3 = round 1. Mean of 2/3, 1, 1, 1, 2/3, 1.
	if want := (2.0/3*2 + 4) / 6; fmt.Sprintf("%.6f", st.Diversity) != fmt.Sprintf("%.6f", want) {
		t.Errorf("diversity %.6f, want %.6f", st.Diversity, want)
	}
	if got := st.GroupsPerTable[0][0]; !maps.Equal(got, map[string]int{"academia": 1, "government": 2}) {
		t.Errorf("round 1 table 1 groups %v", got)
	}
	if len(st.GroupsPerTable) != 3 || len(st.GroupsPerTable[2]) != 2 {
		t.Errorf("groups per table has %d rounds", len(st.GroupsPerTable))
	}
	// History alone already repeats h1-a and h2-d.
	if st.RepeatPairsLowerBound < 2 {
		t.Errorf("lower bound %d, want at least the 2 pairs history repeats", st.RepeatPairsLowerBound)
	}
}

func TestRepeatPairsLowerBound(t *testing.T) {
	cases := []struct {
		name string
		in   cafe.PlanInput
		want int
	}{
		{"usual cafés have no forced repeats", rotationInput(50, 10, 10, 3, 1), 0},
		{"four people at each of three tables must pair up again", rotationInput(12, 3, 0, 2, 1), 3},
		{"a traveller with more rounds than tables meets a host twice", rotationInput(6, 2, 2, 3, 1), 4},
		{"one table: everyone meets everyone every round", rotationInput(5, 1, 1, 3, 1), 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cafe.RepeatPairsLowerBound(c.in); got != c.want {
				t.Errorf("lower bound %d, want %d", got, c.want)
			}
			if st := cafe.Stats(c.in, mustPlan(t, c.in)); st.RepeatPairs < c.want {
				t.Errorf("the plan has %d repeat pairs, below the bound %d", st.RepeatPairs, c.want)
			}
		})
	}
}

func TestSeatLate(t *testing.T) {
	in := cafe.PlanInput{
		Tables: []int{4, 4, 4},
		People: []cafe.PlanPerson{
			{ID: "h1", Host: true, Home: 1, Present: true}, {ID: "h2", Host: true, Home: 2, Present: true},
			{ID: "h3", Host: true, Home: 3, Present: true},
			{ID: "a", Group: "government", Present: true}, {ID: "b", Group: "academia", Present: true},
			{ID: "c", Group: "government", Present: true},
			{ID: "late", Group: "government", Present: true},
		},
		History: []map[string]int{{"h1": 1, "h2": 2, "h3": 3, "late": 2, "a": 3}},
	}
	now := map[string]int{"h1": 1, "h2": 2, "h3": 3, "a": 1, "b": 2, "c": 3}
	late := in.People[6]

	t.Run("a late traveller goes to the emptiest table, avoiding people they met", func(t *testing.T) {
		// Every table holds 2. Table 2 has h2, whom late met in round 1;
		// tables 1 and 3 each hold someone of late's group: the lower
		// number wins.
		if got := cafe.SeatLate(in, now, late); got != 1 {
			t.Errorf("late sits at %d, want 1", got)
		}
		now := maps.Clone(now)
		now["c"] = 2 // table 3 is now emptiest
		if got := cafe.SeatLate(in, now, late); got != 3 {
			t.Errorf("late sits at %d, want the emptiest table 3", got)
		}
	})
	t.Run("among equally empty tables their group's absence wins", func(t *testing.T) {
		// table 1 {h1, a: government}, table 2 {h2 (met), c}, table 3 {h3, b: academia}
		now := map[string]int{"h1": 1, "h2": 2, "h3": 3, "a": 1, "b": 3, "c": 2}
		if got := cafe.SeatLate(in, now, late); got != 3 {
			t.Errorf("late sits at %d, want 3", got)
		}
	})
	t.Run("a late host goes home and a full room has no seat", func(t *testing.T) {
		if got := cafe.SeatLate(in, now, cafe.PlanPerson{ID: "h9", Host: true, Home: 3}); got != 3 {
			t.Errorf("host sits at %d, want 3", got)
		}
		full := in
		full.Tables = []int{2, 2, 2}
		if got := cafe.SeatLate(full, now, late); got != 0 {
			t.Errorf("late sits at %d in a full room", got)
		}
	})
}

// TestRotationComparison prints the planner against the offset rule and the
// lower bound on the instances BENCHMARKS.md reports (go test -v -run
// RotationComparison ./cafe).
func TestRotationComparison(t *testing.T) {
	cases := []struct{ n, tables, hosts, rounds int }{
		{50, 10, 10, 3}, {200, 40, 40, 4}, {2000, 400, 400, 4}, {32, 8, 0, 4}, {32, 8, 8, 4},
		{32, 8, 8, 5}, {20, 4, 4, 3}, // offset rule's modulus is not prime; repeats forced
	}
	t.Logf("%-18s %-8s %8s %8s %9s %8s %10s", "instance", "planner", "repeats", "revisit", "diversity", "bound", "time")
	for _, c := range cases {
		in := rotationInput(c.n, c.tables, c.hosts, c.rounds, 1)
		name := fmt.Sprintf("%d/%d/%d h=%d", c.n, c.tables, c.rounds, c.hosts)
		for _, planner := range []struct {
			name string
			plan func(cafe.PlanInput) (cafe.RotationPlan, error)
		}{{"Plan", cafe.Plan}, {"Offset", cafe.OffsetPlan}} {
			start := time.Now()
			plan, err := planner.plan(in)
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			st := cafe.Stats(in, plan)
			t.Logf("%-18s %-8s %8d %8d %9.3f %8d %10s", name, planner.name, st.RepeatPairs, st.Revisits, st.Diversity,
				st.RepeatPairsLowerBound, took.Round(time.Microsecond))
		}
	}
}

func BenchmarkPlan2000x400x4(b *testing.B) {
	in := rotationInput(2000, 400, 400, 4, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cafe.Plan(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan2000x400x4SkewedGroups is the slower path: two thirds of the
// room in one group, so no plan mixes every table and Plan also runs the
// offset-seeded search and the offset rule before choosing.
func BenchmarkPlan2000x400x4SkewedGroups(b *testing.B) {
	in := rotationInput(2000, 400, 400, 4, 1)
	for i := range in.People {
		if i%3 != 0 {
			in.People[i].Group = protocol.Groups[0]
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cafe.Plan(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOffsetPlan2000x400x4(b *testing.B) {
	in := rotationInput(2000, 400, 400, 4, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cafe.OffsetPlan(in); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPlanRoundUsesTheSeatingsPlayed(t *testing.T) {
	// A café of 50 (10 hosts, 40 attendees in 7 groups, and one who joins
	// during round 2) plays three rounds: the seatings recorded at each
	// round.started are the planner's history, so nobody meets anyone twice.
	r := newRoom(t, protocol.CreateCafe{Tables: 10, Questions: []string{"One?", "Two?", "Three?"}})
	for i := range 50 {
		id := fmt.Sprintf("p%d", i)
		r.do(joinCmd(id, protocol.Join{Name: "P " + id, Group: protocol.Groups[i%len(protocol.Groups)], Host: i < 10}))
	}
	var rounds []map[string]int
	for round := 1; round <= 3; round++ {
		r.do(control(protocol.CmdRoundStart))
		seats := r.s.Seatings[round]
		if len(seats) != len(r.s.Participants) {
			t.Fatalf("round %d: %d seatings recorded, want %d", round, len(seats), len(r.s.Participants))
		}
		for id, p := range r.s.Participants {
			if seats[id] != p.Table {
				t.Fatalf("round %d: %s recorded at %d, sits at %d", round, id, seats[id], p.Table)
			}
		}
		rounds = append(rounds, seats)
		if round == 2 {
			r.do(joinCmd("late", protocol.Join{Name: "Late"})) // mid-round
			if got, want := r.s.Seatings[2]["late"], r.s.Participants["late"].Table; got != want || got == 0 {
				t.Errorf("a mid-round joiner is recorded at %d, sits at %d", got, want)
			}
		}
		r.do(control(protocol.CmdRoundEnd))
	}
	in := cafe.PlanInput{Tables: slices.Repeat([]int{6}, 10), Rounds: 3}
	for _, p := range r.s.People() {
		in.People = append(in.People, cafe.PlanPerson{ID: p.ID, Host: p.Role == protocol.RoleHost, Group: p.Group, Present: true, Home: p.Table})
	}
	if st := cafe.Stats(cafe.PlanInput{People: in.People, Tables: in.Tables, Rounds: 3}, cafe.RotationPlan{From: 1, Seats: rounds}); st.RepeatPairs != 0 {
		t.Errorf("the café's three rounds have %d repeat pairs", st.RepeatPairs)
	}
	wantRebuilds(t, r.log, r.s)
}

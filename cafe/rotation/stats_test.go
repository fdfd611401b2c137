package rotation_test

import (
	"fmt"
	"maps"
	"testing"

	"github.com/worldcafe/worldcafe/cafe/rotation"
)

func TestMeasure(t *testing.T) {
	// Two tables, three rounds, by hand: h1 hosts table 1, h2 table 2.
	in := rotation.Input{
		Tables: []int{3, 3},
		Rounds: 3,
		People: []rotation.Person{
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
	plan := rotation.Schedule{From: 3, Seats: []map[string]int{
		{"h1": 1, "a": 1, "b": 1, "h2": 2, "c": 2, "d": 2},
	}}
	st := rotation.Measure(in, plan)
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

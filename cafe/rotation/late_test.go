package rotation_test

import (
	"maps"
	"testing"

	"github.com/worldcafe/worldcafe/cafe/rotation"
)

func TestSeatLate(t *testing.T) {
	in := rotation.Input{
		Tables: []int{4, 4, 4},
		People: []rotation.Person{
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
		if got := rotation.SeatLate(in, now, late); got != 1 {
			t.Errorf("late sits at %d, want 1", got)
		}
		now := maps.Clone(now)
		now["c"] = 2 // table 3 is now emptiest
		if got := rotation.SeatLate(in, now, late); got != 3 {
			t.Errorf("late sits at %d, want the emptiest table 3", got)
		}
	})
	t.Run("among equally empty tables their group's absence wins", func(t *testing.T) {
		// table 1 {h1, a: government}, table 2 {h2 (met), c}, table 3 {h3, b: academia}
		now := map[string]int{"h1": 1, "h2": 2, "h3": 3, "a": 1, "b": 3, "c": 2}
		if got := rotation.SeatLate(in, now, late); got != 3 {
			t.Errorf("late sits at %d, want 3", got)
		}
	})
	t.Run("a late host goes home and a full room has no seat", func(t *testing.T) {
		if got := rotation.SeatLate(in, now, rotation.Person{ID: "h9", Host: true, Home: 3}); got != 3 {
			t.Errorf("host sits at %d, want 3", got)
		}
		full := in
		full.Tables = []int{2, 2, 2}
		if got := rotation.SeatLate(full, now, late); got != 0 {
			t.Errorf("late sits at %d in a full room", got)
		}
	})
}

func TestSeatLateInASmallRoom(t *testing.T) {
	// Four people at tables 1 and 2 of six: the planner left 3 to 6 empty.
	in := rotation.Input{Tables: []int{8, 8, 8, 8, 8, 8}}
	seats := map[string]int{"a": 1, "b": 1, "c": 2, "d": 2}
	for _, id := range []string{"a", "b", "c", "d"} {
		in.People = append(in.People, rotation.Person{ID: id, Present: true})
	}
	arrive := func(id string) int {
		t.Helper()
		got := rotation.SeatLate(in, seats, rotation.Person{ID: id, Present: true})
		seats[id] = got
		return got
	}
	if got := arrive("e"); got != 1 {
		t.Errorf("the fifth sits at %d, want 1: joining a conversation, not alone at an empty table", got)
	}
	if got := arrive("f"); got != 3 {
		t.Errorf("the sixth sits at %d, want 3: six people make three tables of two", got)
	}
	if got := arrive("g"); got != 3 {
		t.Errorf("the seventh sits at %d, want 3, with the sixth", got)
	}
}

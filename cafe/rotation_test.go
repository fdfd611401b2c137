package cafe_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/worldcafe/worldcafe/cafe/rotation"
	"github.com/worldcafe/worldcafe/protocol"
)

func TestPlanRoundUsesTheSeatingsPlayed(t *testing.T) {
	// A café of 50 (10 hosts, 40 attendees in 7 groups, and one who joins
	// during round 2) plays three rounds: the seatings recorded at each
	// round.started are the planner's history, so nobody meets anyone twice.
	r := newRoom(t, protocol.CreateCafe{Tables: 10, Questions: []string{"One?", "Two?", "Three?"}})
	for i := range 50 {
		id := fmt.Sprintf("p%d", i)
		req := protocol.Join{Name: "P " + id, Group: protocol.Groups[i%len(protocol.Groups)]}
		if i < 10 {
			r.joinHost(id, req)
		} else {
			r.do(joinCmd(id, req))
		}
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
	in := rotation.Input{Tables: slices.Repeat([]int{6}, 10), Rounds: 3}
	for _, p := range r.s.People() {
		in.People = append(in.People, rotation.Person{ID: p.ID, Host: p.Role == protocol.RoleHost, Group: p.Group, Present: true, Home: p.Table})
	}
	if st := rotation.Measure(rotation.Input{People: in.People, Tables: in.Tables, Rounds: 3}, rotation.Schedule{From: 1, Seats: rounds}); st.RepeatPairs != 0 {
		t.Errorf("the café's three rounds have %d repeat pairs", st.RepeatPairs)
	}
	wantRebuilds(t, r.log, r.s)
}

func TestRoundEndSeatsFewPeopleTwoOrMoreATable(t *testing.T) {
	// Ten people in a café set up with twenty tables: the next round uses
	// five tables of two rather than ten tables of one.
	r := newRoom(t, protocol.CreateCafe{Tables: 20, Questions: []string{"One?", "Two?"}})
	for i := range 10 {
		id := fmt.Sprintf("p%d", i)
		r.do(joinCmd(id, protocol.Join{Name: "P " + id, Group: protocol.Groups[i%len(protocol.Groups)]}))
	}
	r.do(control(protocol.CmdRoundStart))
	r.do(control(protocol.CmdRoundEnd))
	if len(r.s.NextSeats) != 10 {
		t.Fatalf("round 2 seats %d people, want 10", len(r.s.NextSeats))
	}
	size := map[int]int{}
	for _, table := range r.s.NextSeats {
		size[table]++
	}
	for table, n := range size {
		if n < 2 {
			t.Errorf("table %d seats %d in round 2 (%v)", table, n, size)
		}
	}
	if len(size) != 5 {
		t.Errorf("round 2 uses %d tables, want 5: %v", len(size), size)
	}
	wantRebuilds(t, r.log, r.s)
}

package cafe_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// Seating in the live café: late arrivals, the facilitator's seat.assign, and
// the rotation across whole cafés played through Decide.

const (
	gov      = "government"
	academia = "academia"
	civil    = "civil_society"
)

func assignCmd(id string, table int) cafe.Command {
	return cafe.Command{Type: protocol.CmdSeatAssign, Actor: facilitator, Data: protocol.SeatAssign{ParticipantID: id, Table: table}}
}

// joinAs joins attendee id of group.
func (r *room) joinAs(id, group string) cafe.Decision {
	r.tb.Helper()
	return r.do(joinCmd(id, protocol.Join{Name: "Person " + id, Group: group}))
}

// grouped is a café of 3 tables whose six attendees sit, as the lobby
// seats them in twos in the order they join, as table 1 {p1 gov, p4 civil},
// table 2 {p2 gov, p5 gov}, table 3 {p3 academia, p6 civil}.
func grouped(t *testing.T) *room {
	r := newRoom(t, protocol.CreateCafe{Tables: 3})
	groups := []string{gov, gov, academia, civil, gov, civil}
	for _, i := range []int{1, 4, 2, 5, 3, 6} {
		r.joinAs(fmt.Sprintf("p%d", i), groups[i-1])
	}
	return r
}

// sizes counts people per table (index 0 unused) in seats.
func sizes(tables int, seats map[string]int) []int {
	n := make([]int, tables+1)
	for _, t := range seats {
		n[t]++
	}
	return n
}

// seatsNow is where everyone sits this round (or will sit in the coming one
// while in a town hall).
func seatsNow(s *cafe.State) map[string]int {
	out := make(map[string]int, len(s.Participants))
	for id, p := range s.Participants {
		out[id] = p.Table
		if t, ok := s.NextSeats[id]; ok {
			out[id] = t
		}
	}
	return out
}

// wantBalanced fails unless table sizes in seats differ by at most one.
func wantBalanced(t *testing.T, tables int, seats map[string]int) {
	t.Helper()
	n := sizes(tables, seats)[1:]
	if slices.Max(n)-slices.Min(n) > 1 {
		t.Errorf("table sizes %v differ by more than one", n)
	}
}

// repeatPairs counts the pairs of people who shared a table in more than one
// of the rounds, computed straight from the seatings (not by the planner's
// own Stats).
func repeatPairs(rounds ...map[string]int) (pairs []string) {
	met := map[[2]string]int{}
	for _, seats := range rounds {
		at := map[int][]string{}
		for id, t := range seats {
			at[t] = append(at[t], id)
		}
		for _, ids := range at {
			slices.Sort(ids)
			for i, a := range ids {
				for _, b := range ids[i+1:] {
					met[[2]string{a, b}]++
				}
			}
		}
	}
	for pair, n := range met {
		if n > 1 {
			pairs = append(pairs, pair[0]+"+"+pair[1])
		}
	}
	slices.Sort(pairs)
	return pairs
}

func TestLateArrivals(t *testing.T) {
	t.Run("in the lobby newcomers sit in twos whatever their group", func(t *testing.T) {
		r := grouped(t)
		for i, want := range []int{1, 2, 3, 1, 2, 3} {
			if got := r.s.Participants[fmt.Sprintf("p%d", i+1)].Table; got != want {
				t.Errorf("p%d sits at %d, want %d", i+1, got, want)
			}
		}
	})

	t.Run("someone who joins during a round sits at the emptiest table where their group is fewest", func(t *testing.T) {
		r := grouped(t)
		r.do(control(protocol.CmdRoundStart))
		// Every table holds 2; table 3 has no one from government.
		d := r.joinAs("late", gov)
		if got := eventData[protocol.ParticipantJoined](t, d.Events[0]).Table; got != 3 {
			t.Errorf("participant.joined says table %d, want 3", got)
		}
		if got := r.s.Participants["late"].Table; got != 3 {
			t.Errorf("late sits at %d, want 3", got)
		}
		if got := r.s.Seatings[1]["late"]; got != 3 {
			t.Errorf("round 1's seating records late at %d, want 3", got)
		}
		// Now tables 1 and 2 are the emptiest: table 1 has one person from
		// government, table 2 two. The emptiest table wins over the group:
		// table 3 is out although it has the same government count as 1.
		r.joinAs("later", gov)
		if got := r.s.Participants["later"].Table; got != 1 {
			t.Errorf("later sits at %d, want 1", got)
		}
		r.joinAs("latest", "")
		if got := r.s.Participants["latest"].Table; got != 2 {
			t.Errorf("latest (no group) sits at %d, want the emptiest table 2", got)
		}
		wantBalanced(t, 3, seatsNow(r.s))
	})

	t.Run("someone who joins during a round and is made host hosts the table they joined", func(t *testing.T) {
		r := grouped(t)
		r.joinHost("h1", protocol.Join{}) // table 1: all tables hold 2
		r.do(control(protocol.CmdRoundStart))
		r.joinHost("h2", protocol.Join{})
		if p := r.s.Participants["h2"]; p.Role != protocol.RoleHost || p.Table != 2 {
			t.Errorf("h2 is a %s at table %d, want the host of table 2", p.Role, p.Table)
		}
	})

	t.Run("someone who joins during a round meets nobody twice in the rounds that follow", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 6, Questions: []string{"One?", "Two?", "Three?"}})
		r.seat(6, 18)
		r.do(control(protocol.CmdRoundStart))
		r.joinAs("late", gov)
		r.do(control(protocol.CmdRoundEnd))
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		r.do(control(protocol.CmdRoundStart))
		var mine []string
		for _, pair := range repeatPairs(r.s.Seatings[1], r.s.Seatings[2], r.s.Seatings[3]) {
			if strings.Contains(pair, "late") {
				mine = append(mine, pair)
			}
		}
		if len(mine) > 0 {
			t.Errorf("the late arrival met these people twice: %v", mine)
		}
	})

	t.Run("someone who joins during a town hall is seated in the coming round's plan at its emptiest table where their group is fewest", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 4})
		r.seat(4, 14)
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		planned := maps.Clone(r.s.NextSeats)
		// The rule, computed here by hand: fewest people, then fewest of
		// the newcomer's group, then the lowest number.
		group := protocol.Groups[3]
		want, best := 0, [2]int{}
		n := sizes(4, planned)
		for table := 1; table <= 4; table++ {
			same := 0
			for id, t := range planned {
				if t == table && r.s.Participants[id].Group == group {
					same++
				}
			}
			if key := [2]int{n[table], same}; want == 0 || key[0] < best[0] || key[0] == best[0] && key[1] < best[1] {
				want, best = table, key
			}
		}
		d := r.joinAs("late", group)
		if got := eventData[protocol.ParticipantJoined](t, d.Events[0]).Table; got != want {
			t.Errorf("participant.joined says table %d, want %d (planned sizes %v)", got, want, n[1:])
		}
		if got := r.s.NextSeats["late"]; got != want {
			t.Errorf("the plan seats late at %d, want %d", got, want)
		}
		if _, ok := r.s.Seatings[1]["late"]; ok {
			t.Errorf("late is recorded in round 1, which they never sat in")
		}
		for id, t0 := range planned {
			if r.s.NextSeats[id] != t0 {
				t.Errorf("%s was moved from %d to %d by someone's arrival", id, t0, r.s.NextSeats[id])
			}
		}
		r.do(control(protocol.CmdRoundStart))
		if got := r.s.Seatings[2]["late"]; got != want {
			t.Errorf("late sat at %d in round 2, want %d", got, want)
		}
	})

	t.Run("late arrivals are seated the same way on every node", func(t *testing.T) {
		script := func(t *testing.T) *room {
			r := newRoom(t, protocol.CreateCafe{Tables: 5})
			r.seat(5, 12)
			r.do(control(protocol.CmdRoundStart))
			for i := range 6 {
				r.joinAs(fmt.Sprintf("mid%d", i), protocol.Groups[i%3])
			}
			r.do(control(protocol.CmdRoundEnd))
			for i := range 6 {
				r.joinAs(fmt.Sprintf("hall%d", i), protocol.Groups[i%4])
			}
			return r
		}
		a, b := script(t), script(t)
		if !slices.EqualFunc(a.log, b.log, func(x, y protocol.Event) bool { return string(x.Data) == string(y.Data) && x.Type == y.Type }) {
			t.Errorf("the same café seated its late arrivals differently")
		}
	})
}

func TestSeatAssign(t *testing.T) {
	// hall is a café of 50 (10 hosts, 40 travellers) at 10 tables in the
	// town hall after round 1 of 3.
	hall := func(t *testing.T) *room {
		r := newRoom(t, protocol.CreateCafe{Tables: 10, Questions: []string{"One?", "Two?", "Three?"}})
		r.seat(10, 40)
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		return r
	}
	// fresh is a table for id in the coming round where they met nobody
	// yet (its host among them) and are not planned already.
	fresh := func(r *room, id string) int {
		for table := 1; table <= r.s.Tables; table++ {
			met := table == r.s.NextSeats[id]
			for round := 1; round <= r.s.Round; round++ {
				met = met || r.s.Seatings[round][id] == table
			}
			if !met {
				return table
			}
		}
		return 0
	}

	t.Run("in the lobby the facilitator moves someone and round 1 seats them there", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 4})
		r.seat(4, 8) // a1 sits at table 1
		d := r.do(assignCmd("a1", 3))
		wantEvents(t, d, protocol.EvSeatAssigned)
		if got, want := eventData[protocol.SeatAssigned](t, d.Events[0]), (protocol.SeatAssigned{ParticipantID: "a1", Table: 3, Round: 1}); got != want {
			t.Errorf("seat.assigned %+v, want %+v", got, want)
		}
		if got := r.s.Participants["a1"].Table; got != 3 {
			t.Errorf("a1 sits at %d, want 3", got)
		}
		if got := r.s.Overrides[1]["a1"]; got != 3 {
			t.Errorf("the override is recorded as %d, want 3", got)
		}
		if r.s.NextSeats != nil {
			t.Errorf("the lobby has a planned seating %v", r.s.NextSeats)
		}
		r.do(control(protocol.CmdRoundStart))
		if got := r.s.Seatings[1]["a1"]; got != 3 {
			t.Errorf("a1 sat at %d in round 1, want 3", got)
		}
	})

	t.Run("in the lobby a host moved to another table hosts it from then on", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 4, Questions: []string{"One?", "Two?"}})
		r.seat(3, 8) // table 4 has no host
		r.do(assignCmd("h1", 4))
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		if got := r.s.NextSeats["h1"]; got != 4 {
			t.Errorf("in round 2 h1 is planned at %d, want to stay at 4", got)
		}
	})

	t.Run("in a town hall the overridden person sits where told and the others are planned again around them", func(t *testing.T) {
		r := hall(t)
		before := maps.Clone(r.s.NextSeats)
		to := fresh(r, "a1")
		d := r.do(assignCmd("a1", to))
		wantEvents(t, d, protocol.EvSeatAssigned, protocol.EvSeatingPlanned)
		if got, want := eventData[protocol.SeatAssigned](t, d.Events[0]), (protocol.SeatAssigned{ParticipantID: "a1", Table: to, Round: 2}); got != want {
			t.Errorf("seat.assigned %+v, want %+v", got, want)
		}
		plan := eventData[protocol.SeatingPlanned](t, d.Events[1])
		if plan.Round != 2 || !maps.Equal(plan.Seats, r.s.NextSeats) {
			t.Errorf("seating.planned for round %d is not the planned seating", plan.Round)
		}
		if got := r.s.NextSeats["a1"]; got != to {
			t.Errorf("a1 is planned at %d, want %d", got, to)
		}
		// a1 left a table one short and made another one too full: one
		// traveller moves to even them out, nobody else.
		var moved []string
		for id, t0 := range before {
			if r.s.NextSeats[id] != t0 {
				moved = append(moved, id)
			}
		}
		if slices.Sort(moved); len(moved) != 2 || !slices.Contains(moved, "a1") {
			t.Errorf("people moved: %v; want a1 and one other", moved)
		}
		for i := 1; i <= 10; i++ {
			if id := fmt.Sprintf("h%d", i); r.s.NextSeats[id] != r.s.Participants[id].Table {
				t.Errorf("host %s moves from %d to %d", id, r.s.Participants[id].Table, r.s.NextSeats[id])
			}
		}
		wantBalanced(t, 10, r.s.NextSeats)
		if pairs := repeatPairs(r.s.Seatings[1], r.s.NextSeats); len(pairs) > 0 {
			t.Errorf("the new plan repeats pairs: %v", pairs)
		}
		r.do(control(protocol.CmdRoundStart))
		if got := r.s.Participants["a1"].Table; got != to {
			t.Errorf("in round 2 a1 sits at %d, want %d", got, to)
		}
	})

	t.Run("moving someone to the table of a person they met moves the others so that nobody meets twice", func(t *testing.T) {
		r := hall(t)
		// a1's tablemates in round 1 are planned at other tables; send a1
		// to one of them.
		mate := ""
		for _, id := range slices.Sorted(maps.Keys(r.s.Seatings[1])) {
			if id != "a1" && !strings.HasPrefix(id, "h") && r.s.Seatings[1][id] == r.s.Seatings[1]["a1"] {
				mate = id
				break
			}
		}
		to := r.s.NextSeats[mate]
		r.do(assignCmd("a1", to))
		if got := r.s.NextSeats["a1"]; got != to {
			t.Fatalf("a1 is planned at %d, want %d", got, to)
		}
		if pairs := repeatPairs(r.s.Seatings[1], r.s.NextSeats); len(pairs) > 0 {
			t.Errorf("pairs meet again in round 2: %v", pairs)
		}
		wantBalanced(t, 10, r.s.NextSeats)
	})

	t.Run("a second override in the same town hall keeps the first", func(t *testing.T) {
		r := hall(t)
		to1 := fresh(r, "a1")
		r.do(assignCmd("a1", to1))
		to2 := fresh(r, "a2")
		r.do(assignCmd("a2", to2))
		if r.s.NextSeats["a1"] != to1 || r.s.NextSeats["a2"] != to2 {
			t.Errorf("a1 at %d (want %d), a2 at %d (want %d)", r.s.NextSeats["a1"], to1, r.s.NextSeats["a2"], to2)
		}
		if want := map[string]int{"a1": to1, "a2": to2}; !maps.Equal(r.s.Overrides[2], want) {
			t.Errorf("overrides %v, want %v", r.s.Overrides[2], want)
		}
		wantBalanced(t, 10, r.s.NextSeats)
	})

	t.Run("assigning someone again to the table they were assigned changes nothing", func(t *testing.T) {
		r := hall(t)
		to := fresh(r, "a1")
		r.do(assignCmd("a1", to))
		r.duplicate(assignCmd("a1", to))
	})

	t.Run("pinning someone to their planned table records the override without moving anyone", func(t *testing.T) {
		r := hall(t)
		d := r.do(assignCmd("a1", r.s.NextSeats["a1"]))
		wantEvents(t, d, protocol.EvSeatAssigned)
	})

	t.Run("in a town hall a host moved to another table hosts it in the coming round", func(t *testing.T) {
		r := hall(t)
		d := r.do(assignCmd("h1", 2))
		if got := eventTypes(d); got[0] != protocol.EvSeatAssigned {
			t.Fatalf("events %v", got)
		}
		if got := r.s.NextSeats["h1"]; got != 2 {
			t.Errorf("h1 is planned at %d, want 2", got)
		}
		for i := 2; i <= 10; i++ {
			if id := fmt.Sprintf("h%d", i); r.s.NextSeats[id] != i {
				t.Errorf("host %s is planned at %d, want %d", id, r.s.NextSeats[id], i)
			}
		}
		wantBalanced(t, 10, r.s.NextSeats)
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		if got := r.s.NextSeats["h1"]; got != 2 {
			t.Errorf("in round 3 h1 is planned at %d, want to stay at 2", got)
		}
	})

	t.Run("someone who joins after an override is seated around it", func(t *testing.T) {
		r := hall(t)
		to := fresh(r, "a1")
		r.do(assignCmd("a1", to))
		r.joinAs("late", gov)
		if r.s.NextSeats["a1"] != to {
			t.Errorf("a1 moved from %d to %d", to, r.s.NextSeats["a1"])
		}
		wantBalanced(t, 10, r.s.NextSeats)
	})

	for _, tc := range []struct {
		name string
		cmd  cafe.Command
		code protocol.Code
		says string
	}{
		{"nobody is moved during a running round", assignCmd("a1", 2), protocol.CodeWrongPhase, "nobody is moved during a running round"},
		{"no host is moved during a running round", assignCmd("h1", 2), protocol.CodeWrongPhase, "nobody is moved during a running round"},
		{"a stranger is refused for the phase first", assignCmd("nobody", 2), protocol.CodeWrongPhase, "running round"},
		{"an attendee may not assign seats", cafe.Command{Type: protocol.CmdSeatAssign, Actor: attendee("a1"), Data: protocol.SeatAssign{ParticipantID: "a1", Table: 2}}, protocol.CodeForbidden, ""},
		{"a host may not assign seats", cafe.Command{Type: protocol.CmdSeatAssign, Actor: host("h1"), Data: protocol.SeatAssign{ParticipantID: "a1", Table: 2}}, protocol.CodeForbidden, ""},
		{"the wall may not assign seats", cafe.Command{Type: protocol.CmdSeatAssign, Actor: wall, Data: protocol.SeatAssign{ParticipantID: "a1", Table: 2}}, protocol.CodeForbidden, ""},
	} {
		t.Run("during a round: "+tc.name, func(t *testing.T) {
			r := hall(t)
			r.do(control(protocol.CmdRoundStart))
			if err := r.reject(tc.cmd, tc.code); !strings.Contains(err.Message, tc.says) {
				t.Errorf("message %q does not say %q", err.Message, tc.says)
			}
		})
	}

	for _, tc := range []struct {
		name string
		cmd  cafe.Command
		code protocol.Code
	}{
		{"an unknown participant is not found", assignCmd("nobody", 2), protocol.CodeNotFound},
		{"table 0 is invalid", assignCmd("a1", 0), protocol.CodeInvalid},
		{"a table beyond the café's is invalid", assignCmd("a1", 11), protocol.CodeInvalid},
		{"a negative table is invalid", assignCmd("a1", -1), protocol.CodeInvalid},
		{"an attendee may not assign seats", cafe.Command{Type: protocol.CmdSeatAssign, Actor: attendee("a1"), Data: protocol.SeatAssign{ParticipantID: "a1", Table: 2}}, protocol.CodeForbidden},
		{"the wall may not assign seats", cafe.Command{Type: protocol.CmdSeatAssign, Actor: wall, Data: protocol.SeatAssign{ParticipantID: "a1", Table: 2}}, protocol.CodeForbidden},
		{"seat.assign carrying a note reference is invalid", cafe.Command{Type: protocol.CmdSeatAssign, Actor: facilitator, Data: protocol.NoteRef{NoteID: "a1"}}, protocol.CodeInvalid},
		{"seat.assign without data is invalid", cafe.Command{Type: protocol.CmdSeatAssign, Actor: facilitator}, protocol.CodeInvalid},
	} {
		t.Run("in a town hall: "+tc.name, func(t *testing.T) {
			hall(t).reject(tc.cmd, tc.code)
		})
	}

	t.Run("after the last round and in the harvest there is no seat to assign", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 3, Questions: []string{"Only?"}})
		r.seat(3, 6)
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		r.reject(assignCmd("a1", 2), protocol.CodeWrongPhase)
		r.do(control(protocol.CmdHarvestStart))
		r.reject(assignCmd("a1", 2), protocol.CodeWrongPhase)
		r.do(control(protocol.CmdCafeClose))
		r.reject(assignCmd("a1", 2), protocol.CodeWrongPhase)
	})
}

func TestSeatingsOfPlayedRoundsNeverChange(t *testing.T) {
	r := newRoom(t, protocol.CreateCafe{Tables: 5, Questions: []string{"One?", "Two?", "Three?"}})
	r.seat(5, 15)
	var played []map[string]int
	check := func(when string) {
		t.Helper()
		for i, seats := range played {
			if !maps.Equal(r.s.Seatings[i+1], seats) {
				t.Fatalf("%s: round %d's seating changed:\nthen %v\nnow  %v", when, i+1, seats, r.s.Seatings[i+1])
			}
		}
	}
	for round := 1; round <= 3; round++ {
		r.do(control(protocol.CmdRoundStart))
		r.joinAs(fmt.Sprintf("mid%d", round), gov)
		played = append(played, maps.Clone(r.s.Seatings[round]))
		check(fmt.Sprintf("round %d", round))
		r.do(control(protocol.CmdRoundEnd))
		check(fmt.Sprintf("after round %d ended", round))
		if round < 3 {
			r.joinAs(fmt.Sprintf("hall%d", round), academia)
			check(fmt.Sprintf("after an arrival in town hall %d", round))
			r.do(assignCmd(fmt.Sprintf("a%d", round), 1+round))
			r.do(assignCmd("h1", 1)) // pins a host where they are
			check(fmt.Sprintf("after overrides in town hall %d", round))
		}
	}
	r.do(control(protocol.CmdHarvestStart))
	check("in the harvest")
	wantRebuilds(t, r.log, r.s)
}

func TestOverridesRebuildFromTheLog(t *testing.T) {
	r := newRoom(t, protocol.CreateCafe{Tables: 6, Questions: []string{"One?", "Two?", "Three?"}})
	r.seat(6, 20)
	lobby := maps.Clone(r.s.Overrides[1]) // the moves seat made
	r.do(assignCmd("a3", 5))
	r.do(control(protocol.CmdRoundStart))
	r.joinAs("mid", civil)
	r.do(control(protocol.CmdRoundEnd))
	r.do(assignCmd("a1", 4))
	r.do(assignCmd("mid", 2))

	// A node that restores from a snapshot here decides the next override
	// exactly as the live café does.
	var restored cafe.State
	if err := json.Unmarshal(stateJSON(t, r.s), &restored); err != nil {
		t.Fatal(err)
	}
	next := assignCmd("a2", 6)
	want, err := cafe.Decide(r.s, next, r.clock.now)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cafe.Decide(&restored, next, r.clock.now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got.Events, want.Events, func(a, b protocol.Event) bool {
		return a.Seq == b.Seq && a.Type == b.Type && string(a.Data) == string(b.Data)
	}) {
		t.Errorf("the restored café decides %v, the live one %v", eventTypes(got), eventTypes(want))
	}
	r.do(next)
	r.joinAs("hall", gov)

	lobby["a3"] = 5
	if want := map[int]map[string]int{1: lobby, 2: {"a1": 4, "mid": 2, "a2": 6}}; !reflect.DeepEqual(r.s.Overrides, want) {
		t.Errorf("overrides %v, want %v", r.s.Overrides, want)
	}
	wantRebuilds(t, r.log, r.s)
	r.do(control(protocol.CmdRoundStart))
	r.do(control(protocol.CmdRoundEnd))
	r.do(assignCmd("hall", 1))
	wantRebuilds(t, r.log, r.s)
}

func TestAWholeCafeOfFiftyMeetsNobodyTwice(t *testing.T) {
	// 10 hosts and 37 travellers in the lobby; one traveller arrives during
	// round 1, one in town hall 1 and one during round 2 (50 in all); the
	// facilitator moves one traveller in town hall 2. The seatings recorded
	// while the café played hold no pair that met twice.
	r := newRoom(t, protocol.CreateCafe{Tables: 10, Questions: []string{
		"What is the role of governments in the multistakeholder model of the Internet?",
		"What are the key issues that government should play an active role in?",
		"How can governments improve their interaction with other stakeholders?",
	}})
	r.seat(10, 37)
	r.do(control(protocol.CmdRoundStart))
	r.joinAs("late1", gov)
	r.do(control(protocol.CmdRoundEnd))
	r.joinAs("late2", academia)
	r.do(control(protocol.CmdRoundStart))
	r.joinAs("late3", civil)
	r.do(control(protocol.CmdRoundEnd))
	to := 0
	for table := 1; table <= 10 && to == 0; table++ {
		if table != r.s.Seatings[1]["a1"] && table != r.s.Seatings[2]["a1"] && table != r.s.NextSeats["a1"] {
			to = table
		}
	}
	r.do(assignCmd("a1", to))
	r.do(control(protocol.CmdRoundStart))
	r.do(control(protocol.CmdRoundEnd))
	r.do(control(protocol.CmdHarvestStart))

	if n := len(r.s.Participants); n != 50 {
		t.Fatalf("%d participants, want 50", n)
	}
	// Round 1: 47 and late1; round 2: those, late2 and late3; round 3: all.
	for round, want := range map[int]int{1: 48, 2: 50, 3: 50} {
		if got := len(r.s.Seatings[round]); got != want {
			t.Errorf("round %d seated %d people, want %d", round, got, want)
		}
		wantBalanced(t, 10, r.s.Seatings[round])
		for i := 1; i <= 10; i++ {
			if id := fmt.Sprintf("h%d", i); r.s.Seatings[round][id] != i {
				t.Errorf("round %d: host %s sat at %d, want %d", round, id, r.s.Seatings[round][id], i)
			}
		}
	}
	if got := r.s.Seatings[3]["a1"]; got != to {
		t.Errorf("a1 sat at %d in round 3, want %d as assigned", got, to)
	}
	if pairs := repeatPairs(r.s.Seatings[1], r.s.Seatings[2], r.s.Seatings[3]); len(pairs) > 0 {
		t.Errorf("%d pairs met twice: %v", len(pairs), pairs)
	}
	wantRebuilds(t, r.log, r.s)
}

func TestLobbySeating(t *testing.T) {
	for _, c := range []struct {
		name   string
		tables int
		joins  int
		want   []int // each joiner's table, in joining order
	}{
		{"10 people in a 20-table café sit in twos at tables 1 to 5", 20, 10, []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}},
		{"the third person opens table 2, where the fourth will join them", 20, 4, []int{1, 1, 2, 2}},
		{"once every table has two, the emptiest table takes the next", 3, 9, []int{1, 1, 2, 2, 3, 3, 1, 2, 3}},
		{"a one-table café seats everyone at it", 1, 4, []int{1, 1, 1, 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRoom(t, protocol.CreateCafe{Tables: c.tables})
			var got []int
			for i := range c.joins {
				id := fmt.Sprintf("p%d", i)
				d := r.do(joinCmd(id, protocol.Join{}))
				if ev := eventData[protocol.ParticipantJoined](t, d.Events[0]); ev.Table != r.s.Participants[id].Table {
					t.Fatalf("participant.joined says table %d, the state %d", ev.Table, r.s.Participants[id].Table)
				}
				got = append(got, r.s.Participants[id].Table)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("tables %v, want %v", got, c.want)
			}
		})
	}

	t.Run("a host alone at their table gets company before a new table opens", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 5})
		r.do(joinCmd("p1", protocol.Join{}))
		r.do(joinCmd("p2", protocol.Join{}))
		r.joinHost("h1", protocol.Join{}) // joins table 2, the facilitator makes them its host
		if got := r.s.Participants["h1"].Table; got != 2 {
			t.Fatalf("h1 hosts table %d, want 2", got)
		}
		r.do(joinCmd("p3", protocol.Join{}))
		if got := r.s.Participants["p3"].Table; got != 2 {
			t.Errorf("p3 sits at %d, want 2 beside its lone host", got)
		}
	})

	t.Run("someone left alone by a removal gets the next newcomer", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 5})
		for i := range 4 {
			r.do(joinCmd(fmt.Sprintf("p%d", i), protocol.Join{})) // tables 1 1 2 2
		}
		r.do(removeCmd("p0"))
		r.do(joinCmd("p4", protocol.Join{}))
		if got := r.s.Participants["p4"].Table; got != 1 {
			t.Errorf("p4 sits at %d, want 1 beside p1, who was left alone", got)
		}
	})
}

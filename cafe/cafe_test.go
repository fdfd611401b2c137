package cafe_test

import (
	"bytes"
	"encoding/json"
	"errors"
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

// t0 is when every test's clock starts. Clocks are injected and advanced by
// hand; nothing here reads the wall clock.
var t0 = time.Date(2025, time.March, 11, 9, 0, 0, 0, time.UTC)

// clock is a hand-advanced clock.
type clock struct{ now time.Time }

// At moves the clock to t0+d; clocks never run backwards.
func (c *clock) At(tb testing.TB, d time.Duration) time.Time {
	tb.Helper()
	next := t0.Add(d)
	if next.Before(c.now) {
		tb.Fatalf("clock: asked to go back from %v to %v", c.now.Sub(t0), d)
	}
	c.now = next
	return c.now
}

// Advance moves the clock forward by d.
func (c *clock) Advance(d time.Duration) time.Time {
	c.now = c.now.Add(d)
	return c.now
}

var (
	facilitator = cafe.Actor{Role: protocol.RoleFacilitator}
	wall        = cafe.Actor{Role: protocol.RoleWall}
)

func attendee(id string) cafe.Actor {
	return cafe.Actor{Role: protocol.RoleAttendee, ParticipantID: id}
}
func host(id string) cafe.Actor { return cafe.Actor{Role: protocol.RoleHost, ParticipantID: id} }

func actorOf(role protocol.Role, id string) cafe.Actor {
	if role.Seated() {
		return cafe.Actor{Role: role, ParticipantID: id}
	}
	return cafe.Actor{Role: role}
}

func createCmd(req protocol.CreateCafe) cafe.Command {
	return cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{Request: req, JoinCode: "KX7Q2M"}}
}

func joinCmd(id string, req protocol.Join) cafe.Command {
	return cafe.Command{Type: protocol.CmdJoin, Actor: cafe.System, Data: cafe.Join{Request: req, ParticipantID: id}}
}

// roleCmd is the facilitator's participant.role.
func roleCmd(id string, role protocol.Role) cafe.Command {
	return cafe.Command{Type: protocol.CmdParticipantRole, Actor: facilitator, Data: protocol.ParticipantRole{ParticipantID: id, Role: role}}
}

func postCmd(a cafe.Actor, noteID, text string) cafe.Command {
	return cafe.Command{Type: protocol.CmdNotePost, Actor: a, Data: protocol.NotePost{NoteID: noteID, Text: text}}
}

func editCmd(a cafe.Actor, noteID, text string) cafe.Command {
	return cafe.Command{Type: protocol.CmdNoteEdit, Actor: a, Data: protocol.NoteEdit{NoteID: noteID, Text: text}}
}

func refCmd(a cafe.Actor, typ, noteID string) cafe.Command {
	return cafe.Command{Type: typ, Actor: a, Data: protocol.NoteRef{NoteID: noteID}}
}

// control is a facilitator command without data (round.start, harvest.start, …).
func control(typ string) cafe.Command { return cafe.Command{Type: typ, Actor: facilitator} }

func extendCmd(minutes int) cafe.Command {
	return cafe.Command{Type: protocol.CmdRoundExtend, Actor: facilitator, Data: protocol.RoundExtend{Minutes: minutes}}
}

func broadcastCmd(text string) cafe.Command {
	return cafe.Command{Type: protocol.CmdBroadcast, Actor: facilitator, Data: protocol.Broadcast{Text: text}}
}

func timeUpCmd() cafe.Command { return cafe.Command{Type: protocol.CmdTimeUp, Actor: cafe.System} }

// stateJSON is the snapshot form of s: what the store keeps and what two
// states are compared by.
func stateJSON(tb testing.TB, s *cafe.State) []byte {
	tb.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		tb.Fatalf("encoding state: %v", err)
	}
	return b
}

// decideSafely is Decide with a panic turned into a test failure, so that one
// crashing command fails its own test instead of the whole package.
func decideSafely(tb testing.TB, s *cafe.State, cmd cafe.Command, now time.Time) (d cafe.Decision, err error) {
	tb.Helper()
	defer func() {
		if r := recover(); r != nil {
			tb.Fatalf("Decide(%s by %s, data %T) panicked: %v", cmd.Type, cmd.Actor.Role, cmd.Data, r)
		}
	}()
	return cafe.Decide(s, cmd, now)
}

// MustApplyDecide decides cmd at now, fails the test if it is rejected,
// checks that the events are numbered from s.Seq+1 and stamped with now, and
// applies them to s.
func MustApplyDecide(tb testing.TB, s *cafe.State, cmd cafe.Command, now time.Time) cafe.Decision {
	tb.Helper()
	d, err := decideSafely(tb, s, cmd, now)
	if err != nil {
		tb.Fatalf("%s by %s was rejected: %v", cmd.Type, cmd.Actor.Role, err)
	}
	for i, ev := range d.Events {
		if want := s.Seq + 1; ev.Seq != want {
			tb.Fatalf("%s: event %d (%s) has seq %d, want %d", cmd.Type, i, ev.Type, ev.Seq, want)
		}
		if ev.At != now.UnixMilli() {
			tb.Fatalf("%s: event %s is stamped %d, want now (%d)", cmd.Type, ev.Type, ev.At, now.UnixMilli())
		}
		if err := cafe.Apply(s, ev); err != nil {
			tb.Fatalf("%s: applying %s: %v", cmd.Type, ev.Type, err)
		}
	}
	return d
}

// MustReject decides cmd at now and fails the test unless it is rejected with
// code and leaves s exactly as it was.
func MustReject(tb testing.TB, s *cafe.State, cmd cafe.Command, now time.Time, code protocol.Code) *protocol.Error {
	tb.Helper()
	before := stateJSON(tb, s)
	d, err := decideSafely(tb, s, cmd, now)
	if err == nil {
		tb.Fatalf("%s by %s was accepted with events %v (duplicate %v); want %s", cmd.Type, cmd.Actor.Role, eventTypes(d), d.Duplicate, code)
	}
	var perr *protocol.Error
	if !errors.As(err, &perr) {
		tb.Fatalf("%s by %s: error %v is a %T, want *protocol.Error", cmd.Type, cmd.Actor.Role, err, err)
	}
	if perr.Code != code {
		tb.Fatalf("%s by %s: rejected with %q (%s), want %q", cmd.Type, cmd.Actor.Role, perr.Code, perr.Message, code)
	}
	if perr.Message == "" {
		tb.Errorf("%s by %s: rejection %q has no message for people", cmd.Type, cmd.Actor.Role, perr.Code)
	}
	if after := stateJSON(tb, s); !bytes.Equal(before, after) {
		tb.Fatalf("%s by %s was rejected but changed the state:\nbefore %s\nafter  %s", cmd.Type, cmd.Actor.Role, before, after)
	}
	return perr
}

// MustBeDuplicate decides cmd and fails unless it is accepted as a duplicate
// with no events.
func MustBeDuplicate(tb testing.TB, s *cafe.State, cmd cafe.Command, now time.Time) {
	tb.Helper()
	before := stateJSON(tb, s)
	d, err := decideSafely(tb, s, cmd, now)
	if err != nil {
		tb.Fatalf("%s by %s was rejected: %v; want a duplicate", cmd.Type, cmd.Actor.Role, err)
	}
	if !d.Duplicate || len(d.Events) != 0 {
		tb.Fatalf("%s by %s: duplicate %v, events %v; want a duplicate with no events", cmd.Type, cmd.Actor.Role, d.Duplicate, eventTypes(d))
	}
	if after := stateJSON(tb, s); !bytes.Equal(before, after) {
		tb.Fatalf("%s by %s changed the state while deciding", cmd.Type, cmd.Actor.Role)
	}
}

func eventTypes(d cafe.Decision) []string {
	out := make([]string, len(d.Events))
	for i, ev := range d.Events {
		out[i] = ev.Type
	}
	return out
}

// eventData decodes the data of ev as T.
func eventData[T any](tb testing.TB, ev protocol.Event) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal(ev.Data, &v); err != nil {
		tb.Fatalf("decoding %s data %s: %v", ev.Type, ev.Data, err)
	}
	return v
}

// room is a café under test: its state, its clock and its log.
type room struct {
	tb    testing.TB
	s     *cafe.State
	clock *clock
	log   []protocol.Event
}

func newRoom(tb testing.TB, req protocol.CreateCafe) *room {
	tb.Helper()
	r := &room{tb: tb, s: cafe.New("cafe-1"), clock: &clock{now: t0}}
	r.do(createCmd(req))
	return r
}

func (r *room) do(cmd cafe.Command) cafe.Decision {
	r.tb.Helper()
	d := MustApplyDecide(r.tb, r.s, cmd, r.clock.now)
	r.log = append(r.log, d.Events...)
	return d
}

func (r *room) reject(cmd cafe.Command, code protocol.Code) *protocol.Error {
	r.tb.Helper()
	return MustReject(r.tb, r.s, cmd, r.clock.now, code)
}

func (r *room) duplicate(cmd cafe.Command) {
	r.tb.Helper()
	MustBeDuplicate(r.tb, r.s, cmd, r.clock.now)
}

// seat joins hosts h1…hN and attendees a1…aM.
func (r *room) seat(hosts, attendees int) (hs, as []string) {
	r.tb.Helper()
	// The tests below were written for people seated round robin (host i
	// at table i, then the attendees one a table in turn); the lobby seats
	// people in twos (TestLobbySeating), so the facilitator moves each
	// person whom it seats elsewhere.
	next := 0
	place := func(id string) {
		r.tb.Helper()
		table := next%r.s.Tables + 1
		next++
		if r.s.Participants[id].Table != table {
			r.do(seatCmd(id, table))
		}
	}
	for i := 1; i <= hosts; i++ {
		id := fmt.Sprintf("h%d", i)
		r.do(joinCmd(id, protocol.Join{Name: "Host " + id}))
		place(id)
		r.do(roleCmd(id, protocol.RoleHost))
		hs = append(hs, id)
	}
	for i := 1; i <= attendees; i++ {
		id := fmt.Sprintf("a%d", i)
		r.do(joinCmd(id, protocol.Join{Name: "Attendee " + id, Group: protocol.Groups[i%len(protocol.Groups)]}))
		place(id)
		as = append(as, id)
	}
	return hs, as
}

// joinHost joins id and makes them the host of the table they sit at, as a
// facilitator does with a tap; when that table has a host already, the
// facilitator first moves them to the lowest-numbered table without one.
func (r *room) joinHost(id string, req protocol.Join) {
	r.tb.Helper()
	r.do(joinCmd(id, req))
	hosted := map[int]bool{}
	for _, p := range r.s.Participants {
		if p.Role == protocol.RoleHost {
			hosted[p.Table] = true
		}
	}
	if hosted[r.s.Participants[id].Table] {
		t := 1
		for hosted[t] {
			t++
		}
		r.do(seatCmd(id, t))
	}
	r.do(roleCmd(id, protocol.RoleHost))
}

func wantEvents(tb testing.TB, d cafe.Decision, want ...string) {
	tb.Helper()
	if got := eventTypes(d); !slices.Equal(got, want) {
		tb.Fatalf("events %v, want %v", got, want)
	}
	if d.Duplicate {
		tb.Fatalf("decision with events %v is marked duplicate", want)
	}
}

func TestCreatingACafe(t *testing.T) {
	t.Run("a café created with no settings gets the three consultation questions, 10 tables, 5 seats and 20-minute rounds", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		s := r.s
		if !slices.Equal(s.Questions, protocol.DefaultQuestions) || len(s.Questions) != 3 {
			t.Errorf("questions %q, want the three default questions", s.Questions)
		}
		if s.Tables != 10 || s.Seats != 5 || s.RoundSeconds != 20*60 {
			t.Errorf("tables %d, seats %d, round %ds; want 10, 5, 1200s", s.Tables, s.Seats, s.RoundSeconds)
		}
		if s.Title != protocol.DefaultTitle || s.JoinCode != "KX7Q2M" || s.AutoAdvance {
			t.Errorf("title %q, join code %q, auto advance %v", s.Title, s.JoinCode, s.AutoAdvance)
		}
		if s.Phase != protocol.PhaseLobby || s.Round != 0 || s.Timer.State != protocol.TimerIdle || s.Seq != 1 || !s.Exists() {
			t.Errorf("phase %q round %d timer %q seq %d; want a lobby at seq 1 with an idle timer", s.Phase, s.Round, s.Timer.State, s.Seq)
		}
		if s.Rounds() != 3 {
			t.Errorf("Rounds() = %d, want one per question", s.Rounds())
		}
		if got := eventData[protocol.CafeCreated](t, r.log[0]); got.Cafe != "cafe-1" {
			t.Errorf("cafe.created names café %q, want cafe-1", got.Cafe)
		}
	})

	t.Run("a café keeps the settings it was created with, cleaned", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{
			Title: "  Open\ttalks\n 2025 ", Questions: []string{" One? ", "Two\u200b?"},
			Tables: 500, Seats: 12, RoundSeconds: 10, AutoAdvance: true,
		})
		s := r.s
		if s.Title != "Open talks  2025" {
			t.Errorf("title %q", s.Title)
		}
		if !slices.Equal(s.Questions, []string{"One?", "Two?"}) {
			t.Errorf("questions %q", s.Questions)
		}
		if s.Tables != 500 || s.Seats != 12 || s.RoundSeconds != 10 || !s.AutoAdvance {
			t.Errorf("tables %d seats %d round %ds auto %v", s.Tables, s.Seats, s.RoundSeconds, s.AutoAdvance)
		}
	})

	t.Run("zero tables, seats and round length take the defaults", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 0, Seats: 0, RoundSeconds: 0})
		if r.s.Tables != protocol.DefaultTables || r.s.Seats != protocol.DefaultSeats || r.s.RoundSeconds != protocol.DefaultRoundSeconds {
			t.Errorf("tables %d seats %d round %ds", r.s.Tables, r.s.Seats, r.s.RoundSeconds)
		}
	})

	thirteen := make([]string, 13)
	for i := range thirteen {
		thirteen[i] = fmt.Sprintf("Question %d?", i+1)
	}
	rejected := []struct {
		name string
		req  protocol.CreateCafe
		code protocol.Code
	}{
		{"thirteen questions are too many", protocol.CreateCafe{Questions: thirteen}, protocol.CodeInvalid},
		{"an empty question is invalid", protocol.CreateCafe{Questions: []string{"One?", ""}}, protocol.CodeInvalid},
		{"a question of white space is invalid", protocol.CreateCafe{Questions: []string{" \t\n "}}, protocol.CodeInvalid},
		{"a question over 300 characters is too large", protocol.CreateCafe{Questions: []string{strings.Repeat("q", 301)}}, protocol.CodeTooLarge},
		{"negative tables are invalid", protocol.CreateCafe{Tables: -1}, protocol.CodeInvalid},
		{"501 tables are too many", protocol.CreateCafe{Tables: 501}, protocol.CodeInvalid},
		{"one seat per table is too few", protocol.CreateCafe{Seats: 1}, protocol.CodeInvalid},
		{"thirteen seats per table are too many", protocol.CreateCafe{Seats: 13}, protocol.CodeInvalid},
		{"a 5-second round is too short", protocol.CreateCafe{RoundSeconds: 5}, protocol.CodeInvalid},
		{"a round over four hours is too long", protocol.CreateCafe{RoundSeconds: protocol.MaxRoundSeconds + 1}, protocol.CodeInvalid},
		{"a title over 120 characters is too large", protocol.CreateCafe{Title: strings.Repeat("t", 121)}, protocol.CodeTooLarge},
		{"a title of invalid UTF-8 is invalid", protocol.CreateCafe{Title: "caf\xe9"}, protocol.CodeInvalid},
		{"a title of white space only is invalid", protocol.CreateCafe{Title: "   "}, protocol.CodeInvalid},
	}
	for _, tc := range rejected {
		t.Run(tc.name, func(t *testing.T) {
			s := cafe.New("cafe-1")
			MustReject(t, s, createCmd(tc.req), t0, tc.code)
			if s.Exists() {
				t.Error("a rejected create made the café exist")
			}
		})
	}

	t.Run("a café without a join code is invalid", func(t *testing.T) {
		cmd := createCmd(protocol.CreateCafe{})
		cmd.Data = cafe.Create{}
		MustReject(t, cafe.New("cafe-1"), cmd, t0, protocol.CodeInvalid)
	})

	t.Run("a café cannot be created twice", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.reject(createCmd(protocol.CreateCafe{Title: "Again"}), protocol.CodeConflict)
	})

	t.Run("a café that does not exist accepts nothing but cafe.create", func(t *testing.T) {
		s := cafe.New("cafe-1")
		MustReject(t, s, joinCmd("p1", protocol.Join{Name: "Ada"}), t0, protocol.CodeNotFound)
		MustReject(t, s, control(protocol.CmdRoundStart), t0, protocol.CodeNotFound)
		MustReject(t, s, timeUpCmd(), t0, protocol.CodeNotFound)
	})
}

func TestJoining(t *testing.T) {
	t.Run("a named attendee joins with their name and group at the first table", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		d := r.do(joinCmd("p1", protocol.Join{Name: "  Ada\u0007 Lovelace ", Group: "academia"}))
		wantEvents(t, d, protocol.EvParticipantJoined)
		p := r.s.Participants["p1"]
		want := cafe.Participant{ID: "p1", Name: "Ada Lovelace", Group: "academia", Role: protocol.RoleAttendee, Table: 1, JoinSeq: 2}
		if p == nil || *p != want {
			t.Fatalf("participant %+v, want %+v", p, want)
		}
	})

	t.Run("a person may join without a name or a group", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.do(joinCmd("p1", protocol.Join{}))
		if p := r.s.Participants["p1"]; p.Name != "" || p.Group != "" || p.Anonymous {
			t.Errorf("participant %+v", p)
		}
	})

	t.Run("an anonymous participant's name is dropped, even from the event", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		d := r.do(joinCmd("p1", protocol.Join{Name: "Secret Name", Group: "civil_society", Anonymous: true}))
		if bytes.Contains(d.Events[0].Data, []byte("Secret")) {
			t.Errorf("the event carries the name: %s", d.Events[0].Data)
		}
		p := r.s.Participants["p1"]
		if p.Name != "" || !p.Anonymous || p.Group != "civil_society" {
			t.Errorf("participant %+v, want anonymous without a name, group kept", p)
		}
		if v := r.s.View(protocol.RoleFacilitator); v.Participants[0].Name != "" {
			t.Errorf("the facilitator's view shows the name %q", v.Participants[0].Name)
		}
	})

	t.Run("an anonymous participant's overlong name does not matter", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.do(joinCmd("p1", protocol.Join{Name: strings.Repeat("n", 200), Anonymous: true}))
	})

	for _, tc := range []struct {
		name string
		id   string
		req  protocol.Join
		code protocol.Code
	}{
		{"a name over 40 characters is too large", "p9", protocol.Join{Name: strings.Repeat("n", 41)}, protocol.CodeTooLarge},
		{"a name of invalid UTF-8 is invalid", "p9", protocol.Join{Name: "\xff\xfe"}, protocol.CodeInvalid},
		{"an unknown stakeholder group is invalid", "p9", protocol.Join{Name: "Bo", Group: "journalists"}, protocol.CodeInvalid},
		{"a group is matched exactly", "p9", protocol.Join{Name: "Bo", Group: "Academia"}, protocol.CodeInvalid},
		{"a participant id that is taken is a conflict", "p1", protocol.Join{Name: "Bo"}, protocol.CodeConflict},
		{"an empty participant id is a conflict", "", protocol.Join{Name: "Bo"}, protocol.CodeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoom(t, protocol.CreateCafe{})
			r.do(joinCmd("p1", protocol.Join{Name: "Ada"}))
			r.reject(joinCmd(tc.id, tc.req), tc.code)
		})
	}

	t.Run("every stakeholder group is accepted", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		for i, g := range protocol.Groups {
			r.do(joinCmd(fmt.Sprintf("p%d", i), protocol.Join{Group: g}))
		}
	})

	t.Run("newcomers sit in twos at the lowest tables, then fill the emptiest table", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 4})
		var got []int
		for i := range 10 {
			id := fmt.Sprintf("p%d", i)
			r.do(joinCmd(id, protocol.Join{}))
			got = append(got, r.s.Participants[id].Table)
		}
		if want := []int{1, 1, 2, 2, 3, 3, 4, 4, 1, 2}; !slices.Equal(got, want) {
			t.Errorf("tables %v, want %v", got, want)
		}
	})

	t.Run("nobody becomes a host by joining", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 4})
		d := r.do(joinCmd("p1", protocol.Join{Name: "Ada"}))
		if got := eventData[protocol.ParticipantJoined](t, d.Events[0]).Role; got != protocol.RoleAttendee {
			t.Errorf("participant.joined says %q, want attendee", got)
		}
	})

	t.Run("people may join during a round and sit at the emptiest table", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 2})
		r.seat(0, 3) // tables 1, 2, 1
		r.do(control(protocol.CmdRoundStart))
		r.do(joinCmd("late", protocol.Join{}))
		if got := r.s.Participants["late"].Table; got != 2 {
			t.Errorf("late joiner at table %d, want 2", got)
		}
	})

	t.Run("someone who joins during a town hall is seated for the coming round", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 3})
		r.seat(3, 5)
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		r.do(joinCmd("late", protocol.Join{}))
		table, ok := r.s.NextSeats["late"]
		if !ok {
			t.Fatalf("the late joiner is not in the planned seating %v", r.s.NextSeats)
		}
		counts := map[int]int{}
		for _, table := range r.s.NextSeats {
			counts[table]++
		}
		if counts[table] > slices.Min(slices.Collect(maps.Values(counts)))+1 {
			t.Errorf("the late joiner was put at a full table: %v", counts)
		}
		r.do(control(protocol.CmdRoundStart))
		if got := r.s.Participants["late"].Table; got != table {
			t.Errorf("in round 2 the late joiner sits at %d, want %d", got, table)
		}
	})

	t.Run("nobody joins during the harvest or after closing", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Questions: []string{"Only?"}})
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		r.do(control(protocol.CmdHarvestStart))
		r.reject(joinCmd("p1", protocol.Join{}), protocol.CodeWrongPhase)
		r.do(control(protocol.CmdCafeClose))
		r.reject(joinCmd("p1", protocol.Join{}), protocol.CodeWrongPhase)
	})
}

// step is one command of a scripted café, at a time after t0.
type step struct {
	name   string
	at     time.Duration
	cmd    cafe.Command
	events []string      // the events it causes
	dup    bool          // accepted as a duplicate with no events
	code   protocol.Code // rejected with this code
	check  func(t *testing.T, r *room, d cafe.Decision)
}

// play runs steps in order, stopping at the first that fails: later steps
// assume the earlier ones happened.
func play(t *testing.T, r *room, steps []step) {
	t.Helper()
	for _, st := range steps {
		ok := t.Run(st.name, func(t *testing.T) {
			r.tb = t
			r.clock.At(t, st.at)
			var d cafe.Decision
			switch {
			case st.code != "":
				r.reject(st.cmd, st.code)
			case st.dup:
				r.duplicate(st.cmd)
			default:
				d = r.do(st.cmd)
				wantEvents(t, d, st.events...)
			}
			if st.check != nil {
				st.check(t, r, d)
			}
		})
		if !ok {
			t.Fatalf("stopping after %q failed", st.name)
		}
	}
}

// timerIs checks the phase, round and timer; deadline and remaining are from t0
// and zero means "not set".
func timerIs(phase string, round int, state string, deadline, remaining, duration time.Duration) func(*testing.T, *room, cafe.Decision) {
	return func(t *testing.T, r *room, _ cafe.Decision) {
		t.Helper()
		s := r.s
		if s.Phase != phase || s.Round != round {
			t.Errorf("phase %q round %d, want %q round %d", s.Phase, s.Round, phase, round)
		}
		want := cafe.Timer{State: state, RemainingMS: remaining.Milliseconds(), DurationMS: duration.Milliseconds()}
		if deadline != 0 {
			want.Deadline = t0.Add(deadline).UnixMilli()
		}
		if s.Timer != want {
			t.Errorf("timer %+v, want %+v", s.Timer, want)
		}
		dl, running := s.Deadline()
		if running != (state == protocol.TimerRunning && phase == protocol.PhaseRound) {
			t.Errorf("Deadline() reports running %v with timer %q", running, state)
		}
		if running && !dl.Equal(t0.Add(deadline)) {
			t.Errorf("Deadline() = t0+%v, want t0+%v", dl.Sub(t0), deadline)
		}
	}
}

func TestAWholeCafeFromLobbyToClose(t *testing.T) {
	r := newRoom(t, protocol.CreateCafe{Tables: 3})
	hosts, people := r.seat(3, 9)
	everyone := append(slices.Clone(hosts), people...)
	const m = time.Minute
	var planned2 map[string]int

	play(t, r, []step{
		{name: "in the lobby a round cannot be paused", cmd: control(protocol.CmdRoundPause), code: protocol.CodeWrongPhase},
		{name: "in the lobby a round cannot be resumed", cmd: control(protocol.CmdRoundResume), code: protocol.CodeWrongPhase},
		{name: "in the lobby a round cannot be extended", cmd: extendCmd(5), code: protocol.CodeWrongPhase},
		{name: "in the lobby a round cannot be ended", cmd: control(protocol.CmdRoundEnd), code: protocol.CodeWrongPhase},
		{name: "in the lobby the harvest cannot start", cmd: control(protocol.CmdHarvestStart), code: protocol.CodeWrongPhase},
		{name: "in the lobby notes cannot be posted", cmd: postCmd(attendee("a1"), "n0", "Too early"), code: protocol.CodeWrongPhase},
		{name: "in the lobby a stray timer changes nothing", cmd: timeUpCmd(), dup: true},
		{name: "the facilitator starts round 1 with its deadline 20 minutes from now", at: 0, cmd: control(protocol.CmdRoundStart),
			events: []string{protocol.EvRoundStarted},
			check: func(t *testing.T, r *room, d cafe.Decision) {
				timerIs(protocol.PhaseRound, 1, protocol.TimerRunning, 20*m, 0, 20*m)(t, r, d)
				ev := eventData[protocol.RoundStarted](t, d.Events[0])
				if ev != (protocol.RoundStarted{Round: 1, Question: 0, Deadline: t0.Add(20 * m).UnixMilli(), DurationMS: (20 * m).Milliseconds()}) {
					t.Errorf("round.started %+v", ev)
				}
				if q := r.s.View(protocol.RoleAttendee).Question; q != 0 {
					t.Errorf("view question %d, want 0", q)
				}
			}},
		{name: "a running round cannot start again", at: 1 * m, cmd: control(protocol.CmdRoundStart), code: protocol.CodeWrongPhase},
		{name: "a running clock cannot be resumed", at: 1 * m, cmd: control(protocol.CmdRoundResume), code: protocol.CodeWrongPhase},
		{name: "pausing with 5 minutes left keeps exactly 5 minutes", at: 15 * m, cmd: control(protocol.CmdRoundPause),
			events: []string{protocol.EvRoundPaused},
			check:  timerIs(protocol.PhaseRound, 1, protocol.TimerPaused, 0, 5*m, 20*m)},
		{name: "a paused clock cannot be paused again", at: 16 * m, cmd: control(protocol.CmdRoundPause), code: protocol.CodeWrongPhase},
		{name: "a timer that fires while the clock is paused changes nothing", at: 17 * m, cmd: timeUpCmd(), dup: true},
		{name: "notes may be posted while the clock is paused", at: 17 * m, cmd: postCmd(attendee("a1"), "n1", "Paused but talking"),
			events: []string{protocol.EvNotePosted}},
		{name: "resuming 3 minutes later sets the deadline to the resume time plus 5 minutes", at: 18 * m, cmd: control(protocol.CmdRoundResume),
			events: []string{protocol.EvRoundResumed},
			check: func(t *testing.T, r *room, d cafe.Decision) {
				timerIs(protocol.PhaseRound, 1, protocol.TimerRunning, 23*m, 0, 20*m)(t, r, d)
				if ev := eventData[protocol.RoundResumed](t, d.Events[0]); ev != (protocol.RoundResumed{Round: 1, Deadline: t0.Add(23 * m).UnixMilli()}) {
					t.Errorf("round.resumed %+v", ev)
				}
			}},
		{name: "the timer for the original deadline changes nothing after the pause", at: 20 * m, cmd: timeUpCmd(), dup: true,
			check: timerIs(protocol.PhaseRound, 1, protocol.TimerRunning, 23*m, 0, 20*m)},
		{name: "extending a running round by 2 minutes moves its deadline by exactly 2 minutes", at: 21 * m, cmd: extendCmd(2),
			events: []string{protocol.EvRoundExtended},
			check: func(t *testing.T, r *room, d cafe.Decision) {
				timerIs(protocol.PhaseRound, 1, protocol.TimerRunning, 25*m, 0, 22*m)(t, r, d)
				if ev := eventData[protocol.RoundExtended](t, d.Events[0]); ev.AddedMS != (2*m).Milliseconds() || ev.Deadline != t0.Add(25*m).UnixMilli() || ev.RemainingMS != 0 {
					t.Errorf("round.extended %+v", ev)
				}
			}},
		{name: "a timeup for the deadline the extension overtook changes nothing", at: 23 * m, cmd: timeUpCmd(), dup: true,
			check: timerIs(protocol.PhaseRound, 1, protocol.TimerRunning, 25*m, 0, 22*m)},
		{name: "extending by no minutes is invalid", at: 23 * m, cmd: extendCmd(0), code: protocol.CodeInvalid},
		{name: "extending by more than an hour is invalid", at: 23 * m, cmd: extendCmd(61), code: protocol.CodeInvalid},
		{name: "pausing again with 2 minutes left", at: 23 * m, cmd: control(protocol.CmdRoundPause),
			events: []string{protocol.EvRoundPaused},
			check:  timerIs(protocol.PhaseRound, 1, protocol.TimerPaused, 0, 2*m, 22*m)},
		{name: "extending a paused round adds to the time left and keeps it paused", at: 24 * m, cmd: extendCmd(3),
			events: []string{protocol.EvRoundExtended},
			check: func(t *testing.T, r *room, d cafe.Decision) {
				timerIs(protocol.PhaseRound, 1, protocol.TimerPaused, 0, 5*m, 25*m)(t, r, d)
				if ev := eventData[protocol.RoundExtended](t, d.Events[0]); ev.Deadline != 0 || ev.RemainingMS != (5*m).Milliseconds() {
					t.Errorf("round.extended %+v", ev)
				}
			}},
		{name: "resuming runs the 5 minutes from now", at: 30 * m, cmd: control(protocol.CmdRoundResume),
			events: []string{protocol.EvRoundResumed},
			check:  timerIs(protocol.PhaseRound, 1, protocol.TimerRunning, 35*m, 0, 25*m)},
		{name: "time runs out at the deadline", at: 35 * m, cmd: timeUpCmd(),
			events: []string{protocol.EvRoundTimeUp},
			check:  timerIs(protocol.PhaseRound, 1, protocol.TimerTimeUp, 0, 0, 25*m)},
		{name: "a second timeup changes nothing", at: 35 * m, cmd: timeUpCmd(), dup: true},
		{name: "notes may still be posted after time is up", at: 35 * m, cmd: postCmd(attendee("a2"), "n2", "Finishing my sentence"),
			events: []string{protocol.EvNotePosted}},
		{name: "a round whose time is up cannot be paused", at: 35 * m, cmd: control(protocol.CmdRoundPause), code: protocol.CodeWrongPhase},
		{name: "a round whose time is up cannot be resumed", at: 35 * m, cmd: control(protocol.CmdRoundResume), code: protocol.CodeWrongPhase},
		{name: "extending after time is up runs the clock again from now", at: 36 * m, cmd: extendCmd(1),
			events: []string{protocol.EvRoundExtended},
			check:  timerIs(protocol.PhaseRound, 1, protocol.TimerRunning, 37*m, 0, 26*m)},
		{name: "time runs out again", at: 37 * m, cmd: timeUpCmd(), events: []string{protocol.EvRoundTimeUp}},
		{name: "ending the round opens town hall 1 and plans the seating of round 2", at: 38 * m, cmd: control(protocol.CmdRoundEnd),
			events: []string{protocol.EvRoundEnded, protocol.EvSeatingPlanned},
			check: func(t *testing.T, r *room, d cafe.Decision) {
				timerIs(protocol.PhaseTownHall, 1, protocol.TimerIdle, 0, 0, 0)(t, r, d)
				if ev := eventData[protocol.RoundEnded](t, d.Events[0]); ev != (protocol.RoundEnded{Round: 1, Early: false}) {
					t.Errorf("round.ended %+v, want round 1 not early (time was up)", ev)
				}
				plan := eventData[protocol.SeatingPlanned](t, d.Events[1])
				if plan.Round != 2 || len(plan.Seats) != len(everyone) {
					t.Fatalf("seating.planned for round %d with %d seats, want round 2 with %d", plan.Round, len(plan.Seats), len(everyone))
				}
				for _, h := range hosts {
					if plan.Seats[h] != r.s.Participants[h].Table {
						t.Errorf("host %s moves from %d to %d", h, r.s.Participants[h].Table, plan.Seats[h])
					}
				}
				if !maps.Equal(r.s.NextSeats, plan.Seats) {
					t.Errorf("NextSeats %v, want the plan %v", r.s.NextSeats, plan.Seats)
				}
				planned2 = plan.Seats
			}},
		{name: "notes cannot be posted in a town hall", at: 39 * m, cmd: postCmd(attendee("a1"), "n3", "Between rounds"), code: protocol.CodeWrongPhase},
		{name: "notes may be edited in a town hall", at: 39 * m, cmd: editCmd(attendee("a1"), "n1", "Paused but still talking"),
			events: []string{protocol.EvNoteEdited}},
		{name: "the clock cannot be paused in a town hall", at: 39 * m, cmd: control(protocol.CmdRoundPause), code: protocol.CodeWrongPhase},
		{name: "the round cannot be extended in a town hall", at: 39 * m, cmd: extendCmd(1), code: protocol.CodeWrongPhase},
		{name: "a round cannot end twice", at: 39 * m, cmd: control(protocol.CmdRoundEnd), code: protocol.CodeWrongPhase},
		{name: "a late timer changes nothing in a town hall", at: 39 * m, cmd: timeUpCmd(), dup: true},
		{name: "round 2 starts on question 2 and everyone moves to their planned table", at: 40 * m, cmd: control(protocol.CmdRoundStart),
			events: []string{protocol.EvRoundStarted},
			check: func(t *testing.T, r *room, d cafe.Decision) {
				timerIs(protocol.PhaseRound, 2, protocol.TimerRunning, 60*m, 0, 20*m)(t, r, d)
				if ev := eventData[protocol.RoundStarted](t, d.Events[0]); ev.Round != 2 || ev.Question != 1 {
					t.Errorf("round.started %+v, want round 2 on question index 1", ev)
				}
				for id, table := range planned2 {
					if got := r.s.Participants[id].Table; got != table {
						t.Errorf("%s sits at %d, planned %d", id, got, table)
					}
				}
				if r.s.NextSeats != nil {
					t.Errorf("NextSeats %v is left over after the round started", r.s.NextSeats)
				}
			}},
		{name: "a note in round 2 is on question 2 at the author's new table", at: 41 * m, cmd: postCmd(attendee("a3"), "n4", "Carried over"),
			events: []string{protocol.EvNotePosted},
			check: func(t *testing.T, r *room, d cafe.Decision) {
				ev := eventData[protocol.NotePosted](t, d.Events[0])
				if ev.Round != 2 || ev.Question != 1 || ev.Table != planned2["a3"] || ev.Author != "a3" {
					t.Errorf("note.posted %+v, want round 2, question 1, table %d", ev, planned2["a3"])
				}
			}},
		{name: "ending a running round before time is up says it was early", at: 45 * m, cmd: control(protocol.CmdRoundEnd),
			events: []string{protocol.EvRoundEnded, protocol.EvSeatingPlanned},
			check: func(t *testing.T, r *room, d cafe.Decision) {
				if ev := eventData[protocol.RoundEnded](t, d.Events[0]); !ev.Early || ev.Round != 2 {
					t.Errorf("round.ended %+v, want round 2 early", ev)
				}
				if plan := eventData[protocol.SeatingPlanned](t, d.Events[1]); plan.Round != 3 {
					t.Errorf("seating.planned for round %d, want 3", plan.Round)
				}
			}},
		{name: "round 3 starts on the last question", at: 50 * m, cmd: control(protocol.CmdRoundStart),
			events: []string{protocol.EvRoundStarted},
			check:  timerIs(protocol.PhaseRound, 3, protocol.TimerRunning, 70*m, 0, 20*m)},
		{name: "the last round is paused", at: 55 * m, cmd: control(protocol.CmdRoundPause), events: []string{protocol.EvRoundPaused}},
		{name: "ending a paused round is early and plans no seating after the last round", at: 56 * m, cmd: control(protocol.CmdRoundEnd),
			events: []string{protocol.EvRoundEnded},
			check: func(t *testing.T, r *room, d cafe.Decision) {
				timerIs(protocol.PhaseTownHall, 3, protocol.TimerIdle, 0, 0, 0)(t, r, d)
				if ev := eventData[protocol.RoundEnded](t, d.Events[0]); !ev.Early || ev.Round != 3 {
					t.Errorf("round.ended %+v, want round 3 early", ev)
				}
				if r.s.NextSeats != nil {
					t.Errorf("NextSeats %v after the last round", r.s.NextSeats)
				}
			}},
		{name: "after the last round no round can start", at: 57 * m, cmd: control(protocol.CmdRoundStart), code: protocol.CodeWrongPhase},
		{name: "the harvest starts from the last town hall", at: 60 * m, cmd: control(protocol.CmdHarvestStart),
			events: []string{protocol.EvHarvestStarted},
			check:  timerIs(protocol.PhaseHarvest, 3, protocol.TimerIdle, 0, 0, 0)},
		{name: "the harvest cannot start twice", at: 60 * m, cmd: control(protocol.CmdHarvestStart), code: protocol.CodeWrongPhase},
		{name: "no round starts during the harvest", at: 60 * m, cmd: control(protocol.CmdRoundStart), code: protocol.CodeWrongPhase},
		{name: "notes cannot be posted during the harvest", at: 60 * m, cmd: postCmd(attendee("a1"), "n5", "Late"), code: protocol.CodeWrongPhase},
		{name: "notes cannot be edited during the harvest", at: 60 * m, cmd: editCmd(attendee("a1"), "n1", "Changed"), code: protocol.CodeWrongPhase},
		{name: "notes cannot be deleted during the harvest", at: 60 * m, cmd: refCmd(attendee("a1"), protocol.CmdNoteDelete, "n1"), code: protocol.CodeWrongPhase},
		{name: "the facilitator may still hide a note during the harvest", at: 60 * m, cmd: refCmd(facilitator, protocol.CmdNoteHide, "n2"),
			events: []string{protocol.EvNoteHidden}},
		{name: "the facilitator closes the café", at: 90 * m, cmd: control(protocol.CmdCafeClose),
			events: []string{protocol.EvCafeClosed},
			check:  timerIs(protocol.PhaseClosed, 3, protocol.TimerIdle, 0, 0, 0)},
	})

	t.Run("a closed café rejects every command", func(t *testing.T) {
		r.tb = t
		cmds := []cafe.Command{
			postCmd(attendee("a1"), "n9", "After closing"),
			editCmd(attendee("a1"), "n1", "After closing"),
			refCmd(attendee("a1"), protocol.CmdNoteDelete, "n1"),
			refCmd(host("h1"), protocol.CmdNoteDelete, "n1"),
			refCmd(facilitator, protocol.CmdNoteHide, "n1"),
			refCmd(facilitator, protocol.CmdNoteUnhide, "n2"),
			control(protocol.CmdRoundStart), control(protocol.CmdRoundPause), control(protocol.CmdRoundResume),
			extendCmd(1), control(protocol.CmdRoundEnd), control(protocol.CmdHarvestStart), control(protocol.CmdCafeClose),
			broadcastCmd("Hello?"), broadcastCmd(""),
			joinCmd("new", protocol.Join{}), timeUpCmd(),
		}
		for _, cmd := range cmds {
			r.reject(cmd, protocol.CodeWrongPhase)
		}
		r.reject(createCmd(protocol.CreateCafe{}), protocol.CodeConflict)
	})

	t.Run("the log rebuilds the café exactly", func(t *testing.T) {
		wantRebuilds(t, r.log, r.s)
	})
}

// wantRebuilds checks that folding log into a new café gives live.
func wantRebuilds(t *testing.T, log []protocol.Event, live *cafe.State) {
	t.Helper()
	rebuilt := cafe.New(live.ID)
	for _, ev := range log {
		if err := cafe.Apply(rebuilt, ev); err != nil {
			t.Fatalf("rebuilding: %v", err)
		}
	}
	if got, want := stateJSON(t, rebuilt), stateJSON(t, live); !bytes.Equal(got, want) {
		t.Fatalf("the rebuilt café differs from the live one:\nrebuilt %s\nlive    %s", got, want)
	}
}

func TestHarvestAndCloseNeedTheRightPhase(t *testing.T) {
	t.Run("the harvest may start after any town hall, skipping the remaining rounds", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.do(control(protocol.CmdRoundStart))
		r.reject(control(protocol.CmdHarvestStart), protocol.CodeWrongPhase)
		r.do(control(protocol.CmdRoundEnd))
		wantEvents(t, r.do(control(protocol.CmdHarvestStart)), protocol.EvHarvestStarted)
	})
	t.Run("a café may be closed straight from the lobby", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		wantEvents(t, r.do(control(protocol.CmdCafeClose)), protocol.EvCafeClosed)
		if r.s.Phase != protocol.PhaseClosed {
			t.Errorf("phase %q", r.s.Phase)
		}
	})
	t.Run("closing during a running round stops the clock", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdCafeClose))
		if _, running := r.s.Deadline(); running || r.s.Timer.State != protocol.TimerIdle {
			t.Errorf("timer %+v after closing", r.s.Timer)
		}
	})
}

func TestTimeUp(t *testing.T) {
	const round = 10 * time.Minute
	for _, tc := range []struct {
		name   string
		auto   bool
		lead   time.Duration // how long before the deadline the timer fires
		events []string
	}{
		{"without auto advance the round waits for the facilitator when time is up", false, 0,
			[]string{protocol.EvRoundTimeUp}},
		{"with auto advance time up ends the round and plans the next seating", true, 0,
			[]string{protocol.EvRoundTimeUp, protocol.EvRoundEnded, protocol.EvSeatingPlanned}},
		{"a timer that fires late still ends the round", false, -3 * time.Second,
			[]string{protocol.EvRoundTimeUp}},
		{"a timer that fires 50 ms early counts as on time", false, 50 * time.Millisecond,
			[]string{protocol.EvRoundTimeUp}},
		{"a timer that fires 51 ms early changes nothing", false, 51 * time.Millisecond, nil},
		{"a timer that fires a second early changes nothing, even with auto advance", true, time.Second, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoom(t, protocol.CreateCafe{RoundSeconds: int(round / time.Second), AutoAdvance: tc.auto})
			r.seat(2, 6)
			r.do(control(protocol.CmdRoundStart))
			r.clock.At(t, round-tc.lead)
			if tc.events == nil {
				r.duplicate(timeUpCmd())
				return
			}
			d := r.do(timeUpCmd())
			wantEvents(t, d, tc.events...)
			if tc.auto {
				if r.s.Phase != protocol.PhaseTownHall || r.s.Timer.State != protocol.TimerIdle {
					t.Errorf("phase %q timer %q, want an idle town hall", r.s.Phase, r.s.Timer.State)
				}
				if ev := eventData[protocol.RoundEnded](t, d.Events[1]); ev.Early {
					t.Errorf("a round ended by its timer is marked early")
				}
				r.reject(control(protocol.CmdRoundEnd), protocol.CodeWrongPhase)
			} else if r.s.Phase != protocol.PhaseRound || r.s.Timer.State != protocol.TimerTimeUp {
				t.Errorf("phase %q timer %q, want a round whose time is up", r.s.Phase, r.s.Timer.State)
			}
		})
	}

	t.Run("with auto advance the last round's time up ends it without seating", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Questions: []string{"Only?"}, RoundSeconds: 60, AutoAdvance: true})
		r.seat(1, 3)
		r.do(control(protocol.CmdRoundStart))
		r.clock.Advance(time.Minute)
		wantEvents(t, r.do(timeUpCmd()), protocol.EvRoundTimeUp, protocol.EvRoundEnded)
	})

	t.Run("with auto advance a timer that fires while paused changes nothing", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{RoundSeconds: 60, AutoAdvance: true})
		r.do(control(protocol.CmdRoundStart))
		r.clock.Advance(30 * time.Second)
		r.do(control(protocol.CmdRoundPause))
		r.clock.Advance(time.Minute)
		r.duplicate(timeUpCmd())
	})

	t.Run("auto advance with nobody seated plans no seating", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{RoundSeconds: 60, AutoAdvance: true})
		r.do(control(protocol.CmdRoundStart))
		r.clock.Advance(time.Minute)
		wantEvents(t, r.do(timeUpCmd()), protocol.EvRoundTimeUp, protocol.EvRoundEnded)
	})
}

func TestDeadlinesAreAbsoluteAndExact(t *testing.T) {
	type timed struct {
		at  time.Duration
		cmd cafe.Command
	}
	const m, s = time.Minute, time.Second
	start := func(at time.Duration) timed { return timed{at, control(protocol.CmdRoundStart)} }
	pause := func(at time.Duration) timed { return timed{at, control(protocol.CmdRoundPause)} }
	resume := func(at time.Duration) timed { return timed{at, control(protocol.CmdRoundResume)} }
	extend := func(at time.Duration, min int) timed { return timed{at, extendCmd(min)} }
	timeUp := func(at time.Duration) timed { return timed{at, timeUpCmd()} }

	for _, tc := range []struct {
		name         string
		roundSeconds int
		steps        []timed
		state        string
		deadline     time.Duration // from t0, while running
		remaining    time.Duration // while paused
		duration     time.Duration
	}{
		{name: "a round started at t ends at t plus its length",
			roundSeconds: 1200, steps: []timed{start(0)}, state: protocol.TimerRunning, deadline: 20 * m, duration: 20 * m},
		{name: "a round started at an odd millisecond ends at that millisecond",
			roundSeconds: 1200, steps: []timed{start(7*s + 123*time.Millisecond)}, state: protocol.TimerRunning, deadline: 20*m + 7*s + 123*time.Millisecond, duration: 20 * m},
		{name: "the shortest round lasts 10 seconds",
			roundSeconds: 10, steps: []timed{start(0)}, state: protocol.TimerRunning, deadline: 10 * s, duration: 10 * s},
		{name: "pausing with 5 minutes left and resuming 3 minutes later ends 5 minutes after the resume",
			roundSeconds: 1200, steps: []timed{start(0), pause(15 * m), resume(18 * m)}, state: protocol.TimerRunning, deadline: 23 * m, duration: 20 * m},
		{name: "pausing keeps the time left to the millisecond",
			roundSeconds: 1200, steps: []timed{start(0), pause(12*m + 345*time.Millisecond)}, state: protocol.TimerPaused, remaining: 7*m + 59*s + 655*time.Millisecond, duration: 20 * m},
		{name: "two pauses lose no time",
			roundSeconds: 1200, steps: []timed{start(0), pause(5 * m), resume(6 * m), pause(10 * m), resume(20 * m)}, state: protocol.TimerRunning, deadline: 31 * m, duration: 20 * m},
		{name: "pausing after the deadline passed keeps no time and resuming ends at once",
			roundSeconds: 60, steps: []timed{start(0), pause(90 * s), resume(2 * m)}, state: protocol.TimerRunning, deadline: 2 * m, duration: m},
		{name: "extending while running moves the deadline, whatever the time now",
			roundSeconds: 1200, steps: []timed{start(0), extend(10*m, 5)}, state: protocol.TimerRunning, deadline: 25 * m, duration: 25 * m},
		{name: "extending while paused adds to the time left",
			roundSeconds: 1200, steps: []timed{start(0), pause(15 * m), extend(16*m, 5)}, state: protocol.TimerPaused, remaining: 10 * m, duration: 25 * m},
		{name: "extending while paused and resuming ends the extended time after the resume",
			roundSeconds: 1200, steps: []timed{start(0), pause(15 * m), extend(16*m, 5), resume(30 * m)}, state: protocol.TimerRunning, deadline: 40 * m, duration: 25 * m},
		{name: "extending after time is up counts from now",
			roundSeconds: 1200, steps: []timed{start(0), timeUp(20 * m), extend(27*m, 5)}, state: protocol.TimerRunning, deadline: 32 * m, duration: 25 * m},
		{name: "the longest extension is an hour",
			roundSeconds: 600, steps: []timed{start(0), extend(0, 60)}, state: protocol.TimerRunning, deadline: 70 * m, duration: 70 * m},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoom(t, protocol.CreateCafe{RoundSeconds: tc.roundSeconds})
			for _, st := range tc.steps {
				r.clock.At(t, st.at)
				if len(r.do(st.cmd).Events) == 0 {
					t.Fatalf("%s at %v caused no events", st.cmd.Type, st.at)
				}
			}
			want := cafe.Timer{State: tc.state, RemainingMS: tc.remaining.Milliseconds(), DurationMS: tc.duration.Milliseconds()}
			if tc.state == protocol.TimerRunning {
				want.Deadline = t0.Add(tc.deadline).UnixMilli()
			}
			if r.s.Timer != want {
				t.Errorf("timer %+v, want %+v", r.s.Timer, want)
			}
			dl, running := r.s.Deadline()
			if running != (tc.state == protocol.TimerRunning) || running && !dl.Equal(t0.Add(tc.deadline)) {
				t.Errorf("Deadline() = t0+%v, %v", dl.Sub(t0), running)
			}
			if v := r.s.View(protocol.RoleWall); protocol.Timer(r.s.Timer) != v.Timer {
				t.Errorf("the wall sees timer %+v, the café has %+v", v.Timer, r.s.Timer)
			}
		})
	}
}

// notesRoom is a café in round 1 with hosts h1, h2 and attendees a1…a4.
func notesRoom(t *testing.T) *room {
	t.Helper()
	r := newRoom(t, protocol.CreateCafe{Tables: 2})
	r.seat(2, 4)
	r.clock.Advance(time.Minute)
	r.do(control(protocol.CmdRoundStart))
	r.clock.Advance(time.Minute)
	return r
}

func TestPostingNotes(t *testing.T) {
	t.Run("a note posted in a round carries its author, round, question and table", func(t *testing.T) {
		r := notesRoom(t)
		d := r.do(postCmd(attendee("a3"), "note-1", "Governments convene"))
		wantEvents(t, d, protocol.EvNotePosted)
		want := protocol.NotePosted{NoteID: "note-1", Author: "a3", Round: 1, Question: 0, Table: r.s.Participants["a3"].Table, Text: "Governments convene"}
		if got := eventData[protocol.NotePosted](t, d.Events[0]); got != want {
			t.Errorf("note.posted %+v, want %+v", got, want)
		}
		n := r.s.Notes["note-1"]
		if n == nil || n.Seq != d.Events[0].Seq || n.At != r.clock.now.UnixMilli() || n.Text != want.Text || n.Table != want.Table {
			t.Errorf("note %+v", n)
		}
	})

	t.Run("hosts post notes too", func(t *testing.T) {
		r := notesRoom(t)
		r.do(postCmd(host("h1"), "note-h", "Hosting"))
	})

	t.Run("a resend of the same id and text is a duplicate with no events", func(t *testing.T) {
		r := notesRoom(t)
		r.do(postCmd(attendee("a1"), "note-1", "Same"))
		r.clock.Advance(5 * time.Second)
		r.duplicate(postCmd(attendee("a1"), "note-1", "Same"))
		r.duplicate(postCmd(attendee("a1"), "note-1", "  Same\u200b "))
	})

	t.Run("a resend after the round ended is still a duplicate", func(t *testing.T) {
		r := notesRoom(t)
		r.do(postCmd(attendee("a1"), "note-1", "Just in time"))
		r.do(control(protocol.CmdRoundEnd))
		r.duplicate(postCmd(attendee("a1"), "note-1", "Just in time"))
	})

	t.Run("a resend of the original text after an edit is a duplicate", func(t *testing.T) {
		r := notesRoom(t)
		r.do(postCmd(attendee("a1"), "note-1", "First"))
		r.do(editCmd(attendee("a1"), "note-1", "Second"))
		r.duplicate(postCmd(attendee("a1"), "note-1", "First"))
		if r.s.Notes["note-1"].Text != "Second" {
			t.Errorf("the resend undid the edit")
		}
	})

	t.Run("the same id with another text is a conflict", func(t *testing.T) {
		r := notesRoom(t)
		r.do(postCmd(attendee("a1"), "note-1", "Mine"))
		r.reject(postCmd(attendee("a1"), "note-1", "Something else"), protocol.CodeConflict)
	})

	t.Run("another participant reusing an id is a conflict", func(t *testing.T) {
		r := notesRoom(t)
		r.do(postCmd(attendee("a1"), "note-1", "Mine"))
		r.reject(postCmd(attendee("a2"), "note-1", "Mine"), protocol.CodeConflict)
		r.reject(postCmd(host("h1"), "note-1", "Mine"), protocol.CodeConflict)
	})

	t.Run("the id of a deleted note cannot be posted again", func(t *testing.T) {
		r := notesRoom(t)
		r.do(postCmd(attendee("a1"), "note-1", "Mine"))
		r.do(refCmd(attendee("a1"), protocol.CmdNoteDelete, "note-1"))
		r.reject(postCmd(attendee("a1"), "note-1", "Mine"), protocol.CodeConflict)
	})

	t.Run("a participant the café does not know cannot post", func(t *testing.T) {
		r := notesRoom(t)
		r.reject(postCmd(attendee("ghost"), "note-1", "Boo"), protocol.CodeUnauthorized)
		r.reject(postCmd(attendee(""), "note-1", "Boo"), protocol.CodeUnauthorized)
	})

	for _, tc := range []struct {
		name string
		text string
		want string
		code protocol.Code
	}{
		{name: "surrounding space is trimmed", text: "  \n\t idea \r\n ", want: "idea"},
		{name: "control characters are removed", text: "a\x00b\x07c\x1bde", want: "abcde"},
		{name: "next line (U+0085) is a line break", text: "d\u0085e", want: "d\ne"},
		{name: "invisible format characters are removed", text: "\u202eevil\u200b\ufeff", want: "evil"},
		{name: "the zero-width joiner of an emoji stays", text: "👩\u200d💻 coders", want: "👩\u200d💻 coders"},
		{name: "line breaks are kept as \\n", text: "one\r\ntwo\rthree\nfour", want: "one\ntwo\nthree\nfour"},
		{name: "tabs become spaces", text: "a\tb", want: "a b"},
		{name: "280 characters fit", text: strings.Repeat("é", 280), want: strings.Repeat("é", 280)},
		{name: "280 characters fit once trimmed", text: "   " + strings.Repeat("x", 280) + "\n\n", want: strings.Repeat("x", 280)},
		{name: "281 characters are too large", text: strings.Repeat("é", 281), code: protocol.CodeTooLarge},
		{name: "a huge text is too large", text: strings.Repeat("x", 100_000), code: protocol.CodeTooLarge},
		{name: "an empty note is invalid", text: "", code: protocol.CodeInvalid},
		{name: "a note of white space is invalid", text: " \n\t\r\n ", code: protocol.CodeInvalid},
		{name: "a note of control characters is invalid", text: "\x00\x01\u200b", code: protocol.CodeInvalid},
		{name: "invalid UTF-8 is invalid", text: "ok \xff", code: protocol.CodeInvalid},
	} {
		t.Run("note text: "+tc.name, func(t *testing.T) {
			r := notesRoom(t)
			cmd := postCmd(attendee("a1"), "note-1", tc.text)
			if tc.code != "" {
				r.reject(cmd, tc.code)
				return
			}
			d := r.do(cmd)
			if got := eventData[protocol.NotePosted](t, d.Events[0]).Text; got != tc.want {
				t.Errorf("text %q, want %q", got, tc.want)
			}
		})
	}

	for _, tc := range []struct {
		name string
		id   string
		ok   bool
	}{
		{"a UUID is a good note id", "550e8400-e29b-41d4-a716-446655440000", true},
		{"letters, digits, - and _ make a note id", "aZ09-_", true},
		{"a 64-byte note id is the longest", strings.Repeat("a", 64), true},
		{"a 65-byte note id is invalid", strings.Repeat("a", 65), false},
		{"an empty note id is invalid", "", false},
		{"a note id with a space is invalid", "note 1", false},
		{"a note id with a slash is invalid", "../etc", false},
		{"a note id with non-ASCII letters is invalid", "nöte", false},
		{"a note id with a NUL is invalid", "n\x00", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := notesRoom(t)
			cmd := postCmd(attendee("a1"), tc.id, "An idea")
			if !tc.ok {
				r.reject(cmd, protocol.CodeInvalid)
				for _, typ := range []string{protocol.CmdNoteHide, protocol.CmdNoteUnhide} {
					r.reject(refCmd(facilitator, typ, tc.id), protocol.CodeInvalid)
				}
				r.reject(editCmd(attendee("a1"), tc.id, "x"), protocol.CodeInvalid)
				r.reject(refCmd(attendee("a1"), protocol.CmdNoteDelete, tc.id), protocol.CodeInvalid)
				return
			}
			r.do(cmd)
		})
	}

	for _, phase := range []struct {
		name  string
		setup func(r *room)
	}{
		{"in the lobby", func(r *room) {}},
		{"in a town hall", func(r *room) {
			r.do(control(protocol.CmdRoundStart))
			r.do(control(protocol.CmdRoundEnd))
		}},
		{"during the harvest", func(r *room) {
			r.do(control(protocol.CmdRoundStart))
			r.do(control(protocol.CmdRoundEnd))
			r.do(control(protocol.CmdHarvestStart))
		}},
	} {
		t.Run("notes cannot be posted "+phase.name, func(t *testing.T) {
			r := newRoom(t, protocol.CreateCafe{})
			r.seat(1, 1)
			phase.setup(r)
			r.reject(postCmd(attendee("a1"), "note-1", "Hello"), protocol.CodeWrongPhase)
		})
	}
}

func TestChangingNotes(t *testing.T) {
	// Each case starts in round 1 with note-a by a1 and note-h by h1.
	setup := func(t *testing.T) *room {
		r := notesRoom(t)
		r.do(postCmd(attendee("a1"), "note-a", "First thought"))
		r.do(postCmd(host("h1"), "note-h", "Host's thought"))
		r.clock.Advance(time.Minute)
		return r
	}

	t.Run("an author edits their note and the edit is stamped with the time", func(t *testing.T) {
		r := setup(t)
		d := r.do(editCmd(attendee("a1"), "note-a", "  Second\x07 thought "))
		wantEvents(t, d, protocol.EvNoteEdited)
		n := r.s.Notes["note-a"]
		if n.Text != "Second thought" || n.EditedAt != r.clock.now.UnixMilli() || n.At == n.EditedAt {
			t.Errorf("note %+v", n)
		}
	})
	t.Run("an edit to the same text is a duplicate", func(t *testing.T) {
		r := setup(t)
		r.duplicate(editCmd(attendee("a1"), "note-a", "First thought "))
	})
	t.Run("an edit to empty text is invalid", func(t *testing.T) {
		r := setup(t)
		r.reject(editCmd(attendee("a1"), "note-a", " \u200b "), protocol.CodeInvalid)
	})
	t.Run("an edit to an overlong text is too large", func(t *testing.T) {
		r := setup(t)
		r.reject(editCmd(attendee("a1"), "note-a", strings.Repeat("x", 281)), protocol.CodeTooLarge)
	})
	t.Run("an edit of someone else's note is forbidden", func(t *testing.T) {
		r := setup(t)
		r.reject(editCmd(attendee("a1"), "note-h", "Mine now"), protocol.CodeForbidden)
		r.reject(editCmd(host("h2"), "note-a", "Mine now"), protocol.CodeForbidden)
	})
	t.Run("an edit of an unknown note is not found", func(t *testing.T) {
		r := setup(t)
		r.reject(editCmd(attendee("a1"), "note-x", "Hello"), protocol.CodeNotFound)
	})
	t.Run("an edit of a deleted note is not found", func(t *testing.T) {
		r := setup(t)
		r.do(refCmd(attendee("a1"), protocol.CmdNoteDelete, "note-a"))
		r.reject(editCmd(attendee("a1"), "note-a", "Back"), protocol.CodeNotFound)
	})
	t.Run("an author deletes their note and its text is gone", func(t *testing.T) {
		r := setup(t)
		wantEvents(t, r.do(refCmd(attendee("a1"), protocol.CmdNoteDelete, "note-a")), protocol.EvNoteDeleted)
		n := r.s.Notes["note-a"]
		if !n.Deleted || n.Text != "" {
			t.Errorf("deleted note %+v keeps its text", n)
		}
		for _, v := range r.s.View(protocol.RoleFacilitator).Notes {
			if v.ID == "note-a" {
				t.Errorf("the deleted note is still in the view")
			}
		}
		if bytes.Contains(stateJSON(t, r.s), []byte("First thought")) {
			t.Errorf("the deleted text is still in the snapshot")
		}
	})
	t.Run("a resent delete is a duplicate", func(t *testing.T) {
		r := setup(t)
		r.do(refCmd(attendee("a1"), protocol.CmdNoteDelete, "note-a"))
		r.duplicate(refCmd(attendee("a1"), protocol.CmdNoteDelete, "note-a"))
	})
	t.Run("deleting someone else's note is forbidden", func(t *testing.T) {
		r := setup(t)
		r.reject(refCmd(attendee("a1"), protocol.CmdNoteDelete, "note-h"), protocol.CodeForbidden)
		r.reject(refCmd(host("h1"), protocol.CmdNoteDelete, "note-a"), protocol.CodeForbidden)
	})
	t.Run("deleting someone else's deleted note is not found", func(t *testing.T) {
		r := setup(t)
		r.do(refCmd(host("h1"), protocol.CmdNoteDelete, "note-h"))
		r.reject(refCmd(attendee("a1"), protocol.CmdNoteDelete, "note-h"), protocol.CodeNotFound)
	})
	t.Run("deleting an unknown note is not found", func(t *testing.T) {
		r := setup(t)
		r.reject(refCmd(attendee("a1"), protocol.CmdNoteDelete, "note-x"), protocol.CodeNotFound)
	})
	t.Run("a host deletes their own note", func(t *testing.T) {
		r := setup(t)
		r.do(refCmd(host("h1"), protocol.CmdNoteDelete, "note-h"))
	})
	t.Run("an author may edit and delete in a town hall", func(t *testing.T) {
		r := setup(t)
		r.do(control(protocol.CmdRoundEnd))
		r.do(editCmd(attendee("a1"), "note-a", "Revised"))
		r.do(refCmd(host("h1"), protocol.CmdNoteDelete, "note-h"))
	})
}

func TestHidingNotes(t *testing.T) {
	setup := func(t *testing.T) *room {
		r := notesRoom(t)
		r.do(postCmd(attendee("a1"), "note-a", "Rude words"))
		r.do(postCmd(attendee("a2"), "note-b", "Kind words"))
		return r
	}

	t.Run("the facilitator hides and unhides a note", func(t *testing.T) {
		r := setup(t)
		wantEvents(t, r.do(refCmd(facilitator, protocol.CmdNoteHide, "note-a")), protocol.EvNoteHidden)
		if !r.s.Notes["note-a"].Hidden {
			t.Fatal("the note is not hidden")
		}
		r.duplicate(refCmd(facilitator, protocol.CmdNoteHide, "note-a"))
		d := r.do(refCmd(facilitator, protocol.CmdNoteUnhide, "note-a"))
		wantEvents(t, d, protocol.EvNoteUnhidden)
		// Clients that connected while the note was hidden never saw its text.
		if ev := eventData[protocol.NoteUnhidden](t, d.Events[0]); ev.NoteID != "note-a" || ev.Text != "Rude words" {
			t.Errorf("note.unhidden %+v, want it to carry the text", ev)
		}
		if r.s.Notes["note-a"].Hidden {
			t.Fatal("the note is still hidden")
		}
		r.duplicate(refCmd(facilitator, protocol.CmdNoteUnhide, "note-a"))
	})

	for _, a := range []cafe.Actor{attendee("a1"), attendee("a2"), host("h1"), wall} {
		t.Run(fmt.Sprintf("a %s may not hide or unhide a note", a.Role), func(t *testing.T) {
			r := setup(t)
			r.reject(refCmd(a, protocol.CmdNoteHide, "note-a"), protocol.CodeForbidden)
			r.do(refCmd(facilitator, protocol.CmdNoteHide, "note-a"))
			r.reject(refCmd(a, protocol.CmdNoteUnhide, "note-a"), protocol.CodeForbidden)
		})
	}

	t.Run("hiding an unknown or deleted note is not found", func(t *testing.T) {
		r := setup(t)
		r.reject(refCmd(facilitator, protocol.CmdNoteHide, "note-x"), protocol.CodeNotFound)
		r.do(refCmd(attendee("a2"), protocol.CmdNoteDelete, "note-b"))
		r.reject(refCmd(facilitator, protocol.CmdNoteHide, "note-b"), protocol.CodeNotFound)
		r.reject(refCmd(facilitator, protocol.CmdNoteUnhide, "note-b"), protocol.CodeNotFound)
	})

	t.Run("a resend of a hidden note is still a duplicate", func(t *testing.T) {
		r := setup(t)
		r.do(refCmd(facilitator, protocol.CmdNoteHide, "note-a"))
		r.duplicate(postCmd(attendee("a1"), "note-a", "Rude words"))
	})

	for _, tc := range []struct {
		role protocol.Role
		text string
	}{
		{protocol.RoleFacilitator, "Rude words"},
		{protocol.RoleHost, ""},
		{protocol.RoleAttendee, ""},
		{protocol.RoleWall, ""},
	} {
		t.Run(fmt.Sprintf("a %s sees a hidden note's text as %q", tc.role, tc.text), func(t *testing.T) {
			r := setup(t)
			r.do(refCmd(facilitator, protocol.CmdNoteHide, "note-a"))
			v := r.s.View(tc.role)
			if len(v.Notes) != 2 {
				t.Fatalf("view has %d notes, want 2 (hidden notes are listed)", len(v.Notes))
			}
			hidden, shown := v.Notes[0], v.Notes[1]
			if hidden.ID != "note-a" || !hidden.Hidden || hidden.Text != tc.text {
				t.Errorf("hidden note %+v, want text %q and hidden", hidden, tc.text)
			}
			if shown.ID != "note-b" || shown.Hidden || shown.Text != "Kind words" {
				t.Errorf("other note %+v", shown)
			}
			if r.s.Notes["note-a"].Text != "Rude words" {
				t.Errorf("the view changed the state's note")
			}
		})
	}
}

func TestBroadcast(t *testing.T) {
	r := newRoom(t, protocol.CreateCafe{})
	wantEvents(t, r.do(broadcastCmd("  Coffee\nin 5 minutes ")), protocol.EvBroadcastSet)
	if r.s.Broadcast != "Coffee in 5 minutes" {
		t.Errorf("broadcast %q, want one line", r.s.Broadcast)
	}
	r.duplicate(broadcastCmd("Coffee in 5 minutes"))
	r.reject(broadcastCmd(strings.Repeat("b", 141)), protocol.CodeTooLarge)
	r.do(broadcastCmd(strings.Repeat("b", 140)))
	r.reject(cafe.Command{Type: protocol.CmdBroadcast, Actor: attendee("a1"), Data: protocol.Broadcast{Text: "Hi"}}, protocol.CodeForbidden)
	wantEvents(t, r.do(broadcastCmd("")), protocol.EvBroadcastSet)
	if r.s.Broadcast != "" {
		t.Errorf("an empty broadcast left %q", r.s.Broadcast)
	}
	if v := r.s.View(protocol.RoleWall); v.Broadcast != "" {
		t.Errorf("the wall still shows %q", v.Broadcast)
	}
	r.duplicate(broadcastCmd(" "))
}

// commandFor builds cmd typ with data that the actor could send successfully
// in a café prepared by rolesRoom.
func commandFor(typ string, a cafe.Actor) cafe.Command {
	own := "note-a" // a1's note; not the actor's unless it is a1
	if a.ParticipantID == "h1" {
		own = "note-h"
	}
	switch typ {
	case protocol.CmdNotePost:
		return postCmd(a, "note-new", "Fresh")
	case protocol.CmdNoteEdit:
		return editCmd(a, own, "Edited")
	case protocol.CmdNoteDelete, protocol.CmdNoteHide, protocol.CmdNoteUnhide:
		return refCmd(a, typ, own)
	case protocol.CmdRoundExtend:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.RoundExtend{Minutes: 5}}
	case protocol.CmdBroadcast:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.Broadcast{Text: "Hello room"}}
	case protocol.CmdGroupsSet:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.GroupsSet{Groups: []protocol.Group{{ID: "youth", Name: "Youth"}}}}
	case protocol.CmdCafeCreate:
		return cafe.Command{Type: typ, Actor: a, Data: cafe.Create{JoinCode: "ZZZZZZ"}}
	case protocol.CmdJoin:
		return cafe.Command{Type: typ, Actor: a, Data: cafe.Join{ParticipantID: "p-new"}}
	case protocol.CmdThemeCreate:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.ThemeCreate{ThemeID: "t-new", Name: "New", Question: 0}}
	case protocol.CmdThemeRename:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.ThemeRename{ThemeID: "t1", Name: "Renamed"}}
	case protocol.CmdThemeMerge:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.ThemeMerge{ThemeID: "t1", Into: "t2"}}
	case protocol.CmdNoteTheme:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.NoteTheme{NoteID: "note-a", ThemeID: "t1"}}
	case protocol.CmdSpotlight:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.Spotlight{NoteID: "note-a"}}
	case protocol.CmdVoteOpen:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.VoteOpen{VoteID: "v-new", On: protocol.VoteOnNotes, Dots: 3}}
	case protocol.CmdVoteCast, protocol.CmdVoteUncast:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.VoteDot{VoteID: "v1", ItemID: "note-a"}}
	case protocol.CmdVoteReveal, protocol.CmdVoteClose:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.VoteRef{VoteID: "v1"}}
	case protocol.CmdSeatAssign:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.SeatAssign{ParticipantID: "a1", Table: 2}}
	case protocol.CmdParticipantRole:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.ParticipantRole{ParticipantID: "a1", Role: protocol.RoleHost}}
	case protocol.CmdParticipantMute:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.ParticipantMute{ParticipantID: "a1", Muted: true}}
	case protocol.CmdParticipantRemove:
		return cafe.Command{Type: typ, Actor: a, Data: protocol.ParticipantRef{ParticipantID: "a1"}}
	}
	if data := consultationData(typ); data != nil {
		return cafe.Command{Type: typ, Actor: a, Data: data}
	}
	return cafe.Command{Type: typ, Actor: a}
}

func TestRoles(t *testing.T) {
	f, h, at, w := protocol.RoleFacilitator, protocol.RoleHost, protocol.RoleAttendee, protocol.RoleWall
	sc, pub := protocol.RoleScribe, protocol.RolePublic
	// Who may send each client command: the contract of README.md.
	allowed := map[string][]protocol.Role{
		protocol.CmdNotePost:     {h, at},
		protocol.CmdNoteEdit:     {h, at},
		protocol.CmdNoteDelete:   {h, at},
		protocol.CmdNoteHide:     {f},
		protocol.CmdNoteUnhide:   {f},
		protocol.CmdRoundStart:   {f},
		protocol.CmdRoundPause:   {f},
		protocol.CmdRoundResume:  {f},
		protocol.CmdRoundExtend:  {f},
		protocol.CmdRoundEnd:     {f},
		protocol.CmdHarvestStart: {f},
		protocol.CmdCafeClose:    {f},
		protocol.CmdBroadcast:    {f},
		protocol.CmdThemeCreate:  {f},
		protocol.CmdThemeRename:  {f},
		protocol.CmdThemeMerge:   {f},
		protocol.CmdNoteTheme:    {f},
		protocol.CmdSpotlight:    {f},
		protocol.CmdHandRaise:    {h, at},
		protocol.CmdHandLower:    {h, at},
		protocol.CmdSpeakerNext:  {f},
		protocol.CmdVoteOpen:     {f},
		protocol.CmdVoteCast:     {h, at},
		protocol.CmdVoteUncast:   {h, at},
		protocol.CmdVoteReveal:   {f},
		protocol.CmdVoteClose:    {f},
		protocol.CmdSeatAssign:   {f},
		protocol.CmdGroupsSet:    {f},

		protocol.CmdParticipantRole:   {f},
		protocol.CmdParticipantMute:   {f},
		protocol.CmdParticipantRemove: {f},

		protocol.CmdOnlineOpen:     {f},
		protocol.CmdOnlineHide:     {f},
		protocol.CmdOnlineUnhide:   {f},
		protocol.CmdOnlineTheme:    {f},
		protocol.CmdOnlinePublish:  {f},
		protocol.CmdTownHallAgenda: {f},
		protocol.CmdTownHallStage:  {f},
		protocol.CmdQueueStar:      {f},
		protocol.CmdQueueTake:      {f},
		protocol.CmdQueueDone:      {f},
		protocol.CmdFindingAdd:     {f, sc},
		protocol.CmdFindingEdit:    {f, sc},
		protocol.CmdFindingDelete:  {f, sc},
		protocol.CmdConclude:       {f},
	}
	if len(allowed) != len(protocol.ClientCommands) {
		t.Fatalf("the table covers %d commands, the protocol has %d client commands", len(allowed), len(protocol.ClientCommands))
	}
	// setup brings a café where h1 and a1 each posted a note in round 1 to
	// where cmd can succeed.
	setup := map[string]func(r *room){
		protocol.CmdRoundStart:   func(r *room) { r.do(control(protocol.CmdRoundEnd)) },
		protocol.CmdHarvestStart: func(r *room) { r.do(control(protocol.CmdRoundEnd)) },
		protocol.CmdRoundResume:  func(r *room) { r.do(control(protocol.CmdRoundPause)) },
		protocol.CmdNoteUnhide:   func(r *room) { r.do(refCmd(facilitator, protocol.CmdNoteHide, "note-a")) },
		protocol.CmdThemeRename:  func(r *room) { r.do(theme("t1", 0)) },
		protocol.CmdNoteTheme:    func(r *room) { r.do(theme("t1", 0)) },
		protocol.CmdThemeMerge:   func(r *room) { r.do(theme("t1", 0)); r.do(theme("t2", 0)) },
		protocol.CmdHandLower: func(r *room) {
			r.do(cafe.Command{Type: protocol.CmdHandRaise, Actor: attendee("a1")})
			r.do(cafe.Command{Type: protocol.CmdHandRaise, Actor: host("h1")})
		},
		protocol.CmdSpeakerNext: func(r *room) { r.do(cafe.Command{Type: protocol.CmdHandRaise, Actor: attendee("a1")}) },
		protocol.CmdVoteOpen:    func(r *room) { r.do(control(protocol.CmdRoundEnd)) },
		protocol.CmdVoteCast:    func(r *room) { r.do(control(protocol.CmdRoundEnd)); r.do(openVote("v1", false)) },
		protocol.CmdVoteUncast: func(r *room) {
			r.do(control(protocol.CmdRoundEnd))
			r.do(openVote("v1", false))
			r.do(commandFor(protocol.CmdVoteCast, attendee("a1")))
			r.do(commandFor(protocol.CmdVoteCast, host("h1")))
		},
		protocol.CmdVoteReveal: func(r *room) { r.do(control(protocol.CmdRoundEnd)); r.do(openVote("v1", false)) },
		protocol.CmdVoteClose:  func(r *room) { r.do(control(protocol.CmdRoundEnd)); r.do(openVote("v1", false)) },
		protocol.CmdSeatAssign: func(r *room) { r.do(control(protocol.CmdRoundEnd)) }, // nobody moves mid-round
	}
	for typ, f := range consultationSetup {
		setup[typ] = f
	}
	rolesRoom := func(t *testing.T, typ string) *room {
		r := newRoom(t, protocol.CreateCafe{})
		r.seat(1, 1)
		if typ == protocol.CmdGroupsSet {
			return r // the groups change in the lobby only
		}
		r.do(control(protocol.CmdRoundStart))
		r.do(postCmd(attendee("a1"), "note-a", "Attendee's"))
		r.do(postCmd(host("h1"), "note-h", "Host's"))
		if f := setup[typ]; f != nil {
			f(r)
		}
		return r
	}
	actors := map[protocol.Role]cafe.Actor{f: facilitator, h: host("h1"), at: attendee("a1"), w: wall, sc: scribe, pub: public}

	for _, typ := range slices.Sorted(maps.Keys(allowed)) {
		for _, role := range []protocol.Role{f, h, at, w, sc, pub} {
			ok := slices.Contains(allowed[typ], role)
			verdict := "may not"
			if ok {
				verdict = "may"
			}
			t.Run(fmt.Sprintf("a %s %s send %s", role, verdict, typ), func(t *testing.T) {
				r := rolesRoom(t, typ)
				cmd := commandFor(typ, actors[role])
				if !ok {
					r.reject(cmd, protocol.CodeForbidden)
					return
				}
				d := r.do(cmd)
				if len(d.Events) == 0 {
					t.Errorf("accepted with no events")
				}
			})
		}
	}

	for _, typ := range []string{protocol.CmdCafeCreate, protocol.CmdJoin, protocol.CmdTimeUp} {
		for _, role := range []protocol.Role{f, h, at, w} {
			t.Run(fmt.Sprintf("a %s may not send the server's %s", role, typ), func(t *testing.T) {
				r := rolesRoom(t, typ)
				r.reject(commandFor(typ, actors[role]), protocol.CodeForbidden)
			})
		}
	}

	for _, typ := range slices.Sorted(maps.Keys(allowed)) {
		t.Run("the server itself may not send "+typ, func(t *testing.T) {
			r := rolesRoom(t, typ)
			r.reject(commandFor(typ, cafe.System), protocol.CodeForbidden)
		})
	}

	t.Run("a client without a role may send nothing", func(t *testing.T) {
		r := rolesRoom(t, "")
		for typ := range allowed {
			r.reject(commandFor(typ, cafe.Actor{ParticipantID: "a1"}), protocol.CodeForbidden)
		}
	})

	t.Run("an unknown command is an unknown type", func(t *testing.T) {
		r := rolesRoom(t, "")
		r.reject(cafe.Command{Type: "note.shout", Actor: facilitator}, protocol.CodeUnknownType)
		r.reject(cafe.Command{Type: "", Actor: facilitator}, protocol.CodeUnknownType)
	})

	t.Run("a seated role with a participant the café does not know is unauthorized", func(t *testing.T) {
		r := rolesRoom(t, "")
		r.reject(refCmd(host("nobody"), protocol.CmdNoteDelete, "note-h"), protocol.CodeUnauthorized)
		r.reject(postCmd(cafe.Actor{Role: protocol.RoleAttendee}, "n", "x"), protocol.CodeUnauthorized)
	})
}

func TestCommandDataMustMatchItsType(t *testing.T) {
	// The server builds commands from decoded frames, so a mismatch is a bug
	// in the server; the domain must still refuse it rather than act on the
	// data under another command's permission (or crash).
	for _, tc := range []struct {
		name string
		cmd  cafe.Command
	}{
		{"note.delete carrying join data joins nobody", cafe.Command{Type: protocol.CmdNoteDelete, Actor: attendee("a1"), Data: cafe.Join{ParticipantID: "sneaky", Request: protocol.Join{Name: "Sneaky"}}}},
		{"note.edit carrying post data posts nothing", cafe.Command{Type: protocol.CmdNoteEdit, Actor: attendee("a1"), Data: protocol.NotePost{NoteID: "n-x", Text: "x"}}},
		{"note.post carrying edit data edits nothing", cafe.Command{Type: protocol.CmdNotePost, Actor: attendee("a1"), Data: protocol.NoteEdit{NoteID: "note-a", Text: "x"}}},
		{"round.extend carrying broadcast data sets no broadcast", cafe.Command{Type: protocol.CmdRoundExtend, Actor: facilitator, Data: protocol.Broadcast{Text: "x"}}},
		{"broadcast.set carrying extend data extends nothing", cafe.Command{Type: protocol.CmdBroadcast, Actor: facilitator, Data: protocol.RoundExtend{Minutes: 5}}},
		{"note.hide carrying post data from the facilitator posts nothing", cafe.Command{Type: protocol.CmdNoteHide, Actor: facilitator, Data: protocol.NotePost{NoteID: "n-y", Text: "x"}}},
		{"participant.join carrying post data from the server posts nothing", cafe.Command{Type: protocol.CmdJoin, Actor: cafe.System, Data: protocol.NotePost{NoteID: "n-z", Text: "x"}}},
		{"cafe.create carrying join data is refused", cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Join{ParticipantID: "p"}}},
		{"round.start carrying a note reference is refused", cafe.Command{Type: protocol.CmdRoundStart, Actor: facilitator, Data: protocol.NoteRef{NoteID: "note-a"}}},
		{"note.post without data is refused", cafe.Command{Type: protocol.CmdNotePost, Actor: attendee("a1")}},
		{"round.extend without data is refused", cafe.Command{Type: protocol.CmdRoundExtend, Actor: facilitator}},
		{"note.post carrying a pointer to its data is refused", cafe.Command{Type: protocol.CmdNotePost, Actor: attendee("a1"), Data: &protocol.NotePost{NoteID: "n-p", Text: "x"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := notesRoom(t)
			r.do(postCmd(attendee("a1"), "note-a", "Mine"))
			r.reject(tc.cmd, protocol.CodeInvalid)
		})
	}
}

func TestRejectedCommandsNeverChangeState(t *testing.T) {
	// A busy café: round 2 running, notes posted, edited, hidden and deleted,
	// a broadcast, seats planned and moved.
	r := newRoom(t, protocol.CreateCafe{Tables: 3})
	r.seat(3, 9)
	r.do(control(protocol.CmdRoundStart))
	r.do(postCmd(attendee("a1"), "n1", "One"))
	r.do(postCmd(attendee("a2"), "n2", "Two"))
	r.do(postCmd(host("h1"), "n3", "Three"))
	r.do(editCmd(attendee("a1"), "n1", "One, edited"))
	r.do(refCmd(facilitator, protocol.CmdNoteHide, "n2"))
	r.do(refCmd(host("h1"), protocol.CmdNoteDelete, "n3"))
	r.do(broadcastCmd("Ten minutes left"))
	r.do(control(protocol.CmdRoundEnd))
	r.do(joinCmd("late", protocol.Join{Name: "Late"}))
	r.do(control(protocol.CmdRoundStart))
	r.clock.Advance(3 * time.Minute)
	r.do(control(protocol.CmdRoundPause))

	for _, tc := range []struct {
		name string
		cmd  cafe.Command
		code protocol.Code
	}{
		{"a second create", createCmd(protocol.CreateCafe{}), protocol.CodeConflict},
		{"a join with a taken id", joinCmd("a1", protocol.Join{}), protocol.CodeConflict},
		{"a join with a bad group", joinCmd("p9", protocol.Join{Group: "nobody"}), protocol.CodeInvalid},
		{"a post reusing another's id", postCmd(attendee("a3"), "n1", "Mine"), protocol.CodeConflict},
		{"a post reusing a deleted id", postCmd(host("h1"), "n3", "Three"), protocol.CodeConflict},
		{"an empty post", postCmd(attendee("a3"), "n9", ""), protocol.CodeInvalid},
		{"an overlong post", postCmd(attendee("a3"), "n9", strings.Repeat("x", 300)), protocol.CodeTooLarge},
		{"an edit of another's note", editCmd(attendee("a3"), "n1", "Mine"), protocol.CodeForbidden},
		{"a delete of another's note", refCmd(attendee("a3"), protocol.CmdNoteDelete, "n1"), protocol.CodeForbidden},
		{"a hide by an attendee", refCmd(attendee("a3"), protocol.CmdNoteHide, "n1"), protocol.CodeForbidden},
		{"a hide of a deleted note", refCmd(facilitator, protocol.CmdNoteHide, "n3"), protocol.CodeNotFound},
		{"a pause while paused", control(protocol.CmdRoundPause), protocol.CodeWrongPhase},
		{"a start while a round is on", control(protocol.CmdRoundStart), protocol.CodeWrongPhase},
		{"a harvest while a round is on", control(protocol.CmdHarvestStart), protocol.CodeWrongPhase},
		{"an extension by too much", extendCmd(1000), protocol.CodeInvalid},
		{"a broadcast by the wall", cafe.Command{Type: protocol.CmdBroadcast, Actor: wall, Data: protocol.Broadcast{Text: "x"}}, protocol.CodeForbidden},
		{"an overlong broadcast", broadcastCmd(strings.Repeat("b", 200)), protocol.CodeTooLarge},
		{"a timeup from a client", cafe.Command{Type: protocol.CmdTimeUp, Actor: facilitator}, protocol.CodeForbidden},
		{"a command from an unknown participant", postCmd(attendee("ghost"), "n9", "Boo"), protocol.CodeUnauthorized},
		{"an unknown command", cafe.Command{Type: "round.rewind", Actor: facilitator}, protocol.CodeUnknownType},
	} {
		t.Run(tc.name+" changes nothing", func(t *testing.T) {
			r.tb = t
			r.reject(tc.cmd, tc.code)
		})
	}
}

func TestApply(t *testing.T) {
	r := newRoom(t, protocol.CreateCafe{})
	r.seat(1, 2)
	r.do(control(protocol.CmdRoundStart))
	r.do(postCmd(attendee("a1"), "n1", "One"))
	seq := r.s.Seq

	for _, tc := range []struct {
		name string
		ev   protocol.Event
	}{
		{"an event that skips a seq is refused", protocol.Event{Seq: seq + 2, Type: protocol.EvRoundPaused, Data: json.RawMessage(`{"round":1,"remaining_ms":5}`)}},
		{"an event already applied is refused", protocol.Event{Seq: seq, Type: protocol.EvRoundPaused, Data: json.RawMessage(`{"round":1,"remaining_ms":5}`)}},
		{"an event of an unknown type is refused", protocol.Event{Seq: seq + 1, Type: "round.rewound", Data: json.RawMessage(`{}`)}},
		{"an event with broken data is refused", protocol.Event{Seq: seq + 1, Type: protocol.EvRoundPaused, Data: json.RawMessage(`{"round":`)}},
		{"an event with data of the wrong shape is refused", protocol.Event{Seq: seq + 1, Type: protocol.EvNotePosted, Data: json.RawMessage(`{"note_id":7}`)}},
		{"an edit of a note the café never had is refused", protocol.Event{Seq: seq + 1, Type: protocol.EvNoteEdited, Data: json.RawMessage(`{"note_id":"nx","text":"x"}`)}},
		{"a delete of a note the café never had is refused", protocol.Event{Seq: seq + 1, Type: protocol.EvNoteDeleted, Data: json.RawMessage(`{"note_id":"nx"}`)}},
	} {
		t.Run(tc.name+" and leaves the café unchanged", func(t *testing.T) {
			before := stateJSON(t, r.s)
			if err := cafe.Apply(r.s, tc.ev); err == nil {
				t.Fatalf("Apply accepted %s at seq %d", tc.ev.Type, tc.ev.Seq)
			}
			if after := stateJSON(t, r.s); !bytes.Equal(before, after) {
				t.Fatalf("a refused event changed the café:\nbefore %s\nafter  %s", before, after)
			}
		})
	}

	for _, tc := range []struct {
		typ    string
		change bool
	}{
		{protocol.EvCafeCreated, true}, {protocol.EvRoundStarted, true}, {protocol.EvRoundEnded, true},
		{protocol.EvHarvestStarted, true}, {protocol.EvCafeClosed, true},
		{protocol.EvParticipantJoined, false}, {protocol.EvRoundPaused, false}, {protocol.EvRoundTimeUp, false},
		{protocol.EvSeatingPlanned, false}, {protocol.EvNotePosted, false}, {protocol.EvBroadcastSet, false},
	} {
		t.Run(fmt.Sprintf("%s is a phase change: %v", tc.typ, tc.change), func(t *testing.T) {
			if got := cafe.PhaseChange(protocol.Event{Type: tc.typ}); got != tc.change {
				t.Errorf("PhaseChange = %v", got)
			}
		})
	}
}

func TestView(t *testing.T) {
	t.Run("people are listed in joining order and notes in posting order", func(t *testing.T) {
		r := notesRoom(t)
		for i := 9; i >= 1; i-- {
			r.do(postCmd(attendee(fmt.Sprintf("a%d", i%4+1)), fmt.Sprintf("n%d", i), fmt.Sprintf("Idea %d", i)))
		}
		v := r.s.View(protocol.RoleAttendee)
		var people, notes []string
		for _, p := range v.Participants {
			people = append(people, p.ID)
		}
		for _, n := range v.Notes {
			notes = append(notes, n.ID)
		}
		if want := []string{"h1", "h2", "a1", "a2", "a3", "a4"}; !slices.Equal(people, want) {
			t.Errorf("participants %v, want %v", people, want)
		}
		if want := []string{"n9", "n8", "n7", "n6", "n5", "n4", "n3", "n2", "n1"}; !slices.Equal(notes, want) {
			t.Errorf("notes %v, want %v", notes, want)
		}
		if v.Cafe != "cafe-1" || v.Phase != protocol.PhaseRound || v.Round != 1 || v.JoinCode != "KX7Q2M" {
			t.Errorf("view %+v", v)
		}
	})

	t.Run("a view taken earlier does not change when the café moves on", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 3})
		r.seat(3, 6)
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		v := r.s.View(protocol.RoleWall)
		before, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		r.do(joinCmd("late", protocol.Join{Name: "Late"}))
		r.do(broadcastCmd("Welcome, late comer"))
		after, _ := json.Marshal(v)
		if !bytes.Equal(before, after) {
			t.Errorf("the snapshot at seq %d changed after later events:\nthen %s\nnow  %s", r.s.Seq-2, before, after)
		}
	})
}

func TestPlanRound(t *testing.T) {
	// skewed builds a café whose people sit wherever tables says (0 for
	// outside any table), hosts first.
	skewed := func(tables int, hostTables, travellerTables []int) *cafe.State {
		s := cafe.New("plan")
		s.Tables = tables
		seq := uint64(1)
		for i, table := range hostTables {
			seq++
			id := fmt.Sprintf("h%d", i)
			s.Participants[id] = &cafe.Participant{ID: id, Role: protocol.RoleHost, Table: table, JoinSeq: seq}
		}
		for i, table := range travellerTables {
			seq++
			id := fmt.Sprintf("p%d", i)
			s.Participants[id] = &cafe.Participant{ID: id, Role: protocol.RoleAttendee, Table: table, JoinSeq: seq}
		}
		return s
	}

	t.Run("there is nothing to plan for round 1 or a café without tables", func(t *testing.T) {
		if got := cafe.PlanRound(skewed(3, []int{1}, []int{1, 2}), 1); got != nil {
			t.Errorf("round 1 plan %v", got)
		}
		if got := cafe.PlanRound(skewed(0, nil, []int{1}), 2); got != nil {
			t.Errorf("plan without tables %v", got)
		}
	})

	t.Run("travellers from one table spread to different tables while hosts stay", func(t *testing.T) {
		var hostTables, travellerTables []int
		for table := 1; table <= 5; table++ {
			hostTables = append(hostTables, table)
			for range 4 {
				travellerTables = append(travellerTables, table)
			}
		}
		s := skewed(5, hostTables, travellerTables)
		plan := cafe.PlanRound(s, 2)
		for table := 1; table <= 5; table++ {
			seen := map[int]bool{}
			for _, p := range s.People() {
				if p.Role == protocol.RoleHost || p.Table != table {
					continue
				}
				to := plan[p.ID]
				if to == table || seen[to] {
					t.Errorf("a traveller from table %d moves to %d (already seen: %v)", table, to, seen)
				}
				seen[to] = true
			}
		}
		checkPlan(t, s, plan)
	})

	t.Run("people at no table or a table that no longer exists are seated at a real table", func(t *testing.T) {
		s := skewed(3, []int{2}, []int{0, 7, -1, 3, 3})
		checkPlan(t, s, cafe.PlanRound(s, 2))
	})

	t.Run("everyone crowded at one table is spread out", func(t *testing.T) {
		s := skewed(6, []int{1, 4}, slices.Repeat([]int{1}, 30))
		checkPlan(t, s, cafe.PlanRound(s, 3))
	})

	t.Run("hosts stay and tables differ by at most one person in random cafés", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 11))
		for i := range 300 {
			tables := 1 + rng.IntN(25)
			var hostTables []int
			for _, i := range rng.Perm(tables)[:rng.IntN(tables+1)] {
				hostTables = append(hostTables, i+1)
			}
			travellers := make([]int, rng.IntN(120))
			for j := range travellers {
				travellers[j] = rng.IntN(tables + 2) // includes 0 and tables+1
			}
			s := skewed(tables, hostTables, travellers)
			round := 2 + rng.IntN(10)
			plan := cafe.PlanRound(s, round)
			if !checkPlan(t, s, plan) {
				t.Fatalf("case %d: %d tables, hosts at %v, travellers at %v, round %d", i, tables, hostTables, travellers, round)
			}
		}
	})

	t.Run("the plan is the same for the same café, on every node", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 7})
		r.seat(5, 40)
		first := cafe.PlanRound(r.s, 2)
		var restored cafe.State
		if err := json.Unmarshal(stateJSON(t, r.s), &restored); err != nil {
			t.Fatal(err)
		}
		for range 50 {
			if again := cafe.PlanRound(r.s, 2); !maps.Equal(first, again) {
				t.Fatalf("plans differ:\n%v\n%v", first, again)
			}
		}
		if again := cafe.PlanRound(&restored, 2); !maps.Equal(first, again) {
			t.Fatalf("a restored café plans differently:\n%v\n%v", first, again)
		}
		wantRebuilds(t, r.log, r.s)
		rebuilt := cafe.New(r.s.ID)
		for _, ev := range r.log {
			_ = cafe.Apply(rebuilt, ev)
		}
		if again := cafe.PlanRound(rebuilt, 2); !maps.Equal(first, again) {
			t.Fatalf("a rebuilt café plans differently")
		}
	})
}

// checkPlan reports whether plan seats everyone at a real table, keeps hosts
// at their tables and makes table sizes differ by at most one.
func checkPlan(t *testing.T, s *cafe.State, plan map[string]int) bool {
	t.Helper()
	ok := true
	if len(plan) != len(s.Participants) {
		t.Errorf("plan seats %d of %d people", len(plan), len(s.Participants))
		ok = false
	}
	count := make([]int, s.Tables+1)
	for id, p := range s.Participants {
		to, seated := plan[id]
		if !seated || to < 1 || to > s.Tables {
			t.Errorf("%s is planned at table %d of %d", id, to, s.Tables)
			ok = false
			continue
		}
		count[to]++
		if p.Role == protocol.RoleHost && to != p.Table {
			t.Errorf("host %s moves from table %d to %d", id, p.Table, to)
			ok = false
		}
	}
	if len(count) > 1 {
		sizes := count[1:]
		if len(s.Participants) < 2*s.Tables {
			// Too few people for two at every table: the planner leaves
			// tables empty rather than seat people alone.
			sizes = slices.DeleteFunc(slices.Clone(sizes), func(n int) bool { return n == 0 })
		}
		if lo, hi := slices.Min(sizes), slices.Max(sizes); hi-lo > 1 {
			t.Errorf("table sizes %v differ by %d", count[1:], hi-lo)
			ok = false
		}
	}
	return ok
}

// generator makes a seeded stream of commands, valid and not, that walks a
// café through its phases.
type generator struct {
	rng     *rand.Rand
	aux     *rand.Rand // for seat.assign
	people  []string   // ids it tried to join
	notes   []string   // ids it tried to post
	step    int
	steps   int
	created bool
	tables  int
	pending []cafe.Command // to send before drawing the next
}

var words = strings.Fields("govern internet policy open trust access rights data cooperation multistakeholder " +
	"capacity \u200b local global inclusive youth \t standards security\n privacy 👩\u200d💻 éthique")

func (g *generator) text() string {
	n := g.rng.IntN(12)
	if g.rng.IntN(80) == 0 {
		n = 400 // too long
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = words[g.rng.IntN(len(words))]
	}
	return strings.Join(parts, " ")
}

func (g *generator) name() string {
	if g.rng.IntN(40) == 0 {
		return strings.Repeat("long ", 10)
	}
	return words[g.rng.IntN(len(words))] + " " + words[g.rng.IntN(len(words))]
}

func (g *generator) person() cafe.Actor {
	if len(g.people) == 0 || g.rng.IntN(30) == 0 {
		return attendee("ghost")
	}
	id := g.people[g.rng.IntN(len(g.people))]
	if strings.HasPrefix(id, "h") {
		return host(id)
	}
	return attendee(id)
}

func (g *generator) noteID() string {
	if len(g.notes) == 0 || g.rng.IntN(10) == 0 {
		return fmt.Sprintf("x%d", g.rng.IntN(5))
	}
	return g.notes[g.rng.IntN(len(g.notes))]
}

// next returns the next command. It looks at the café only to spend its
// steps sensibly (people join mostly in the lobby, rounds last a while), so
// the stream stays a pure function of the seed.
func (g *generator) next(s *cafe.State) cafe.Command {
	g.step++
	if len(g.pending) > 0 {
		cmd := g.pending[0]
		g.pending = g.pending[1:]
		return cmd
	}
	if !g.created {
		g.created = true
		qs := make([]string, 2+g.rng.IntN(3))
		for i := range qs {
			qs[i] = fmt.Sprintf("Question %d?", i+1)
		}
		g.tables = 1 + g.rng.IntN(8)
		return createCmd(protocol.CreateCafe{
			Title: "Seeded café", Questions: qs, Tables: g.tables,
			RoundSeconds: 10 + g.rng.IntN(300), AutoAdvance: g.rng.IntN(2) == 0,
		})
	}
	roles := []protocol.Role{protocol.RoleHost, protocol.RoleAttendee, protocol.RoleWall}
	if (s.Phase == protocol.PhaseLobby || s.Phase == protocol.PhaseTownHall) && g.aux.IntN(12) == 0 {
		return g.seatAssign()
	}
	k := g.rng.IntN(1000)
	switch s.Phase {
	case protocol.PhaseLobby:
		if k < 10 {
			return control(protocol.CmdRoundStart)
		}
		if k < 700 {
			return g.join()
		}
	case protocol.PhaseTownHall:
		switch {
		case k < 20:
			return control(protocol.CmdRoundStart)
		case k < 25 && g.step > g.steps*9/10:
			return control(protocol.CmdHarvestStart)
		case k < 100:
			return g.join()
		}
	case protocol.PhaseRound:
		// Rounds share the steps, with time for a town hall after each.
		switch {
		case g.rng.IntN(g.steps/(s.Rounds()+1)) == 0:
			return control(protocol.CmdRoundEnd)
		case s.Timer.State == protocol.TimerRunning && k < 10:
			return control(protocol.CmdRoundPause)
		case s.Timer.State == protocol.TimerPaused && k < 30:
			return control(protocol.CmdRoundResume)
		case k < 5:
			return control(protocol.CmdRoundPause) // mostly wrong
		case k < 10:
			return control(protocol.CmdRoundResume) // mostly wrong
		case k < 20:
			return extendCmd(g.rng.IntN(4))
		case k < 60:
			return g.join()
		}
	}
	switch k = g.rng.IntN(100); {
	case k < 45:
		id := fmt.Sprintf("n%d", len(g.notes))
		if g.rng.IntN(6) == 0 {
			id = g.noteID()
		} else {
			g.notes = append(g.notes, id)
		}
		return postCmd(g.person(), id, g.text())
	case k < 55:
		id := g.noteID()
		return editCmd(g.author(s, id), id, g.text())
	case k < 60:
		id := g.noteID()
		return refCmd(g.author(s, id), protocol.CmdNoteDelete, id)
	case k < 68:
		if g.rng.IntN(2) == 0 {
			return refCmd(facilitator, protocol.CmdNoteHide, g.noteID())
		}
		// Unhide mostly a hidden note.
		id := g.noteID()
		for i := range len(g.notes) {
			if n, ok := s.Notes[g.notes[(i+len(id))%len(g.notes)]]; ok && n.Hidden {
				id = n.ID
				break
			}
		}
		return refCmd(facilitator, protocol.CmdNoteUnhide, id)
	case k < 85:
		return timeUpCmd()
	case k < 88:
		return broadcastCmd(g.text())
	default: // anyone but the facilitator trying anything
		typs := slices.Sorted(maps.Keys(protocol.ClientCommands))
		a := actorOf(roles[g.rng.IntN(len(roles))], g.person().ParticipantID)
		return commandFor(typs[g.rng.IntN(len(typs))], a)
	}
}

// author is mostly the author of note id, else anyone.
func (g *generator) author(s *cafe.State, id string) cafe.Actor {
	n, ok := s.Notes[id]
	if !ok || g.rng.IntN(3) == 0 {
		return g.person()
	}
	if p, ok := s.Participants[n.Author]; ok && p.Role == protocol.RoleHost {
		return host(n.Author)
	}
	return attendee(n.Author)
}

// seatAssign moves someone (now and then a stranger) to a table (now and
// then one that does not exist). It draws from aux only, so that the other
// commands stay the same stream they were before seat.assign existed.
func (g *generator) seatAssign() cafe.Command {
	id := "ghost"
	if len(g.people) > 0 && g.aux.IntN(30) != 0 {
		id = g.people[g.aux.IntN(len(g.people))]
	}
	table := g.aux.IntN(g.tables + 2) // 0 and tables+1 do not exist
	return cafe.Command{Type: protocol.CmdSeatAssign, Actor: facilitator, Data: protocol.SeatAssign{ParticipantID: id, Table: table}}
}

func (g *generator) join() cafe.Command {
	if len(g.people) > 400 {
		return timeUpCmd()
	}
	id := fmt.Sprintf("a%d", len(g.people))
	isHost := g.rng.IntN(8) == 0
	if isHost {
		id = fmt.Sprintf("h%d", len(g.people))
		g.pending = append(g.pending, roleCmd(id, protocol.RoleHost))
	}
	g.people = append(g.people, id)
	if g.rng.IntN(20) == 0 {
		id = g.people[g.rng.IntN(len(g.people))] // taken
	}
	groups := append([]string{"", "bogus"}, protocol.Groups...)
	return joinCmd(id, protocol.Join{
		Name: g.name(), Group: groups[g.rng.IntN(len(groups))],
		Anonymous: g.rng.IntN(4) == 0,
	})
}

func TestRebuildingFromTheLogEqualsTheLiveCafe(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 20250311} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			const steps = 5000
			g := &generator{rng: rand.New(rand.NewPCG(seed, 0x5eed)), aux: rand.New(rand.NewPCG(seed, 0x5ea7)), steps: steps}
			clk := &clock{now: t0}
			live := cafe.New("seeded")
			var restored *cafe.State // from a JSON snapshot half way
			var log []protocol.Event
			seen := map[string]int{}
			var beforeJSON []byte // live state's JSON, nil when stale
			for i := range steps {
				if i == steps/2 {
					restored = new(cafe.State)
					if err := json.Unmarshal(stateJSON(t, live), restored); err != nil {
						t.Fatalf("restoring the snapshot: %v", err)
					}
				}
				clk.Advance(time.Duration(g.rng.IntN(2_000)) * time.Millisecond)
				cmd := g.next(live)
				if i == steps-1 {
					cmd = control(protocol.CmdCafeClose)
				}
				checkUnchanged := i < 500 || i%10 == 0
				if checkUnchanged && beforeJSON == nil {
					beforeJSON = stateJSON(t, live)
				}
				d, err := decideSafely(t, live, cmd, clk.now)
				if restored != nil {
					rd, rerr := decideSafely(t, restored, cmd, clk.now)
					if protocol.ErrorCode(rerr) != protocol.ErrorCode(err) || !reflect.DeepEqual(rd, d) {
						t.Fatalf("step %d (%s): the restored café decides %v/%v, the live one %v/%v", i, cmd.Type, eventTypes(rd), rerr, eventTypes(d), err)
					}
				}
				if err != nil {
					var perr *protocol.Error
					if !errors.As(err, &perr) || perr.Code == "" {
						t.Fatalf("step %d (%s): error %v is not a *protocol.Error with a code", i, cmd.Type, err)
					}
					if checkUnchanged && !bytes.Equal(beforeJSON, stateJSON(t, live)) {
						t.Fatalf("step %d: rejected %s (%v) changed the state", i, cmd.Type, err)
					}
					seen["rejected "+string(perr.Code)]++
					continue
				}
				if d.Duplicate {
					seen["duplicate"]++
				}
				for _, ev := range d.Events {
					if ev.Seq != uint64(len(log))+1 {
						t.Fatalf("step %d: event %s has seq %d after %d events", i, ev.Type, ev.Seq, len(log))
					}
					if err := cafe.Apply(live, ev); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if restored != nil {
						if err := cafe.Apply(restored, ev); err != nil {
							t.Fatalf("step %d: restored: %v", i, err)
						}
					}
					log = append(log, ev)
					seen[ev.Type]++
					beforeJSON = nil
				}
			}
			wantRebuilds(t, log, live)
			if got, want := stateJSON(t, restored), stateJSON(t, live); !bytes.Equal(got, want) {
				t.Fatalf("the café restored from a snapshot drifted from the live one:\nrestored %s\nlive     %s", got, want)
			}
			if live.Phase != protocol.PhaseClosed {
				t.Errorf("the sequence ended in phase %q, want closed", live.Phase)
			}
			// The sequence must have walked the café through its life, or
			// this test proves little.
			for _, typ := range []string{
				protocol.EvParticipantJoined, protocol.EvRoundStarted, protocol.EvRoundPaused, protocol.EvRoundResumed,
				protocol.EvRoundExtended, protocol.EvRoundTimeUp, protocol.EvRoundEnded, protocol.EvSeatingPlanned,
				protocol.EvNotePosted, protocol.EvNoteEdited, protocol.EvNoteDeleted, protocol.EvNoteHidden,
				protocol.EvNoteUnhidden, protocol.EvBroadcastSet, protocol.EvSeatAssigned, "duplicate",
				"rejected forbidden", "rejected conflict", "rejected wrong_phase", "rejected invalid",
			} {
				if seen[typ] == 0 {
					t.Errorf("the sequence never produced %s; seen %v", typ, seen)
				}
			}
			t.Logf("%d events, %d participants, %d notes; %v", len(log), len(live.Participants), len(live.Notes), seen)
		})
	}
}

func theme(id string, question int) cafe.Command {
	return cafe.Command{Type: protocol.CmdThemeCreate, Actor: facilitator, Data: protocol.ThemeCreate{ThemeID: id, Name: "Theme " + id, Question: question}}
}

func openVote(id string, live bool) cafe.Command {
	return cafe.Command{Type: protocol.CmdVoteOpen, Actor: facilitator, Data: protocol.VoteOpen{VoteID: id, On: protocol.VoteOnNotes, Dots: 3, Live: live}}
}

// seatCmd is the facilitator's seat.assign.
func seatCmd(id string, table int) cafe.Command {
	return cafe.Command{Type: protocol.CmdSeatAssign, Actor: facilitator, Data: protocol.SeatAssign{ParticipantID: id, Table: table}}
}

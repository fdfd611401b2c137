// Package storetest is the conformance suite every store.Store must pass
// (store/bolt today; a Redis store must pass it too). It checks the
// contract in store/store.go claim by claim, plus the choices the contract
// leaves open, which are fixed here so that the server can rely on them
// whichever store it runs on:
//
//   - Appending no events succeeds and writes nothing.
//   - An append to a café with no log is refused with store.ErrConflict
//     unless it starts at seq 1 (the log's last seq is then 0).
//   - A snapshot of a café with no log is store.ErrNotFound; one at seq 0 or
//     past the log's end is store.ErrConflict. Of two snapshots the one with
//     the higher seq is the newest, whatever order they were saved in.
//   - Cafes may list cafés in any order.
//   - A second Close returns store.ErrClosed.
//   - Every method checks ctx before doing anything, so a done ctx returns
//     ctx.Err() (wrapped is fine) and writes nothing.
//
// Event data is compared as JSON values, so a store may re-encode it (for
// instance compact it), and a nil Data may come back as JSON null.
//
// The package is imported only by tests.
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// Run runs the suite. open must return a new, empty store for each call; the
// suite closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s store.Store)
	}{
		{"a new store lists no cafés", testEmpty},
		{"appending seq 1 creates the log with a non-zero epoch", testCreate},
		{"appends that continue the log are kept in order under one epoch", testContinue},
		{"appends that do not continue the log are refused and write nothing", testConflicts},
		{"appending no events succeeds and writes nothing", testAppendNothing},
		{"load returns the newest snapshot and only the events after it", testLoadSnapshot},
		{"load reports the last seq with and without a snapshot", testLastSeq},
		{"the snapshot with the higher seq wins", testNewerSnapshotWins},
		{"a snapshot of an unknown café or of events that do not exist is refused", testSnapshotRefused},
		{"events pages through the log by seq", testEventsPaging},
		{"events keeps every event after a snapshot", testEventsAfterSnapshot},
		{"load and events of an unknown café are not found", testUnknownCafe},
		{"cafes lists every café with a log", testCafes},
		{"wakes lists exactly the cafés whose last append left a timer running", testWakes},
		{"a join code resolves to its café and cannot be taken twice", testCodes},
		{"a grant round-trips under its token hash and cannot be put twice", testGrants},
		{"concurrent appends to different cafés all succeed", testConcurrentCafes},
		{"concurrent appends racing on one café let exactly one win each seq", testRace},
		{"every method after close returns closed", testClosed},
		{"a done context stops every method before it does anything", testContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.test(t, mustOpen(t, open))
		})
	}
}

// RunDurable checks that everything a store acknowledged survives Close and a
// new open of the same dir. open must return a store kept in dir (empty the
// first time); the suite closes what it opens.
func RunDurable(t *testing.T, open func(t *testing.T, dir string) store.Store) {
	ctx := t.Context()
	dir := t.TempDir()

	reopen := func(t *testing.T) store.Store { return open(t, dir) }
	s := mustOpen(t, reopen)
	MustAppend(t, s, "cafe-a", Notes(1, 10))
	MustAppend(t, s, "cafe-a", Notes(11, 5))
	if err := s.SaveSnapshot(ctx, "cafe-a", 12, []byte("state@12")); err != nil {
		t.Fatalf("SaveSnapshot: %v", err)
	}
	MustAppend(t, s, "cafe-b", Notes(1, 3))
	if err := s.ReserveCode(ctx, "QX7-42K", "cafe-a"); err != nil {
		t.Fatalf("ReserveCode: %v", err)
	}
	wake := time.UnixMilli(1_760_000_123_456)
	if err := s.Append(ctx, "cafe-c", Notes(1, 1), wake); err != nil {
		t.Fatalf("Append with a wake: %v", err)
	}
	grant := store.Grant{Cafe: "cafe-a", Role: protocol.RoleAttendee, ParticipantID: "p-1"}
	if err := s.PutGrant(ctx, "hash-1", grant); err != nil {
		t.Fatalf("PutGrant: %v", err)
	}
	before := MustLoad(t, s, "cafe-a")
	beforeB := MustLoad(t, s, "cafe-b")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = mustOpen(t, reopen)
	after := MustLoad(t, s, "cafe-a")
	if after.Epoch != before.Epoch {
		t.Errorf("epoch changed across reopen: %d, was %d", after.Epoch, before.Epoch)
	}
	if after.SnapshotSeq != 12 || string(after.Snapshot) != "state@12" {
		t.Errorf("snapshot after reopen = seq %d %q, want seq 12 %q", after.SnapshotSeq, after.Snapshot, "state@12")
	}
	if after.LastSeq != 15 {
		t.Errorf("LastSeq after reopen = %d, want 15", after.LastSeq)
	}
	SameEvents(t, after.Tail, Notes(13, 3))
	SameEvents(t, MustEvents(t, s, "cafe-a", 0, 100), Notes(1, 15))
	if b := MustLoad(t, s, "cafe-b"); b.Epoch != beforeB.Epoch || b.LastSeq != 3 {
		t.Errorf("cafe-b after reopen = epoch %d last %d, want epoch %d last 3", b.Epoch, b.LastSeq, beforeB.Epoch)
	}
	sameCafes(t, s, "cafe-a", "cafe-b", "cafe-c")
	sameWakes(t, s, map[string]time.Time{"cafe-c": wake})
	if c, err := s.CafeByCode(ctx, "QX7-42K"); err != nil || c != "cafe-a" {
		t.Errorf("CafeByCode after reopen = %q, %v; want cafe-a", c, err)
	}
	if err := s.ReserveCode(ctx, "QX7-42K", "cafe-b"); !errors.Is(err, store.ErrConflict) {
		t.Errorf("ReserveCode of a code taken before reopen = %v, want ErrConflict", err)
	}
	if g, err := s.Grant(ctx, "hash-1"); err != nil || g != grant {
		t.Errorf("Grant after reopen = %+v, %v; want %+v", g, err, grant)
	}
	// The log continues where it ended, under the same epoch.
	if err := s.Append(ctx, "cafe-a", Notes(15, 1), time.Time{}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("Append of seq 15 again after reopen = %v, want ErrConflict", err)
	}
	MustAppend(t, s, "cafe-a", Notes(16, 1))
	if e := MustLoad(t, s, "cafe-a").Epoch; e != before.Epoch {
		t.Errorf("epoch after appending past reopen = %d, want %d", e, before.Epoch)
	}
}

func testEmpty(t *testing.T, s store.Store) {
	sameCafes(t, s)
}

func testCreate(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", []protocol.Event{created(1)})
	rec := MustLoad(t, s, "cafe-a")
	if rec.Epoch == 0 {
		t.Error("Epoch is 0, want a drawn non-zero epoch")
	}
	if rec.SnapshotSeq != 0 || rec.Snapshot != nil {
		t.Errorf("snapshot = seq %d %q, want none", rec.SnapshotSeq, rec.Snapshot)
	}
	if rec.LastSeq != 1 {
		t.Errorf("LastSeq = %d, want 1", rec.LastSeq)
	}
	SameEvents(t, rec.Tail, []protocol.Event{created(1)})
}

func testContinue(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", []protocol.Event{created(1)})
	epoch := MustLoad(t, s, "cafe-a").Epoch
	MustAppend(t, s, "cafe-a", Notes(2, 1))
	MustAppend(t, s, "cafe-a", Notes(3, 4))
	MustAppend(t, s, "cafe-a", Notes(7, 1))
	rec := MustLoad(t, s, "cafe-a")
	if rec.Epoch != epoch {
		t.Errorf("epoch changed from %d to %d by later appends", epoch, rec.Epoch)
	}
	SameEvents(t, rec.Tail, append([]protocol.Event{created(1)}, Notes(2, 6)...))
}

func testConflicts(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 3))
	tests := []struct {
		name   string
		cafe   string
		events []protocol.Event
	}{
		{"a gap after the last seq", "cafe-a", Notes(5, 1)},
		{"an overlap with the last seq", "cafe-a", Notes(3, 2)},
		{"a rewrite from seq 1", "cafe-a", Notes(1, 4)},
		{"seq 0", "cafe-a", Notes(0, 2)},
		{"seqs that skip inside the append", "cafe-a", []protocol.Event{Note(4), Note(6)}},
		{"seqs that repeat inside the append", "cafe-a", []protocol.Event{Note(4), Note(4)}},
		{"a new café starting at seq 2", "cafe-new", Notes(2, 3)},
		{"a new café starting at seq 0", "cafe-new", Notes(0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Append(t.Context(), tt.cafe, tt.events, time.Time{})
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("Append = %v, want ErrConflict", err)
			}
			SameEvents(t, MustEvents(t, s, "cafe-a", 0, 100), Notes(1, 3))
			if _, err := s.Load(t.Context(), "cafe-new"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Load of the café a refused append named = %v, want ErrNotFound", err)
			}
			sameCafes(t, s, "cafe-a")
		})
	}
}

func testAppendNothing(t *testing.T, s store.Store) {
	if err := s.Append(t.Context(), "cafe-a", nil, time.Time{}); err != nil {
		t.Fatalf("Append(nil) to an unknown café = %v, want nil", err)
	}
	sameCafes(t, s)
	MustAppend(t, s, "cafe-a", Notes(1, 2))
	if err := s.Append(t.Context(), "cafe-a", []protocol.Event{}, time.Time{}); err != nil {
		t.Fatalf("Append(empty) = %v, want nil", err)
	}
	SameEvents(t, MustEvents(t, s, "cafe-a", 0, 100), Notes(1, 2))
}

func testLoadSnapshot(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 10))
	state := []byte(`{"phase":"round","notes":["Ideen für alle — 🌍"]}`)
	if err := s.SaveSnapshot(t.Context(), "cafe-a", 6, state); err != nil {
		t.Fatalf("SaveSnapshot: %v", err)
	}
	want := string(state)
	state[0] = 'X' // the store must have kept its own copy
	rec := MustLoad(t, s, "cafe-a")
	if rec.SnapshotSeq != 6 {
		t.Errorf("SnapshotSeq = %d, want 6", rec.SnapshotSeq)
	}
	if string(rec.Snapshot) != want {
		t.Errorf("Snapshot = %q, want %q", rec.Snapshot, want)
	}
	if rec.LastSeq != 10 {
		t.Errorf("LastSeq = %d, want 10", rec.LastSeq)
	}
	SameEvents(t, rec.Tail, Notes(7, 4))
}

func testLastSeq(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 4))
	if rec := MustLoad(t, s, "cafe-a"); rec.LastSeq != 4 || len(rec.Tail) != 4 {
		t.Errorf("without snapshot: LastSeq %d, %d tail events; want 4, 4", rec.LastSeq, len(rec.Tail))
	}
	if err := s.SaveSnapshot(t.Context(), "cafe-a", 4, []byte("s4")); err != nil {
		t.Fatalf("SaveSnapshot: %v", err)
	}
	if rec := MustLoad(t, s, "cafe-a"); rec.LastSeq != 4 || len(rec.Tail) != 0 || rec.SnapshotSeq != 4 {
		t.Errorf("with snapshot at the end: LastSeq %d, SnapshotSeq %d, %d tail events; want 4, 4, 0",
			rec.LastSeq, rec.SnapshotSeq, len(rec.Tail))
	}
	MustAppend(t, s, "cafe-a", Notes(5, 2))
	if rec := MustLoad(t, s, "cafe-a"); rec.LastSeq != 6 || len(rec.Tail) != 2 {
		t.Errorf("after appending past the snapshot: LastSeq %d, %d tail events; want 6, 2", rec.LastSeq, len(rec.Tail))
	}
}

func testNewerSnapshotWins(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 10))
	steps := []struct {
		seq      uint64
		wantSeq  uint64
		wantSnap string
	}{
		{3, 3, "s3"},
		{6, 6, "s6"},
		{9, 9, "s9"},
		{4, 9, "s9"}, // older than the newest: kept or dropped, never loaded
		{9, 9, "s9"}, // the same seq again replaces it
	}
	for _, st := range steps {
		if err := s.SaveSnapshot(t.Context(), "cafe-a", st.seq, fmt.Appendf(nil, "s%d", st.seq)); err != nil {
			t.Fatalf("SaveSnapshot(%d): %v", st.seq, err)
		}
		rec := MustLoad(t, s, "cafe-a")
		if rec.SnapshotSeq != st.wantSeq || string(rec.Snapshot) != st.wantSnap {
			t.Errorf("after saving seq %d: snapshot seq %d %q, want seq %d %q",
				st.seq, rec.SnapshotSeq, rec.Snapshot, st.wantSeq, st.wantSnap)
		}
		SameEvents(t, rec.Tail, Notes(st.wantSeq+1, 10-st.wantSeq))
	}
}

func testSnapshotRefused(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 3))
	tests := []struct {
		name string
		cafe string
		seq  uint64
		want error
	}{
		{"an unknown café", "cafe-x", 1, store.ErrNotFound},
		{"seq 0", "cafe-a", 0, store.ErrConflict},
		{"a seq past the log's end", "cafe-a", 4, store.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.SaveSnapshot(t.Context(), tt.cafe, tt.seq, []byte("s"))
			if !errors.Is(err, tt.want) {
				t.Errorf("SaveSnapshot = %v, want %v", err, tt.want)
			}
			if rec := MustLoad(t, s, "cafe-a"); rec.SnapshotSeq != 0 || rec.Snapshot != nil {
				t.Errorf("a refused snapshot was kept: seq %d %q", rec.SnapshotSeq, rec.Snapshot)
			}
			sameCafes(t, s, "cafe-a")
		})
	}
}

func testEventsPaging(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 25))
	tests := []struct {
		after uint64
		limit int
		want  []protocol.Event
	}{
		{0, 10, Notes(1, 10)},
		{10, 10, Notes(11, 10)},
		{20, 10, Notes(21, 5)},
		{25, 10, nil},
		{99, 10, nil},
		{0, 1000, Notes(1, 25)},
		{7, 1, Notes(8, 1)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("after %d limit %d", tt.after, tt.limit), func(t *testing.T) {
			SameEvents(t, MustEvents(t, s, "cafe-a", tt.after, tt.limit), tt.want)
		})
	}
}

func testEventsAfterSnapshot(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 8))
	for _, seq := range []uint64{2, 4, 6, 8} {
		if err := s.SaveSnapshot(t.Context(), "cafe-a", seq, []byte("s")); err != nil {
			t.Fatalf("SaveSnapshot(%d): %v", seq, err)
		}
	}
	SameEvents(t, MustEvents(t, s, "cafe-a", 0, 100), Notes(1, 8))
}

func testUnknownCafe(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 1))
	if _, err := s.Load(t.Context(), "cafe-x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Load = %v, want ErrNotFound", err)
	}
	if _, err := s.Events(t.Context(), "cafe-x", 0, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Events = %v, want ErrNotFound", err)
	}
	// Reserving a code does not give a café a log.
	if err := s.ReserveCode(t.Context(), "ABC-123", "cafe-y"); err != nil {
		t.Fatalf("ReserveCode: %v", err)
	}
	if _, err := s.Load(t.Context(), "cafe-y"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Load of a café with a code but no log = %v, want ErrNotFound", err)
	}
	sameCafes(t, s, "cafe-a")
}

func testCafes(t *testing.T, s store.Store) {
	want := []string{"cafe-a", "cafe-b", "7f9c2ba4-e88f-4a3b-9c1d-5b2e7c1f0a11", "codes", "grants"}
	for _, c := range want {
		MustAppend(t, s, c, Notes(1, 2))
	}
	if err := s.ReserveCode(t.Context(), "ABC-123", "cafe-z"); err != nil {
		t.Fatalf("ReserveCode: %v", err)
	}
	sameCafes(t, s, want...)
}

func testWakes(t *testing.T, s store.Store) {
	ctx := t.Context()
	sameWakes(t, s, map[string]time.Time{})
	w1, w2 := time.UnixMilli(1_760_000_060_000), time.UnixMilli(1_760_000_090_000)
	for _, c := range []string{"cafe-a", "cafe-b"} {
		if err := s.Append(ctx, c, Notes(1, 1), w1); err != nil {
			t.Fatalf("Append(%s) with a wake: %v", c, err)
		}
	}
	MustAppend(t, s, "cafe-c", Notes(1, 1))
	sameWakes(t, s, map[string]time.Time{"cafe-a": w1, "cafe-b": w1})

	// A later append moves the wake (an extended round) or clears it.
	if err := s.Append(ctx, "cafe-a", Notes(2, 1), w2); err != nil {
		t.Fatalf("Append moving the wake: %v", err)
	}
	MustAppend(t, s, "cafe-b", Notes(2, 1))
	sameWakes(t, s, map[string]time.Time{"cafe-a": w2})

	// A refused append changes no wake.
	if err := s.Append(ctx, "cafe-a", Notes(9, 1), time.Time{}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Append of a gap = %v, want ErrConflict", err)
	}
	if err := s.Append(ctx, "cafe-c", Notes(5, 1), w1); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Append of a gap = %v, want ErrConflict", err)
	}
	sameWakes(t, s, map[string]time.Time{"cafe-a": w2})
}

func sameWakes(tb testing.TB, s store.Store, want map[string]time.Time) {
	tb.Helper()
	got, err := s.Wakes(context.Background())
	if err != nil {
		tb.Fatalf("Wakes: %v", err)
	}
	if len(got) != len(want) {
		tb.Errorf("Wakes = %v, want %v", got, want)
		return
	}
	for c, w := range want {
		if !got[c].Equal(w) {
			tb.Errorf("Wakes[%s] = %v, want %v", c, got[c], w)
		}
	}
}

func testCodes(t *testing.T, s store.Store) {
	ctx := t.Context()
	if err := s.ReserveCode(ctx, "ABC-123", "cafe-a"); err != nil {
		t.Fatalf("ReserveCode: %v", err)
	}
	if err := s.ReserveCode(ctx, "XYZ-789", "cafe-b"); err != nil {
		t.Fatalf("ReserveCode: %v", err)
	}
	for _, again := range []string{"cafe-b", "cafe-a"} {
		if err := s.ReserveCode(ctx, "ABC-123", again); !errors.Is(err, store.ErrConflict) {
			t.Errorf("ReserveCode of a taken code for %s = %v, want ErrConflict", again, err)
		}
	}
	for code, want := range map[string]string{"ABC-123": "cafe-a", "XYZ-789": "cafe-b"} {
		if got, err := s.CafeByCode(ctx, code); err != nil || got != want {
			t.Errorf("CafeByCode(%s) = %q, %v; want %q", code, got, err, want)
		}
	}
	for _, code := range []string{"NOP-000", "abc-123"} {
		if _, err := s.CafeByCode(ctx, code); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CafeByCode(%s) = %v, want ErrNotFound", code, err)
		}
	}
}

func testGrants(t *testing.T, s store.Store) {
	ctx := t.Context()
	grants := map[string]store.Grant{
		"h-fac":  {Cafe: "cafe-a", Role: protocol.RoleFacilitator},
		"h-host": {Cafe: "cafe-a", Role: protocol.RoleHost, ParticipantID: "p-host"},
		"h-att":  {Cafe: "cafe-b", Role: protocol.RoleAttendee, ParticipantID: "p-7"},
		"h-wall": {Cafe: "cafe-b", Role: protocol.RoleWall},
	}
	for h, g := range grants {
		if err := s.PutGrant(ctx, h, g); err != nil {
			t.Fatalf("PutGrant(%s): %v", h, err)
		}
	}
	if err := s.PutGrant(ctx, "h-att", store.Grant{Cafe: "cafe-b", Role: protocol.RoleFacilitator}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("PutGrant of an existing hash = %v, want ErrConflict", err)
	}
	for h, want := range grants {
		if got, err := s.Grant(ctx, h); err != nil || got != want {
			t.Errorf("Grant(%s) = %+v, %v; want %+v", h, got, err, want)
		}
	}
	if _, err := s.Grant(ctx, "h-unknown"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Grant of an unknown hash = %v, want ErrNotFound", err)
	}
}

func testConcurrentCafes(t *testing.T, s store.Store) {
	const cafes, appends, perAppend = 20, 10, 3
	var wg sync.WaitGroup
	for c := range cafes {
		wg.Go(func() {
			cafe := fmt.Sprintf("cafe-%02d", c)
			for a := range uint64(appends) {
				if err := s.Append(t.Context(), cafe, Notes(a*perAppend+1, perAppend), time.Time{}); err != nil {
					t.Errorf("Append to %s: %v", cafe, err)
					return
				}
			}
		})
	}
	wg.Wait()
	var names []string
	for c := range cafes {
		cafe := fmt.Sprintf("cafe-%02d", c)
		names = append(names, cafe)
		rec := MustLoad(t, s, cafe)
		if rec.Epoch == 0 || rec.LastSeq != appends*perAppend {
			t.Errorf("%s: epoch %d, LastSeq %d; want non-zero, %d", cafe, rec.Epoch, rec.LastSeq, appends*perAppend)
		}
		SameEvents(t, rec.Tail, Notes(1, appends*perAppend))
	}
	sameCafes(t, s, names...)
}

func testRace(t *testing.T, s store.Store) {
	// Every writer tries every seq in turn. A writer reaches seq k only after
	// its own try at k-1 was accepted or refused, so the log holds at least
	// k-1 events then, and a refusal at k means someone else wrote k.
	const writers, seqs = 8, 30
	var (
		mu   sync.Mutex
		wins = make(map[uint64][]int)
		wg   sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			for seq := uint64(1); seq <= seqs; seq++ {
				err := s.Append(t.Context(), "cafe-a", []protocol.Event{writerEvent(seq, w)}, time.Time{})
				switch {
				case err == nil:
					mu.Lock()
					wins[seq] = append(wins[seq], w)
					mu.Unlock()
				case !errors.Is(err, store.ErrConflict):
					t.Errorf("writer %d seq %d: %v, want nil or ErrConflict", w, seq, err)
					return
				}
			}
		})
	}
	wg.Wait()
	want := make([]protocol.Event, 0, seqs)
	for seq := uint64(1); seq <= seqs; seq++ {
		if len(wins[seq]) != 1 {
			t.Errorf("seq %d won by writers %v, want exactly one", seq, wins[seq])
			continue
		}
		want = append(want, writerEvent(seq, wins[seq][0]))
	}
	SameEvents(t, MustLoad(t, s, "cafe-a").Tail, want)
}

func testClosed(t *testing.T, s store.Store) {
	ctx := t.Context()
	MustAppend(t, s, "cafe-a", Notes(1, 2))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"Append", func() error { return s.Append(ctx, "cafe-a", Notes(3, 1), time.Time{}) }},
		{"Load", func() error { _, err := s.Load(ctx, "cafe-a"); return err }},
		{"Events", func() error { _, err := s.Events(ctx, "cafe-a", 0, 10); return err }},
		{"SaveSnapshot", func() error { return s.SaveSnapshot(ctx, "cafe-a", 2, []byte("s")) }},
		{"Cafes", func() error { _, err := s.Cafes(ctx); return err }},
		{"Wakes", func() error { _, err := s.Wakes(ctx); return err }},
		{"ReserveCode", func() error { return s.ReserveCode(ctx, "ABC-123", "cafe-a") }},
		{"CafeByCode", func() error { _, err := s.CafeByCode(ctx, "ABC-123"); return err }},
		{"PutGrant", func() error { return s.PutGrant(ctx, "h", store.Grant{Cafe: "cafe-a", Role: protocol.RoleWall}) }},
		{"Grant", func() error { _, err := s.Grant(ctx, "h"); return err }},
		{"Close", s.Close},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", c.name, err)
		}
	}
}

func testContext(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 2))
	if err := s.ReserveCode(t.Context(), "ABC-123", "cafe-a"); err != nil {
		t.Fatalf("ReserveCode: %v", err)
	}
	if err := s.PutGrant(t.Context(), "h", store.Grant{Cafe: "cafe-a", Role: protocol.RoleWall}); err != nil {
		t.Fatalf("PutGrant: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := []struct {
		name string
		call func() error
	}{
		{"Append", func() error { return s.Append(ctx, "cafe-a", Notes(3, 1), time.Time{}) }},
		{"Append creating a café", func() error { return s.Append(ctx, "cafe-b", Notes(1, 1), time.Time{}) }},
		{"Load", func() error { _, err := s.Load(ctx, "cafe-a"); return err }},
		{"Events", func() error { _, err := s.Events(ctx, "cafe-a", 0, 10); return err }},
		{"SaveSnapshot", func() error { return s.SaveSnapshot(ctx, "cafe-a", 2, []byte("s")) }},
		{"Cafes", func() error { _, err := s.Cafes(ctx); return err }},
		{"Wakes", func() error { _, err := s.Wakes(ctx); return err }},
		{"ReserveCode", func() error { return s.ReserveCode(ctx, "XYZ-789", "cafe-a") }},
		{"CafeByCode", func() error { _, err := s.CafeByCode(ctx, "ABC-123"); return err }},
		{"PutGrant", func() error { return s.PutGrant(ctx, "h2", store.Grant{Cafe: "cafe-a", Role: protocol.RoleWall}) }},
		{"Grant", func() error { _, err := s.Grant(ctx, "h"); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context = %v, want context.Canceled", c.name, err)
		}
	}
	// Nothing the cancelled calls asked for was written.
	rec := MustLoad(t, s, "cafe-a")
	if rec.LastSeq != 2 || rec.SnapshotSeq != 0 {
		t.Errorf("after cancelled writes: LastSeq %d, SnapshotSeq %d; want 2, 0", rec.LastSeq, rec.SnapshotSeq)
	}
	sameCafes(t, s, "cafe-a")
	if _, err := s.CafeByCode(t.Context(), "XYZ-789"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("code reserved with a cancelled context: CafeByCode = %v, want ErrNotFound", err)
	}
	if _, err := s.Grant(t.Context(), "h2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("grant put with a cancelled context: Grant = %v, want ErrNotFound", err)
	}
}

// mustOpen opens a store and closes it when the test ends; a store the test
// closed itself may answer the second Close with ErrClosed.
func mustOpen(t *testing.T, open func(t *testing.T) store.Store) store.Store {
	t.Helper()
	s := open(t)
	if s == nil {
		t.Fatal("open returned a nil store")
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// Note is a note.posted event at seq with data that depends on seq, so a
// misplaced event cannot pass for the right one.
func Note(seq uint64) protocol.Event {
	return event(seq, protocol.EvNotePosted, protocol.NotePosted{
		NoteID:   fmt.Sprintf("n-%d", seq),
		Author:   "p-1",
		Round:    1,
		Question: 0,
		Table:    int(seq%5) + 1,
		Text:     fmt.Sprintf("Idea %d: governments should convene, not control — «ouvert» ✓", seq),
	})
}

// Notes is n note events with seqs from, from+1, …
func Notes(from, n uint64) []protocol.Event {
	events := make([]protocol.Event, 0, n)
	for i := range n {
		events = append(events, Note(from+i))
	}
	return events
}

func created(seq uint64) protocol.Event {
	return event(seq, protocol.EvCafeCreated, protocol.CafeCreated{
		Cafe:         "cafe-a",
		Title:        "Internet governance café",
		Questions:    []string{"What is the role of governments in the multistakeholder model of the Internet?"},
		Tables:       10,
		Seats:        5,
		RoundSeconds: 1200,
		JoinCode:     "ABC-123",
	})
}

func writerEvent(seq uint64, writer int) protocol.Event {
	return event(seq, protocol.EvBroadcastSet, map[string]any{"text": fmt.Sprintf("writer %d", writer)})
}

func event(seq uint64, typ string, data any) protocol.Event {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(err) // only ever called with plain structs
	}
	return protocol.Event{Seq: seq, At: 1_760_000_000_000 + int64(seq)*1000, Type: typ, Data: raw}
}

// MustAppend appends or fails the test.
func MustAppend(tb testing.TB, s store.Store, cafe string, events []protocol.Event) {
	tb.Helper()
	if err := s.Append(context.Background(), cafe, events, time.Time{}); err != nil {
		tb.Fatalf("Append(%s): %v", cafe, err)
	}
}

// MustLoad loads or fails the test.
func MustLoad(tb testing.TB, s store.Store, cafe string) store.Recovery {
	tb.Helper()
	rec, err := s.Load(context.Background(), cafe)
	if err != nil {
		tb.Fatalf("Load(%s): %v", cafe, err)
	}
	return rec
}

// MustEvents reads events or fails the test.
func MustEvents(tb testing.TB, s store.Store, cafe string, after uint64, limit int) []protocol.Event {
	tb.Helper()
	events, err := s.Events(context.Background(), cafe, after, limit)
	if err != nil {
		tb.Fatalf("Events(%s, %d, %d): %v", cafe, after, limit, err)
	}
	return events
}

// SameEvents reports every way got differs from want; Data is compared as
// JSON values.
func SameEvents(tb testing.TB, got, want []protocol.Event) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("got %d events (seqs %v), want %d (seqs %v)", len(got), seqsOf(got), len(want), seqsOf(want))
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || g.At != w.At || g.Type != w.Type || !sameJSON(g.Data, w.Data) {
			tb.Errorf("event %d = {%d %d %s %s}, want {%d %d %s %s}", i, g.Seq, g.At, g.Type, g.Data, w.Seq, w.At, w.Type, w.Data)
		}
	}
}

func sameJSON(a, b json.RawMessage) bool {
	va, errA := decodeJSON(a)
	vb, errB := decodeJSON(b)
	if errA != nil || errB != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(va, vb)
}

func decodeJSON(raw json.RawMessage) (any, error) {
	if raw == nil {
		return nil, nil // a store may hand back nil Data as JSON null
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // keep large integers exact
	var v any
	err := d.Decode(&v)
	return v, err
}

func seqsOf(events []protocol.Event) []uint64 {
	seqs := make([]uint64, len(events))
	for i, e := range events {
		seqs[i] = e.Seq
	}
	return seqs
}

func sameCafes(tb testing.TB, s store.Store, want ...string) {
	tb.Helper()
	got, err := s.Cafes(context.Background())
	if err != nil {
		tb.Fatalf("Cafes: %v", err)
	}
	got = slices.Clone(got)
	want = slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		tb.Errorf("Cafes = %q, want %q", got, want)
	}
}

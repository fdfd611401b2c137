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
	"errors"
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

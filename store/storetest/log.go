package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// The log: appends, loads, snapshots, paging, the cafés and their wakes.

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

package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "worldcafe.db"), Config{})
	})
}

func TestDurable(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T, dir string) store.Store {
		return mustOpen(t, filepath.Join(dir, "worldcafe.db"), Config{})
	})
}

func TestOpenFailsClearlyWhileTheFileIsInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "worldcafe.db")
	s := mustOpen(t, path, Config{})
	defer s.Close()

	tests := []struct {
		name string
		cfg  Config
		wait time.Duration
	}{
		{"a second writer with the default timeout", Config{}, DefaultTimeout},
		{"a second writer with a short timeout", Config{Timeout: 300 * time.Millisecond}, 300 * time.Millisecond},
		{"a reader (export) while the server runs", Config{ReadOnly: true, Timeout: 300 * time.Millisecond}, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			s2, err := Open(path, tt.cfg)
			took := time.Since(start)
			if err == nil {
				s2.Close()
				t.Fatal("second Open succeeded, want ErrInUse")
			}
			if !errors.Is(err, ErrInUse) {
				t.Errorf("Open = %v, want ErrInUse", err)
			}
			if !strings.Contains(err.Error(), "data file is in use by another worldcafe process") {
				t.Errorf("error %q does not say the file is in use", err)
			}
			// bbolt retries every 50ms and gives up up to 50ms before the
			// timeout.
			if took < tt.wait-100*time.Millisecond || took > tt.wait+2*time.Second {
				t.Errorf("Open gave up after %s, want about %s", took, tt.wait)
			}
		})
	}
	// The failed opens did not disturb the first store.
	storetest.MustAppend(t, s, "cafe-a", storetest.Notes(1, 1))
}

func TestReadOnlyOpenReadsWhatTheWriterLeft(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "worldcafe.db")
	w := mustOpen(t, path, Config{})
	storetest.MustAppend(t, w, "cafe-a", storetest.Notes(1, 5))
	if err := w.SaveSnapshot(ctx, "cafe-a", 3, []byte("s3")); err != nil {
		t.Fatal(err)
	}
	if err := w.ReserveCode(ctx, "ABC-123", "cafe-a"); err != nil {
		t.Fatal(err)
	}
	grant := store.Grant{Cafe: "cafe-a", Role: protocol.RoleFacilitator}
	if err := w.PutGrant(ctx, "h", grant); err != nil {
		t.Fatal(err)
	}
	epoch := storetest.MustLoad(t, w, "cafe-a").Epoch
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	r := mustOpen(t, path, Config{ReadOnly: true})
	// Two exports at once share the lock.
	r2 := mustOpen(t, path, Config{ReadOnly: true})
	for _, s := range []*Store{r, r2} {
		rec := storetest.MustLoad(t, s, "cafe-a")
		if rec.Epoch != epoch || rec.SnapshotSeq != 3 || string(rec.Snapshot) != "s3" || rec.LastSeq != 5 {
			t.Errorf("read-only Load = epoch %d snapshot %d %q last %d; want %d, 3 s3, 5",
				rec.Epoch, rec.SnapshotSeq, rec.Snapshot, rec.LastSeq, epoch)
		}
		storetest.SameEvents(t, rec.Tail, storetest.Notes(4, 2))
		storetest.SameEvents(t, storetest.MustEvents(t, s, "cafe-a", 0, 10), storetest.Notes(1, 5))
		if cafes, err := s.Cafes(ctx); err != nil || len(cafes) != 1 || cafes[0] != "cafe-a" {
			t.Errorf("read-only Cafes = %q, %v", cafes, err)
		}
		if c, err := s.CafeByCode(ctx, "ABC-123"); err != nil || c != "cafe-a" {
			t.Errorf("read-only CafeByCode = %q, %v", c, err)
		}
		if g, err := s.Grant(ctx, "h"); err != nil || g != grant {
			t.Errorf("read-only Grant = %+v, %v", g, err)
		}
	}

	writes := map[string]error{
		"Append":       r.Append(ctx, "cafe-a", storetest.Notes(6, 1), time.Time{}),
		"SaveSnapshot": r.SaveSnapshot(ctx, "cafe-a", 5, []byte("s5")),
		"ReserveCode":  r.ReserveCode(ctx, "XYZ-789", "cafe-a"),
		"PutGrant":     r.PutGrant(ctx, "h2", grant),
	}
	for name, err := range writes {
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("read-only %s = %v, want ErrReadOnly", name, err)
		}
	}

	// A server cannot start while an export reads the file.
	if s, err := Open(path, Config{Timeout: 100 * time.Millisecond}); !errors.Is(err, ErrInUse) {
		if s != nil {
			s.Close()
		}
		t.Errorf("writable Open during a read-only one = %v, want ErrInUse", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("read-only Close: %v", err)
	}
	if err := r.Close(); !errors.Is(err, store.ErrClosed) {
		t.Errorf("second read-only Close = %v, want ErrClosed", err)
	}
	if _, err := r.Load(ctx, "cafe-a"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("read-only Load after Close = %v, want ErrClosed", err)
	}
}

func TestReadOnlyOpenOfAMissingFileFailsAndCreatesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "worldcafe.db")
	s, err := Open(path, Config{ReadOnly: true})
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded")
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open = %v, want a not-exist error", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only Open created %s (stat: %v)", filepath.Dir(path), err)
	}
}

func TestOpenCreatesTheDataDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "worldcafe.db")
	s := mustOpen(t, path, Config{})
	storetest.MustAppend(t, s, "cafe-a", storetest.Notes(1, 1))
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// TestBatchValidatesEachRequestAlone drives commit directly with a batch
// that the committer could form under load, so every rule is checked
// deterministically rather than left to scheduling.
func TestBatchValidatesEachRequestAlone(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "worldcafe.db"), Config{})
	storetest.MustAppend(t, s, "cafe-a", storetest.Notes(1, 2))
	boom := errors.New("boom")
	batch := []struct {
		name string
		op   func(tx *bbolt.Tx) error
		want error
	}{
		{"a continuing append", appendOp("cafe-a", 3, encode(t, storetest.Notes(3, 2)), time.Time{}), nil},
		{"an append continuing the one before it in the batch", appendOp("cafe-a", 5, encode(t, storetest.Notes(5, 1)), time.Time{}), nil},
		{"an append overlapping the one before it in the batch", appendOp("cafe-a", 5, encode(t, storetest.Notes(5, 1)), time.Time{}), store.ErrConflict},
		{"a new café not starting at 1", appendOp("cafe-b", 2, encode(t, storetest.Notes(2, 1)), time.Time{}), store.ErrConflict},
		{"a new café", appendOp("cafe-b", 1, encode(t, storetest.Notes(1, 1)), time.Time{}), nil},
		{"a write that fails after writing", func(tx *bbolt.Tx) error {
			if err := tx.Bucket(bucketCodes).Put([]byte("LEAK-1"), []byte("cafe-a")); err != nil {
				return err
			}
			return boom
		}, boom},
		{"a code", putNewOp(bucketCodes, []byte("ABC-123"), []byte("cafe-b")), nil},
		{"the same code again", putNewOp(bucketCodes, []byte("ABC-123"), []byte("cafe-a")), store.ErrConflict},
		{"a later request that reads the log", func(tx *bbolt.Tx) error {
			if last := lastSeq(cafeBucket(tx, "cafe-a").Bucket(bucketLog)); last != 5 {
				t.Errorf("a later request sees the log end at %d, want 5", last)
			}
			return nil
		}, nil},
	}
	reqs := make([]*request, len(batch))
	for i, b := range batch {
		reqs[i] = &request{op: b.op, reply: make(chan error, 1)}
	}
	commits := s.commits.Load()
	s.commit(reqs)
	for i, b := range batch {
		if err := <-reqs[i].reply; !errors.Is(err, b.want) || (b.want == nil && err != nil) {
			t.Errorf("%s: %v, want %v", b.name, err, b.want)
		}
	}
	if n := s.commits.Load() - commits; n != 1 {
		t.Errorf("the batch took %d commits, want 1", n)
	}
	storetest.SameEvents(t, storetest.MustEvents(t, s, "cafe-a", 0, 100), storetest.Notes(1, 5))
	storetest.SameEvents(t, storetest.MustEvents(t, s, "cafe-b", 0, 100), storetest.Notes(1, 1))
	if c, err := s.CafeByCode(t.Context(), "ABC-123"); err != nil || c != "cafe-b" {
		t.Errorf("CafeByCode(ABC-123) = %q, %v; want cafe-b", c, err)
	}
	if _, err := s.CafeByCode(t.Context(), "LEAK-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the failed request's write was kept: CafeByCode(LEAK-1) = %v", err)
	}
}

func TestAppendWaitingBehindACommitHonoursItsContext(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "worldcafe.db"), Config{})
	storetest.MustAppend(t, s, "cafe-a", storetest.Notes(1, 1))
	release := holdCommitter(t, s)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err := s.Append(ctx, "cafe-a", storetest.Notes(2, 1), time.Time{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Append behind a stuck commit = %v, want DeadlineExceeded", err)
	}
	release()
	storetest.MustAppend(t, s, "cafe-a", storetest.Notes(2, 1))
	storetest.SameEvents(t, storetest.MustLoad(t, s, "cafe-a").Tail, storetest.Notes(1, 2))
}

func TestCloseAnswersWaitingAppendsWithClosed(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "worldcafe.db"), Config{})
	release := holdCommitter(t, s)

	waiting := make(chan error, 1)
	go func() { waiting <- s.Append(context.Background(), "cafe-a", storetest.Notes(1, 1), time.Time{}) }()
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()

	if err := <-waiting; !errors.Is(err, store.ErrClosed) {
		t.Errorf("waiting Append = %v, want ErrClosed", err)
	}
	// Close is seen waiting for the committer, so it has not returned and
	// cannot until the held commit ends.
	waitUntilBlocked(t, 1, "bolt.(*Store).Close(", "chan receive")
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a commit was still running", err)
	default:
	}
	release()
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestWaitingAppendsShareOneCommit(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "worldcafe.db"), Config{})
	release := holdCommitter(t, s)
	commits := s.commits.Load()
	const appends = 10
	var wg sync.WaitGroup
	for i := range appends {
		wg.Go(func() { storetest.MustAppend(t, s, cafeName(i), storetest.Notes(1, 1)) })
	}
	// Every append is seen waiting to hand its request to the busy
	// committer, so all of them are there when it looks for the next batch.
	waitUntilBlocked(t, appends, "bolt.(*Store).write(", "select")
	release()
	wg.Wait()
	// One commit is the held one; every append was waiting when it ended,
	// so the next commit takes them all. Without group commit the appends
	// would add one each.
	if n := s.commits.Load() - commits; n != 2 {
		t.Errorf("%d waiting appends took %d commits, want 2: the held one and one for them all", appends, n)
	}
}

// TestCloseDuringTrafficKeepsEveryAcknowledgedAppend closes the store under
// load and checks, after reopening, that each append either was refused with
// ErrClosed or is in the log, and that the log has no gap.
func TestCloseDuringTrafficKeepsEveryAcknowledgedAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "worldcafe.db")
	s := mustOpen(t, path, Config{})
	const writers = 16
	acked := make([]uint64, writers)
	// underLoad is closed once the writers have had appends acknowledged:
	// Close must come in the middle of traffic, not before it starts.
	var ackCount atomic.Int64
	underLoad := make(chan struct{})
	var loaded sync.Once
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			cafe := cafeName(w)
			for seq := uint64(1); ; seq++ {
				err := s.Append(context.Background(), cafe, storetest.Notes(seq, 1), time.Time{})
				if errors.Is(err, store.ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("%s seq %d: %v", cafe, seq, err)
					return
				}
				acked[w] = seq
				if ackCount.Add(1) == 4*writers {
					loaded.Do(func() { close(underLoad) })
				}
			}
		})
	}
	select {
	case <-underLoad:
	case <-time.After(30 * time.Second):
		t.Fatalf("only %d appends acknowledged in 30 s", ackCount.Load())
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	if slices.Max(acked) == 0 {
		t.Fatal("no append was acknowledged before Close; the test proves nothing")
	}

	s = mustOpen(t, path, Config{})
	for w := range writers {
		if acked[w] == 0 {
			continue
		}
		rec := storetest.MustLoad(t, s, cafeName(w))
		if rec.LastSeq != acked[w] {
			t.Errorf("%s: log ends at %d, last acknowledged %d", cafeName(w), rec.LastSeq, acked[w])
		}
		storetest.SameEvents(t, rec.Tail, storetest.Notes(1, acked[w]))
	}
}

// waitUntilBlocked waits until n goroutines are blocked in state (as the
// runtime names it: "select", "chan receive") inside the function whose
// frame starts with fn. A goroutine parked inside the store is the marker
// that it got as far as the test needs, without guessing a duration.
func waitUntilBlocked(t *testing.T, n int, fn, state string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	buf := make([]byte, 1<<20)
	for {
		for {
			m := runtime.Stack(buf, true)
			if m < len(buf) {
				buf = buf[:m]
				break
			}
			buf = make([]byte, 2*len(buf))
		}
		got := 0
		for _, g := range strings.Split(string(buf), "\n\n") {
			header, frames, _ := strings.Cut(g, "\n")
			if (strings.Contains(header, "["+state+"]") || strings.Contains(header, "["+state+",")) && strings.Contains(frames, fn) {
				got++
			}
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines blocked (%s) in %s after 30 s, want %d", got, state, fn, n)
		}
		time.Sleep(time.Millisecond) // poll interval, not a barrier: the loop checks the condition
		buf = buf[:cap(buf)]
	}
}

// holdCommitter makes the committer busy inside a commit until release is
// called, the way a slow fsync would.
func holdCommitter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, unblock := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.write(context.Background(), func(*bbolt.Tx) error {
			close(started)
			<-unblock
			return nil
		})
	}()
	<-started
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(unblock)
			if err := <-done; err != nil {
				t.Errorf("held commit: %v", err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

func mustOpen(tb testing.TB, path string, cfg Config) *Store {
	tb.Helper()
	s, err := Open(path, cfg)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func encode(tb testing.TB, events []protocol.Event) [][]byte {
	tb.Helper()
	vals := make([][]byte, len(events))
	for i, e := range events {
		v, err := json.Marshal(e)
		if err != nil {
			tb.Fatal(err)
		}
		vals[i] = v
	}
	return vals
}

func cafeName(i int) string {
	return fmt.Sprintf("cafe-%02d", i)
}

func BenchmarkAppendSingle(b *testing.B) {
	s := mustOpen(b, filepath.Join(b.TempDir(), "worldcafe.db"), Config{})
	ctx := b.Context()
	e := storetest.Note(1)
	var seq uint64
	for b.Loop() {
		seq++
		e.Seq = seq
		if err := s.Append(ctx, "cafe-a", []protocol.Event{e}, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(seq)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAppendConcurrent has many cafés append one event at a time, as the
// server's per-café runners do. Without group commit events/s would stay at
// BenchmarkAppendSingle's; events/commit shows how many appends shared an
// fsync.
func BenchmarkAppendConcurrent(b *testing.B) {
	s := mustOpen(b, filepath.Join(b.TempDir(), "worldcafe.db"), Config{})
	ctx := b.Context()
	// Runners spend their time waiting on the disk, not the CPU, so there
	// are more of them than cores.
	b.SetParallelism(16)
	var cafes, events atomic.Uint64
	commits := s.commits.Load()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		cafe := cafeName(int(cafes.Add(1)))
		e := storetest.Note(1)
		var seq uint64
		for pb.Next() {
			seq++
			e.Seq = seq
			if err := s.Append(ctx, cafe, []protocol.Event{e}, time.Time{}); err != nil {
				b.Error(err)
				return
			}
		}
		events.Add(seq)
	})
	b.StopTimer()
	b.ReportMetric(float64(events.Load())/b.Elapsed().Seconds(), "events/s")
	if n := s.commits.Load() - commits; n > 0 {
		b.ReportMetric(float64(events.Load())/float64(n), "events/commit")
	}
}

// BenchmarkLoad100k reads a café of 100,000 notes: the way recovery does
// (snapshot plus a 1,000-event tail) and the whole log (what a resync from
// seq 0 or an export costs).
func BenchmarkLoad100k(b *testing.B) {
	const total, chunk, snapAt = 100_000, 1_000, 99_000
	s := mustOpen(b, filepath.Join(b.TempDir(), "worldcafe.db"), Config{})
	ctx := b.Context()
	for from := uint64(1); from <= total; from += chunk {
		storetest.MustAppend(b, s, "cafe-a", storetest.Notes(from, chunk))
	}
	if err := s.SaveSnapshot(ctx, "cafe-a", snapAt, make([]byte, 256<<10)); err != nil {
		b.Fatal(err)
	}

	b.Run("recovery from a snapshot", func(b *testing.B) {
		for b.Loop() {
			rec, err := s.Load(ctx, "cafe-a")
			if err != nil {
				b.Fatal(err)
			}
			if rec.SnapshotSeq != snapAt || len(rec.Tail) != total-snapAt {
				b.Fatalf("loaded snapshot %d and %d events", rec.SnapshotSeq, len(rec.Tail))
			}
		}
	})
	b.Run("the whole log", func(b *testing.B) {
		n := 0
		for b.Loop() {
			events, err := s.Events(ctx, "cafe-a", 0, total)
			if err != nil {
				b.Fatal(err)
			}
			if len(events) != total {
				b.Fatalf("read %d events", len(events))
			}
			n += len(events)
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
}

package redis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/redis/redistest"
	"github.com/worldcafe/worldcafe/store/storetest"
)

const longLease = time.Minute // outlives any test: it lapses only when a test makes it

func TestAStaleOwnerIsRefusedAfterAnotherTookTheLease(t *testing.T) {
	ctx := t.Context()
	srv := redistest.StartServer(t)
	nodeA, nodeB := mustOpen(t, Config{URL: srv.URL}), mustOpen(t, Config{URL: srv.URL})

	tokA := mustAcquire(t, nodeA, "cafe-a", "node-a", longLease)
	if err := nodeA.AppendFenced(ctx, "cafe-a", storetest.Notes(1, 3), time.Time{}, tokA); err != nil {
		t.Fatalf("owner's fenced append: %v", err)
	}
	if _, err := nodeB.AcquireLease(ctx, "cafe-a", "node-b", longLease); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("AcquireLease while node-a holds it = %v, want ErrConflict", err)
	}

	// node-a's last renewal is a short one, then it stalls past it; node-b
	// takes the café over. (Shortening by renewal keeps the refusal above
	// free of timing: the lease was long while node-b asked.)
	if err := nodeA.RenewLease(ctx, "cafe-a", tokA, 50*time.Millisecond); err != nil {
		t.Fatalf("owner's renewal: %v", err)
	}
	waitLeaseGone(t, nodeB, "cafe-a")
	tokB := mustAcquire(t, nodeB, "cafe-a", "node-b", longLease)
	if tokB <= tokA {
		t.Fatalf("the new token %d is not greater than the old %d", tokB, tokA)
	}
	wake := time.UnixMilli(1_760_000_600_000)
	if err := nodeB.AppendFenced(ctx, "cafe-a", storetest.Notes(4, 2), wake, tokB); err != nil {
		t.Fatalf("new owner's fenced append: %v", err)
	}

	// node-a wakes up: every write under its old token is refused, even
	// one whose seq fits the log exactly.
	for _, tt := range []struct {
		name string
		call func() error
	}{
		{"an append whose seq fits", func() error {
			return nodeA.AppendFenced(ctx, "cafe-a", storetest.Notes(6, 1), time.Time{}, tokA)
		}},
		{"an append of a seq the new owner wrote", func() error {
			return nodeA.AppendFenced(ctx, "cafe-a", storetest.Notes(4, 1), time.Time{}, tokA)
		}},
		{"a renewal", func() error { return nodeA.RenewLease(ctx, "cafe-a", tokA, longLease) }},
		{"a release", func() error { return nodeA.ReleaseLease(ctx, "cafe-a", tokA) }},
	} {
		if err := tt.call(); !errors.Is(err, store.ErrFenced) {
			t.Errorf("old owner's %s = %v, want ErrFenced", tt.name, err)
		}
	}
	storetest.SameEvents(t, storetest.MustEvents(t, nodeB, "cafe-a", 0, 100), storetest.Notes(1, 5))
	if node, tok, err := nodeA.LeaseHolder(ctx, "cafe-a"); err != nil || node != "node-b" || tok != tokB {
		t.Errorf("LeaseHolder = %q %d %v, want node-b %d", node, tok, err, tokB)
	}
	// The refused appends did not touch the wake the new owner left.
	wakes, err := nodeA.Wakes(ctx)
	if err != nil || len(wakes) != 1 || !wakes["cafe-a"].Equal(wake) {
		t.Errorf("Wakes = %v, %v; want cafe-a at %v", wakes, err, wake)
	}
	if err := nodeB.RenewLease(ctx, "cafe-a", tokB, longLease); err != nil {
		t.Errorf("new owner's renewal: %v", err)
	}
}

func TestLeaseHandover(t *testing.T) {
	ctx := t.Context()
	srv := redistest.StartServer(t)
	s := mustOpen(t, Config{URL: srv.URL})

	t.Run("a released lease is free at once and its token is dead", func(t *testing.T) {
		tok := mustAcquire(t, s, "cafe-r", "node-a", longLease)
		if err := s.ReleaseLease(ctx, "cafe-r", tok); err != nil {
			t.Fatalf("ReleaseLease: %v", err)
		}
		if _, _, err := s.LeaseHolder(ctx, "cafe-r"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LeaseHolder after release = %v, want ErrNotFound", err)
		}
		if err := s.AppendFenced(ctx, "cafe-r", storetest.Notes(1, 1), time.Time{}, tok); !errors.Is(err, store.ErrFenced) {
			t.Errorf("append under a released token = %v, want ErrFenced", err)
		}
		if tok2 := mustAcquire(t, s, "cafe-r", "node-b", longLease); tok2 <= tok {
			t.Errorf("token after release %d, want more than %d", tok2, tok)
		}
	})
	t.Run("the same node taking its lease again fences its earlier token", func(t *testing.T) {
		tok1 := mustAcquire(t, s, "cafe-s", "node-a", longLease)
		tok2 := mustAcquire(t, s, "cafe-s", "node-a", longLease)
		if tok2 <= tok1 {
			t.Fatalf("second token %d, want more than %d", tok2, tok1)
		}
		if err := s.AppendFenced(ctx, "cafe-s", storetest.Notes(1, 1), time.Time{}, tok1); !errors.Is(err, store.ErrFenced) {
			t.Errorf("append under the earlier token = %v, want ErrFenced", err)
		}
		if err := s.AppendFenced(ctx, "cafe-s", storetest.Notes(1, 1), time.Time{}, tok2); err != nil {
			t.Errorf("append under the new token: %v", err)
		}
	})
	t.Run("a fenced append without any lease is refused and creates nothing", func(t *testing.T) {
		for _, tok := range []uint64{0, 1, 99} {
			if err := s.AppendFenced(ctx, "cafe-none", storetest.Notes(1, 1), time.Time{}, tok); !errors.Is(err, store.ErrFenced) {
				t.Errorf("AppendFenced(token %d) = %v, want ErrFenced", tok, err)
			}
		}
		if _, err := s.Load(ctx, "cafe-none"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Load after refused appends = %v, want ErrNotFound", err)
		}
	})
	t.Run("a fenced append still checks the seq", func(t *testing.T) {
		tok := mustAcquire(t, s, "cafe-q", "node-a", longLease)
		if err := s.AppendFenced(ctx, "cafe-q", storetest.Notes(2, 1), time.Time{}, tok); !errors.Is(err, store.ErrConflict) {
			t.Errorf("fenced append of a gap = %v, want ErrConflict", err)
		}
	})
	t.Run("lease lengths under a millisecond are refused", func(t *testing.T) {
		if _, err := s.AcquireLease(ctx, "cafe-t", "node-a", time.Microsecond); err == nil {
			t.Error("AcquireLease with 1µs succeeded")
		}
	})
}

func TestExactlyOneNodeWinsARaceForTheLease(t *testing.T) {
	srv := redistest.StartServer(t)
	const nodes = 8
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		winner []string
	)
	for n := range nodes {
		s := mustOpen(t, Config{URL: srv.URL})
		node := fmt.Sprintf("node-%d", n)
		wg.Go(func() {
			_, err := s.AcquireLease(t.Context(), "cafe-a", node, longLease)
			switch {
			case err == nil:
				mu.Lock()
				winner = append(winner, node)
				mu.Unlock()
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("%s: %v, want nil or ErrConflict", node, err)
			}
		})
	}
	wg.Wait()
	if len(winner) != 1 {
		t.Fatalf("winners %v, want exactly one", winner)
	}
}

func TestFencingTokensKeepGrowingAcrossARedisCrash(t *testing.T) {
	srv := redistest.StartServer(t)
	s := mustOpen(t, Config{URL: srv.URL})
	before := mustAcquire(t, s, "cafe-a", "node-a", longLease)
	srv.Kill9(t)
	srv.Restart(t)
	// The lease itself survives with its expiry (the file keeps absolute
	// times), so the node that held it still holds it.
	if node, tok, err := s.LeaseHolder(t.Context(), "cafe-a"); err != nil || node != "node-a" || tok != before {
		t.Errorf("LeaseHolder after the crash = %q %d %v, want node-a %d", node, tok, err, before)
	}
	if err := s.ReleaseLease(t.Context(), "cafe-a", before); err != nil {
		t.Fatalf("ReleaseLease: %v", err)
	}
	if after := mustAcquire(t, s, "cafe-a", "node-b", longLease); after <= before {
		t.Errorf("token after the crash %d, want more than %d", after, before)
	}
}

func TestAnUnfencedAppendIgnoresLeases(t *testing.T) {
	// Plain Append is for one node and for tools; fencing is the caller's
	// choice, made by calling AppendFenced.
	srv := redistest.StartServer(t)
	s := mustOpen(t, Config{URL: srv.URL})
	mustAcquire(t, s, "cafe-a", "node-a", longLease)
	if err := s.Append(t.Context(), "cafe-a", []protocol.Event{storetest.Note(1)}, time.Time{}); err != nil {
		t.Errorf("Append while a lease is held: %v", err)
	}
}

func mustAcquire(tb testing.TB, s *Store, cafe, node string, ttl time.Duration) uint64 {
	tb.Helper()
	tok, err := s.AcquireLease(context.Background(), cafe, node, ttl)
	if err != nil {
		tb.Fatalf("AcquireLease(%s, %s): %v", cafe, node, err)
	}
	if tok == 0 {
		tb.Fatalf("AcquireLease(%s, %s) gave token 0", cafe, node)
	}
	return tok
}

// waitLeaseGone waits for Redis to expire a short lease: the clock here is
// Redis's own, so the test watches for the lapse rather than sleeping.
func waitLeaseGone(tb testing.TB, s *Store, cafe string) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		_, _, err := s.LeaseHolder(context.Background(), cafe)
		if errors.Is(err, store.ErrNotFound) {
			return
		}
		if err != nil {
			tb.Fatalf("LeaseHolder: %v", err)
		}
		if time.Now().After(deadline) {
			tb.Fatal("the lease did not lapse within 10s")
		}
	}
}

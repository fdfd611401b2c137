package redis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/redis/redistest"
	"github.com/worldcafe/worldcafe/store/storetest"
)

// TestConformance runs the shared suite on one redis-server; each subtest
// gets a prefix of its own, which is exactly how several deployments share a
// server, so the suite also checks that prefixes keep them apart.
func TestConformance(t *testing.T) {
	srv := redistest.StartServer(t)
	var mu sync.Mutex
	n := 0
	storetest.Run(t, func(t *testing.T) store.Store {
		mu.Lock()
		n++
		prefix := fmt.Sprintf("wc%d:", n)
		mu.Unlock()
		return mustOpen(t, Config{URL: srv.URL, Prefix: prefix})
	})
}

// TestDurable runs the durability suite with the server killed by SIGKILL
// and restarted on the same append-only file between the two opens: what
// the first store acknowledged must come back from the file alone.
func TestDurable(t *testing.T) {
	servers := map[string]*redistest.Server{}
	storetest.RunDurable(t, func(t *testing.T, dir string) store.Store {
		srv, ok := servers[dir]
		if !ok {
			srv = redistest.StartServer(t)
			servers[dir] = srv
		} else {
			srv.Kill9(t)
			srv.Restart(t)
		}
		return mustOpen(t, Config{URL: srv.URL})
	})
}

func TestOpenRefusesABadURLWithoutQuotingIt(t *testing.T) {
	_, err := Open(t.Context(), Config{URL: "http://admin:s3cret@example.invalid:6379"})
	if err == nil {
		t.Fatal("Open of an http URL succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open error %q quotes the password", err)
	}
}

func mustOpen(tb testing.TB, cfg Config) *Store {
	tb.Helper()
	s, err := Open(context.Background(), cfg)
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

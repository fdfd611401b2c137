package redis

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/redis/redistest"
	"github.com/worldcafe/worldcafe/store/storetest"
)

func TestAppendsWaitForTheConfiguredReplicas(t *testing.T) {
	primary := redistest.StartServer(t)
	replica := redistest.StartReplica(t, primary)

	// Generous: on a busy machine the replica's first acknowledgement can
	// take a while; the promise tested is that the ack waits for it.
	s := mustOpen(t, Config{URL: primary.URL, Replicas: 1, ReplicaTimeout: 10 * time.Second})
	storetest.MustAppend(t, s, "cafe-a", storetest.Notes(1, 3))
	// Acknowledged with Replicas: 1 means the replica had it, so reading the
	// replica straight after cannot miss it.
	onReplica := mustOpen(t, Config{URL: replica.URL})
	storetest.SameEvents(t, storetest.MustEvents(t, onReplica, "cafe-a", 0, 10), storetest.Notes(1, 3))

	t.Run("more replicas than exist: an error, though the primary has it", func(t *testing.T) {
		s := mustOpen(t, Config{URL: primary.URL, Replicas: 2, ReplicaTimeout: 100 * time.Millisecond})
		err := s.Append(t.Context(), "cafe-a", storetest.Notes(4, 1), time.Time{})
		if err == nil || !strings.Contains(err.Error(), "1 of 2 replicas") {
			t.Fatalf("Append = %v, want an error naming 1 of 2 replicas", err)
		}
		if got := storetest.MustLoad(t, s, "cafe-a").LastSeq; got != 4 {
			t.Errorf("the primary's log ends at %d, want 4", got)
		}
	})
	t.Run("a refused append does not wait", func(t *testing.T) {
		s := mustOpen(t, Config{URL: primary.URL, Replicas: 2, ReplicaTimeout: time.Minute})
		start := time.Now()
		err := s.Append(t.Context(), "cafe-a", storetest.Notes(9, 1), time.Time{})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("Append of a gap = %v, want ErrConflict", err)
		}
		if took := time.Since(start); took > 30*time.Second {
			t.Errorf("the refusal took %s: it waited for replicas", took)
		}
	})
}

package redis

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/store/redis/redistest"
	"github.com/worldcafe/worldcafe/store/storetest"
)

// TestKillNineKeepsEveryAcknowledgedAppend kills redis-server with SIGKILL
// while writers append as fast as acks come back, starts it again on the
// same append-only file, and checks that every acknowledged append is there
// (appendfsync always: on disk before the reply), that at most the one
// unacknowledged append in flight per writer is there too, and that the
// store the writers used recovers by itself, without being reopened.
func TestKillNineKeepsEveryAcknowledgedAppend(t *testing.T) {
	const writers, killAfter = 4, 400
	srv := redistest.StartServer(t)
	s := mustOpen(t, Config{URL: srv.URL})

	var (
		total  atomic.Int64
		acked  [writers]atomic.Uint64
		wg     sync.WaitGroup
		killed = make(chan struct{})
		enough = make(chan struct{})
		once   sync.Once
	)
	for w := range writers {
		wg.Go(func() {
			cafe := fmt.Sprintf("cafe-%d", w)
			for seq := uint64(1); ; seq++ {
				if err := s.Append(t.Context(), cafe, storetest.Notes(seq, 1), time.Time{}); err != nil {
					select {
					case <-killed:
						return // the server is gone: this append was never acknowledged
					default:
						t.Errorf("%s seq %d before the kill: %v", cafe, seq, err)
						return
					}
				}
				acked[w].Store(seq)
				if total.Add(1) >= killAfter {
					once.Do(func() { close(enough) })
				}
			}
		})
	}
	<-enough
	close(killed) // before the kill, so no writer mistakes its error for a failure
	srv.Kill9(t)
	wg.Wait()
	srv.Restart(t)

	fresh := mustOpen(t, Config{URL: srv.URL})
	for w := range writers {
		cafe := fmt.Sprintf("cafe-%d", w)
		ack := acked[w].Load()
		rec := storetest.MustLoad(t, fresh, cafe)
		if rec.LastSeq != ack && rec.LastSeq != ack+1 {
			t.Errorf("%s: log ends at seq %d after the crash, %d were acknowledged (want %d or %d)",
				cafe, rec.LastSeq, ack, ack, ack+1)
		}
		storetest.SameEvents(t, rec.Tail, storetest.Notes(1, rec.LastSeq))
		// The writers' own store reconnects: its next append continues the log.
		storetest.MustAppend(t, s, cafe, storetest.Notes(rec.LastSeq+1, 1))
		if got := storetest.MustLoad(t, fresh, cafe).LastSeq; got != rec.LastSeq+1 {
			t.Errorf("%s: after the store's own append past the restart the log ends at %d, want %d", cafe, got, rec.LastSeq+1)
		}
	}
	t.Logf("acknowledged before the kill: %d appends over %d cafés", total.Load(), writers)
}

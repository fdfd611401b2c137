package redis

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
	"github.com/worldcafe/worldcafe/store/redis/redistest"
	"github.com/worldcafe/worldcafe/store/storetest"
)

// BenchmarkAppend compares appends of one note, each acknowledged only when
// durable, on the embedded bolt file and on Redis (the same disk, AOF with
// appendfsync always; and everysec, which acknowledges before the fsync),
// by one writer and by 16 cafés at once as the server's runners append.
// It reports events/s and the latency of each append (p50, p99).
//
//	go test -run '^$' -bench BenchmarkAppend -benchtime 2s ./store/redis/
func BenchmarkAppend(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) store.Store
	}{
		{"bolt", func(b *testing.B) store.Store {
			s, err := bolt.Open(filepath.Join(b.TempDir(), "worldcafe.db"), bolt.Config{})
			if err != nil {
				b.Fatalf("bolt.Open: %v", err)
			}
			b.Cleanup(func() { _ = s.Close() })
			return s
		}},
		{"redis-always", func(b *testing.B) store.Store {
			return mustOpen(b, Config{URL: redistest.StartServer(b).URL})
		}},
		{"redis-everysec", func(b *testing.B) store.Store {
			s := mustOpen(b, Config{URL: redistest.StartServer(b).URL})
			if err := s.rdb.ConfigSet(b.Context(), "appendfsync", "everysec").Err(); err != nil {
				b.Fatalf("CONFIG SET appendfsync everysec: %v", err)
			}
			return s
		}},
	}
	for _, st := range stores {
		for _, writers := range []int{1, 16} {
			b.Run(fmt.Sprintf("store=%s/writers=%d", st.name, writers), func(b *testing.B) {
				benchAppend(b, st.open(b), writers)
			})
		}
	}
}

func benchAppend(b *testing.B, s store.Store, writers int) {
	ctx := b.Context()
	var (
		next    atomic.Int64 // appends handed out, so all writers share b.N
		cafes   atomic.Int64
		mu      sync.Mutex
		latency []time.Duration
		wg      sync.WaitGroup
	)
	n := int64(b.N)
	b.ResetTimer()
	for range writers {
		wg.Go(func() {
			cafe := fmt.Sprintf("bench-%d", cafes.Add(1))
			e := storetest.Note(1)
			var mine []time.Duration
			for seq := uint64(1); next.Add(1) <= n; seq++ {
				e.Seq = seq
				start := time.Now()
				if err := s.Append(ctx, cafe, []protocol.Event{e}, time.Time{}); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			latency = append(latency, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	b.StopTimer()
	if len(latency) == 0 {
		return
	}
	slices.Sort(latency)
	b.ReportMetric(float64(len(latency))/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(latency[len(latency)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latency[len(latency)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op") // per-op time over several writers says nothing
}

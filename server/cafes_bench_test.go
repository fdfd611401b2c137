package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// BenchmarkRestart10kCafes measures a restart of a server whose data file
// keeps 10,000 cafés (each with its facilitator's creation and 4 people),
// 10 of them in a running round. "start" is opening the file, server.New and
// Start: only the 10 running rounds are loaded. "start, then every café" is
// what a restart cost when every café was loaded at start-up, measured in
// the same run for comparison. heap-MiB is the live heap after a GC once
// the server is up; B/café divides it by the cafés stored (start) or loaded.
func BenchmarkRestart10kCafes(b *testing.B) {
	const cafes, running = 10_000, 10
	path := filepath.Join(b.TempDir(), "worldcafe.db")
	codes := buildManyCafes(b, path, cafes, running)

	for _, bc := range []struct {
		name    string
		loadAll bool
	}{
		{"start", false},
		{"start, then every café", true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var took time.Duration
			var heap, loaded uint64
			for b.Loop() {
				base := liveHeap()
				t0 := time.Now()
				st, err := bolt.Open(path, bolt.Config{})
				if err != nil {
					b.Fatal(err)
				}
				srv, err := server.New(server.Config{Store: st, IPRequestRate: -1})
				if err != nil {
					b.Fatal(err)
				}
				if err := srv.Start(context.Background()); err != nil {
					b.Fatal(err)
				}
				if bc.loadAll {
					loadEvery(b, srv, codes)
				}
				took += time.Since(t0)
				heap += liveHeap() - min(base, liveHeap())
				loaded = uint64(srv.Metrics().Cafes.Load())
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				srv.Shutdown(ctx)
				cancel()
				st.Close()
			}
			n := float64(b.N)
			b.ReportMetric(float64(took.Microseconds())/n/1000, "ms")
			b.ReportMetric(float64(heap)/n/(1<<20), "heap-MiB")
			b.ReportMetric(float64(loaded), "cafés-loaded")
			per := float64(cafes)
			if bc.loadAll {
				per = float64(loaded)
			}
			b.ReportMetric(float64(heap)/n/per, "B/café")
		})
	}
}

// loadEvery loads every café by asking each for its join code's café: a
// join, which is the cheapest command that needs the café in memory.
func loadEvery(b *testing.B, srv *server.Server, codes []string) {
	b.Helper()
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for _, code := range codes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := srv.Join(context.Background(), protocol.Join{Code: code, Name: "Late"}); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
}

// buildManyCafes writes cafés with 4 people each to path, running of them
// with their round started, and returns their join codes.
func buildManyCafes(b *testing.B, path string, cafes, running int) []string {
	b.Helper()
	ctx := context.Background()
	st, err := bolt.Open(path, bolt.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(server.Config{Store: st, IPRequestRate: -1, UnloadAfter: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		b.Fatal(err)
	}
	ts := serveHTTP(b, srv, st)
	codes := make([]string, cafes)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range cafes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := srv.CreateCafe(ctx, protocol.CreateCafe{Title: fmt.Sprintf("Café %d", i)})
			if err != nil {
				b.Error(err)
				return
			}
			codes[i] = c.JoinCode
			for p := range 4 {
				if _, err := srv.Join(ctx, protocol.Join{Code: c.JoinCode, Name: fmt.Sprintf("P%d", p)}); err != nil {
					b.Error(err)
					return
				}
			}
			if i < running {
				fac, err := client.Dial(ctx, ts.WSURL, c.Cafe, c.FacilitatorToken, client.Options{})
				if err != nil {
					b.Error(err)
					return
				}
				defer fac.Close()
				if _, err := fac.Send(ctx, protocol.CmdRoundStart, nil); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	ts.Stop()
	return codes
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

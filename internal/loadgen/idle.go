package loadgen

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// HoldFunc opens n idle connections to the node at url as walls of cafe
// (wall token), from source address number first on, and returns how many
// are open, the first error, and release, which closes them.
type HoldFunc func(ctx context.Context, url, cafe, token string, n, first int) (held int, firstErr string, release func(), err error)

// Hold opens n idle wall connections in this process, spread over sources
// source addresses from number first on; release closes them. It is what a
// holder process runs (worldcafe bench -hold) and what idle does in process
// when Config.Hold is nil.
func Hold(ctx context.Context, url, cafe, token string, n, first, sources int) (held int, firstErr string, release func()) {
	src := newSources(sources)
	conns := make([]*leanConn, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	parallel(ctx, n, 128, func(i int) {
		c, err := dialLean(ctx, wsOf(url), cafe, token, src.client(first+i))
		if err != nil {
			mu.Lock()
			if firstErr == "" {
				firstErr = err.Error()
			}
			mu.Unlock()
			return
		}
		conns[i] = c
		wg.Add(1)
		go func() { // reading answers the server's pings
			defer wg.Done()
			c.readLoop(func([]byte) {})
		}()
	})
	for _, c := range conns {
		if c != nil {
			held++
		}
	}
	return held, firstErr, func() {
		for _, c := range conns {
			if c != nil {
				c.kill()
			}
		}
		wg.Wait()
	}
}

// idle: as many connections as asked for, spread evenly over the nodes of
// the cluster as walls of one café, opened by a holder per node (one
// process may not hold them all); the nodes' resident memory grows by
// RSS/conn per connection.
func idle(ctx context.Context, cfg Config, src *sources, target string) (*Result, error) {
	res := newResult("idle", target)
	urls, pids := cfg.urls(target), cfg.pids(target)
	created, err := client.API{BaseURL: urls[0], HTTP: src.client(0)}.CreateCafe(ctx, protocol.CreateCafe{Title: "Idle"})
	if err != nil {
		return nil, fmt.Errorf("creating café: %w", err)
	}
	hold := cfg.Hold
	if hold == nil {
		hold = func(ctx context.Context, url, cafe, token string, n, first int) (int, string, func(), error) {
			held, firstErr, release := Hold(ctx, url, cafe, token, n, first, cfg.Sources)
			return held, firstErr, release, nil
		}
	}
	time.Sleep(500 * time.Millisecond) // settle, so the start RSS is the idle nodes'
	rss0 := rssOf(pids)
	res.startProc(pids)
	start := time.Now()
	held := make([]int, len(urls))
	releases := make([]func(), len(urls))
	var wg sync.WaitGroup
	for i, url := range urls {
		n := cfg.IdleConns / len(urls)
		if i < cfg.IdleConns%len(urls) {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each holder starts at another source address, so the
			// holders together use them all evenly.
			h, firstErr, release, err := hold(ctx, url, created.Cafe, created.WallToken, n, i*n)
			if err != nil {
				res.fail(fmt.Errorf("holder for node %d: %w", i+1, err))
				return
			}
			held[i], releases[i] = h, release
			if h < n {
				res.fail(fmt.Errorf("node %d: %d of %d connections (first error: %s)", i+1, h, n, firstErr))
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	var per []string
	for i, h := range held {
		res.Conns += h
		per = append(per, fmt.Sprintf("node %d: %d", i+1, h))
	}
	res.ConnsPerSec = float64(res.Conns) / res.Elapsed.Seconds()
	time.Sleep(2 * time.Second) // idle: let the runtime settle
	res.endProc()
	if res.Conns > 0 && len(pids) > 0 {
		res.RSSPerConn = (res.ServerRSS - rss0) / int64(res.Conns)
	}
	for _, release := range releases {
		if release != nil {
			release()
		}
	}
	res.Note = fmt.Sprintf("%d idle connections asked for over %d nodes (%s)", cfg.IdleConns, len(urls), strings.Join(per, ", "))
	return res, nil
}

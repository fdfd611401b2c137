package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// Scenarios lists what Run can do, in the order "all" runs them. big comes
// first: its memory per connection is the growth of a fresh server's
// resident set, which memory freed by earlier scenarios would hide. room
// takes a size: "room@5000" is room with 5,000 attendees. idle and failover
// are the cluster's only; failover kills a node, so it runs last.
var Scenarios = []string{"big", "room", "burst", "storm", "durable", "durable-latency"}

// ClusterScenarios is what "all" runs when there is a cluster.
var ClusterScenarios = []string{"idle", "room@2000", "room@5000", "durable", "durable-latency", "failover"}

// Run runs the named scenarios against each target there is: the worldcafe
// server (cfg.URL), the cluster (cfg.Nodes) and, where it makes sense, the
// baseline. Each scenario is bounded in time.
func Run(ctx context.Context, cfg Config, names []string) ([]Result, error) {
	cfg.setDefaults()
	src := newSources(cfg.Sources)
	var out []Result
	var errs []error
	for _, name := range names {
		type fn func(context.Context, Config, *sources, string) (*Result, error)
		var f fn
		scfg := cfg
		single, cluster, baseline := cfg.URL != "", len(cfg.Nodes) > 0, cfg.BaselineURL != ""
		base, size, sized := strings.Cut(name, "@")
		if sized {
			n, err := strconv.Atoi(size)
			if err != nil || n <= 0 || base != "room" {
				return out, fmt.Errorf("unknown scenario %q (a size goes with room: room@5000)", name)
			}
			scfg.Attendees = n
		}
		switch base {
		case "room":
			f = room20
		case "burst":
			f = burst
		case "storm":
			f, baseline, cluster = storm, false, false // the baseline has no resume to measure
		case "durable":
			f, baseline = durable, false // nor durability
		case "durable-latency":
			f, baseline = durableLatency, false
		case "big":
			f, cluster = big, false // the cluster's is idle
		case "idle":
			f, single, baseline = idle, false, false
		case "failover":
			f, single, baseline = failover, false, false
		default:
			return out, fmt.Errorf("unknown scenario %q (have %s, and for a cluster %s)", name,
				strings.Join(Scenarios, ", "), strings.Join(ClusterScenarios, ", "))
		}
		var targets []string
		if single {
			targets = append(targets, "worldcafe")
		}
		if cluster {
			targets = append(targets, "cluster")
		}
		if baseline {
			targets = append(targets, "baseline")
		}
		for _, target := range targets {
			cfg.Progress("%s against %s…", name, target)
			sctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
			res, err := f(sctx, scfg, src, target)
			cancel()
			if err != nil {
				// One scenario that could not run (a dial that timed out on
				// a busy machine) leaves the others' numbers standing.
				err = fmt.Errorf("%s against %s: %w", name, target, err)
				cfg.Progress("%v", err)
				errs = append(errs, err)
				if res == nil {
					res = newResult(name, target)
				}
				res.fail(err)
			}
			res.Scenario = name
			res.finish()
			out = append(out, *res)
			// Let the servers settle (closed sockets, GC) between scenarios.
			time.Sleep(time.Second)
		}
	}
	return out, errors.Join(errs...)
}

func newResult(scenario, target string) *Result {
	return &Result{Scenario: scenario, Target: target, acc: &samples{}}
}

// pids are the processes that serve target, for CPU and RSS.
func (cfg Config) pids(target string) []int {
	var pids []int
	switch target {
	case "baseline":
		pids = []int{cfg.BaselinePID}
	case "cluster":
		pids = cfg.NodePIDs
	default:
		pids = []int{cfg.ServerPID}
	}
	return slices.DeleteFunc(slices.Clone(pids), func(p int) bool { return p == 0 })
}

// urls are the http:// URLs that serve target: the first creates cafés.
func (cfg Config) urls(target string) []string {
	if target == "cluster" {
		return cfg.Nodes
	}
	return []string{cfg.URL}
}

func wsOf(url string) string { return "ws" + strings.TrimPrefix(url, "http") + "/ws" }

func buildRoom(ctx context.Context, cfg Config, src *sources, target string, res *Result, tr *tracker) (*room, error) {
	if target == "baseline" {
		return baselineRoom(ctx, cfg, src, cfg.Attendees+cfg.Walls, res, tr)
	}
	return worldcafeRoom(ctx, cfg.urls(target), src, cfg.Attendees, cfg.Walls, cfg.Tables, res, tr)
}

// room20: attendees and walls connected, a round running, notes posted at
// cfg.Rate by random attendees; delivery latency is post → received by
// every device.
func room20(ctx context.Context, cfg Config, src *sources, target string) (*Result, error) {
	res := newResult("room", target)
	r, err := buildRoom(ctx, cfg, src, target, res, newTracker("room-"+target+"-"))
	if err != nil {
		return nil, err
	}
	defer r.close()
	res.Conns = len(r.peers)
	cfg.Progress("room: %d devices connected; posting %.0f notes/s for %s", len(r.peers), cfg.Rate, cfg.Duration)
	res.startProc(cfg.pids(target))
	start := time.Now()
	tick := time.NewTicker(time.Duration(float64(time.Second) / cfg.Rate))
	var posts sync.WaitGroup
	var acked atomic.Int64
	for n := 0; time.Since(start) < cfg.Duration && ctx.Err() == nil; n++ {
		<-tick.C
		i := rand.IntN(cfg.Attendees)
		posts.Add(1)
		go func() {
			defer posts.Done()
			r.postOne(ctx, i, n, target, res, &acked)
		}()
	}
	tick.Stop()
	posts.Wait()
	r.settle(res, acked.Load(), start, 10*time.Second)
	res.NotesPerSec = float64(res.Notes) / cfg.Duration.Seconds()
	r.close()
	return res, nil
}

// burst: every attendee posts at once, as at the end of a round; the time
// until every note is acknowledged and delivered everywhere.
func burst(ctx context.Context, cfg Config, src *sources, target string) (*Result, error) {
	res := newResult("burst", target)
	r, err := buildRoom(ctx, cfg, src, target, res, newTracker("burst-"+target+"-"))
	if err != nil {
		return nil, err
	}
	defer r.close()
	res.Conns = len(r.peers)
	cfg.Progress("burst: %d devices connected; %d notes at once", len(r.peers), cfg.Attendees)
	res.startProc(cfg.pids(target))
	start := time.Now()
	var posts sync.WaitGroup
	var acked atomic.Int64
	for i := range cfg.Attendees {
		posts.Add(1)
		go func() {
			defer posts.Done()
			r.postOne(ctx, i, i, target, res, &acked)
		}()
	}
	posts.Wait()
	r.settle(res, acked.Load(), start, 2*time.Minute)
	res.Note = fmt.Sprintf("%d notes at once; elapsed = until all acknowledged and delivered to all %d devices", cfg.Attendees, len(r.peers))
	r.close()
	return res, nil
}

// durable: many posters in many cafés posting as fast as acks come back;
// every ack means the note is fsynced. It measures the most notes per
// second; with that many in flight an ack waits behind the others, so its
// latency is durableLatency's to measure.
func durable(ctx context.Context, cfg Config, src *sources, target string) (*Result, error) {
	return postDurably(ctx, cfg, src, newResult("durable", target), cfg.Cafes, cfg.Posters, cfg.InFlight)
}

// durableLatency: as durable, at the concurrency of a busy real event (a
// few cafés, a few phones each with a note or two in flight), for the
// latency of an acknowledged, fsynced note.
func durableLatency(ctx context.Context, cfg Config, src *sources, target string) (*Result, error) {
	return postDurably(ctx, cfg, src, newResult("durable-latency", target), cfg.LatencyCafes, cfg.LatencyPosters, cfg.LatencyInFlight)
}

func postDurably(ctx context.Context, cfg Config, src *sources, res *Result, cafes, postersPerCafe, inFlight int) (*Result, error) {
	target := res.Target
	urls := cfg.urls(target)
	type poster struct {
		c    *client.Conn
		cafe string
	}
	var posters []poster
	var mu sync.Mutex
	// In a cluster the cafés are created round-robin over the nodes (so
	// each node owns some) and each poster connects to the next node after
	// the owner: every note is forwarded between nodes.
	parallel(ctx, cafes, 8, func(i int) {
		owner := i % len(urls)
		api := client.API{BaseURL: urls[owner], HTTP: src.client(i)}
		wsURL := wsOf(urls[owner])
		created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Durable", Tables: 2, RoundSeconds: protocol.MaxRoundSeconds})
		if err != nil {
			res.fail(err)
			return
		}
		fac, err := client.Dial(ctx, wsURL, created.Cafe, created.FacilitatorToken, client.Options{HTTP: src.client(i)})
		if err != nil {
			res.fail(err)
			return
		}
		defer fac.Kill()
		go func() {
			for range fac.Events() {
			}
		}()
		if _, err := fac.Send(ctx, protocol.CmdRoundStart, nil); err != nil {
			res.fail(err)
			return
		}
		for k := range postersPerCafe {
			j, err := api.Join(ctx, protocol.Join{Code: created.JoinCode})
			if err != nil {
				res.fail(err)
				return
			}
			c, err := client.Dial(ctx, wsOf(urls[(owner+1+k)%len(urls)]), created.Cafe, j.Token, client.Options{HTTP: src.client(i*postersPerCafe + k)})
			if err != nil {
				res.fail(err)
				return
			}
			go func() {
				for range c.Events() {
				}
			}()
			mu.Lock()
			posters = append(posters, poster{c, created.Cafe})
			mu.Unlock()
		}
	})
	if len(posters) == 0 {
		return nil, fmt.Errorf("no poster connected: %s", res.FirstError)
	}
	defer func() {
		for _, p := range posters {
			p.c.Kill()
		}
	}()
	res.Conns = len(posters)
	res.startProc(cfg.pids(target))
	start := time.Now()
	stop := start.Add(cfg.Duration)
	var acked atomic.Int64
	var wg sync.WaitGroup
	for pi, p := range posters {
		for k := range inFlight {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; time.Now().Before(stop) && ctx.Err() == nil; n++ {
					t0 := time.Now()
					_, err := p.c.Post(ctx, fmt.Sprintf("d-%d-%d-%d", pi, k, n), noteText(n))
					if err != nil {
						var pe *protocol.Error
						if errors.As(err, &pe) && pe.Code == protocol.CodeRateLimited {
							res.fail(err)
							time.Sleep(50 * time.Millisecond)
							continue
						}
						res.fail(err)
						return
					}
					res.addAck(time.Since(t0))
					acked.Add(1)
				}
			}()
		}
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.endProc()
	res.Notes = int(acked.Load())
	res.NotesPerSec = float64(res.Notes) / res.Elapsed.Seconds()
	res.Note = fmt.Sprintf("%d cafés × %d posters × %d in flight; every ack is after fsync", cafes, postersPerCafe, inFlight)
	if len(urls) > 1 {
		res.Note += fmt.Sprintf(", each through another node than the café's owner (%d nodes)", len(urls))
	}
	return res, nil
}

// big: as many connections as asked for (walls of one café, or baseline
// clients), opened as fast as the server takes them; RSS per connection.
func big(ctx context.Context, cfg Config, src *sources, target string) (*Result, error) {
	res := newResult("big", target)
	pids := cfg.pids(target)
	var open func(i int) (func(), error)
	if target == "baseline" {
		open = func(i int) (func(), error) {
			c, _, err := websocket.Dial(ctx, cfg.BaselineURL, &websocket.DialOptions{HTTPClient: src.client(i)})
			if err != nil {
				return nil, err
			}
			return func() { c.CloseNow() }, nil
		}
	} else {
		api := client.API{BaseURL: cfg.URL, HTTP: src.client(0)}
		created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Big"})
		if err != nil {
			return nil, err
		}
		wsURL := wsOf(cfg.URL)
		open = func(i int) (func(), error) {
			c, err := client.Dial(ctx, wsURL, created.Cafe, created.WallToken, client.Options{HTTP: src.client(i), Buffer: 16})
			if err != nil {
				return nil, err
			}
			return c.Kill, nil
		}
	}
	// Settle first so the baseline RSS is the idle server's.
	time.Sleep(500 * time.Millisecond)
	rss0 := rssOf(pids)
	res.startProc(pids)
	closers := make([]func(), cfg.Conns)
	start := time.Now()
	parallel(ctx, cfg.Conns, 128, func(i int) {
		c, err := open(i)
		if err != nil {
			res.fail(err)
			return
		}
		closers[i] = c
	})
	res.Elapsed = time.Since(start)
	for _, c := range closers {
		if c != nil {
			res.Conns++
		}
	}
	res.ConnsPerSec = float64(res.Conns) / res.Elapsed.Seconds()
	time.Sleep(2 * time.Second) // idle: let the runtime settle
	res.endProc()
	if res.Conns > 0 && len(pids) > 0 {
		res.RSSPerConn = (res.ServerRSS - rss0) / int64(res.Conns)
	}
	var wg sync.WaitGroup
	for _, c := range closers {
		if c != nil {
			wg.Add(1)
			go func() { defer wg.Done(); c() }()
		}
	}
	wg.Wait()
	res.Note = fmt.Sprintf("%d idle connections asked for", cfg.Conns)
	return res, nil
}

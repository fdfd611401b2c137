package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/redis"
)

// failover: phones spread over the nodes post notes into one café owned by
// the first node; that node is killed with SIGKILL mid-posting. A phone
// whose connection drops, or whose note is refused, moves to the next live
// node (as behind a load balancer), resumes from its position and resends
// its note with the same id. Measured: the time from the kill until every
// phone had a note acknowledged again, the takeover (the first note the
// new owner wrote), and from the log afterwards, acknowledged notes lost
// or written twice (both must be 0). Every phone also checks that its
// events never skip or repeat a seq.
func failover(ctx context.Context, cfg Config, src *sources, target string) (*Result, error) {
	res := newResult("failover", target)
	urls := cfg.urls(target)
	if len(urls) < 2 || cfg.KillNode == nil || cfg.RedisURL == "" {
		return nil, fmt.Errorf("failover needs two nodes or more, a way to kill one and the Redis URL")
	}
	created, err := client.API{BaseURL: urls[0], HTTP: src.client(0)}.CreateCafe(ctx,
		protocol.CreateCafe{Title: "Failover", Tables: 20, Seats: protocol.MaxSeats, RoundSeconds: protocol.MaxRoundSeconds})
	if err != nil {
		return nil, fmt.Errorf("creating café: %w", err)
	}
	fac, err := client.Dial(ctx, wsOf(urls[1]), created.Cafe, created.FacilitatorToken, client.Options{HTTP: src.client(0)})
	if err != nil {
		return nil, err
	}
	go func() {
		for range fac.Events() {
		}
	}()
	if _, err := fac.Send(ctx, protocol.CmdRoundStart, nil); err != nil {
		fac.Kill()
		return nil, fmt.Errorf("starting round: %w", err)
	}
	fac.Kill()

	devs := make([]*failDevice, cfg.FailoverDevices)
	parallel(ctx, len(devs), 32, func(i int) {
		j, err := client.API{BaseURL: urls[i%len(urls)], HTTP: src.client(i)}.Join(ctx, protocol.Join{Code: created.JoinCode, Name: fmt.Sprintf("Phone %d", i)})
		if err != nil {
			res.fail(fmt.Errorf("join: %w", err))
			return
		}
		devs[i] = &failDevice{i: i, cafe: created.Cafe, token: j.Token, hc: src.client(i), res: res}
	})
	if slices.Contains(devs, nil) {
		return nil, fmt.Errorf("not every phone joined: %s", res.FirstError)
	}
	// Together the phones post about 200 notes a second, each at most 20 a
	// second: a busy room, well under what one Redis takes.
	period := max(20*time.Millisecond, time.Duration(len(devs))*time.Second/200)
	var dead atomic.Int32
	dead.Store(-1)
	alive := func(i int) bool { return int32(i) != dead.Load() }
	killed := make(chan struct{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.run(ctx, urls, alive, period, killed, stop)
		}()
	}
	defer func() { // on an early return too
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()
	if !waitUntil(ctx, 30*time.Second, func() bool {
		for _, d := range devs {
			if d.acked.Load() == 0 {
				return false
			}
		}
		return true
	}) {
		return nil, fmt.Errorf("not every phone had a note acknowledged before the kill: %s", res.FirstError)
	}
	time.Sleep(time.Second) // posting at full rate when the owner dies

	killedAt := time.Now()
	for _, d := range devs {
		d.killedAt.Store(killedAt.UnixNano())
	}
	if err := cfg.KillNode(0); err != nil {
		return nil, fmt.Errorf("killing the owner: %w", err)
	}
	dead.Store(0)
	close(killed)
	res.startProc(slices.DeleteFunc(cfg.pids(target), func(p int) bool { return p == cfg.NodePIDs[0] })) // the living nodes
	allBack := waitUntil(ctx, 60*time.Second, func() bool {
		for _, d := range devs {
			if d.resumedAt.Load() == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(time.Second) // and posting goes on under the new owner
	close(stop)
	wg.Wait()
	res.Elapsed = time.Since(killedAt)
	res.endProc()

	var back []float64
	for _, d := range devs {
		if at := d.resumedAt.Load(); at != 0 {
			back = append(back, ms(time.Duration(at-killedAt.UnixNano())))
		}
	}
	resumed := percentiles(back)
	if allBack {
		res.Resumed = time.Duration(resumed.Max * float64(time.Millisecond))
	} else {
		res.fail(fmt.Errorf("%d of %d phones had no note acknowledged within 60 s of the kill", len(devs)-len(back), len(devs)))
	}

	// The log is the record: every acknowledged note is in it exactly once.
	st, err := redis.Open(ctx, redis.Config{URL: cfg.RedisURL})
	if err != nil {
		return nil, fmt.Errorf("opening the log: %w", err)
	}
	defer st.Close()
	evs, err := store.AllEvents(ctx, st, created.Cafe)
	if err != nil {
		return nil, fmt.Errorf("reading the log: %w", err)
	}
	inLog := map[string]int{}
	var firstAfter time.Time
	for _, ev := range evs {
		if ev.Type != protocol.EvNotePosted {
			continue
		}
		var n protocol.NotePosted
		if err := json.Unmarshal(ev.Data, &n); err != nil {
			return nil, fmt.Errorf("a note in the log: %w", err)
		}
		inLog[n.NoteID]++
		if at := time.UnixMilli(ev.At); firstAfter.IsZero() && at.After(killedAt) {
			firstAfter = at
		}
	}
	for _, d := range devs {
		res.Notes += len(d.notes)
		for _, id := range d.notes {
			if inLog[id] == 0 {
				res.Lost++
			}
		}
	}
	for _, n := range inLog {
		if n > 1 {
			res.Duplicated++
		}
	}
	if !firstAfter.IsZero() {
		res.TakeOver = firstAfter.Sub(killedAt)
	}
	res.Conns = len(devs)
	res.NotesPerSec = float64(res.Notes) / res.Elapsed.Seconds()
	res.Note = fmt.Sprintf("%d phones over %d nodes, a note every %v each; owner killed; resumed p50 %.0f ms, max %.0f ms; takeover %v; %d acknowledged notes, %d lost, %d twice",
		len(devs), len(urls), period, resumed.P50, resumed.Max, res.TakeOver.Round(time.Millisecond), res.Notes, res.Lost, res.Duplicated)
	if cfg.RestartNode != nil {
		if err := cfg.RestartNode(0); err != nil {
			return res, fmt.Errorf("restarting the killed node: %w", err)
		}
	}
	return res, nil
}

// failDevice is a phone of failover.
type failDevice struct {
	i           int
	cafe, token string
	hc          *http.Client
	res         *Result

	epoch, seq atomic.Uint64
	acked      atomic.Int64
	notes      []string // acknowledged note ids; read once run has returned
	// killedAt is when the owner was killed (Unix ns, 0 before);
	// resumedAt when a note this phone sent after it was acknowledged.
	killedAt, resumedAt atomic.Int64
}

// run posts a note every period through the node it is on, until stop. When
// the owner is killed it posts at once (without waiting out its period),
// so that the time until it is back is the cluster's, not the period's.
func (d *failDevice) run(ctx context.Context, urls []string, alive func(int) bool, period time.Duration, killed, stop <-chan struct{}) {
	k := 0
	at := d.i % len(urls)
	for ctx.Err() == nil {
		select {
		case <-stop:
			return
		default:
		}
		if !alive(at) {
			at = (at + 1) % len(urls)
			continue
		}
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		c, err := client.Dial(dctx, wsOf(urls[at]), d.cafe, d.token, client.Options{Epoch: d.epoch.Load(), Seq: d.seq.Load(), HTTP: d.hc})
		cancel()
		if err != nil {
			at = (at + 1) % len(urls)
			select {
			case <-time.After(100 * time.Millisecond):
			case <-stop:
				return
			}
			continue
		}
		readerDone := make(chan struct{})
		go func() {
			defer close(readerDone)
			d.read(c)
		}()
		for {
			select {
			case <-stop:
				c.Close()
				<-readerDone
				return
			case <-killed:
				killed = nil // once
			case <-time.After(period):
			}
			id := fmt.Sprintf("f%04d-%05d", d.i, k)
			sent := time.Now().UnixNano()
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			t0 := time.Now()
			_, err := c.Post(pctx, id, noteText(k))
			cancel()
			if err != nil {
				break // resent, same id, on the next connection
			}
			d.res.addAck(time.Since(t0))
			d.notes = append(d.notes, id)
			d.acked.Add(1)
			if ka := d.killedAt.Load(); ka != 0 && sent >= ka && d.resumedAt.Load() == 0 {
				d.resumedAt.Store(time.Now().UnixNano())
			}
			k++
		}
		c.Kill()
		<-readerDone
		at = (at + 1) % len(urls)
	}
}

// read follows c's frames: a snapshot sets the position, every event must
// be the next seq, and the log's epoch never changes.
func (d *failDevice) read(c *client.Conn) {
	w := c.Welcome()
	if e := d.epoch.Load(); e != 0 && w.Epoch != e {
		d.res.fail(fmt.Errorf("phone %d: the log's epoch changed from %d to %d", d.i, e, w.Epoch))
	}
	d.epoch.Store(w.Epoch)
	for env := range c.Events() {
		switch {
		case env.Type == protocol.TypeSnapshot:
			d.seq.Store(env.Seq)
		case env.Seq == 0:
		case env.Seq == d.seq.Load()+1:
			d.seq.Store(env.Seq)
		default:
			d.res.fail(fmt.Errorf("phone %d: event %d after %d (a gap or a repeat)", d.i, env.Seq, d.seq.Load()))
			d.seq.Store(max(env.Seq, d.seq.Load()))
		}
	}
}

// waitUntil polls cond until it holds (true) or timeout passes (false).
func waitUntil(ctx context.Context, timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

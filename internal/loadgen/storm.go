package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// storm: every connection drops at once (the Wi-Fi access point rebooted)
// and reconnects with exponential backoff and jitter while the café goes
// on; the time until every client has resumed and caught up, and the count
// of gaps (must be 0).
func storm(ctx context.Context, cfg Config, src *sources, target string) (*Result, error) {
	res := newResult("storm", target)
	api := client.API{BaseURL: cfg.URL, HTTP: src.client(0)}
	wsURL := "ws" + strings.TrimPrefix(cfg.URL, "http") + "/ws"
	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Storm", Tables: cfg.Tables, Seats: protocol.MaxSeats, RoundSeconds: protocol.MaxRoundSeconds})
	if err != nil {
		return nil, err
	}
	tokens := make([]string, cfg.Attendees)
	parallel(ctx, cfg.Attendees, 32, func(i int) {
		j, err := client.API{BaseURL: cfg.URL, HTTP: src.client(i)}.Join(ctx, protocol.Join{Code: created.JoinCode})
		if err != nil {
			res.fail(err)
			return
		}
		tokens[i] = j.Token
	})
	fac, err := client.Dial(ctx, wsURL, created.Cafe, created.FacilitatorToken, client.Options{HTTP: src.client(0)})
	if err != nil {
		return nil, err
	}
	defer fac.Kill()
	go func() {
		for range fac.Events() {
		}
	}()
	if _, err := fac.Send(ctx, protocol.CmdRoundStart, nil); err != nil {
		return nil, err
	}

	type dev struct {
		c          *client.Conn
		epoch, seq uint64
		gaps       int
		resumed    bool
	}
	devs := make([]*dev, cfg.Attendees)
	var readers sync.WaitGroup
	follow := func(d *dev) {
		defer readers.Done()
		for env := range d.c.Events() {
			switch {
			case env.Type == protocol.TypeSnapshot:
				atomic.StoreUint64(&d.seq, env.Seq)
			case env.Seq > 0:
				if last := atomic.LoadUint64(&d.seq); env.Seq != last+1 {
					d.gaps++
				}
				atomic.StoreUint64(&d.seq, env.Seq)
			}
		}
	}
	parallel(ctx, cfg.Attendees, 64, func(i int) {
		if tokens[i] == "" {
			return
		}
		c, err := client.Dial(ctx, wsURL, created.Cafe, tokens[i], client.Options{HTTP: src.client(i)})
		if err != nil {
			res.fail(err)
			return
		}
		devs[i] = &dev{c: c}
		readers.Add(1)
		go follow(devs[i])
	})
	for _, d := range devs {
		if d == nil {
			return nil, fmt.Errorf("not every device connected: %s", res.FirstError)
		}
	}
	// Let everyone catch up to the start, then drop them all at once.
	time.Sleep(time.Second)
	for _, d := range devs {
		d.c.Kill()
		d.epoch, _ = d.c.Position()
	}
	readers.Wait()
	res.Conns = len(devs)
	res.startProc(cfg.pids(target))
	start := time.Now()

	// The café goes on during the storm.
	stopTalking := make(chan struct{})
	var lastSeq atomic.Uint64
	talker := make(chan struct{})
	go func() {
		defer close(talker)
		for n := 0; ; n++ {
			select {
			case <-stopTalking:
				return
			case <-time.After(100 * time.Millisecond):
			}
			ack, err := fac.Send(ctx, protocol.CmdBroadcast, protocol.Broadcast{Text: fmt.Sprintf("Message %d", n)})
			if err == nil {
				lastSeq.Store(ack.Seq)
			}
		}
	}()

	var reconnected atomic.Int64
	var wg sync.WaitGroup
	for i, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			backoff := 100 * time.Millisecond
			time.Sleep(time.Duration(rand.Int64N(int64(500 * time.Millisecond)))) // jittered start
			for ctx.Err() == nil {
				c, err := client.Dial(ctx, wsURL, created.Cafe, tokens[i], client.Options{HTTP: src.client(i), Epoch: d.epoch, Seq: atomic.LoadUint64(&d.seq)})
				if err == nil {
					d.c = c
					d.resumed = c.Welcome().Resumed
					readers.Add(1)
					go follow(d)
					reconnected.Add(1)
					return
				}
				time.Sleep(backoff/2 + time.Duration(rand.Int64N(int64(backoff/2))))
				backoff = min(2*backoff, 5*time.Second)
			}
		}()
	}
	wg.Wait()
	close(stopTalking)
	<-talker
	final := lastSeq.Load()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		behind := 0
		for _, d := range devs {
			if atomic.LoadUint64(&d.seq) < final {
				behind++
			}
		}
		if behind == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	res.Elapsed = time.Since(start)
	res.endProc()
	resumed, gaps, behind := 0, 0, 0
	for _, d := range devs {
		if d.resumed {
			resumed++
		}
		if atomic.LoadUint64(&d.seq) < final {
			behind++
		}
		d.c.Kill()
	}
	readers.Wait()
	for _, d := range devs {
		gaps += d.gaps
	}
	res.Missing = behind
	res.Note = fmt.Sprintf("%d reconnected (%d resumed from their position, %d by snapshot), %d gaps, %d not caught up",
		reconnected.Load(), resumed, int(reconnected.Load())-resumed, gaps, behind)
	if gaps > 0 {
		res.fail(fmt.Errorf("%d gaps in resumed streams", gaps))
	}
	return res, nil
}

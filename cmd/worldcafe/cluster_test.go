package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/redis"
	"github.com/worldcafe/worldcafe/store/redis/redistest"
)

// The cluster as a user runs it: a real redis-server and three real
// `worldcafe serve -redis` processes, devices spread over the nodes.

// clusterLease is short so that the tests see takeovers quickly.
const clusterLease = "1s"

type node struct {
	name string
	*process
}

func (n *node) api() client.API { return client.API{BaseURL: "http://" + n.addr} }
func (n *node) ws() string      { return "ws://" + n.addr + "/ws" }

func startCluster(t *testing.T, redisURL string, names ...string) []*node {
	t.Helper()
	var nodes []*node
	for _, name := range names {
		p := startProcess(t, t.TempDir(), freePort(t), "--redis", redisURL, "--node", name, "--lease", clusterLease,
			"--message-rate", "-1", "--ip-request-rate", "-1", "--ip-max-conns", "-1",
			"--ip-upgrade-rate", "-1", "--participant-connect-rate", "-1", "--participant-message-rate", "-1")
		nodes = append(nodes, &node{name: name, process: p})
	}
	return nodes
}

// device is a phone that posts notes through whichever node answers,
// moving to the next node when its connection drops, resuming from its
// position and resending its unacknowledged note with the same id. It
// checks that the events it receives never skip a seq.
type device struct {
	i             int
	cafe, token   string
	epoch, seq    atomic.Uint64
	gaps, resumes atomic.Int64
	acked         atomic.Int64
	notes         []string // acknowledged note ids; read once run has returned
	lastErr       error
}

func (d *device) run(ctx context.Context, nodes []*node, alive func(int) bool, perNote time.Duration, stop <-chan struct{}) {
	k := 0
	at := d.i % len(nodes)
	for ctx.Err() == nil {
		if !alive(at) {
			at = (at + 1) % len(nodes)
			continue
		}
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		c, err := client.Dial(dctx, nodes[at].ws(), d.cafe, d.token, client.Options{Epoch: d.epoch.Load(), Seq: d.seq.Load()})
		cancel()
		if err != nil {
			d.lastErr = err
			at = (at + 1) % len(nodes)
			select {
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
			}
			continue
		}
		if d.seq.Load() > 0 {
			d.resumes.Add(1)
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
			case <-time.After(perNote):
			}
			id := fmt.Sprintf("d%02d-n%04d", d.i, k)
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			_, err := c.Post(pctx, id, fmt.Sprintf("Idea %d from device %d", k, d.i))
			cancel()
			if err != nil {
				d.lastErr = err
				break // resent on the next connection
			}
			d.notes = append(d.notes, id)
			d.acked.Add(1)
			k++
		}
		c.Kill()
		<-readerDone
		at = (at + 1) % len(nodes)
	}
}

// read follows c's frames: a snapshot sets the position, an event must be
// the next seq.
func (d *device) read(c *client.Conn) {
	w := c.Welcome()
	if w.Epoch != d.epoch.Load() && d.epoch.Load() != 0 {
		d.gaps.Add(1) // the log's epoch must never change
	}
	d.epoch.Store(w.Epoch)
	for env := range c.Events() {
		switch {
		case env.Type == protocol.TypeSnapshot:
			d.seq.Store(env.Seq)
		case env.Seq == 0:
		case env.Seq == d.seq.Load()+1:
			d.seq.Store(env.Seq)
		case env.Seq <= d.seq.Load():
			d.gaps.Add(1) // a repeat is as wrong as a gap
		default:
			d.gaps.Add(1)
			d.seq.Store(env.Seq)
		}
	}
}

func TestAClusterLosesNothingWhenTheOwnerIsKilled(t *testing.T) {
	rs := redistest.StartServer(t)
	nodes := startCluster(t, rs.URL, "a", "b", "c")
	ctx, cancelAll := context.WithCancel(context.Background())
	defer cancelAll()

	// The café is created on a: a owns it.
	r := runningRoom(t, ctx, nodes, 1, protocol.CreateCafe{Title: "Cluster", Tables: 4, RoundSeconds: 20}, 9)
	var dead atomic.Int32
	dead.Store(-1)
	r.post(ctx, nodes, func(i int) bool { return int32(i) != dead.Load() })
	waitUntil(t, "notes through every node", 30*time.Second, func() bool { return r.acked() >= 150 })

	// Kill the owner mid-posting.
	before := r.acked()
	killedAt := time.Now()
	nodes[0].kill()
	dead.Store(0)
	waitUntil(t, "notes after the kill", 30*time.Second, func() bool { return r.acked() >= before+150 })
	r.halt()
	t.Logf("%d notes acknowledged; %d after the owner was killed", r.acked(), r.acked()-before)

	st, err := redis.Open(ctx, redis.Config{URL: rs.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	evs := r.checkLog(t, st)
	for _, ev := range evs {
		if at := time.UnixMilli(ev.At); ev.Type == protocol.EvNotePosted && at.After(killedAt) {
			t.Logf("takeover: the first note after the kill was written %v after it", at.Sub(killedAt).Round(time.Millisecond))
			break
		}
	}

	// The running round ends on its own, at its deadline, under the new owner.
	wait := time.Until(time.UnixMilli(r.deadline)) + 10*time.Second
	if !waitFor(r.fac, protocol.EvRoundTimeUp, wait) {
		t.Fatalf("no round.timeup within %v", wait)
	}
	for _, ev := range eventsOf(t, st, r.created.Cafe)[len(evs):] {
		if ev.Type == protocol.EvRoundTimeUp {
			if late := time.UnixMilli(ev.At).Sub(time.UnixMilli(r.deadline)); late < 0 || late > 2*time.Second {
				t.Errorf("the round timed up %v after its deadline, want within 2 s", late)
			}
		}
	}
}

func TestAStaleOwnerCannotAppendAfterItsLeaseWasTaken(t *testing.T) {
	rs := redistest.StartServer(t)
	nodes := startCluster(t, rs.URL, "a", "b", "c")
	ctx := context.Background()
	created, err := nodes[0].api().CreateCafe(ctx, protocol.CreateCafe{Title: "Split", Tables: 2, RoundSeconds: 600})
	if err != nil {
		t.Fatal(err)
	}
	fac, err := client.Dial(ctx, nodes[1].ws(), created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fac.Kill()
	if _, err := fac.Send(ctx, protocol.CmdRoundStart, nil); err != nil {
		t.Fatal(err)
	}
	// A phone on the owner, and one on b.
	onA, err := nodes[0].api().Join(ctx, protocol.Join{Code: created.JoinCode, Name: "OnA"})
	if err != nil {
		t.Fatal(err)
	}
	onB, err := nodes[1].api().Join(ctx, protocol.Join{Code: created.JoinCode, Name: "OnB"})
	if err != nil {
		t.Fatal(err)
	}
	phoneA := mustDial(t, nodes[0].ws(), created.Cafe, onA.Token)
	phoneB := mustDial(t, nodes[1].ws(), created.Cafe, onB.Token)
	if _, err := phoneA.Post(ctx, "a-1", "before the pause"); err != nil {
		t.Fatal(err)
	}

	st, err := redis.Open(ctx, redis.Config{URL: rs.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holder, oldToken, err := st.LeaseHolder(ctx, created.Cafe)
	if err != nil || holder != "a" {
		t.Fatalf("lease holder %q (%v), want a", holder, err)
	}

	// Stop the owner past its lease: another node takes the café over and
	// takes notes.
	nodes[0].cmd.Process.Signal(syscall.SIGSTOP)
	stoppedAt := time.Now()
	var tookOver time.Duration
	waitUntil(t, "a note accepted while the owner is stopped", 20*time.Second, func() bool {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_, err := phoneB.Post(pctx, "b-1", "while a sleeps")
		if err == nil {
			tookOver = time.Since(stoppedAt)
		}
		return err == nil
	})
	t.Logf("takeover after SIGSTOP: %v", tookOver.Round(time.Millisecond))
	for i := range 5 {
		if _, err := phoneB.Post(ctx, fmt.Sprintf("b-%d", i+2), "more while a sleeps"); err != nil {
			t.Fatal(err)
		}
	}
	holder, newToken, err := st.LeaseHolder(ctx, created.Cafe)
	if err != nil || holder == "a" || newToken <= oldToken {
		t.Fatalf("lease after the pause: holder %q token %d (%v); want another node above token %d", holder, newToken, err, oldToken)
	}
	lenBefore := eventsOf(t, st, created.Cafe)

	// The old owner wakes: it must append nothing of its own, notice, and
	// its phone must follow the new owner's order.
	nodes[0].cmd.Process.Signal(syscall.SIGCONT)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	_, err = phoneA.Post(pctx, "a-2", "after waking")
	cancel()
	if err != nil {
		t.Logf("the woken owner's phone was told: %v", err)
	}
	evs := eventsOf(t, st, created.Cafe)
	holder, _, _ = st.LeaseHolder(ctx, created.Cafe)
	if holder == "a" {
		t.Errorf("the stale owner holds the lease again")
	}
	// Every event after the pause came through the new owner: the log is
	// gapless (the store refuses anything else) and each note is there once.
	for i, ev := range evs {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("the log has seq %d at position %d", ev.Seq, i)
		}
	}
	for id, n := range notesIn(t, evs) {
		if n != 1 {
			t.Errorf("note %s is in the log %d times", id, n)
		}
	}
	if len(evs) < len(lenBefore) {
		t.Fatalf("the log shrank")
	}
	// Both phones end on the same seq: the new owner's.
	last := evs[len(evs)-1].Seq
	for name, c := range map[string]*client.Conn{"a": phoneA, "b": phoneB} {
		got := waitSeqOrReconnect(t, c, last, 10*time.Second)
		if got != last {
			t.Errorf("the phone on %s is at seq %d, want %d", name, got, last)
		}
	}
}

func eventsOf(t *testing.T, st store.Store, cafe string) []protocol.Event {
	t.Helper()
	evs, err := store.AllEvents(context.Background(), st, cafe)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// waitSeqOrReconnect waits until c has read up to seq (or its connection
// ended) and returns its position.
func waitSeqOrReconnect(t *testing.T, c *client.Conn, seq uint64, d time.Duration) uint64 {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if _, s := c.Position(); s >= seq {
			return s
		}
		select {
		case <-c.Events():
		case <-c.Done():
			_, s := c.Position()
			return s
		case <-time.After(10 * time.Millisecond):
		}
	}
	_, s := c.Position()
	return s
}

func waitUntil(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAClusterRidesOutARedisRestart(t *testing.T) {
	rs := redistest.StartServer(t)
	nodes := startCluster(t, rs.URL, "a", "b", "c")
	ctx, cancelAll := context.WithCancel(context.Background())
	defer cancelAll()
	r := runningRoom(t, ctx, nodes, 2, protocol.CreateCafe{Title: "Restart", Tables: 3, RoundSeconds: 600}, 6)
	r.post(ctx, nodes, func(int) bool { return true })
	waitUntil(t, "notes before the restart", 30*time.Second, func() bool { return r.acked() >= 100 })
	rs.Kill9(t)
	down := r.acked()
	time.Sleep(500 * time.Millisecond) // Redis stays down a moment, as a crash does
	rs.Restart(t)
	// The nodes recover by themselves: notes are acknowledged again.
	waitUntil(t, "notes after the restart", 60*time.Second, func() bool { return r.acked() >= down+100 })
	r.halt()

	st, err := redis.Open(ctx, redis.Config{URL: rs.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// appendfsync always: every acknowledged note was on disk before its ack.
	posted := notesIn(t, r.checkLog(t, st))
	t.Logf("%d notes acknowledged, %d after Redis came back", r.acked(), r.acked()-down)

	// export reads the same café from Redis.
	var out bytes.Buffer
	if err := runExport(ctx, []string{"-redis", rs.URL, "-cafe", r.created.Cafe, "-format", "csv"}, &out, io.Discard); err != nil {
		t.Fatalf("export -redis: %v", err)
	}
	if rows := strings.Count(out.String(), "\n") - 1; rows != len(posted) {
		t.Errorf("export -redis wrote %d rows, want the %d notes", rows, len(posted))
	}
}

// room is a café in a running round on a cluster, its facilitator on one
// node and its devices posting over all of them.
type room struct {
	created  protocol.Created
	fac      *client.Conn
	deadline int64
	devs     []*device
	stop     chan struct{}
	wg       sync.WaitGroup
}

// runningRoom creates the café through nodes[0] (which then owns it),
// starts its round from a facilitator on facNode and joins devices spread
// over the nodes.
func runningRoom(t *testing.T, ctx context.Context, nodes []*node, facNode int, req protocol.CreateCafe, devices int) *room {
	t.Helper()
	created, err := nodes[0].api().CreateCafe(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	fac, err := client.Dial(ctx, nodes[facNode].ws(), created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fac.Kill)
	ack, err := fac.Send(ctx, protocol.CmdRoundStart, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &room{created: created, fac: fac, deadline: waitDeadline(t, fac, ack.Seq), stop: make(chan struct{})}
	for i := range devices {
		n := nodes[i%len(nodes)]
		j, err := n.api().Join(ctx, protocol.Join{Code: created.JoinCode, Name: fmt.Sprintf("P%d", i)})
		if err != nil {
			t.Fatalf("join through node %s: %v", n.name, err)
		}
		r.devs = append(r.devs, &device{i: i, cafe: created.Cafe, token: j.Token})
	}
	return r
}

// post starts every device posting a note every 20 ms; halt stops them.
func (r *room) post(ctx context.Context, nodes []*node, alive func(int) bool) {
	for _, d := range r.devs {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			d.run(ctx, nodes, alive, 20*time.Millisecond, r.stop)
		}()
	}
}

func (r *room) halt() {
	close(r.stop)
	r.wg.Wait()
}

func (r *room) acked() (n int) {
	for _, d := range r.devs {
		n += int(d.acked.Load())
	}
	return n
}

// checkLog reads the café's log and checks that every note a device had
// acknowledged is in it exactly once, that no note is in it twice, and
// that no device saw a gap; it returns the log.
func (r *room) checkLog(t *testing.T, st store.Store) []protocol.Event {
	t.Helper()
	evs := eventsOf(t, st, r.created.Cafe)
	posted := notesIn(t, evs)
	for _, d := range r.devs {
		for _, id := range d.notes {
			if posted[id] != 1 {
				t.Errorf("note %s, acknowledged, is in the log %d times, want 1", id, posted[id])
			}
		}
		if g := d.gaps.Load(); g != 0 {
			t.Errorf("device %d saw %d gaps or repeats in the events", d.i, g)
		}
	}
	for id, n := range posted {
		if n != 1 {
			t.Errorf("note %s is in the log %d times", id, n)
		}
	}
	return evs
}

// notesIn counts the note.posted events of each note id.
func notesIn(t *testing.T, evs []protocol.Event) map[string]int {
	t.Helper()
	posted := map[string]int{}
	for _, ev := range evs {
		if ev.Type == protocol.EvNotePosted {
			var n protocol.NotePosted
			mustUnmarshal(t, ev.Data, &n)
			posted[n.NoteID]++
		}
	}
	return posted
}

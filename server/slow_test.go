package server_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// reader reads a connection's frames as fast as they come and remembers
// their seqs.
type reader struct {
	c      *client.Conn
	latest atomic.Uint64
	mu     sync.Mutex
	frames []protocol.Envelope
	done   chan struct{}
}

func startReader(c *client.Conn) *reader {
	r := &reader{c: c, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for env := range c.Events() {
			r.mu.Lock()
			r.frames = append(r.frames, env)
			r.mu.Unlock()
			r.latest.Store(env.Seq)
		}
	}()
	return r
}

// waitAll waits until every reader has seen seq.
func waitAll(t *testing.T, readers []*reader, seq uint64) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for _, r := range readers {
		for r.latest.Load() < seq {
			if time.Now().After(deadline) {
				t.Fatalf("a reader is stuck at seq %d, want %d (connection error: %v)", r.latest.Load(), seq, r.c.Err())
			}
			time.Sleep(time.Millisecond)
		}
	}
}

func TestASlowConsumerIsDroppedWithoutHoldingUpTheOthersAndResumes(t *testing.T) {
	// Small kernel buffers on both ends make the stalled phone's socket fill
	// after some 50 KiB, so its server-side queue (64 KiB) overflows after a
	// few hundred notes rather than thousands.
	// A hundred walls from one address: no upgrade limit.
	ts := MustServerSmallSockets(t, server.Config{QueueBytes: 64 << 10, MessageRate: -1, IPUpgradeRate: -1}, 8<<10)
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Slow", RoundSeconds: 3600})
	_, ana := c.MustJoin(t, "Ana")
	_, ben := c.MustJoin(t, "Ben")
	start := MustSend(t, c.Fac, protocol.CmdRoundStart, nil)

	const nReaders = 100
	readers := make([]*reader, nReaders)
	for i := range readers {
		readers[i] = startReader(ts.MustDial(t, c.Cafe, c.WallToken, client.Options{}))
	}
	stalled := ts.MustDial(t, c.Cafe, c.WallToken, client.Options{Buffer: 1, HTTP: SmallReceiveBuffer(32 << 10)})
	waitAll(t, readers, start.Seq)

	// Two people post ~250-character notes until the stalled wall is
	// dropped. Every few notes the test waits for the readers to catch up:
	// they are fast readers, and the claim is that they lose nothing while
	// one peer stops reading.
	text := strings.Repeat("Governments should convene, others lead. ", 7)[:250]
	var (
		last   protocol.Ack
		posted int
	)
	post := func(n int) {
		var wg sync.WaitGroup
		acks := make([]protocol.Ack, 2)
		errs := make([]error, 2)
		for p, conn := range []*client.Conn{ana, ben} {
			wg.Go(func() {
				for i := range n {
					id := fmt.Sprintf("p%d-%05d", p, posted+i)
					if acks[p], errs[p] = conn.Post(t.Context(), id, text); errs[p] != nil {
						return
					}
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("posting: %v", err)
			}
		}
		posted += n
		last = acks[0]
		if acks[1].Seq > last.Seq {
			last = acks[1]
		}
		waitAll(t, readers, last.Seq)
	}
	t0 := time.Now()
	for posted < 2000 && ts.Metrics().SlowConsumers.Load() == 0 {
		post(5)
	}
	if ts.Metrics().SlowConsumers.Load() == 0 {
		t.Fatalf("the stalled wall was not dropped after %d notes", 2*posted)
	}
	t.Logf("dropped after %d notes in %v", 2*posted, time.Since(t0))
	t1 := time.Now()
	// The phone wakes up and reads what reached it, then learns why the
	// connection ended.
	drained := make(chan []protocol.Envelope, 1)
	go func() {
		var got []protocol.Envelope
		for env := range stalled.Events() {
			got = append(got, env)
		}
		<-stalled.Done()
		drained <- got
	}()
	// The room goes on.
	post(10)
	final := last.Seq

	var got []protocol.Envelope
	select {
	case got = <-drained:
		t.Logf("the stalled wall's connection ended %v after the drop", time.Since(t1))
	case <-time.After(15 * time.Second):
		t.Fatal("the stalled wall's connection is still open 15s after it was dropped")
	}
	// Its close code says "reconnect and resume". A peer whose socket is
	// full may not get the close frame before the socket closes, so an
	// abnormal end is accepted; any other close code is a bug.
	switch code := stalled.CloseStatus(); code {
	case protocol.CloseSlowConsumer:
	case -1:
		t.Logf("the stalled wall's connection ended without a close frame: %v", stalled.Err())
	default:
		t.Fatalf("the stalled wall was closed with %d (%v), want %d", code, stalled.Err(), protocol.CloseSlowConsumer)
	}
	if n := ts.Metrics().SlowConsumers.Load(); n != 1 {
		t.Fatalf("slow consumers = %d, want exactly the stalled wall", n)
	}
	if lastSeq(got) >= final {
		t.Fatalf("the stalled wall read up to seq %d; it should have missed the end (seq %d)", lastSeq(got), final)
	}
	// What it did read has no gap: it was cut off, not skipped over.
	expectSeqs(t, "the stalled wall", got, lastSeq(got))

	// Every reader got every event, in order, once.
	waitAll(t, readers, final)
	for i, r := range readers {
		r.mu.Lock()
		frames := r.frames
		r.mu.Unlock()
		if frames[0].Type != protocol.TypeSnapshot {
			t.Fatalf("reader %d started with %s, want a snapshot", i, frames[0].Type)
		}
		for j, env := range frames[1:] {
			if want := frames[0].Seq + uint64(j) + 1; env.Seq != want {
				t.Fatalf("reader %d: frame %d has seq %d, want %d", i, j+1, env.Seq, want)
			}
		}
		if got := frames[len(frames)-1].Seq; got != final {
			t.Fatalf("reader %d ended at seq %d, want %d", i, got, final)
		}
		if r.c.Err() != nil {
			t.Fatalf("reader %d was disconnected: %v", i, r.c.Err())
		}
	}

	// The stalled wall reconnects from where it was and catches up.
	epoch, seq := stalled.Position()
	if seq != lastSeq(got) {
		t.Fatalf("position %d is not the last frame read (%d)", seq, lastSeq(got))
	}
	back := ts.MustDial(t, c.Cafe, c.WallToken, client.Options{Epoch: epoch, Seq: seq})
	w := back.Welcome()
	if w.Seq != final {
		t.Fatalf("welcome says seq %d, the café is at %d", w.Seq, final)
	}
	next := seq + 1
	if !w.Resumed {
		env := NextEvent(t, back)
		if env.Type != protocol.TypeSnapshot || env.Seq != final {
			t.Fatalf("not resumed, and the first frame is %s at %d, want a snapshot at %d", env.Type, env.Seq, final)
		}
		next = final + 1
	}
	for ; next <= final; next++ {
		if env := NextEvent(t, back); env.Seq != next {
			t.Fatalf("resumed frame has seq %d, want %d", env.Seq, next)
		}
	}
	WaitPosition(t, back, final)
}

func lastSeq(frames []protocol.Envelope) uint64 {
	if len(frames) == 0 {
		return 0
	}
	return frames[len(frames)-1].Seq
}

package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// peer is one simulated device. post returns when the note is acknowledged
// (worldcafe) or written (baseline, which has no acks).
type peer interface {
	post(ctx context.Context, id, text string) error
	kill()
}

// tracker matches received notes to their send time. Note ids are the
// tracker's prefix and the note's number, so a receipt is a slice lookup:
// the readers run once per delivered frame, on the cores the server uses.
type tracker struct {
	prefix    string
	mu        sync.RWMutex
	sent      []int64 // note number → send time (Unix ns); 0 = not sent
	origin    []int8  // note number → the node it was posted through
	delivered atomic.Int64
	frames    atomic.Int64
}

func newTracker(prefix string) *tracker { return &tracker{prefix: prefix} }

// id is the note id of note number n.
func (t *tracker) id(n int) string { return t.prefix + strconv.Itoa(n) }

// markSent records that note n leaves now, through node (0 on one server).
func (t *tracker) markSent(n, node int) {
	t.mu.Lock()
	if n >= len(t.sent) {
		grow := n + 1 - len(t.sent) + 1024
		t.sent = append(t.sent, make([]int64, grow)...)
		t.origin = append(t.origin, make([]int8, grow)...)
	}
	t.sent[n] = time.Now().UnixNano()
	t.origin[n] = int8(node)
	t.mu.Unlock()
}

// received is called by a peer's reader for every note it sees; it returns
// the latency in ms and the node the note was posted through, or -1 for
// notes this run did not send.
func (t *tracker) received(id []byte) (float64, int) {
	t.frames.Add(1)
	if !bytes.HasPrefix(id, []byte(t.prefix)) {
		return -1, 0
	}
	n, err := strconv.Atoi(string(id[len(t.prefix):]))
	if err != nil || n < 0 {
		return -1, 0
	}
	t.mu.RLock()
	var at int64
	var node int8
	if n < len(t.sent) {
		at, node = t.sent[n], t.origin[n]
	}
	t.mu.RUnlock()
	if at == 0 {
		return -1, 0
	}
	t.delivered.Add(1)
	return float64(time.Now().UnixNano()-at) / float64(time.Millisecond), int(node)
}

// room is a set of connected peers: the first len-walls post, all receive.
type room struct {
	peers   []peer
	nodeOf  []int // peer → the node it is connected to (0 on one server)
	posters int
	tr      *tracker
	res     *Result
	readers sync.WaitGroup
	fac     *client.Conn
	cafe    string
}

func (r *room) close() {
	for _, p := range r.peers {
		p.kill()
	}
	if r.fac != nil {
		r.fac.Kill()
	}
	r.readers.Wait()
}

// waitDelivered waits until want deliveries arrived or timeout passed.
func (r *room) waitDelivered(want int64, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for r.tr.delivered.Load() < want && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// postOne posts note i from peer p: it records the send time for the delivery
// latency, the ack latency (worldcafe's; the baseline has no acks) and
// counts the note once acknowledged.
func (r *room) postOne(ctx context.Context, p, i int, target string, res *Result, acked *atomic.Int64) {
	node := 0
	if r.nodeOf != nil {
		node = r.nodeOf[p]
	}
	r.tr.markSent(i, node)
	t0 := time.Now()
	if err := r.peers[p].post(ctx, r.tr.id(i), noteText(i)); err != nil {
		res.fail(err)
		return
	}
	if target != "baseline" {
		res.addAck(time.Since(t0))
	}
	acked.Add(1)
}

// settle waits until every acknowledged note reached every device (or
// timeout passed) and fills in the delivery side of res.
func (r *room) settle(res *Result, acked int64, start time.Time, timeout time.Duration) {
	want := acked * int64(len(r.peers))
	r.waitDelivered(want, timeout)
	res.Elapsed = time.Since(start)
	res.endProc()
	res.Notes = int(acked)
	res.Delivered = int(r.tr.delivered.Load())
	// A note whose ack was lost with its connection may still have been
	// written and delivered: it counts as delivered but not as wanted, so
	// more deliveries than wanted is no note missing.
	res.Missing = max(0, int(want)-res.Delivered)
	res.FramesPerS = float64(res.Delivered) / res.Elapsed.Seconds()
}

// --- worldcafe ---

type cafePeer struct{ c *leanConn }

func (p cafePeer) post(ctx context.Context, id, text string) error { return p.c.post(ctx, id, text) }

func (p cafePeer) kill() { p.c.kill() }

// worldcafeRoom creates a café with a running round, joins attendees and
// connects them and the walls. With several nodes (a cluster) the café is
// created on the first, which owns it, the facilitator connects there, and
// attendees and walls are spread round-robin over all of them.
func worldcafeRoom(ctx context.Context, urls []string, src *sources, attendees, walls, tables int, res *Result, tr *tracker) (*room, error) {
	api := client.API{BaseURL: urls[0], HTTP: src.client(0)}
	seats := min(protocol.MaxSeats, max(protocol.MinSeats, (attendees+tables-1)/tables+1))
	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Load test", Tables: tables, Seats: seats, RoundSeconds: protocol.MaxRoundSeconds})
	if err != nil {
		return nil, fmt.Errorf("creating café: %w", err)
	}
	r := &room{tr: tr, res: res, posters: attendees, cafe: created.Cafe}
	tokens := make([]string, attendees+walls)
	parallel(ctx, attendees, 32, func(i int) {
		a := client.API{BaseURL: urls[i%len(urls)], HTTP: src.client(i)}
		j, err := a.Join(ctx, protocol.Join{Code: created.JoinCode, Name: fmt.Sprintf("Attendee %d", i)})
		if err != nil {
			res.fail(fmt.Errorf("join: %w", err))
			return
		}
		tokens[i] = j.Token
	})
	for i := attendees; i < attendees+walls; i++ {
		tokens[i] = created.WallToken
	}
	conns := make([]*leanConn, len(tokens))
	parallel(ctx, len(tokens), 64, func(i int) {
		if tokens[i] == "" {
			return
		}
		c, err := dialLean(ctx, wsOf(urls[i%len(urls)]), created.Cafe, tokens[i], src.client(i))
		if err != nil {
			res.fail(fmt.Errorf("dial: %w", err))
			return
		}
		conns[i] = c
	})
	for i, c := range conns {
		if c == nil {
			continue
		}
		r.peers = append(r.peers, cafePeer{c})
		r.nodeOf = append(r.nodeOf, i%len(urls))
		r.readers.Add(1)
		go r.readCafe(c, i%len(urls))
	}
	if len(r.peers) != len(tokens) {
		r.close()
		return nil, fmt.Errorf("only %d of %d devices connected (%s)", len(r.peers), len(tokens), res.FirstError)
	}
	// The facilitator connects after thousands of devices did: on a busy
	// machine its dial can time out behind them, and it is not measured.
	for try := 1; ; try++ {
		if r.fac, err = client.Dial(ctx, wsOf(urls[0]), created.Cafe, created.FacilitatorToken, client.Options{HTTP: src.client(0)}); err == nil {
			break
		}
		if try == 3 || ctx.Err() != nil {
			r.close()
			return nil, fmt.Errorf("facilitator: %w", err)
		}
	}
	go func() {
		for range r.fac.Events() { // the facilitator only sends
		}
	}()
	if _, err := r.fac.Send(ctx, protocol.CmdRoundStart, nil); err != nil {
		r.close()
		return nil, fmt.Errorf("starting round: %w", err)
	}
	return r, nil
}

// readCafe follows the notes of a device on node; a note posted through
// another node counts in the cross-node latencies too.
func (r *room) readCafe(c *leanConn, node int) {
	defer r.readers.Done()
	var lat, cross []float64
	c.readLoop(func(id []byte) {
		if l, from := r.tr.received(id); l >= 0 {
			lat = append(lat, l)
			if from != node {
				cross = append(cross, l)
			}
		}
	})
	r.res.addDeliveries(lat, cross)
}

// --- baseline ---

type basePeer struct{ c *websocket.Conn }

func (p basePeer) post(ctx context.Context, id, text string) error {
	b, _ := json.Marshal(map[string]string{"note_id": id, "text": text})
	return p.c.Write(ctx, websocket.MessageText, b)
}

func (p basePeer) kill() { p.c.CloseNow() }

func baselineRoom(ctx context.Context, cfg Config, src *sources, devices int, res *Result, tr *tracker) (*room, error) {
	r := &room{tr: tr, res: res, posters: devices}
	conns := make([]*websocket.Conn, devices)
	parallel(ctx, devices, 64, func(i int) {
		c, _, err := websocket.Dial(ctx, cfg.BaselineURL, &websocket.DialOptions{HTTPClient: src.client(i)})
		if err != nil {
			res.fail(fmt.Errorf("dial baseline: %w", err))
			return
		}
		c.SetReadLimit(1 << 20)
		// Wait until the baseline has subscribed this device, so no note
		// posted by another device can pass it by.
		if _, m, err := c.Read(ctx); err != nil || string(m) != string(baselineReady) {
			res.fail(fmt.Errorf("baseline: no ready frame: %v", err))
			c.CloseNow()
			return
		}
		conns[i] = c
	})
	for _, c := range conns {
		if c == nil {
			continue
		}
		r.peers = append(r.peers, basePeer{c})
		r.readers.Add(1)
		go r.readBase(c)
	}
	if len(r.peers) != devices {
		r.close()
		return nil, fmt.Errorf("only %d of %d baseline devices connected (%s)", len(r.peers), devices, res.FirstError)
	}
	return r, nil
}

// readBase reads the baseline's frames the way leanConn reads worldcafe's:
// one reused buffer, the note id found by a scan.
func (r *room) readBase(c *websocket.Conn) {
	defer r.readers.Done()
	var lat []float64
	var buf bytes.Buffer
	for {
		b, err := readInto(c, &buf)
		if err != nil {
			break
		}
		if id, ok := stringField(b, `"note_id":"`); ok {
			if l, _ := r.tr.received(id); l >= 0 {
				lat = append(lat, l)
			}
		}
	}
	r.res.addDeliveries(lat, nil)
}

// noteText is a realistic sticky note: about 100 characters.
func noteText(i int) string {
	return fmt.Sprintf("Idea %d: governments should convene and listen, while other stakeholders lead on the technical details.", i)
}

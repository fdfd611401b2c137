package loadgen

import (
	"context"
	"net/http"
	"sync"

	"github.com/coder/websocket"
)

// Baseline is the practical limit of the stack: a broadcast server on the
// same WebSocket library with no persistence and no protocol. Every text
// frame any client sends is written to every client. It has the same
// shape as worldcafe's fan-out (one writer goroutine per connection, a
// queue bounded by bytes with worldcafe's default of 1 MiB, slow consumers
// dropped) so the comparison measures what worldcafe adds: the protocol,
// the state machine and the fsync. Its writes have no timeout, which
// costs nothing per frame.
type Baseline struct {
	mu    sync.RWMutex
	conns map[*baselineConn]struct{}
}

// BaselineQueueBytes bounds each baseline connection's queue, as
// server.Config.QueueBytes does worldcafe's.
const BaselineQueueBytes = 1 << 20

type baselineConn struct {
	c      *websocket.Conn
	mu     sync.Mutex
	q      [][]byte
	bytes  int
	closed bool
	ready  chan struct{} // capacity 1
}

// push queues m, or reports false when the connection is too far behind.
func (bc *baselineConn) push(m []byte) bool {
	bc.mu.Lock()
	if bc.closed || bc.bytes+len(m) > BaselineQueueBytes {
		bc.closed = true
		bc.mu.Unlock()
		return false
	}
	bc.q = append(bc.q, m)
	bc.bytes += len(m)
	bc.mu.Unlock()
	select {
	case bc.ready <- struct{}{}:
	default:
	}
	return true
}

func (bc *baselineConn) take(spare [][]byte) [][]byte {
	clear(spare)
	bc.mu.Lock()
	defer bc.mu.Unlock()
	out := bc.q
	bc.q, bc.bytes = spare[:0], 0
	return out
}

// baselineReady is the first frame of every baseline connection.
var baselineReady = []byte(`{"type":"ready"}`)

// NewBaseline returns an empty broadcast server.
func NewBaseline() *Baseline { return &Baseline{conns: map[*baselineConn]struct{}{}} }

func (b *Baseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	bc := &baselineConn{c: c, ready: make(chan struct{}, 1)}
	b.mu.Lock()
	b.conns[bc] = struct{}{}
	b.mu.Unlock()
	// Tell the client it is subscribed: a frame sent before this would miss
	// it, as worldcafe's welcome tells a client it will get every event.
	bc.push(baselineReady)
	defer func() {
		b.mu.Lock()
		delete(b.conns, bc)
		b.mu.Unlock()
		c.CloseNow()
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		defer cancel()
		var batch [][]byte
		for {
			select {
			case <-bc.ready:
				batch = bc.take(batch)
				for _, m := range batch {
					// No write timeout: the limit of the stack, not a server
					// to run (a dead peer holds its writer until TCP gives up).
					if err := c.Write(context.Background(), websocket.MessageText, m); err != nil {
						return
					}
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		_, m, err := c.Read(context.Background())
		if err != nil {
			return
		}
		b.mu.RLock()
		for o := range b.conns {
			if !o.push(m) {
				o.c.CloseNow() // slow consumer
			}
		}
		b.mu.RUnlock()
	}
}

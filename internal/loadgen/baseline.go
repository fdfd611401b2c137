package loadgen

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Baseline is the practical limit of the stack: a broadcast server on the
// same WebSocket library with no persistence and no protocol. Every text
// frame any client sends is written to every client. It has the same
// shape as worldcafe's fan-out (one writer goroutine per connection, a
// bounded queue, slow consumers dropped) so the comparison measures what
// worldcafe adds: the protocol, the state machine and the fsync.
type Baseline struct {
	mu    sync.RWMutex
	conns map[*baselineConn]struct{}
}

type baselineConn struct {
	c *websocket.Conn
	q chan []byte
}

// NewBaseline returns an empty broadcast server.
func NewBaseline() *Baseline { return &Baseline{conns: map[*baselineConn]struct{}{}} }

func (b *Baseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	bc := &baselineConn{c: c, q: make(chan []byte, 1024)}
	b.mu.Lock()
	b.conns[bc] = struct{}{}
	b.mu.Unlock()
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
		for {
			select {
			case m := <-bc.q:
				wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
				err := c.Write(wctx, websocket.MessageText, m)
				wcancel()
				if err != nil {
					return
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
			select {
			case o.q <- m:
			default:
				o.c.CloseNow() // slow consumer
			}
		}
		b.mu.RUnlock()
	}
}

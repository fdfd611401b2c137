package server

import (
	"sync"
	"time"
)

// frame is one encoded message waiting for a connection's writer. The bytes
// are shared between every connection that receives the same event: encode
// once, queue everywhere.
type frame struct {
	b        []byte
	queuedAt time.Time
}

// queue is a connection's outgoing buffer, bounded by bytes. The hub never
// blocks on it: push fails when the connection is too far behind, and the
// connection is then dropped as a slow consumer (it resumes from its seq).
type queue struct {
	mu     sync.Mutex
	frames []frame
	bytes  int
	limit  int
	closed bool
	ready  chan struct{} // capacity 1: "there is something to write"
}

func newQueue(limit int) *queue {
	return &queue{limit: limit, ready: make(chan struct{}, 1)}
}

// push adds f and reports whether it fit. force skips the byte limit: the
// catch-up a connection gets on (re)connect (a snapshot or missed events) is
// bounded by the resume window instead.
func (q *queue) push(f frame, force bool) bool {
	q.mu.Lock()
	if q.closed || (!force && q.bytes+len(f.b) > q.limit) {
		q.mu.Unlock()
		return false
	}
	q.frames = append(q.frames, f)
	if !force {
		// Catch-up frames do not count: a snapshot bigger than the bound
		// must not get the client dropped by the next live event.
		q.bytes += len(f.b)
	}
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return true
}

// take returns everything queued so far (possibly nothing). The writer calls
// it after ready fires and writes the batch without holding the lock.
func (q *queue) take() []frame {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.frames
	q.frames, q.bytes = nil, 0
	return out
}

// close makes later pushes fail; queued frames can still be taken.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
}

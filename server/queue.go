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

// pushResult says what became of a pushed frame.
type pushResult int

const (
	pushed     pushResult = iota
	pushFull              // over the byte bound: the consumer is too slow
	pushClosed            // the connection is going away anyway
)

// push adds f. force skips the byte limit: the catch-up a connection gets
// on (re)connect (a snapshot or missed events) is bounded by the resume
// window instead.
func (q *queue) push(f frame, force bool) pushResult {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return pushClosed
	}
	if !force && q.bytes+len(f.b) > q.limit {
		q.mu.Unlock()
		return pushFull
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
	return pushed
}

// take returns everything queued so far (possibly nothing). The writer calls
// it after ready fires and writes the batch without holding the lock.
// spare is the writer's previous batch, already written: its array becomes
// the queue's next one, so a connection that gets a frame at a time does
// not allocate a slice per frame.
func (q *queue) take(spare []frame) []frame {
	clear(spare) // the written frames' bytes are garbage once every queue lets go
	if cap(spare) > maxSpareFrames {
		spare = nil // a big catch-up: do not keep its array for the connection's lifetime
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.frames
	q.frames, q.bytes = spare[:0], 0
	return out
}

// maxSpareFrames bounds the batch array a writer hands back for reuse.
const maxSpareFrames = 64

// close makes later pushes fail and wakes the writer; queued frames can
// still be taken.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

package server

import "sync"

// inbox is a café's queue of waiting commands. It is bounded in count but
// holds memory only for what waits: a channel of InboxSize would cost every
// loaded café its full capacity (64 KiB at the default) while it sits idle.
type inbox struct {
	mu     sync.Mutex
	reqs   []*request
	max    int
	closed error         // once set, put refuses with it
	ready  chan struct{} // holds a signal while reqs is not empty
}

func newInbox(max int) *inbox {
	return &inbox{max: max, ready: make(chan struct{}, 1)}
}

// put queues req. It fails with the inbox's closing error, or with errBusy
// when max requests wait already.
func (q *inbox) put(req *request) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed != nil {
		return q.closed
	}
	if len(q.reqs) >= q.max {
		return errBusy
	}
	q.reqs = append(q.reqs, req)
	q.signal()
	return nil
}

// take moves up to n waiting requests to buf.
func (q *inbox) take(buf []*request, n int) []*request {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := min(n, len(q.reqs))
	buf = append(buf, q.reqs[:k]...)
	clear(q.reqs[:k])
	q.reqs = q.reqs[k:]
	if len(q.reqs) == 0 {
		q.reqs = nil // let a burst's backing array go
	} else {
		q.signal()
	}
	return buf
}

// closeIfEmpty closes the inbox with err if nothing waits in it.
func (q *inbox) closeIfEmpty(err error) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.reqs) > 0 {
		return false
	}
	q.closed = err
	return true
}

// close closes the inbox with err (unless it was closed already) and
// returns what still waits, for the caller to answer.
func (q *inbox) close(err error) []*request {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed == nil {
		q.closed = err
	}
	out := q.reqs
	q.reqs = nil
	return out
}

// err is why the inbox was closed, or nil.
func (q *inbox) err() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

func (q *inbox) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

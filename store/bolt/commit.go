package bolt

import (
	"context"
	"errors"

	"go.etcd.io/bbolt"

	"github.com/worldcafe/worldcafe/store"
)

// A request is one write waiting for the committer. op runs inside the shared
// transaction and must follow two rules, because other requests' writes
// share that transaction:
//   - it refuses (store.ErrConflict, store.ErrNotFound) before it writes
//     anything, so a refusal leaves nothing behind;
//   - it has no side effects outside tx, because it may run more than once
//     (see commit).
type request struct {
	op    func(tx *bbolt.Tx) error
	reply chan error // buffered (1): the committer never blocks on a reply
	err   error      // op's outcome in the current attempt
}

// write hands op to the committer and waits until its transaction is on disk.
//
// ctx is honoured only while the request waits to be taken. Once taken, write
// waits for the outcome however long the fsync takes: returning early would
// leave the caller not knowing whether its events are in the log, and the
// wait is bounded by one commit.
func (s *Store) write(ctx context.Context, op func(tx *bbolt.Tx) error) error {
	select {
	case <-s.closing:
		return store.ErrClosed
	default:
	}
	if s.readOnly {
		return ErrReadOnly
	}
	// Checked first because select picks at random among ready cases, and a
	// done context must not sneak a write in.
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{op: op, reply: make(chan error, 1)}
	select {
	case s.reqs <- r:
	case <-s.closing:
		return store.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-r.reply
}

// run is the committer: it takes one request, drains every other request
// that is already waiting (without waiting for more), commits them all in one
// transaction and answers each. While it fsyncs, new requests queue up and
// form the next batch, so the batch size follows the load by itself.
func (s *Store) run() {
	defer close(s.done)
	var batch []*request
	for {
		// Close wins over further work even while senders keep arriving.
		select {
		case <-s.closing:
			return
		default:
		}
		select {
		case r := <-s.reqs:
			batch = append(batch, r)
		case <-s.closing:
			return
		}
	drain:
		for {
			select {
			case r := <-s.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.commit(batch)
		clear(batch) // drop references so answered requests can be collected
		batch = batch[:0]
	}
}

// errAbort rolls the shared transaction back after an op failed for a reason
// other than a refusal.
var errAbort = errors.New("bolt: abort batch")

// commit runs the batch in one transaction and answers every request.
//
// A refusal affects only its own request: the op wrote nothing, and later ops
// in the batch see the writes of the earlier ones (the same café appended
// twice in one batch is validated against the first append). Any other op
// error (disk full, a value bbolt rejects) may have left partial writes in
// the transaction, so the transaction is rolled back, that request gets its
// error and the rest of the batch runs again without it.
func (s *Store) commit(batch []*request) {
	for len(batch) > 0 {
		failed := -1
		err := s.db.Update(func(tx *bbolt.Tx) error {
			for i, r := range batch {
				r.err = r.op(tx)
				if r.err != nil && !refusal(r.err) {
					failed = i
					return errAbort
				}
			}
			return nil
		})
		if failed >= 0 {
			batch[failed].reply <- batch[failed].err
			batch = append(batch[:failed:failed], batch[failed+1:]...)
			continue
		}
		if err == nil {
			s.commits.Add(1)
		}
		for _, r := range batch {
			if err != nil {
				r.reply <- err // the commit itself failed: nothing is durable
			} else {
				r.reply <- r.err
			}
		}
		return
	}
}

func refusal(err error) bool {
	return errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound)
}

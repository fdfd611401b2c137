package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// snapshotsKept is how many snapshots a café keeps. Two, not one, so that a
// snapshot that turns out unreadable (say, after an upgrade changed the
// encoding) still leaves an older one to start from; the log covers the rest.
const snapshotsKept = 2

// ctxCheckEvery is how many events a long read decodes between looks at ctx:
// often enough to stop a 100k-event load quickly, rarely enough to cost
// nothing.
const ctxCheckEvery = 1024

// Append implements store.Store. Appending no events does nothing and
// succeeds.
func (s *Store) Append(ctx context.Context, cafe string, events []protocol.Event, wake time.Time) error {
	if len(events) == 0 {
		return nil
	}
	first := events[0].Seq
	if cafe == "" {
		return fmt.Errorf("bolt: append seq %d: empty café id", first)
	}
	// Encoding happens here, on the caller's goroutine, so the committer
	// spends its time on disk work only and a bad event fails alone.
	vals := make([][]byte, len(events))
	for i, e := range events {
		if e.Seq != first+uint64(i) {
			return fmt.Errorf("bolt: append %s: seq %d follows seq %d: %w", cafe, e.Seq, first+uint64(i)-1, store.ErrConflict)
		}
		v, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("bolt: append %s seq %d: encode: %w", cafe, e.Seq, err)
		}
		vals[i] = v
	}
	if err := s.write(ctx, appendOp(cafe, first, vals, wake)); err != nil {
		return fmt.Errorf("bolt: append %s seq %d-%d: %w", cafe, first, first+uint64(len(events))-1, err)
	}
	return nil
}

// appendOp writes already encoded events starting at seq first, creating the
// café when first is 1, and records the café's wake in the same transaction.
func appendOp(cafe string, first uint64, vals [][]byte, wake time.Time) func(tx *bbolt.Tx) error {
	return func(tx *bbolt.Tx) error {
		cb := cafeBucket(tx, cafe)
		var last uint64
		if cb != nil {
			last = lastSeq(cb.Bucket(bucketLog))
		}
		if first != last+1 {
			return fmt.Errorf("log ends at seq %d: %w", last, store.ErrConflict)
		}
		if cb == nil {
			var err error
			if cb, err = createCafe(tx, cafe); err != nil {
				return err
			}
		}
		log := cb.Bucket(bucketLog)
		if log == nil {
			return errors.New("café has no log bucket")
		}
		// Keys only ever grow, so full pages waste nothing and halve the
		// file compared with the default half-full split.
		log.FillPercent = 1.0
		for i, v := range vals {
			if err := log.Put(seqKey(first+uint64(i)), v); err != nil {
				return fmt.Errorf("put seq %d: %w", first+uint64(i), err)
			}
		}
		return putWake(tx, cafe, wake)
	}
}

// putWake records when the café's timer fires, or forgets it for a zero wake.
func putWake(tx *bbolt.Tx, cafe string, wake time.Time) error {
	wakes := tx.Bucket(bucketWakes)
	if wakes == nil {
		return errors.New("no wakes bucket")
	}
	if wake.IsZero() {
		if err := wakes.Delete([]byte(cafe)); err != nil {
			return fmt.Errorf("clear wake: %w", err)
		}
		return nil
	}
	if err := wakes.Put([]byte(cafe), binary.BigEndian.AppendUint64(nil, uint64(wake.UnixMilli()))); err != nil {
		return fmt.Errorf("put wake: %w", err)
	}
	return nil
}

// createCafe makes a café's bucket with its log, snapshot bucket and epoch.
func createCafe(tx *bbolt.Tx, cafe string) (*bbolt.Bucket, error) {
	cb, err := tx.Bucket(bucketCafes).CreateBucket([]byte(cafe))
	if err != nil {
		return nil, fmt.Errorf("create café: %w", err)
	}
	if _, err := cb.CreateBucket(bucketLog); err != nil {
		return nil, fmt.Errorf("create log: %w", err)
	}
	if _, err := cb.CreateBucket(bucketSnap); err != nil {
		return nil, fmt.Errorf("create snapshots: %w", err)
	}
	// The epoch only has to differ from any earlier log of the same café;
	// math/rand/v2's generator is seeded from the OS, which is plenty.
	epoch := store.NewEpoch()
	if err := cb.Put(keyMeta, binary.BigEndian.AppendUint64(nil, epoch)); err != nil {
		return nil, fmt.Errorf("put epoch: %w", err)
	}
	return cb, nil
}

// Load implements store.Store.
func (s *Store) Load(ctx context.Context, cafe string) (store.Recovery, error) {
	var rec store.Recovery
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		cb := cafeBucket(tx, cafe)
		if cb == nil {
			return store.ErrNotFound
		}
		meta := cb.Get(keyMeta)
		if len(meta) != 8 {
			return fmt.Errorf("meta is %d bytes, want 8", len(meta))
		}
		rec.Epoch = binary.BigEndian.Uint64(meta)
		log := cb.Bucket(bucketLog)
		rec.LastSeq = lastSeq(log)
		if snap := cb.Bucket(bucketSnap); snap != nil {
			if k, v := snap.Cursor().Last(); k != nil {
				rec.SnapshotSeq = keySeq(k)
				// v is only valid inside the transaction; append also keeps
				// an empty state non-nil, since nil means "no snapshot".
				rec.Snapshot = append([]byte{}, v...)
			}
		}
		var err error
		// SaveSnapshot refuses seqs past the log, so this cannot underflow.
		rec.Tail, err = readEvents(ctx, log, rec.SnapshotSeq, int(rec.LastSeq-rec.SnapshotSeq))
		return err
	})
	if err != nil {
		return store.Recovery{}, fmt.Errorf("bolt: load %s: %w", cafe, err)
	}
	return rec, nil
}

// Events implements store.Store. A limit below 1 is an error rather than an
// empty page, because it can only be a caller's bug.
func (s *Store) Events(ctx context.Context, cafe string, after uint64, limit int) ([]protocol.Event, error) {
	if limit < 1 {
		return nil, fmt.Errorf("bolt: events %s after %d: limit %d is not positive", cafe, after, limit)
	}
	var events []protocol.Event
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		cb := cafeBucket(tx, cafe)
		if cb == nil {
			return store.ErrNotFound
		}
		var err error
		events, err = readEvents(ctx, cb.Bucket(bucketLog), after, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: events %s after %d: %w", cafe, after, err)
	}
	return events, nil
}

// readEvents decodes up to limit events with seq > after.
func readEvents(ctx context.Context, log *bbolt.Bucket, after uint64, limit int) ([]protocol.Event, error) {
	if log == nil {
		return nil, errors.New("café has no log bucket")
	}
	if limit <= 0 {
		return nil, nil
	}
	if last := lastSeq(log); last <= after {
		return nil, nil
	} else if n := last - after; n < uint64(limit) {
		limit = int(n) // size the slice by what exists, not by the caller's cap
	}
	events := make([]protocol.Event, 0, limit)
	c := log.Cursor()
	for k, v := c.Seek(seqKey(after + 1)); k != nil && len(events) < limit; k, v = c.Next() {
		if len(events)%ctxCheckEvery == ctxCheckEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var e protocol.Event
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("decode seq %d: %w", keySeq(k), err)
		}
		events = append(events, e)
	}
	return events, nil
}

// SaveSnapshot implements store.Store. It keeps the newest two snapshots by
// seq, so saving one older than both is accepted and immediately dropped. A
// seq of 0 or past the log's end is refused with store.ErrConflict: such a
// snapshot would describe events that do not exist.
func (s *Store) SaveSnapshot(ctx context.Context, cafe string, seq uint64, state []byte) error {
	// No copy of state is needed: bbolt holds on to it only until the
	// commit, and write does not return before the commit once the request
	// is taken.
	err := s.write(ctx, func(tx *bbolt.Tx) error {
		cb := cafeBucket(tx, cafe)
		if cb == nil {
			return store.ErrNotFound
		}
		if last := lastSeq(cb.Bucket(bucketLog)); seq == 0 || seq > last {
			return fmt.Errorf("log ends at seq %d: %w", last, store.ErrConflict)
		}
		snap := cb.Bucket(bucketSnap)
		if snap == nil {
			return errors.New("café has no snapshot bucket")
		}
		if err := snap.Put(seqKey(seq), state); err != nil {
			return err
		}
		// Collect first: deleting while a cursor walks backwards is not
		// something to rely on.
		var old [][]byte
		c := snap.Cursor()
		n := 0
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			if n++; n > snapshotsKept {
				old = append(old, bytes.Clone(k))
			}
		}
		for _, k := range old {
			if err := snap.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bolt: save snapshot %s seq %d: %w", cafe, seq, err)
	}
	return nil
}

// Cafes implements store.Store.
func (s *Store) Cafes(ctx context.Context) ([]string, error) {
	var cafes []string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketCafes)
		if b == nil {
			return nil
		}
		return b.ForEachBucket(func(k []byte) error {
			cafes = append(cafes, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: cafes: %w", err)
	}
	return cafes, nil
}

// Wakes implements store.Store. It reads only the wakes bucket, which holds
// the cafés with a running timer, however many cafés the file keeps.
func (s *Store) Wakes(ctx context.Context) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketWakes)
		if b == nil {
			return nil // a file written before wakes were kept: no timers known
		}
		return b.ForEach(func(k, v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("wake of %s: %d bytes, want 8", k, len(v))
			}
			out[string(k)] = time.UnixMilli(int64(binary.BigEndian.Uint64(v)))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: wakes: %w", err)
	}
	return out, nil
}

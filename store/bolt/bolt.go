// Package bolt is the embedded default store: every café's log, its newest
// snapshots and the join-code and token indexes live in one bbolt file, so
// `worldcafe serve` needs nothing else installed.
//
// Layout of the file:
//
//	cafes/<café id>/meta        8-byte big-endian epoch, drawn at seq 1, never changed
//	cafes/<café id>/log/<seq>   JSON of protocol.Event, key = 8-byte big-endian seq
//	cafes/<café id>/snap/<seq>  opaque snapshot state; only the newest two are kept
//	codes/<join code>           café id
//	wakes/<café id>             8-byte big-endian Unix ms when the café's timer fires
//	grants/<token hash>         JSON of store.Grant
//
// Cafés sit under their own top-level bucket rather than beside codes and
// grants so that no café id can ever collide with an index bucket.
//
// Every write (appends, snapshots, codes, grants) goes through one committer
// goroutine that folds all requests pending at that moment into a single
// bbolt transaction and a single fsync (group commit). db.Batch is not used
// on purpose: its MaxBatchDelay adds latency to every lone write, whereas the
// committer never waits for company; batches form by themselves while the
// previous fsync is running.
//
// The package never logs and never deletes events.
package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/worldcafe/worldcafe/store"
)

var _ store.Store = (*Store)(nil)

var (
	// ErrInUse: another process (normally a running `worldcafe serve`) holds
	// the data file's lock.
	ErrInUse = errors.New("data file is in use by another worldcafe process")
	// ErrReadOnly: a write on a store opened with Config.ReadOnly.
	ErrReadOnly = errors.New("store is read-only")
)

// DefaultTimeout is how long Open waits for the file lock when
// Config.Timeout is zero.
const DefaultTimeout = time.Second

// Config tunes Open. The zero value is a writable store with a 1s lock wait.
type Config struct {
	// Timeout is how long Open waits for the data file's lock before it
	// gives up with ErrInUse. Zero means DefaultTimeout (1s): long enough to
	// ride out a restart, short enough that a second server started by
	// mistake fails at once with a clear message instead of hanging.
	Timeout time.Duration

	// ReadOnly opens the file with a shared lock and no committer, for
	// offline tools such as `worldcafe export`. The file must exist. Writes
	// return ErrReadOnly. A read-only open still fails with ErrInUse while a
	// server holds the file, because bbolt's writer lock is exclusive.
	ReadOnly bool
}

// Store is a store.Store on one bbolt file. Open it with Open; it is safe for
// concurrent use.
type Store struct {
	db       *bbolt.DB
	path     string
	readOnly bool

	// reqs is unbuffered: a request is either taken by the committer (and
	// then always answered) or still owned by its sender, so Close never
	// strands a request in a buffer.
	reqs      chan *request
	closing   chan struct{} // closed by Close: senders and the committer stop
	done      chan struct{} // closed when the committer has returned
	closeOnce sync.Once

	// mu guards closed against reads that are still running when Close
	// closes the db.
	mu     sync.RWMutex
	closed bool

	commits atomic.Uint64 // bbolt write transactions committed, for benchmarks
}

// Bucket and key names; see the package doc for the layout.
var (
	bucketCafes  = []byte("cafes")
	bucketCodes  = []byte("codes")
	bucketGrants = []byte("grants")
	bucketWakes  = []byte("wakes")
	bucketLog    = []byte("log")
	bucketSnap   = []byte("snap")
	keyMeta      = []byte("meta")
)

// Open opens (creating if needed, unless cfg.ReadOnly) the bbolt file at path.
func Open(path string, cfg Config) (*Store, error) {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	if !cfg.ReadOnly {
		// The default data file lives under ./data, which a fresh install
		// does not have yet.
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("bolt: open %s: %w", path, err)
		}
	} else if _, err := os.Stat(path); err != nil {
		// bbolt would create nothing either, but its error does not say
		// that a read-only open needs an existing file.
		return nil, fmt.Errorf("bolt: open %s read-only: no data file: %w", path, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: timeout, ReadOnly: cfg.ReadOnly})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: %w (gave up after %s)", path, ErrInUse, timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	s := &Store{
		db:       db,
		path:     path,
		readOnly: cfg.ReadOnly,
		reqs:     make(chan *request),
		closing:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	if cfg.ReadOnly {
		close(s.done)
		return s, nil
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketCafes, bucketCodes, bucketGrants, bucketWakes} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close() // the open error is the one worth reporting
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	go s.run()
	return s, nil
}

// Close stops the committer (writes still waiting to be taken get
// store.ErrClosed; the batch being committed finishes), waits for running
// reads and closes the file. A second Close returns store.ErrClosed.
func (s *Store) Close() error {
	first := false
	s.closeOnce.Do(func() {
		first = true
		close(s.closing)
	})
	if !first {
		return fmt.Errorf("bolt: close %s: %w", s.path, store.ErrClosed)
	}
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("bolt: close %s: %w", s.path, err)
	}
	return nil
}

// view runs fn in a read transaction unless ctx is done or the store closed.
func (s *Store) view(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	return s.db.View(fn)
}

// cafeBucket is the café's bucket, or nil if the café has no log (also when
// a read-only file was never written by a server).
func cafeBucket(tx *bbolt.Tx, cafe string) *bbolt.Bucket {
	cafes := tx.Bucket(bucketCafes)
	if cafes == nil || cafe == "" {
		return nil
	}
	return cafes.Bucket([]byte(cafe))
}

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), seq)
}

func keySeq(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}

// lastSeq is the highest key of a log or snapshot bucket, 0 when empty.
func lastSeq(b *bbolt.Bucket) uint64 {
	if b == nil {
		return 0
	}
	k, _ := b.Cursor().Last()
	return keySeq(k)
}

// Package store is the contract between the server and the places a café's
// log is kept: the embedded bbolt store (store/bolt), today the only one; a
// Redis store for several nodes is the next. Every implementation must pass
// the conformance suite in store/storetest.
//
// A café's log is append-only and gapless: events carry seq 1, 2, 3, … and an
// append that does not continue the log exactly is refused with ErrConflict,
// which is also how a stale writer (another node took the café over) finds
// out. Snapshots are an optimisation: the log alone always rebuilds the café.
package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

var (
	// ErrNotFound: no such café, join code or token.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: the append does not continue the log, or the key is taken.
	ErrConflict = errors.New("store: conflict")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
)

// Store keeps cafés' logs, snapshots and the indexes the server needs to find
// a café from a join code or a token. All methods are safe for concurrent use.
type Store interface {
	// Append durably adds events to the café's log and returns only after
	// they are on disk (fsync): the server acknowledges a command only then.
	// events[0].Seq must be the log's last seq + 1 and the seqs continuous,
	// else ErrConflict and nothing is written. Appending seq 1 creates the
	// café's log and draws its epoch. Concurrent appends (of different
	// cafés) share one commit (group commit).
	//
	// wake is when the café's timer fires after these events (the running
	// round's deadline), zero when no timer runs. It is kept in the same
	// commit as the events, so Wakes always agrees with the log.
	Append(ctx context.Context, cafe string, events []protocol.Event, wake time.Time) error

	// Load returns what recovery needs: the log's epoch, the newest snapshot
	// (nil if none) and every event after it, in order. ErrNotFound if the
	// café has no log.
	Load(ctx context.Context, cafe string) (Recovery, error)

	// Events returns up to limit events with seq > after, in order.
	Events(ctx context.Context, cafe string, after uint64, limit int) ([]protocol.Event, error)

	// SaveSnapshot keeps state (an opaque encoding of the café at seq). Older
	// snapshots may be dropped; events are never dropped.
	SaveSnapshot(ctx context.Context, cafe string, seq uint64, state []byte) error

	// Cafes lists every café with a log (for tools such as export).
	Cafes(ctx context.Context) ([]string, error)

	// Wakes lists the cafés whose timer runs, with when it fires (the wake
	// of their last append): the only cafés a server must load at start-up.
	// It costs in proportion to those cafés, not to every café stored.
	Wakes(ctx context.Context) (map[string]time.Time, error)

	// ReserveCode maps a join code to a café; ErrConflict if the code is
	// taken. CafeByCode resolves it; ErrNotFound if unknown.
	ReserveCode(ctx context.Context, code, cafe string) error
	CafeByCode(ctx context.Context, code string) (string, error)

	// PutGrant stores what a token allows, under the token's hash (the store
	// never sees a token). ErrConflict if the hash exists. Grant looks it
	// up; ErrNotFound if unknown.
	PutGrant(ctx context.Context, tokenHash string, g Grant) error
	Grant(ctx context.Context, tokenHash string) (Grant, error)

	// Close releases the store; later calls return ErrClosed.
	Close() error
}

// Recovery is a café's newest snapshot and the events after it.
type Recovery struct {
	Epoch       uint64
	SnapshotSeq uint64 // 0 when there is no snapshot
	Snapshot    []byte // nil when there is no snapshot
	Tail        []protocol.Event
	LastSeq     uint64
}

// Grant is what a bearer token allows: a role in one café, and for people
// the participant they are.
type Grant struct {
	Cafe          string        `json:"cafe"`
	Role          protocol.Role `json:"role"`
	ParticipantID string        `json:"participant_id,omitempty"`
}

// NewEpoch draws a log's epoch: random, non-zero, and below 2^53 so that
// JavaScript clients, whose numbers are doubles, carry it exactly.
func NewEpoch() uint64 {
	for {
		if e := rand.Uint64() & (1<<53 - 1); e != 0 {
			return e
		}
	}
}

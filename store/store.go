// Package store is the contract between the server and the places a café's
// log is kept: the embedded bbolt store (store/bolt) and the Redis store that
// several nodes share (store/redis). Every implementation must pass the
// conformance suite in store/storetest.
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
	// ErrFenced: a fenced append or lease call carried a fencing token that
	// is no longer the café's lease: another node owns the café now (or the
	// lease lapsed), and the caller must stop writing for it.
	ErrFenced = errors.New("store: fenced")
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

// Fenced is an optional ability of a store that several nodes share (found by
// type assertion): a lease per café that names the one node allowed to run
// the café, with a fencing token that only ever grows, and an append that
// checks the token in the same atomic step as the seq. A node that stalled
// past its lease (a pause, a partition) and wakes up believing it still owns
// the café is refused with ErrFenced before it writes anything.
//
// AcquireLease takes the café's lease for node for ttl and returns a new
// token, greater than every token given for the café before; ErrConflict
// (wrapped, naming the holder) if another node holds an unexpired lease.
// RenewLease extends the lease held under token; ErrFenced if it lapsed or
// another token holds it. ReleaseLease gives it up; ErrFenced likewise.
// LeaseHolder reports the node and token of the current lease; ErrNotFound
// if none. AppendFenced is Append that also requires token to be the
// current lease's; ErrFenced otherwise, and nothing is written.
type Fenced interface {
	AcquireLease(ctx context.Context, cafe, node string, ttl time.Duration) (token uint64, err error)
	RenewLease(ctx context.Context, cafe string, token uint64, ttl time.Duration) error
	ReleaseLease(ctx context.Context, cafe string, token uint64) error
	LeaseHolder(ctx context.Context, cafe string) (node string, token uint64, err error)
	AppendFenced(ctx context.Context, cafe string, events []protocol.Event, wake time.Time, token uint64) error
}

// Subscriber is an optional ability of a shared store (found by type
// assertion): the events of every later append to a café, as they are
// written, from whichever node wrote them. It is a fast path, never the
// record: the channel may skip events, and it is closed when the store can
// no longer vouch for what it delivers (a lost connection, a reader too slow
// to keep up, ctx done). A consumer tracks the seq it has, reads the log
// (Events) on a gap or a closed channel, and subscribes again. Subscribe
// returns once the subscription is live, so events appended after it
// returns are delivered or the channel is closed.
type Subscriber interface {
	Subscribe(ctx context.Context, cafe string) (<-chan protocol.Event, error)
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

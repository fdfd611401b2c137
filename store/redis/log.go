package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// pageSize is how many events one XRANGE reads: large enough that loading a
// long log costs few round trips, small enough that no single read holds
// the server (which runs one command at a time) for long.
const pageSize = 1000

// Script status codes; the scripts in lua/ document them.
const (
	statusOK = 0
	// append.lua
	statusConflict = 1
	statusFenced   = 2
	// snapshot.lua
	statusNoCafe  = 1
	statusPastLog = 2
)

// Append implements store.Store. Appending no events does nothing and
// succeeds.
func (s *Store) Append(ctx context.Context, cafe string, events []protocol.Event, wake time.Time) error {
	return s.append(ctx, cafe, events, wake, "")
}

// append runs append.lua; fence is the fencing token to check, "" for none.
func (s *Store) append(ctx context.Context, cafe string, events []protocol.Event, wake time.Time, fence string) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("redis: append %s: %w", cafe, err)
	}
	if len(events) == 0 {
		return nil
	}
	first := events[0].Seq
	span := fmt.Sprintf("%s seq %d-%d", cafe, first, first+uint64(len(events))-1)
	if cafe == "" {
		return fmt.Errorf("redis: append seq %d: empty café id", first)
	}
	wakeArg := ""
	if !wake.IsZero() {
		wakeArg = strconv.FormatInt(wake.UnixMilli(), 10)
	}
	args := make([]any, 0, 6+len(events))
	args = append(args, cafe, strconv.FormatUint(first, 10), strconv.FormatUint(store.NewEpoch(), 10), wakeArg, fence, s.keys.channel(cafe))
	for i, e := range events {
		if e.Seq != first+uint64(i) {
			return fmt.Errorf("redis: append %s: seq %d follows seq %d: %w", cafe, e.Seq, first+uint64(i)-1, store.ErrConflict)
		}
		v, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("redis: append %s seq %d: encode: %w", cafe, e.Seq, err)
		}
		args = append(args, v)
	}
	keys := []string{s.keys.meta(cafe), s.keys.log(cafe), s.keys.wakes(), s.keys.cafes(), s.keys.lease(cafe)}
	v, err := s.runAppend(ctx, keys, args)
	if err != nil {
		return fmt.Errorf("redis: append %s: %w", span, s.fail(err))
	}
	code, rest, err := reply(v)
	if err != nil {
		return fmt.Errorf("redis: append %s: %w", span, err)
	}
	switch {
	case code == statusOK:
		return nil
	case code == statusConflict && len(rest) == 1:
		return fmt.Errorf("redis: append %s: log ends at seq %s: %w", span, rest[0], store.ErrConflict)
	case code == statusFenced && len(rest) == 1:
		return fmt.Errorf("redis: append %s: fencing token %s is not the lease's (%q): %w", span, fence, rest[0], store.ErrFenced)
	}
	return fmt.Errorf("redis: append %s: script replied %d %q", span, code, rest)
}

// runAppend runs the append script and, when replicas are configured and
// the script wrote, WAIT on the same connection, so that the count covers
// this write and a refused append waits for nothing.
func (s *Store) runAppend(ctx context.Context, keys []string, args []any) (any, error) {
	if s.cfg.Replicas == 0 {
		return s.scripts.append.Run(ctx, s.rdb, keys, args...).Result()
	}
	conn := s.rdb.Conn()
	defer conn.Close() // back to the pool
	v, err := s.scripts.append.Run(ctx, conn, keys, args...).Result()
	if err != nil {
		return nil, err
	}
	if code, _, _ := reply(v); code != statusOK {
		return v, nil
	}
	// Cmdable offers WAIT by name, but a Conn is a StatefulCmdable only.
	n, err := conn.Do(ctx, "WAIT", s.cfg.Replicas, s.cfg.ReplicaTimeout.Milliseconds()).Int64()
	if err != nil {
		return nil, fmt.Errorf("written on the primary, but waiting for replicas failed: %w", err)
	}
	if n < int64(s.cfg.Replicas) {
		return nil, fmt.Errorf("written on the primary but only %d of %d replicas had it after %s", n, s.cfg.Replicas, s.cfg.ReplicaTimeout)
	}
	return v, nil
}

// Load implements store.Store. The epoch, last seq and snapshot are read in
// one atomic step; the tail is then read by seq, which is safe because the
// log only grows: events up to that last seq never change.
func (s *Store) Load(ctx context.Context, cafe string) (store.Recovery, error) {
	if err := s.begin(ctx); err != nil {
		return store.Recovery{}, fmt.Errorf("redis: load %s: %w", cafe, err)
	}
	v, err := s.scripts.load.Run(ctx, s.rdb, []string{s.keys.meta(cafe), s.keys.snaps(cafe)}).Result()
	if err != nil {
		return store.Recovery{}, fmt.Errorf("redis: load %s: %w", cafe, s.fail(err))
	}
	arr, ok := v.([]any)
	if !ok {
		return store.Recovery{}, fmt.Errorf("redis: load %s: script replied %T, want an array", cafe, v)
	}
	if len(arr) == 0 {
		return store.Recovery{}, fmt.Errorf("redis: load %s: %w", cafe, store.ErrNotFound)
	}
	if len(arr) != 4 {
		return store.Recovery{}, fmt.Errorf("redis: load %s: script replied %d values, want 4", cafe, len(arr))
	}
	var f [4]string
	for i, x := range arr {
		if f[i], ok = x.(string); !ok {
			return store.Recovery{}, fmt.Errorf("redis: load %s: value %d is %T, want a string", cafe, i, x)
		}
	}
	var rec store.Recovery
	for i, dst := range []*uint64{&rec.Epoch, &rec.LastSeq, &rec.SnapshotSeq} {
		if *dst, err = strconv.ParseUint(f[i], 10, 64); err != nil {
			return store.Recovery{}, fmt.Errorf("redis: load %s: %w", cafe, err)
		}
	}
	if rec.SnapshotSeq > 0 {
		rec.Snapshot = []byte(f[3])
	}
	if rec.Tail, err = s.readEvents(ctx, cafe, rec.SnapshotSeq, rec.LastSeq); err != nil {
		return store.Recovery{}, fmt.Errorf("redis: load %s: %w", cafe, err)
	}
	return rec, nil
}

// Events implements store.Store. A limit below 1 is an error rather than an
// empty page, because it can only be a caller's bug.
func (s *Store) Events(ctx context.Context, cafe string, after uint64, limit int) ([]protocol.Event, error) {
	if err := s.begin(ctx); err != nil {
		return nil, fmt.Errorf("redis: events %s after %d: %w", cafe, after, err)
	}
	if limit < 1 {
		return nil, fmt.Errorf("redis: events %s after %d: limit %d is not positive", cafe, after, limit)
	}
	last, err := s.rdb.HGet(ctx, s.keys.meta(cafe), "seq").Uint64()
	if err == goredis.Nil {
		return nil, fmt.Errorf("redis: events %s after %d: %w", cafe, after, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("redis: events %s after %d: %w", cafe, after, s.fail(err))
	}
	if after >= last {
		return nil, nil
	}
	if n := last - after; n > uint64(limit) {
		last = after + uint64(limit)
	}
	events, err := s.readEvents(ctx, cafe, after, last)
	if err != nil {
		return nil, fmt.Errorf("redis: events %s after %d: %w", cafe, after, err)
	}
	return events, nil
}

// readEvents reads the events after..to (after excluded) page by page. They
// must exist: a missing one means the stream was tampered with.
func (s *Store) readEvents(ctx context.Context, cafe string, after, to uint64) ([]protocol.Event, error) {
	if to <= after {
		return nil, nil
	}
	events := make([]protocol.Event, 0, to-after)
	for next := after + 1; next <= to; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		msgs, err := s.rdb.XRangeN(ctx, s.keys.log(cafe), streamID(next), streamID(to), pageSize).Result()
		if err != nil {
			return nil, s.fail(err)
		}
		if len(msgs) == 0 {
			return nil, fmt.Errorf("the log has no seq %d although it ends at %d", next, to)
		}
		for _, m := range msgs {
			raw, ok := m.Values["e"].(string)
			if !ok {
				return nil, fmt.Errorf("entry %s has no event", m.ID)
			}
			var e protocol.Event
			if err := json.Unmarshal([]byte(raw), &e); err != nil {
				return nil, fmt.Errorf("decode entry %s: %w", m.ID, err)
			}
			if e.Seq != next {
				return nil, fmt.Errorf("entry %s holds seq %d, want %d", m.ID, e.Seq, next)
			}
			events = append(events, e)
			next++
		}
	}
	return events, nil
}

// SaveSnapshot implements store.Store. It keeps the newest two snapshots by
// seq (two, as bolt does, so an unreadable newest one still leaves an older
// one); a seq of 0 or past the log's end is store.ErrConflict.
func (s *Store) SaveSnapshot(ctx context.Context, cafe string, seq uint64, state []byte) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("redis: save snapshot %s seq %d: %w", cafe, seq, err)
	}
	v, err := s.scripts.snapshot.Run(ctx, s.rdb, []string{s.keys.meta(cafe), s.keys.snaps(cafe)},
		strconv.FormatUint(seq, 10), state).Result()
	if err != nil {
		return fmt.Errorf("redis: save snapshot %s seq %d: %w", cafe, seq, s.fail(err))
	}
	code, rest, err := reply(v)
	switch {
	case err != nil:
		return fmt.Errorf("redis: save snapshot %s seq %d: %w", cafe, seq, err)
	case code == statusOK:
		return nil
	case code == statusNoCafe:
		return fmt.Errorf("redis: save snapshot %s seq %d: %w", cafe, seq, store.ErrNotFound)
	case code == statusPastLog && len(rest) == 1:
		return fmt.Errorf("redis: save snapshot %s seq %d: log ends at seq %s: %w", cafe, seq, rest[0], store.ErrConflict)
	}
	return fmt.Errorf("redis: save snapshot %s seq %d: script replied %d %q", cafe, seq, code, rest)
}

// Cafes implements store.Store. SSCAN rather than SMEMBERS: a long list is
// read in steps, so it never holds the server for long.
func (s *Store) Cafes(ctx context.Context) ([]string, error) {
	if err := s.begin(ctx); err != nil {
		return nil, fmt.Errorf("redis: cafes: %w", err)
	}
	var cafes []string
	it := s.rdb.SScan(ctx, s.keys.cafes(), 0, "", 1000).Iterator()
	for it.Next(ctx) {
		cafes = append(cafes, it.Val())
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("redis: cafes: %w", s.fail(err))
	}
	return cafes, nil
}

// Wakes implements store.Store: one sorted set holds exactly the cafés with
// a running timer, scored by when it fires.
func (s *Store) Wakes(ctx context.Context) (map[string]time.Time, error) {
	if err := s.begin(ctx); err != nil {
		return nil, fmt.Errorf("redis: wakes: %w", err)
	}
	zs, err := s.rdb.ZRangeWithScores(ctx, s.keys.wakes(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: wakes: %w", s.fail(err))
	}
	out := make(map[string]time.Time, len(zs))
	for _, z := range zs {
		cafe, ok := z.Member.(string)
		if !ok {
			return nil, fmt.Errorf("redis: wakes: member is %T, want a string", z.Member)
		}
		out[cafe] = time.UnixMilli(int64(z.Score))
	}
	return out, nil
}

package redis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// AcquireLease implements store.Fenced. The lease is a hash with a TTL
// (node, token); the token comes from INCR on a counter that never expires,
// so every token is greater than every earlier one for the café, across
// lapsed leases and server restarts alike.
func (s *Store) AcquireLease(ctx context.Context, cafe, node string, ttl time.Duration) (uint64, error) {
	if err := s.begin(ctx); err != nil {
		return 0, fmt.Errorf("redis: acquire lease of %s: %w", cafe, err)
	}
	if err := checkTTL(ttl); err != nil {
		return 0, fmt.Errorf("redis: acquire lease of %s: %w", cafe, err)
	}
	if node == "" {
		return 0, fmt.Errorf("redis: acquire lease of %s: empty node name", cafe)
	}
	v, err := s.scripts.acquire.Run(ctx, s.rdb, []string{s.keys.lease(cafe), s.keys.fence(cafe)},
		node, ttl.Milliseconds()).Result()
	if err != nil {
		return 0, fmt.Errorf("redis: acquire lease of %s: %w", cafe, s.fail(err))
	}
	code, rest, err := reply(v)
	switch {
	case err != nil:
		return 0, fmt.Errorf("redis: acquire lease of %s: %w", cafe, err)
	case code == 0 && len(rest) == 1:
		token, err := strconv.ParseUint(rest[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("redis: acquire lease of %s: token: %w", cafe, err)
		}
		return token, nil
	case code == 1 && len(rest) == 3:
		return 0, fmt.Errorf("redis: acquire lease of %s: held by %s under token %s for %s ms more: %w",
			cafe, rest[0], rest[1], rest[2], store.ErrConflict)
	}
	return 0, fmt.Errorf("redis: acquire lease of %s: script replied %d %q", cafe, code, rest)
}

// RenewLease implements store.Fenced.
func (s *Store) RenewLease(ctx context.Context, cafe string, token uint64, ttl time.Duration) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("redis: renew lease of %s: %w", cafe, err)
	}
	if err := checkTTL(ttl); err != nil {
		return fmt.Errorf("redis: renew lease of %s: %w", cafe, err)
	}
	ok, err := s.scripts.renew.Run(ctx, s.rdb, []string{s.keys.lease(cafe)},
		strconv.FormatUint(token, 10), ttl.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("redis: renew lease of %s: %w", cafe, s.fail(err))
	}
	if ok != 1 {
		return fmt.Errorf("redis: renew lease of %s under token %d: %w", cafe, token, store.ErrFenced)
	}
	return nil
}

// ReleaseLease implements store.Fenced.
func (s *Store) ReleaseLease(ctx context.Context, cafe string, token uint64) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("redis: release lease of %s: %w", cafe, err)
	}
	ok, err := s.scripts.release.Run(ctx, s.rdb, []string{s.keys.lease(cafe)}, strconv.FormatUint(token, 10)).Int()
	if err != nil {
		return fmt.Errorf("redis: release lease of %s: %w", cafe, s.fail(err))
	}
	if ok != 1 {
		return fmt.Errorf("redis: release lease of %s under token %d: %w", cafe, token, store.ErrFenced)
	}
	return nil
}

// LeaseHolder implements store.Fenced.
func (s *Store) LeaseHolder(ctx context.Context, cafe string) (string, uint64, error) {
	if err := s.begin(ctx); err != nil {
		return "", 0, fmt.Errorf("redis: lease holder of %s: %w", cafe, err)
	}
	vals, err := s.rdb.HMGet(ctx, s.keys.lease(cafe), "node", "token").Result()
	if err != nil {
		return "", 0, fmt.Errorf("redis: lease holder of %s: %w", cafe, s.fail(err))
	}
	node, ok1 := vals[0].(string)
	tok, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return "", 0, fmt.Errorf("redis: lease holder of %s: %w", cafe, store.ErrNotFound)
	}
	token, err := strconv.ParseUint(tok, 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("redis: lease holder of %s: token: %w", cafe, err)
	}
	return node, token, nil
}

// AppendFenced implements store.Fenced: Append, with the token checked in
// the same script, before the seq, so a stale owner learns ErrFenced (not
// ErrConflict) even when its seq happens to fit.
func (s *Store) AppendFenced(ctx context.Context, cafe string, events []protocol.Event, wake time.Time, token uint64) error {
	if token == 0 {
		// 0 is never drawn (INCR starts at 1) and would read as "no fence".
		return fmt.Errorf("redis: append %s: fencing token 0: %w", cafe, store.ErrFenced)
	}
	return s.append(ctx, cafe, events, wake, strconv.FormatUint(token, 10))
}

// checkTTL refuses lease lengths Redis cannot keep: PEXPIRE counts whole
// milliseconds and takes none below one.
func checkTTL(ttl time.Duration) error {
	if ttl < time.Millisecond {
		return fmt.Errorf("lease length %s is under a millisecond", ttl)
	}
	return nil
}

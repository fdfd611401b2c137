package redis

import (
	"context"
	"encoding/json"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/worldcafe/worldcafe/store"
)

// ReserveCode implements store.Store with SET NX: the first café to ask gets
// the code, for good (codes never expire).
func (s *Store) ReserveCode(ctx context.Context, code, cafe string) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("redis: reserve code: %w", err)
	}
	if err := s.putNew(ctx, s.keys.code(code), cafe); err != nil {
		return fmt.Errorf("redis: reserve code for %s: %w", cafe, err)
	}
	return nil
}

// CafeByCode implements store.Store. Codes are matched exactly; the server
// normalises what people type before it asks.
func (s *Store) CafeByCode(ctx context.Context, code string) (string, error) {
	if err := s.begin(ctx); err != nil {
		return "", fmt.Errorf("redis: café by code: %w", err)
	}
	cafe, err := s.get(ctx, s.keys.code(code))
	if err != nil {
		return "", fmt.Errorf("redis: café by code: %w", err)
	}
	return cafe, nil
}

// PutGrant implements store.Store. Only the token's hash is ever a key; the
// error never names it, since a hash in a log helps nobody but an attacker.
func (s *Store) PutGrant(ctx context.Context, tokenHash string, g store.Grant) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("redis: put grant: %w", err)
	}
	v, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("redis: put grant for %s: encode: %w", g.Cafe, err)
	}
	if err := s.putNew(ctx, s.keys.grant(tokenHash), string(v)); err != nil {
		return fmt.Errorf("redis: put grant for %s: %w", g.Cafe, err)
	}
	return nil
}

// Grant implements store.Store.
func (s *Store) Grant(ctx context.Context, tokenHash string) (store.Grant, error) {
	if err := s.begin(ctx); err != nil {
		return store.Grant{}, fmt.Errorf("redis: grant: %w", err)
	}
	v, err := s.get(ctx, s.keys.grant(tokenHash))
	if err != nil {
		return store.Grant{}, fmt.Errorf("redis: grant: %w", err)
	}
	var g store.Grant
	if err := json.Unmarshal([]byte(v), &g); err != nil {
		return store.Grant{}, fmt.Errorf("redis: grant: decode: %w", err)
	}
	return g, nil
}

// putNew sets key to val unless it exists (store.ErrConflict).
func (s *Store) putNew(ctx context.Context, key, val string) error {
	// SetArgs with Mode NX, not SetNX: go-redis's SetNX with no expiry is
	// the deprecated SETNX command, which some proxies refuse.
	_, err := s.rdb.SetArgs(ctx, key, val, goredis.SetArgs{Mode: "NX"}).Result()
	if err == goredis.Nil {
		return store.ErrConflict
	}
	return s.fail(err)
}

// get reads key; store.ErrNotFound when it does not exist.
func (s *Store) get(ctx context.Context, key string) (string, error) {
	v, err := s.rdb.Get(ctx, key).Result()
	if err == goredis.Nil {
		return "", store.ErrNotFound
	}
	return v, s.fail(err)
}

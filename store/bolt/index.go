package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/worldcafe/worldcafe/store"
)

// ReserveCode implements store.Store. The café need not have a log yet: the
// server reserves the code before it appends cafe.created, which names it.
func (s *Store) ReserveCode(ctx context.Context, code, cafe string) error {
	if code == "" || cafe == "" {
		return fmt.Errorf("bolt: reserve code %q for %q: empty code or café id", code, cafe)
	}
	err := s.write(ctx, putNewOp(bucketCodes, []byte(code), []byte(cafe)))
	if err != nil {
		return fmt.Errorf("bolt: reserve code %s: %w", code, err)
	}
	return nil
}

// CafeByCode implements store.Store.
func (s *Store) CafeByCode(ctx context.Context, code string) (string, error) {
	var cafe string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		v, err := get(tx, bucketCodes, code)
		cafe = string(v)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bolt: café by code %s: %w", code, err)
	}
	return cafe, nil
}

// PutGrant implements store.Store. Errors name no part of the hash: even a
// hash is better kept out of logs.
func (s *Store) PutGrant(ctx context.Context, tokenHash string, g store.Grant) error {
	if tokenHash == "" {
		return fmt.Errorf("bolt: put grant for %s: empty token hash", g.Cafe)
	}
	v, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("bolt: put grant for %s: encode: %w", g.Cafe, err)
	}
	if err := s.write(ctx, putNewOp(bucketGrants, []byte(tokenHash), v)); err != nil {
		return fmt.Errorf("bolt: put grant for %s: %w", g.Cafe, err)
	}
	return nil
}

// Grant implements store.Store.
func (s *Store) Grant(ctx context.Context, tokenHash string) (store.Grant, error) {
	var g store.Grant
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		v, err := get(tx, bucketGrants, tokenHash)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(v, &g); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		return nil
	})
	if err != nil {
		return store.Grant{}, fmt.Errorf("bolt: grant: %w", err)
	}
	return g, nil
}

// putNewOp puts key → val in a top-level bucket, refusing a key that exists.
func putNewOp(bucket, key, val []byte) func(tx *bbolt.Tx) error {
	return func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return fmt.Errorf("no %s bucket", bucket)
		}
		if b.Get(key) != nil {
			return store.ErrConflict
		}
		return b.Put(key, val)
	}
}

// get returns a copy of key's value in a top-level bucket, or
// store.ErrNotFound.
func get(tx *bbolt.Tx, bucket []byte, key string) ([]byte, error) {
	b := tx.Bucket(bucket)
	if b == nil || key == "" {
		return nil, store.ErrNotFound
	}
	v := b.Get([]byte(key))
	if v == nil {
		return nil, store.ErrNotFound
	}
	return append([]byte(nil), v...), nil
}

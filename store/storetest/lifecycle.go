package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// What every method does once the store is closed or its context is done.

func testClosed(t *testing.T, s store.Store) {
	ctx := t.Context()
	MustAppend(t, s, "cafe-a", Notes(1, 2))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"Append", func() error { return s.Append(ctx, "cafe-a", Notes(3, 1), time.Time{}) }},
		{"Load", func() error { _, err := s.Load(ctx, "cafe-a"); return err }},
		{"Events", func() error { _, err := s.Events(ctx, "cafe-a", 0, 10); return err }},
		{"SaveSnapshot", func() error { return s.SaveSnapshot(ctx, "cafe-a", 2, []byte("s")) }},
		{"Cafes", func() error { _, err := s.Cafes(ctx); return err }},
		{"Wakes", func() error { _, err := s.Wakes(ctx); return err }},
		{"ReserveCode", func() error { return s.ReserveCode(ctx, "ABC-123", "cafe-a") }},
		{"CafeByCode", func() error { _, err := s.CafeByCode(ctx, "ABC-123"); return err }},
		{"PutGrant", func() error { return s.PutGrant(ctx, "h", store.Grant{Cafe: "cafe-a", Role: protocol.RoleWall}) }},
		{"Grant", func() error { _, err := s.Grant(ctx, "h"); return err }},
		{"Close", s.Close},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", c.name, err)
		}
	}
}

func testContext(t *testing.T, s store.Store) {
	MustAppend(t, s, "cafe-a", Notes(1, 2))
	if err := s.ReserveCode(t.Context(), "ABC-123", "cafe-a"); err != nil {
		t.Fatalf("ReserveCode: %v", err)
	}
	if err := s.PutGrant(t.Context(), "h", store.Grant{Cafe: "cafe-a", Role: protocol.RoleWall}); err != nil {
		t.Fatalf("PutGrant: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := []struct {
		name string
		call func() error
	}{
		{"Append", func() error { return s.Append(ctx, "cafe-a", Notes(3, 1), time.Time{}) }},
		{"Append creating a café", func() error { return s.Append(ctx, "cafe-b", Notes(1, 1), time.Time{}) }},
		{"Load", func() error { _, err := s.Load(ctx, "cafe-a"); return err }},
		{"Events", func() error { _, err := s.Events(ctx, "cafe-a", 0, 10); return err }},
		{"SaveSnapshot", func() error { return s.SaveSnapshot(ctx, "cafe-a", 2, []byte("s")) }},
		{"Cafes", func() error { _, err := s.Cafes(ctx); return err }},
		{"Wakes", func() error { _, err := s.Wakes(ctx); return err }},
		{"ReserveCode", func() error { return s.ReserveCode(ctx, "XYZ-789", "cafe-a") }},
		{"CafeByCode", func() error { _, err := s.CafeByCode(ctx, "ABC-123"); return err }},
		{"PutGrant", func() error { return s.PutGrant(ctx, "h2", store.Grant{Cafe: "cafe-a", Role: protocol.RoleWall}) }},
		{"Grant", func() error { _, err := s.Grant(ctx, "h"); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context = %v, want context.Canceled", c.name, err)
		}
	}
	// Nothing the cancelled calls asked for was written.
	rec := MustLoad(t, s, "cafe-a")
	if rec.LastSeq != 2 || rec.SnapshotSeq != 0 {
		t.Errorf("after cancelled writes: LastSeq %d, SnapshotSeq %d; want 2, 0", rec.LastSeq, rec.SnapshotSeq)
	}
	sameCafes(t, s, "cafe-a")
	if _, err := s.CafeByCode(t.Context(), "XYZ-789"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("code reserved with a cancelled context: CafeByCode = %v, want ErrNotFound", err)
	}
	if _, err := s.Grant(t.Context(), "h2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("grant put with a cancelled context: Grant = %v, want ErrNotFound", err)
	}
}

package storetest

import (
	"errors"
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// The indexes: join codes and grants.

func testCodes(t *testing.T, s store.Store) {
	ctx := t.Context()
	if err := s.ReserveCode(ctx, "ABC-123", "cafe-a"); err != nil {
		t.Fatalf("ReserveCode: %v", err)
	}
	if err := s.ReserveCode(ctx, "XYZ-789", "cafe-b"); err != nil {
		t.Fatalf("ReserveCode: %v", err)
	}
	for _, again := range []string{"cafe-b", "cafe-a"} {
		if err := s.ReserveCode(ctx, "ABC-123", again); !errors.Is(err, store.ErrConflict) {
			t.Errorf("ReserveCode of a taken code for %s = %v, want ErrConflict", again, err)
		}
	}
	for code, want := range map[string]string{"ABC-123": "cafe-a", "XYZ-789": "cafe-b"} {
		if got, err := s.CafeByCode(ctx, code); err != nil || got != want {
			t.Errorf("CafeByCode(%s) = %q, %v; want %q", code, got, err, want)
		}
	}
	for _, code := range []string{"NOP-000", "abc-123"} {
		if _, err := s.CafeByCode(ctx, code); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CafeByCode(%s) = %v, want ErrNotFound", code, err)
		}
	}
}

func testGrants(t *testing.T, s store.Store) {
	ctx := t.Context()
	grants := map[string]store.Grant{
		"h-fac":  {Cafe: "cafe-a", Role: protocol.RoleFacilitator},
		"h-host": {Cafe: "cafe-a", Role: protocol.RoleHost, ParticipantID: "p-host"},
		"h-att":  {Cafe: "cafe-b", Role: protocol.RoleAttendee, ParticipantID: "p-7"},
		"h-wall": {Cafe: "cafe-b", Role: protocol.RoleWall},
	}
	for h, g := range grants {
		if err := s.PutGrant(ctx, h, g); err != nil {
			t.Fatalf("PutGrant(%s): %v", h, err)
		}
	}
	if err := s.PutGrant(ctx, "h-att", store.Grant{Cafe: "cafe-b", Role: protocol.RoleFacilitator}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("PutGrant of an existing hash = %v, want ErrConflict", err)
	}
	for h, want := range grants {
		if got, err := s.Grant(ctx, h); err != nil || got != want {
			t.Errorf("Grant(%s) = %+v, %v; want %+v", h, got, err, want)
		}
	}
	if _, err := s.Grant(ctx, "h-unknown"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Grant of an unknown hash = %v, want ErrNotFound", err)
	}
}

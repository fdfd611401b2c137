package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/worldcafe/worldcafe/store"
)

// A public code opens a café's public pages, /o/CODE: the online space and
// the town hall, for anyone, anywhere, without an account. It is printed
// and put in QR codes, so it uses the join codes' alphabet, and it is
// longer than a join code, because it travels beyond the room.
//
// It lives in the store's code index beside the join codes, under a key
// that no typed join code can ever become: NormalizeJoinCode upper-cases
// everything, and the key starts with lower-case letters. So a public
// code, which anyone may know, never joins the room.

// PublicCodeLength is the number of characters of a public code: 31⁸ ≈ 850
// billion codes.
const PublicCodeLength = 8

// publicKeyPrefix is where public codes live in the code index.
const publicKeyPrefix = "public/"

func publicCodeKey(code string) string { return publicKeyPrefix + code }

// ReservePublicCode draws public codes until one is free and reserves it
// for café id.
func ReservePublicCode(ctx context.Context, st store.Store, id string) (string, error) {
	for try := 0; ; try++ {
		code := drawCode(PublicCodeLength)
		err := st.ReserveCode(ctx, publicCodeKey(code), id)
		if err == nil {
			return code, nil
		}
		if !errors.Is(err, store.ErrConflict) || try == 10 {
			return "", fmt.Errorf("reserving a public code: %w", err)
		}
	}
}

// normalizePublicCode makes a code from a URL comparable, or returns ""
// when it cannot be one (so it costs no lookup).
func normalizePublicCode(s string) string {
	s = strings.ToUpper(s)
	if len(s) != PublicCodeLength {
		return ""
	}
	for i := range len(s) {
		if !strings.ContainsRune(joinAlphabet, rune(s[i])) {
			return ""
		}
	}
	return s
}

// cafeByPublicCode is the café a public code opens.
func (s *Server) cafeByPublicCode(ctx context.Context, code string) (string, error) {
	return s.store.CafeByCode(ctx, publicCodeKey(code))
}

package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// Capabilities are bearer tokens: 32 random bytes, handed out once and
// stored only as their SHA-256, so a copy of the data file holds no usable
// token. A grant (store.Grant) is what a token's hash opens: a café, a
// role and, for people who joined, their participant id.

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is the key a token is stored under: the store never holds a
// usable token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MintGrant makes a token for role in café id (and participant, for
// people who joined) and stores its grant under the token's hash. It
// returns the token, which is shown once and never stored.
func MintGrant(ctx context.Context, st store.Store, id string, role protocol.Role, participant string) (string, error) {
	token := newToken()
	if err := st.PutGrant(ctx, hashToken(token), store.Grant{Cafe: id, Role: role, ParticipantID: participant}); err != nil {
		return "", fmt.Errorf("storing the %s grant: %w", role, err)
	}
	return token, nil
}

// bearerToken is the token of an "Authorization: Bearer …" header, or "".
func bearerToken(r *http.Request) string {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(token)
}

// checkFacilitator says whether token is café id's facilitator's. refused
// is the user-facing error for any other token.
func (s *Server) checkFacilitator(ctx context.Context, token, id string, refused error) error {
	g, err := s.store.Grant(ctx, hashToken(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (g.Cafe != id || g.Role != protocol.RoleFacilitator)) {
		return refused
	}
	if err != nil {
		return fmt.Errorf("reading a grant: %w", err)
	}
	return nil
}

// sameSecret compares two secrets in constant time, so the time an answer
// takes tells nothing about how much of a guess was right.
func sameSecret(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// joinAlphabet leaves out letters and digits that are easy to confuse when
// read off a projector (0/O, 1/I/L).
const joinAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// JoinCodeLength is the number of characters in a join code: 31⁶ ≈ 887
// million codes, few enough to read aloud, too many to guess in a room.
const JoinCodeLength = 6

var errBadCode = protocol.Errorf(protocol.CodeInvalid, "that is not a join code")

// maxTypedCode bounds a join code as typed, with the spaces and dashes
// people add: anything longer is no code, and is refused before it costs
// a lookup or a throttle key.
const maxTypedCode = 16

// NewJoinCode draws a join code.
func NewJoinCode() string { return drawCode(JoinCodeLength) }

// drawCode draws n characters of joinAlphabet. Each character is uniform
// over the alphabet: bytes at or above the largest multiple of its length
// are drawn again (a plain modulo would make the first characters of the
// alphabet more likely).
func drawCode(n int) string {
	const limit = 256 - 256%len(joinAlphabet)
	code := make([]byte, 0, n)
	buf := make([]byte, n*2)
	for len(code) < n {
		rand.Read(buf)
		for _, b := range buf {
			if int(b) < limit && len(code) < n {
				code = append(code, joinAlphabet[int(b)%len(joinAlphabet)])
			}
		}
	}
	return string(code)
}

// ReserveJoinCode draws join codes until one is free and reserves it for
// café id.
func ReserveJoinCode(ctx context.Context, st store.Store, id string) (string, error) {
	for try := 0; ; try++ {
		code := NewJoinCode()
		err := st.ReserveCode(ctx, code, id)
		if err == nil {
			return code, nil
		}
		if !errors.Is(err, store.ErrConflict) || try == 10 {
			return "", fmt.Errorf("reserving a join code: %w", err)
		}
	}
}

// NormalizeJoinCode makes a typed code comparable: upper case, without the
// spaces and dashes people add when reading it aloud.
func NormalizeJoinCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

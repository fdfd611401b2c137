package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"sync"
	"time"
)

// Form tokens keep scripts off the public pages' forms without accounts.
// Every form carries one: the time the page was drawn and a random nonce,
// signed with the server's form key for one café. A post is refused when
// its token is missing or forged, older than formTokenMaxAge (a page left
// open for days), younger than formTokenMinAge (no person reads a page,
// types and sends within two seconds; a script does), or used before (a
// replay). Each page view gets a fresh token: after a post, the page the
// person is sent back to carries the next one.
//
// The key is Config.FormKey, else derived from the admin token, so that
// every node of a cluster (which shares the admin key) accepts the forms
// of the others; else random per process. The set of used tokens is this
// node's: a replay sent to another node of a cluster passes the token
// check, but the item id is drawn from the nonce (itemID), so the café
// sees the same item again and takes it once.

const (
	formTokenMaxAge = 24 * time.Hour
	formTokenMinAge = 2 * time.Second
	// maxUsedForms bounds the used set: a token is remembered until it
	// expires anyway, and the posts it counts are rate limited far below.
	maxUsedForms = 200_000
	nonceBytes   = 12
	macBytes     = 16
)

// formKeyLabel separates the form key derived from the admin token from
// any other use of that token.
const formKeyLabel = "worldcafe public form tokens v1"

type formTokens struct {
	key  []byte
	mu   sync.Mutex
	used map[string]time.Time // nonce → when its token expires
}

// newFormTokens makes the form key from the configuration (see above).
func newFormTokens(formKey []byte, adminToken string) *formTokens {
	key := formKey
	switch {
	case len(key) > 0:
	case adminToken != "":
		m := hmac.New(sha256.New, []byte(adminToken))
		m.Write([]byte(formKeyLabel))
		key = m.Sum(nil)
	default:
		key = make([]byte, 32)
		rand.Read(key)
	}
	return &formTokens{key: key, used: map[string]time.Time{}}
}

func (f *formTokens) mac(cafe string, body []byte) []byte {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte(cafe))
	m.Write([]byte{0})
	m.Write(body)
	return m.Sum(nil)[:macBytes]
}

// issue makes a fresh token for a form of café cafe.
func (f *formTokens) issue(cafe string, now time.Time) string {
	b := make([]byte, 8+nonceBytes, 8+nonceBytes+macBytes)
	binary.BigEndian.PutUint64(b, uint64(now.UnixMilli()))
	rand.Read(b[8:])
	b = append(b, f.mac(cafe, b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// check accepts a token for café cafe once and returns its nonce. On
// errFormTooYoung the token stays unused, so the same form may be sent
// again a moment later.
func (f *formTokens) check(cafe, token string, now time.Time) (string, error) {
	if token == "" {
		return "", errFormMissing
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 8+nonceBytes+macBytes {
		return "", errFormForged
	}
	body := b[:8+nonceBytes]
	if !hmac.Equal(b[8+nonceBytes:], f.mac(cafe, body)) {
		return "", errFormForged
	}
	drawn := time.UnixMilli(int64(binary.BigEndian.Uint64(b)))
	age := now.Sub(drawn)
	if age > formTokenMaxAge {
		return "", errFormExpired
	}
	if age < formTokenMinAge {
		return "", errFormTooYoung
	}
	nonce := string(body[8:])
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, used := f.used[nonce]; used {
		return "", errFormUsed
	}
	if len(f.used) >= maxUsedForms {
		for n, exp := range f.used {
			if now.After(exp) {
				delete(f.used, n)
			}
		}
		if len(f.used) >= maxUsedForms {
			return "", errFormBusy
		}
	}
	f.used[nonce] = drawn.Add(formTokenMaxAge)
	return nonce, nil
}

// itemID is the id of the item a form with this nonce posts: the same for
// the same form on every node, unguessable from the item's id back to the
// token.
func (f *formTokens) itemID(nonce string) string {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte("item"))
	m.Write([]byte(nonce))
	return "o" + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:15])
}

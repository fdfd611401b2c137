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
// A page carries one, in each of its forms: the time the page was drawn
// and a random nonce, signed with the server's form key for one café. A
// post is refused when its token is missing or forged, older than
// formTokenMaxAge (a page left open for days), younger than
// formTokenMinAge (no person reads a page, types and sends within two
// seconds; a script does), or used before by the same form (a replay).
//
// A token is spent per form, not per page: the page's token sends each of
// its forms once (the contribution, a comment under each item, the upvote
// of each question), so a person who upvotes one question and then
// another, or comments twice, is never told "sent already". A form is its
// action and, for the forms under an item, the item: a contribution or a
// town hall question is one form per page however its fields are filled.
// Only an accepted post spends it: a refused one (a text too long, the
// café's rules) leaves the token for the corrected resend. After a post,
// the page the person is sent back to, or the script's answer, carries the
// next token.
//
// The key is Config.FormKey, else derived from the admin token, so that
// every node of a cluster (which shares the admin key) accepts the forms
// of the others; else random per process. The set of used tokens is this
// node's, and bounded (usedForms): a replay sent to another node of a
// cluster, or after this node forgot the token, passes the token check,
// but the id of the item the form makes is drawn from the nonce and the
// form (itemID), so the café sees the same item again and takes it once;
// an upvote counts once per voter. A report (a flag) has no id of its own:
// a replay the node forgot is one more report of the item, and the café
// stops counting an item's reports at protocol.MaxFlagsPerItem.

const (
	formTokenMaxAge = 24 * time.Hour
	formTokenMinAge = 2 * time.Second
	// usedSlot is the span of drawing times whose used tokens are
	// forgotten together once they expire.
	usedSlot = 15 * time.Minute
	// maxUsedForms bounds the used set (about 40 bytes an entry): far
	// above the posts the budgets let a node take in a day. Past it the
	// oldest are forgotten, which the item ids make harmless (see above).
	maxUsedForms = 500_000
	nonceBytes   = 12
	macBytes     = 16
)

// formKeyLabel separates the form key derived from the admin token from
// any other use of that token.
const formKeyLabel = "worldcafe public form tokens v1"

type formTokens struct {
	key  []byte
	mu   sync.Mutex
	used *slotMap[usedForm, struct{}] // by the time the token was drawn
}

// usedForm names a token and a form together in the used set.
type usedForm [16]byte

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
	return &formTokens{key: key, used: newSlotMap[usedForm, struct{}](usedSlot, int64(formTokenMaxAge/usedSlot)+2, maxUsedForms)}
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

// formUse is one form's post with a token, on its way: taken, then
// given back if the post is refused.
type formUse struct {
	drawn time.Time
	key   usedForm
	nonce string
	form  string
}

// take accepts a token for form of café cafe, once, and marks it used. On
// errFormTooYoung the token stays unused, so the same form may be sent
// again a moment later.
func (f *formTokens) take(cafe, form, token string, now time.Time) (formUse, error) {
	if token == "" {
		return formUse{}, errFormMissing
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 8+nonceBytes+macBytes {
		return formUse{}, errFormForged
	}
	body := b[:8+nonceBytes]
	if !hmac.Equal(b[8+nonceBytes:], f.mac(cafe, body)) {
		return formUse{}, errFormForged
	}
	drawn := time.UnixMilli(int64(binary.BigEndian.Uint64(b)))
	age := now.Sub(drawn)
	if age > formTokenMaxAge {
		return formUse{}, errFormExpired
	}
	if age < formTokenMinAge {
		return formUse{}, errFormTooYoung
	}
	u := formUse{drawn: drawn, nonce: string(body[8:]), form: form}
	sum := sha256.Sum256([]byte(u.nonce + "\x00" + form))
	copy(u.key[:], sum[:])
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, used := f.used.get(drawn, u.key); used {
		return formUse{}, errFormUsed
	}
	f.used.put(drawn, now, u.key, struct{}{})
	return u, nil
}

// giveBack makes a taken token unused again: its post was refused.
func (f *formTokens) giveBack(u formUse) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.used.remove(u.drawn, u.key)
}

// itemID is the id of the item a form posts with this token: the same for
// the same form and token on every node, unguessable from the item's id
// back to the token.
func (f *formTokens) itemID(u formUse) string {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte("item"))
	m.Write([]byte(u.nonce))
	m.Write([]byte{0})
	m.Write([]byte(u.form))
	return "o" + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:15])
}

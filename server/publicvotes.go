package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// Who may upvote a town hall question, and how often. An upvote counts
// once per voter: the browser's voter cookie, which the server mints and
// signs with the form key, so that a cookie the server did not make is
// refused and a script cannot name a new voter per vote; it must fetch a
// page for each cookie. Cookies are still free to fetch, so each address
// (an IPv6 /64 counts as one, addressKey) also gives one question at most
// Config.PublicUpvotesPerAddress upvotes an hour: a script that clears its
// cookie weighs that many people at most. Not one: a conference's Wi-Fi
// or an office puts a whole room behind one address, and a table or a
// small room voting for the same question must all count.

// voterCookie is a browser's voter id on the public pages (voterOf).
const voterCookie = "wc_voter"

const (
	voterNonceBytes = 16
	voterLabel      = "voter"
	// maxAddressVotes bounds the per-address counts of the last hour; past
	// it the oldest are forgotten, never a vote refused for it.
	maxAddressVotes = 200_000
)

var errVotesHere = publicRefusal(protocol.CodeRateLimited, "", "public.votes.fromHere", "many votes for this question came from your network this hour; try again later")

// voterMAC signs a voter nonce with the form key.
func (f *formTokens) voterMAC(nonce []byte) []byte {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte(voterLabel))
	m.Write([]byte{0})
	m.Write(nonce)
	return m.Sum(nil)[:macBytes]
}

// newVoter mints a voter cookie's value.
func (f *formTokens) newVoter() string {
	b := make([]byte, voterNonceBytes, voterNonceBytes+macBytes)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(append(b, f.voterMAC(b)...))
}

// validVoter reports whether v is a voter cookie this server made.
func (f *formTokens) validVoter(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) != voterNonceBytes+macBytes {
		return false
	}
	return hmac.Equal(b[voterNonceBytes:], f.voterMAC(b[:voterNonceBytes]))
}

// setVoter gives a browser its voter id when it opens a public page
// without a valid one. HttpOnly: no script reads it; Lax: other sites'
// posts do not carry it; Secure when the public address is https.
func (s *Server) setVoter(w http.ResponseWriter, r *http.Request) {
	forms := s.edge.public.forms
	if c, err := r.Cookie(voterCookie); err == nil && forms.validVoter(c.Value) {
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: voterCookie, Value: forms.newVoter(), Path: "/o/",
		MaxAge: 400 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(s.baseURL(r), "https://"),
	})
}

// voterOf is the café's pseudonym of the voting browser: a hash of its
// cookie and the café, so the café never holds the cookie and one
// browser's votes in two cafés cannot be linked. "" without a cookie this
// server made.
func (s *Server) voterOf(r *http.Request, cafeID string) string {
	c, err := r.Cookie(voterCookie)
	if err != nil || !s.edge.public.forms.validVoter(c.Value) {
		return ""
	}
	sum := sha256.Sum256([]byte(c.Value + "\x00" + cafeID))
	return hex.EncodeToString(sum[:])
}

// addressVotes counts the upvotes each address gave each question in the
// current hour.
type addressVotes struct {
	limit int // 0: no limit
	mu    sync.Mutex
	count *slotMap[[16]byte, int]
}

func newAddressVotes(limit int) *addressVotes {
	return &addressVotes{limit: limit, count: newSlotMap[[16]byte, int](time.Hour, 1, maxAddressVotes)}
}

func voteKey(cafe, question, addr string) [16]byte {
	sum := sha256.Sum256([]byte(cafe + "\x00" + question + "\x00" + addr))
	return [16]byte(sum[:16])
}

// take counts one upvote of question from addr, if the address has
// upvotes left for it this hour.
func (a *addressVotes) take(cafe, question, addr string, now time.Time) bool {
	if a.limit <= 0 {
		return true
	}
	k := voteKey(cafe, question, addr)
	a.mu.Lock()
	defer a.mu.Unlock()
	n, _ := a.count.get(now, k)
	if n >= a.limit {
		return false
	}
	a.count.put(now, now, k, n+1)
	return true
}

// giveBack uncounts an upvote taken for a post the café did not count.
func (a *addressVotes) giveBack(cafe, question, addr string, now time.Time) {
	if a.limit <= 0 {
		return
	}
	k := voteKey(cafe, question, addr)
	a.mu.Lock()
	defer a.mu.Unlock()
	switch n, _ := a.count.get(now, k); {
	case n > 1:
		a.count.put(now, now, k, n-1)
	case n == 1:
		a.count.remove(now, k)
	}
}

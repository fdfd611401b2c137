package server

import (
	"net/http"
	"sync"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// A wall code is how a projector laptop opens the wall without the secret
// link: the facilitator's tablet asks for a wall link (POST
// /api/cafes/{cafe}/wall), which also returns a short code; whoever types
// that code on the wall page within WallCodeTTL gets a wall token of their
// own (POST /api/wall-code). A code opens one wall, once.
//
// Codes live in this node's memory only, never in the store: they are
// short-lived and short enough to guess at leisure if they were kept. In a
// cluster the exchange must reach the node that minted the code (the
// tablet and the wall laptop are usually behind the same address); a code
// that reaches another node is refused as unknown, and the tablet simply
// shows a new one.

// WallCodeTTL is how long a wall code can be exchanged: enough to walk to
// the projector and type it, short enough that a code seen over a shoulder
// is soon worthless.
const WallCodeTTL = 5 * time.Minute

// Wrong codes are throttled per address: a burst for typos, then one try
// every few seconds, so the 887 million codes cannot be walked through in
// a code's lifetime.
const (
	wallCodeTries      = 10
	wallCodeTryEvery   = 6 * time.Second
	maxWallCodesPerSrv = 10_000 // live codes kept at once: far above any real use
)

// WallCodeExchange is the body of POST /api/wall-code.
type WallCodeExchange struct {
	Code string `json:"code"`
}

// WallCodeOpened is its answer: the same as a wall link.
type WallCodeOpened struct {
	Cafe      string `json:"cafe"`
	WallToken string `json:"wall_token"`
	WallURL   string `json:"wall_url"`
}

var errWallCode = protocol.Errorf(protocol.CodeNotFound, "that wall code is not valid or has expired; ask for a new one on the facilitator's screen")

// wallCodes holds the live codes of this node.
type wallCodes struct {
	mu    sync.Mutex
	m     map[string]wallCode
	tries *keyedBuckets // wrong codes per address
}

type wallCode struct {
	cafe    string
	expires time.Time
}

func newWallCodes() *wallCodes {
	return &wallCodes{
		m:     map[string]wallCode{},
		tries: newKeyedBuckets(1/wallCodeTryEvery.Seconds(), wallCodeTries),
	}
}

// mint draws a fresh code for café id, valid until now+WallCodeTTL.
func (c *wallCodes) mint(id string, now time.Time) (string, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxWallCodesPerSrv {
		c.sweep(now)
	}
	for {
		code := NewJoinCode()
		if old, taken := c.m[code]; taken && now.Before(old.expires) {
			continue
		}
		exp := now.Add(WallCodeTTL)
		c.m[code] = wallCode{cafe: id, expires: exp}
		return code, exp
	}
}

// take consumes code and returns its café, or false when the code is
// unknown, used or expired.
func (c *wallCodes) take(code string, now time.Time) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wc, ok := c.m[code]
	if !ok {
		return "", false
	}
	delete(c.m, code)
	if !now.Before(wc.expires) {
		return "", false
	}
	return wc.cafe, true
}

// sweep forgets expired codes; when every code is live, the oldest go, so
// a flood of mints cannot grow the map without bound.
func (c *wallCodes) sweep(now time.Time) {
	for code, wc := range c.m {
		if !now.Before(wc.expires) {
			delete(c.m, code)
		}
	}
	for code := range c.m {
		if len(c.m) < maxWallCodesPerSrv {
			break
		}
		delete(c.m, code)
	}
}

// handleWallCode exchanges a wall code for a wall token of its own.
func (s *Server) handleWallCode(w http.ResponseWriter, r *http.Request) {
	var req WallCodeExchange
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	// Every try costs one of the address's tries and a right code gives it
	// back: a room's one wall never waits, a guesser soon does, and a lucky
	// guess past the limit is refused like any other.
	now, ip := s.cfg.Now(), clientIP(r)
	if !s.edge.wallCodes.tries.take(ip, now) {
		s.metrics.RateLimited.Add(1)
		w.Header().Set("Retry-After", "6")
		s.writeError(w, protocol.Errorf(protocol.CodeRateLimited, "too many wrong wall codes; wait a few seconds and try again"))
		return
	}
	id, ok := s.edge.wallCodes.take(NormalizeJoinCode(req.Code), now)
	if !ok {
		s.writeError(w, errWallCode)
		return
	}
	s.edge.wallCodes.tries.give(ip)
	wall, err := MintGrant(r.Context(), s.store, id, protocol.RoleWall, "")
	if err != nil {
		s.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, WallCodeOpened{Cafe: id, WallToken: wall, WallURL: s.baseURL(r) + "/wall#" + id + "." + wall})
}

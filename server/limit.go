package server

import (
	"errors"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// budget is a token bucket's setting: perSecond tokens a second, up to
// burst. A zero perSecond means no limit (setDefaults turns the documented
// negative "no limit" into zero).
type budget struct {
	perSecond float64
	burst     int
}

// limiter returns a full bucket of b. Every caller passes its own clock to
// AllowN, so tests drive the buckets with an injected one.
func (b budget) limiter() *rate.Limiter {
	if b.perSecond <= 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(rate.Limit(b.perSecond), b.burst)
}

// full reports whether lim has refilled by now: forgetting a full bucket
// changes nothing, since a new one starts full.
func full(lim *rate.Limiter, now time.Time) bool {
	return lim.Limit() == rate.Inf || lim.TokensAt(now) >= float64(lim.Burst())
}

// retryAfter is how long until lim has a token again, in whole seconds
// (at least one), for a Retry-After header.
func retryAfter(lim *rate.Limiter, now time.Time) int {
	missing := 1 - lim.TokensAt(now)
	if missing <= 0 || lim.Limit() <= 0 {
		return 1
	}
	return max(1, int(math.Ceil(missing/float64(lim.Limit()))))
}

// ipLimits are the limits the server applies at its edge, before anything
// reaches a café. Per client address: a request budget for the JSON API, a
// budget of WebSocket upgrades and a cap on open WebSockets. Per
// participant (over every token they hold): a budget of hellos, so that one
// phone cannot make the café send it a snapshot again and again, a cap on
// open connections, and a frame budget shared by all of them, so that
// twenty tabs of one person send no more than one. The facilitator's and
// the wall's tokens are the organiser's, not the room's: they have only
// the per-address and per-connection limits.
//
// Budgets are passed in by the caller (from the server's Config), so that
// each bucket is made on first sight of its key.
type ipLimits struct {
	mu       sync.Mutex
	api      budget
	maxConns int
	ips      map[string]*ipState
	people   map[string]*participantLimits
}

type ipState struct {
	requests *rate.Limiter
	upgrades *rate.Limiter // nil until the address first upgrades
	conns    int
}

// participantLimits is what every connection of one participant shares.
// The connections hold it for their lifetime, so a frame spends from the
// shared bucket without taking ipLimits' lock.
type participantLimits struct {
	frames *rate.Limiter
	hellos *rate.Limiter
	conns  int
}

func newIPLimits(perSecond float64, burst, maxConns int) *ipLimits {
	return &ipLimits{
		api: budget{perSecond, burst}, maxConns: maxConns,
		ips: map[string]*ipState{}, people: map[string]*participantLimits{},
	}
}

func (l *ipLimits) get(ip string, now time.Time) *ipState {
	st, ok := l.ips[ip]
	if !ok {
		if len(l.ips) >= maxKeys {
			l.prune(now)
		}
		st = &ipState{requests: l.api.limiter()}
		l.ips[ip] = st
	}
	return st
}

// prune forgets every key whose buckets have refilled and that holds no
// connection: forgetting them changes nothing. l.mu is held.
func (l *ipLimits) prune(now time.Time) {
	for ip, st := range l.ips {
		if st.conns == 0 && full(st.requests, now) && (st.upgrades == nil || full(st.upgrades, now)) {
			delete(l.ips, ip)
		}
	}
	for who, p := range l.people {
		if p.conns == 0 && full(p.frames, now) && full(p.hellos, now) {
			delete(l.people, who)
		}
	}
}

// allowRequest spends one token of ip's request budget.
func (l *ipLimits) allowRequest(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.get(ip, now).requests.AllowN(now, 1)
}

// allowUpgrade spends one of ip's WebSocket upgrades, or says in how many
// seconds to try again.
func (l *ipLimits) allowUpgrade(ip string, now time.Time, b budget) (ok bool, retry int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.get(ip, now)
	if st.upgrades == nil {
		st.upgrades = b.limiter()
	}
	if st.upgrades.AllowN(now, 1) {
		return true, 0
	}
	return false, retryAfter(st.upgrades, now)
}

// openConn counts a new connection from ip, or refuses it.
func (l *ipLimits) openConn(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.get(ip, now)
	if l.maxConns > 0 && st.conns >= l.maxConns {
		return false
	}
	st.conns++
	return true
}

func (l *ipLimits) closeConn(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if st, ok := l.ips[ip]; ok && st.conns > 0 {
		st.conns--
	}
}

// participantBudgets are the budgets a participant's connections share.
type participantBudgets struct {
	frames, hellos budget
	maxConns       int // zero: no cap
}

// errTooManyHellos and errTooManyConns say which limit openParticipant hit.
var (
	errTooManyHellos = errors.New("too many hellos")
	errTooManyConns  = errors.New("too many open connections")
)

// openParticipant spends one of participant who's hellos (who: café and
// participant id) and counts their new connection. It returns what the
// participant's connections share; give it back with closeParticipant.
func (l *ipLimits) openParticipant(who string, now time.Time, b participantBudgets) (*participantLimits, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.people[who]
	if !ok {
		if len(l.people) >= maxKeys {
			l.prune(now)
		}
		p = &participantLimits{frames: b.frames.limiter(), hellos: b.hellos.limiter()}
		l.people[who] = p
	}
	if !p.hellos.AllowN(now, 1) {
		return nil, errTooManyHellos
	}
	if b.maxConns > 0 && p.conns >= b.maxConns {
		return nil, errTooManyConns
	}
	p.conns++
	return p, nil
}

// closeParticipant gives back a connection counted by openParticipant. The
// shared bucket is kept until it has refilled, so that closing and
// reopening connections does not refill it.
func (l *ipLimits) closeParticipant(who string, p *participantLimits, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p.conns--
	if p.conns == 0 && full(p.frames, now) && full(p.hellos, now) && l.people[who] == p {
		delete(l.people, who)
	}
}

// clientIP is who the request came from, as the per-address limits count
// them. Forwarded headers are not trusted: behind a proxy, raise the
// per-address limits instead.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return addressKey(host)
}

// addressKey is the key of one client for the per-address limits: its
// IPv4 address, or the /64 of an IPv6 one, since a single device on an
// IPv6 network may use any address of its /64 and would otherwise have a
// budget per address. Loopback stays itself.
func addressKey(host string) string {
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() != nil || ip.IsLoopback() {
		return host
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}

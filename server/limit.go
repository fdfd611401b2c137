package server

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// bucket is a token bucket: rate tokens a second, up to burst. It is not
// safe for concurrent use; each connection owns one, and ipLimits locks.
type bucket struct {
	tokens float64
	last   time.Time
	rate   float64
	burst  float64
}

func newBucket(rate float64, burst int, now time.Time) *bucket {
	return &bucket{tokens: float64(burst), last: now, rate: rate, burst: float64(burst)}
}

func (b *bucket) allow(now time.Time) bool {
	if b.rate <= 0 {
		return true // a zero rate means "no limit"
	}
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// ipLimits guards against one address flooding the server: a request rate
// for the JSON API and a cap on open WebSocket connections.
type ipLimits struct {
	mu       sync.Mutex
	rate     float64
	burst    int
	maxConns int
	ips      map[string]*ipState
}

type ipState struct {
	b     *bucket
	conns int
}

func newIPLimits(rate float64, burst, maxConns int) *ipLimits {
	return &ipLimits{rate: rate, burst: burst, maxConns: maxConns, ips: map[string]*ipState{}}
}

func (l *ipLimits) get(ip string, now time.Time) *ipState {
	st, ok := l.ips[ip]
	if !ok {
		if len(l.ips) > 100_000 {
			l.prune(now)
		}
		st = &ipState{b: newBucket(l.rate, l.burst, now)}
		l.ips[ip] = st
	}
	return st
}

// prune forgets addresses with no connection whose bucket has refilled:
// forgetting them changes nothing.
func (l *ipLimits) prune(now time.Time) {
	for ip, st := range l.ips {
		if st.conns == 0 && now.Sub(st.b.last).Seconds()*l.rate >= float64(l.burst) {
			delete(l.ips, ip)
		}
	}
}

// allowRequest spends one token of ip's request budget.
func (l *ipLimits) allowRequest(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.get(ip, now).b.allow(now)
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

// clientIP is the address the request came from. Forwarded headers are not
// trusted: behind a proxy, raise the per-address limits instead.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

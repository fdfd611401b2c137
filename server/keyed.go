package server

import (
	"math"
	"sync"
	"time"
)

// keyedBuckets is one token bucket per key (an address, or an address and
// a café), for the budgets that outlive a connection: cafés created and
// joins. Keys whose bucket has refilled are forgotten when the map grows,
// which changes nothing, so a flood of addresses cannot grow it forever.
type keyedBuckets struct {
	mu    sync.Mutex
	rate  float64 // tokens a second; 0: no limit
	burst int
	m     map[string]*bucket
}

// maxKeys is when keyedBuckets prunes: far above any real room.
const maxKeys = 100_000

func newKeyedBuckets(rate float64, burst int) *keyedBuckets {
	return &keyedBuckets{rate: rate, burst: burst, m: map[string]*bucket{}}
}

// take spends one token of key's budget, or says it is spent.
func (k *keyedBuckets) take(key string, now time.Time) bool {
	if k.rate <= 0 {
		return true
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	b, ok := k.m[key]
	if !ok {
		if len(k.m) >= maxKeys {
			k.prune(now)
		}
		b = newBucket(k.rate, k.burst, now)
		k.m[key] = b
	}
	return b.allow(now)
}

// give returns a token taken for something that did not happen after all.
func (k *keyedBuckets) give(key string) {
	if k.rate <= 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if b, ok := k.m[key]; ok {
		b.tokens = min(b.burst, b.tokens+1)
	}
}

func (k *keyedBuckets) prune(now time.Time) {
	for key, b := range k.m {
		if b.tokens+now.Sub(b.last).Seconds()*k.rate >= b.burst {
			delete(k.m, key)
		}
	}
}

// bucket is a token bucket that can give a token back, which the budgets
// above need and rate.Limiter offers only through a reservation: rate
// tokens a second, up to burst. Not safe for concurrent use; keyedBuckets
// locks.
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
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// retryIn is how many whole seconds (at least one) until key's budget has
// a token again, for a Retry-After header.
func (k *keyedBuckets) retryIn(key string, now time.Time) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, ok := k.m[key]
	if !ok || k.rate <= 0 {
		return 1
	}
	missing := 1 - min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	return max(1, int(math.Ceil(missing/b.rate)))
}

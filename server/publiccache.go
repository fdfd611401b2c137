package server

import (
	"sync"

	"github.com/worldcafe/worldcafe/protocol"
)

// The public pages' caches: the café's public projection per café, and
// the drawn pages per café, page, language and state. Each entry is for
// one seq of its café and is replaced when the café changes. Both are
// bounded; when full, entries are dropped in no particular order, which
// costs only a drawing.

const (
	maxKeptPages     = 4096
	maxKeptPageBytes = 64 << 20
	maxKeptViews     = 1024
	// A page larger than this share of the cache is not kept: making room
	// for it would drop many others, each then drawn again. With paging no
	// page comes near it.
	keptPageShare = 16
)

// pageKey is one drawing of a page.
type pageKey struct {
	cafe   string
	kind   pageKind
	q      int
	page   int    // of a paged list
	item   string // of a contribution's page
	lang   string
	sent   string
	report string // the item whose report form is open
	status spaceStatus
}

type keptPage struct {
	seq   uint64
	parts [][]byte
	size  int
}

type pageCache struct {
	mu       sync.Mutex
	m        map[pageKey]keptPage
	bytes    int
	maxPages int
	maxBytes int
}

func newPageCache(maxPages, maxBytes int) *pageCache {
	return &pageCache{m: map[pageKey]keptPage{}, maxPages: maxPages, maxBytes: maxBytes}
}

func (c *pageCache) get(k pageKey, seq uint64) ([][]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[k]
	if !ok || p.seq != seq {
		return nil, false
	}
	return p.parts, true
}

func (c *pageCache) put(k pageKey, seq uint64, parts [][]byte) {
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		if old.seq > seq {
			return // a slower drawing of an older state
		}
		c.bytes -= old.size
		delete(c.m, k)
	}
	if size > c.maxBytes/keptPageShare {
		return
	}
	for key, p := range c.m {
		if len(c.m) < c.maxPages && c.bytes+size <= c.maxBytes {
			break
		}
		c.bytes -= p.size
		delete(c.m, key)
	}
	c.m[k] = keptPage{seq: seq, parts: parts, size: size}
	c.bytes += size
}

// publicSnap is a café's public projection at one seq.
type publicSnap struct {
	seq uint64
	protocol.Snapshot
}

type viewCache struct {
	mu  sync.Mutex
	m   map[string]*publicSnap
	max int
}

func newViewCache(max int) *viewCache { return &viewCache{m: map[string]*publicSnap{}, max: max} }

func (c *viewCache) get(cafe string) *publicSnap {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[cafe]
}

func (c *viewCache) put(cafe string, v *publicSnap) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[cafe]; ok && old.seq > v.seq {
		return
	}
	for key := range c.m {
		if len(c.m) < c.max {
			break
		}
		delete(c.m, key)
	}
	c.m[cafe] = v
}

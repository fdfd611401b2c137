package server

import (
	"bytes"
	"testing"
)

// A drawn page too big for the page cache is not kept, and the pages kept
// stay: it once emptied the whole cache to make room.
func TestPagingAPageTooBigForTheCacheLeavesTheOthersKept(t *testing.T) {
	c := newPageCache(100, 16_000)
	small := [][]byte{bytes.Repeat([]byte("x"), 100)}
	for q := range 3 {
		c.put(pageKey{cafe: "c1", kind: pageQuestion, q: q}, 1, small)
	}
	big := pageKey{cafe: "c1", kind: pageQuestion, q: 9}
	c.put(big, 1, [][]byte{bytes.Repeat([]byte("y"), 15_000)})
	if _, ok := c.get(big, 1); ok {
		t.Error("a page nearly the cache's size is kept")
	}
	for q := range 3 {
		if _, ok := c.get(pageKey{cafe: "c1", kind: pageQuestion, q: q}, 1); !ok {
			t.Errorf("question %d's page was dropped for a page the cache does not keep", q)
		}
	}
	if c.bytes != 300 || len(c.m) != 3 {
		t.Errorf("the cache counts %d bytes in %d pages, want 300 in 3", c.bytes, len(c.m))
	}
	// Each page number is a page of its own.
	c.put(pageKey{cafe: "c1", kind: pageQuestion, q: 0, page: 2}, 1, small)
	if len(c.m) != 4 {
		t.Errorf("page 2 of question 1 replaced page 1: %d pages kept", len(c.m))
	}
}

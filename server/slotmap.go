package server

import "time"

// slotMap is a bounded map whose entries belong to slots of time: the
// used form tokens by the time their page was drawn, the upvotes from one
// address by the hour they were cast. A slot too old to matter is dropped
// whole, so nothing is scanned entry by entry; over its cap the map
// forgets from its oldest slot, so it never refuses an entry. Every call
// costs the same whatever the number of entries. Not safe for concurrent
// use: its owner holds a lock.
type slotMap[K comparable, V any] struct {
	width time.Duration
	keep  int64 // slots kept, the newest included
	max   int   // entries kept in all
	slots map[int64]map[K]V
	n     int
	swept int64 // the newest slot when old slots were last dropped
}

func newSlotMap[K comparable, V any](width time.Duration, keep int64, max int) *slotMap[K, V] {
	return &slotMap[K, V]{width: width, keep: keep, max: max, slots: map[int64]map[K]V{}}
}

func (m *slotMap[K, V]) slot(t time.Time) int64 { return t.UnixNano() / int64(m.width) }

// get is k's value in the slot of at.
func (m *slotMap[K, V]) get(at time.Time, k K) (V, bool) {
	v, ok := m.slots[m.slot(at)][k]
	return v, ok
}

// put sets k in the slot of at, now being now.
func (m *slotMap[K, V]) put(at, now time.Time, k K, v V) {
	m.sweep(now)
	s := m.slot(at)
	entries := m.slots[s]
	if entries == nil {
		entries = map[K]V{}
		m.slots[s] = entries
	}
	if _, had := entries[k]; !had {
		m.n++
	}
	entries[k] = v
	for m.n > m.max {
		m.forgetOldest(s, k)
	}
}

// remove deletes k from the slot of at.
func (m *slotMap[K, V]) remove(at time.Time, k K) {
	s := m.slot(at)
	entries := m.slots[s]
	if _, had := entries[k]; !had {
		return
	}
	delete(entries, k)
	m.n--
	if len(entries) == 0 {
		delete(m.slots, s)
	}
}

// sweep drops the slots older than keep, once per slot of time: the slots
// are few (a day in quarter hours), the entries many.
func (m *slotMap[K, V]) sweep(now time.Time) {
	cur := m.slot(now)
	if cur == m.swept {
		return
	}
	m.swept = cur
	for s, entries := range m.slots {
		if s <= cur-m.keep {
			m.n -= len(entries)
			delete(m.slots, s)
		}
	}
}

// forgetOldest forgets one entry of the oldest slot, but for k, just put in
// slot s.
func (m *slotMap[K, V]) forgetOldest(s int64, k K) {
	first := true
	var oldest int64
	for at := range m.slots {
		if first || at < oldest {
			oldest, first = at, false
		}
	}
	for old := range m.slots[oldest] {
		if oldest != s || old != k {
			m.remove(time.Unix(0, oldest*int64(m.width)), old)
			return
		}
	}
}

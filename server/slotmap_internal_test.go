package server

import (
	"testing"
	"time"
)

func TestSlotMapForgetsTheOldestOverItsCapAndDropsExpiredSlotsWhole(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	m := newSlotMap[int, struct{}](time.Minute, 10, 100)
	// 60 entries a minute old, then 60 of now: the old ones go first.
	for i := range 60 {
		m.put(t0, t0, i, struct{}{})
	}
	now := t0.Add(time.Minute)
	for i := 100; i < 160; i++ {
		m.put(now, now, i, struct{}{})
	}
	if m.n != 100 || len(m.slots[m.slot(t0)]) != 40 || len(m.slots[m.slot(now)]) != 60 {
		t.Fatalf("holds %d (old %d, new %d), want 100: 40 old, all 60 new", m.n, len(m.slots[m.slot(t0)]), len(m.slots[m.slot(now)]))
	}
	// Over the cap within one slot, it still takes every entry.
	for i := 200; i < 400; i++ {
		m.put(now, now, i, struct{}{})
		if _, ok := m.get(now, i); !ok {
			t.Fatalf("entry %d was not kept", i)
		}
	}
	if m.n != 100 {
		t.Fatalf("holds %d, want its cap of 100", m.n)
	}
	// Ten minutes on, the old slots are dropped at the next put.
	later := now.Add(10 * time.Minute)
	m.put(later, later, 1, struct{}{})
	if m.n != 1 || len(m.slots) != 1 {
		t.Fatalf("holds %d in %d slots after the others expired, want 1 in 1", m.n, len(m.slots))
	}
	m.remove(later, 1)
	if m.n != 0 || len(m.slots) != 0 {
		t.Fatalf("holds %d in %d slots after its last entry went", m.n, len(m.slots))
	}
}

func TestFormTokensNeverRefuseForBeingFull(t *testing.T) {
	f := newFormTokens([]byte("key"), "")
	f.used = newSlotMap[usedForm, struct{}](usedSlot, int64(formTokenMaxAge/usedSlot)+2, 50)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var last string
	for i := range 200 {
		drawn := t0.Add(time.Duration(i) * time.Minute)
		last = f.issue("cafe", drawn)
		now := drawn.Add(3 * time.Second)
		if _, err := f.take("cafe", "contribute", last, now); err != nil {
			t.Fatalf("post %d refused: %v", i, err)
		}
		if f.used.n > 50 {
			t.Fatalf("holds %d used tokens, over its cap of 50", f.used.n)
		}
	}
	now := t0.Add(200 * time.Minute)
	if _, err := f.take("cafe", "contribute", last, now); err != errFormUsed {
		t.Fatalf("the newest token's replay: %v, want errFormUsed", err)
	}
	u, err := f.take("cafe", "ask", last, now)
	if err != nil {
		t.Fatalf("the same token for another form: %v", err)
	}
	f.giveBack(u)
	if _, err := f.take("cafe", "ask", last, now); err != nil {
		t.Fatalf("a token given back: %v", err)
	}
}

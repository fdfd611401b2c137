package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// Events to append and the helpers that check what a store gives back;
// exported ones serve the stores' own tests too.

// Note is a note.posted event at seq with data that depends on seq, so a
// misplaced event cannot pass for the right one.
func Note(seq uint64) protocol.Event {
	return event(seq, protocol.EvNotePosted, protocol.NotePosted{
		NoteID:   fmt.Sprintf("n-%d", seq),
		Author:   "p-1",
		Round:    1,
		Question: 0,
		Table:    int(seq%5) + 1,
		Text:     fmt.Sprintf("Idea %d: governments should convene, not control — «ouvert» ✓", seq),
	})
}

// Notes is n note events with seqs from, from+1, …
func Notes(from, n uint64) []protocol.Event {
	events := make([]protocol.Event, 0, n)
	for i := range n {
		events = append(events, Note(from+i))
	}
	return events
}

func created(seq uint64) protocol.Event {
	return event(seq, protocol.EvCafeCreated, protocol.CafeCreated{
		Cafe:         "cafe-a",
		Title:        "Internet governance café",
		Questions:    []string{"What is the role of governments in the multistakeholder model of the Internet?"},
		Tables:       10,
		Seats:        5,
		RoundSeconds: 1200,
		JoinCode:     "ABC-123",
	})
}

func writerEvent(seq uint64, writer int) protocol.Event {
	return event(seq, protocol.EvBroadcastSet, map[string]any{"text": fmt.Sprintf("writer %d", writer)})
}

func event(seq uint64, typ string, data any) protocol.Event {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(err) // only ever called with plain structs
	}
	return protocol.Event{Seq: seq, At: 1_760_000_000_000 + int64(seq)*1000, Type: typ, Data: raw}
}

// MustAppend appends or fails the test.
func MustAppend(tb testing.TB, s store.Store, cafe string, events []protocol.Event) {
	tb.Helper()
	if err := s.Append(context.Background(), cafe, events, time.Time{}); err != nil {
		tb.Fatalf("Append(%s): %v", cafe, err)
	}
}

// MustLoad loads or fails the test.
func MustLoad(tb testing.TB, s store.Store, cafe string) store.Recovery {
	tb.Helper()
	rec, err := s.Load(context.Background(), cafe)
	if err != nil {
		tb.Fatalf("Load(%s): %v", cafe, err)
	}
	return rec
}

// MustEvents reads events or fails the test.
func MustEvents(tb testing.TB, s store.Store, cafe string, after uint64, limit int) []protocol.Event {
	tb.Helper()
	events, err := s.Events(context.Background(), cafe, after, limit)
	if err != nil {
		tb.Fatalf("Events(%s, %d, %d): %v", cafe, after, limit, err)
	}
	return events
}

// SameEvents reports every way got differs from want; Data is compared as
// JSON values.
func SameEvents(tb testing.TB, got, want []protocol.Event) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("got %d events (seqs %v), want %d (seqs %v)", len(got), seqsOf(got), len(want), seqsOf(want))
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || g.At != w.At || g.Type != w.Type || !sameJSON(g.Data, w.Data) {
			tb.Errorf("event %d = {%d %d %s %s}, want {%d %d %s %s}", i, g.Seq, g.At, g.Type, g.Data, w.Seq, w.At, w.Type, w.Data)
		}
	}
}

func sameJSON(a, b json.RawMessage) bool {
	va, errA := decodeJSON(a)
	vb, errB := decodeJSON(b)
	if errA != nil || errB != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(va, vb)
}

func decodeJSON(raw json.RawMessage) (any, error) {
	if raw == nil {
		return nil, nil // a store may hand back nil Data as JSON null
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // keep large integers exact
	var v any
	err := d.Decode(&v)
	return v, err
}

func seqsOf(events []protocol.Event) []uint64 {
	seqs := make([]uint64, len(events))
	for i, e := range events {
		seqs[i] = e.Seq
	}
	return seqs
}

func sameCafes(tb testing.TB, s store.Store, want ...string) {
	tb.Helper()
	got, err := s.Cafes(context.Background())
	if err != nil {
		tb.Fatalf("Cafes: %v", err)
	}
	got = slices.Clone(got)
	want = slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		tb.Errorf("Cafes = %q, want %q", got, want)
	}
}

package server

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// BenchmarkRedactRing is what a hide costs the runner with a full resume
// window of the default size, all of it notes: once per published batch
// that hides something, never when posting.
func BenchmarkRedactRing(b *testing.B) {
	const window = 10_000
	s := cafe.New("cafe-1")
	r := &runner{state: s, ring: newRing(window), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for i := range window {
		ev := protocol.Event{Seq: uint64(i + 1), At: 1, Type: protocol.EvNotePosted, Data: protocol.EncodeData(protocol.NotePosted{
			NoteID: fmt.Sprintf("n%05d", i), Author: "0f8fad5b-d9cb-469f-a165-70867728950e", Round: 1, Table: 7,
			Text: "Governments should convene and listen, while other stakeholders lead on the technical details."})}
		if err := cafe.Apply(s, ev); err != nil {
			b.Fatal(err)
		}
		r.ring.push(ev.Seq, r.encodeCafe(ev))
	}
	hide := protocol.Event{Seq: window + 1, At: 1, Type: protocol.EvNoteHidden, Data: protocol.EncodeData(protocol.NoteHidden{NoteID: "n00042"})}
	if err := cafe.Apply(s, hide); err != nil {
		b.Fatal(err)
	}
	hidden := map[string]bool{"n00042": true}
	b.ReportAllocs()
	for b.Loop() {
		r.redactRing(hidden)
	}
	if f := r.ring.buf[42]; bytes.Contains(f.room, []byte("Governments")) || !bytes.Contains(f.full, []byte("Governments")) {
		b.Fatalf("the hidden note's frames after the hide: room %s, full %s", f.room, f.full)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/window, "ns/frame")
}

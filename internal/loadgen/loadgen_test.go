package loadgen

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// TestEveryScenarioRunsCleanAgainstBothServers runs the whole generator,
// small, against a real server and the baseline: every note reaches every
// device, nothing fails, and each result carries its measurements.
func TestEveryScenarioRunsCleanAgainstBothServers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every scenario")
	}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "worldcafe.db"), bolt.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(server.Config{Store: st, MessageRate: -1, IPRequestRate: -1, IPMaxConns: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	base := httptest.NewServer(NewBaseline())
	defer base.Close()

	cfg := Config{
		URL: hs.URL, BaselineURL: "ws" + base.URL[len("http"):],
		Attendees: 12, Tables: 3, Walls: 1, Rate: 20, Duration: 500 * time.Millisecond,
		Conns: 40, Sources: 2, Cafes: 2, Posters: 2, InFlight: 2,
		LatencyCafes: 1, LatencyPosters: 1, LatencyInFlight: 1,
		Progress: t.Logf,
	}
	results, err := Run(t.Context(), cfg, Scenarios)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range results {
		key := r.Scenario + "/" + r.Target
		seen[key] = true
		if r.ErrorCount != 0 || r.Missing != 0 {
			t.Errorf("%s: %d errors (first: %s), %d missing", key, r.ErrorCount, r.FirstError, r.Missing)
		}
		switch r.Scenario {
		case "room", "burst":
			if r.Delivery.N == 0 || r.Delivered != r.Notes*r.Conns {
				t.Errorf("%s: %d of %d×%d deliveries measured", key, r.Delivered, r.Notes, r.Conns)
			}
			if r.Target == "worldcafe" && r.Ack.N != r.Notes {
				t.Errorf("%s: %d acks measured for %d notes", key, r.Ack.N, r.Notes)
			}
		case "durable", "durable-latency":
			if r.Notes == 0 || r.Ack.N != r.Notes {
				t.Errorf("%s: %d notes, %d acks measured", key, r.Notes, r.Ack.N)
			}
		case "big":
			if r.Conns != cfg.Conns {
				t.Errorf("%s: %d connections of %d", key, r.Conns, cfg.Conns)
			}
		}
	}
	for _, want := range []string{"big/worldcafe", "big/baseline", "room/worldcafe", "room/baseline", "burst/worldcafe",
		"burst/baseline", "storm/worldcafe", "durable/worldcafe", "durable-latency/worldcafe"} {
		if !seen[want] {
			t.Errorf("no %s result", want)
		}
	}
}

func TestTheLeanReaderFindsWhatTheServerWrites(t *testing.T) {
	note := protocol.AppendEvent(nil, protocol.Event{Seq: 5, At: 1, Type: protocol.EvNotePosted,
		Data: protocol.EncodeData(protocol.NotePosted{NoteID: "room-worldcafe-17", Author: "a", Text: `he said "note_id" <b>`})})
	typ, rest, ok := envelopeType(note)
	if !ok || string(typ) != protocol.EvNotePosted {
		t.Fatalf("type of a note frame = %q, %v", typ, ok)
	}
	if id, ok := stringField(rest, `"note_id":"`); !ok || string(id) != "room-worldcafe-17" {
		t.Errorf("note id = %q, %v", id, ok)
	}
	ack := protocol.EncodeAck("p42", protocol.Ack{Seq: 5})
	typ, rest, ok = envelopeType(ack)
	if !ok || string(typ) != protocol.TypeAck {
		t.Fatalf("type of an ack = %q, %v", typ, ok)
	}
	if id, ok := stringField(rest, `"id":"`); !ok || string(id) != "p42" {
		t.Errorf("ack id = %q, %v", id, ok)
	}
	// Frames of another shape are left to the JSON decoder.
	if _, _, ok := envelopeType([]byte(`{"type":"ack","v":1}`)); ok {
		t.Error("a frame with its fields in another order was scanned")
	}
	if _, ok := stringField([]byte(`{"note_id":"a\"b"}`), `"note_id":"`); ok {
		t.Error("an escaped id was scanned")
	}

	tr := newTracker("room-x-")
	tr.markSent(17, 2)
	if l, from := tr.received([]byte("room-x-17")); l < 0 || from != 2 {
		t.Errorf("a sent note was not recognised as from node 2: %v, %d", l, from)
	}
	for _, id := range []string{"room-x-16", "room-x-999999", "room-y-17", "room-x-", "room-x--1", "other"} {
		if l, _ := tr.received([]byte(id)); l >= 0 {
			t.Errorf("%q was taken for a note this run sent", id)
		}
	}
	if tr.delivered.Load() != 1 || tr.frames.Load() != 7 {
		t.Errorf("delivered %d of %d frames, want 1 of 7", tr.delivered.Load(), tr.frames.Load())
	}
}

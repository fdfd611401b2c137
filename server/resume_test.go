package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// resumeRoom is a café with a running round, Ana posting, and a watcher
// (a wall or Ben, an attendee) that has read everything so far.
type resumeRoom struct {
	ts      *testServer
	cafe    *testCafe
	ana     *client.Conn
	token   string // the watcher's token
	watcher *client.Conn
}

func newResumeRoom(t *testing.T, cfg server.Config, watcherIsWall bool) *resumeRoom {
	t.Helper()
	cfg.MessageRate = -1 // Ana posts hundreds of notes in a row
	ts := MustServer(t, cfg)
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Resume", RoundSeconds: 3600})
	_, ana := c.MustJoin(t, "Ana")
	r := &resumeRoom{ts: ts, cafe: c, ana: ana}
	if watcherIsWall {
		r.token = c.WallToken
		r.watcher = ts.MustDial(t, c.Cafe, c.WallToken, client.Options{})
	} else {
		j, ben := c.MustJoin(t, "Ben")
		r.token, r.watcher = j.Token, ben
	}
	ack := MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	WaitSeq(t, r.watcher, ack.Seq)
	return r
}

// post has Ana post n notes with ids from noteID(from) and returns the last
// ack.
func (r *resumeRoom) post(t *testing.T, from, n int) protocol.Ack {
	t.Helper()
	var ack protocol.Ack
	for i := from; i < from+n; i++ {
		ack = MustSend(t, r.ana, protocol.CmdNotePost, protocol.NotePost{NoteID: noteID(i), Text: fmt.Sprintf("idea %d", i)})
	}
	return ack
}

func (r *resumeRoom) redial(t *testing.T, epoch, seq uint64) *client.Conn {
	t.Helper()
	return r.ts.MustDial(t, r.cafe.Cafe, r.token, client.Options{Epoch: epoch, Seq: seq})
}

func decodeNote(t *testing.T, env protocol.Envelope) protocol.NotePosted {
	t.Helper()
	if env.Type != protocol.EvNotePosted {
		t.Fatalf("frame at seq %d is %s, want %s", env.Seq, env.Type, protocol.EvNotePosted)
	}
	var n protocol.NotePosted
	if err := json.Unmarshal(env.Data, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// expectLive posts n more notes and checks that c receives them as the
// very next frames, with seqs after, after+1, ….
func (r *resumeRoom) expectLive(t *testing.T, c *client.Conn, after uint64, from, n int) {
	t.Helper()
	last := r.post(t, from, n)
	if last.Seq != after+uint64(n) {
		t.Fatalf("live notes were acked up to seq %d, want %d", last.Seq, after+uint64(n))
	}
	for i := range n {
		env := NextEvent(t, c)
		if want := after + uint64(i) + 1; env.Seq != want {
			t.Fatalf("live frame %d has seq %d (%s), want %d", i, env.Seq, env.Type, want)
		}
		if got := decodeNote(t, env).NoteID; got != noteID(from+i) {
			t.Fatalf("live frame %d is note %s, want %s", i, got, noteID(from+i))
		}
	}
}

func TestAReconnectingClientGetsExactlyTheEventsItMissedThenLiveOnes(t *testing.T) {
	for _, tc := range []struct {
		name string
		wall bool
	}{{"a wall", true}, {"an attendee", false}} {
		t.Run(tc.name, func(t *testing.T) {
			r := newResumeRoom(t, server.Config{}, tc.wall)
			epoch, seq := r.watcher.Position()
			if _, want := CafeState(t, r.ts, r.cafe.Cafe); seq != want || epoch == 0 {
				t.Fatalf("position before the drop is (%d, %d), want seq %d and an epoch", epoch, seq, want)
			}
			r.watcher.Kill()

			const missed = 200
			last := r.post(t, 0, missed)
			if last.Seq != seq+missed {
				t.Fatalf("the %d notes were acked up to seq %d, want %d", missed, last.Seq, seq+missed)
			}

			c := r.redial(t, epoch, seq)
			w := c.Welcome()
			if !w.Resumed || w.Epoch != epoch || w.Seq != last.Seq {
				t.Fatalf("welcome = %+v, want resumed at epoch %d with the café at seq %d", w, epoch, last.Seq)
			}
			for i := range missed {
				env := NextEvent(t, c)
				if env.Type == protocol.TypeSnapshot {
					t.Fatalf("got a snapshot after %d resumed events", i)
				}
				if want := seq + uint64(i) + 1; env.Seq != want {
					t.Fatalf("missed event %d has seq %d, want %d (a gap or a duplicate)", i, env.Seq, want)
				}
				if got := decodeNote(t, env).NoteID; got != noteID(i) {
					t.Fatalf("missed event %d is note %s, want %s", i, got, noteID(i))
				}
			}
			WaitPosition(t, c, last.Seq)
			r.expectLive(t, c, last.Seq, missed, 3)
		})
	}
}

func TestAClientThatResumesWithNothingMissedGetsNoFramesUntilTheNextEvent(t *testing.T) {
	r := newResumeRoom(t, server.Config{}, true)
	epoch, seq := r.watcher.Position()
	r.watcher.Kill()
	c := r.redial(t, epoch, seq)
	if w := c.Welcome(); !w.Resumed || w.Seq != seq {
		t.Fatalf("welcome = %+v, want resumed at seq %d", w, seq)
	}
	r.expectLive(t, c, seq, 0, 2)
}

// snapshotThenLive checks that c's first frame is a snapshot of the café at
// the welcome's seq holding every one of the notes, and that live events
// follow it without a gap.
func (r *resumeRoom) snapshotThenLive(t *testing.T, c *client.Conn, notes, nextNote int) {
	t.Helper()
	w := c.Welcome()
	if w.Resumed {
		t.Fatalf("welcome = %+v, want a snapshot (not resumed)", w)
	}
	_, cafeSeq := CafeState(t, r.ts, r.cafe.Cafe)
	if w.Seq != cafeSeq {
		t.Fatalf("welcome says seq %d, the café is at %d", w.Seq, cafeSeq)
	}
	env := NextEvent(t, c)
	if env.Type != protocol.TypeSnapshot {
		t.Fatalf("first frame after the welcome is %s, want a snapshot", env.Type)
	}
	if env.Seq != cafeSeq || env.Epoch != w.Epoch {
		t.Fatalf("snapshot at (%d, %d), want the café's (%d, %d)", env.Epoch, env.Seq, w.Epoch, cafeSeq)
	}
	var snap protocol.Snapshot
	if err := json.Unmarshal(env.Data, &snap); err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, n := range snap.Notes {
		have[n.ID] = n.Text
	}
	if len(have) != notes {
		t.Fatalf("snapshot holds %d notes, want %d", len(have), notes)
	}
	for i := range notes {
		if text, ok := have[noteID(i)]; !ok || text != fmt.Sprintf("idea %d", i) {
			t.Fatalf("snapshot has note %s = %q, %v", noteID(i), text, ok)
		}
	}
	if e := WaitPosition(t, c, cafeSeq); e != w.Epoch {
		t.Fatalf("position after the snapshot has epoch %d, want %d", e, w.Epoch)
	}
	r.expectLive(t, c, env.Seq, nextNote, 3)
}

func TestAClientFurtherBehindThanTheResumeWindowGetsASnapshotThenLiveEvents(t *testing.T) {
	r := newResumeRoom(t, server.Config{ResumeWindow: 50}, true)
	epoch, seq := r.watcher.Position()
	r.watcher.Kill()
	const missed = 200
	r.post(t, 0, missed)
	c := r.redial(t, epoch, seq)
	if w := c.Welcome(); w.Epoch != epoch {
		t.Fatalf("welcome epoch %d, want %d", w.Epoch, epoch)
	}
	r.snapshotThenLive(t, c, missed, missed)
}

func TestAClientWithAnotherEpochGetsASnapshot(t *testing.T) {
	r := newResumeRoom(t, server.Config{}, false)
	epoch, seq := r.watcher.Position()
	r.watcher.Kill()
	r.post(t, 0, 5)
	// The position is well inside the resume window, but of another log.
	c := r.redial(t, epoch+1, seq)
	r.snapshotThenLive(t, c, 5, 5)
}

func TestAClientWithAPositionAheadOfTheCafeGetsASnapshot(t *testing.T) {
	r := newResumeRoom(t, server.Config{}, true)
	epoch, seq := r.watcher.Position()
	r.watcher.Kill()
	r.post(t, 0, 2)
	c := r.redial(t, epoch, seq+1000)
	r.snapshotThenLive(t, c, 2, 2)
}

func TestTheWelcomeCarriesServerTimeAndTheClockOffsetIsSmallOnLoopback(t *testing.T) {
	ts := MustServer(t, server.Config{})
	created, err := ts.API.CreateCafe(context.Background(), protocol.CreateCafe{Title: "Clock"})
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().UnixMilli()
	c := ts.MustDial(t, created.Cafe, created.WallToken, client.Options{})
	after := time.Now().UnixMilli()
	// Server and test share one clock here, so the welcome's time must fall
	// inside the dial.
	if st := c.Welcome().ServerTime; st < before || st > after {
		t.Fatalf("welcome server_time %d is outside the dial [%d, %d]", st, before, after)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	offset, rtt, err := c.ClockOffset(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if offset < -time.Second || offset > time.Second || rtt < 0 {
		t.Fatalf("clock offset %v (rtt %v) on loopback, want |offset| < 1s", offset, rtt)
	}
}

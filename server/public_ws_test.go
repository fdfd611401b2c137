package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// publicRoom is a café whose online space is open, with Ana at a table in a
// running round and the facilitator connected.
type publicRoom struct {
	ts  *testServer
	c   *testCafe
	ana protocol.Joined
	// anaConn is Ana's phone.
	anaConn *client.Conn
}

func newPublicRoom(t *testing.T, cfg server.Config) *publicRoom {
	t.Helper()
	ts := MustServer(t, cfg)
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Open talks", RoundSeconds: 3600})
	r := &publicRoom{ts: ts, c: c}
	r.ana, r.anaConn = c.MustJoin(t, "Ana")
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	now := time.Now()
	if cfg.Now != nil {
		now = cfg.Now()
	}
	MustSend(t, c.Fac, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: now.Add(7 * 24 * time.Hour).UnixMilli()})
	return r
}

// dialPublic opens a public page's WebSocket and reads its welcome's
// snapshot.
func (r *publicRoom) dialPublic(t *testing.T, opts client.Options) (*client.Conn, protocol.Envelope) {
	t.Helper()
	conn := r.ts.MustDial(t, r.c.Cafe, protocol.PublicToken, opts)
	if w := conn.Welcome(); w.Role != protocol.RolePublic || w.ParticipantID != "" || w.Resumed {
		t.Fatalf("public welcome is %+v, want role public, no participant, not resumed", w)
	}
	env := NextEvent(t, conn)
	if env.Type != protocol.TypeSnapshot {
		t.Fatalf("first frame is %s, want a snapshot", env.Type)
	}
	return conn, env
}

// contribute posts a contribution as a public page's form does.
func (r *publicRoom) contribute(t *testing.T, itemID, text string) protocol.Ack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := r.ts.IssuePublic(ctx, r.c.Cafe, protocol.CmdOnlineContribute,
		protocol.OnlineContribute{ItemID: itemID, Question: 0, Text: text})
	if err != nil {
		t.Fatalf("contributing %s: %v", itemID, err)
	}
	return ack
}

// mustNotContain fails when any frame's data holds one of the secrets.
func mustNotContain(t *testing.T, envs []protocol.Envelope, secrets ...string) {
	t.Helper()
	for _, env := range envs {
		for _, s := range secrets {
			if strings.Contains(string(env.Data), s) {
				t.Fatalf("a public frame %s (seq %d) holds %q: %s", env.Type, env.Seq, s, env.Data)
			}
		}
	}
}

func TestPublicWSGetsTheOnlineSpaceAndNothingOfTheRoom(t *testing.T) {
	r := newPublicRoom(t, server.Config{})
	MustSend(t, r.anaConn, protocol.CmdNotePost, protocol.NotePost{NoteID: "n1", Text: "a room idea before publication"})
	pub, snap := r.dialPublic(t, client.Options{})
	mustNotContain(t, []protocol.Envelope{snap}, r.ana.ParticipantID, "a room idea before publication", r.ana.Token)

	r.contribute(t, "c1", "an online idea the moderator hides")
	MustSend(t, r.anaConn, protocol.CmdNotePost, protocol.NotePost{NoteID: "n2", Text: "another room idea"})
	MustSend(t, r.c.Fac, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: "c1", Reason: "off topic"})
	last := r.contribute(t, "c2", "an online idea everyone reads")
	flagCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// A report to the moderator is the moderator's only: the public hears
	// nothing of it.
	if _, err := r.ts.IssuePublic(flagCtx, r.c.Cafe, protocol.CmdOnlineFlag,
		protocol.OnlineFlag{ItemID: "c2", Reason: "a reason for the moderator"}); err != nil {
		t.Fatalf("flagging c2: %v", err)
	}
	last = r.contribute(t, "c3", "the last online idea")

	got := WaitSeq(t, pub, last.Seq)
	types := map[string]int{}
	for _, env := range got {
		types[env.Type]++
	}
	if types[protocol.EvOnlineContributed] != 3 || types[protocol.EvOnlineHidden] != 1 || types[protocol.EvOnlineFlagged] != 0 {
		t.Fatalf("the public socket got %v, want three online.contributed, one online.hidden and no online.flagged", types)
	}
	for typ := range types {
		if !strings.HasPrefix(typ, "online.") {
			t.Fatalf("the public socket got a %s of the room (all: %v)", typ, types)
		}
	}
	mustNotContain(t, got, r.ana.ParticipantID, "room idea", "a reason for the moderator")
	if !strings.Contains(string(got[len(got)-1].Data), "the last online idea") {
		t.Fatalf("the last public frame is %s, want c3's contribution", got[len(got)-1].Data)
	}

	// A page opened after the hiding: its socket's snapshot names the café
	// and holds nothing of the room (the page itself is drawn with the
	// public's view, which shows the reason, never the text: public_test.go).
	_, snap = r.dialPublic(t, client.Options{})
	mustNotContain(t, []protocol.Envelope{snap}, "an online idea the moderator hides", r.ana.ParticipantID, "room idea", "a reason for the moderator")
	if !strings.Contains(string(snap.Data), r.c.Cafe) {
		t.Fatalf("the public snapshot does not name the café: %s", snap.Data)
	}
}

func TestPublicWSCommandsAreRefusedAndChangeNothing(t *testing.T) {
	r := newPublicRoom(t, server.Config{})
	pub, _ := r.dialPublic(t, client.Options{})
	before, seq := CafeState(t, r.ts, r.c.Cafe)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, cmd := range []struct {
		typ  string
		data any
	}{
		{protocol.CmdNotePost, protocol.NotePost{NoteID: "p1", Text: "from a public page"}},
		{protocol.CmdOnlineContribute, protocol.OnlineContribute{ItemID: "p2", Text: "straight over the socket"}},
		{protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: "c1", Reason: "taking over"}},
		{protocol.CmdRoundEnd, nil},
		{"no.such.command", nil},
	} {
		_, err := pub.Send(ctx, cmd.typ, cmd.data)
		ExpectCode(t, err, protocol.CodeForbidden)
	}
	if _, _, err := pub.ClockOffset(ctx); err != nil {
		t.Fatalf("a public page's ping: %v", err)
	}
	after, seq2 := CafeState(t, r.ts, r.c.Cafe)
	if seq2 != seq || after != before {
		t.Fatalf("the café changed (seq %d → %d)", seq, seq2)
	}
}

func TestPublicWSHelloIsRefusedForACafeThatDoesNotExist(t *testing.T) {
	ts := MustServer(t, server.Config{})
	expectHelloRejected(t, ts, helloFrame(protocol.Hello{Token: protocol.PublicToken, Cafe: uuid.NewString()}),
		protocol.CodeNotFound, websocket.StatusCode(protocol.CloseCode(protocol.CodeNotFound)))
}

func TestPublicWSAlwaysGetsASnapshotNeverAResume(t *testing.T) {
	r := newPublicRoom(t, server.Config{})
	pub, _ := r.dialPublic(t, client.Options{})
	last := r.contribute(t, "c1", "an online idea")
	WaitSeq(t, pub, last.Seq)
	epoch, seq := pub.Position()
	pub.Close()
	// A resume it asks for is answered with a snapshot (dialPublic checks
	// that resumed is false and a snapshot comes first).
	again, snap := r.dialPublic(t, client.Options{Epoch: epoch, Seq: seq})
	if snap.Seq != again.Welcome().Seq || snap.Seq < last.Seq {
		t.Fatalf("the snapshot is at seq %d (welcome %d), want the café's newest, at least %d", snap.Seq, again.Welcome().Seq, last.Seq)
	}
	// The page draws the public's view itself; the socket's snapshot
	// only names the café, however big the consultation grew.
	if !strings.Contains(string(snap.Data), r.c.Cafe) || strings.Contains(string(snap.Data), "an online idea") {
		t.Fatalf("the public snapshot is not the café's header alone: %s", snap.Data)
	}
}

func TestPublicWSSocketsCountAgainstTheAddressLimits(t *testing.T) {
	t.Run("open connections over the address cap are refused with 429", func(t *testing.T) {
		// The facilitator's and Ana's sockets take two of the four.
		r := newPublicRoom(t, server.Config{IPMaxConns: 4})
		r.dialPublic(t, client.Options{})
		pub, _ := r.dialPublic(t, client.Options{})
		if resp := dialRefused(t, r.ts); resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("a fifth socket from one address answered %v, want 429", resp)
		}
		pub.Close()
		waitConnections(t, r.ts, 3, 5*time.Second)
		r.dialPublic(t, client.Options{}) // the closed one's place is free again
	})
	t.Run("a flood of public upgrades is refused with 429", func(t *testing.T) {
		clock := newStoppedClock()
		r := newPublicRoom(t, server.Config{Now: clock.Now, IPUpgradeRate: 1, IPUpgradeBurst: 6})
		for range 4 { // two of the burst went to the facilitator and Ana
			r.dialPublic(t, client.Options{})
		}
		if resp := dialRefused(t, r.ts); resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("the 7th upgrade answered %v, want 429", resp)
		}
	})
}

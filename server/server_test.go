package server_test

import (
	"testing"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

func TestANoteReachesEveryoneInTheRoom(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Smoke", RoundSeconds: 60})
	if env := NextEvent(t, c.Fac); env.Type != protocol.TypeSnapshot {
		t.Fatalf("facilitator first got %s, want snapshot", env.Type)
	}
	_, ana := c.MustJoin(t, "Ana")
	_, ben := c.MustJoin(t, "Ben")
	wall := ts.MustDial(t, c.Cafe, c.WallToken, client.Options{})
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	ack := MustSend(t, ana, protocol.CmdNotePost, protocol.NotePost{NoteID: "n1", Text: "  Governments convene, others lead  "})
	got := WaitSeq(t, wall, ack.Seq)
	last := got[len(got)-1]
	if last.Type != protocol.EvNotePosted {
		t.Fatalf("wall's last frame is %s, want note.posted", last.Type)
	}
	got = WaitSeq(t, ben, ack.Seq)
	if got[len(got)-1].Type != protocol.EvNotePosted {
		t.Fatalf("ben's last frame is %s", got[len(got)-1].Type)
	}
	dup := MustSend(t, ana, protocol.CmdNotePost, protocol.NotePost{NoteID: "n1", Text: "Governments convene, others lead"})
	if !dup.Duplicate || dup.Seq != ack.Seq {
		t.Fatalf("resend ack = %+v, want duplicate at seq %d", dup, ack.Seq)
	}
}

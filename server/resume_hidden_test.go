package server_test

import (
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// The words a device must not receive once the facilitator hid them.
const (
	hiddenNote   = "a note with a phone number 555-0100"
	hiddenEdit   = "the same note edited 555-0199"
	hiddenOnline = "an online idea with an address"
)

// hiddenSince is a café where a note and an online contribution were
// posted (and the note edited) after position, then both hidden.
type hiddenSince struct {
	*publicRoom
	epoch, seq uint64 // the position before the posting
	last       uint64 // the café's seq after the hides
}

// wallAway connects a wall, lets it read everything so far and drops it,
// returning the position it would resume from.
func wallAway(t *testing.T, r *publicRoom) (epoch, seq uint64) {
	t.Helper()
	wall := r.ts.MustDial(t, r.c.Cafe, r.c.WallToken, client.Options{})
	_, seq = CafeState(t, r.ts, r.c.Cafe)
	WaitSeq(t, wall, seq)
	epoch = WaitPosition(t, wall, seq)
	wall.Kill()
	return epoch, seq
}

// hideAfter posts, edits and hides while a device that had read up to
// (epoch, seq) is away.
func hideAfter(t *testing.T, r *publicRoom, epoch, seq uint64) *hiddenSince {
	t.Helper()
	MustSend(t, r.anaConn, protocol.CmdNotePost, protocol.NotePost{NoteID: "n1", Text: hiddenNote})
	MustSend(t, r.anaConn, protocol.CmdNoteEdit, protocol.NoteEdit{NoteID: "n1", Text: hiddenEdit})
	r.contribute(t, "c1", hiddenOnline)
	MustSend(t, r.c.Fac, protocol.CmdNoteHide, protocol.NoteRef{NoteID: "n1"})
	last := MustSend(t, r.c.Fac, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: "c1", Reason: "Personal data"})
	return &hiddenSince{publicRoom: r, epoch: epoch, seq: seq, last: last.Seq}
}

// resume dials token from the position before the posting and returns what
// it receives up to the hides, having checked that it is a resume.
func (h *hiddenSince) resume(t *testing.T, token string) []protocol.Envelope {
	t.Helper()
	c := h.ts.MustDial(t, h.c.Cafe, token, client.Options{Epoch: h.epoch, Seq: h.seq})
	if w := c.Welcome(); !w.Resumed || w.Seq != h.last {
		t.Fatalf("welcome = %+v, want resumed with the café at seq %d", w, h.last)
	}
	got := WaitSeq(t, c, h.last)
	if got[0].Seq != h.seq+1 {
		t.Fatalf("the first resumed frame is %s at seq %d, want seq %d", got[0].Type, got[0].Seq, h.seq+1)
	}
	return got
}

// countTypes counts envs by type.
func countTypes(envs []protocol.Envelope) map[string]int {
	n := map[string]int{}
	for _, env := range envs {
		n[env.Type]++
	}
	return n
}

// wantWordEvents fails unless envs hold the posting, the edit, the
// contribution and both hides.
func wantWordEvents(t *testing.T, envs []protocol.Envelope) {
	t.Helper()
	n := countTypes(envs)
	for _, typ := range []string{protocol.EvNotePosted, protocol.EvNoteEdited, protocol.EvOnlineContributed, protocol.EvNoteHidden, protocol.EvOnlineHidden} {
		if n[typ] != 1 {
			t.Fatalf("resumed frames %v, want one %s", n, typ)
		}
	}
}

func TestResumeAfterAHideBringsThePostingsWithoutTheHiddenWords(t *testing.T) {
	for _, tc := range []struct {
		name  string
		token func(r *publicRoom) string
	}{
		{"a wall", func(r *publicRoom) string { return r.c.WallToken }},
		{"an attendee", func(r *publicRoom) string { return r.ana.Token }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newPublicRoom(t, server.Config{})
			epoch, seq := wallAway(t, r)
			h := hideAfter(t, r, epoch, seq)
			got := h.resume(t, tc.token(r))
			wantWordEvents(t, got)
			for _, env := range got {
				for _, w := range []string{"555-01", hiddenOnline} {
					if strings.Contains(string(env.Data), w) {
						t.Errorf("resumed %s (seq %d) holds %q: %s", env.Type, env.Seq, w, env.Data)
					}
				}
			}
			for _, env := range got {
				if env.Type == protocol.EvNotePosted && !strings.Contains(string(env.Data), `"note_id":"n1"`) {
					t.Errorf("the resumed note.posted does not name its note: %s", env.Data)
				}
			}
		})
	}
}

func TestResumeAfterAHideStillBringsTheFacilitatorTheWords(t *testing.T) {
	r := newPublicRoom(t, server.Config{})
	_, seq := CafeState(t, r.ts, r.c.Cafe)
	epoch := WaitPosition(t, r.c.Fac, seq)
	h := hideAfter(t, r, epoch, seq)
	got := h.resume(t, r.c.FacilitatorToken)
	wantWordEvents(t, got)
	all := ""
	for _, env := range got {
		all += string(env.Data)
	}
	for _, w := range []string{hiddenNote, hiddenEdit, hiddenOnline, "Personal data"} {
		if !strings.Contains(all, w) {
			t.Errorf("the facilitator's resumed frames lack %q", w)
		}
	}
}

func TestResumeAfterARemovalBringsTheRemovedPersonsNotesWithoutWords(t *testing.T) {
	r := newPublicRoom(t, server.Config{})
	epoch, seq := wallAway(t, r)

	MustSend(t, r.anaConn, protocol.CmdNotePost, protocol.NotePost{NoteID: "n1", Text: hiddenNote})
	MustSend(t, r.anaConn, protocol.CmdNotePost, protocol.NotePost{NoteID: "n2", Text: hiddenEdit})
	last := MustSend(t, r.c.Fac, protocol.CmdParticipantRemove, protocol.ParticipantRef{ParticipantID: r.ana.ParticipantID})

	c := r.ts.MustDial(t, r.c.Cafe, r.c.WallToken, client.Options{Epoch: epoch, Seq: seq})
	if w := c.Welcome(); !w.Resumed {
		t.Fatalf("welcome = %+v, want resumed", w)
	}
	got := WaitSeq(t, c, last.Seq)
	if n := countTypes(got); n[protocol.EvNotePosted] != 2 || n[protocol.EvNoteHidden] != 2 || n[protocol.EvParticipantRemoved] != 1 {
		t.Fatalf("resumed frames %v, want two note.posted, two note.hidden and the removal", n)
	}
	for _, env := range got {
		if strings.Contains(string(env.Data), "555-01") {
			t.Errorf("resumed %s (seq %d) holds the removed person's words: %s", env.Type, env.Seq, env.Data)
		}
	}
}

func TestPublicWSAskingToResumeAfterAHideGetsASnapshotWithoutTheWords(t *testing.T) {
	r := newPublicRoom(t, server.Config{})
	pub, _ := r.dialPublic(t, client.Options{})
	_, seq := CafeState(t, r.ts, r.c.Cafe)
	epoch := WaitPosition(t, pub, seq)
	pub.Close()
	h := hideAfter(t, r, epoch, seq)

	// dialPublic checks the welcome is no resume and a snapshot comes first.
	again, snap := r.dialPublic(t, client.Options{Epoch: h.epoch, Seq: h.seq})
	if snap.Seq != h.last {
		t.Fatalf("the public snapshot is at seq %d, want %d", snap.Seq, h.last)
	}
	mustNotContain(t, []protocol.Envelope{snap}, "555-01", hiddenOnline)
	// Live from here: an event after the snapshot reaches it, and nothing
	// hidden came before it.
	next := r.contribute(t, "c2", "an online idea everyone reads")
	got := WaitSeq(t, again, next.Seq)
	mustNotContain(t, got, "555-01", hiddenOnline)
	if len(got) != 1 || got[0].Type != protocol.EvOnlineContributed {
		t.Fatalf("after the snapshot the public socket got %v, want the new contribution alone", countTypes(got))
	}
}

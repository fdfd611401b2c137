package cafe_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// harvestRoom is a café in town hall 1 with notes n1 (a1), n2 (a2), n3 (h1).
func harvestRoom(t *testing.T) *room {
	t.Helper()
	r := newRoom(t, protocol.CreateCafe{Tables: 2})
	r.seat(1, 2)
	r.do(control(protocol.CmdRoundStart))
	r.do(postCmd(attendee("a1"), "n1", "Open standards"))
	r.do(postCmd(attendee("a2"), "n2", "Capacity building"))
	r.do(postCmd(host("h1"), "n3", "Open data"))
	r.do(control(protocol.CmdRoundEnd))
	return r
}

func dot(a cafe.Actor, typ, vote, item string) cafe.Command {
	return cafe.Command{Type: typ, Actor: a, Data: protocol.VoteDot{VoteID: vote, ItemID: item}}
}

func TestThemes(t *testing.T) {
	t.Run("notes grouped into themes and merged keep every note, now in the surviving theme", func(t *testing.T) {
		r := harvestRoom(t)
		r.do(theme("open", 0))
		r.do(theme("data", 0))
		r.do(cafe.Command{Type: protocol.CmdNoteTheme, Actor: facilitator, Data: protocol.NoteTheme{NoteID: "n1", ThemeID: "open"}})
		r.do(cafe.Command{Type: protocol.CmdNoteTheme, Actor: facilitator, Data: protocol.NoteTheme{NoteID: "n3", ThemeID: "data"}})
		r.do(cafe.Command{Type: protocol.CmdThemeRename, Actor: facilitator, Data: protocol.ThemeRename{ThemeID: "open", Name: "Openness"}})
		wantEvents(t, r.do(cafe.Command{Type: protocol.CmdThemeMerge, Actor: facilitator, Data: protocol.ThemeMerge{ThemeID: "data", Into: "open"}}), protocol.EvThemeMerged)
		if _, ok := r.s.Themes["data"]; ok {
			t.Fatal("merged theme still exists")
		}
		for _, id := range []string{"n1", "n3"} {
			if got := r.s.Notes[id].Theme; got != "open" {
				t.Errorf("note %s in theme %q, want open", id, got)
			}
		}
		v := r.s.View(protocol.RoleWall)
		if len(v.Themes) != 1 || v.Themes[0].Name != "Openness" {
			t.Errorf("view themes %+v", v.Themes)
		}
	})
	t.Run("a note cannot join a theme of another question", func(t *testing.T) {
		r := harvestRoom(t)
		r.do(theme("q2", 1))
		r.reject(cafe.Command{Type: protocol.CmdNoteTheme, Actor: facilitator, Data: protocol.NoteTheme{NoteID: "n1", ThemeID: "q2"}}, protocol.CodeInvalid)
	})
	t.Run("themes are not made in the lobby", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.reject(theme("t", 0), protocol.CodeWrongPhase)
	})
	t.Run("a hidden note cannot be spotlit and hiding one takes it off the spotlight", func(t *testing.T) {
		r := harvestRoom(t)
		r.do(cafe.Command{Type: protocol.CmdSpotlight, Actor: facilitator, Data: protocol.Spotlight{NoteID: "n1"}})
		r.do(refCmd(facilitator, protocol.CmdNoteHide, "n1"))
		if r.s.Spotlight != nil {
			t.Fatalf("spotlight %+v on a hidden note", r.s.Spotlight)
		}
		r.reject(cafe.Command{Type: protocol.CmdSpotlight, Actor: facilitator, Data: protocol.Spotlight{NoteID: "n1"}}, protocol.CodeNotFound)
	})
}

func TestSpeakerQueue(t *testing.T) {
	r := harvestRoom(t)
	r.do(cafe.Command{Type: protocol.CmdHandRaise, Actor: attendee("a2")})
	r.do(cafe.Command{Type: protocol.CmdHandRaise, Actor: attendee("a1")})
	r.duplicate(cafe.Command{Type: protocol.CmdHandRaise, Actor: attendee("a1")})
	if !slices.Equal(r.s.Hands, []string{"a2", "a1"}) {
		t.Fatalf("queue %v, want first come first", r.s.Hands)
	}
	r.do(cafe.Command{Type: protocol.CmdSpeakerNext, Actor: facilitator})
	if r.s.Speaker != "a2" || !slices.Equal(r.s.Hands, []string{"a1"}) {
		t.Fatalf("speaker %q queue %v, want a2 speaking and a1 next", r.s.Speaker, r.s.Hands)
	}
	r.do(cafe.Command{Type: protocol.CmdHandLower, Actor: attendee("a1")})
	r.do(cafe.Command{Type: protocol.CmdSpeakerNext, Actor: facilitator})
	if r.s.Speaker != "" || len(r.s.Hands) != 0 {
		t.Fatalf("speaker %q queue %v after the queue ran out", r.s.Speaker, r.s.Hands)
	}
	r.duplicate(cafe.Command{Type: protocol.CmdSpeakerNext, Actor: facilitator})
}

func TestDotVotes(t *testing.T) {
	t.Run("each person has their dots, one per item unless stacking is on", func(t *testing.T) {
		r := harvestRoom(t)
		r.do(openVote("v", false)) // 3 dots, no stacking
		r.do(dot(attendee("a1"), protocol.CmdVoteCast, "v", "n1"))
		r.reject(dot(attendee("a1"), protocol.CmdVoteCast, "v", "n1"), protocol.CodeConflict)
		r.do(dot(attendee("a1"), protocol.CmdVoteCast, "v", "n2"))
		r.do(dot(attendee("a1"), protocol.CmdVoteCast, "v", "n3"))
		e := r.reject(dot(attendee("a2"), protocol.CmdVoteCast, "v", "nope"), protocol.CodeNotFound)
		_ = e
		r.do(dot(attendee("a2"), protocol.CmdVoteCast, "v", "n1"))
		r.do(dot(attendee("a1"), protocol.CmdVoteUncast, "v", "n3"))
		r.reject(dot(attendee("a1"), protocol.CmdVoteUncast, "v", "n3"), protocol.CodeConflict)
		tally := r.s.Votes["v"].Tally()
		if tally["n1"] != 2 || tally["n2"] != 1 || tally["n3"] != 0 {
			t.Fatalf("tally %v", tally)
		}
	})
	t.Run("with stacking a person may put all their dots on one item but no more", func(t *testing.T) {
		r := harvestRoom(t)
		r.do(cafe.Command{Type: protocol.CmdVoteOpen, Actor: facilitator, Data: protocol.VoteOpen{VoteID: "v", On: protocol.VoteOnNotes, Dots: 2, Stack: true, Question: -1}})
		r.do(dot(attendee("a1"), protocol.CmdVoteCast, "v", "n1"))
		r.do(dot(attendee("a1"), protocol.CmdVoteCast, "v", "n1"))
		r.reject(dot(attendee("a1"), protocol.CmdVoteCast, "v", "n2"), protocol.CodeConflict)
	})
	t.Run("hidden results reach nobody but the facilitator until revealed", func(t *testing.T) {
		r := harvestRoom(t)
		r.do(openVote("v", false))
		d := r.do(dot(attendee("a1"), protocol.CmdVoteCast, "v", "n2"))
		pub, changed := cafe.Redact(r.s, d.Events[0])
		if !changed || strings.Contains(string(pub.Data), "n2") || strings.Contains(string(pub.Data), "ballot") {
			t.Fatalf("public form %s leaks the dot", pub.Data)
		}
		if v := r.s.View(protocol.RoleWall).Votes[0]; v.Tally != nil || v.Voters != 1 {
			t.Fatalf("wall sees %+v before the reveal", v)
		}
		if v := r.s.View(protocol.RoleFacilitator).Votes[0]; v.Tally["n2"] != 1 {
			t.Fatalf("facilitator sees %+v", v)
		}
		rev := r.do(cafe.Command{Type: protocol.CmdVoteReveal, Actor: facilitator, Data: protocol.VoteRef{VoteID: "v"}})
		var res protocol.VoteResult
		mustJSON(t, rev.Events[0].Data, &res)
		if res.Tally["n2"] != 1 {
			t.Fatalf("revealed tally %v", res.Tally)
		}
		if v := r.s.View(protocol.RoleWall).Votes[0]; v.Tally["n2"] != 1 {
			t.Fatalf("wall sees %+v after the reveal", v)
		}
	})
	t.Run("a ballot never names the voter", func(t *testing.T) {
		r := harvestRoom(t)
		r.do(openVote("v", true))
		a := cafe.Actor{Role: protocol.RoleAttendee, ParticipantID: "a1", Secret: "token-hash-of-a1"}
		d := r.do(dot(a, protocol.CmdVoteCast, "v", "n1"))
		if strings.Contains(string(d.Events[0].Data), "a1") {
			t.Fatalf("vote event %s names the voter", d.Events[0].Data)
		}
		if got := r.s.DotsOf(a)["v"]["n1"]; got != 1 {
			t.Fatalf("DotsOf = %d, want the voter's own dot back", got)
		}
	})
	t.Run("votes open only in a town hall or the harvest, one at a time", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.reject(openVote("v", false), protocol.CodeWrongPhase)
		r = harvestRoom(t)
		r.do(openVote("v", false))
		r.reject(openVote("w", false), protocol.CodeConflict)
		r.do(cafe.Command{Type: protocol.CmdVoteClose, Actor: facilitator, Data: protocol.VoteRef{VoteID: "v"}})
		r.reject(dot(attendee("a1"), protocol.CmdVoteCast, "v", "n1"), protocol.CodeWrongPhase)
		r.do(openVote("w", false))
	})
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

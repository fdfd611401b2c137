package cafe_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// anonID is an id no other text in anonRoom contains, so finding it in a
// frame means the frame names the anonymous person.
const anonID = "zq-anon-7"

// anonRoom is a café in town hall 1 where anonID wrote notes that went
// through every change a note can have, next to a named participant.
func anonRoom(t *testing.T) *room {
	t.Helper()
	r := newRoom(t, protocol.CreateCafe{Tables: 2, Questions: []string{"One?", "Two?"}})
	r.do(joinCmd(anonID, protocol.Join{Name: "Hidden Name", Group: "government", Anonymous: true}))
	r.do(joinCmd("named", protocol.Join{Name: "Bo", Group: "academia"}))
	me := attendee(anonID)
	r.do(control(protocol.CmdRoundStart))
	r.do(postCmd(me, "a1", "An anonymous idea"))
	r.do(postCmd(me, "a2", "Another one"))
	r.do(postCmd(me, "a3", "Soon gone"))
	r.do(postCmd(attendee("named"), "b1", "A named idea"))
	r.do(editCmd(me, "a1", "An anonymous idea, edited"))
	r.do(refCmd(facilitator, protocol.CmdNoteHide, "a2"))
	r.do(editCmd(me, "a2", "Edited while hidden"))
	r.do(refCmd(facilitator, protocol.CmdNoteUnhide, "a2"))
	r.do(refCmd(me, protocol.CmdNoteDelete, "a3"))
	r.do(control(protocol.CmdRoundEnd))
	r.do(theme("t1", 0))
	r.do(cafe.Command{Type: protocol.CmdNoteTheme, Actor: facilitator, Data: protocol.NoteTheme{NoteID: "a1", ThemeID: "t1"}})
	r.do(cafe.Command{Type: protocol.CmdSpotlight, Actor: facilitator, Data: protocol.Spotlight{NoteID: "a1"}})
	r.do(openVote("v1", true))
	r.do(dot(attendee("named"), protocol.CmdVoteCast, "v1", "a1"))
	return r
}

// isNoteEvent reports whether typ is about notes (and what is made of them)
// rather than about where people sit or who speaks, which name a person.
func isNoteEvent(typ string) bool {
	for _, prefix := range []string{"note.", "theme.", "spotlight.", "vote."} {
		if strings.HasPrefix(typ, prefix) {
			return true
		}
	}
	return false
}

func TestAnonymousNotesNameNobody(t *testing.T) {
	r := anonRoom(t)

	t.Run("no frame of an anonymous note carries its author, in any audience", func(t *testing.T) {
		// The server sends the logged event to the facilitator and
		// Redact's form to everyone else.
		replay := cafe.New(r.s.ID)
		checked := 0
		for _, ev := range r.log {
			if err := cafe.Apply(replay, ev); err != nil {
				t.Fatal(err)
			}
			if !isNoteEvent(ev.Type) {
				continue
			}
			checked++
			pub, _ := cafe.Redact(replay, ev)
			for audience, frame := range map[string][]byte{"facilitator": protocol.AppendEvent(nil, ev), "others": protocol.AppendEvent(nil, pub)} {
				if bytes.Contains(frame, []byte(anonID)) {
					t.Errorf("the %s frame of %s names the anonymous author: %s", audience, ev.Type, frame)
				}
			}
		}
		if checked < 12 {
			t.Errorf("only %d note events checked; the room should make at least 12", checked)
		}
	})

	t.Run("note.posted says anonymous and names no author", func(t *testing.T) {
		for _, ev := range r.log {
			if ev.Type != protocol.EvNotePosted {
				continue
			}
			p := eventData[protocol.NotePosted](t, ev)
			if anon := p.NoteID != "b1"; anon != p.Anonymous || anon == (p.Author != "") {
				t.Errorf("note.posted %+v: want anonymous notes marked and authorless, named ones with their author", p)
			}
		}
	})

	t.Run("no snapshot's notes name the anonymous author, the facilitator's neither", func(t *testing.T) {
		for _, role := range []protocol.Role{protocol.RoleFacilitator, protocol.RoleHost, protocol.RoleAttendee, protocol.RoleWall} {
			v := r.s.View(role)
			if len(v.Notes) != 3 {
				t.Fatalf("%s sees %d notes, want 3", role, len(v.Notes))
			}
			for _, n := range v.Notes {
				if b := protocol.EncodeData(n); bytes.Contains(b, []byte(anonID)) {
					t.Errorf("%s snapshot note %s", role, b)
				}
				if anon := n.ID != "b1"; anon != n.Anonymous || (n.Author == "") != anon {
					t.Errorf("%s snapshot note %+v: want anonymous and authorless, or named", role, n)
				}
			}
			if b := protocol.EncodeData(v.Themes); bytes.Contains(b, []byte(anonID)) {
				t.Errorf("%s snapshot themes name the author: %s", role, b)
			}
		}
	})

	t.Run("the café still knows the author: edit rights, NotesOf, and a rebuild from the log", func(t *testing.T) {
		if got, want := r.s.NotesOf(anonID), []string{"a1", "a2"}; !slices.Equal(got, want) {
			t.Errorf("NotesOf = %v, want %v (deleted a3 left out)", got, want)
		}
		if got := r.s.NotesOf("named"); !slices.Equal(got, []string{"b1"}) {
			t.Errorf("NotesOf(named) = %v", got)
		}
		if got := r.s.NotesOf("nobody"); len(got) != 0 {
			t.Errorf("NotesOf(nobody) = %v", got)
		}
		r.reject(editCmd(attendee("named"), "a1", "Not mine"), protocol.CodeForbidden)
		wantRebuilds(t, r.log, r.s)
		if n := r.s.Notes["a1"]; n.Author != anonID || !n.Anonymous {
			t.Errorf("the state holds a1 as %+v, want its author kept privately", n)
		}
	})

	t.Run("an anonymous note without its private author is refused by Apply", func(t *testing.T) {
		s := cafe.New("c")
		for _, ev := range r.log {
			if ev.Type == protocol.EvNotePosted && ev.Private != nil {
				ev.Private = nil
				if err := cafe.Apply(s, ev); err == nil {
					t.Fatalf("Apply accepted an anonymous note without an author")
				}
				return
			}
			if err := cafe.Apply(s, ev); err != nil {
				t.Fatal(err)
			}
		}
		t.Fatal("no anonymous note.posted in the log")
	})
}

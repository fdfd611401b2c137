package cafe_test

import (
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// A note's events replayed after the note was hidden (a device resuming
// from before its posting) carry its words no more than the snapshot does.
func TestAHiddenNotesEventsReplayedNowCarryNoWords(t *testing.T) {
	r := notesRoom(t)
	posted := r.do(postCmd(attendee("a1"), "note-a", "Rude words")).Events[0]
	edited := r.do(editCmd(attendee("a1"), "note-a", "Ruder words")).Events[0]
	other := r.do(postCmd(attendee("a2"), "note-b", "Kind words")).Events[0]

	// Shown: everyone gets the events as they are.
	for _, ev := range []protocol.Event{posted, edited, other} {
		if _, changed := cafe.Redact(r.s, ev); changed {
			t.Errorf("%s of a shown note is redacted", ev.Type)
		}
	}

	r.do(refCmd(facilitator, protocol.CmdNoteHide, "note-a"))
	ev, changed := cafe.Redact(r.s, posted)
	got := eventData[protocol.NotePosted](t, ev)
	want := eventData[protocol.NotePosted](t, posted)
	want.Text = ""
	if !changed || got != want {
		t.Errorf("note.posted of a hidden note replayed as %s (changed %v), want %+v", ev.Data, changed, want)
	}
	if ev.Seq != posted.Seq || ev.Type != posted.Type || ev.At != posted.At {
		t.Errorf("the redacted note.posted is %+v, want the same seq, type and time as %+v", ev, posted)
	}
	if ev, changed := cafe.Redact(r.s, edited); !changed || strings.Contains(string(ev.Data), "Ruder") {
		t.Errorf("note.edited of a hidden note replayed as %s (changed %v)", ev.Data, changed)
	}
	if _, changed := cafe.Redact(r.s, other); changed {
		t.Error("hiding one note redacted another's posting")
	}
	if n := r.s.Notes["note-a"]; n.Text != "Ruder words" {
		t.Errorf("redacting changed the state's note: %+v", n)
	}

	// Shown again, the posting carries its words; hidden again, neither the
	// posting nor the note.unhidden that brought them back does.
	unhidden := r.do(refCmd(facilitator, protocol.CmdNoteUnhide, "note-a")).Events[0]
	if _, changed := cafe.Redact(r.s, posted); changed {
		t.Error("note.posted of a note shown again is still redacted")
	}
	r.do(refCmd(facilitator, protocol.CmdNoteHide, "note-a"))
	for _, ev := range []protocol.Event{posted, unhidden} {
		if red, changed := cafe.Redact(r.s, ev); !changed || strings.Contains(string(red.Data), "words") {
			t.Errorf("%s of a note hidden again replayed as %s (changed %v)", ev.Type, red.Data, changed)
		}
	}
}

func TestARemovedParticipantsNotePostingsReplayWithoutWords(t *testing.T) {
	r := notesRoom(t)
	posted := r.do(postCmd(attendee("a2"), "note-b", "Words of someone removed")).Events[0]
	r.do(cafe.Command{Type: protocol.CmdParticipantRemove, Actor: facilitator, Data: protocol.ParticipantRef{ParticipantID: "a2"}})
	if ev, changed := cafe.Redact(r.s, posted); !changed || strings.Contains(string(ev.Data), "removed") {
		t.Errorf("note.posted of a removed participant replayed as %s (changed %v)", ev.Data, changed)
	}
}

func TestAnAnonymousHiddenNoteReplaysAnonymousAndWithoutWords(t *testing.T) {
	r := anonRoom(t)
	var posted protocol.Event
	for _, ev := range r.log {
		if ev.Type == protocol.EvNotePosted && eventData[protocol.NotePosted](t, ev).NoteID == "a1" {
			posted = ev
		}
	}
	r.do(refCmd(facilitator, protocol.CmdNoteHide, "a1"))
	ev, changed := cafe.Redact(r.s, posted)
	p := eventData[protocol.NotePosted](t, ev)
	if !changed || p.Text != "" || !p.Anonymous || p.Author != "" || strings.Contains(string(ev.Data), anonID) {
		t.Errorf("an anonymous hidden note's posting replayed as %s (changed %v)", ev.Data, changed)
	}
}

// Redact reads a note's id from the first bytes of the data the café
// writes; data written otherwise (in another order, with escapes) is
// decoded, never taken for a shown note.
func TestAHiddenNotesPostingWrittenOtherwiseIsRedactedToo(t *testing.T) {
	r := notesRoom(t)
	posted := r.do(postCmd(attendee("a1"), "note-a", "Rude words")).Events[0]
	r.do(refCmd(facilitator, protocol.CmdNoteHide, "note-a"))
	for _, data := range []string{
		`{"text":"Rude words","note_id":"note-a","round":1}`,
		`{"note_id":"note\u002da","text":"Rude words"}`,
		`{ "note_id":"note-a","text":"Rude words"}`,
	} {
		ev := posted
		ev.Data = []byte(data)
		if red, changed := cafe.Redact(r.s, ev); !changed || strings.Contains(string(red.Data), "Rude") {
			t.Errorf("note.posted with data %s replayed as %s (changed %v)", data, red.Data, changed)
		}
	}
}

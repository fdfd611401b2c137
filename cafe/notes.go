package cafe

import (
	"fmt"

	"github.com/worldcafe/worldcafe/protocol"
)

// Sticky notes: posted, edited and deleted by their author, hidden and
// shown again by the facilitator.

func (d *decider) notePost(a Actor, p protocol.NotePost) error {
	if err := validID("note_id", p.NoteID); err != nil {
		return err
	}
	text, err := cleanText("note", p.Text, protocol.MaxNoteRunes, true, false)
	if err != nil {
		return err
	}
	if n, ok := d.s.Notes[p.NoteID]; ok {
		// A resend of a note whose ack was lost is acknowledged again and
		// changes nothing; anything else reusing the id is a conflict.
		if n.Author == a.ParticipantID && !n.Deleted && (n.Text == text || n.EditedAt != 0) {
			d.duplicate = true
			return nil
		}
		return protocol.Errorf(protocol.CodeConflict, "note id %q is already used", p.NoteID)
	}
	if d.s.Phase != protocol.PhaseRound {
		return protocol.Errorf(protocol.CodeWrongPhase, "notes can be posted only during a round")
	}
	author := d.s.Participants[a.ParticipantID]
	if author.Muted {
		return errMuted
	}
	ev := protocol.NotePosted{
		NoteID: p.NoteID, Author: author.ID, Round: d.s.Round, Question: d.s.question(),
		Table: author.Table, Text: text,
	}
	var priv private
	if author.Anonymous {
		// Nobody receives a handle on an anonymous author, the facilitator
		// neither: the log keeps it privately, for edit rights and removal.
		ev.Author, ev.Anonymous, priv.Author = "", true, author.ID
	}
	d.emitPrivate(protocol.EvNotePosted, ev, priv)
	return nil
}

// ownNote finds a live note written by a.
func (d *decider) ownNote(a Actor, id string) (*Note, error) {
	if err := validID("note_id", id); err != nil {
		return nil, err
	}
	n, ok := d.s.Notes[id]
	if !ok || n.Deleted {
		return nil, protocol.Errorf(protocol.CodeNotFound, "no note %q", id)
	}
	if n.Author != a.ParticipantID {
		return nil, protocol.Errorf(protocol.CodeForbidden, "you can change only your own notes")
	}
	if d.s.Phase == protocol.PhaseHarvest {
		return nil, protocol.Errorf(protocol.CodeWrongPhase, "notes cannot change during the harvest")
	}
	return n, nil
}

func (d *decider) noteEdit(a Actor, e protocol.NoteEdit) error {
	n, err := d.ownNote(a, e.NoteID)
	if err != nil {
		return err
	}
	if d.s.Participants[a.ParticipantID].Muted {
		return errMuted
	}
	text, err := cleanText("note", e.Text, protocol.MaxNoteRunes, true, false)
	if err != nil {
		return err
	}
	if text == n.Text {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvNoteEdited, protocol.NoteEdited{NoteID: n.ID, Text: text})
	return nil
}

func (d *decider) noteDelete(a Actor, r protocol.NoteRef) error {
	if n, ok := d.s.Notes[r.NoteID]; ok && n.Deleted && n.Author == a.ParticipantID {
		d.duplicate = true // a resent delete
		return nil
	}
	n, err := d.ownNote(a, r.NoteID)
	if err != nil {
		return err
	}
	d.emit(protocol.EvNoteDeleted, protocol.NoteDeleted{NoteID: n.ID})
	return nil
}

func (d *decider) noteHide(r protocol.NoteRef, hide bool) error {
	if err := validID("note_id", r.NoteID); err != nil {
		return err
	}
	n, ok := d.s.Notes[r.NoteID]
	if !ok || n.Deleted {
		return protocol.Errorf(protocol.CodeNotFound, "no note %q", r.NoteID)
	}
	if n.Hidden == hide {
		d.duplicate = true
		return nil
	}
	if hide {
		d.emit(protocol.EvNoteHidden, protocol.NoteHidden{NoteID: n.ID})
	} else {
		d.emit(protocol.EvNoteUnhidden, protocol.NoteUnhidden{NoteID: n.ID, Text: n.Text})
	}
	return nil
}

// redactNote is Redact for the events that carry a note's text: a note
// hidden since they went out is sent without its words to whoever receives
// them now (a device that resumes, a replay), as the snapshot shows it.
// Those who received them live have the words already; their client drops
// them when the note is hidden.
func redactNote(s *State, ev protocol.Event) (protocol.Event, bool) {
	if id, ok := leadingNoteID(ev.Data); ok {
		// Notes are posted and edited shown: the server encodes these
		// events as they happen, thousands a second, without decoding them.
		if n := s.Notes[string(id)]; n == nil || !n.Hidden {
			return ev, false
		}
	}
	switch ev.Type {
	case protocol.EvNotePosted:
		p, err := decode[protocol.NotePosted](ev)
		if err != nil || !s.noteHidden(p.NoteID) {
			return ev, false
		}
		p.Text = ""
		ev.Data = mustJSON(p)
		return ev, true
	case protocol.EvNoteEdited:
		e, err := decode[protocol.NoteEdited](ev)
		if err != nil || !s.noteHidden(e.NoteID) {
			return ev, false
		}
		ev.Data = mustJSON(protocol.NoteEdited{NoteID: e.NoteID})
		return ev, true
	case protocol.EvNoteUnhidden:
		u, err := decode[protocol.NoteUnhidden](ev)
		if err != nil || !s.noteHidden(u.NoteID) {
			return ev, false
		}
		// Shown again once, hidden again since: the words stay back.
		ev.Data = mustJSON(protocol.NoteUnhidden{NoteID: u.NoteID})
		return ev, true
	}
	return ev, false
}

// notePrefix is how the data of note.posted, note.edited and note.unhidden
// begin: their structs name the note first.
const notePrefix = `{"note_id":"`

// leadingNoteID reads the note an event names from its data's first
// bytes, and false when they are not an id as validID allows (which no
// escaping can hide a quote in): then the caller decodes.
func leadingNoteID(data []byte) ([]byte, bool) {
	if len(data) <= len(notePrefix) || string(data[:len(notePrefix)]) != notePrefix {
		return nil, false
	}
	rest := data[len(notePrefix):]
	for i, c := range rest {
		switch {
		case c == '"':
			return rest[:i], i > 0
		case !idByte(c):
			return nil, false
		}
	}
	return nil, false
}

// noteHidden reports whether the note with id is hidden now.
func (s *State) noteHidden(id string) bool {
	n := s.Notes[id]
	return n != nil && n.Hidden
}

// applyNotes folds the events of this file; ok is false for others.
func applyNotes(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvNotePosted:
		n, err := decode[protocol.NotePosted](ev)
		if err != nil {
			return true, err
		}
		priv, err := decodePrivate(ev)
		if err != nil {
			return true, err
		}
		author := n.Author
		if n.Anonymous {
			author = priv.Author
		}
		if author == "" {
			return true, fmt.Errorf("note %q has no author", n.NoteID)
		}
		s.Notes[n.NoteID] = &Note{
			ID: n.NoteID, Seq: ev.Seq, Author: author, Anonymous: n.Anonymous, Round: n.Round,
			Question: n.Question, Table: n.Table, Text: n.Text, At: ev.At,
		}
	case protocol.EvNoteEdited:
		e, err := decode[protocol.NoteEdited](ev)
		if err != nil {
			return true, err
		}
		n, err := s.note(e.NoteID)
		if err != nil {
			return true, err
		}
		n.Text, n.EditedAt = e.Text, ev.At
	case protocol.EvNoteDeleted, protocol.EvNoteHidden, protocol.EvNoteUnhidden:
		r, err := decode[protocol.NoteRef](ev)
		if err != nil {
			return true, err
		}
		n, err := s.note(r.NoteID)
		if err != nil {
			return true, err
		}
		switch ev.Type {
		case protocol.EvNoteDeleted:
			n.Deleted, n.Text, n.Theme = true, "", ""
			s.unspotlight(n.ID)
		case protocol.EvNoteHidden:
			n.Hidden = true
			s.unspotlight(n.ID)
		default:
			n.Hidden = false
		}
	default:
		return false, nil
	}
	return true, nil
}

// unspotlight takes a note off the wall's spotlight when it goes away.
func (s *State) unspotlight(noteID string) {
	if s.Spotlight != nil && s.Spotlight.NoteID == noteID {
		s.Spotlight = nil
	}
}

func (s *State) note(id string) (*Note, error) {
	n, ok := s.Notes[id]
	if !ok {
		return nil, fmt.Errorf("no note %q", id)
	}
	return n, nil
}

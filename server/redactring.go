package server

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// The resume window after a hide. A frame is redacted when it is encoded,
// with the state of that moment: a note or an online item hidden later
// keeps its words in the room's frames of its posting and its edits, and a
// wall or phone resuming from before the posting would receive them. So a
// hide re-encodes those frames from the facilitator's, with the state as
// it is now. The public's frames are not kept (public pages never resume),
// so there is nothing of theirs to redo.

// wordEvents are the events that carry an item's words, the only frames a
// hide can change, with the key their data names the item by: each data
// struct names its item first.
var wordEvents = map[string]string{
	protocol.EvNotePosted:        "note_id",
	protocol.EvNoteEdited:        "note_id",
	protocol.EvNoteUnhidden:      "note_id",
	protocol.EvOnlineContributed: "item_id",
	protocol.EvOnlineUnhidden:    "item_id",
	protocol.EvOnlineCommented:   "comment_id",
	protocol.EvTownHallAsked:     "question_id",
}

// hiddenBy is the item ev hides: a note (also when a participant is
// removed, which hides their notes with note.hidden) or an online item (a
// contribution, a comment, a town hall question).
func hiddenBy(ev protocol.Event) (string, bool) {
	switch ev.Type {
	case protocol.EvNoteHidden:
		var h protocol.NoteHidden
		return h.NoteID, json.Unmarshal(ev.Data, &h) == nil
	case protocol.EvOnlineHidden:
		var h protocol.OnlineHide
		return h.ItemID, json.Unmarshal(ev.Data, &h) == nil
	}
	return "", false
}

// redactRing re-encodes the room's frames, in the resume window, of the
// events that carry the words of the items just hidden. It runs once per
// published batch that hides something, never for one that does not, so
// posting costs nothing more. Its work is bounded by the window's size
// (Config.ResumeWindow): a look at each frame's first bytes, then a decode
// and a Redact of the few frames of those items. A removal that hides many
// notes is one pass too.
func (r *runner) redactRing(hidden map[string]bool) {
	r.ring.each(func(f *frames) {
		id, words, known := wordFrame(f.full)
		if known && (!words || !hidden[string(id)]) {
			return
		}
		var env protocol.Envelope
		if err := json.Unmarshal(f.full, &env); err != nil {
			r.log.Error("reading a frame of the resume window", "err", err)
			return
		}
		room, changed := cafe.Redact(r.state, protocol.Event{Seq: env.Seq, At: env.At, Type: env.Type, Data: env.Data})
		if changed {
			// A new slice: the old bytes may still sit in a connection's queue.
			f.room = protocol.AppendEvent(nil, room)
		}
	})
}

// framePrefix is how AppendEnvelope begins every frame: the version, then
// the type.
var framePrefix = []byte(`{"v":` + strconv.Itoa(protocol.Version) + `,"type":"`)

// wordFrame reads, without decoding, whether frame b carries an item's
// words (one of wordEvents) and the item's id. known is false when b is not
// laid out as AppendEnvelope writes the café's events (the type, the seq
// and time, then the data naming its item first, with a plain id): then
// only decoding tells.
func wordFrame(b []byte) (id []byte, words, known bool) {
	rest, ok := bytes.CutPrefix(b, framePrefix)
	if !ok {
		return nil, false, false
	}
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return nil, false, false
	}
	key, words := wordEvents[string(rest[:end])]
	if !words {
		return nil, false, true
	}
	_, rest, ok = bytes.Cut(rest[end:], []byte(`,"data":{"`+key+`":"`))
	if !ok {
		return nil, true, false
	}
	end = bytes.IndexByte(rest, '"')
	if end <= 0 || bytes.IndexByte(rest[:end], '\\') >= 0 {
		return nil, true, false
	}
	return rest[:end], true, true
}

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

// wordEvents are the events that carry an item's words: the only frames a
// hide can change.
var wordEvents = []string{
	protocol.EvNotePosted, protocol.EvNoteEdited, protocol.EvNoteUnhidden,
	protocol.EvOnlineContributed, protocol.EvOnlineCommented, protocol.EvOnlineUnhidden,
	protocol.EvTownHallAsked,
}

// wordPrefixes are how the frames of wordEvents begin: AppendEnvelope
// writes the version, then the type. Looking at a frame's first bytes
// spares decoding the window's other frames.
var wordPrefixes = func() [][]byte {
	out := make([][]byte, len(wordEvents))
	for i, typ := range wordEvents {
		out[i] = []byte(`{"v":` + strconv.Itoa(protocol.Version) + `,"type":"` + typ + `"`)
	}
	return out
}()

// hides reports whether ev hides something: a note (also as part of a
// participant's removal, which hides their notes with note.hidden) or an
// online item (a contribution, a comment, a town hall question).
func hides(ev protocol.Event) bool {
	return ev.Type == protocol.EvNoteHidden || ev.Type == protocol.EvOnlineHidden
}

// redactRing re-encodes the room's frame of every event in the resume
// window that carries words hidden now. It runs once per published batch
// that hides something, never for a batch that does not, so posting costs
// nothing more. Its work is bounded by the window's size (Config.ResumeWindow):
// a look at the first bytes of each frame, and a decode and a Redact of
// those that carry words; a removal hiding many notes is one pass too.
func (r *runner) redactRing() {
	redone := 0
	r.ring.each(func(f *frames) {
		if !hasWordPrefix(f.full) {
			return
		}
		var env protocol.Envelope
		if err := json.Unmarshal(f.full, &env); err != nil {
			r.log.Error("reading a frame of the resume window", "seq", r.ring.first, "err", err)
			return
		}
		ev := protocol.Event{Seq: env.Seq, At: env.At, Type: env.Type, Data: env.Data}
		room, changed := cafe.Redact(r.state, ev)
		if !changed {
			return
		}
		// A new slice: the old bytes may still sit in a connection's queue.
		f.room = protocol.AppendEvent(nil, room)
		redone++
	})
	r.log.Debug("redacted the resume window after a hide", "frames", redone)
}

func hasWordPrefix(b []byte) bool {
	for _, p := range wordPrefixes {
		if bytes.HasPrefix(b, p) {
			return true
		}
	}
	return false
}

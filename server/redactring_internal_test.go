package server

import (
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
)

// Every event that carries words is recognised from its frame's first
// bytes with the item it names, so a hide decodes only that item's frames;
// a frame laid out otherwise is left to decoding.
func TestWordFramesNameTheirItemWithoutDecoding(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		data any
	}{
		{protocol.EvNotePosted, protocol.NotePosted{NoteID: "n-1", Author: "p", Round: 1, Text: "words"}},
		{protocol.EvNoteEdited, protocol.NoteEdited{NoteID: "n-1", Text: "words"}},
		{protocol.EvNoteUnhidden, protocol.NoteUnhidden{NoteID: "n-1", Text: "words"}},
		{protocol.EvOnlineContributed, protocol.OnlineContribute{ItemID: "n-1", Title: "t", Text: "words"}},
		{protocol.EvOnlineUnhidden, protocol.OnlineUnhidden{ItemID: "n-1", Text: "words"}},
		{protocol.EvOnlineCommented, protocol.OnlineComment{CommentID: "n-1", OnID: "c-9", Text: "words"}},
		{protocol.EvTownHallAsked, protocol.TownHallAsk{QuestionID: "n-1", Text: "words"}},
	} {
		b := protocol.AppendEvent(nil, protocol.Event{Seq: 12, At: 34, Type: tc.typ, Data: protocol.EncodeData(tc.data)})
		if id, words, known := wordFrame(b); string(id) != "n-1" || !words || !known {
			t.Errorf("%s: wordFrame(%s) = %q, %v, %v; want n-1, true, true", tc.typ, b, id, words, known)
		}
	}
	if len(wordEvents) != 7 {
		t.Errorf("wordEvents has %d types; this test checks 7", len(wordEvents))
	}
	round := protocol.AppendEvent(nil, protocol.Event{Seq: 12, Type: protocol.EvRoundStarted, Data: []byte(`{}`)})
	if _, words, known := wordFrame(round); words || !known {
		t.Errorf("wordFrame(%s) = _, %v, %v; want no words, known", round, words, known)
	}
	for _, b := range []string{
		`{"type":"note.posted","v":1,"seq":12,"data":{"note_id":"n-1","text":"words"}}`,
		`{"v":1,"type":"note.posted","seq":12,"data":{"text":"words","note_id":"n-1"}}`,
		`{"v":1,"type":"note.posted","seq":12,"data":{"note_id":"n\u002d1","text":"words"}}`,
	} {
		if _, _, known := wordFrame([]byte(b)); known {
			t.Errorf("wordFrame(%s) claims to know it; want it decoded", b)
		}
	}
}

package protocol

import (
	"bytes"
	"encoding/json"
	"testing"
)

var eventCases = []struct {
	name string
	ev   Event
}{
	{"a note", Event{Seq: 42, At: 1764219000000, Type: EvNotePosted, Data: EncodeData(NotePosted{NoteID: "n1", Author: "p1", Round: 1, Table: 3, Text: "Convene, don't control."})}},
	{"a note with HTML characters", Event{Seq: 7, At: 1, Type: EvNotePosted, Data: json.RawMessage(`{"text":"a < b & c > d"}`)}},
	{"a note with line separators", Event{Seq: 7, At: 1, Type: EvNotePosted, Data: json.RawMessage("{\"text\":\"a\u2028b\u2029c\"}")}},
	{"data with white space", Event{Seq: 7, At: 1, Type: EvNotePosted, Data: json.RawMessage("{ \"text\" :\n\"a b\" }")}},
	{"escapes in a string", Event{Seq: 7, At: 1, Type: EvNotePosted, Data: json.RawMessage(`{"text":"say \"hi\"\\ \u00e9 \t"}`)}},
	{"no data", Event{Seq: 9, At: 2, Type: EvHarvestStarted}},
	{"empty data object", Event{Seq: 9, At: 2, Type: EvCafeClosed, Data: json.RawMessage(`{}`)}},
	{"no seq or time", Event{Type: EvRoundEnded, Data: json.RawMessage(`{"round":1}`)}},
	{"an unusual type name", Event{Seq: 1, At: 1, Type: `odd "type" <x>`, Data: json.RawMessage(`{}`)}},
	{"an empty type name", Event{Seq: 1, At: 1, Data: json.RawMessage(`null`)}},
	{"a negative time", Event{Seq: 1, At: -5, Type: EvRoundEnded, Data: json.RawMessage(`[1,2,{"a":null}]`)}},
	{"unicode text", Event{Seq: 1, At: 1, Type: EvNotePosted, Data: EncodeData(NotePosted{Text: "議論 🙂 ñ"})}},
	{"a private part", Event{Seq: 3, At: 1, Type: EvNotePosted, Data: EncodeData(NotePosted{NoteID: "n1", Anonymous: true}), Private: json.RawMessage(`{"author":"p-secret"}`)}},
}

func TestTheLogsPrivatePartNeverGoesOnTheWire(t *testing.T) {
	ev := Event{Seq: 3, At: 1, Type: EvNotePosted, Data: EncodeData(NotePosted{NoteID: "n1", Anonymous: true}), Private: json.RawMessage(`{"author":"p-secret"}`)}
	for name, frame := range map[string][]byte{"EncodeEvent": EncodeEvent(ev), "AppendEvent": AppendEvent(nil, ev)} {
		if bytes.Contains(frame, []byte("p-secret")) || bytes.Contains(frame, []byte("private")) {
			t.Errorf("%s writes the private part: %s", name, frame)
		}
	}
}

func TestAppendEventWritesWhatEncodeEventWrites(t *testing.T) {
	for _, tt := range eventCases {
		t.Run(tt.name, func(t *testing.T) {
			want := EncodeEvent(tt.ev)
			if got := AppendEvent(nil, tt.ev); !bytes.Equal(got, want) {
				t.Errorf("AppendEvent = %s\nEncodeEvent = %s", got, want)
			}
			prefix := []byte("xyz")
			if got := AppendEvent(prefix, tt.ev); !bytes.Equal(got, append([]byte("xyz"), want...)) {
				t.Errorf("AppendEvent after a prefix = %s", got)
			}
		})
	}
}

func TestEncodeAckWritesWhatMarshalWrites(t *testing.T) {
	for _, id := range []string{"", "c1", "note-7", `a"b`, "a<b", "é", "tab\there", "back\\slash"} {
		for _, ack := range []Ack{{}, {Seq: 12}, {Seq: 12, Duplicate: true}, {Duplicate: true}} {
			want := Marshal(Envelope{Type: TypeAck, ID: id, Seq: ack.Seq, Data: EncodeData(ack)})
			if got := EncodeAck(id, ack); !bytes.Equal(got, want) {
				t.Errorf("EncodeAck(%q, %+v) = %s, Marshal = %s", id, ack, got, want)
			}
		}
	}
}

func TestAppendEnvelopeWritesWhatMarshalWrites(t *testing.T) {
	tests := []struct {
		name string
		env  Envelope
	}{
		{"a welcome", Envelope{Type: TypeWelcome, Data: EncodeData(Welcome{Cafe: "c", Role: RoleWall, Epoch: 3, Seq: 9, ServerTime: 12})}},
		{"a snapshot", Envelope{Type: TypeSnapshot, Seq: 9, Epoch: 1 << 52, Data: EncodeData(Snapshot{Cafe: "c", Title: "<b>Bold</b> & more"})}},
		{"an error", Envelope{Type: TypeError, ID: "c1", Error: &Error{Code: CodeInvalid, Message: "no"}}},
		{"an id to escape", Envelope{Type: TypePong, ID: "a\"b", Data: json.RawMessage(`{}`)}},
		{"nothing but a type", Envelope{Type: TypePing}},
		{"everything", Envelope{Type: "x.y", ID: "i", Seq: 1, Epoch: 2, At: 3, Data: json.RawMessage(`1`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := AppendEnvelope(nil, tt.env), Marshal(tt.env); !bytes.Equal(got, want) {
				t.Errorf("AppendEnvelope = %s\nMarshal = %s", got, want)
			}
		})
	}
}

func FuzzAppendEvent(f *testing.F) {
	for _, tt := range eventCases {
		f.Add(tt.ev.Type, tt.ev.Seq, tt.ev.At, []byte(tt.ev.Data))
	}
	f.Fuzz(func(t *testing.T, typ string, seq uint64, at int64, data []byte) {
		if len(data) > 0 && !json.Valid(data) {
			return // Data is always valid JSON; EncodeEvent refuses anything else
		}
		ev := Event{Seq: seq, At: at, Type: typ, Data: data}
		if got, want := AppendEvent(nil, ev), EncodeEvent(ev); !bytes.Equal(got, want) {
			t.Errorf("AppendEvent = %s\nEncodeEvent = %s", got, want)
		}
	})
}

func FuzzAppendEnvelope(f *testing.F) {
	f.Add("snapshot", "", uint64(3), uint64(7), int64(0), []byte(`{"a":[1,"<"]}`))
	f.Add("ack", "c1", uint64(3), uint64(0), int64(5), []byte(`{"seq":3}`))
	f.Fuzz(func(t *testing.T, typ, id string, seq, epoch uint64, at int64, data []byte) {
		if len(data) > 0 && !json.Valid(data) {
			return
		}
		env := Envelope{Type: typ, ID: id, Seq: seq, Epoch: epoch, At: at, Data: data}
		if got, want := AppendEnvelope(nil, env), Marshal(env); !bytes.Equal(got, want) {
			t.Errorf("AppendEnvelope = %s\nMarshal = %s", got, want)
		}
	})
}

func FuzzEncodeAck(f *testing.F) {
	f.Add("c1", uint64(3), false)
	f.Add(`a"<>&é`, uint64(0), true)
	f.Fuzz(func(t *testing.T, id string, seq uint64, dup bool) {
		ack := Ack{Seq: seq, Duplicate: dup}
		if got, want := EncodeAck(id, ack), Marshal(Envelope{Type: TypeAck, ID: id, Seq: seq, Data: EncodeData(ack)}); !bytes.Equal(got, want) {
			t.Errorf("EncodeAck = %s\nMarshal = %s", got, want)
		}
	})
}

func BenchmarkEncodeEvent(b *testing.B) {
	ev := eventCases[0].ev
	b.Run("EncodeEvent", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			EncodeEvent(ev)
		}
	})
	b.Run("AppendEvent", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			AppendEvent(nil, ev)
		}
	})
}

package protocol_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
)

// wantCode fails unless err is a *protocol.Error with code and a message.
func wantCode(tb testing.TB, err error, code protocol.Code) {
	tb.Helper()
	if code == "" {
		if err != nil {
			tb.Fatalf("error %v, want none", err)
		}
		return
	}
	var perr *protocol.Error
	if !errors.As(err, &perr) {
		tb.Fatalf("error %v (%T), want a *protocol.Error with code %q", err, err, code)
	}
	if perr.Code != code {
		tb.Fatalf("code %q (%s), want %q", perr.Code, perr.Message, code)
	}
	if perr.Message == "" {
		tb.Errorf("error %q has no message", perr.Code)
	}
}

// frame builds a frame from a JSON template, with %q-free substitutions.
func frame(format string, args ...any) []byte { return []byte(fmt.Sprintf(format, args...)) }

// padTo pads a valid frame with trailing spaces to exactly n bytes.
func padTo(tb testing.TB, b []byte, n int) []byte {
	tb.Helper()
	if len(b) > n {
		tb.Fatalf("frame of %d bytes is already longer than %d", len(b), n)
	}
	return append(b, bytes.Repeat([]byte(" "), n-len(b))...)
}

func TestDecodeEnvelope(t *testing.T) {
	ping := []byte(`{"v":1,"type":"ping","data":{"client_time":5}}`)
	for _, tc := range []struct {
		name  string
		frame []byte
		code  protocol.Code
	}{
		{"a minimal frame is accepted", []byte(`{"v":1,"type":"ping"}`), ""},
		{"a command frame with id and data is accepted", []byte(`{"v":1,"type":"note.post","id":"c-1","data":{"note_id":"n1","text":"Hi"}}`), ""},
		{"surrounding white space is accepted", []byte(" \n\t{\"v\":1,\"type\":\"ping\"}\r\n "), ""},
		{"a frame of exactly the largest size is accepted", padTo(t, ping, protocol.MaxFrameBytes), ""},
		{"a frame one byte over the largest size is too large", padTo(t, ping, protocol.MaxFrameBytes+1), protocol.CodeTooLarge},
		{"a huge frame is too large", append([]byte(`{"v":1,"type":"ping","data":"`), bytes.Repeat([]byte("x"), 1<<20)...), protocol.CodeTooLarge},
		{"an empty frame is malformed", []byte(""), protocol.CodeMalformed},
		{"white space alone is malformed", []byte("  \n "), protocol.CodeMalformed},
		{"text that is not JSON is malformed", []byte("hello"), protocol.CodeMalformed},
		{"an unfinished object is malformed", []byte(`{"v":1,"type":"ping"`), protocol.CodeMalformed},
		{"a JSON array is malformed", []byte(`[{"v":1,"type":"ping"}]`), protocol.CodeMalformed},
		{"a JSON string is malformed", []byte(`"ping"`), protocol.CodeMalformed},
		{"a JSON number is malformed", []byte(`1`), protocol.CodeMalformed},
		{"JSON null is not an envelope", []byte(`null`), protocol.CodeMalformed},
		{"a second frame after the first is trailing data", []byte(`{"v":1,"type":"ping"}{"v":1,"type":"ping"}`), protocol.CodeMalformed},
		{"garbage after the frame is trailing data", []byte(`{"v":1,"type":"ping"} x`), protocol.CodeMalformed},
		{"a stray brace after the frame is trailing data", []byte(`{"v":1,"type":"ping"}}`), protocol.CodeMalformed},
		{"an unknown field is malformed", []byte(`{"v":1,"type":"ping","token":"secret"}`), protocol.CodeMalformed},
		{"a field of the wrong type is malformed", []byte(`{"v":"1","type":"ping"}`), protocol.CodeMalformed},
		{"data that is not JSON is malformed", []byte(`{"v":1,"type":"ping","data":}`), protocol.CodeMalformed},
		{"a negative seq is malformed", []byte(`{"v":1,"type":"ping","seq":-1}`), protocol.CodeMalformed},
		{"a frame without a version is the wrong version", []byte(`{"type":"ping"}`), protocol.CodeBadVersion},
		{"version 0 is the wrong version", []byte(`{"v":0,"type":"ping"}`), protocol.CodeBadVersion},
		{"version 2 is the wrong version", []byte(`{"v":2,"type":"ping"}`), protocol.CodeBadVersion},
		{"an empty object is the wrong version", []byte(`{}`), protocol.CodeBadVersion},
		{"an empty type is malformed", []byte(`{"v":1,"type":""}`), protocol.CodeMalformed},
		{"a missing type is malformed", []byte(`{"v":1,"id":"c-1"}`), protocol.CodeMalformed},
		{"a 64-byte id is accepted", frame(`{"v":1,"type":"ping","id":"%s"}`, strings.Repeat("i", 64)), ""},
		{"a 65-byte id is invalid", frame(`{"v":1,"type":"ping","id":"%s"}`, strings.Repeat("i", 65)), protocol.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, err := protocol.DecodeEnvelope(tc.frame)
			wantCode(t, err, tc.code)
			if tc.code != "" {
				if env != nil {
					t.Errorf("a rejected frame returned envelope %+v", env)
				}
				return
			}
			if env == nil || env.V != protocol.Version || env.Type == "" {
				t.Fatalf("envelope %+v", env)
			}
		})
	}

	t.Run("the fields of a command frame are kept", func(t *testing.T) {
		env, err := protocol.DecodeEnvelope([]byte(`{"v":1,"type":"round.extend","id":"cmd-7","seq":3,"epoch":9,"at":1700000000000,"data":{"minutes": 5}}`))
		wantCode(t, err, "")
		if env.Type != protocol.CmdRoundExtend || env.ID != "cmd-7" || env.Seq != 3 || env.Epoch != 9 || env.At != 1700000000000 {
			t.Errorf("envelope %+v", env)
		}
		if string(env.Data) != `{"minutes": 5}` {
			t.Errorf("data %s, want it as sent", env.Data)
		}
	})

	t.Run("what Marshal encodes decodes to the same envelope", func(t *testing.T) {
		in := protocol.Envelope{Type: protocol.CmdNotePost, ID: "c-1", Data: protocol.EncodeData(protocol.NotePost{NoteID: "n1", Text: "<Hi> & bye"})}
		env, err := protocol.DecodeEnvelope(protocol.Marshal(in))
		wantCode(t, err, "")
		in.V = protocol.Version
		if !reflect.DeepEqual(*env, in) {
			t.Errorf("decoded %+v, want %+v", *env, in)
		}
	})
}

func TestDecodeHello(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  protocol.Envelope
		want protocol.Hello
		code protocol.Code
	}{
		{"a hello with token and café is accepted",
			protocol.Envelope{Type: protocol.TypeHello, Data: json.RawMessage(`{"token":"tok","cafe":"c1"}`)},
			protocol.Hello{Token: "tok", Cafe: "c1"}, ""},
		{"a hello that resumes keeps its position",
			protocol.Envelope{Type: protocol.TypeHello, Data: json.RawMessage(`{"token":"tok","cafe":"c1","epoch":4,"seq":120}`)},
			protocol.Hello{Token: "tok", Cafe: "c1", Epoch: 4, Seq: 120}, ""},
		{"a first frame that is not a hello is malformed",
			protocol.Envelope{Type: protocol.CmdNotePost, Data: json.RawMessage(`{"token":"tok","cafe":"c1"}`)}, protocol.Hello{}, protocol.CodeMalformed},
		{"a hello without data is malformed",
			protocol.Envelope{Type: protocol.TypeHello}, protocol.Hello{}, protocol.CodeMalformed},
		{"a hello with null data has no token",
			protocol.Envelope{Type: protocol.TypeHello, Data: json.RawMessage(`null`)}, protocol.Hello{}, protocol.CodeUnauthorized},
		{"a hello with an unknown field is malformed",
			protocol.Envelope{Type: protocol.TypeHello, Data: json.RawMessage(`{"token":"tok","cafe":"c1","role":"facilitator"}`)}, protocol.Hello{}, protocol.CodeMalformed},
		{"a hello with trailing data is malformed",
			protocol.Envelope{Type: protocol.TypeHello, Data: json.RawMessage(`{"token":"tok","cafe":"c1"} {}`)}, protocol.Hello{}, protocol.CodeMalformed},
		{"a hello whose seq is a string is malformed",
			protocol.Envelope{Type: protocol.TypeHello, Data: json.RawMessage(`{"token":"tok","cafe":"c1","seq":"1"}`)}, protocol.Hello{}, protocol.CodeMalformed},
		{"a hello without a token is unauthorized",
			protocol.Envelope{Type: protocol.TypeHello, Data: json.RawMessage(`{"cafe":"c1"}`)}, protocol.Hello{}, protocol.CodeUnauthorized},
		{"a hello without a café is invalid",
			protocol.Envelope{Type: protocol.TypeHello, Data: json.RawMessage(`{"token":"tok"}`)}, protocol.Hello{}, protocol.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env
			env.V = protocol.Version
			h, err := protocol.DecodeHello(&env)
			wantCode(t, err, tc.code)
			if tc.code == "" && h != tc.want {
				t.Errorf("hello %+v, want %+v", h, tc.want)
			}
		})
	}
}

func TestDecodeCommand(t *testing.T) {
	cmd := func(typ, data string) *protocol.Envelope {
		env := &protocol.Envelope{V: protocol.Version, Type: typ, ID: "c-1"}
		if data != "" {
			env.Data = json.RawMessage(data)
		}
		return env
	}
	for _, tc := range []struct {
		name string
		env  *protocol.Envelope
		want any
		code protocol.Code
	}{
		{"a note post decodes to NotePost", cmd(protocol.CmdNotePost, `{"note_id":"n1","text":"Open data"}`), protocol.NotePost{NoteID: "n1", Text: "Open data"}, ""},
		{"a note edit decodes to NoteEdit", cmd(protocol.CmdNoteEdit, `{"note_id":"n1","text":"Open access"}`), protocol.NoteEdit{NoteID: "n1", Text: "Open access"}, ""},
		{"a note delete decodes to NoteRef", cmd(protocol.CmdNoteDelete, `{"note_id":"n1"}`), protocol.NoteRef{NoteID: "n1"}, ""},
		{"a note hide decodes to NoteRef", cmd(protocol.CmdNoteHide, `{"note_id":"n1"}`), protocol.NoteRef{NoteID: "n1"}, ""},
		{"a note unhide decodes to NoteRef", cmd(protocol.CmdNoteUnhide, `{"note_id":"n1"}`), protocol.NoteRef{NoteID: "n1"}, ""},
		{"a round extension decodes to RoundExtend", cmd(protocol.CmdRoundExtend, `{"minutes":5}`), protocol.RoundExtend{Minutes: 5}, ""},
		{"a broadcast decodes to Broadcast", cmd(protocol.CmdBroadcast, `{"text":"Coffee"}`), protocol.Broadcast{Text: "Coffee"}, ""},
		{"a broadcast of {} clears the line", cmd(protocol.CmdBroadcast, `{}`), protocol.Broadcast{}, ""},
		{"a seat assignment decodes to SeatAssign", cmd(protocol.CmdSeatAssign, `{"participant_id":"p1","table":3}`), protocol.SeatAssign{ParticipantID: "p1", Table: 3}, ""},
		{"a seat assignment without data is invalid", cmd(protocol.CmdSeatAssign, ""), nil, protocol.CodeInvalid},
		{"a seat assignment to a table named by a string is invalid", cmd(protocol.CmdSeatAssign, `{"participant_id":"p1","table":"3"}`), nil, protocol.CodeInvalid},
		{"a seat assignment with a round is invalid", cmd(protocol.CmdSeatAssign, `{"participant_id":"p1","table":3,"round":2}`), nil, protocol.CodeInvalid},
		{"a role change decodes to ParticipantRole", cmd(protocol.CmdParticipantRole, `{"participant_id":"p1","role":"host"}`), protocol.ParticipantRole{ParticipantID: "p1", Role: protocol.RoleHost}, ""},
		{"a mute decodes to ParticipantMute", cmd(protocol.CmdParticipantMute, `{"participant_id":"p1","muted":true}`), protocol.ParticipantMute{ParticipantID: "p1", Muted: true}, ""},
		{"a removal decodes to ParticipantRef", cmd(protocol.CmdParticipantRemove, `{"participant_id":"p1"}`), protocol.ParticipantRef{ParticipantID: "p1"}, ""},
		{"a removal without data is invalid", cmd(protocol.CmdParticipantRemove, ""), nil, protocol.CodeInvalid},
		{"a mute whose muted is a string is invalid", cmd(protocol.CmdParticipantMute, `{"participant_id":"p1","muted":"yes"}`), nil, protocol.CodeInvalid},
		{"a role change with a table is invalid", cmd(protocol.CmdParticipantRole, `{"participant_id":"p1","role":"host","table":2}`), nil, protocol.CodeInvalid},
		{"a note post without data is invalid", cmd(protocol.CmdNotePost, ""), nil, protocol.CodeInvalid},
		{"a note post with an unknown field is invalid", cmd(protocol.CmdNotePost, `{"note_id":"n1","text":"x","author":"p2"}`), nil, protocol.CodeInvalid},
		{"a note post with trailing data is invalid", cmd(protocol.CmdNotePost, `{"note_id":"n1","text":"x"} {}`), nil, protocol.CodeInvalid},
		{"a note post whose text is a number is invalid", cmd(protocol.CmdNotePost, `{"note_id":"n1","text":5}`), nil, protocol.CodeInvalid},
		{"a note post whose data is a string is invalid", cmd(protocol.CmdNotePost, `"Open data"`), nil, protocol.CodeInvalid},
		{"a note post whose data is an array is invalid", cmd(protocol.CmdNotePost, `[]`), nil, protocol.CodeInvalid},
		{"an extension by a string of minutes is invalid", cmd(protocol.CmdRoundExtend, `{"minutes":"5"}`), nil, protocol.CodeInvalid},
		{"an extension by a fraction of minutes is invalid", cmd(protocol.CmdRoundExtend, `{"minutes":1.5}`), nil, protocol.CodeInvalid},
		{"an extension without data is invalid", cmd(protocol.CmdRoundExtend, ""), nil, protocol.CodeInvalid},
		{"an unknown command is an unknown type", cmd("note.shout", `{}`), nil, protocol.CodeUnknownType},
		{"an empty command name is an unknown type", cmd("", ""), nil, protocol.CodeUnknownType},
		{"a command name is matched exactly", cmd("Note.Post", `{"note_id":"n1","text":"x"}`), nil, protocol.CodeUnknownType},
		{"the server's cafe.create is an unknown type to clients", cmd(protocol.CmdCafeCreate, `{}`), nil, protocol.CodeUnknownType},
		{"the server's participant.join is an unknown type to clients", cmd(protocol.CmdJoin, `{}`), nil, protocol.CodeUnknownType},
		{"the server's round.timeup is an unknown type to clients", cmd(protocol.CmdTimeUp, ""), nil, protocol.CodeUnknownType},
		{"a hello is not a command", cmd(protocol.TypeHello, `{"token":"t","cafe":"c"}`), nil, protocol.CodeUnknownType},
		{"an event name is not a command", cmd(protocol.EvNotePosted, `{}`), nil, protocol.CodeUnknownType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := protocol.DecodeCommand(tc.env)
			wantCode(t, err, tc.code)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("data %#v, want %#v", got, tc.want)
			}
		})
	}

	noData := []string{
		protocol.CmdRoundStart, protocol.CmdRoundPause, protocol.CmdRoundResume,
		protocol.CmdRoundEnd, protocol.CmdHarvestStart, protocol.CmdCafeClose,
	}
	for _, typ := range noData {
		for _, data := range []string{"", `{}`, `null`, " {} ", "\nnull\n"} {
			t.Run(fmt.Sprintf("%s tolerates data %q", typ, data), func(t *testing.T) {
				got, err := protocol.DecodeCommand(cmd(typ, data))
				wantCode(t, err, "")
				if got != nil {
					t.Errorf("data %#v, want nil", got)
				}
			})
		}
		for _, data := range []string{`{"minutes":5}`, `[]`, `1`, `"x"`, `true`} {
			t.Run(fmt.Sprintf("%s refuses data %s", typ, data), func(t *testing.T) {
				got, err := protocol.DecodeCommand(cmd(typ, data))
				wantCode(t, err, protocol.CodeInvalid)
				if got != nil {
					t.Errorf("data %#v alongside an error", got)
				}
			})
		}
	}

	t.Run("every client command is decoded", func(t *testing.T) {
		decoded := map[string]bool{}
		for typ := range protocol.ClientCommands {
			data := `{}`
			switch typ {
			case protocol.CmdNotePost, protocol.CmdNoteEdit:
				data = `{"note_id":"n","text":"t"}`
			case protocol.CmdNoteDelete, protocol.CmdNoteHide, protocol.CmdNoteUnhide:
				data = `{"note_id":"n"}`
			case protocol.CmdRoundExtend:
				data = `{"minutes":1}`
			case protocol.CmdBroadcast:
				data = `{"text":"t"}`
			}
			if _, err := protocol.DecodeCommand(cmd(typ, data)); err != nil {
				t.Errorf("%s: %v", typ, err)
			}
			decoded[typ] = true
		}
		if len(decoded) != 45 {
			t.Errorf("%d client commands, want the 17 of commands.go, the 13 of harvest.go, the 1 of groups.go, "+
				"the 5 of online.go, the 8 of townhall.go and the 1 of consultation.go", len(decoded))
		}
	})

	t.Run("the public pages' commands are the server's", func(t *testing.T) {
		for _, typ := range []string{
			protocol.CmdOnlineContribute, protocol.CmdOnlineComment, protocol.CmdOnlineFlag,
			protocol.CmdTownHallAsk, protocol.CmdTownHallUpvote,
		} {
			_, err := protocol.DecodeCommand(cmd(typ, `{"item_id":"x","text":"t"}`))
			wantCode(t, err, protocol.CodeUnknownType)
		}
	})

	t.Run("the consultation's commands decode their data", func(t *testing.T) {
		for typ, data := range map[string]string{
			protocol.CmdOnlineOpen:     `{"closes_at":1767225600000}`,
			protocol.CmdOnlineHide:     `{"item_id":"c1","reason":"personal data"}`,
			protocol.CmdOnlineUnhide:   `{"item_id":"c1"}`,
			protocol.CmdOnlineTheme:    `{"item_id":"c1","theme_id":"t1"}`,
			protocol.CmdOnlinePublish:  `{}`,
			protocol.CmdTownHallAgenda: `{"title":"Findings","presenter":"Ada","link":"https://example.org/slides"}`,
			protocol.CmdTownHallStage:  `{"stage":"floor"}`,
			protocol.CmdQueueStar:      `{"kind":"hand","id":"p1","starred":true}`,
			protocol.CmdQueueTake:      `{"kind":"question","id":"q1"}`,
			protocol.CmdQueueDone:      `{"kind":"question","id":"q1"}`,
			protocol.CmdFindingAdd:     `{"finding_id":"f1","text":"Trust needs openness"}`,
			protocol.CmdFindingEdit:    `{"finding_id":"f1","text":"Trust needs openness"}`,
			protocol.CmdFindingDelete:  `{"finding_id":"f1"}`,
			protocol.CmdConclude:       `{"text":"We heard three things."}`,
		} {
			if _, err := protocol.DecodeCommand(cmd(typ, data)); err != nil {
				t.Errorf("%s %s: %v", typ, data, err)
			}
			_, err := protocol.DecodeCommand(cmd(typ, `{"bogus":1}`))
			wantCode(t, err, protocol.CodeInvalid)
		}
		got, err := protocol.DecodeCommand(cmd(protocol.CmdQueueStar, `{"kind":"hand","id":"p1","starred":true}`))
		if want := (protocol.QueueStar{QueueItem: protocol.QueueItem{Kind: "hand", ID: "p1"}, Starred: true}); err != nil || got != want {
			t.Errorf("queue.star decodes to %#v (%v), want %#v", got, err, want)
		}
	})
}

// seedFrames are valid and invalid frames for the fuzzers to start from.
var seedFrames = []string{
	`{"v":1,"type":"hello","data":{"token":"tok","cafe":"c1","epoch":2,"seq":10}}`,
	`{"v":1,"type":"ping","data":{"client_time":1700000000000}}`,
	`{"v":1,"type":"note.post","id":"c-1","data":{"note_id":"550e8400-e29b-41d4-a716-446655440000","text":"Open data 👩‍💻"}}`,
	`{"v":1,"type":"note.edit","id":"c-2","data":{"note_id":"n1","text":"line\nbreak"}}`,
	`{"v":1,"type":"note.delete","id":"c-3","data":{"note_id":"n1"}}`,
	`{"v":1,"type":"note.hide","id":"c-4","data":{"note_id":"n1"}}`,
	`{"v":1,"type":"note.unhide","id":"c-5","data":{"note_id":"n1"}}`,
	`{"v":1,"type":"round.start","id":"c-6"}`,
	`{"v":1,"type":"round.pause","id":"c-7","data":{}}`,
	`{"v":1,"type":"round.resume","id":"c-8","data":null}`,
	`{"v":1,"type":"round.extend","id":"c-9","data":{"minutes":5}}`,
	`{"v":1,"type":"round.end","id":"c-10"}`,
	`{"v":1,"type":"harvest.start","id":"c-11"}`,
	`{"v":1,"type":"cafe.close","id":"c-12"}`,
	`{"v":1,"type":"broadcast.set","id":"c-13","data":{"text":"Coffee <now> & later"}}`,
	`{"v":1,"type":"seat.assign","id":"c-14","data":{"participant_id":"p1","table":3}}`,
	`{"v":1,"type":"theme.create","id":"c-15","data":{"theme_id":"t1","name":"Trust","question":0}}`,
	`{"v":1,"type":"vote.cast","id":"c-16","data":{"vote_id":"v1","item_id":"n1"}}`,
	`{"v":1,"type":"participant.role","id":"c-17","data":{"participant_id":"p1","role":"host"}}`,
	`{"v":1,"type":"participant.mute","id":"c-18","data":{"participant_id":"p1","muted":true}}`,
	`{"v":1,"type":"participant.remove","id":"c-19","data":{"participant_id":"p1"}}`,
	`{"v":1,"type":"round.timeup"}`,
	`{"v":1,"type":"online.open","id":"c-20","data":{"closes_at":1767225600000}}`,
	`{"v":1,"type":"online.hide","id":"c-21","data":{"item_id":"c1","reason":"personal data"}}`,
	`{"v":1,"type":"townhall.agenda","id":"c-22","data":{"title":"Findings","link":"https://example.org/s"}}`,
	`{"v":1,"type":"queue.star","id":"c-23","data":{"kind":"hand","id":"p1","starred":true}}`,
	`{"v":1,"type":"finding.add","id":"c-24","data":{"finding_id":"f1","text":"Trust"}}`,
	`{"v":1,"type":"consultation.conclude","id":"c-25","data":{"text":"We heard"}}`,
	`{"v":1,"type":"online.contribute","data":{"item_id":"c1","question":0,"text":"x"}}`,
	`{"v":2,"type":"ping"}`,
	`{"v":1,"type":""}`,
	`{"v":1,"type":"ping","x":1}`,
	`{"v":1,"type":"ping"}{"v":1,"type":"ping"}`,
	`{"v":1,"type":"note.post","data":{"note_id":"n1","text":"x","extra":true}}`,
	`{"v":1,"type":"round.start","data":{"a":1}}`,
	`{"v":1,"type":"round.extend","data":{"minutes":"5"}}`,
	`{"V":1,"TYPE":"ping"}`,
	`{"v":1,"type":"note.post","data":{"note_id":"\ud800","text":"\u0000\xff"}}`,
	`null`, `[]`, `{}`, `{`, ``, `"x"`, `1e999`,
	"{\"v\":1,\"type\":\"note.post\",\"data\":{\"note_id\":\"n1\",\"text\":\"\xff\xfe\"}}",
}

func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range seedFrames {
		f.Add([]byte(s))
	}
	f.Add(bytes.Repeat([]byte("["), 5000))
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := protocol.DecodeEnvelope(b)
		if err != nil {
			var perr *protocol.Error
			if !errors.As(err, &perr) || perr == nil || perr.Code == "" {
				t.Fatalf("error %v (%T) is not a *protocol.Error with a code", err, err)
			}
			if env != nil {
				t.Fatalf("rejected frame returned envelope %+v", env)
			}
			return
		}
		if env == nil {
			t.Fatal("accepted frame returned no envelope")
		}
		if env.V != protocol.Version {
			t.Fatalf("accepted envelope has version %d", env.V)
		}
		if env.Type == "" || len(env.ID) > protocol.MaxIDBytes || len(b) > protocol.MaxFrameBytes {
			t.Fatalf("accepted envelope breaks a limit: type %q, id of %d bytes, frame of %d bytes", env.Type, len(env.ID), len(b))
		}
		// What was accepted re-encodes to a frame that decodes the same.
		again := protocol.Marshal(*env)
		if len(again) > protocol.MaxFrameBytes {
			return // escaping (<, >, & as \u00XX) may grow a frame past the limit
		}
		env2, err := protocol.DecodeEnvelope(again)
		if err != nil {
			t.Fatalf("re-encoded frame %s was rejected: %v", again, err)
		}
		if env2.Type != env.Type || env2.ID != env.ID || env2.Seq != env.Seq || env2.Epoch != env.Epoch || env2.At != env.At {
			t.Fatalf("round trip changed the envelope: %+v → %+v", env, env2)
		}
		if !sameJSON(env.Data, env2.Data) {
			t.Fatalf("round trip changed the data: %s → %s", env.Data, env2.Data)
		}
	})
}

func FuzzDecodeCommand(f *testing.F) {
	for _, s := range seedFrames {
		f.Add([]byte(s))
	}
	want := map[string]reflect.Type{
		protocol.CmdNotePost:    reflect.TypeFor[protocol.NotePost](),
		protocol.CmdNoteEdit:    reflect.TypeFor[protocol.NoteEdit](),
		protocol.CmdNoteDelete:  reflect.TypeFor[protocol.NoteRef](),
		protocol.CmdNoteHide:    reflect.TypeFor[protocol.NoteRef](),
		protocol.CmdNoteUnhide:  reflect.TypeFor[protocol.NoteRef](),
		protocol.CmdRoundExtend: reflect.TypeFor[protocol.RoundExtend](),
		protocol.CmdBroadcast:   reflect.TypeFor[protocol.Broadcast](),
		protocol.CmdSeatAssign:  reflect.TypeFor[protocol.SeatAssign](),
		protocol.CmdThemeCreate: reflect.TypeFor[protocol.ThemeCreate](),
		protocol.CmdThemeRename: reflect.TypeFor[protocol.ThemeRename](),
		protocol.CmdThemeMerge:  reflect.TypeFor[protocol.ThemeMerge](),
		protocol.CmdNoteTheme:   reflect.TypeFor[protocol.NoteTheme](),
		protocol.CmdSpotlight:   reflect.TypeFor[protocol.Spotlight](),
		protocol.CmdVoteOpen:    reflect.TypeFor[protocol.VoteOpen](),
		protocol.CmdVoteCast:    reflect.TypeFor[protocol.VoteDot](),
		protocol.CmdVoteUncast:  reflect.TypeFor[protocol.VoteDot](),
		protocol.CmdVoteReveal:  reflect.TypeFor[protocol.VoteRef](),
		protocol.CmdVoteClose:   reflect.TypeFor[protocol.VoteRef](),

		protocol.CmdParticipantRole:   reflect.TypeFor[protocol.ParticipantRole](),
		protocol.CmdParticipantMute:   reflect.TypeFor[protocol.ParticipantMute](),
		protocol.CmdParticipantRemove: reflect.TypeFor[protocol.ParticipantRef](),
		protocol.CmdOnlineOpen:        reflect.TypeFor[protocol.OnlineOpen](),
		protocol.CmdOnlineHide:        reflect.TypeFor[protocol.OnlineHide](),
		protocol.CmdOnlineUnhide:      reflect.TypeFor[protocol.ItemRef](),
		protocol.CmdOnlineTheme:       reflect.TypeFor[protocol.OnlineTheme](),
		protocol.CmdTownHallAgenda:    reflect.TypeFor[protocol.TownHallAgenda](),
		protocol.CmdTownHallStage:     reflect.TypeFor[protocol.TownHallStage](),
		protocol.CmdQueueStar:         reflect.TypeFor[protocol.QueueStar](),
		protocol.CmdQueueTake:         reflect.TypeFor[protocol.QueueItem](),
		protocol.CmdQueueDone:         reflect.TypeFor[protocol.QueueItem](),
		protocol.CmdFindingAdd:        reflect.TypeFor[protocol.Finding](),
		protocol.CmdFindingEdit:       reflect.TypeFor[protocol.Finding](),
		protocol.CmdFindingDelete:     reflect.TypeFor[protocol.FindingRef](),
		protocol.CmdConclude:          reflect.TypeFor[protocol.Conclusion](),
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := protocol.DecodeEnvelope(b)
		if err != nil {
			return // FuzzDecodeEnvelope covers rejected frames
		}
		data, err := protocol.DecodeCommand(env)
		if err != nil {
			var perr *protocol.Error
			if !errors.As(err, &perr) || perr == nil || perr.Code == "" {
				t.Fatalf("error %v (%T) is not a *protocol.Error with a code", err, err)
			}
			if data != nil {
				t.Fatalf("rejected command returned data %#v", data)
			}
			if !protocol.ClientCommands[env.Type] && perr.Code != protocol.CodeUnknownType {
				t.Fatalf("unknown command %q rejected with %q, want unknown_type", env.Type, perr.Code)
			}
			return
		}
		if !protocol.ClientCommands[env.Type] {
			t.Fatalf("accepted %q, which is not a client command", env.Type)
		}
		wt, hasData := want[env.Type]
		if !hasData {
			if data != nil {
				t.Fatalf("%s takes no data but decoded %#v", env.Type, data)
			}
			return
		}
		if reflect.TypeOf(data) != wt {
			t.Fatalf("%s decoded to %T, want %v", env.Type, data, wt)
		}
		// The data re-encodes to the same value.
		again, err := protocol.DecodeCommand(&protocol.Envelope{V: protocol.Version, Type: env.Type, Data: protocol.EncodeData(data)})
		if err != nil || !reflect.DeepEqual(again, data) {
			t.Fatalf("%s data %#v re-decoded to %#v, %v", env.Type, data, again, err)
		}
	})
}

// sameJSON reports whether a and b hold the same JSON value (or are both empty).
func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var va, vb any
	da, db := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	if da.Decode(&va) != nil || db.Decode(&vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

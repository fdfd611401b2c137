package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// badRoom is two cafés that bad input is thrown at: live has a round on,
// with Ana's note n1 and Ben at a table; lobby has not started, with Carl.
type badRoom struct {
	ts          *testServer
	live, lobby *testCafe
	ana, ben    protocol.Joined
	carl        protocol.Joined
}

func newBadRoom(t *testing.T, cfg server.Config) *badRoom {
	t.Helper()
	ts := MustServer(t, cfg)
	r := &badRoom{ts: ts}
	r.live = ts.MustCafe(t, protocol.CreateCafe{Title: "Live", RoundSeconds: 3600})
	var ana *client.Conn
	r.ana, ana = r.live.MustJoin(t, "Ana")
	r.ben, _ = r.live.MustJoin(t, "Ben")
	MustSend(t, r.live.Fac, protocol.CmdRoundStart, nil)
	MustSend(t, ana, protocol.CmdNotePost, protocol.NotePost{NoteID: "n1", Text: "Ana's idea"})
	r.lobby = ts.MustCafe(t, protocol.CreateCafe{Title: "Lobby"})
	r.carl, _ = r.lobby.MustJoin(t, "Carl")
	return r
}

// dial connects a fresh session (with a full rate-limit budget) and reads
// its snapshot.
func (r *badRoom) dial(t *testing.T, c *testCafe, token string) *client.Conn {
	t.Helper()
	conn := r.ts.MustDial(t, c.Cafe, token, client.Options{})
	if env := NextEvent(t, conn); env.Type != protocol.TypeSnapshot {
		t.Fatalf("first frame is %s, want a snapshot", env.Type)
	}
	return conn
}

func cmdFrame(typ, id string, data any) []byte {
	env := protocol.Envelope{Type: typ, ID: id}
	if data != nil {
		env.Data = protocol.EncodeData(data)
	}
	return protocol.Marshal(env)
}

// expectReply sends frame, which carries id, and checks that the server
// answers that id with an error of code.
func expectReply(t *testing.T, c *client.Conn, id string, frame []byte, code protocol.Code) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	env, err := c.SendRaw(ctx, id, frame)
	if err != nil {
		t.Fatalf("no answer to %s: %v", id, err)
	}
	if env.Type != protocol.TypeError || env.Error == nil {
		t.Fatalf("answer to %s is %s, want an error %s", id, env.Type, code)
	}
	if env.Error.Code != code {
		t.Fatalf("answer to %s is error %s (%s), want %s", id, env.Error.Code, env.Error.Message, code)
	}
}

// expectFrameError sends a frame whose id the server cannot know and checks
// that the next error frame has code, and that the connection stays open.
func expectFrameError(t *testing.T, c *client.Conn, frame []byte, code protocol.Code) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.SendRaw(ctx, "", frame); err != nil {
		t.Fatal(err)
	}
	for {
		env := NextEvent(t, c)
		if env.Type != protocol.TypeError {
			continue
		}
		if env.Error == nil || env.Error.Code != code {
			t.Fatalf("got error %+v, want %s", env.Error, code)
		}
		break
	}
	// The session survives a bad frame: a ping still gets its pong.
	if _, _, err := c.ClockOffset(ctx); err != nil {
		t.Fatalf("the session did not survive a bad frame: %v", err)
	}
}

// expectHelloRejected opens a socket, sends frame as the first frame and
// checks the error frame and the close code that answer it.
func expectHelloRejected(t *testing.T, ts *testServer, frame []byte, code protocol.Code, closeCode websocket.StatusCode) {
	t.Helper()
	ws := RawDial(t, ts)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.Write(ctx, websocket.MessageText, frame); err != nil {
		t.Fatal(err)
	}
	frames, got := ReadUntilClose(t, ws, 10*time.Second)
	if len(frames) != 1 || frames[0].Type != protocol.TypeError || frames[0].Error == nil {
		t.Fatalf("got frames %+v, want one error frame", frames)
	}
	if frames[0].Error.Code != code {
		t.Fatalf("got error %s (%s), want %s", frames[0].Error.Code, frames[0].Error.Message, code)
	}
	if got != closeCode {
		t.Fatalf("closed with %d, want %d", got, closeCode)
	}
}

func helloFrame(h protocol.Hello) []byte {
	return protocol.Marshal(protocol.Envelope{Type: protocol.TypeHello, Data: protocol.EncodeData(h)})
}

// expectAPIError posts body to path and checks the HTTP status and the
// error code of the answer.
func expectAPIError(t *testing.T, ts *testServer, path, body string, status int, code protocol.Code) {
	t.Helper()
	resp, err := http.Post(ts.HTTP.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("POST %s answered %d (%s), want %d", path, resp.StatusCode, b, status)
	}
	var eb protocol.ErrorBody
	if err := json.Unmarshal(b, &eb); err != nil || eb.Error == nil {
		t.Fatalf("POST %s answered %q, want an error body", path, b)
	}
	if eb.Error.Code != code {
		t.Fatalf("POST %s answered error %s (%s), want %s", path, eb.Error.Code, eb.Error.Message, code)
	}
}

func TestBadInputIsRejectedWithItsCodeAndChangesNothing(t *testing.T) {
	r := newBadRoom(t, server.Config{})
	ts, live, lobby := r.ts, r.live, r.lobby
	post := func(id, noteID, text string) []byte {
		return cmdFrame(protocol.CmdNotePost, id, protocol.NotePost{NoteID: noteID, Text: text})
	}
	asAna := func(t *testing.T) *client.Conn { return r.dial(t, live, r.ana.Token) }

	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"a frame that is not JSON is malformed", func(t *testing.T) {
			expectFrameError(t, asAna(t), []byte(`{"v":1,"type":"note.post","id":`), protocol.CodeMalformed)
		}},
		{"a JSON array instead of an object is malformed", func(t *testing.T) {
			expectFrameError(t, asAna(t), []byte(`[{"v":1,"type":"note.post"}]`), protocol.CodeMalformed)
		}},
		{"two objects in one frame are malformed", func(t *testing.T) {
			expectFrameError(t, asAna(t), []byte(`{"v":1,"type":"round.start"}{"v":1,"type":"round.start"}`), protocol.CodeMalformed)
		}},
		{"a frame without a type is malformed", func(t *testing.T) {
			expectFrameError(t, asAna(t), []byte(`{"v":1,"id":"x1","data":{"note_id":"t1","text":"hi"}}`), protocol.CodeMalformed)
		}},
		{"a frame of another protocol version is refused", func(t *testing.T) {
			expectFrameError(t, asAna(t), []byte(`{"v":2,"type":"note.post","id":"x2","data":{"note_id":"t2","text":"hi"}}`), protocol.CodeBadVersion)
		}},
		{"a command id longer than the limit is invalid", func(t *testing.T) {
			expectFrameError(t, asAna(t), post(strings.Repeat("i", protocol.MaxIDBytes+1), "t3", "hi"), protocol.CodeInvalid)
		}},
		{"an unknown command type is refused", func(t *testing.T) {
			expectReply(t, asAna(t), "x4", []byte(`{"v":1,"type":"note.vaporize","id":"x4","data":{"note_id":"n1"}}`), protocol.CodeUnknownType)
		}},
		{"a server-only command from a client is an unknown type", func(t *testing.T) {
			expectReply(t, asAna(t), "x5", cmdFrame(protocol.CmdTimeUp, "x5", nil), protocol.CodeUnknownType)
		}},
		{"a second hello is an unknown command", func(t *testing.T) {
			expectReply(t, asAna(t), "x6", []byte(`{"v":1,"type":"hello","id":"x6","data":{"token":"t","cafe":"c"}}`), protocol.CodeUnknownType)
		}},
		{"a frame larger than MaxFrameBytes closes the connection with 1009", func(t *testing.T) {
			c := asAna(t)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := c.SendRaw(ctx, "", post("x7", "t7", strings.Repeat("x", protocol.MaxFrameBytes))); err != nil {
				t.Fatal(err)
			}
			Drain(t, c)
			if got := c.CloseStatus(); got != int(websocket.StatusMessageTooBig) {
				t.Fatalf("closed with %d (%v), want %d", got, c.Err(), websocket.StatusMessageTooBig)
			}
		}},
		{"a note longer than MaxNoteRunes is too large", func(t *testing.T) {
			expectReply(t, asAna(t), "x8", post("x8", "t8", strings.Repeat("é", protocol.MaxNoteRunes+1)), protocol.CodeTooLarge)
		}},
		{"an empty note is invalid", func(t *testing.T) {
			expectReply(t, asAna(t), "x9", post("x9", "t9", ""), protocol.CodeInvalid)
		}},
		{"a note of only white space and invisible characters is invalid", func(t *testing.T) {
			expectReply(t, asAna(t), "x10", post("x10", "t10", " \t\n\u200b\u00a0 "), protocol.CodeInvalid)
		}},
		{"a note that is not valid UTF-8 is invalid", func(t *testing.T) {
			// A JSON string cannot carry invalid UTF-8; \ud800 (a lone
			// surrogate) is the closest, and decodes to U+FFFD, which is
			// text. So use the note id instead: it must be plain ASCII.
			expectReply(t, asAna(t), "x11", post("x11", "t\u00e911", "hi"), protocol.CodeInvalid)
		}},
		{"a note id with characters outside [A-Za-z0-9_-] is invalid", func(t *testing.T) {
			expectReply(t, asAna(t), "x12", post("x12", "a b/../c", "hi"), protocol.CodeInvalid)
		}},
		{"a note without an id is invalid", func(t *testing.T) {
			expectReply(t, asAna(t), "x13", post("x13", "", "hi"), protocol.CodeInvalid)
		}},
		{"an unknown field in the data is invalid", func(t *testing.T) {
			expectReply(t, asAna(t), "x14", []byte(`{"v":1,"type":"note.post","id":"x14","data":{"note_id":"t14","text":"hi","colour":"red"}}`), protocol.CodeInvalid)
		}},
		{"a note without data is invalid", func(t *testing.T) {
			expectReply(t, asAna(t), "x15", cmdFrame(protocol.CmdNotePost, "x15", nil), protocol.CodeInvalid)
		}},
		{"data of the wrong shape is invalid", func(t *testing.T) {
			expectReply(t, asAna(t), "x16", []byte(`{"v":1,"type":"note.post","id":"x16","data":{"note_id":17,"text":["hi"]}}`), protocol.CodeInvalid)
		}},
		{"data for a command that takes none is invalid", func(t *testing.T) {
			expectReply(t, r.dial(t, live, live.FacilitatorToken), "x17", []byte(`{"v":1,"type":"round.pause","id":"x17","data":{"now":true}}`), protocol.CodeInvalid)
		}},
		{"a hello with an unknown token is unauthorized and closed with 4001", func(t *testing.T) {
			expectHelloRejected(t, ts, helloFrame(protocol.Hello{Token: "not-a-token", Cafe: live.Cafe}), protocol.CodeUnauthorized, protocol.CloseUnauthorized)
		}},
		{"a hello without a token is unauthorized and closed with 4001", func(t *testing.T) {
			expectHelloRejected(t, ts, helloFrame(protocol.Hello{Cafe: live.Cafe}), protocol.CodeUnauthorized, protocol.CloseUnauthorized)
		}},
		{"a hello with another café's token is unauthorized and closed with 4001", func(t *testing.T) {
			expectHelloRejected(t, ts, helloFrame(protocol.Hello{Token: lobby.FacilitatorToken, Cafe: live.Cafe}), protocol.CodeUnauthorized, protocol.CloseUnauthorized)
		}},
		{"a hello naming no café is refused and closed with 4003", func(t *testing.T) {
			expectHelloRejected(t, ts, helloFrame(protocol.Hello{Token: live.WallToken}), protocol.CodeInvalid, protocol.CloseBadHandshake)
		}},
		{"a hello of another protocol version is refused and closed with 4003", func(t *testing.T) {
			frame := []byte(fmt.Sprintf(`{"v":2,"type":"hello","data":{"token":%q,"cafe":%q}}`, live.WallToken, live.Cafe))
			expectHelloRejected(t, ts, frame, protocol.CodeBadVersion, protocol.CloseBadHandshake)
		}},
		{"a command before the hello is refused and closed with 4003", func(t *testing.T) {
			expectHelloRejected(t, ts, post("x18", "t18", "hi"), protocol.CodeMalformed, protocol.CloseBadHandshake)
		}},
		{"garbage before the hello is refused and closed with 4003", func(t *testing.T) {
			expectHelloRejected(t, ts, []byte("GET / HTTP/1.1"), protocol.CodeMalformed, protocol.CloseBadHandshake)
		}},
		{"an attendee may not start a round", func(t *testing.T) {
			expectReply(t, asAna(t), "x19", cmdFrame(protocol.CmdRoundEnd, "x19", nil), protocol.CodeForbidden)
		}},
		{"an attendee may not hide a note", func(t *testing.T) {
			expectReply(t, asAna(t), "x20", cmdFrame(protocol.CmdNoteHide, "x20", protocol.NoteRef{NoteID: "n1"}), protocol.CodeForbidden)
		}},
		{"an attendee may not close the café", func(t *testing.T) {
			expectReply(t, asAna(t), "x21", cmdFrame(protocol.CmdCafeClose, "x21", nil), protocol.CodeForbidden)
		}},
		{"an attendee may not set the broadcast line", func(t *testing.T) {
			expectReply(t, asAna(t), "x22", cmdFrame(protocol.CmdBroadcast, "x22", protocol.Broadcast{Text: "free pizza"}), protocol.CodeForbidden)
		}},
		{"a wall may not post a note", func(t *testing.T) {
			expectReply(t, r.dial(t, live, live.WallToken), "x23", post("x23", "t23", "hi"), protocol.CodeForbidden)
		}},
		{"a wall may not pause the round", func(t *testing.T) {
			expectReply(t, r.dial(t, live, live.WallToken), "x24", cmdFrame(protocol.CmdRoundPause, "x24", nil), protocol.CodeForbidden)
		}},
		{"a facilitator may not post a note", func(t *testing.T) {
			expectReply(t, r.dial(t, live, live.FacilitatorToken), "x25", post("x25", "t25", "hi"), protocol.CodeForbidden)
		}},
		{"reusing another participant's note id is a conflict", func(t *testing.T) {
			expectReply(t, r.dial(t, live, r.ben.Token), "x26", post("x26", "n1", "Ana's idea"), protocol.CodeConflict)
		}},
		{"editing someone else's note is forbidden", func(t *testing.T) {
			expectReply(t, r.dial(t, live, r.ben.Token), "x27", cmdFrame(protocol.CmdNoteEdit, "x27", protocol.NoteEdit{NoteID: "n1", Text: "Ben's now"}), protocol.CodeForbidden)
		}},
		{"deleting someone else's note is forbidden", func(t *testing.T) {
			expectReply(t, r.dial(t, live, r.ben.Token), "x28", cmdFrame(protocol.CmdNoteDelete, "x28", protocol.NoteRef{NoteID: "n1"}), protocol.CodeForbidden)
		}},
		{"editing a note that does not exist is not found", func(t *testing.T) {
			expectReply(t, asAna(t), "x29", cmdFrame(protocol.CmdNoteEdit, "x29", protocol.NoteEdit{NoteID: "nope", Text: "x"}), protocol.CodeNotFound)
		}},
		{"reusing one's own note id with other text is a conflict", func(t *testing.T) {
			expectReply(t, asAna(t), "x30", post("x30", "n1", "something else"), protocol.CodeConflict)
		}},
		{"posting outside a round is the wrong phase", func(t *testing.T) {
			expectReply(t, r.dial(t, lobby, r.carl.Token), "x31", post("x31", "t31", "too early"), protocol.CodeWrongPhase)
		}},
		{"starting a round while one is on is the wrong phase", func(t *testing.T) {
			expectReply(t, r.dial(t, live, live.FacilitatorToken), "x32", cmdFrame(protocol.CmdRoundStart, "x32", nil), protocol.CodeWrongPhase)
		}},
		{"extending a round by 0 minutes is invalid", func(t *testing.T) {
			expectReply(t, r.dial(t, live, live.FacilitatorToken), "x33", cmdFrame(protocol.CmdRoundExtend, "x33", protocol.RoundExtend{Minutes: 0}), protocol.CodeInvalid)
		}},
		{"extending a round by 61 minutes is invalid", func(t *testing.T) {
			expectReply(t, r.dial(t, live, live.FacilitatorToken), "x34", cmdFrame(protocol.CmdRoundExtend, "x34", protocol.RoundExtend{Minutes: protocol.MaxExtendMinutes + 1}), protocol.CodeInvalid)
		}},
		{"a broadcast longer than its limit is too large", func(t *testing.T) {
			expectReply(t, r.dial(t, live, live.FacilitatorToken), "x35", cmdFrame(protocol.CmdBroadcast, "x35", protocol.Broadcast{Text: strings.Repeat("b", protocol.MaxBroadcastRunes+1)}), protocol.CodeTooLarge)
		}},
		{"a WebSocket upgrade from a foreign origin is refused with 403", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ws, resp, err := websocket.Dial(ctx, ts.WSURL, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://evil.example"}}})
			if err == nil {
				ws.CloseNow()
				t.Fatal("the upgrade from http://evil.example was accepted")
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("upgrade from a foreign origin answered %v (%v), want 403", resp, err)
			}
		}},
		{"creating a café with an unknown field is malformed", func(t *testing.T) {
			expectAPIError(t, ts, "/api/cafes", `{"title":"X","tabels":5}`, http.StatusBadRequest, protocol.CodeMalformed)
		}},
		{"creating a café with a JSON array is malformed", func(t *testing.T) {
			expectAPIError(t, ts, "/api/cafes", `[{"title":"X"}]`, http.StatusBadRequest, protocol.CodeMalformed)
		}},
		{"creating a café with -1 tables is invalid", func(t *testing.T) {
			expectAPIError(t, ts, "/api/cafes", `{"title":"X","tables":-1}`, http.StatusBadRequest, protocol.CodeInvalid)
		}},
		{"creating a café with more than MaxTables tables is invalid", func(t *testing.T) {
			expectAPIError(t, ts, "/api/cafes", fmt.Sprintf(`{"title":"X","tables":%d}`, protocol.MaxTables+1), http.StatusBadRequest, protocol.CodeInvalid)
		}},
		{"creating a café with rounds shorter than MinRoundSeconds is invalid", func(t *testing.T) {
			expectAPIError(t, ts, "/api/cafes", fmt.Sprintf(`{"round_seconds":%d}`, protocol.MinRoundSeconds-1), http.StatusBadRequest, protocol.CodeInvalid)
		}},
		{"a request body over 32 KiB is too large", func(t *testing.T) {
			expectAPIError(t, ts, "/api/cafes", `{"title":"`+strings.Repeat("x", 40<<10)+`"}`, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge)
		}},
		{"joining with a code no café has is not found", func(t *testing.T) {
			expectAPIError(t, ts, "/api/join", `{"code":"000000","name":"Eve"}`, http.StatusNotFound, protocol.CodeNotFound)
		}},
		{"joining without a code is invalid", func(t *testing.T) {
			expectAPIError(t, ts, "/api/join", `{"name":"Eve"}`, http.StatusBadRequest, protocol.CodeInvalid)
		}},
		{"joining with an unknown stakeholder group is invalid", func(t *testing.T) {
			expectAPIError(t, ts, "/api/join", fmt.Sprintf(`{"code":%q,"name":"Eve","group":"lizards"}`, live.JoinCode), http.StatusBadRequest, protocol.CodeInvalid)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			liveBefore, liveSeq := CafeState(t, ts, live.Cafe)
			lobbyBefore, lobbySeq := CafeState(t, ts, lobby.Cafe)
			tc.run(t)
			liveAfter, liveSeq2 := CafeState(t, ts, live.Cafe)
			lobbyAfter, lobbySeq2 := CafeState(t, ts, lobby.Cafe)
			if liveSeq2 != liveSeq || lobbySeq2 != lobbySeq {
				t.Fatalf("seqs moved: live %d → %d, lobby %d → %d", liveSeq, liveSeq2, lobbySeq, lobbySeq2)
			}
			if liveAfter != liveBefore {
				t.Fatalf("the live café changed:\nbefore %s\nafter  %s", liveBefore, liveAfter)
			}
			if lobbyAfter != lobbyBefore {
				t.Fatalf("the lobby café changed:\nbefore %s\nafter  %s", lobbyBefore, lobbyAfter)
			}
		})
	}
}

func TestAFloodOfCommandsIsRateLimitedAndOnlyAcceptedOnesChangeTheCafe(t *testing.T) {
	r := newBadRoom(t, server.Config{}) // default: 10 frames/s, burst 30
	_, seqBefore := CafeState(t, r.ts, r.live.Cafe)
	c := r.dial(t, r.live, r.ana.Token)

	const sent = 60
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	errs := make([]error, sent)
	var wg sync.WaitGroup
	for i := range sent {
		wg.Go(func() { _, errs[i] = c.Post(ctx, fmt.Sprintf("flood-%02d", i), fmt.Sprintf("idea %d", i)) })
	}
	wg.Wait()
	accepted := map[string]bool{}
	limited := 0
	for i, err := range errs {
		switch protocol.ErrorCode(err) {
		case "":
			accepted[fmt.Sprintf("flood-%02d", i)] = true
		case protocol.CodeRateLimited:
			limited++
		default:
			t.Fatalf("note %d: %v, want an ack or rate_limited", i, err)
		}
	}
	if len(accepted)+limited != sent {
		t.Fatalf("%d accepted + %d rate limited != %d sent", len(accepted), limited, sent)
	}
	if limited == 0 || len(accepted) < 30 {
		t.Fatalf("%d accepted, %d rate limited; want the burst of 30 accepted and some refused", len(accepted), limited)
	}

	st, seqAfter := CafeState(t, r.ts, r.live.Cafe)
	if seqAfter-seqBefore != uint64(len(accepted)) {
		t.Fatalf("the café moved %d events for %d accepted notes", seqAfter-seqBefore, len(accepted))
	}
	var state struct {
		State struct {
			Notes map[string]json.RawMessage `json:"notes"`
		}
	}
	if err := json.Unmarshal([]byte(st), &state); err != nil {
		t.Fatal(err)
	}
	flood := 0
	for id := range state.State.Notes {
		if strings.HasPrefix(id, "flood-") {
			flood++
			if !accepted[id] {
				t.Fatalf("note %s is in the café but its sender was told it was rate limited", id)
			}
		}
	}
	if flood != len(accepted) {
		t.Fatalf("the café holds %d flood notes, %d were acknowledged", flood, len(accepted))
	}
}

func TestAFloodOfJoinsFromOneAddressIsRefusedWith429(t *testing.T) {
	ts := MustServer(t, server.Config{IPRequestRate: 0.01, IPRequestBurst: 10})
	created, err := ts.API.CreateCafe(context.Background(), protocol.CreateCafe{Title: "Busy"}) // 1 of the 10
	if err != nil {
		t.Fatal(err)
	}
	_, seqBefore := CafeState(t, ts, created.Cafe)
	joined, limited := 0, 0
	for i := range 20 {
		resp, err := http.Post(ts.HTTP.URL+"/api/join", "application/json", strings.NewReader(fmt.Sprintf(`{"code":%q,"name":"P%d"}`, created.JoinCode, i)))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusCreated:
			joined++
		case http.StatusTooManyRequests:
			limited++
			if resp.Header.Get("Retry-After") == "" {
				t.Fatal("a 429 without Retry-After")
			}
		default:
			t.Fatalf("join %d answered %d", i, resp.StatusCode)
		}
	}
	if joined != 9 || limited != 11 {
		t.Fatalf("%d joined and %d refused; want 9 joined (the burst of 10 less the create) and 11 refused", joined, limited)
	}
	if _, seqAfter := CafeState(t, ts, created.Cafe); seqAfter-seqBefore != uint64(joined) {
		t.Fatalf("the café moved %d events for %d joins", seqAfter-seqBefore, joined)
	}
}

// runners counts the goroutines running a café.
func runners() int {
	buf := make([]byte, 1<<22)
	n := runtime.Stack(buf, true)
	return strings.Count(string(buf[:n]), "server.(*runner).run(")
}

func TestARejectedCreateLeavesNoCafeRunning(t *testing.T) {
	ts := MustServer(t, server.Config{IPRequestRate: -1})
	ts.MustCafe(t, protocol.CreateCafe{Title: "Real"})
	before := runners()
	if before < 1 {
		t.Fatalf("found %d runner goroutines, want at least the real café's", before)
	}
	for i := range 20 {
		_, err := ts.API.CreateCafe(context.Background(), protocol.CreateCafe{Title: "Bad", Tables: -1 - i})
		ExpectCode(t, err, protocol.CodeInvalid)
	}
	// A runner that is stopped exits at once; give the scheduler a moment.
	deadline := time.Now().Add(5 * time.Second)
	for runners() != before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runners(); after != before {
		t.Fatalf("%d café goroutines after 20 rejected creates, %d before: each rejected create leaves its runner running", after, before)
	}
	if got := ts.Metrics().Cafes.Load(); got != 1 {
		t.Fatalf("cafés loaded = %d, want 1", got)
	}
}

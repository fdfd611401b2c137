package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// stoppedClock is a clock that moves only when told: with it every token
// bucket is exact, since nothing refills while a test runs.
type stoppedClock struct {
	mu  sync.Mutex
	now time.Time
}

func newStoppedClock() *stoppedClock {
	return &stoppedClock{now: time.Date(2031, 5, 6, 9, 0, 0, 0, time.UTC)}
}

func (c *stoppedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stoppedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// dialRefused tries a WebSocket upgrade and returns the HTTP answer if the
// server refused it, or nil if it upgraded.
func dialRefused(t *testing.T, ts *testServer) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, ts.WSURL, nil)
	if err == nil {
		t.Cleanup(func() { ws.CloseNow() })
		return nil
	}
	if resp == nil {
		t.Fatalf("upgrade failed without an HTTP answer: %v", err)
	}
	return resp
}

// sendJunk sends n frames that are not JSON and waits for the n error frames
// that answer them.
func sendJunk(t *testing.T, c *client.Conn, n int, want protocol.Code) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range n {
		if _, err := c.SendRaw(ctx, "", []byte("\x00junk{")); err != nil {
			t.Fatal(err)
		}
	}
	for got := 0; got < n; {
		env := NextEvent(t, c)
		if env.Type != protocol.TypeError {
			continue
		}
		if env.Error == nil || env.Error.Code != want {
			t.Fatalf("junk frame %d answered %+v, want %s", got+1, env.Error, want)
		}
		got++
	}
}

// pings sends n pings on c and counts the pongs and the refusals.
func pings(t *testing.T, c *client.Conn, n int) (pongs, limited int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range n {
		_, _, err := c.ClockOffset(ctx)
		switch protocol.ErrorCode(err) {
		case "":
			pongs++
		case protocol.CodeRateLimited:
			limited++
		default:
			t.Fatalf("ping: %v", err)
		}
	}
	return pongs, limited
}

func TestAbuseAtTheWebSocketEdgeIsRefusedAndChangesNothing(t *testing.T) {
	post := func(id, noteID, text string) []byte {
		return cmdFrame(protocol.CmdNotePost, id, protocol.NotePost{NoteID: noteID, Text: text})
	}
	cases := []struct {
		name string
		cfg  server.Config // the clock is filled in
		run  func(t *testing.T, r *badRoom, clock *stoppedClock)
	}{
		{"junk frames are charged to the frame budget before they are decoded", server.Config{MessageBurst: 5}, func(t *testing.T, r *badRoom, _ *stoppedClock) {
			c := r.dial(t, r.live, r.ana.Token)
			sendJunk(t, c, 5, protocol.CodeMalformed)
			// The burst is spent on junk: a real note is refused too.
			expectReply(t, c, "j1", post("j1", "tj1", "after the junk"), protocol.CodeRateLimited)
			sendJunk(t, c, 3, protocol.CodeRateLimited)
		}},
		{"a text frame that is not UTF-8 closes the connection with 1007", server.Config{}, func(t *testing.T, r *badRoom, _ *stoppedClock) {
			c := r.dial(t, r.live, r.ana.Token)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := c.SendRaw(ctx, "", []byte(`{"v":1,"type":"note.post","id":"u1","data":{"note_id":"tu1","text":"caf`+"\xe9"+` au lait"}}`)); err != nil {
				t.Fatal(err)
			}
			Drain(t, c)
			if got := c.CloseStatus(); got != protocol.CloseInvalidData {
				t.Fatalf("closed with %d (%v), want %d", got, c.Err(), protocol.CloseInvalidData)
			}
		}},
		{"a hello that is not UTF-8 is refused and closed with 1007", server.Config{}, func(t *testing.T, r *badRoom, _ *stoppedClock) {
			frame := []byte(fmt.Sprintf(`{"v":1,"type":"hello","data":{"token":%q,"cafe":"%s`+"\xff"+`"}}`, r.ana.Token, r.live.Cafe))
			expectHelloRejected(t, r.ts, frame, protocol.CodeMalformed, protocol.CloseInvalidData)
		}},
		{"upgrades from one address over the budget are refused with 429 before the upgrade", server.Config{IPUpgradeRate: 1, IPUpgradeBurst: 8}, func(t *testing.T, r *badRoom, clock *stoppedClock) {
			// The room took five upgrades (two facilitators, three people).
			for i := range 3 {
				if resp := dialRefused(t, r.ts); resp != nil {
					t.Fatalf("upgrade %d of the burst of 8 answered %d", 6+i, resp.StatusCode)
				}
			}
			resp := dialRefused(t, r.ts)
			if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("the 9th upgrade answered %v, want 429", resp)
			}
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Fatalf("Retry-After is %q, want a number of seconds", resp.Header.Get("Retry-After"))
			}
			clock.Advance(time.Second) // one more upgrade's worth
			if resp := dialRefused(t, r.ts); resp != nil {
				t.Fatalf("an upgrade a second later answered %d", resp.StatusCode)
			}
			if resp := dialRefused(t, r.ts); resp == nil {
				t.Fatal("a second upgrade within that second was accepted")
			}
		}},
		{"a participant's hellos over the budget are refused and closed with 4029", server.Config{ParticipantConnectBurst: 3}, func(t *testing.T, r *badRoom, _ *stoppedClock) {
			// Ana's phone said hello once when she joined.
			r.dial(t, r.live, r.ana.Token)
			r.dial(t, r.live, r.ana.Token)
			expectHelloRejected(t, r.ts, helloFrame(protocol.Hello{Token: r.ana.Token, Cafe: r.live.Cafe}), protocol.CodeRateLimited, protocol.CloseRateLimited)
			r.dial(t, r.live, r.ben.Token) // Ben's own budget is untouched
		}},
		{"a participant's fifth connection is refused and closed with 4029", server.Config{}, func(t *testing.T, r *badRoom, _ *stoppedClock) {
			// Ana has her phone open; three more make four.
			var third *client.Conn
			for range 3 {
				third = r.dial(t, r.live, r.ana.Token)
			}
			open := r.ts.Metrics().Connections.Load()
			expectHelloRejected(t, r.ts, helloFrame(protocol.Hello{Token: r.ana.Token, Cafe: r.live.Cafe}), protocol.CodeRateLimited, protocol.CloseRateLimited)
			waitConnections(t, r.ts, open, 5*time.Second) // the refused one has gone
			third.Close()
			waitConnections(t, r.ts, open-1, 5*time.Second)
			r.dial(t, r.live, r.ana.Token) // the closed one's place is free again
		}},
		{"the facilitator's and the wall's tokens have no participant limits", server.Config{ParticipantConnectBurst: 3}, func(t *testing.T, r *badRoom, _ *stoppedClock) {
			for range 6 {
				r.dial(t, r.live, r.live.WallToken)
				r.dial(t, r.live, r.live.FacilitatorToken)
			}
		}},
		{"a participant's connections share one frame budget", server.Config{MessageBurst: 10}, func(t *testing.T, r *badRoom, _ *stoppedClock) {
			// Each connection may send 10 frames; Ana, 20 over all of hers,
			// of which her note n1 took one.
			conns := []*client.Conn{r.dial(t, r.live, r.ana.Token), r.dial(t, r.live, r.ana.Token), r.dial(t, r.live, r.ana.Token)}
			pongs, limited := 0, 0
			for _, c := range conns {
				p, l := pings(t, c, 7)
				pongs, limited = pongs+p, limited+l
			}
			if pongs != 19 || limited != 2 {
				t.Fatalf("%d pongs and %d refusals over three connections, want 19 and 2", pongs, limited)
			}
			// The first connection has 3 frames of its own left; Ana has none.
			expectReply(t, conns[0], "s1", post("s1", "ts1", "one more"), protocol.CodeRateLimited)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newStoppedClock()
			cfg := tc.cfg
			cfg.Now = clock.Now
			r := newBadRoom(t, cfg)
			liveBefore, liveSeq := CafeState(t, r.ts, r.live.Cafe)
			lobbyBefore, lobbySeq := CafeState(t, r.ts, r.lobby.Cafe)
			tc.run(t, r, clock)
			liveAfter, liveSeq2 := CafeState(t, r.ts, r.live.Cafe)
			lobbyAfter, lobbySeq2 := CafeState(t, r.ts, r.lobby.Cafe)
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

func TestOneParticipantOverManyConnectionsSharesOneCommandBudget(t *testing.T) {
	clock := newStoppedClock()
	r := newBadRoom(t, server.Config{Now: clock.Now}) // 30 frames a connection, 60 a participant
	_, seqBefore := CafeState(t, r.ts, r.live.Cafe)
	// Ana's phone is open; she opens three more connections, each of
	// which may send 30 frames, and posts from all three at once.
	const conns, each = 3, 30
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	errs := make([]error, conns*each)
	var wg sync.WaitGroup
	for c := range conns {
		conn := r.dial(t, r.live, r.ana.Token)
		for i := range each {
			n := c*each + i
			wg.Go(func() { _, errs[n] = conn.Post(ctx, fmt.Sprintf("many-%02d", n), fmt.Sprintf("idea %d", n)) })
		}
	}
	wg.Wait()
	accepted, limited := 0, 0
	for i, err := range errs {
		switch protocol.ErrorCode(err) {
		case "":
			accepted++
		case protocol.CodeRateLimited:
			limited++
		default:
			t.Fatalf("note %d: %v, want an ack or rate_limited", i, err)
		}
	}
	// Her budget is 60 frames over all her connections; n1 took one.
	if accepted != 59 || limited != conns*each-59 {
		t.Fatalf("%d notes accepted and %d refused over %d connections, want 59 accepted", accepted, limited, conns)
	}
	if _, seqAfter := CafeState(t, r.ts, r.live.Cafe); seqAfter-seqBefore != uint64(accepted) {
		t.Fatalf("the café moved %d events for %d accepted notes", seqAfter-seqBefore, accepted)
	}
}

// captured is a slog handler that keeps every record.
type captured struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (c *captured) Enabled(context.Context, slog.Level) bool { return true }
func (c *captured) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, r.Clone())
	return nil
}
func (c *captured) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *captured) WithGroup(string) slog.Handler      { return c }

// find returns the records at level or above, and whether a debug record
// names reason.
func (c *captured) find(level slog.Level, reason string) (above []string, named bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.recs {
		if r.Level >= level {
			above = append(above, r.Message)
		}
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "reason" && a.Value.String() == reason && r.Level == slog.LevelDebug {
				named = true
			}
			return true
		})
	}
	return above, named
}

// faultsMetric reads worldcafe_client_faults_total for reason from /metrics.
func faultsMetric(t *testing.T, ts *testServer, reason string) int {
	t.Helper()
	resp, err := http.Get(ts.HTTP.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	prefix := fmt.Sprintf("worldcafe_client_faults_total{reason=%q} ", reason)
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return n
		}
	}
	t.Fatalf("/metrics has no %s", prefix)
	return 0
}

func TestClientFaultsAreCountedByReasonAndNeverLoggedAsErrors(t *testing.T) {
	logs := &captured{}
	ts := MustServer(t, server.Config{Logger: slog.New(logs)})
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Faults"})
	write := func(t *testing.T, ws *websocket.Conn, frame []byte) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := ws.Write(ctx, websocket.MessageText, frame); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		reason string
		cause  func(t *testing.T)
	}{
		{"gone_before_hello", func(t *testing.T) { RawDial(t, ts).CloseNow() }},
		{"gone_before_hello", func(t *testing.T) { RawDial(t, ts).Close(websocket.StatusNormalClosure, "") }},
		{"frame_too_large", func(t *testing.T) {
			ws := RawDial(t, ts)
			write(t, ws, []byte(`{"v":1,"type":"hello","data":{"token":"`+strings.Repeat("t", protocol.MaxFrameBytes)+`"}}`))
			ReadUntilClose(t, ws, 10*time.Second)
		}},
		{"bad_hello", func(t *testing.T) {
			ws := RawDial(t, ts)
			write(t, ws, []byte("GET / HTTP/1.1"))
			ReadUntilClose(t, ws, 10*time.Second)
		}},
		{"unauthorized", func(t *testing.T) {
			ws := RawDial(t, ts)
			write(t, ws, helloFrame(protocol.Hello{Token: "stolen?", Cafe: c.Cafe}))
			ReadUntilClose(t, ws, 10*time.Second)
		}},
		{"invalid_utf8", func(t *testing.T) {
			ws := RawDial(t, ts)
			write(t, ws, []byte(`{"v":1,"type":"hello","data":{"token":"`+"\xc3\x28"+`","cafe":"x"}}`))
			ReadUntilClose(t, ws, 10*time.Second)
		}},
		{"frame_too_large", func(t *testing.T) {
			wall := ts.MustDial(t, c.Cafe, c.WallToken, client.Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := wall.SendRaw(ctx, "", make([]byte, protocol.MaxFrameBytes+1)); err != nil {
				t.Fatal(err)
			}
			Drain(t, wall)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			before := faultsMetric(t, ts, tc.reason)
			tc.cause(t)
			// The server counts a fault after logging it: once the counter
			// moves, the log line is written.
			deadline := time.Now().Add(10 * time.Second)
			for faultsMetric(t, ts, tc.reason) != before+1 {
				if time.Now().After(deadline) {
					t.Fatalf("worldcafe_client_faults_total{reason=%q} stayed at %d", tc.reason, before)
				}
				time.Sleep(5 * time.Millisecond)
			}
			above, named := logs.find(slog.LevelWarn, tc.reason)
			if len(above) > 0 {
				t.Fatalf("a client fault was logged as a warning or an error: %q", above)
			}
			if !named {
				t.Fatalf("no debug line names the reason %s", tc.reason)
			}
		})
	}
}

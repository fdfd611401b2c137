package server_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// expectSeqs checks that frames hold a snapshot and then every event after
// it up to last, once each and in order.
func expectSeqs(t *testing.T, who string, frames []protocol.Envelope, last uint64) {
	t.Helper()
	if len(frames) == 0 || frames[0].Type != protocol.TypeSnapshot {
		t.Fatalf("%s: got %d frames, want a snapshot first", who, len(frames))
	}
	for i, env := range frames[1:] {
		if want := frames[0].Seq + uint64(i) + 1; env.Seq != want {
			t.Fatalf("%s: frame %d has seq %d, want %d", who, i+1, env.Seq, want)
		}
	}
	if got := frames[len(frames)-1].Seq; got != last {
		t.Fatalf("%s: last frame at seq %d, want %d", who, got, last)
	}
}

func TestShutdownDeliversQueuedFramesThenClosesEveryConnectionWithGoingAway(t *testing.T) {
	// Small kernel buffers, so that the stalled wall's frames wait in the
	// server's queue rather than in the kernel when shutdown begins.
	ts := MustServerSmallSockets(t, server.Config{MessageRate: -1}, 8<<10)
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Closing time", RoundSeconds: 3600})
	_, ana := c.MustJoin(t, "Ana")
	reading := ts.MustDial(t, c.Cafe, c.WallToken, client.Options{})
	stalled := ts.MustDial(t, c.Cafe, c.WallToken, client.Options{Buffer: 1})
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	text := strings.Repeat("Multistakeholder means everyone at the table. ", 6)[:250]
	last := postConcurrently(t, ana, 600, text)
	// Everyone but the stalled wall has everything; only its frames are
	// still waiting to be written.
	early := map[*client.Conn][]protocol.Envelope{
		reading: WaitSeq(t, reading, last.Seq),
		c.Fac:   WaitSeq(t, c.Fac, last.Seq),
		ana:     WaitSeq(t, ana, last.Seq),
	}
	sentBefore := ts.Metrics().FramesSent.Load()
	if code, _ := get(t, ts.HTTP.URL+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before shutdown answered %d, want 200", code)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	shutdown := make(chan error, 1)
	go func() { shutdown <- ts.Shutdown(ctx) }()

	// While the stalled wall still holds it up, the server reports not
	// ready but alive.
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, body := get(t, ts.HTTP.URL+"/readyz")
		if code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still answers %d %q after shutdown began", code, body)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if code, _ := get(t, ts.HTTP.URL+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz during shutdown answered %d, want 200", code)
	}
	select {
	case err := <-shutdown:
		t.Fatalf("shutdown returned (%v) before the stalled wall read its queued frames", err)
	default:
	}

	for name, conn := range map[string]*client.Conn{"the stalled wall": stalled, "the reading wall": reading, "Ana": ana, "the facilitator": c.Fac} {
		frames := append(early[conn], Drain(t, conn)...)
		expectSeqs(t, name, frames, last.Seq)
		if got := conn.CloseStatus(); got != protocol.CloseGoingAway {
			t.Fatalf("%s was closed with %d (%v), want %d", name, got, conn.Err(), protocol.CloseGoingAway)
		}
	}
	if sent := ts.Metrics().FramesSent.Load() - sentBefore; sent == 0 {
		t.Fatal("no frame was written after shutdown began: the test did not leave any queued")
	} else {
		t.Logf("%d frames were still queued when shutdown began", sent)
	}
	select {
	case err := <-shutdown:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("shutdown did not return after every connection closed")
	}

	// A connection that arrives afterwards is turned away the same way.
	frames, code := ReadUntilClose(t, RawDial(t, ts), 10*time.Second)
	if len(frames) != 0 || code != websocket.StatusGoingAway {
		t.Fatalf("a connection after shutdown got %d frames and close %d, want none and %d", len(frames), code, websocket.StatusGoingAway)
	}
	if code, _ := get(t, ts.HTTP.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz after shutdown answered %d, want 503", code)
	}
}

// postConcurrently posts n notes over c from 8 goroutines, so that they
// share disk commits, and returns the ack with the highest seq.
func postConcurrently(t *testing.T, c *client.Conn, n int, text string) protocol.Ack {
	t.Helper()
	const workers = 8
	acks := make([]protocol.Ack, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				ack, err := c.Post(t.Context(), noteID(i), text)
				if err != nil {
					errs[w] = err
					return
				}
				acks[w].Seq = max(acks[w].Seq, ack.Seq)
			}
		})
	}
	wg.Wait()
	var last protocol.Ack
	for w := range workers {
		if errs[w] != nil {
			t.Fatalf("posting: %v", errs[w])
		}
		last.Seq = max(last.Seq, acks[w].Seq)
	}
	return last
}

func TestReadyzIsUnavailableUntilStartAndAfterShutdownBegins(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "worldcafe.db"), bolt.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(server.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	expect := func(path string, status int, body string) {
		t.Helper()
		code, got := get(t, hs.URL+path)
		if code != status || strings.TrimSpace(got) != body {
			t.Fatalf("GET %s = %d %q, want %d %q", path, code, got, status, body)
		}
	}
	expect("/healthz", http.StatusOK, "ok")
	expect("/readyz", http.StatusServiceUnavailable, "not ready")
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	expect("/healthz", http.StatusOK, "ok")
	expect("/readyz", http.StatusOK, "ready")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	expect("/healthz", http.StatusOK, "ok")
	expect("/readyz", http.StatusServiceUnavailable, "not ready")
}

// metrics reads /metrics into a map from series (name plus labels) to
// value.
func metrics(t *testing.T, ts *testServer) map[string]float64 {
	t.Helper()
	code, body := get(t, ts.HTTP.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics answered %d", code)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			t.Fatalf("/metrics line %q is not <series> <value>", line)
		}
		out[line[:i]] = v
	}
	return out
}

func TestMetricsReportConnectionsEventsLatenciesAndSlowConsumers(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Counted", RoundSeconds: 3600})
	_, ana := c.MustJoin(t, "Ana")
	wall := ts.MustDial(t, c.Cafe, c.WallToken, client.Options{})
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	ack := MustSend(t, ana, protocol.CmdNotePost, protocol.NotePost{NoteID: "m1", Text: "count me"})
	WaitSeq(t, wall, ack.Seq)

	m := metrics(t, ts)
	for _, series := range []string{
		"worldcafe_connections", "worldcafe_events_total", "worldcafe_slow_consumers_total",
		`worldcafe_fanout_seconds_bucket{le="+Inf"}`, `worldcafe_commit_seconds_bucket{le="+Inf"}`,
		`worldcafe_fanout_seconds_bucket{le="0.001"}`, `worldcafe_commit_seconds_bucket{le="2.5"}`,
	} {
		if _, ok := m[series]; !ok {
			t.Fatalf("/metrics has no %s", series)
		}
	}
	if got := m["worldcafe_connections"]; got != 3 {
		t.Fatalf("worldcafe_connections = %v, want 3 (facilitator, Ana, wall)", got)
	}
	if _, seq := CafeState(t, ts, c.Cafe); m["worldcafe_events_total"] != float64(seq) {
		t.Fatalf("worldcafe_events_total = %v, the only café's log holds %d events", m["worldcafe_events_total"], seq)
	}
	if got := m["worldcafe_slow_consumers_total"]; got != 0 {
		t.Fatalf("worldcafe_slow_consumers_total = %v, want 0", got)
	}
	for _, h := range []string{"worldcafe_commit_seconds", "worldcafe_fanout_seconds"} {
		inf := m[h+`_bucket{le="+Inf"}`]
		if inf < 1 || inf != m[h+"_count"] {
			t.Fatalf("%s: +Inf bucket %v, count %v; want equal and at least 1", h, inf, m[h+"_count"])
		}
		if m[h+`_bucket{le="0.0005"}`] > m[h+`_bucket{le="2.5"}`] {
			t.Fatalf("%s buckets are not cumulative", h)
		}
	}

	// A dropped connection leaves the gauge.
	wall.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for metrics(t, ts)["worldcafe_connections"] != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("worldcafe_connections = %v after one of three connections dropped, want 2", metrics(t, ts)["worldcafe_connections"])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAConnectionThatSendsNoHelloIsClosedWith4005AfterHelloTimeout(t *testing.T) {
	t.Parallel()
	ts := MustServer(t, server.Config{})
	start := time.Now()
	ws := RawDial(t, ts)
	frames, code := ReadUntilClose(t, ws, protocol.HelloTimeout+5*time.Second)
	if waited := time.Since(start); waited < protocol.HelloTimeout {
		t.Fatalf("closed after %v, before the hello timeout of %v", waited, protocol.HelloTimeout)
	}
	if code != protocol.CloseHelloTimeout {
		t.Fatalf("closed with %d, want %d", code, protocol.CloseHelloTimeout)
	}
	if len(frames) != 1 || frames[0].Type != protocol.TypeError || frames[0].Error == nil || frames[0].Error.Code != protocol.CodeMalformed {
		t.Fatalf("got frames %+v, want one malformed error", frames)
	}
}

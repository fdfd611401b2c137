package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// buildBinary builds the worldcafe binary once per test run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "worldcafe-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "worldcafe")
	out, err := exec.Command("go", "build", "-race", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// process is a worldcafe server running as a real process.
type process struct {
	cmd  *exec.Cmd
	addr string
	log  *os.File
}

func freePort(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startProcess runs `worldcafe serve` on addr with data in dir and waits
// until /readyz answers.
func startProcess(tb testing.TB, dir, addr string, extra ...string) *process {
	tb.Helper()
	bin, err := buildBinary()
	if err != nil {
		tb.Fatal(err)
	}
	logf, err := os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	args := append([]string{"serve", "--addr", addr, "--data", dir, "--public-url", "http://" + addr}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &process{cmd: cmd, addr: addr, log: logf}
	tb.Cleanup(func() { p.kill(); logf.Close() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := httpGet("http://" + addr + "/readyz"); err == nil && resp == 200 {
			return p
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("server did not become ready; log in %s", logf.Name())
	return nil
}

func (p *process) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
}

func (p *process) stop(tb testing.TB) {
	tb.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			tb.Fatalf("server exited with %v after SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		tb.Fatal("server did not stop within 15s of SIGTERM")
	}
}

// TestAcknowledgedNotesSurviveKill9 is the promise "nothing lost": 50
// people post 5,000 notes, the server is killed with SIGKILL at a random
// moment, and after a restart every acknowledged note is there exactly
// once, the running round kept its deadline, and it ends on its own.
func TestAcknowledgedNotesSurviveKill9(t *testing.T) {
	const (
		people       = 50
		perPerson    = 100
		roundSeconds = 60 // long enough for every note, under -race, before the round ends
	)
	dir := t.TempDir()
	addr := freePort(t)
	limits := []string{"--message-rate", "-1", "--ip-request-rate", "-1", "--ip-max-conns", "-1"}
	p := startProcess(t, dir, addr, limits...)
	ctx := context.Background()
	api := client.API{BaseURL: "http://" + addr}
	wsURL := "ws://" + addr + "/ws"

	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Crash", Tables: 10, RoundSeconds: roundSeconds})
	if err != nil {
		t.Fatal(err)
	}
	tokens := make([]string, people)
	for i := range tokens {
		j, err := api.Join(ctx, protocol.Join{Code: created.JoinCode, Name: fmt.Sprintf("P%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = j.Token
	}
	fac, err := client.Dial(ctx, wsURL, created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := fac.Send(ctx, protocol.CmdRoundStart, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := waitDeadline(t, fac, ack.Seq)
	fac.Kill()

	// Everyone posts as fast as acks come back; the server dies mid-way.
	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		next  = make([]int, people) // each person's next note: k of the first unacknowledged one
	)
	var errs []error // what stopped each poster; expected only while the server is down
	postAll := func() {
		errs = nil
		var wg sync.WaitGroup
		for i := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := client.Dial(ctx, wsURL, created.Cafe, tokens[i], client.Options{})
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("person %d: dial: %w", i, err))
					mu.Unlock()
					return // the server is gone already
				}
				defer c.Kill()
				// Read the room's events as a phone does; a client that
				// stopped reading would wait for acks stuck behind them.
				go func() {
					for range c.Events() {
					}
				}()
				for k := next[i]; k < perPerson; k++ {
					// The same id and text on a resend, as a phone's outbox does.
					id := fmt.Sprintf("p%02d-n%03d", i, k)
					// Generous: the suite runs under -race on two cores.
					sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					_, err := c.Post(sctx, id, fmt.Sprintf("Idea %d from person %d", k, i))
					cancel()
					if err != nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("person %d: posting %s: %w", i, id, err))
						mu.Unlock()
						return // the server is gone; the note stays in the outbox
					}
					mu.Lock()
					acked[id] = true
					next[i] = k + 1
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	done := make(chan struct{})
	go func() { postAll(); close(done) }()

	// A random moment mid-traffic: once a random number of notes is in.
	target := 300 + rand.IntN(2500)
	var posting time.Time
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n > 0 && posting.IsZero() {
			posting = time.Now()
		}
		if n >= target {
			break
		}
		time.Sleep(time.Millisecond)
	}
	p.kill()
	<-done
	t.Logf("killed after %d notes were acknowledged (%.0f acknowledged notes/s; server and clients built with -race)",
		len(acked), float64(len(acked))/time.Since(posting).Seconds())
	ackedBeforeKill := maps.Clone(acked)

	// Restart on the same data. The round keeps its absolute deadline.
	p = startProcess(t, dir, addr, limits...)
	restartedAt := time.Now()
	fac, err = client.Dial(ctx, wsURL, created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fac.Kill()
	snap := mustSnapshot(t, fac)
	if snap.Phase != protocol.PhaseRound || snap.Timer.State != protocol.TimerRunning {
		t.Fatalf("after restart phase %s timer %s, want a running round", snap.Phase, snap.Timer.State)
	}
	if snap.Timer.Deadline != deadline {
		t.Fatalf("deadline after restart %d, want %d", snap.Timer.Deadline, deadline)
	}
	remaining := time.Until(time.UnixMilli(snap.Timer.Deadline))
	want := time.Until(time.UnixMilli(deadline))
	if d := remaining - want; d < -time.Second || d > time.Second {
		t.Fatalf("remaining %v, want %v ± 1s", remaining, want)
	}

	// Phones come back, resend what was in their outbox and post the rest.
	postAll()
	for _, err := range errs {
		t.Errorf("after the restart: %v", err)
	}
	if len(acked) != people*perPerson {
		t.Fatalf("%d notes acknowledged in all, want %d", len(acked), people*perPerson)
	}
	present := map[string]bool{}
	snap = mustSnapshot(t, mustDial(t, wsURL, created.Cafe, created.FacilitatorToken))
	for _, n := range snap.Notes {
		present[n.ID] = true
	}
	for id := range ackedBeforeKill {
		if !present[id] {
			t.Errorf("note %s, acknowledged before the kill, is missing after restart", id)
		}
	}
	if len(snap.Notes) != people*perPerson {
		t.Errorf("café has %d notes, want %d", len(snap.Notes), people*perPerson)
	}

	// The round ends on its own at its deadline.
	wait := time.Until(time.UnixMilli(deadline)) + 5*time.Second
	if !waitFor(fac, protocol.EvRoundTimeUp, wait) {
		t.Fatalf("no round.timeup within %v of restart (deadline %v)", wait, time.UnixMilli(deadline).Sub(restartedAt))
	}
	p.stop(t)

	// The log itself holds each note exactly once.
	st, err := bolt.Open(filepath.Join(dir, "worldcafe.db"), bolt.Config{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	evs, err := store.AllEvents(ctx, st, created.Cafe)
	if err != nil {
		t.Fatal(err)
	}
	posted := notesIn(t, evs)
	for id := range acked {
		if posted[id] != 1 {
			t.Errorf("note %s is in the log %d times, want 1", id, posted[id])
		}
	}
	for id, n := range posted {
		if n != 1 {
			t.Errorf("note %s is in the log %d times", id, n)
		}
	}
}

func mustDial(tb testing.TB, wsURL, cafe, token string) *client.Conn {
	tb.Helper()
	c, err := client.Dial(context.Background(), wsURL, cafe, token, client.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Kill)
	return c
}

// waitDeadline reads until the round.started at seq and returns its deadline.
func waitDeadline(tb testing.TB, c *client.Conn, seq uint64) int64 {
	tb.Helper()
	for env := range c.Events() {
		if env.Type == protocol.EvRoundStarted && env.Seq == seq {
			var r protocol.RoundStarted
			mustUnmarshal(tb, env.Data, &r)
			return r.Deadline
		}
	}
	tb.Fatalf("connection ended before round.started: %v", c.Err())
	return 0
}

func mustSnapshot(tb testing.TB, c *client.Conn) protocol.Snapshot {
	tb.Helper()
	select {
	case env := <-c.Events():
		if env.Type != protocol.TypeSnapshot {
			tb.Fatalf("first frame %s, want snapshot", env.Type)
		}
		var s protocol.Snapshot
		mustUnmarshal(tb, env.Data, &s)
		return s
	case <-time.After(10 * time.Second):
		tb.Fatal("no snapshot within 10s")
	}
	return protocol.Snapshot{}
}

func waitFor(c *client.Conn, typ string, d time.Duration) bool {
	timeout := time.After(d)
	for {
		select {
		case env, ok := <-c.Events():
			if !ok {
				return false
			}
			if env.Type == typ {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

func mustUnmarshal(tb testing.TB, b []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatal(err)
	}
}

// readyClient polls /readyz; a short timeout keeps the poll loop moving.
var readyClient = &http.Client{Timeout: 5 * time.Second}

func httpGet(url string) (int, error) {
	resp, err := readyClient.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

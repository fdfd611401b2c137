package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store"
)

// The café's lifecycle in memory: loaded on demand, unloaded when idle,
// re-armed at start-up only when its round runs, and never left with a
// state that its log does not say.

// poisoned refuses every note whose text contains "poison", as a buggy
// Apply would refuse an event Decide made.
func poisoned(st *cafe.State, ev protocol.Event) error {
	if ev.Type == protocol.EvNotePosted && bytes.Contains(ev.Data, []byte("poison")) {
		return errors.New("this event cannot be folded")
	}
	return cafe.Apply(st, ev)
}

func TestACommandWhoseEventTheCafeRefusesIsRefusedWholeAndNeitherLogNorStateKeepIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "worldcafe.db")
	ts := openServer(t, path, server.Config{MessageRate: -1}, poisoned)
	c := ts.MustCafe(t, protocol.CreateCafe{})
	_, phone := c.MustJoin(t, "Ana")
	_, watcher := c.MustJoin(t, "Ben")
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)

	// Sent at once, so that fine and refused notes share group commits.
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			text := fmt.Sprintf("fine %d", i)
			if i%4 == 1 {
				text = fmt.Sprintf("poison %d", i)
			}
			_, errs[i] = phone.Post(ctx, noteID(i), text)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if i%4 == 1 {
			ExpectCode(t, err, protocol.CodeInternal)
		} else if err != nil {
			t.Errorf("note %d: %v", i, err)
		}
	}
	// The café goes on after the refusals.
	if _, err := phone.Post(ctx, "after", "fine after"); err != nil {
		t.Fatalf("a note after the refusals: %v", err)
	}

	// The log holds exactly the accepted notes, and the live café agrees.
	_, seq := CafeState(t, ts, c.Cafe)
	notes := logNotes(t, ts.Store, c.Cafe)
	if len(notes) != 31 {
		t.Errorf("the log holds %d notes, want 31", len(notes))
	}
	for _, text := range notes {
		if strings.Contains(text, "poison") {
			t.Errorf("a refused note reached the log: %q", text)
		}
	}
	st, _, err := store.Rebuild(ctx, ts.Store, c.Cafe)
	if err != nil {
		t.Fatal(err)
	}
	if live, logged := liveReport(t, ts, c.Cafe), reportJSON(t, report.Build(st)); live != logged {
		t.Errorf("the live café and its log disagree:\nlive %s\nlog  %s", live, logged)
	}
	// Other devices saw every accepted event, gapless, and none refused.
	for _, env := range WaitSeq(t, watcher, seq) {
		if bytes.Contains(env.Data, []byte("poison")) {
			t.Errorf("a refused note reached a device: %s", env.Data)
		}
	}

	// It loads again after a restart.
	ts.Stop()
	ts2 := openServer(t, path, server.Config{}, nil)
	if _, err := ts2.API.Join(ctx, protocol.Join{Code: c.JoinCode, Name: "Cleo"}); err != nil {
		t.Fatalf("joining after a restart: %v", err)
	}
}

func TestARestartLoadsOnlyTheCafesWhoseRoundIsRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "worldcafe.db")
	ts := openServer(t, path, server.Config{}, nil)
	var cafes []*testCafe
	for i := range 6 {
		c := ts.MustCafe(t, protocol.CreateCafe{Title: fmt.Sprintf("Café %d", i)})
		c.MustJoin(t, "Ana")
		if i < 2 {
			MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
		}
		cafes = append(cafes, c)
	}
	// A round that was started and paused has no timer to re-arm.
	MustSend(t, cafes[2].Fac, protocol.CmdRoundStart, nil)
	MustSend(t, cafes[2].Fac, protocol.CmdRoundPause, nil)
	ts.Stop()

	ts2 := openServer(t, path, server.Config{}, nil)
	if got := ts2.Metrics().Cafes.Load(); got != 2 {
		t.Fatalf("%d cafés loaded at start-up, want the 2 whose round runs", got)
	}
	if _, err := ts2.API.Join(context.Background(), protocol.Join{Code: cafes[4].JoinCode, Name: "Ben"}); err != nil {
		t.Fatalf("joining a café that was not loaded: %v", err)
	}
	if got := ts2.Metrics().Cafes.Load(); got != 3 {
		t.Errorf("%d cafés loaded after a join, want 3", got)
	}
}

func TestConcurrentFirstUsesOfACafeShareOneLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "worldcafe.db")
	ts := openServer(t, path, server.Config{}, nil)
	c := ts.MustCafe(t, protocol.CreateCafe{})
	ts.Stop()

	ts2 := openServer(t, path, server.Config{IPRequestRate: -1}, nil)
	loads := ts2.Metrics().Loads.Load()
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = ts2.API.Join(context.Background(), protocol.Join{Code: c.JoinCode, Name: fmt.Sprintf("P%d", i)})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("join %d: %v", i, err)
		}
	}
	if got := ts2.Metrics().Loads.Load() - loads; got != 1 {
		t.Errorf("the café was loaded %d times, want once", got)
	}
}

func TestAnIdleCafeIsUnloadedAndComesBackWithEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "worldcafe.db")
	ts := openServer(t, path, server.Config{UnloadAfter: 20 * time.Millisecond}, nil)
	c := ts.MustCafe(t, protocol.CreateCafe{})
	j, phone := c.MustJoin(t, "Ana")
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	for i := range 5 {
		if _, err := phone.Post(context.Background(), noteID(i), fmt.Sprintf("idea %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	MustSend(t, c.Fac, protocol.CmdRoundEnd, nil) // no timer runs in the town hall
	_, seq := CafeState(t, ts, c.Cafe)
	epoch := WaitPosition(t, phone, seq)
	phone.Close()
	c.Fac.Close()
	waitFor(t, "the café to unload", func() bool { return ts.Metrics().Unloads.Load() >= 1 })
	if got := ts.Metrics().Cafes.Load(); got != 0 {
		t.Fatalf("%d cafés loaded after unloading, want 0", got)
	}

	// The phone comes back from where it was and carries on.
	back := ts.MustDial(t, c.Cafe, j.Token, client.Options{Epoch: epoch, Seq: seq})
	if w := back.Welcome(); w.Seq != seq || w.Epoch != epoch {
		t.Errorf("welcome after reload at (%d, %d), want (%d, %d)", w.Epoch, w.Seq, epoch, seq)
	}
	ack, err := back.Send(context.Background(), protocol.CmdHandRaise, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Seq != seq+1 {
		t.Errorf("the next event has seq %d, want %d", ack.Seq, seq+1)
	}
	if n := len(logNotes(t, ts.Store, c.Cafe)); n != 5 {
		t.Errorf("the log holds %d notes, want 5", n)
	}
}

func TestCommandsRacingAnUnloadAreNeitherLostNorRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "worldcafe.db")
	// Joins come over HTTP and leave nobody connected, so the café is idle
	// between any two of them and unloads all the time.
	ts := openServer(t, path, server.Config{UnloadAfter: time.Microsecond, IPRequestRate: -1}, nil)
	created, err := ts.API.CreateCafe(context.Background(), protocol.CreateCafe{Tables: 40})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 1 {
				time.Sleep(time.Duration(i) * 50 * time.Microsecond) // spread out: some arrive mid-unload
			}
			_, errs[i] = ts.API.Join(context.Background(), protocol.Join{Code: created.JoinCode, Name: fmt.Sprintf("P%d", i)})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("join %d: %v", i, err)
		}
	}
	st, _, err := store.Rebuild(context.Background(), ts.Store, created.Cafe)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Participants) != len(errs) {
		t.Errorf("the log holds %d participants, want %d", len(st.Participants), len(errs))
	}
	if ts.Metrics().Unloads.Load() == 0 {
		t.Error("the café never unloaded: the test did not race anything")
	}
}

func TestACatchUpLargerThanAConnectionMayHoldIsSentAsASnapshot(t *testing.T) {
	ts := MustServer(t, server.Config{QueueBytes: 32 << 10, MessageRate: -1})
	c := ts.MustCafe(t, protocol.CreateCafe{})
	j, phone := c.MustJoin(t, "Ana")
	_, poster := c.MustJoin(t, "Ben")
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	_, seq := CafeState(t, ts, c.Cafe)
	epoch := WaitPosition(t, phone, seq)
	phone.Close()

	post := func(from, n int) {
		for i := from; i < from+n; i++ {
			if _, err := poster.Post(context.Background(), noteID(i), strings.Repeat("x", 200)); err != nil {
				t.Fatal(err)
			}
		}
	}
	post(0, 5) // about 1.5 KiB: resumed
	small := ts.MustDial(t, c.Cafe, j.Token, client.Options{Epoch: epoch, Seq: seq})
	if !small.Welcome().Resumed {
		t.Error("a small catch-up was not resumed")
	}
	_, seq2 := CafeState(t, ts, c.Cafe)
	WaitPosition(t, small, seq2)
	small.Close()

	post(5, 300) // about 90 KiB, more than the 32 KiB a connection may hold
	big := ts.MustDial(t, c.Cafe, j.Token, client.Options{Epoch: epoch, Seq: seq2})
	if big.Welcome().Resumed {
		t.Fatal("a catch-up larger than the queue bound was resumed event by event")
	}
	env := NextEvent(t, big)
	_, last := CafeState(t, ts, c.Cafe)
	if env.Type != protocol.TypeSnapshot || env.Seq != last {
		t.Errorf("first frame after the welcome is %s at seq %d, want a snapshot at %d", env.Type, env.Seq, last)
	}
}

// logNotes is the text of every note.posted in the café's log.
func logNotes(tb testing.TB, st store.Store, cafeID string) []string {
	tb.Helper()
	evs, err := store.AllEvents(context.Background(), st, cafeID)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		if ev.Type == protocol.EvNotePosted {
			var n protocol.NotePosted
			if err := json.Unmarshal(ev.Data, &n); err != nil {
				tb.Fatal(err)
			}
			out = append(out, n.Text)
		}
	}
	return out
}

func liveReport(tb testing.TB, ts *testServer, cafeID string) string {
	tb.Helper()
	rep, err := server.LiveReport(context.Background(), ts.Server, cafeID)
	if err != nil {
		tb.Fatal(err)
	}
	return reportJSON(tb, rep)
}

func reportJSON(tb testing.TB, rep report.Report) string {
	tb.Helper()
	b, err := json.Marshal(rep)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// waitFor polls cond until it holds, or fails the test after 10 s.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

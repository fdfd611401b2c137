package web_test

// The attendee's phone in a real room: a cheap 360×640 screen, a long URL
// pasted into a note, a page scrolled down to the notes while the round
// runs out, a move between rounds, an anonymous person in the speaker
// queue, a vote tapped with the keyboard, and a phone that comes back from
// a dead spot with 10,000 events to catch up on.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

const (
	phoneWidth, phoneHeight = 360, 640
	// catchUpEvents is how many events a phone misses in its dead spot.
	catchUpEvents = 10_000
	// maxCatchUpRenders is "a handful": what a resumed phone may draw for
	// a whole catch-up.
	maxCatchUpRenders = 5
)

// skewedClock is the server's clock, which the test moves forward to bring
// a round to its time up without waiting for it.
type skewedClock struct{ skew atomic.Int64 }

func (c *skewedClock) now() time.Time { return time.Now().Add(time.Duration(c.skew.Load())) }

// startPhoneServer is startServer with room for a long catch-up: the
// resume window and each connection's queue hold 10,000 missed events, so
// the phone resumes them rather than taking a snapshot.
func startPhoneServer(t *testing.T, clock *skewedClock) testServer {
	t.Helper()
	return startServerWith(t, server.Config{Now: clock.now, ResumeWindow: 2 * catchUpEvents, QueueBytes: 32 << 20})
}

// dialFacilitator connects the facilitator's tablet as a Go client and
// reads its events, so its acks keep coming.
func dialFacilitator(t *testing.T, srv testServer, created protocol.Created) *client.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	c, err := client.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatalf("the facilitator's connection: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		for range c.Events() {
		}
	}()
	return c
}

func command(t *testing.T, c *client.Conn, typ string, data any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	if _, err := c.Send(ctx, typ, data); err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
}

// onPhoneScreen makes v a small phone.
func onPhoneScreen(t *testing.T, v *view) {
	t.Helper()
	do(t, v, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
}

// rect is an element's box in the viewport.
type rect struct {
	Top    float64 `json:"top"`
	Bottom float64 `json:"bottom"`
	Left   float64 `json:"left"`
	Right  float64 `json:"right"`
}

func rectJS(sel string) string {
	return fmt.Sprintf(`(() => { const r = document.querySelector(%s).getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; })()`, jsString(sel))
}

// inView tells whether sel is on screen and not covered by anything but
// itself: the element at its centre is it or inside it.
func inViewJS(sel string) string {
	return fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e || !e.getClientRects().length) return false;
		const r = e.getBoundingClientRect();
		if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
		const at = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
		return !!at && e.contains(at);
	})()`, jsString(sel))
}

// noSidewaysScroll is the claim for a phone page: nothing is wider than
// the screen.
const noSidewaysScroll = `document.documentElement.scrollWidth <= innerWidth`

func renderCount(t *testing.T, v *view) int {
	t.Helper()
	return eval[int](t, v, `performance.getEntriesByName("phone.render").length`)
}

// tableNumbersJS counts how many table numbers the live page shows.
const tableNumbersJS = `(document.querySelector("#live").innerText.match(/\btable \d+/gi) || []).length`

func TestThePhoneInARealRoom(t *testing.T) {
	chromium := findChromium(t)
	shots := screenshotDir(t)
	clock := &skewedClock{}
	srv := startPhoneServer(t, clock)
	browser := startBrowser(t, chromium)
	root := t
	ctx := context.Background()

	created, err := client.API{BaseURL: srv.URL}.CreateCafe(ctx, protocol.CreateCafe{
		Title: "Phones in the room", Tables: 2, Seats: 5, RoundSeconds: 600,
		Questions: []string{
			"What is the role of governments in the multistakeholder model of the Internet?",
			"What are the key issues that government should play an active role in?",
			"How can governments improve their interaction with other stakeholders?",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	fac := dialFacilitator(t, srv, created)
	code := created.JoinCode

	var (
		stranger, ada, anon *phone
		urlNote, shortNote  postedNote
	)
	views := func() []*view {
		var vs []*view
		for _, p := range []*phone{stranger, ada, anon} {
			if p != nil {
				vs = append(vs, p.view)
			}
		}
		return vs
	}
	step := steps(t, views)
	// shootLangs saves p's screen in English, Arabic and Chinese, and
	// leaves it in English.
	shootLangs := func(t *testing.T, p *phone, phase, ready string) {
		t.Helper()
		screenshot(t, p.view, shots, "phone-"+phase+"-en")
		for _, l := range []struct{ lang, dir string }{{"ar", "rtl"}, {"zh", "ltr"}, {"en", "ltr"}} {
			chooseLang(t, p.view, l.lang, l.dir)
			waitFor(t, p.view, "the page drawn again", visibleJS(ready), waitLong, isTrue)
			if got := eval[bool](t, p.view, noSidewaysScroll); !got {
				t.Errorf("%s in %s scrolls sideways", p.name, l.lang)
			}
			if l.lang != "en" {
				screenshot(t, p.view, shots, "phone-"+phase+"-"+l.lang)
			}
		}
	}

	step("a wrong code is told in a sentence that starts with a capital", func(t *testing.T) {
		v := newView(t, root, browser, "phone-stranger", phoneWidth, phoneHeight, true)
		stranger = &phone{view: v, label: "stranger", name: "the stranger's phone"}
		do(t, v, chromedp.Navigate(srv.URL+"/join/ZZZZZZ"))
		waitFor(t, v, "the join form", visibleJS("#join-form"), waitLong, isTrue)
		do(t, v, chromedp.Click(chromedp.CSS("#join-submit")))
		waitFor(t, v, "the error", textJS("#join-error"), waitLong,
			equals("No café has the code ZZZZZZ. Check the code shown in the room."))
		do(t, v, chromedp.SetValue(chromedp.CSS("#code"), code))
		shootLangs(t, stranger, "join", "#join-form")
	})

	step("two people join on small phones, one of them anonymous", func(t *testing.T) {
		ada = joinPhone(t, root, browser, srv.URL, code, "ada", "Ada Lovelace", "academia", false)
		anon = joinPhone(t, root, browser, srv.URL, code, "anon", "", "", true)
		for _, p := range []*phone{ada, anon} {
			onPhoneScreen(t, p.view)
		}
		command(t, fac, protocol.CmdRoundStart, nil)
		for _, p := range []*phone{ada, anon} {
			waitFor(t, p.view, "the round", textJS("#phase"), waitLong, equals("Round 1 of 3"))
		}
	})

	step("a note with a long URL wraps and keeps its buttons on screen", func(t *testing.T) {
		url := "https://example.org/consultation/"
		url += strings.Repeat("a1b2c3d4e5", 20)[:200-len(url)]
		urlNote = post(t, ada, url)
		sel := fmt.Sprintf(`#mine li[data-note-id=%q]`, urlNote.id)
		if !eval[bool](t, ada.view, noSidewaysScroll) {
			t.Errorf("a 200-character URL widens the page to %d px on a %d px screen",
				eval[int](t, ada.view, `document.documentElement.scrollWidth`), phoneWidth)
		}
		for _, b := range []string{"edit", "delete"} {
			r := eval[rect](t, ada.view, rectJS(sel+fmt.Sprintf(` button[data-action=%q]`, b)))
			if r.Left < 0 || r.Right > phoneWidth {
				t.Errorf("the %s button of the URL note is at %+v, off a %d px screen", b, r, phoneWidth)
			}
		}
		if ada.table == anon.table {
			waitFor(t, anon.view, "the URL note at the table", countTextJS("#table-notes li", url), waitShort, equals(1))
			if !eval[bool](t, anon.view, noSidewaysScroll) {
				t.Error("the URL note widens the table mate's page")
			}
		}
	})

	step("the clock, the phase and the broadcast stay in view down the page", func(t *testing.T) {
		for i := range 5 {
			shortNote = post(t, ada, fmt.Sprintf("Idea %d: open data by default", i+1))
		}
		command(t, fac, protocol.CmdBroadcast, protocol.Broadcast{Text: "Ten minutes, then the town hall"})
		waitFor(t, ada.view, "the broadcast", textJS("#broadcast"), waitShort, equals("Ten minutes, then the town hall"))
		eval[bool](t, ada.view, `(scrollTo(0, document.documentElement.scrollHeight), true)`)
		waitFor(t, ada.view, "the page scrolled down", `scrollY`, waitShort, func(y float64) bool { return y > 200 })
		for _, sel := range []string{"#phase", "#clock", "#broadcast"} {
			if !eval[bool](t, ada.view, inViewJS(sel)) {
				t.Errorf("scrolled down to the notes, %s is out of view: %+v", sel, eval[rect](t, ada.view, rectJS(sel)))
			}
		}
		wallShot(t, ada.view, shots, "phone-scrolled-en") // what the screen shows, scrolled
	})

	step("editing a note counts its real length", func(t *testing.T) {
		eval[bool](t, ada.view, `(scrollTo(0, 0), true)`)
		edit := fmt.Sprintf(`#mine li[data-note-id=%q] button[data-action="edit"]`, shortNote.id)
		do(t, ada.view, chromedp.Click(chromedp.CSS(edit)))
		want := fmt.Sprintf("%d / 280", len([]rune(shortNote.text)))
		waitFor(t, ada.view, "the note in the field", `document.querySelector("#note").value`, waitShort, equals(shortNote.text))
		if got := eval[string](t, ada.view, textJS("#note-count")); got != want {
			t.Errorf("editing a note of %d characters shows %q, want %q", len([]rune(shortNote.text)), got, want)
		}
		do(t, ada.view, chromedp.Click(chromedp.CSS("#edit-cancel")))
		waitFor(t, ada.view, "the count after cancel", textJS("#note-count"), waitShort, equals("0 / 280"))
	})

	step("the offline banner pushes the page down instead of covering the table card", func(t *testing.T) {
		setOffline(t, ada.view, true)
		waitFor(t, ada.view, "the offline banner", textJS("#status"), waitShort, contains("offline"))
		// Scrolled to the card, as a finger would bring it up, the card is
		// below the banner and nothing covers it.
		waitFor(t, ada.view, "the table card in view, not under the banner", fmt.Sprintf(`(() => {
			document.querySelector("#table").scrollIntoView();
			const s = document.querySelector("#status").getBoundingClientRect();
			const c = document.querySelector("#table").getBoundingClientRect();
			return c.height > 0 && c.top >= s.bottom && %s;
		})()`, inViewJS("#table")), waitShort, isTrue)
		if !eval[bool](t, ada.view, inViewJS("#table")) {
			t.Errorf("the table card is covered while offline: card %+v, bar %+v, scroll padding %q", eval[rect](t, ada.view, rectJS("#table")),
				eval[rect](t, ada.view, rectJS("#top")), eval[string](t, ada.view, `getComputedStyle(document.documentElement).scrollPaddingTop`))
		}
		wallShot(t, ada.view, shots, "phone-offline-en")
		setOffline(t, ada.view, false)
		waitFor(t, ada.view, "the banner gone", visibleJS("#status"), waitLong, equals(false))
	})

	step("at time up the phone says so, and a last note is still taken", func(t *testing.T) {
		shootLangs(t, anon, "round", "#compose")
		var deadline int64
		waitForState(t, srv.Store, created.Cafe, "a running clock", func(st *cafe.State) bool {
			deadline = st.Timer.Deadline
			return st.Timer.State == protocol.TimerRunning
		})
		// Pause with half a second left on the server's clock, and resume:
		// the round runs out half a second later.
		clock.skew.Store(int64(time.Until(time.UnixMilli(deadline)) - 500*time.Millisecond))
		command(t, fac, protocol.CmdRoundPause, nil)
		command(t, fac, protocol.CmdRoundResume, nil)
		waitForState(t, srv.Store, created.Cafe, "time up", func(st *cafe.State) bool { return st.Timer.State == protocol.TimerTimeUp })
		for _, p := range []*phone{ada, anon} {
			waitFor(t, p.view, "time up in words", textJS("#timeup"), waitShort,
				equals("Time is up — you can still add a last note until the facilitator ends the round."))
			waitFor(t, p.view, "the bar in its time-up state", `document.querySelector("#top").dataset.timer`, waitShort, equals("timeup"))
			if got := eval[string](t, p.view, textJS("#clock")); got != "0:00" {
				t.Errorf("%s: the clock shows %q at time up", p.name, got)
			}
		}
		if a, b := eval[string](t, ada.view, `getComputedStyle(document.querySelector("#clock")).color`),
			eval[string](t, stranger.view, `getComputedStyle(document.body).color`); a == b {
			t.Errorf("the clock at time up has the page's own colour %s", a)
		}
		post(t, anon, "A last idea after the bell")
		eval[bool](t, ada.view, `(scrollTo(0, document.documentElement.scrollHeight), true)`)
		if !eval[bool](t, ada.view, inViewJS("#timeup")) {
			t.Error("scrolled down, the time-up line is out of view")
		}
		wallShot(t, ada.view, shots, "phone-timeup-en")
	})

	step("between rounds one table number, and the anonymous person is You in the queue", func(t *testing.T) {
		command(t, fac, protocol.CmdRoundEnd, nil)
		for _, p := range []*phone{ada, anon} {
			waitFor(t, p.view, "the move card", visibleJS("#move"), waitShort, isTrue)
			if n := eval[int](t, p.view, tableNumbersJS); n != 1 {
				t.Errorf("%s shows %d table numbers between rounds: %q", p.name, n, eval[string](t, p.view, `document.querySelector("#live").innerText`))
			}
		}
		do(t, anon.view, chromedp.Click(chromedp.CSS("#hand")))
		waitFor(t, anon.view, "anon next to speak", textJS("#hand-status"), waitShort, equals("You are next to speak."))
		do(t, ada.view, chromedp.Click(chromedp.CSS("#hand")))
		waitFor(t, anon.view, "the queue on the anonymous phone", textJS("#speakers"), waitShort, equals("Next: You, Ada Lovelace"))
		waitFor(t, ada.view, "the queue on Ada's phone", textJS("#speakers"), waitShort, equals("Next: Someone, You"))
	})

	step("a vote grouped by question, with the keyboard: + keeps the focus", func(t *testing.T) {
		command(t, fac, protocol.CmdVoteOpen, protocol.VoteOpen{VoteID: "v-phone", Question: -1, On: protocol.VoteOnNotes, Dots: 3, Stack: true})
		waitFor(t, ada.view, "the vote", visibleJS("#vote-box"), waitShort, isTrue)
		heads, _ := waitFor(t, ada.view, "the ballot's groups", `[...document.querySelectorAll("#vote-items .vote-group-h")].map((h) => h.querySelector(".n").textContent + ": " + h.querySelector(".q").textContent)`,
			waitShort, func(h []string) bool { return len(h) > 0 })
		if heads[0] != "Question 1: What is the role of governments in the multistakeholder model of the Internet?" {
			t.Errorf("the ballot's groups are %q", heads)
		}
		plus := fmt.Sprintf(`#vote-items button[data-dot="add"][data-item=%q]`, urlNote.id)
		if r := eval[rect](t, ada.view, rectJS(plus)); r.Right > phoneWidth || r.Left < 0 {
			t.Errorf("the + of the URL note is at %+v, off a %d px screen", r, phoneWidth)
		}
		if !eval[bool](t, ada.view, noSidewaysScroll) {
			t.Error("the ballot scrolls sideways")
		}
		eval[bool](t, ada.view, fmt.Sprintf(`(() => { const b = document.querySelector(%s); b.focus(); window.plusButton = b; return true; })()`, jsString(plus)))
		for i, left := range []string{"You have 2 of 3 dots left. Tap + to give a dot.", "You have 1 of 3 dots left. Tap + to give a dot."} {
			do(t, ada.view, chromedp.KeyEvent(kb.Enter))
			waitFor(t, ada.view, fmt.Sprintf("dot %d counted", i+1), textJS("#vote-left"), waitShort, equals(left))
			if !eval[bool](t, ada.view, `document.activeElement === window.plusButton`) {
				t.Fatalf("after dot %d the focus is on %s, not on the +", i+1, eval[string](t, ada.view, `document.activeElement.outerHTML.slice(0, 80)`))
			}
		}
		if got := eval[string](t, ada.view, fmt.Sprintf(`document.querySelector(%s).closest("li").querySelector(".dots strong").textContent`, jsString(plus))); got != "2" {
			t.Errorf("the URL note shows %q of my dots, want 2", got)
		}
		shootLangs(t, ada, "vote", "#vote-items")
	})

	step("a phone back from a dead spot catches up on 10,000 events in a handful of draws", func(t *testing.T) {
		seen := recordFrames(ada.view)
		setOffline(t, ada.view, true)
		waitFor(t, ada.view, "the offline banner", textJS("#status"), waitShort, contains("offline"))
		waitConnections(t, srv, 2) // the facilitator and the anonymous phone: the stranger never joined
		before := renderCount(t, ada.view)
		last := fmt.Sprintf("Broadcast %d of %d", catchUpEvents, catchUpEvents)
		start := time.Now()
		flood(t, srv, created, catchUpEvents)
		t.Logf("%d events written in %s", catchUpEvents, time.Since(start).Round(time.Millisecond))
		back := time.Now()
		setOffline(t, ada.view, false)
		waitFor(t, ada.view, "the last broadcast", textJS("#broadcast"), 3*waitLong, equals(last))
		waitFor(t, ada.view, "the banner gone", visibleJS("#status"), waitShort, equals(false))
		renders := renderCount(t, ada.view) - before
		t.Logf("caught up %s after the network came back, with %d draws", time.Since(back).Round(time.Millisecond), renders)
		if renders > maxCatchUpRenders {
			t.Errorf("the phone drew %d times to catch up on %d events, want at most %d", renders, catchUpEvents, maxCatchUpRenders)
		}
		if !resumedFrom(seen) {
			t.Error("the phone got a snapshot, not the missed events: the test measured nothing")
		}
	})
}

// flood writes n broadcasts, the last one "Broadcast n of n", from several
// facilitator connections at once (the store commits them in groups).
func flood(t *testing.T, srv testServer, created protocol.Created, n int) {
	t.Helper()
	const conns = 16
	cs := make([]*client.Conn, conns)
	for i := range cs {
		cs[i] = dialFacilitator(t, srv, created)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*waitLong)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i, c := range cs {
		wg.Go(func() {
			for k := i; k < n-1; k += conns {
				if _, err := c.Send(ctx, protocol.CmdBroadcast, protocol.Broadcast{Text: fmt.Sprintf("Broadcast %d of %d", k+1, n)}); err != nil {
					errs <- fmt.Errorf("broadcast %d: %w", k+1, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	command(t, cs[0], protocol.CmdBroadcast, protocol.Broadcast{Text: fmt.Sprintf("Broadcast %d of %d", n, n)})
	for _, c := range cs {
		c.Kill() // a close handshake per connection would only add waiting
	}
}

// resumedFrom tells whether a welcome among the frames resumed the phone.
func resumedFrom(f *frames) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, raw := range f.seen {
		var env struct {
			Type string           `json:"type"`
			Data protocol.Welcome `json:"data"`
		}
		if json.Unmarshal([]byte(raw), &env) == nil && env.Type == protocol.TypeWelcome && env.Data.Resumed {
			return true
		}
	}
	return false
}

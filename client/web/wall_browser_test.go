package web_test

// The wall as the back of the room reads it: a 60-note round on a 1080p
// and a 1024×768 projector, every note shown over pages and the newest
// never hidden, type at or above the floor, the join corner in every
// phase, the clock's pause and time up, the harvest's question and vote
// kept together, the wall code, and screenshots in three languages.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// wallNotesJS reports what a wall shows of its notes now: the ids of the
// notes wholly inside the notes area on this page, the smallest note type,
// any note whose text is cut, and the newest note's state.
const wallNotesJS = `(() => {
	const box = document.querySelector("#tables").getBoundingClientRect();
	const inside = (r) => r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
	const notes = [...document.querySelectorAll("#tables li.sticky")];
	const shown = notes.filter((li) => inside(li.getBoundingClientRect()));
	const pin = document.querySelector("#newest");
	const pinned = !pin.hidden && pin.classList.contains("elsewhere") && getComputedStyle(pin).visibility === "visible"
		&& pin.getBoundingClientRect().bottom <= innerHeight + 1 && pin.getBoundingClientRect().height > 0 ? pin.dataset.noteId : "";
	return {
		shown: shown.map((li) => li.dataset.noteId),
		all: notes.length,
		minSize: Math.min(...notes.map((li) => parseFloat(getComputedStyle(li.querySelector("span.t")).fontSize))),
		cut: notes.filter((li) => li.scrollHeight > li.clientHeight + 1).map((li) => li.dataset.noteId),
		pinned,
		pinnedText: pinned ? document.querySelector("#newest-text").textContent : "",
		page: Number(document.querySelector("#tables").dataset.page || 0),
		pages: Number(document.querySelector("#tables").dataset.pages || 0),
		marker: document.querySelector("#page").hidden ? "" : document.querySelector("#page").textContent,
	};
})()`

type wallNotes struct {
	Shown      []string `json:"shown"`
	All        int      `json:"all"`
	MinSize    float64  `json:"minSize"`
	Cut        []string `json:"cut"`
	Pinned     string   `json:"pinned"`
	PinnedText string   `json:"pinnedText"`
	Page       int      `json:"page"`
	Pages      int      `json:"pages"`
	Marker     string   `json:"marker"`
}

// newestInSight says whether the note n is on the page or pinned under it.
func newestInSight(n postedNote) func(wallNotes) bool {
	return func(w wallNotes) bool {
		return (w.Pinned == n.id && w.PinnedText == n.text) || containsID(w.Shown, n.id)
	}
}

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// aWall is one projector: its view and the smallest note type it must keep.
type aWall struct {
	*view
	floor float64
}

func TestTheWallReadsFromTheBackOfTheRoom(t *testing.T) {
	chromium := findChromium(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	shots := screenshotDir(t)
	ctx := context.Background()
	api := client.API{BaseURL: srv.URL}
	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Back of the room", Tables: 5})
	if err != nil {
		t.Fatal(err)
	}
	ws := "ws" + srv.URL[len("http"):] + "/ws"
	dial := func(token string) *client.Conn {
		t.Helper()
		c, err := client.Dial(ctx, ws, created.Cafe, token, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Kill)
		go func() {
			for range c.Events() {
			}
		}()
		return c
	}
	fac := dial(created.FacilitatorToken)
	send := func(c *client.Conn, typ string, data any) {
		t.Helper()
		if _, err := c.Send(ctx, typ, data); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	var people []*client.Conn
	for i := range 10 {
		j, err := api.Join(ctx, protocol.Join{Code: created.JoinCode, Name: fmt.Sprintf("Person %d", i+1), Group: "academia"})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, dial(j.Token))
	}

	// The walls turn their pages by hand in this test (cycle=600), so a
	// page walk sees every page once; the automatic turn has its own step.
	link := fmt.Sprintf("%s/wall#%s.%s&cycle=600", srv.URL, created.Cafe, created.WallToken)
	big := aWall{newView(t, t, browser, "wall", 1920, 1080, false), 40}
	small := aWall{newView(t, t, browser, "wall-1024", 1024, 768, false), 768.0 / 27}
	walls := []aWall{big, small}
	step := steps(t, func() []*view { return []*view{big.view, small.view} })
	host := strings.TrimPrefix(srv.URL, "http://")
	joinCorner := func(t *testing.T, w aWall, phase string) {
		t.Helper()
		waitFor(t, w.view, "the join corner "+phase, visibleJS("#join"), waitShort, isTrue)
		waitFor(t, w.view, "the join code "+phase, textJS("#join-code"), waitShort, equals(created.JoinCode))
		if got := eval[string](t, w.view, textJS("#join-url")); got != host+"/join" {
			t.Errorf("%s: the join address reads %q, want %s/join", w.name, got, host)
		}
		box := eval[map[string]float64](t, w.view, `(() => { const r = document.querySelector("#join").getBoundingClientRect();
			const q = document.querySelector("#join-qr");
			return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, qr: q.complete ? q.naturalWidth : 0,
				url: parseFloat(getComputedStyle(document.querySelector("#join-url")).fontSize),
				hit: document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest("#join") ? 1 : 0 }; })()`)
		if box["top"] < 0 || box["bottom"] > float64(viewportHeight(w)) || box["left"] < 0 || box["right"] > float64(viewportWidth(w)) {
			t.Errorf("%s: the join corner %s lies outside the screen: %v", w.name, phase, box)
		}
		if box["hit"] != 1 {
			t.Errorf("%s: something covers the join corner %s", w.name, phase)
		}
		if box["url"] < w.floor-0.5 {
			t.Errorf("%s: the join address %s is %.1f px, want at least %.1f", w.name, phase, box["url"], w.floor)
		}
		waitFor(t, w.view, "the QR code "+phase, `(() => { const q = document.querySelector("#join-qr"); return q.complete && q.naturalWidth > 0; })()`, waitShort, isTrue)
	}

	step("the lobby: the way in fills the wall, in English, Arabic and Chinese", func(t *testing.T) {
		for _, w := range walls {
			do(t, w.view, chromedp.Navigate(link))
			waitFor(t, w.view, "the lobby", textJS("#question"), waitLong, equals("Welcome! Join with your phone."))
			joinCorner(t, w, "in the lobby")
		}
		wallShot(t, big.view, shots, "wall-lobby-en")
		for _, lang := range []struct{ code, dir string }{{"ar", "rtl"}, {"zh", "ltr"}} {
			chooseLang(t, big.view, lang.code, lang.dir)
			waitFor(t, big.view, "the join code", textJS("#join-code"), waitLong, equals(created.JoinCode))
			waitFor(t, big.view, "the QR code", `document.querySelector("#join-qr").complete`, waitShort, isTrue)
			wallShot(t, big.view, shots, "wall-lobby-"+lang.code)
		}
		chooseLang(t, big.view, "en", "ltr")
	})

	step("J hides the join corner and shows it again, and the address keeps the choice", func(t *testing.T) {
		w := small
		do(t, w.view, chromedp.KeyEvent("j"))
		waitFor(t, w.view, "the join corner hidden", visibleJS("#join"), waitShort, equals(false))
		if got := eval[string](t, w.view, `location.hash`); !strings.HasSuffix(got, "join=off") {
			t.Errorf("after J the address is %q, want it to keep join=off", got)
		}
		do(t, w.view, chromedp.Reload())
		waitFor(t, w.view, "the lobby after a reload", textJS("#join-code"), waitLong, equals(created.JoinCode))
		if eval[bool](t, w.view, visibleJS("#join")) {
			t.Error("the join corner shows again after a reload, want it to stay hidden")
		}
		do(t, w.view, chromedp.KeyEvent("j"))
		waitFor(t, w.view, "the join corner back", visibleJS("#join"), waitShort, isTrue)
		if got := eval[string](t, w.view, `location.hash`); strings.Contains(got, "join=off") {
			t.Errorf("after a second J the address is %q, want no join=off", got)
		}
	})

	var notes []postedNote
	step("a 60-note round: the newest is always in sight and type stays at the floor or above", func(t *testing.T) {
		send(fac, protocol.CmdRoundStart, nil)
		for _, w := range walls {
			waitFor(t, w.view, "the round", `document.body.dataset.phase`, waitShort, equals("round"))
			joinCorner(t, w, "in a round")
		}
		for i := range 60 {
			text := fmt.Sprintf("Idea %d: ", i+1) + strings.Repeat([]string{"open standards ", "local languages online ", "capacity building for small states ", "a multistakeholder forum that meets where people are "}[i%4], 1+i%3)
			n := postedNote{id: fmt.Sprintf("wall-note-%02d", i+1), text: strings.TrimSpace(text)}
			send(people[i%len(people)], protocol.CmdNotePost, protocol.NotePost{NoteID: n.id, Text: n.text})
			notes = append(notes, n)
			if (i+1)%10 == 0 || i < 3 {
				for _, w := range walls {
					waitFor(t, w.view, fmt.Sprintf("note %d on the wall", i+1), countJS(stickySel(n.id)), waitShort, equals(1))
					waitFor(t, w.view, fmt.Sprintf("note %d, the newest, in sight", i+1), wallNotesJS, waitShort, newestInSight(n))
				}
			}
		}
		wallShot(t, big.view, shots, "wall-round-en")
		wallShot(t, small.view, shots, "wall-round-1024-en")
		newest := notes[len(notes)-1]
		for _, lang := range []struct{ code, dir string }{{"ar", "rtl"}, {"zh", "ltr"}, {"en", "ltr"}} {
			chooseLang(t, big.view, lang.code, lang.dir)
			waitFor(t, big.view, "the notes in "+lang.code, countJS("#tables li.sticky"), waitLong, equals(len(notes)))
			waitFor(t, big.view, "the newest in sight in "+lang.code, wallNotesJS, waitShort, newestInSight(newest))
			if lang.code != "en" {
				wallShot(t, big.view, shots, "wall-round-"+lang.code)
			}
		}
	})

	step("every note of the round is shown, page after page, whole and large enough", func(t *testing.T) {
		newest := notes[len(notes)-1]
		for _, w := range walls {
			first := eval[wallNotes](t, w.view, wallNotesJS)
			if first.All != len(notes) {
				t.Errorf("%s: %d notes on the wall, want %d", w.name, first.All, len(notes))
			}
			if first.MinSize < w.floor-0.5 {
				t.Errorf("%s: notes go down to %.1f px, want at least %.1f", w.name, first.MinSize, w.floor)
			}
			if len(first.Cut) > 0 {
				t.Errorf("%s: the text of %d notes is cut: %v", w.name, len(first.Cut), first.Cut)
			}
			if first.Pages < 2 {
				t.Fatalf("%s: 60 notes at %.0f px fit on %d page(s)? %+v", w.name, first.MinSize, first.Pages, first)
			}
			seen := map[string]bool{}
			at := first
			for p := range first.Pages {
				if want := fmt.Sprintf("Page %d of %d", at.Page, first.Pages); at.Marker != want {
					t.Errorf("%s: the page marker reads %q, want %q", w.name, at.Marker, want)
				}
				if !newestInSight(newest)(at) {
					t.Errorf("%s: on page %d the newest note is neither on the page nor pinned", w.name, at.Page)
				}
				for _, id := range at.Shown {
					seen[id] = true
				}
				if p < first.Pages-1 {
					before := at.Page
					do(t, w.view, chromedp.KeyEvent(kb.ArrowRight))
					at, _ = waitFor(t, w.view, "the next page", wallNotesJS, waitShort, func(x wallNotes) bool { return x.Page == before%first.Pages+1 })
				}
			}
			var missing []string
			for _, n := range notes {
				if !seen[n.id] {
					missing = append(missing, n.id)
				}
			}
			if len(missing) > 0 {
				t.Errorf("%s: %d notes never shown whole on any of %d pages: %v", w.name, len(missing), first.Pages, missing)
			}
			t.Logf("%s: 60 notes over %d pages at %.1f px", w.name, first.Pages, first.MinSize)
			do(t, w.view, chromedp.KeyEvent(kb.ArrowRight))
			waitFor(t, w.view, "the first page again", wallNotesJS, waitShort, func(x wallNotes) bool { return x.Page == first.Page })
		}
	})

	step("the pages turn by themselves", func(t *testing.T) {
		auto := newView(t, t, browser, "wall-cycling", 1024, 768, false)
		do(t, auto, chromedp.Navigate(strings.Replace(link, "cycle=600", "cycle=1", 1)))
		waitFor(t, auto, "the notes", countJS("#tables li.sticky"), waitLong, equals(len(notes)))
		start := eval[wallNotes](t, auto, wallNotesJS)
		waitFor(t, auto, "another page", wallNotesJS, waitLong, func(x wallNotes) bool { return x.Page != start.Page && x.Pages > 1 })
		reportConsole(t, []*view{auto})
	})

	step("the town hall: the join corner stays and panels show whole notes", func(t *testing.T) {
		send(fac, protocol.CmdRoundEnd, nil)
		send(fac, protocol.CmdVoteOpen, protocol.VoteOpen{VoteID: "v-townhall", Question: 0, On: protocol.VoteOnNotes, Dots: 3, Live: true})
		send(people[0], protocol.CmdVoteCast, protocol.VoteDot{VoteID: "v-townhall", ItemID: notes[59].id})
		for _, w := range walls {
			waitFor(t, w.view, "the town hall", `document.body.dataset.phase`, waitShort, equals("townhall"))
			joinCorner(t, w, "in the town hall")
			waitFor(t, w.view, "the vote's result", textJS("#results-list .label"), waitShort, equals(notes[59].text))
			if cut := eval[bool](t, w.view, `(() => { const l = document.querySelector("#results-list .label"); return l.scrollHeight > l.clientHeight + 1 || l.scrollWidth > l.clientWidth + 1; })()`); cut {
				t.Errorf("%s: the vote's note is cut in the results panel", w.name)
			}
		}
		send(fac, protocol.CmdVoteClose, protocol.VoteRef{VoteID: "v-townhall"})
	})

	step("the harvest shows the question the facilitator works on, with that question's vote only", func(t *testing.T) {
		send(fac, protocol.CmdRoundStart, nil)
		send(people[1], protocol.CmdNotePost, protocol.NotePost{NoteID: "q2-note", Text: "Question two's only note"})
		send(fac, protocol.CmdRoundEnd, nil)
		send(fac, protocol.CmdHarvestStart, nil)
		questions := rebuild(t, srv.Store, created.Cafe).Questions
		for _, w := range walls {
			waitFor(t, w.view, "the harvest", `document.body.dataset.phase`, waitShort, equals("harvest"))
			joinCorner(t, w, "in the harvest")
		}
		// The last vote was on question 1: the wall shows question 1 and its notes.
		for _, w := range walls {
			waitFor(t, w.view, "question 1 in the harvest", textJS("#question"), waitShort, equals(questions[0]))
			waitFor(t, w.view, "question 1's vote", visibleJS("#results"), waitShort, isTrue)
			waitFor(t, w.view, "question 1's notes", countJS("#tables li.sticky"), waitShort, equals(len(notes)))
		}
		send(fac, protocol.CmdVoteOpen, protocol.VoteOpen{VoteID: "v-q2", Question: 1, On: protocol.VoteOnNotes, Dots: 1, Live: true})
		send(people[2], protocol.CmdVoteCast, protocol.VoteDot{VoteID: "v-q2", ItemID: "q2-note"})
		for _, w := range walls {
			waitFor(t, w.view, "question 2 with its vote", textJS("#question"), waitShort, equals(questions[1]))
			waitFor(t, w.view, "question 2's notes only", `[...document.querySelectorAll("#tables li.sticky")].map((li) => li.dataset.noteId).join()`, waitShort, equals("q2-note"))
			waitFor(t, w.view, "question 2's result only", `[...document.querySelectorAll("#results-list .label")].map((l) => l.textContent).join("|")`, waitShort, equals("Question two's only note"))
		}
		// A spotlight on a question 1 note: the wall goes with it, and
		// never shows question 2's result beside question 1.
		send(fac, protocol.CmdSpotlight, protocol.Spotlight{NoteID: notes[0].id})
		for _, w := range walls {
			waitFor(t, w.view, "the spotlight", visibleJS("#spotlight"), waitShort, isTrue)
			waitFor(t, w.view, "question 1 under the spotlight", textJS("#question"), waitShort, equals(questions[0]))
			waitFor(t, w.view, "question 1's own (closed) vote", `[...document.querySelectorAll("#results-list .label")].map((l) => l.textContent).join("|")`, waitShort, equals(notes[59].text))
			joinCorner(t, w, "over the spotlight")
		}
		send(fac, protocol.CmdSpotlight, protocol.Spotlight{})
		for _, w := range walls {
			waitFor(t, w.view, "question 2 again", textJS("#question"), waitShort, equals(questions[1]))
		}
		wallShot(t, big.view, shots, "wall-harvest-en")
	})
}

func viewportWidth(w aWall) int64 {
	if w.floor == 40 {
		return 1920
	}
	return 1024
}

func viewportHeight(w aWall) int64 {
	if w.floor == 40 {
		return 1080
	}
	return 768
}

// The projector's clock shows pause and time up itself, in a word and a
// colour, not in a small line elsewhere.
func TestTheWallClockShowsPauseAndTimeUp(t *testing.T) {
	chromium := findChromium(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	ctx := context.Background()
	api := client.API{BaseURL: srv.URL}
	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Clock", Tables: 2, RoundSeconds: protocol.MinRoundSeconds})
	if err != nil {
		t.Fatal(err)
	}
	fac, err := client.Dial(ctx, "ws"+srv.URL[len("http"):]+"/ws", created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fac.Kill)
	go func() {
		for range fac.Events() {
		}
	}()
	send := func(typ string) {
		t.Helper()
		if _, err := fac.Send(ctx, typ, nil); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	wall := newView(t, t, browser, "wall", 1920, 1080, false)
	t.Cleanup(func() { reportConsole(t, []*view{wall}) })
	do(t, wall, chromedp.Navigate(fmt.Sprintf("%s/wall#%s.%s", srv.URL, created.Cafe, created.WallToken)))
	waitFor(t, wall, "the lobby", textJS("#join-code"), waitLong, equals(created.JoinCode))

	type clockLook struct {
		State string `json:"state"`
		Word  string `json:"word"`
		Shown bool   `json:"shown"`
		Color string `json:"color"`
		Back  string `json:"back"`
		Size  float64
	}
	const lookJS = `(() => { const b = document.querySelector("#clock-box"), w = document.querySelector("#clock-state");
		return { state: b.dataset.state, word: w.textContent, shown: !w.hidden && w.getClientRects().length > 0,
			color: getComputedStyle(document.querySelector("#clock")).color, back: getComputedStyle(b).backgroundColor }; })()`
	send(protocol.CmdRoundStart)
	running, _ := waitFor(t, wall, "the running clock", lookJS, waitShort, func(c clockLook) bool { return c.State == "running" })
	if running.Shown {
		t.Errorf("a running clock carries the word %q", running.Word)
	}
	send(protocol.CmdRoundPause)
	paused, _ := waitFor(t, wall, "the paused clock", lookJS, waitShort, func(c clockLook) bool { return c.State == "paused" })
	if !paused.Shown || paused.Word != "Paused" {
		t.Errorf("the paused clock says %q (shown %v), want Paused", paused.Word, paused.Shown)
	}
	if paused.Color == running.Color {
		t.Errorf("the paused clock keeps the running colour %s", paused.Color)
	}
	if !clockRE.MatchString(eval[string](t, wall, textJS("#clock"))) {
		t.Errorf("the paused clock reads %q, want M:SS", eval[string](t, wall, textJS("#clock")))
	}
	assertContrast(t, wall, 7)
	wallShot(t, wall, screenshotDir(t), "wall-clock-paused-en")
	send(protocol.CmdRoundResume)
	waitFor(t, wall, "the clock running again", lookJS, waitShort, func(c clockLook) bool { return c.State == "running" && !c.Shown })
	// The round is ten seconds long: time up comes from the server.
	up, _ := waitFor(t, wall, "time up", lookJS, 3*waitShort, func(c clockLook) bool { return c.State == "timeup" })
	if !up.Shown || up.Word != "Time is up" {
		t.Errorf("at time up the clock says %q (shown %v), want Time is up", up.Word, up.Shown)
	}
	if up.Back == running.Back || up.Color == paused.Color {
		t.Errorf("time up looks like another state: colour %s on %s", up.Color, up.Back)
	}
	if got := eval[string](t, wall, textJS("#clock")); got != "0:00" {
		t.Errorf("at time up the clock reads %q, want 0:00", got)
	}
	assertContrast(t, wall, 7)
	wallShot(t, wall, screenshotDir(t), "wall-clock-timeup-en")
}

// The projector laptop gets in with the short code the tablet shows.
func TestTheWallOpensWithAWallCode(t *testing.T) {
	chromium := findChromium(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	ctx := context.Background()
	api := client.API{BaseURL: srv.URL}
	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Wall code", Tables: 2})
	if err != nil {
		t.Fatal(err)
	}
	tablet := newView(t, t, browser, "facilitator", 1280, 800, false)
	do(t, tablet, chromedp.Navigate(fmt.Sprintf("%s/facilitate#%s.%s", srv.URL, created.Cafe, created.FacilitatorToken)))
	// The facilitator asks the tablet for a code and reads it off the
	// screen.
	waitFor(t, tablet, "the tablet's code button", visibleJS("#wall-code-btn"), waitLong, isTrue)
	do(t, tablet, chromedp.Click(chromedp.CSS("#wall-code-btn")))
	code, _ := waitFor(t, tablet, "a wall code on the tablet", `document.querySelector("#wall-code").dataset.code || ""`, waitLong, func(s string) bool { return len(s) == 6 })
	if shown := eval[string](t, tablet, textJS("#wall-code")); !strings.Contains(shown, code) || !strings.Contains(shown, "/wall") {
		t.Errorf("the tablet says %q, want the code %s and the wall's address", shown, code)
	}

	wall := newView(t, t, browser, "wall", 1920, 1080, false)
	t.Cleanup(func() { reportConsole(t, []*view{tablet, wall}) })
	do(t, wall, chromedp.Navigate(srv.URL+"/wall"))
	waitFor(t, wall, "the wall code form", visibleJS("#wall-code-form"), waitLong, isTrue)
	if got := eval[string](t, wall, `document.activeElement?.id || ""`); got != "wall-code" {
		t.Errorf("the code field is not focused (focus on %q): the laptop should type at once", got)
	}
	do(t, wall, chromedp.SendKeys(chromedp.CSS("#wall-code"), "WRONG1\r"))
	waitFor(t, wall, "a plain refusal", textJS("#wall-code-error"), waitShort, contains("not valid or has expired"))
	wallShot(t, wall, screenshotDir(t), "wall-code-en")
	eval[bool](t, wall, `(() => { document.querySelector("#wall-code").value = ""; return true; })()`)
	do(t, wall,
		chromedp.SendKeys(chromedp.CSS("#wall-code"), strings.ToLower(code[:3])+" "+code[3:]+"\r"),
	)
	waitFor(t, wall, "the wall", textJS("#join-code"), waitLong, equals(created.JoinCode))
	if eval[bool](t, wall, visibleJS("#wall-code-form")) {
		t.Error("the code form still shows once the wall is open")
	}
	if got := eval[string](t, wall, `location.hash`); !strings.HasPrefix(got, "#"+created.Cafe+".") {
		t.Errorf("the opened wall's address is %q, want #%s.TOKEN so a reload stays in", got, created.Cafe)
	}
	do(t, wall, chromedp.Reload())
	waitFor(t, wall, "the wall after a reload", textJS("#join-code"), waitLong, equals(created.JoinCode))
}

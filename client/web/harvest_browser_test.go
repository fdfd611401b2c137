package web_test

// The end-to-end test of the harvest: one café's first town hall run in real
// headless Chromium with the facilitator's tablet, three phones (a table host,
// a named attendee and an anonymous one, each in its own browser context) and
// the projector wall open at once. The facilitator groups the round's notes
// into themes (with the list under each note, with a drag, a rename through a
// prompt and a merge), puts a note and a theme in the wall's spotlight, calls
// speakers from the queue of raised hands and runs a dot vote with hidden
// results; then round 2 starts, the host gets the briefing of their table,
// and the report comes out as a web page in a new tab and as CSV. What the
// screens show is checked against the café's state on the server.
//
// Screenshots of every view with the themes, with the spotlight and with the
// vote results go to the same folder as browser_test.go's, named
// 5-harvest-*.
//
// A check of a claim that later steps do not depend on reports a miss and
// lets the test go on (expect), so that one run shows every
// problem; a miss that leaves nothing to test on stops it (waitFor).

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

func TestTheHarvestInRealBrowsers(t *testing.T) {
	chromium := findChromium(t)
	shots := screenshotDir(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	root := t

	var (
		fac, wall       *view
		prompts         *dialogs // the tablet's: rename asks with window.prompt
		phones          []*phone
		host, bo, anon  *phone
		code, cafeID    string
		token           string // the facilitator's
		questions       []string
		notes           []postedNote // round 1, in posting order
		later           []postedNote // round 2
		author          = map[string]*phone{}
		g               grouping
		capacity, opens theme
		voteID          string
		dots            = map[*phone][]string{} // the notes each phone put a dot on
		names           = map[*phone]string{}   // as joined; "" for the anonymous phone
	)
	all := func() []*view {
		vs := []*view{fac, wall}
		for _, p := range phones {
			vs = append(vs, p.view)
		}
		return vs
	}
	shoot := func(t *testing.T, phase string) {
		t.Helper()
		for _, v := range all() {
			screenshot(t, v, shots, "5-harvest-"+phase)
		}
	}
	// step runs a subtest. A subtest that stopped (t.Fatal) stops the whole
	// test; one that only reported misses lets the next steps run.
	step := steps(t, all)
	step("a café with two tables, its wall and three phones, one of them a host", func(t *testing.T) {
		fac = newView(t, root, browser, "facilitator", 1280, 800, false)
		prompts = answerDialogs(t, fac)
		do(t, fac, chromedp.Navigate(srv.URL+"/"))
		waitFor(t, fac, "the create form", visibleJS("#create"), waitLong, isTrue)
		questions = eval[[]string](t, fac, `[...document.querySelectorAll("#questions textarea")].map((q) => q.value)`)
		if len(questions) != 3 {
			t.Fatalf("the create form offers %d default questions, want 3: %q", len(questions), questions)
		}
		do(t, fac,
			chromedp.SetValue(chromedp.CSS("#title"), "Harvest test café"),
			chromedp.SetValue(chromedp.CSS("#tables"), "2"),
			chromedp.SetValue(chromedp.CSS("#seats"), "5"),
			chromedp.SetValue(chromedp.CSS("#minutes"), "20"), // no time-up in the middle of a step
			chromedp.Click(chromedp.CSS("#create-submit")),
		)
		waitFor(t, fac, "the facilitator page", `location.pathname === "/facilitate" && location.hash.length > 1`, waitLong, isTrue)
		code, _ = waitFor(t, fac, "the join code", textJS("#join-code"), waitLong, func(s string) bool { return len(s) == 6 })
		cafeID, token, _ = strings.Cut(strings.TrimPrefix(eval[string](t, fac, `location.hash`), "#"), ".")
		if st := rebuild(t, srv.Store, cafeID); st.Tables != 2 || st.Title != "Harvest test café" {
			t.Fatalf("the server has %d tables and title %q", st.Tables, st.Title)
		}

		waitFor(t, fac, "the wall link", visibleJS("#wall-link"), waitShort, isTrue)
		wall = newView(t, root, browser, "wall", 1920, 1080, false)
		answerDialogs(t, wall)
		do(t, wall, chromedp.Navigate(eval[string](t, fac, `document.querySelector("#wall-link").href`)))
		waitFor(t, wall, "the join code", textJS("#join-code"), waitLong, equals(code))

		host = joinPhone(t, root, browser, srv.URL, code, "ada", "Ada Lovelace", "civil_society", false)
		bo = joinPhone(t, root, browser, srv.URL, code, "bo", "Bo Chen", "government", false)
		anon = joinPhone(t, root, browser, srv.URL, code, "anon", "", "academia", true)
		phones = []*phone{host, bo, anon}
		names[host], names[bo] = "Ada Lovelace", "Bo Chen"
		for _, p := range phones {
			answerDialogs(t, p.view)
		}
		waitFor(t, fac, "the count of people", textJS("#people-count"), waitShort, equals("3"))
		makeHost(t, fac, host)
		st := rebuild(t, srv.Store, cafeID)
		if sp := st.Participants[host.pid]; sp == nil || sp.Role != protocol.RoleHost || "Table "+strconv.Itoa(sp.Table) != host.table {
			t.Fatalf("the server does not seat %s as the host of %s: %+v", host.name, host.table, sp)
		}
		if sp := st.Participants[anon.pid]; sp == nil || !sp.Anonymous || sp.Name != "" {
			t.Fatalf("the server does not hold %s as anonymous: %+v", anon.name, sp)
		}
	})

	step("round 1: every phone posts two notes, then the town hall", func(t *testing.T) {
		waitFor(t, fac, "the start button", enabledJS("#btn-start"), waitShort, isTrue)
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-start")))
		for _, p := range phones {
			waitFor(t, p.view, "the note form", visibleJS("#compose"), waitShort, isTrue)
			waitFor(t, p.view, "the first question", textJS("#question"), waitShort, equals(questions[0]))
		}
		ideas := map[*phone][2]string{
			host: {"Governments should fund capacity building in smaller administrations",
				"Train officials in how Internet standards are made"},
			bo: {"Keep technical standards open and free to implement",
				"Publish the results of every public consultation"},
			anon: {"Governments convene, they do not control",
				"Fund community networks in rural areas"},
		}
		for i := range 2 {
			for _, p := range phones {
				n := post(t, p, ideas[p][i])
				notes = append(notes, n)
				author[n.id] = p
				assertEverywhere(t, n, p, fac, wall, phones)
			}
		}

		waitFor(t, fac, "the end button", enabledJS("#btn-end"), waitShort, isTrue)
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-end")), chromedp.Click(chromedp.CSS("#btn-end-confirm")))
		waitForPhase(t, srv.Store, cafeID, protocol.PhaseTownHall)
		waitFor(t, fac, "the town hall panel", visibleJS("#townhall"), waitShort, isTrue)
		for _, p := range phones {
			waitFor(t, p.view, "the raise-hand button", visibleJS("#hand"), waitShort, isTrue)
		}
		waitFor(t, wall, "the town hall phase", textJS("#phase"), waitShort, contains("Town hall"))
	})

	step("the facilitator groups the notes into themes and every screen follows", func(t *testing.T) {
		do(t, fac, chromedp.Click(chromedp.CSS("#view-themes")))
		waitFor(t, fac, "the themes board", visibleJS("#themes-board"), waitShort, isTrue)
		if got := eval[string](t, fac, `document.querySelector("#view-themes").getAttribute("aria-pressed")`); got != "true" {
			t.Errorf("the By theme button has aria-pressed=%q after a click", got)
		}
		if eval[bool](t, fac, visibleJS("#tables")) {
			t.Errorf("the notes by table still show in the themes view")
		}
		g.notes = notes
		g.of = map[string]string{}
		expectBoard(t, fac, g) // nothing grouped yet

		capacity = addTheme(t, fac, srv.Store, cafeID, "Capacity building")
		opens = addTheme(t, fac, srv.Store, cafeID, "Open standards")
		g.themes = []theme{capacity, opens}
		expectBoard(t, fac, g)
		expectWall(t, wall, g)

		// The list under each note: a value and a change event, as a
		// screen reader or a switch user picks an option.
		for _, a := range []struct {
			note  postedNote
			theme theme
		}{{notes[0], capacity}, {notes[3], capacity}, {notes[1], opens}} {
			setTheme(t, fac, a.note.id, a.theme.id)
			g.of[a.note.id] = a.theme.id
			waitForThemes(t, srv.Store, cafeID, g)
			expectBoard(t, fac, g) // the tablet has redrawn: the next list is the live one
		}
		// The keyboard: type the start of a theme's name on the focused list.
		sel := fmt.Sprintf(`select[data-note-theme=%q]`, notes[4].id)
		do(t, fac, chromedp.Focus(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), "Open"))
		g.of[notes[4].id] = opens.id
		if _, ok := stateWithin(t, srv.Store, cafeID, waitShort, themedAs(g)); !ok {
			t.Errorf("typing %q on the theme list of a note did not move it to %q (the list shows %q)", "Open", opens.name,
				eval[string](t, fac, fmt.Sprintf(`document.querySelector(%s)?.selectedOptions[0]?.text ?? "(gone)"`, jsString(sel))))
			setTheme(t, fac, notes[4].id, opens.id)
			waitForThemes(t, srv.Store, cafeID, g)
		}
		expectBoard(t, fac, g)
		expectWall(t, wall, g)

		// One drag: a note from "Not grouped yet" onto a theme.
		dragged := notes[2]
		g.of[dragged.id] = capacity.id
		if !dragNote(t, fac, srv.Store, cafeID, dragged.id, capacity.id, g) {
			setTheme(t, fac, dragged.id, capacity.id)
			waitForThemes(t, srv.Store, cafeID, g)
		}
		expectBoard(t, fac, g)
		expectWall(t, wall, g)
		shoot(t, "1-themes")
		// Each theme's box holds Rename, Show on wall and Merge into: on the
		// tablet they must stay inside it, not spill over the next box.
		expect(t, fac, "the themes board to fit the tablet's width",
			`(() => { const w = document.documentElement.scrollWidth; return w <= innerWidth ? "" : "the page is " + w + " px wide in a " + innerWidth + " px window" })()`,
			pollEvery, equals(""))
		expect(t, fac, "every theme's buttons inside its box", `[...document.querySelectorAll("#themes section.theme-box")].flatMap((box) => {
			const b = box.getBoundingClientRect();
			return [...box.querySelectorAll("button, select")].filter((c) => {
				const r = c.getBoundingClientRect();
				return r.left < b.left - 1 || r.right > b.right + 1;
			}).map((c) => box.getAttribute("aria-label") + ": " + (c.textContent || c.tagName) + " sticks out");
		})`, pollEvery, func(out []string) bool { return len(out) == 0 })

		// Rename through the prompt.
		renamed := "Capacity building for governments"
		prompts.answerPrompt(renamed)
		do(t, fac, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#themes button[data-action="rename"][data-id=%q]`, capacity.id))))
		waitForState(t, srv.Store, cafeID, "the renamed theme", func(st *cafe.State) bool {
			return st.Themes[capacity.id] != nil && st.Themes[capacity.id].Name == renamed
		})
		if seen := prompts.opened(); len(seen) != 1 || seen[0].Message != "New name for this theme" || seen[0].DefaultPrompt != capacity.name {
			t.Errorf("the rename asked with %+v, want one prompt \"New name for this theme\" holding %q", seen, capacity.name)
		}
		capacity.name = renamed
		g.themes[0] = capacity
		expectBoard(t, fac, g)
		expectWall(t, wall, g)

		// Merge "Open standards" into the renamed theme.
		do(t, fac,
			chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`select[data-merge=%q]`, opens.id)), capacity.id),
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#themes button[data-action="merge"][data-id=%q]`, opens.id))),
		)
		for id, th := range g.of {
			if th == opens.id {
				g.of[id] = capacity.id
			}
		}
		g.themes = []theme{capacity}
		st := waitForThemes(t, srv.Store, cafeID, g)
		if _, ok := st.Themes[opens.id]; ok {
			t.Errorf("the merged theme %q is still on the server", opens.name)
		}
		expectBoard(t, fac, g)
		expectWall(t, wall, g)
		for _, v := range []*view{fac, wall} {
			if eval[bool](t, v, fmt.Sprintf(`document.body.textContent.includes(%s)`, jsString(opens.name))) {
				t.Errorf("%s: the merged theme %q still shows", v.name, opens.name)
			}
		}
	})

	step("the spotlight puts a note, then a theme, on the whole wall", func(t *testing.T) {
		n := notes[0]
		do(t, fac, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#themes button[data-action="spot-note"][data-id=%q]`, n.id))))
		waitFor(t, wall, "the spotlight", visibleJS("#spotlight"), waitShort, isTrue)
		expect(t, wall, "the note in the spotlight", textJS("#spot-text"), waitShort, equals(n.text))
		expect(t, wall, "where the note comes from", textJS("#spot-kind"), waitShort, equals(author[n.id].table+" · question 1"))
		expect(t, wall, "no list under a note", countJS("#spot-notes li"), waitShort, equals(0))
		expect(t, fac, "the clear button", visibleJS("#btn-clear-spotlight"), waitShort, isTrue)
		if st := rebuild(t, srv.Store, cafeID); st.Spotlight == nil || st.Spotlight.NoteID != n.id {
			t.Errorf("the server's spotlight is %+v, want note %s", st.Spotlight, n.id)
		}

		do(t, fac, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#themes button[data-action="spot-theme"][data-id=%q]`, capacity.id))))
		expect(t, wall, "the theme in the spotlight", textJS("#spot-text"), waitShort, equals(capacity.name))
		expect(t, wall, "the theme label", textJS("#spot-kind"), waitShort, equals("Theme"))
		var want []string
		for _, n := range notes {
			if g.of[n.id] == capacity.id {
				want = append(want, n.text)
			}
		}
		expect(t, wall, "the theme's notes under it", `[...document.querySelectorAll("#spot-notes li")].map((li) => li.textContent)`, waitShort,
			func(got []string) bool { return slices.Equal(got, want) })
		shoot(t, "2-spotlight")

		do(t, fac, chromedp.Click(chromedp.CSS("#btn-clear-spotlight")))
		expect(t, wall, "the spotlight to go", visibleJS("#spotlight"), waitShort, equals(false))
		expect(t, fac, "the clear button to go", visibleJS("#btn-clear-spotlight"), waitShort, equals(false))
		waitForState(t, srv.Store, cafeID, "no spotlight", func(st *cafe.State) bool { return st.Spotlight == nil })
	})

	step("raised hands queue up and the facilitator calls the speakers", func(t *testing.T) {
		for _, p := range []*phone{host, bo} {
			waitFor(t, p.view, "the raise button", textJS("#hand"), waitShort, equals("Raise my hand to speak"))
			do(t, p.view, chromedp.Click(chromedp.CSS("#hand")))
			waitForState(t, srv.Store, cafeID, p.name+"'s raised hand", func(st *cafe.State) bool { return slices.Contains(st.Hands, p.pid) })
		}
		if st := rebuild(t, srv.Store, cafeID); !slices.Equal(st.Hands, []string{host.pid, bo.pid}) {
			t.Fatalf("the server's queue is %q, want %s then %s", st.Hands, host.name, bo.name)
		}
		expect(t, fac, "the queue in order", `[...document.querySelectorAll("#hands li")].map((li) => li.textContent)`, waitShort,
			func(got []string) bool { return slices.Equal(got, []string{"Ada Lovelace", "Bo Chen"}) })
		expect(t, wall, "who speaks next", textJS("#speakers"), waitShort, equals("Next: Ada Lovelace, Bo Chen"))
		expect(t, host.view, "first in line", textJS("#hand-status"), waitShort, equals("You are next to speak."))
		expect(t, bo.view, "second in line", textJS("#hand-status"), waitShort, equals("You are number 2 in line to speak."))
		expect(t, bo.view, "the lower button", textJS("#hand"), waitShort, equals("Lower my hand"))
		expect(t, anon.view, "no place in line", textJS("#hand-status"), waitShort, equals(""))

		expect(t, fac, "the call button", textJS("#btn-next-speaker"), waitShort, equals("Call next speaker (Ada Lovelace)"))
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-next-speaker")))
		waitForState(t, srv.Store, cafeID, "a speaker", func(st *cafe.State) bool { return st.Speaker == host.pid })
		expect(t, wall, "who speaks", textJS("#speakers"), waitShort, equals("Speaking: Ada Lovelace  ·  Next: Bo Chen"))
		expect(t, host.view, "the speaker's phone", textJS("#hand-status"), waitShort, equals("You are speaking now."))
		expect(t, host.view, "no hand button while speaking", visibleJS("#hand"), waitShort, equals(false))
		expect(t, bo.view, "next now", textJS("#hand-status"), waitShort, equals("You are next to speak."))
		expect(t, fac, "who speaks", textJS("#speaker-now"), waitShort, equals("Speaking now: Ada Lovelace"))

		do(t, bo.view, chromedp.Click(chromedp.CSS("#hand"))) // lowers it
		waitForState(t, srv.Store, cafeID, "the lowered hand", func(st *cafe.State) bool { return len(st.Hands) == 0 })
		expect(t, fac, "an empty queue", countJS("#hands li"), waitShort, equals(0))
		expect(t, wall, "only the speaker", textJS("#speakers"), waitShort, equals("Speaking: Ada Lovelace"))
		expect(t, bo.view, "out of line", textJS("#hand-status"), waitShort, equals(""))
		expect(t, bo.view, "the raise button again", textJS("#hand"), waitShort, equals("Raise my hand to speak"))

		expect(t, fac, "the thank button", textJS("#btn-next-speaker"), waitShort, equals("Thank the speaker"))
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-next-speaker")))
		waitForState(t, srv.Store, cafeID, "nobody speaking", func(st *cafe.State) bool { return st.Speaker == "" })
		expect(t, wall, "the speakers line to go", visibleJS("#speakers"), waitShort, equals(false))
		expect(t, host.view, "the raise button back", visibleJS("#hand"), waitShort, isTrue)
		expect(t, fac, "no speaker", textJS("#speaker-now"), waitShort, equals("Nobody is speaking."))
	})

	step("a dot vote with hidden results, revealed, then closed", func(t *testing.T) {
		do(t, fac,
			chromedp.SetValue(chromedp.CSS("#vote-scope"), "notes:0"),
			chromedp.SetValue(chromedp.CSS("#vote-dots"), "2"),
		)
		if eval[bool](t, fac, `document.querySelector("#vote-live").checked`) {
			t.Fatal("Show results while people vote is checked by default")
		}
		do(t, fac, chromedp.Click(chromedp.CSS(`#vote-form button[type="submit"]`)))
		st := waitForState(t, srv.Store, cafeID, "an open vote", func(st *cafe.State) bool { return len(st.Votes) == 1 })
		for id, v := range st.Votes {
			voteID = id
			if v.On != protocol.VoteOnNotes || v.Question != 0 || v.Dots != 2 || v.Live || v.Stack || v.Closed {
				t.Fatalf("the form opened %+v, want 2 dots on the notes of question 1, results hidden", v.VoteOpen)
			}
		}
		expect(t, fac, "the vote form to give way", visibleJS("#vote-form"), waitShort, equals(false))
		expect(t, fac, "the vote's status", textJS("#vote-status"), waitShort, equals("Vote open: 2 dots each, results hidden from the room."))
		expect(t, wall, "the vote in progress", textJS("#results-h"), waitShort, equals("Dot vote in progress"))

		mine := map[*phone]map[string]int{}
		for _, p := range phones {
			mine[p] = map[string]int{}
			waitFor(t, p.view, "the vote", visibleJS("#vote-box"), waitShort, isTrue)
			expect(t, p.view, "two dots to give", textJS("#vote-left"), waitShort, equals("You have 2 of 2 dots left. Tap + to give a dot."))
			expectPhoneVote(t, p, notes, mine[p], nil)
		}
		// Everyone likes the first note; the host and Bo the fourth; the
		// anonymous phone the last.
		dots[host] = []string{notes[0].id, notes[3].id}
		dots[bo] = []string{notes[0].id, notes[3].id}
		dots[anon] = []string{notes[0].id, notes[5].id}
		tally := map[string]int{}
		for _, p := range phones {
			for i, id := range dots[p] {
				do(t, p.view, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#vote-items button[data-dot="add"][data-item=%q]`, id))))
				mine[p][id]++
				tally[id]++
				left := "You used all your dots. Tap − to move one."
				if i == 0 {
					left = "You have 1 of 2 dots left. Tap + to give a dot."
				}
				waitFor(t, p.view, "the dot counted", textJS("#vote-left"), waitShort, equals(left))
				expectPhoneVote(t, p, notes, mine[p], nil)
			}
		}
		// A third dot: every + is disabled, and a tap on one does nothing.
		third := fmt.Sprintf(`#vote-items button[data-dot="add"][data-item=%q]`, notes[1].id)
		if !eval[bool](t, anon.view, fmt.Sprintf(`document.querySelector(%s).disabled`, jsString(third))) {
			t.Errorf("%s: the + of a note is enabled after both dots were used", anon.name)
		}
		do(t, anon.view, chromedp.Click(chromedp.CSS(third)))
		// The marker: a dot taken back after the tap. The server handles a
		// connection's frames in order, so once the take-back is counted a
		// dot the tap let through would be counted too.
		last := dots[anon][1]
		do(t, anon.view, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#vote-items button[data-dot="remove"][data-item=%q]`, last))))
		waitFor(t, anon.view, "the dot taken back", textJS("#vote-left"), waitShort, equals("You have 1 of 2 dots left. Tap + to give a dot."))
		less := maps.Clone(tally)
		less[last]--
		st = waitForState(t, srv.Store, cafeID, "the dot taken back on the server", func(st *cafe.State) bool {
			return st.Votes[voteID].Tally()[last] == less[last]
		})
		if got := st.Votes[voteID].Tally(); !mapsEqual(got, less) {
			t.Errorf("a tap on a disabled + changed the tally to %v, want %v", got, less)
		}
		do(t, anon.view, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#vote-items button[data-dot="add"][data-item=%q]`, last))))
		waitFor(t, anon.view, "the dot given again", textJS("#vote-left"), waitShort, equals("You used all your dots. Tap − to move one."))
		st = waitForState(t, srv.Store, cafeID, "the dots on the server", func(st *cafe.State) bool {
			return mapsEqual(st.Votes[voteID].Tally(), tally)
		})
		expectPhoneVote(t, anon, notes, mine[anon], nil)

		// Hidden results: no numbers on the wall or the phones.
		expect(t, wall, "still in progress", textJS("#results-h"), waitShort, equals("Dot vote in progress"))
		expect(t, wall, "no results while hidden", countJS("#results-list strong, #results-list .bar"), waitShort, equals(0))
		for _, p := range phones {
			if got := eval[int](t, p.view, countJS("#vote-items .total")); got != 0 {
				t.Errorf("%s shows %d totals while the results are hidden", p.name, got)
			}
		}
		// The facilitator sees the tally as it grows.
		wantTally := tallyLines(notes, tally)
		expect(t, fac, "the tally on the tablet while the results are hidden",
			`[...document.querySelectorAll("#vote-results li")].map((li) => li.textContent)`, waitShort,
			func(got []string) bool { return slices.Equal(got, wantTally) })

		// A phone reloaded during the vote shows its dots again.
		do(t, bo.view, chromedp.Reload())
		waitFor(t, bo.view, "the vote after a reload", visibleJS("#vote-box"), waitLong, isTrue)
		expect(t, bo.view, "all dots used after a reload", textJS("#vote-left"), waitShort, equals("You used all your dots. Tap − to move one."))
		expectPhoneVote(t, bo, notes, mine[bo], nil)

		do(t, fac, chromedp.Click(chromedp.CSS("#btn-reveal")))
		waitForState(t, srv.Store, cafeID, "revealed results", func(st *cafe.State) bool { return st.Votes[voteID].Revealed })
		expect(t, wall, "the results", textJS("#results-h"), waitShort, equals("Dot vote: results"))
		wantWall := resultRows(notes, tally)
		expect(t, wall, "the dots per note", `[...document.querySelectorAll("#results-list li")].map((li) => ({
			label: li.querySelector(".label")?.textContent ?? "", dots: li.querySelector("strong")?.textContent ?? "" }))`, waitShort,
			func(got []resultRow) bool { return slices.Equal(got, wantWall) })
		for _, p := range phones {
			expectPhoneVote(t, p, notes, mine[p], tally)
		}
		expect(t, fac, "the tally on the tablet", `[...document.querySelectorAll("#vote-results li")].map((li) => li.textContent)`, waitShort,
			func(got []string) bool { return slices.Equal(got, wantTally) })
		shoot(t, "3-vote")

		do(t, fac, chromedp.Click(chromedp.CSS("#btn-close-vote")))
		waitForState(t, srv.Store, cafeID, "a closed vote", func(st *cafe.State) bool { return st.Votes[voteID].Closed })
		for _, p := range phones {
			expect(t, p.view, "the vote closed", textJS("#vote-left"), waitShort, equals("The vote is closed. Results:"))
			expect(t, p.view, "no dot buttons", countJS("#vote-items button"), waitShort, equals(0))
		}
		expect(t, fac, "the form back for the next vote", visibleJS("#vote-form"), waitShort, isTrue)
		expect(t, fac, "the last vote's status", textJS("#vote-status"), waitShort, equals("Last vote (closed):"))
		expect(t, wall, "the results stay", textJS("#results-h"), waitShort, equals("Dot vote: results"))
	})

	step("round 2: the host is briefed on what the table said in round 1", func(t *testing.T) {
		do(t, fac, chromedp.Click(chromedp.CSS("#view-tables"))) // where new notes are moderated
		waitFor(t, fac, "the start button", textJS("#btn-start"), waitShort, equals("Start round 2"))
		waitFor(t, fac, "the start button enabled", enabledJS("#btn-start"), waitShort, isTrue)
		hostTable := host.table
		round1 := map[*phone]string{} // where each phone sat in round 1
		for _, p := range phones {
			round1[p] = p.table
		}
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-start")))
		for _, p := range phones {
			waitFor(t, p.view, "the second question", textJS("#question"), waitShort, equals(questions[1]))
			card, _ := waitFor(t, p.view, "a table", textJS("#table"), waitShort, tableRE.MatchString)
			p.table = tableRE.FindString(card)
		}
		if host.table != hostTable {
			t.Errorf("the host moved from %s to %s", hostTable, host.table)
		}
		var want []string
		for _, n := range notes {
			if round1[author[n.id]] == hostTable {
				want = append(want, n.text)
			}
		}
		waitFor(t, host.view, "the briefing", visibleJS("#briefing"), waitShort, isTrue)
		expect(t, host.view, "the table's round 1 notes", `[...document.querySelectorAll("#briefing-notes li")].map((li) => li.textContent)`, waitShort,
			func(got []string) bool { return slices.Equal(got, want) })
		for _, p := range []*phone{bo, anon} {
			if eval[bool](t, p.view, visibleJS("#briefing")) {
				t.Errorf("%s, not a host, sees the briefing", p.name)
			}
		}
		for _, p := range phones {
			n := post(t, p, "Round two idea from "+p.label+": a clear mandate for each stakeholder")
			later = append(later, n)
			author[n.id] = p
			assertEverywhere(t, n, p, fac, wall, phones)
		}
	})

	step("the report opens in a new tab and downloads as CSV", func(t *testing.T) {
		do(t, fac, chromedp.SetValue(chromedp.CSS("#report-format"), "html"))
		opened := chromedp.WaitNewTarget(fac.ctx, func(i *target.Info) bool { return strings.Contains(i.URL, "/report") })
		do(t, fac, chromedp.Click(chromedp.CSS(`#report-form button[type="submit"]`)))
		var id target.ID
		select {
		case id = <-opened:
		case <-time.After(waitLong):
			t.Fatal("the report form opened no tab")
		}
		rep, closeTab := attachView(t, root, fac.ctx, "report", id)
		defer closeTab()
		defer reportConsole(t, []*view{rep})
		waitFor(t, rep, "the report", `document.readyState === "complete" && document.title`, waitLong, equals("Harvest test café · report"))
		if got := eval[string](t, rep, `location.href`); got != srv.URL+"/api/cafes/"+cafeID+"/report" {
			t.Errorf("the report tab is at %s, want the report's address with no token in it", got)
		}
		if got := eval[string](t, fac, `location.pathname`); got != "/facilitate" {
			t.Errorf("the tablet left its page for %s when the report opened", got)
		}
		if !eval[bool](t, rep, `document.styleSheets.length === 1 && document.styleSheets[0].cssRules.length > 0`) {
			t.Errorf("the report's style sheet did not apply (blocked by its Content-Security-Policy?)")
		}
		body := eval[string](t, rep, `document.body.innerText`)
		if !strings.Contains(body, capacity.name) {
			t.Errorf("the report does not name the theme %q", capacity.name)
		}
		if strings.Contains(body, opens.name) {
			t.Errorf("the report names %q, which was merged away", opens.name)
		}
		type conv struct {
			Title string `json:"title"`
			Meta  string `json:"meta"`
		}
		convs := eval[[]conv](t, rep, `[...document.querySelectorAll("section.conversation")].filter((s) => s.querySelector(".meta")).map((s) => ({
			title: s.querySelector("h2").textContent, meta: s.querySelector(".meta").textContent }))`)
		wantConvs := []conv{
			{"Conversation 1: " + questions[0], fmt.Sprintf("%d ideas.", len(notes))},
			{"Conversation 2: " + questions[1], fmt.Sprintf("%d ideas.", len(later))},
			{"Conversation 3: " + questions[2], "0 ideas."},
		}
		if !slices.Equal(convs, wantConvs) {
			t.Errorf("the report's conversations are %+v, want %+v", convs, wantConvs)
		}
		// Each note is listed under its conversation with its author, or
		// with only its table when it was posted anonymously.
		lis := eval[[]string](t, rep, `[...document.querySelectorAll("section.conversation ul.notes li")].map((li) => li.textContent)`)
		for _, n := range append(slices.Clone(notes), later...) {
			p := author[n.id]
			i := slices.IndexFunc(lis, func(s string) bool { return strings.HasPrefix(s, n.text+" (") })
			if i < 0 {
				t.Errorf("the report does not list %q", n.text)
				continue
			}
			by := strings.TrimPrefix(lis[i], n.text+" ")
			switch {
			case p == anon && !strings.HasPrefix(by, "(table "):
				t.Errorf("the report names the author of anonymous note %q: %s", n.text, by)
			case p != anon && !strings.HasPrefix(by, "("+names[p]+", table "):
				t.Errorf("the report lists %q by %s, want %s", n.text, by, names[p])
			}
		}
		screenshot(t, rep, shots, "5-harvest-4-report")

		// The same POST from Go: CSV and HTML, and nothing without the token.
		endpoint := srv.URL + "/api/cafes/" + cafeID + "/report"
		rows := postReport(t, endpoint, token, "csv", "text/csv; charset=utf-8")
		rows = strings.TrimPrefix(rows, "\ufeff")
		records, err := csv.NewReader(strings.NewReader(rows)).ReadAll()
		if err != nil {
			t.Fatalf("the CSV report does not parse: %v", err)
		}
		if len(records) == 0 || !slices.Equal(records[0], []string{"conversation", "question", "round", "table", "author", "group", "theme", "dots", "time_utc", "note"}) {
			t.Fatalf("the CSV report starts with %q", records[:min(1, len(records))])
		}
		idOf := map[string]string{} // text → note id
		for _, n := range append(slices.Clone(notes), later...) {
			idOf[n.text] = n.id
		}
		perConversation := map[string]int{}
		seen := map[string]bool{}
		for _, r := range records[1:] {
			perConversation[r[0]]++
			text := r[9]
			seen[text] = true
			id, ok := idOf[text]
			if !ok {
				t.Errorf("the CSV report lists a note nobody posted: %q", r)
				continue
			}
			p := author[id]
			wantAuthor := names[p]
			wantTheme := ""
			if th := g.of[id]; th != "" {
				wantTheme = capacity.name
			}
			if r[4] != wantAuthor || r[6] != wantTheme || r[7] != strconv.Itoa(countOf(dots, id)) {
				t.Errorf("the CSV row of %q has author %q, theme %q, dots %s; want %q, %q, %d", text, r[4], r[6], r[7], wantAuthor, wantTheme, countOf(dots, id))
			}
		}
		if want := map[string]int{"1": len(notes), "2": len(later)}; !mapsEqual(perConversation, want) {
			t.Errorf("the CSV report has %v notes per conversation, want %v", perConversation, want)
		}
		if len(seen) != len(notes)+len(later) {
			t.Errorf("the CSV report lists %d distinct notes, want %d", len(seen), len(notes)+len(later))
		}
		page := postReport(t, endpoint, token, "html", "text/html; charset=utf-8")
		if !strings.Contains(page, capacity.name) || !strings.Contains(page, notes[0].text) {
			t.Errorf("the HTML report from Go lacks the theme or the first note")
		}
		resp, err := http.PostForm(endpoint, url.Values{"token": {"not-the-token"}, "format": {"csv"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a report with a wrong token answers %s, want 401", resp.Status)
		}
	})
}

// postReport fetches the café's report as the tablet's form does.
func postReport(t *testing.T, endpoint, token, format, contentType string) string {
	t.Helper()
	resp, err := http.PostForm(endpoint, url.Values{"token": {token}, "format": {format}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the %s report answers %s: %s", format, resp.Status, b)
	}
	if got := resp.Header.Get("Content-Type"); got != contentType {
		t.Errorf("the %s report has Content-Type %q, want %q", format, got, contentType)
	}
	return string(b)
}

func countOf(dots map[*phone][]string, id string) int {
	n := 0
	for _, ids := range dots {
		for _, d := range ids {
			if d == id {
				n++
			}
		}
	}
	return n
}

func mapsEqual[K comparable](a, b map[K]int) bool {
	clean := func(m map[K]int) map[K]int {
		c := map[K]int{}
		for k, v := range m {
			if v != 0 {
				c[k] = v
			}
		}
		return c
	}
	a, b = clean(a), clean(b)
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A theme as the test knows it.
type theme struct{ id, name string }

// grouping is what the themes should look like: the themes of question 1
// in the order they were made, and each note's theme ("" for none).
type grouping struct {
	themes []theme
	notes  []postedNote // in posting order
	of     map[string]string
}

// column is a theme's box on the tablet or its column on the wall.
type column struct {
	Name  string   `json:"name"`
	Count string   `json:"count"`
	Notes []string `json:"notes"`
}

// columns lists the themes with their notes, then the notes in no theme
// (when there are any, or always when loose is set).
func (g grouping) columns(loose bool, count func(int) string) []column {
	var out []column
	for _, th := range append(slices.Clone(g.themes), theme{name: "Not grouped yet"}) {
		c := column{Name: th.name, Notes: []string{}}
		for _, n := range g.notes {
			if g.of[n.id] == th.id {
				c.Notes = append(c.Notes, n.id)
			}
		}
		c.Count = count(len(c.Notes))
		if th.id != "" || loose || len(c.Notes) > 0 {
			out = append(out, c)
		}
	}
	return out
}

func sameColumns(want []column) func([]column) bool {
	return func(got []column) bool {
		return slices.EqualFunc(got, want, func(a, b column) bool {
			return a.Name == b.Name && a.Count == b.Count && slices.Equal(a.Notes, b.Notes)
		})
	}
}

// expectBoard checks the tablet's themes board: a box per theme and one for
// the notes not grouped yet, each with its count and notes.
func expectBoard(t *testing.T, fac *view, g grouping) {
	t.Helper()
	want := g.columns(true, func(n int) string {
		if n == 1 {
			return "1 note"
		}
		return strconv.Itoa(n) + " notes"
	})
	expect(t, fac, "the themes board", `[...document.querySelectorAll("#themes section.theme-box")].map((s) => ({
		name: s.querySelector("h3")?.firstChild?.textContent ?? "",
		count: s.querySelector("h3 .count")?.textContent ?? "",
		notes: [...s.querySelectorAll("li[data-note-id]")].map((li) => li.dataset.noteId),
	}))`, waitShort, sameColumns(want))
}

// expectWall checks that the wall shows a column per theme, named after it,
// with its notes, and a column of the notes not grouped yet.
func expectWall(t *testing.T, wall *view, g grouping) {
	t.Helper()
	want := g.columns(false, strconv.Itoa)
	expect(t, wall, "the themes as columns", `[...document.querySelectorAll("#tables section.wall-theme")].map((s) => ({
		name: s.querySelector("h2 > span:first-child")?.textContent ?? "",
		count: s.querySelector("h2 > .count")?.textContent ?? "",
		notes: [...s.querySelectorAll("li.sticky[data-note-id]")].map((li) => li.dataset.noteId),
	}))`, waitShort, sameColumns(want))
	if got := eval[int](t, wall, countJS("#tables section.wall-table:not(.wall-theme)")); got != 0 {
		t.Errorf("wall: %d table columns show beside the themes", got)
	}
}

// addTheme adds a theme with the tablet's form and returns it as the
// tablet shows it.
func addTheme(t *testing.T, fac *view, s store.Store, cafeID, name string) theme {
	t.Helper()
	do(t, fac,
		chromedp.SendKeys(chromedp.CSS("#theme-name"), name),
		chromedp.Click(chromedp.CSS(`#theme-form button[type="submit"]`)),
	)
	sel := fmt.Sprintf(`#themes section.theme-box[aria-label=%q]`, "Theme "+name)
	id, _ := waitFor(t, fac, "the new theme's box", fmt.Sprintf(`document.querySelector(%s)?.dataset.drop ?? ""`, jsString(sel)), waitShort,
		func(s string) bool { return s != "" })
	st := rebuild(t, s, cafeID)
	if th := st.Themes[id]; th == nil || th.Name != name || th.Question != 0 {
		t.Fatalf("the server holds theme %s as %+v, want %q of question 1", id, th, name)
	}
	if got := eval[string](t, fac, `document.querySelector("#theme-name").value`); got != "" {
		t.Errorf("the theme field still holds %q after adding", got)
	}
	return theme{id: id, name: name}
}

// setTheme picks a note's theme in the list under it.
func setTheme(t *testing.T, fac *view, noteID, themeID string) {
	t.Helper()
	sel := fmt.Sprintf(`select[data-note-theme=%q]`, noteID)
	// One script, so the board cannot be redrawn between finding the list
	// and choosing in it.
	do(t, fac, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const s = document.querySelector(%s); s.value = %s; s.dispatchEvent(new Event("change", { bubbles: true })); })()`,
		jsString(sel), jsString(themeID))))
}

func themedAs(g grouping) func(*cafe.State) bool {
	return func(st *cafe.State) bool {
		for _, n := range g.notes {
			if sn := st.Notes[n.id]; sn == nil || sn.Theme != g.of[n.id] {
				return false
			}
		}
		for _, th := range g.themes {
			if st.Themes[th.id] == nil || st.Themes[th.id].Name != th.name {
				return false
			}
		}
		return len(st.Themes) == len(g.themes)
	}
}

func waitForThemes(t *testing.T, s store.Store, cafeID string, g grouping) *cafe.State {
	t.Helper()
	return waitForState(t, s, cafeID, "the themes", themedAs(g))
}

// dragNote drags a note onto a theme's box with the mouse: HTML5 drag and
// drop, which chromedp drives by intercepting the browser's drag. It
// reports whether the note reached the theme. The page records the drag
// events it got, so that a failure tells a drag the browser never started
// (a limit of the test's driving: the note then gets its theme from the
// list) from a drop the app ignored (a bug).
func dragNote(t *testing.T, fac *view, s store.Store, cafeID, noteID, themeID string, g grouping) bool {
	t.Helper()
	from := fmt.Sprintf(`#themes li[data-note-id=%q]`, noteID)
	zone := fmt.Sprintf(`#themes section.theme-box[data-drop=%q]`, themeID)
	attrs := eval[[]string](t, fac, fmt.Sprintf(`[document.querySelector(%s)?.getAttribute("draggable") ?? "(none)",
		...[...document.querySelectorAll("#themes section.theme-box")].map((s) => s.hasAttribute("data-drop") ? "drop" : "no drop")]`, jsString(from)))
	if attrs[0] != "true" || slices.Contains(attrs[1:], "no drop") {
		t.Errorf("the note has draggable=%q and the theme boxes %q: nothing to drag or to drop on", attrs[0], attrs[1:])
	}
	eval[bool](t, fac, `(() => {
		window.__drag = [];
		for (const type of ["dragstart", "dragenter", "dragover", "drop", "dragend"]) {
			document.addEventListener(type, (e) => {
				const z = e.target.closest?.("[data-drop]");
				const entry = type + (z ? "@" + (z.dataset.drop || "loose") : "");
				if (window.__drag.at(-1) !== entry) window.__drag.push(entry);
			}, true);
		}
		return true;
	})()`)
	ctx, cancel := context.WithTimeout(fac.ctx, waitLong)
	err := chromedp.Do(ctx, chromedp.DragAndDrop(chromedp.CSS(from+" .note-text"), chromedp.CSS(zone)))
	cancel()
	_, ok := stateWithin(t, s, cafeID, waitShort, themedAs(g))
	events := eval[[]string](t, fac, `window.__drag`)
	t.Logf("drag of note %s onto theme %s: error %v; the page saw %q", noteID, themeID, err, events)
	switch {
	case ok:
		t.Logf("the note reached the theme by drag and drop")
		return true
	case slices.Contains(events, "drop@"+themeID):
		t.Errorf("the page got a drop on the theme but the note did not move: the app ignores the drop (events %q)", events)
	case slices.Contains(events, "dragover@"+themeID):
		t.Errorf("the drag reached the theme's box but no drop came: the browser drops only where dragover was cancelled (events %q)", events)
	default:
		t.Logf("NOTE: headless Chromium did not deliver the drag (events %q, error %v); the attributes are checked, the note gets its theme from the list", events, err)
	}
	return false
}

// voteItem is one item of a phone's vote as it shows it.
type voteItem struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Mine      string `json:"mine"`
	Total     string `json:"total"`
	CanAdd    bool   `json:"canAdd"`
	CanRemove bool   `json:"canRemove"`
}

// expectPhoneVote checks a phone's vote: the notes of question 1 with this
// phone's dots and the + and − it may use (2 dots, one per note), and the
// totals once tally is known (nil while hidden); then sorted by total.
func expectPhoneVote(t *testing.T, p *phone, notes []postedNote, mine map[string]int, tally map[string]int) {
	t.Helper()
	used := 0
	for _, n := range mine {
		used += n
	}
	var want []voteItem
	for _, n := range notes {
		it := voteItem{ID: n.id, Text: n.text, Mine: strconv.Itoa(mine[n.id]), CanAdd: used < 2 && mine[n.id] == 0, CanRemove: mine[n.id] > 0}
		if tally != nil {
			it.Total = plural(tally[n.id], "dot")
		}
		want = append(want, it)
	}
	if tally != nil {
		slices.SortStableFunc(want, func(a, b voteItem) int { return cmp.Compare(tally[b.ID], tally[a.ID]) })
	}
	expect(t, p.view, "the vote's items", `[...document.querySelectorAll("#vote-items li.vote-item")].map((li) => ({
		id: li.querySelector("button[data-dot]")?.dataset.item ?? "",
		text: li.querySelector(".note-text")?.textContent ?? "",
		mine: li.querySelector(".dots strong")?.textContent ?? "",
		total: li.querySelector(".total")?.textContent ?? "",
		canAdd: !!li.querySelector('button[data-dot="add"]:not(:disabled)'),
		canRemove: !!li.querySelector('button[data-dot="remove"]:not(:disabled)'),
	}))`, waitShort, func(got []voteItem) bool { return slices.Equal(got, want) })
}

// resultRow is a line of the wall's vote results.
type resultRow struct {
	Label string `json:"label"`
	Dots  string `json:"dots"`
}

// resultRows are the notes with dots, most first (ties in posting order).
func resultRows(notes []postedNote, tally map[string]int) []resultRow {
	var rows []resultRow
	for _, n := range ranked(notes, tally) {
		rows = append(rows, resultRow{Label: n.text, Dots: strconv.Itoa(tally[n.id])})
	}
	return rows
}

// tallyLines are the tablet's lines of a tally: "3 dots <note>".
func tallyLines(notes []postedNote, tally map[string]int) []string {
	var lines []string
	for _, n := range ranked(notes, tally) {
		lines = append(lines, plural(tally[n.id], "dot")+" "+n.text)
	}
	return lines
}

func ranked(notes []postedNote, tally map[string]int) []postedNote {
	var out []postedNote
	for _, n := range notes {
		if tally[n.id] > 0 {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b postedNote) int { return cmp.Compare(tally[b.id], tally[a.id]) })
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// expect is waitFor for a claim that later steps do not depend on: a miss is
// reported and the test goes on.
func expect[T any](t *testing.T, v *view, what, js string, timeout time.Duration, ok func(T) bool) (T, bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last T
	var lastErr error
	for {
		got, err := tryEval[T](v, js)
		if err == nil {
			if ok(got) {
				return got, true
			}
			last, lastErr = got, nil
		} else {
			lastErr = err
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: waited %s for %s; last value %#v, last error %v", v.name, timeout, what, last, lastErr)
			return last, false
		}
		time.Sleep(pollEvery)
	}
}

// stateWithin rebuilds the café until ok accepts it or timeout passes.
func stateWithin(t *testing.T, s store.Store, cafeID string, timeout time.Duration, ok func(*cafe.State) bool) (*cafe.State, bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st := rebuild(t, s, cafeID)
		if ok(st) {
			return st, true
		}
		if time.Now().After(deadline) {
			return st, false
		}
		time.Sleep(pollEvery)
	}
}

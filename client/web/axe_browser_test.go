package web_test

// The accessibility check of every view in every phase: axe-core, run in
// real headless Chromium on the landing page, the tablet (lobby, round,
// town hall, themes, harvest), the phone (join, round, town hall, vote), the
// wall (lobby, round, spotlight, harvest) and the report, must find no
// critical and no serious violation of WCAG 2.2 A/AA. What axe cannot decide
// alone ("needs review") is written to the test log, each item with the
// elements it is about, for a person to look at.
//
// axe-core comes from npm (client/web/testdata/axe, installed by .ci/run
// with npm ci); without it the test is skipped, except under CI.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/protocol"
)

// axeTags are the rule sets checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"}

type axeNode struct {
	Target  []any  `json:"target"`
	HTML    string `json:"html"`
	Summary string `json:"failureSummary"`
}

type axeRule struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	Nodes  []axeNode `json:"nodes"`
}

type axeResults struct {
	Violations []axeRule `json:"violations"`
	Incomplete []axeRule `json:"incomplete"`
}

// axeSource reads axe.min.js from the npm package.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is not installed (npm ci --prefix client/web/testdata/axe): %v", err)
		}
		t.Skipf("axe-core is not installed (npm ci --prefix client/web/testdata/axe); skipping: %v", err)
	}
	return string(b)
}

// checkAxe runs axe on v as it is now. Critical and serious violations fail
// t; lesser ones and every needs-review item are logged.
func checkAxe(t *testing.T, v *view, src, what string) {
	t.Helper()
	// The page's own CSP does not apply to what DevTools evaluates.
	if !eval[bool](t, v, `typeof window.axe === "object"`) {
		do(t, v, chromedp.Evaluate[chromedp.Void](src+"\n;undefined"))
	}
	// A note that has just arrived is still fading in; axe would measure
	// the contrast of the fade, not of the note.
	do(t, v, chromedp.Evaluate[chromedp.Void](`Promise.all(document.getAnimations().map((a) => a.finished)).then(() => undefined)`, chromedp.EvalAwaitPromise))
	tags, err := json.Marshal(axeTags)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(v.ctx, 30*time.Second)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResults](
		fmt.Sprintf(`axe.run(document, { runOnly: { type: "tag", values: %s }, resultTypes: ["violations", "incomplete"] })
			.then((r) => ({ violations: r.violations, incomplete: r.incomplete }))`, tags),
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s (%s): running axe: %v", v.name, what, err)
	}
	for _, r := range res.Violations {
		msg := fmt.Sprintf("%s (%s): %s [%s, %s] on %s", v.name, what, r.Help, r.ID, r.Impact, axeTargets(r.Nodes))
		if r.Impact == "critical" || r.Impact == "serious" {
			t.Error(msg)
			for _, n := range r.Nodes {
				t.Logf("\t%s\n\t\t%s", n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
			}
		} else {
			t.Log("minor: " + msg)
		}
	}
	for _, r := range res.Incomplete {
		t.Logf("needs review: %s (%s): %s [%s] on %s", v.name, what, r.Help, r.ID, axeTargets(r.Nodes))
	}
	t.Logf("axe: %s (%s): %d violations, %d to review", v.name, what, len(res.Violations), len(res.Incomplete))
}

func axeTargets(nodes []axeNode) string {
	var out []string
	for _, n := range nodes {
		out = append(out, fmt.Sprint(n.Target...))
	}
	if len(out) > 6 {
		out = append(out[:6], fmt.Sprintf("and %d more", len(out)-6))
	}
	return strings.Join(out, ", ")
}

func TestAccessibilityOfEveryViewWithAxe(t *testing.T) {
	chromium := findChromium(t)
	src := axeSource(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	root := t

	var (
		fac, wall, form *view
		phones          []*phone
		host, bo        *phone
		code, cafeID    string
		notes           []postedNote
	)
	all := func() []*view {
		vs := []*view{fac, wall, form}
		for _, p := range phones {
			vs = append(vs, p.view)
		}
		return vs
	}
	step := steps(t, all)

	step("landing, tablet lobby, wall lobby and the join form", func(t *testing.T) {
		fac = newView(t, root, browser, "facilitator", 1280, 800, false)
		do(t, fac, chromedp.Navigate(srv.URL+"/"))
		waitFor(t, fac, "the create form", visibleJS("#create"), waitLong, isTrue)
		checkAxe(t, fac, src, "landing")
		do(t, fac,
			chromedp.SetValue(chromedp.CSS("#title"), "Accessible café"),
			chromedp.SetValue(chromedp.CSS("#tables"), "2"),
			chromedp.SetValue(chromedp.CSS("#minutes"), "20"),
			chromedp.Click(chromedp.CSS("#create-submit")),
		)
		waitFor(t, fac, "the facilitator page", `location.pathname === "/facilitate" && location.hash.length > 1`, waitLong, isTrue)
		code, _ = waitFor(t, fac, "the join code", textJS("#join-code"), waitLong, func(s string) bool { return len(s) == 6 })
		cafeID, _, _ = strings.Cut(strings.TrimPrefix(eval[string](t, fac, `location.hash`), "#"), ".")
		waitFor(t, fac, "the wall link", visibleJS("#wall-link"), waitShort, isTrue)
		checkAxe(t, fac, src, "lobby")

		wall = newView(t, root, browser, "wall", 1920, 1080, false)
		do(t, wall, chromedp.Navigate(eval[string](t, fac, `document.querySelector("#wall-link").href`)))
		waitFor(t, wall, "the join code", textJS("#join-code"), waitLong, equals(code))
		checkAxe(t, wall, src, "lobby")

		form = newView(t, root, browser, "phone-form", 390, 844, true)
		do(t, form, chromedp.Navigate(srv.URL+"/join/"+code))
		waitFor(t, form, "the join form", visibleJS("#join-form"), waitLong, isTrue)
		checkAxe(t, form, src, "join")
		// The form's error, as a wrong code shows it.
		do(t, form,
			chromedp.SetValue(chromedp.CSS("#code"), "ZZZZZZ"),
			chromedp.Click(chromedp.CSS("#join-submit")),
		)
		waitFor(t, form, "the join error", visibleJS("#join-error"), waitLong, isTrue)
		checkAxe(t, form, src, "join error")

		host = joinPhone(t, root, browser, srv.URL, code, "ada", "Ada Lovelace", "civil_society", false)
		bo = joinPhone(t, root, browser, srv.URL, code, "anon", "", "academia", true)
		phones = []*phone{host, bo}
		for _, p := range phones {
			answerDialogs(t, p.view)
		}
	})

	step("a round on every screen", func(t *testing.T) {
		waitFor(t, fac, "the start button", enabledJS("#btn-start"), waitShort, isTrue)
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-start")))
		for _, p := range phones {
			waitFor(t, p.view, "the note form", visibleJS("#compose"), waitShort, isTrue)
		}
		for _, p := range phones {
			notes = append(notes, post(t, p, "An idea from "+p.label+" about open standards"))
		}
		waitFor(t, wall, "the notes on the wall", countJS("#tables li.sticky"), waitShort, equals(len(notes)))
		waitFor(t, fac, "the notes on the tablet", countJS("#tables li[data-note-id]"), waitShort, equals(len(notes)))
		checkAxe(t, fac, src, "round")
		checkAxe(t, wall, src, "round")
		for _, p := range phones {
			checkAxe(t, p.view, src, "round")
		}
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-pause")))
		waitFor(t, fac, "the resume button", visibleJS("#btn-resume"), waitShort, isTrue)
		checkAxe(t, host.view, src, "round, paused")
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-resume")))
	})

	step("the town hall, the themes and the spotlight", func(t *testing.T) {
		waitFor(t, fac, "the end button", enabledJS("#btn-end"), waitShort, isTrue)
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-end")), chromedp.Click(chromedp.CSS("#btn-end-confirm")))
		waitForPhase(t, srv.Store, cafeID, protocol.PhaseTownHall)
		waitFor(t, fac, "the town hall panel", visibleJS("#townhall"), waitShort, isTrue)
		for _, p := range phones {
			waitFor(t, p.view, "the raise-hand button", visibleJS("#hand"), waitShort, isTrue)
		}
		do(t, host.view, chromedp.Click(chromedp.CSS("#hand")))
		waitFor(t, fac, "the raised hand", countJS("#hands li"), waitShort, equals(1))
		checkAxe(t, fac, src, "town hall")
		checkAxe(t, wall, src, "town hall")
		for _, p := range phones {
			checkAxe(t, p.view, src, "town hall")
		}

		do(t, fac, chromedp.Click(chromedp.CSS("#view-themes")))
		waitFor(t, fac, "the themes board", visibleJS("#themes-board"), waitShort, isTrue)
		do(t, fac,
			chromedp.SendKeys(chromedp.CSS("#theme-name"), "Open standards"),
			chromedp.Click(chromedp.CSS(`#theme-form button[type="submit"]`)),
		)
		waitFor(t, fac, "the new theme", countJS("#themes section.theme-box"), waitShort, func(n int) bool { return n >= 1 })
		checkAxe(t, fac, src, "themes")

		do(t, fac, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#themes button[data-action="spot-note"][data-id=%q]`, notes[0].id))))
		waitFor(t, wall, "the spotlight", visibleJS("#spotlight"), waitShort, isTrue)
		checkAxe(t, wall, src, "spotlight")
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-clear-spotlight")))
		waitFor(t, wall, "the spotlight to go", visibleJS("#spotlight"), waitShort, equals(false))
	})

	step("a dot vote, the harvest and the report", func(t *testing.T) {
		do(t, fac,
			chromedp.SetValue(chromedp.CSS("#vote-scope"), "notes:0"),
			chromedp.SetValue(chromedp.CSS("#vote-dots"), "2"),
			chromedp.Click(chromedp.CSS(`#vote-form button[type="submit"]`)),
		)
		for _, p := range phones {
			waitFor(t, p.view, "the vote", countJS(`#vote-items button[data-dot="add"]`), waitShort, equals(len(notes)))
		}
		do(t, bo.view, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#vote-items button[data-dot="add"][data-item=%q]`, notes[0].id))))
		waitFor(t, bo.view, "a dot given", textJS("#vote-left"), waitShort, contains("1 of 2"))
		for _, p := range phones {
			checkAxe(t, p.view, src, "vote")
		}
		checkAxe(t, fac, src, "vote")
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-reveal")))
		waitFor(t, wall, "the results", visibleJS("#results"), waitShort, isTrue)
		checkAxe(t, wall, src, "vote results")

		waitFor(t, fac, "the harvest button", enabledJS("#btn-harvest"), waitShort, isTrue)
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-harvest")))
		waitForPhase(t, srv.Store, cafeID, protocol.PhaseHarvest)
		waitFor(t, wall, "the harvest", textJS("#phase"), waitShort, contains("Harvest"))
		waitFor(t, fac, "the harvest", textJS("#phase"), waitShort, contains("Harvest"))
		checkAxe(t, fac, src, "harvest")
		checkAxe(t, wall, src, "harvest")
		checkAxe(t, host.view, src, "harvest")

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
		waitFor(t, rep, "the report", `document.readyState === "complete" && document.title`, waitLong, equals("Accessible café · report"))
		checkAxe(t, rep, src, "report")
	})
}

// announcedJS lists what a page's live region has said, oldest first.
const announcedJS = `[...document.querySelectorAll("#announce p")].map((p) => p.textContent)`

// liveRegionJS names the live region sel is in, or "" when it is in none:
// a countdown or a character counter in a live region is read out at every
// change.
func liveRegionJS(sel string) string {
	return fmt.Sprintf(`(() => {
		for (let e = document.querySelector(%s); e; e = e.parentElement) {
			const live = e.getAttribute("aria-live"), role = e.getAttribute("role");
			if (live && live !== "off") return e.id + " aria-live=" + live;
			if (!live && ["status", "alert", "log", "marquee"].includes(role)) return e.id + " role=" + role;
		}
		return "";
	})()`, jsString(sel))
}

func saidJS(text string) string {
	return fmt.Sprintf(`%s.filter((t) => t === %s).length`, announcedJS, jsString(text))
}

func TestScreenReadersHearWhatMatters(t *testing.T) {
	chromium := findChromium(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	root := t

	fac := newView(t, root, browser, "facilitator", 1280, 800, false)
	do(t, fac, chromedp.Navigate(srv.URL+"/"))
	waitFor(t, fac, "the create form", visibleJS("#create"), waitLong, isTrue)
	do(t, fac,
		chromedp.SetValue(chromedp.CSS("#title"), "Heard café"),
		chromedp.SetValue(chromedp.CSS("#tables"), "1"), // everyone at one table
		chromedp.SetValue(chromedp.CSS("#minutes"), "20"),
		chromedp.Click(chromedp.CSS("#create-submit")),
	)
	code, _ := waitFor(t, fac, "the join code", textJS("#join-code"), waitLong, func(s string) bool { return len(s) == 6 })
	ada := joinPhone(t, root, browser, srv.URL, code, "ada", "Ada Lovelace", "academia", false)
	bo := joinPhone(t, root, browser, srv.URL, code, "bo", "Bo Chen", "government", false)
	phones := []*phone{ada, bo}
	views := []*view{fac, ada.view, bo.view}
	defer reportConsole(t, views)

	for _, v := range views {
		if got := eval[string](t, v, liveRegionJS("#clock")); got != "" {
			t.Errorf("%s: the countdown is in a live region (%s): it would be read every second", v.name, got)
		}
		if got := eval[int](t, v, countJS("#announce[aria-live=polite]")); got != 1 {
			t.Errorf("%s: %d polite live regions #announce, want 1", v.name, got)
		}
	}
	if got := eval[string](t, ada.view, liveRegionJS("#note-count")); got != "" {
		t.Errorf("the character counter is in a live region (%s): it would be read at every keystroke", got)
	}
	for _, v := range views {
		if got := eval[[]string](t, v, announcedJS); len(got) != 0 {
			t.Errorf("%s: said %q before anything happened", v.name, got)
		}
	}

	do(t, fac, chromedp.Click(chromedp.CSS("#btn-start")))
	for _, p := range phones {
		waitFor(t, p.view, "the round start said", saidJS("Round 1 of 3 has started."), waitShort, equals(1))
	}
	if got := eval[[]string](t, fac, announcedJS); len(got) != 0 {
		t.Errorf("the tablet said %q when its own button started the round", got)
	}

	// Typing says nothing; a note says itself at the table, not to its author.
	before := len(eval[[]string](t, ada.view, announcedJS))
	text := "Keep the standards open"
	do(t, ada.view, chromedp.SendKeys(chromedp.CSS("#note"), text))
	waitFor(t, ada.view, "the counter", textJS("#note-count"), waitShort, equals(fmt.Sprintf("%d / 280", len(text))))
	if got := eval[[]string](t, ada.view, announcedJS); len(got) != before {
		t.Errorf("typing a note said %q", got[before:])
	}
	do(t, ada.view, chromedp.Click(chromedp.CSS("#post")))
	waitFor(t, bo.view, "the new note said at the table", saidJS("New note at your table: "+text), waitShort, equals(1))
	waitFor(t, ada.view, "the note saved", mineJS(text), waitShort, func(s noteState) bool { return strings.HasPrefix(s.State, "Saved") })
	if got := eval[int](t, ada.view, saidJS("New note at your table: "+text)); got != 0 {
		t.Errorf("the author's own phone announced their note as new")
	}

	// The countdown ticks without a word.
	said := eval[[]string](t, bo.view, announcedJS)
	first := eval[string](t, bo.view, textJS("#clock"))
	second, _ := waitFor(t, bo.view, "the clock to tick", textJS("#clock"), waitLong, func(s string) bool { return s != first })
	waitFor(t, bo.view, "the clock to tick again", textJS("#clock"), waitLong, func(s string) bool { return s != second })
	if got := eval[[]string](t, bo.view, announcedJS); !slices.Equal(got, said) {
		t.Errorf("the countdown ticking said %q", got[len(said):])
	}

	do(t, fac, chromedp.Click(chromedp.CSS("#btn-pause")))
	for _, p := range phones {
		waitFor(t, p.view, "the pause said", saidJS("The round is paused."), waitShort, equals(1))
	}
	do(t, fac, chromedp.Click(chromedp.CSS("#btn-resume")))
	for _, p := range phones {
		waitFor(t, p.view, "the resume said", saidJS("The round goes on."), waitShort, equals(1))
	}

	do(t, fac,
		chromedp.SendKeys(chromedp.CSS("#broadcast"), "Two minutes left, please summarise"),
		chromedp.Click(chromedp.CSS(`#broadcast-form button[type="submit"]`)),
	)
	for _, p := range phones {
		waitFor(t, p.view, "the broadcast said", saidJS("Message from the facilitator: Two minutes left, please summarise"), waitShort, equals(1))
	}

	// One minute left: Bo's phone clock is moved on to just before the
	// minute (the page reads the device's clock), and the minute passes.
	left, _ := waitFor(t, bo.view, "the clock", textJS("#clock"), waitShort, clockRE.MatchString)
	m := clockRE.FindStringSubmatch(left)
	mins, _ := strconv.Atoi(m[1])
	secs, _ := strconv.Atoi(m[2])
	shift := (mins*60 + secs - 62) * 1000
	do(t, bo.view, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const real = Date.now; Date.now = () => real() + %d; })()`, shift)))
	waitFor(t, bo.view, "one minute left said", saidJS("1 minute left."), waitLong, func(n int) bool { return n >= 1 })

	// The tablet hears the hands that go up in the town hall.
	do(t, fac, chromedp.Click(chromedp.CSS("#btn-end")), chromedp.Click(chromedp.CSS("#btn-end-confirm")))
	waitFor(t, ada.view, "the town hall said", saidJS("Town hall · next: round 2"), waitShort, equals(1))
	waitFor(t, ada.view, "the raise-hand button", visibleJS("#hand"), waitShort, isTrue)
	do(t, ada.view, chromedp.Click(chromedp.CSS("#hand")))
	waitFor(t, fac, "the raised hand said", saidJS("Ada Lovelace raised a hand."), waitShort, equals(1))
	if got := eval[[]string](t, fac, announcedJS); len(got) != 1 {
		t.Errorf("the tablet said %q, want only the raised hand", got)
	}
}

// sidewaysJS says how far a page scrolls sideways, or "" when it does not.
const sidewaysJS = `(() => {
	const w = document.documentElement.scrollWidth;
	if (w <= innerWidth) return "";
	const wide = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && e.getClientRects().length)
		.slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ")[0] : ""));
	return "the page is " + w + " px wide in a " + innerWidth + " px window: " + wide.join(", ");
})()`

// At 200% zoom a 640 px wide phone shows a page 320 CSS px wide: the join,
// round and vote screens must fit it without sideways scrolling. And type is
// sized from the browser's font size setting, not in fixed pixels.
func TestTextFollowsTheFontSettingAndZoom(t *testing.T) {
	chromium := findChromium(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	root := t
	mobile := []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait}

	fac := newView(t, root, browser, "facilitator", 1280, 800, false)
	do(t, fac, chromedp.Navigate(srv.URL+"/"))
	waitFor(t, fac, "the create form", visibleJS("#create"), waitLong, isTrue)
	do(t, fac,
		chromedp.SetValue(chromedp.CSS("#title"), "Zoomed café"),
		chromedp.SetValue(chromedp.CSS("#tables"), "1"),
		chromedp.SetValue(chromedp.CSS("#minutes"), "20"),
		chromedp.Click(chromedp.CSS("#create-submit")),
	)
	code, _ := waitFor(t, fac, "the join code", textJS("#join-code"), waitLong, func(s string) bool { return len(s) == 6 })

	form := newView(t, root, browser, "phone-form", 320, 640, true)
	defer reportConsole(t, []*view{fac, form})
	do(t, form, chromedp.Navigate(srv.URL+"/join/"+code))
	waitFor(t, form, "the join form", visibleJS("#join-form"), waitLong, isTrue)
	if got := eval[string](t, form, sidewaysJS); got != "" {
		t.Errorf("join screen at 320 px: %s", got)
	}

	ada := joinPhone(t, root, browser, srv.URL, code, "ada", "Ada Lovelace", "international_organisation", false)
	bo := joinPhone(t, root, browser, srv.URL, code, "bo", "Bo Chen", "technical_community", false)
	defer reportConsole(t, []*view{ada.view, bo.view})
	do(t, ada.view, chromedp.EmulateViewport(320, 640, mobile...))
	do(t, fac, chromedp.Click(chromedp.CSS("#btn-start")))
	waitFor(t, ada.view, "the note form", visibleJS("#compose"), waitShort, isTrue)
	mine := post(t, ada, "Multistakeholder cooperation needs international organisations at the table")
	post(t, bo, "Interoperability between national frameworks")
	waitFor(t, ada.view, "Bo's note at the table", countJS("#table-notes li.note"), waitShort, equals(1))
	if got := eval[string](t, ada.view, sidewaysJS); got != "" {
		t.Errorf("round screen at 320 px: %s", got)
	}

	do(t, fac, chromedp.Click(chromedp.CSS("#btn-end")), chromedp.Click(chromedp.CSS("#btn-end-confirm")))
	waitFor(t, fac, "the town hall panel", visibleJS("#townhall"), waitShort, isTrue)
	do(t, fac,
		chromedp.SetValue(chromedp.CSS("#vote-scope"), "notes:0"),
		chromedp.Click(chromedp.CSS(`#vote-form button[type="submit"]`)),
	)
	waitFor(t, ada.view, "the vote", countJS(`#vote-items button[data-dot="add"]`), waitShort, equals(2))
	do(t, ada.view, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#vote-items button[data-dot="add"][data-item=%q]`, mine.id))))
	waitFor(t, ada.view, "the dot given", `document.querySelector("#vote-items .dots strong")?.textContent ?? ""`, waitShort,
		func(s string) bool { return s != "" })
	if got := eval[string](t, ada.view, sidewaysJS); got != "" {
		t.Errorf("vote screen at 320 px: %s", got)
	}

	// A browser set to 32 px type instead of the usual 16: every view's
	// text doubles with it.
	big := newView(t, root, browser, "big-type", 390, 844, true)
	do(t, big, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.SetFontSizes, page.SetFontSizesParams{FontSizes: &page.FontSizes{Standard: 32}})
		return err
	}))
	wallLink := eval[string](t, fac, `document.querySelector("#wall-link").href`)
	for _, c := range []struct {
		url  string
		sel  string
		want string
	}{
		{srv.URL + "/join/" + code, "#join-form", "36px"}, // 1.125rem
		{srv.URL + "/", "#create", "36px"},
		{wallLink, "#join-code", "48px"}, // the wall's 1.5rem
	} {
		do(t, big, chromedp.Navigate(c.url))
		waitFor(t, big, "the page", visibleJS(c.sel), waitLong, isTrue)
		if got := eval[string](t, big, `getComputedStyle(document.body).fontSize`); got != c.want {
			t.Errorf("%s: with 32 px type set in the browser the page's text is %s, want %s", c.url, got, c.want)
		}
	}
}

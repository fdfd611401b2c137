package web_test

// The public pages in real headless Chromium: a remote participant posts a
// contribution and a comment with JavaScript off (plain form posts) and
// another with it on (posted in place), and a reader's page that has
// JavaScript shows each of them live, without a reload, keeping what its
// reader is typing, and so does the café's wall; a hidden item shows its reason; a post after the
// closing date shows the space closed. And a busy question page on a cheap
// phone on a slow link: its time to first render and its weight, logged.

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// formMinAge is how long a public form must have been on screen before
// the server takes it (it refuses quicker posts as a script's), with a
// margin.
const formMinAge = 2200 * time.Millisecond

// publicCafe is a café whose online space is open, with its facilitator
// connected over the Go client.
type publicCafe struct {
	protocol.Created
	srv testServer
	fac *client.Conn
}

// startPublicCafe starts a server without post limits (every browser of a
// test shares one address) and a café whose online space is open.
func startPublicCafe(t *testing.T) *publicCafe {
	t.Helper()
	srv := startServerWith(t, server.Config{PublicPostsPerMinute: -1, PublicCafePostsPerMinute: -1})
	ctx := context.Background()
	created, err := client.API{BaseURL: srv.URL}.CreateCafe(ctx, protocol.CreateCafe{Title: "Open talks online", Tables: 2})
	if err != nil {
		t.Fatal(err)
	}
	fac, err := client.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fac.Kill)
	go func() {
		for range fac.Events() {
		}
	}()
	c := &publicCafe{Created: created, srv: srv, fac: fac}
	c.send(t, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: time.Now().Add(24 * time.Hour).UnixMilli()})
	return c
}

func (c *publicCafe) send(t *testing.T, typ string, data any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	if _, err := c.fac.Send(ctx, typ, data); err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
}

// issue posts as the public pages' forms do, past their checks.
func (c *publicCafe) issue(t *testing.T, typ string, data any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	if _, err := c.srv.Server.IssuePublic(ctx, c.Cafe, typ, data); err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
}

func (c *publicCafe) url(path string) string { return c.srv.URL + "/o/" + c.PublicCode + path }

// noScript turns JavaScript off on v, as a browser set so does.
func noScript(t *testing.T, v *view) {
	t.Helper()
	do(t, v, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
}

// openPublic opens url on v and marks the page, so that a reload (which
// drops the mark) can be told from a live update.
func openPublic(t *testing.T, v *view, url string) {
	t.Helper()
	do(t, v, chromedp.Navigate(url))
	waitFor(t, v, "the page", `document.readyState === "complete" && !!document.querySelector("main")`, waitLong, isTrue)
	do(t, v, chromedp.Evaluate[chromedp.Void](`window.stillThisPage = true; undefined`))
}

// waitLive waits until v's page has its public WebSocket open: the
// server holds want connections.
func waitLive(t *testing.T, c *publicCafe, want int64) { waitConnections(t, c.srv, want) }

func notReloaded(t *testing.T, v *view) {
	t.Helper()
	if !eval[bool](t, v, `window.stillThisPage === true`) {
		t.Errorf("%s: the page was loaded again; the update was to come live", v.name)
	}
}

// itemIDJS is the id of the contribution or comment whose text is text.
func itemIDJS(text string) string {
	return fmt.Sprintf(`([...document.querySelectorAll("[id^=item-]")].find((e) => e.querySelector(":scope > .text")?.textContent === %s)?.id ?? "")`, jsString(text))
}

// onWallJS is the text the wall shows of the online contribution whose
// public page element is itemID ("item-ID"), or "".
func onWallJS(itemID string) string {
	return fmt.Sprintf(`document.querySelector('#online-newest li[data-item-id="' + %s + '"] .what')?.textContent ?? ""`, jsString(strings.TrimPrefix(itemID, "item-")))
}

// typeAndSend types text into the text field of form (real key presses:
// they work with JavaScript off) and sends the form with a click.
func typeAndSend(t *testing.T, v *view, form, text string) {
	t.Helper()
	do(t, v,
		chromedp.SendKeys(chromedp.CSS(form+` textarea[name="text"]`), text),
		chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
	)
}

func TestPublicPagesPostWithAndWithoutJavaScriptAndUpdateLive(t *testing.T) {
	chromium := findChromium(t)
	c := startPublicCafe(t)
	browser := startBrowser(t, chromium)
	root := t
	q1 := c.url("/q/1")

	reader := newView(t, root, browser, "reader", 390, 844, true)
	plain := newView(t, root, browser, "no-script", 390, 844, true)
	scripted := newView(t, root, browser, "scripted", 1280, 800, false)
	wall := newView(t, root, browser, "wall", 1920, 1080, false)
	views := []*view{reader, plain, scripted, wall}
	defer reportConsole(t, views)
	noScript(t, plain)

	// The café's wall, as the room's projector shows it between rounds
	// (the lobby's wall is all join code): the online space's newest
	// contributions arrive there too.
	c.send(t, protocol.CmdRoundStart, nil)
	c.send(t, protocol.CmdRoundEnd, nil)
	do(t, wall, chromedp.Navigate(fmt.Sprintf("%s/wall#%s.%s", c.srv.URL, c.Cafe, c.WallToken)))
	waitFor(t, wall, "the wall's online panel", visibleJS("#wall-online"), waitLong, isTrue)
	openPublic(t, reader, q1)
	waitLive(t, c, 3) // the facilitator, the wall and the reader
	openPublic(t, scripted, q1)
	waitLive(t, c, 4)
	openPublic(t, plain, q1)
	time.Sleep(formMinAge)

	t.Run("a contribution and a comment with JavaScript off", func(t *testing.T) {
		const text = "Governments should publish their positions before the meetings"
		typeAndSend(t, plain, "#contribute", text)
		waitFor(t, plain, "the thank-you notice after the post", visibleJS("#notice"), waitLong, isTrue)
		id, _ := waitFor(t, plain, "the contribution on the page it was sent back to", itemIDJS(text), waitShort, func(s string) bool { return s != "" })
		if loc := eval[string](t, plain, `location.hash`); loc != "#"+id {
			t.Errorf("no-script: sent back to %q, want the new item #%s", loc, id)
		}
		_, at := waitFor(t, reader, "the no-script contribution, live", itemIDJS(text), waitShort, equals(id))
		t.Logf("the no-script contribution reached the reader live %s after its page came back", time.Since(at).Round(time.Millisecond))
		waitFor(t, wall, "the no-script contribution on the wall", onWallJS(id), waitShort, equals(text))

		time.Sleep(formMinAge)
		const comment = "Agreed, and in plain language"
		typeAndSend(t, plain, "#comment-"+strings.TrimPrefix(id, "item-"), comment)
		waitFor(t, plain, "the thank-you notice after the comment", visibleJS("#notice"), waitLong, isTrue)
		waitFor(t, reader, "the no-script comment, live, under its contribution",
			fmt.Sprintf(`!!document.querySelector("#%s") && %s !== ""`, id, itemIDJS(comment)), waitShort, isTrue)
		if got := eval[bool](t, reader, fmt.Sprintf(`!!document.querySelector("#%s").querySelector("#" + %s)`, id, itemIDJS(comment))); !got {
			t.Error("reader: the comment is not under its contribution")
		}
		notReloaded(t, reader)
	})

	t.Run("a contribution and a comment with JavaScript on, while the reader types", func(t *testing.T) {
		first := eval[string](t, reader, itemIDJS("Governments should publish their positions before the meetings"))
		// The reader starts a comment and leaves it half typed, the caret
		// in the field.
		half := "I would add that the"
		field := "#comment-" + strings.TrimPrefix(first, "item-") + ` textarea[name="text"]`
		do(t, reader, chromedp.SendKeys(chromedp.CSS(field), half))

		const text = "A shared calendar of consultations would help everyone take part"
		typeAndSend(t, scripted, "#contribute", text)
		waitFor(t, scripted, "the post's outcome in place", textJS("#contribute .form-outcome"), waitShort, equals("Sent. Thank you!"))
		if got := eval[string](t, scripted, `document.querySelector('#contribute textarea[name="text"]').value`); got != "" {
			t.Errorf("scripted: the field still holds %q after the post", got)
		}
		id, _ := waitFor(t, scripted, "the new contribution on the poster's page", itemIDJS(text), waitShort, func(s string) bool { return s != "" })
		notReloaded(t, scripted)

		waitFor(t, reader, "the scripted contribution, live", itemIDJS(text), waitShort, equals(id))
		notReloaded(t, reader)
		waitFor(t, wall, "the scripted contribution on the wall", onWallJS(id), waitShort, equals(text))
		if got := eval[string](t, reader, fmt.Sprintf(`document.querySelector(%s).value`, jsString(field))); got != half {
			t.Errorf("reader: the half-typed comment reads %q after the update, want %q", got, half)
		}
		if !eval[bool](t, reader, fmt.Sprintf(`document.activeElement === document.querySelector(%s)`, jsString(field))) {
			t.Errorf("reader: the focus left the comment field (it is on %s)", eval[string](t, reader, `document.activeElement?.outerHTML.slice(0, 80) ?? ""`))
		}
		waitFor(t, reader, "the new contribution said once to a screen reader", `[...document.querySelectorAll("#public-announce p")].map((p) => p.textContent)`,
			waitShort, func(said []string) bool { return len(said) > 0 && strings.Contains(said[len(said)-1], text) })

		time.Sleep(formMinAge) // the comment form of the new item came with the refresh
		const comment = "Yes, with reminders a week ahead"
		typeAndSend(t, scripted, "#comment-"+strings.TrimPrefix(id, "item-"), comment)
		waitFor(t, reader, "the scripted comment, live", itemIDJS(comment), waitShort, func(s string) bool { return s != "" })
		notReloaded(t, scripted)
		notReloaded(t, reader)
		if got := eval[string](t, reader, fmt.Sprintf(`document.querySelector(%s).value`, jsString(field))); got != half {
			t.Errorf("reader: the half-typed comment reads %q after the second update, want %q", got, half)
		}
	})

	t.Run("a report from an item's link, with JavaScript off", func(t *testing.T) {
		id := eval[string](t, plain, itemIDJS("Governments should publish their positions before the meetings"))
		do(t, plain, chromedp.Click(chromedp.CSS("#"+id+" > .report a")))
		waitFor(t, plain, "the item's report form, open", `!!document.querySelector("#flag-`+strings.TrimPrefix(id, "item-")+`[open] form")`, waitLong, isTrue)
		if n := eval[int](t, plain, countJS(".flagform")); n != 1 {
			t.Errorf("no-script: the page draws %d report forms, want the one asked for", n)
		}
		time.Sleep(formMinAge)
		do(t, plain,
			chromedp.SendKeys(chromedp.CSS(`.flagform input[name="reason"]`), "a personal attack"),
			chromedp.Click(chromedp.CSS(`.flagform button[type="submit"]`)),
		)
		waitFor(t, plain, "the thank-you notice after the report", textJS("#notice"), waitLong, contains("moderator"))
		if n := eval[int](t, plain, countJS(".flagform")); n != 0 {
			t.Errorf("no-script: after the report the page still draws %d report forms", n)
		}
	})

	t.Run("an item the moderator hides shows its reason", func(t *testing.T) {
		const text = "A shared calendar of consultations would help everyone take part"
		id := eval[string](t, reader, itemIDJS(text))
		c.send(t, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: strings.TrimPrefix(id, "item-"), Reason: "posted twice"})
		waitFor(t, reader, "the hiding's reason, live", textJS("#"+id+" .hidden-item"), waitShort, contains("posted twice"))
		waitFor(t, wall, "the hiding's reason on the wall", onWallJS(id), waitShort, contains("posted twice"))
		if got := eval[string](t, reader, textJS("#"+id)); strings.Contains(got, text) {
			t.Errorf("reader: the hidden item still shows its text: %q", got)
		}
		notReloaded(t, reader)
	})

	t.Run("a post after the closing date shows the space closed", func(t *testing.T) {
		closes := time.Now().Add(1500 * time.Millisecond)
		c.send(t, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: closes.UnixMilli()})
		openPublic(t, plain, q1) // a fresh form, its token older than two seconds at the post
		time.Sleep(max(time.Until(closes), formMinAge) + 200*time.Millisecond)

		const lateOff = "Too late, without JavaScript"
		typeAndSend(t, plain, "#contribute", lateOff)
		waitFor(t, plain, "the closed state after the post", `document.querySelector("#status")?.className ?? ""`, waitLong, contains("status-shut"))
		// No form once closed: the text is there to copy, read-only, under
		// the refusal.
		if got := eval[string](t, plain, textJS("#form-error")); got == "" {
			t.Error("no-script: the refused post shows no error")
		}
		if got := eval[string](t, plain, `(() => { const f = document.querySelector("#lost-text"); return f && f.readOnly ? f.value : ""; })()`); got != lateOff {
			t.Errorf("no-script: the refused text reads %q read-only, want %q", got, lateOff)
		}

		const late = "Too late, with JavaScript"
		typeAndSend(t, scripted, "#contribute", late)
		waitFor(t, scripted, "the refusal in the form", `document.querySelector("#contribute [role=alert]")?.textContent ?? ""`, waitShort, func(s string) bool { return s != "" })
		waitFor(t, scripted, "the closed state, brought in after the refusal", `document.querySelector("#status")?.className ?? ""`, waitShort, contains("status-shut"))
		if got := eval[string](t, scripted, `document.querySelector('#contribute textarea[name="text"]')?.value ?? ""`); got != late {
			t.Errorf("scripted: the refused text reads %q, want it kept: %q", got, late)
		}
		notReloaded(t, scripted)
	})
	dir := screenshotDir(t)
	for _, v := range views {
		screenshot(t, v, dir, "public")
	}
}

// firstPaintJS is the time of the first contentful paint since navigation
// started, or -1 before it.
const firstPaintJS = `(performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1)`

func TestPublicQuestionPageOnACheapPhoneOnSlow3G(t *testing.T) {
	chromium := findChromium(t)
	c := startPublicCafe(t)
	browser := startBrowser(t, chromium)
	// A busy page, as the page's benchmark draws it: 50 contributions
	// with two comments each. One is posted as a reader does, the others
	// as the forms would.
	poster := newView(t, t, browser, "poster", 390, 844, true)
	openPublic(t, poster, c.url("/q/1"))
	time.Sleep(formMinAge)
	typeAndSend(t, poster, "#contribute", "Governments should publish their positions before the meetings")
	waitFor(t, poster, "the contribution", countJS("#contributions .item"), waitShort, equals(1))
	const busy = 50
	for i := range busy - 1 {
		id := fmt.Sprintf("busy%02d", i)
		c.issue(t, protocol.CmdOnlineContribute, protocol.OnlineContribute{ItemID: id, Question: 0, Title: "Convene, do not decide alone", Name: "Ana", Group: "civil_society",
			Text: strings.Repeat("Governments should convene the stakeholders and listen before they regulate. ", 4)})
		for j := range 2 {
			c.issue(t, protocol.CmdOnlineComment, protocol.OnlineComment{CommentID: fmt.Sprintf("%s-%d", id, j), OnID: id, Text: "Agreed, and they should publish what they heard."})
		}
	}

	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "with JavaScript", false: "without JavaScript"}[js]
		v := newView(t, t, browser, "cheap-phone", 360, 640, true) // a new browser context: an empty cache
		if !js {
			noScript(t, v)
		}
		slowPhone(t, v)
		open := c.srv.Metrics.Connections.Load()
		do(t, v, chromedp.Navigate(c.url("/q/1")))
		paint, _ := waitFor(t, v, "the first render", firstPaintJS, 30*time.Second, func(ms float64) bool { return ms >= 0 })
		waitFor(t, v, "the page loaded", `document.readyState === "complete"`, 30*time.Second, isTrue)
		if js {
			// The script's own requests (the catalogue, the socket) are
			// part of the weight of a live page.
			waitLive(t, c, open+1)
			waitFor(t, v, "the catalogue", `performance.getEntriesByType("resource").some((e) => e.name.includes("/i18n/") && e.responseEnd > 0)`, 30*time.Second, isTrue)
		}
		// The first page holds the newest 30 (server/publicpaging.go).
		if n := eval[int](t, v, countJS("#contributions .item")); n != min(busy, 30) {
			t.Fatalf("%s: the page shows %d contributions, want the newest 30 of %d", name, n, busy)
		}
		l := eval[pageLoad](t, v, loadJS)
		l.UsableMs = paint
		html := eval[[2]int](t, v, `(() => { const n = performance.getEntriesByType("navigation")[0]; return [n.decodedBodySize, n.encodedBodySize]; })()`)
		if js {
			// Every module the page's script imports is asked for at
			// once with the page, named by a modulepreload link.
			for _, f := range l.Files {
				if strings.HasSuffix(f.Name, ".js") && f.Name != l.Entry && !slices.Contains(l.Preloads, f.Name) {
					t.Errorf("%s: %s is loaded but not preloaded: it waits for the module that imports it", name, f.Name)
				}
			}
		}
		if l.Bytes <= 0 || len(l.Files) < 2 {
			t.Fatalf("%s: the load reports %d bytes in %d files; the page and its style at least", name, l.Bytes, len(l.Files))
		}
		var files strings.Builder
		for _, f := range l.Files {
			fmt.Fprintf(&files, " %s %d B;", path.Base(f.Name), f.Bytes)
		}
		t.Logf("question page %s, files on the wire:%s", name, files.String())
		t.Logf("Slow 3G (%d ms, %d kbit/s), CPU ÷%d: the question page with %d contributions %s renders first after %.0f ms; its HTML is %d B (%d B gzipped), %d B on the wire in all",
			slow3GLatencyMs, slow3GBytesPerS*8/1000, cpuSlowdown, busy, name, paint, html[0], html[1], l.Bytes)
		reportConsole(t, []*view{v})
	}
}

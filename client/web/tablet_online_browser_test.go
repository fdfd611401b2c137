package web_test

// The online space run from the tablet: opened until a date (a date in the
// past refused by its field), its public link and QR code from the public
// address, moderation of what people post through the public pages' real
// forms (flagged first; hiding needs a reason, and says it in the row),
// contributions put in the room's themes, the room's notes published in
// the harvest, and the conclusion, kept through a reload and in the whole
// consultation's report.

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// modJS lists the tablet's moderation rows by item id, in the order shown.
const modJS = `[...document.querySelectorAll("#online-mod li")].map((li) => li.dataset.itemId)`

func modSel(id string) string { return fmt.Sprintf(`#online-mod li[data-item-id=%q]`, id) }

// setClosing types a closing date, days from now at 18:00 on this
// browser's clock, into the tablet's field, and returns it as Unix ms.
func setClosing(t *testing.T, v *view, days int) int64 {
	t.Helper()
	return eval[int64](t, v, fmt.Sprintf(`(() => {
		const d = new Date(); d.setDate(d.getDate() + %d); d.setHours(18, 0, 0, 0);
		const p = (n) => String(n).padStart(2, "0");
		const input = document.querySelector("#online-closes");
		input.value = d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T18:00";
		input.dispatchEvent(new Event("input", { bubbles: true }));
		return d.getTime();
	})()`, days))
}

func TestTabletOnlineModeration(t *testing.T) {
	chromium := findChromium(t)
	shots := screenshotDir(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	root := t

	var (
		tablet          *view
		created         protocol.Created
		fac             *client.Conn
		older, newer    string // two contributions
		closesAt, theme = int64(0), "t-open-standards"
		visitor         *publicVisitor
		conclusion      = "Governments convene; the whole community decides."
	)
	step := steps(t, func() []*view { return []*view{tablet} })

	step("the space opens until a date in the future, with its public link and QR code", func(t *testing.T) {
		created, fac, tablet = tabletCafe(t, root, srv, browser, "Online café")
		waitFor(t, tablet, "the space's status", textJS("#online-status"), waitShort, equals("Not open yet."))
		if got := eval[string](t, tablet, textJS("#online-publish-state")); got != "Open the online space first." {
			t.Errorf("the publish line reads %q before the space is open", got)
		}
		if eval[bool](t, tablet, enabledJS("#online-publish")) {
			t.Error("Publish is enabled before the space is open")
		}
		setClosing(t, tablet, -2)
		do(t, tablet, chromedp.Click(chromedp.CSS("#online-open")))
		waitFor(t, tablet, "the date refused by its field", textJS("#online-closes-error"), waitShort, equals("Pick a date and time in the future."))
		if st := rebuild(t, srv.Store, created.Cafe); st.Online != nil {
			t.Fatalf("a closing date in the past opened the space: %+v", st.Online)
		}
		closesAt = setClosing(t, tablet, 3)
		do(t, tablet, chromedp.Click(chromedp.CSS("#online-open")))
		st := waitForState(t, srv.Store, created.Cafe, "the space open", func(st *cafe.State) bool { return st.Online != nil })
		if st.Online.ClosesAt != closesAt {
			t.Errorf("the space closes at %d, want the date typed, %d", st.Online.ClosesAt, closesAt)
		}
		waitFor(t, tablet, "the space open", textJS("#online-status"), waitShort, func(s string) bool { return strings.HasPrefix(s, "Open until ") })
		if eval[bool](t, tablet, visibleJS("#online-closes-error")) {
			t.Error("the date's message still shows once the space is open")
		}
		waitFor(t, tablet, "the button to move the date", textJS("#online-open"), waitShort, equals("Move the closing date"))
		link := srv.URL + "/o/" + created.PublicCode
		waitFor(t, tablet, "the public link", textJS("#online-link"), waitShort, equals(link))
		waitFor(t, tablet, "the QR code drawn", `(() => { const i = document.querySelector("#online-qr"); return !!i && i.complete && i.naturalWidth > 0 })()`, waitLong, isTrue)
	})

	step("the closing date moves", func(t *testing.T) {
		closesAt = setClosing(t, tablet, 10)
		do(t, tablet, chromedp.Click(chromedp.CSS("#online-open")))
		waitForState(t, srv.Store, created.Cafe, "the date moved", func(st *cafe.State) bool { return st.Online.ClosesAt == closesAt })
	})

	step("what people post comes in, flagged first", func(t *testing.T) {
		visitor = newVisitor(t, srv.URL, created.PublicCode)
		visitor.open(t, "/q/1")
		older = visitor.post(t, "/q/1/contribute", url.Values{"title": {"Open standards"}, "text": {"Governments should fund open standards work."}, "name": {"Ines"}})
		newer = visitor.post(t, "/q/1/contribute", url.Values{"text": {"You are all idiots."}})
		waitFor(t, tablet, "the newest first", modJS, waitShort, func(got []string) bool { return slices.Equal(got, []string{newer, older}) })
		if got := eval[string](t, tablet, textJS(modSel(newer)+" .mod-by")); got != "Anonymous" {
			t.Errorf("the anonymous contribution is by %q", got)
		}
		if got := eval[string](t, tablet, textJS(modSel(older)+" .mod-title")); got != "Open standards" {
			t.Errorf("the titled contribution shows the title %q", got)
		}
		if got := visitor.post(t, "/q/1/flag", url.Values{"on": {older}, "reason": {"Off topic?"}}); got != older {
			t.Fatalf("the flag answered item %q, want %q", got, older)
		}
		waitFor(t, tablet, "the flagged one first", modJS, waitShort, func(got []string) bool { return slices.Equal(got, []string{older, newer}) })
		waitFor(t, tablet, "its flag count", textJS(modSel(older)+" .mod-flags"), waitShort, equals("Flagged 1 time"))
		// The reason comes with the tablet's snapshot (the live fold of
		// online.flagged counts the flag only).
		do(t, tablet, chromedp.Reload())
		waitFor(t, tablet, "what the flagger said", textJS(modSel(older)+" .mod-flag-reasons"), waitLong, equals("Reasons given: Off topic?"))
		waitFor(t, tablet, "the count", textJS("#online-mod-count"), waitShort, equals("2 items · 1 flagged"))
	})

	step("hiding needs a reason, which the row then shows; unhiding brings it back", func(t *testing.T) {
		row := modSel(newer)
		do(t, tablet, chromedp.Click(chromedp.CSS(row+` button[data-action="hide"]`)))
		waitFor(t, tablet, "the reason field", visibleJS(row+" form[data-hide] input"), waitShort, isTrue)
		do(t, tablet, chromedp.Click(chromedp.CSS(row+` form[data-hide] button[type="submit"]`)))
		waitFor(t, tablet, "the reason asked for", textJS(row+" form[data-hide] .field-error"), waitShort, equals("Write a reason: it is shown in place of the text."))
		if st := rebuild(t, srv.Store, created.Cafe); st.Online.Contributions[newer].Hidden {
			t.Fatal("a hide without a reason hid the contribution")
		}
		do(t, tablet, chromedp.SendKeys(chromedp.CSS(row+" form[data-hide] input"), "A personal attack"), chromedp.KeyEvent("\r"))
		st := waitForState(t, srv.Store, created.Cafe, "the contribution hidden", func(st *cafe.State) bool { return st.Online.Contributions[newer].Hidden })
		if got := st.Online.Contributions[newer].Reason; got != "A personal attack" {
			t.Errorf("the hidden contribution's reason is %q", got)
		}
		waitFor(t, tablet, "the reason in the row", textJS(row+" .mod-hidden"), waitShort, equals("Hidden: A personal attack"))
		if got := eval[string](t, tablet, `document.activeElement.dataset.action || ""`); got != "unhide" {
			t.Errorf("focus is on %q after hiding, want the row's Unhide", got)
		}
		if eval[bool](t, tablet, visibleJS(row+" form[data-hide]")) {
			t.Error("the reason form still shows once the contribution is hidden")
		}
		screenshotView(t, tablet, shots, "tablet-online-1-moderation")
		checkPanels(t, tablet, "moderation")
		do(t, tablet, chromedp.Click(chromedp.CSS(row+` button[data-action="unhide"]`)))
		waitForState(t, srv.Store, created.Cafe, "the contribution shown again", func(st *cafe.State) bool { return !st.Online.Contributions[newer].Hidden })
		waitFor(t, tablet, "the row shown again", visibleJS(row+" .mod-hidden"), waitShort, equals(false))
	})

	step("a contribution goes into a theme of the room's notes", func(t *testing.T) {
		if eval[bool](t, tablet, visibleJS(modSel(older)+" select[data-theme-item]")) {
			t.Error("a theme list shows before the question has themes")
		}
		mustSend(t, fac, protocol.CmdRoundStart, nil) // themes come with the first round
		mustSend(t, fac, protocol.CmdRoundEnd, nil)
		mustSend(t, fac, protocol.CmdThemeCreate, protocol.ThemeCreate{ThemeID: theme, Name: "Open standards", Question: 0})
		sel := modSel(older) + " select[data-theme-item]"
		waitFor(t, tablet, "the theme list", visibleJS(sel), waitShort, isTrue)
		do(t, tablet, chromedp.SetValue(chromedp.CSS(sel), theme), chromedp.Evaluate[chromedp.Void](
			`document.querySelector(`+jsString(sel)+`).dispatchEvent(new Event("change", { bubbles: true }))`))
		waitForState(t, srv.Store, created.Cafe, "the contribution themed", func(st *cafe.State) bool { return st.Online.Contributions[older].Theme == theme })
	})

	step("the room's notes are published in the harvest, after a confirmation", func(t *testing.T) {
		waitFor(t, tablet, "the publish rule", textJS("#online-publish-state"), waitShort, equals("You can publish during the harvest, or once the café is closed."))
		if eval[bool](t, tablet, enabledJS("#online-publish")) {
			t.Error("Publish is enabled before the harvest")
		}
		mustSend(t, fac, protocol.CmdHarvestStart, nil)
		waitFor(t, tablet, "Publish enabled", enabledJS("#online-publish"), waitShort, isTrue)
		do(t, tablet, chromedp.Click(chromedp.CSS("#online-publish")))
		waitFor(t, tablet, "the confirmation", visibleJS("#online-publish-ask"), waitShort, isTrue)
		checkPanels(t, tablet, "publishing")
		if st := rebuild(t, srv.Store, created.Cafe); st.Online.Published {
			t.Fatal("the first tap published without the confirmation")
		}
		do(t, tablet, chromedp.Click(chromedp.CSS("#online-publish-confirm")))
		waitForState(t, srv.Store, created.Cafe, "published", func(st *cafe.State) bool { return st.Online.Published })
		waitFor(t, tablet, "published", textJS("#online-publish-state"), waitShort, equals("Published: the room's notes are on the online space."))
	})

	step("the conclusion typed and the page reloaded at once is kept and saved", func(t *testing.T) {
		do(t, tablet, chromedp.SendKeys(chromedp.CSS("#concl-text"), conclusion))
		waitFor(t, tablet, "the draft kept", textJS("#concl-state"), waitShort, equals("Not saved yet: kept on this tablet until it is."))
		// No blur, no Save: the tablet goes away with the text unsent.
		do(t, tablet, chromedp.Reload())
		waitFor(t, tablet, "the conclusion back in its box", `document.querySelector("#concl-text").value`, waitLong, equals(conclusion))
		waitForState(t, srv.Store, created.Cafe, "the conclusion saved", func(st *cafe.State) bool { return st.Conclusion == conclusion })
		waitFor(t, tablet, "saved", textJS("#concl-state"), waitShort, equals("Saved."))
		if got := eval[string](t, tablet, `localStorage.getItem("wc.concl.`+created.Cafe+`") || ""`); got != "" {
			t.Errorf("the draft is still kept after the server has it: %q", got)
		}
		// Changed and left: saved on blur.
		do(t, tablet, chromedp.SendKeys(chromedp.CSS("#concl-text"), " Together."), chromedp.Focus(chromedp.CSS("#concl-save")))
		conclusion += " Together."
		waitForState(t, srv.Store, created.Cafe, "the conclusion saved on blur", func(st *cafe.State) bool { return st.Conclusion == conclusion })
	})

	step("the panels in Arabic read right to left, in Arabic", func(t *testing.T) {
		do(t, tablet, chromedp.Evaluate[chromedp.Void](`localStorage.setItem("worldcafe.lang", "ar")`), chromedp.Reload())
		waitFor(t, tablet, "the online space's heading in Arabic", textJS("#online-h"), waitLong, equals("الفضاء الإلكتروني"))
		waitFor(t, tablet, "the moderation rows", countJS("#online-mod li"), waitLong, equals(2))
		if got := eval[string](t, tablet, `document.documentElement.dir`); got != "rtl" {
			t.Errorf("the Arabic tablet has dir=%q", got)
		}
		if got := eval[string](t, tablet, textJS(modSel(older)+" .mod-flags")); got != "أُبلغ عنه مرة واحدة" {
			t.Errorf("the flag count reads %q in Arabic", got)
		}
		if got := eval[string](t, tablet, textJS("#th-h")); got != "اللقاء المفتوح" {
			t.Errorf("the town hall's heading reads %q in Arabic", got)
		}
		do(t, tablet, chromedp.Evaluate[chromedp.Void](`document.querySelector("#online-panel").scrollIntoView()`))
		screenshotView(t, tablet, shots, "tablet-online-2-arabic")
		do(t, tablet, chromedp.Evaluate[chromedp.Void](`localStorage.setItem("worldcafe.lang", "en")`), chromedp.Reload())
		waitFor(t, tablet, "the tablet in English again", textJS("#online-h"), waitLong, equals("Online space"))
	})

	step("the whole consultation's report carries the conclusion", func(t *testing.T) {
		opened := chromedp.WaitNewTarget(tablet.ctx, func(i *target.Info) bool { return strings.Contains(i.URL, "/report") })
		do(t, tablet, chromedp.Click(chromedp.CSS("#report-all")))
		var id target.ID
		select {
		case id = <-opened:
		case <-time.After(waitLong):
			t.Fatal("the report button opened no tab")
		}
		rep, closeTab := attachView(t, root, tablet.ctx, "report", id)
		defer closeTab()
		waitFor(t, rep, "the report's conclusion", `document.readyState === "complete" ? document.body.innerText : ""`, waitLong, contains(conclusion))
		ctx, cancel := context.WithTimeout(tablet.ctx, waitLong)
		defer cancel()
		cafeOnly, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector("#report-form").action, { method: "POST",
			body: new URLSearchParams({ token: document.querySelector("#report-token").value, format: "md" }) }).then((r) => r.text())`, awaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(cafeOnly, conclusion) {
			t.Error("the café's own report carries the consultation's conclusion")
		}
	})
}

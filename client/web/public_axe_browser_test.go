package web_test

// The public pages pass the same checks as the café views: axe-core finds
// no critical or serious violation of WCAG 2.2 A/AA, and every piece of
// text has a contrast of at least 4.5:1, on the consultation's page, a
// question page and the town hall page, in English and in Arabic (right to
// left), with content on them: contributions, a comment, a hidden item, a
// town hall question, an item's report form, a form's refusal and the
// live region.

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/protocol"
)

func TestPublicPagesPassAxeAndContrastInEnglishAndArabic(t *testing.T) {
	chromium := findChromium(t)
	src := axeSource(t)
	c := startPublicCafe(t)
	browser := startBrowser(t, chromium)
	root := t

	// Content, posted as people do: two contributions, a comment, a
	// question to the town hall; then the moderator hides one.
	poster := newView(t, root, browser, "poster", 390, 844, true)
	defer reportConsole(t, []*view{poster})
	c.send(t, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "The role of governments", Presenter: "Chair of the session"})
	c.send(t, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
	openPublic(t, poster, c.url("/q/1"))
	time.Sleep(formMinAge)
	typeAndSend(t, poster, "#contribute", "Governments convene; they need not decide alone")
	waitFor(t, poster, "the first contribution", countJS("#contributions .item"), waitShort, equals(1))
	time.Sleep(formMinAge)
	typeAndSend(t, poster, "#contribute", "An off-topic post the moderator will hide")
	waitFor(t, poster, "the second contribution", countJS("#contributions .item"), waitShort, equals(2))
	first := eval[string](t, poster, itemIDJS("Governments convene; they need not decide alone"))
	time.Sleep(formMinAge)
	typeAndSend(t, poster, "#comment-"+strings.TrimPrefix(first, "item-"), "And they should say how they decide")
	waitFor(t, poster, "the comment", itemIDJS("And they should say how they decide"), waitShort, func(s string) bool { return s != "" })
	hidden := eval[string](t, poster, itemIDJS("An off-topic post the moderator will hide"))
	c.send(t, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: strings.TrimPrefix(hidden, "item-"), Reason: "off topic"})
	openPublic(t, poster, c.url("/townhall"))
	time.Sleep(formMinAge)
	typeAndSend(t, poster, "#ask", "How will remote voices be heard in the next round?")
	waitFor(t, poster, "the town hall question", countJS("#th-questions li.item"), waitShort, equals(1))

	for _, lang := range []string{"en", "ar"} {
		for _, pg := range []struct{ name, path, query string }{
			{"consultation", "", ""}, {"question", "/q/1", ""}, {"townhall", "/townhall", ""},
			{"report", "/q/1", "&report=" + strings.TrimPrefix(first, "item-")}, // an item's report form open
		} {
			t.Run(lang+" "+pg.name, func(t *testing.T) {
				v := newView(t, root, browser, "public-"+lang+"-"+pg.name, 390, 844, true)
				defer reportConsole(t, []*view{v})
				openPublic(t, v, c.url(pg.path+"?lang="+lang+pg.query))
				dir := map[string]string{"en": "ltr", "ar": "rtl"}[lang]
				if got := eval[string](t, v, `document.documentElement.lang + " " + document.documentElement.dir`); got != lang+" "+dir {
					t.Errorf("the page says lang and dir %q, want %q", got, lang+" "+dir)
				}
				checkAxe(t, v, src, lang+" "+pg.name)
				assertContrast(t, v, 4.5)
				if pg.name != "question" {
					return
				}
				// A refused post (too quick: the form is brand new) and a
				// live update with its announcement, checked too.
				typeAndSend(t, v, "#contribute", "Sent at once")
				waitFor(t, v, "the refusal", `document.querySelector("#contribute [role=alert]")?.textContent ?? ""`, waitShort, func(s string) bool { return s != "" })
				do(t, poster, chromedp.Navigate(c.url("/q/1")))
				time.Sleep(formMinAge)
				typeAndSend(t, poster, "#contribute", "Another idea for "+lang)
				waitFor(t, v, "the live announcement", `document.querySelectorAll("#public-announce p").length`, waitShort, func(n int) bool { return n > 0 })
				checkAxe(t, v, src, lang+" question after a refusal and an update")
				assertContrast(t, v, 4.5)
			})
		}
	}
}

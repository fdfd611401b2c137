package web_test

import (
	"fmt"
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
)

// A question's later page stays live like its first (the script fetches
// its own address, page number included), but only the first page, where
// new contributions arrive, tells a screen reader about them: on page 2
// an item "new" to it is one that page 1 pushed down.
func TestPublicPagedQuestionStaysLiveAndSaysNewsOnlyOnItsFirstPage(t *testing.T) {
	chromium := findChromium(t)
	c := startPublicCafe(t)
	browser := startBrowser(t, chromium)
	contribute := func(id, text string) {
		c.issue(t, protocol.CmdOnlineContribute, protocol.OnlineContribute{ItemID: id, Question: 0, Text: text})
	}
	for i := range 31 { // page 1 holds p30 down to p01, page 2 p00
		contribute(fmt.Sprintf("p%02d", i), fmt.Sprintf("Idea number %d", i))
	}
	open := c.srv.Metrics.Connections.Load()
	first := newView(t, t, browser, "first-page", 390, 844, true)
	openPublic(t, first, c.url("/q/1"))
	second := newView(t, t, browser, "second-page", 390, 844, true)
	openPublic(t, second, c.url("/q/1?page=2"))
	waitLive(t, c, open+2)
	if n := eval[int](t, second, countJS("#contributions .item")); n != 1 {
		t.Fatalf("page 2 shows %d contributions, want 1", n)
	}

	const text = "Publish the agenda of every consultation a month ahead"
	contribute("newest", text)
	waitFor(t, first, "the new contribution on page 1, live", itemIDJS(text), waitShort, equals("item-newest"))
	waitFor(t, first, "the new contribution said to a screen reader", `[...document.querySelectorAll("#public-announce p")].map((p) => p.textContent).join("|")`,
		waitShort, func(said string) bool { return said == "New: "+text })
	waitFor(t, second, "the contribution page 1 pushed down, live on page 2", countJS("#contributions .item"), waitShort, equals(2))
	if !eval[bool](t, second, `!!document.getElementById("item-p01") && !!document.getElementById("item-p00")`) {
		t.Error("page 2 does not show the two oldest contributions")
	}
	if said := eval[int](t, second, `document.querySelectorAll("#public-announce p").length`); said != 0 {
		t.Errorf("page 2 told a screen reader of %d new items; news is said on the first page only", said)
	}
	if got := eval[string](t, second, textJS(".pager .pageof")); got != "Page 2 of 2" {
		t.Errorf("page 2's pager reads %q", got)
	}
	notReloaded(t, first)
	notReloaded(t, second)
}

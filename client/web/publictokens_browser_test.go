package web_test

// One public page, many posts with JavaScript on: the page's token sends
// each of its forms once, so a person who upvotes one question and then
// another, or comments under two contributions, is thanked each time and
// never told "sent already", however often the page refreshed between.

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/protocol"
)

func TestPublicPageSendsEachOfItsFormsWithJavaScript(t *testing.T) {
	chromium := findChromium(t)
	c := startPublicCafe(t)
	browser := startBrowser(t, chromium)
	v := newView(t, t, browser, "scripted", 390, 844, false)
	defer reportConsole(t, []*view{v})
	c.send(t, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "Governments online", Presenter: "Dr. Mwangi"})
	c.send(t, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
	c.issue(t, protocol.CmdTownHallAsk, protocol.TownHallAsk{QuestionID: "qa", Text: "Who pays?"})
	c.issue(t, protocol.CmdTownHallAsk, protocol.TownHallAsk{QuestionID: "qb", Text: "Who decides?"})
	c.issue(t, protocol.CmdOnlineContribute, protocol.OnlineContribute{ItemID: "ca", Text: "Governments convene."})
	c.issue(t, protocol.CmdOnlineContribute, protocol.OnlineContribute{ItemID: "cb", Text: "Civil society convenes."})

	openPublic(t, v, c.url("/townhall"))
	waitLive(t, c, 2)
	time.Sleep(formMinAge)
	for _, q := range []string{"qa", "qb"} {
		form := fmt.Sprintf(`#item-%s form.upvote`, q)
		do(t, v, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)))
		waitFor(t, v, "the upvote of "+q+" thanked", textJS(form+" .form-outcome"), waitShort, equals("Sent. Thank you!"))
	}
	waitFor(t, v, "both votes counted on the page", `[...document.querySelectorAll("#item-qa, #item-qb")].map((e) => e.textContent.includes("1 vote")).join()`, waitShort, equals("true,true"))

	openPublic(t, v, c.url("/q/1"))
	waitLive(t, c, 2)
	time.Sleep(formMinAge)
	for _, item := range []string{"ca", "cb", "ca"} {
		form := "#comment-" + item
		text := "A comment under " + item + " " + time.Now().Format("15:04:05.000")
		typeAndSend(t, v, form, text)
		waitFor(t, v, "the comment under "+item+" thanked", textJS(form+" .form-outcome"), waitShort, equals("Sent. Thank you!"))
		waitFor(t, v, "the comment under "+item+" on the page", itemIDJS(text), waitShort, func(s string) bool { return s != "" })
		// The answer's token for the next comment under the same item
		// must first be two seconds old.
		time.Sleep(formMinAge)
	}
	notReloaded(t, v)
}

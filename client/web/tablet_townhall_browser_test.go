package web_test

// The town hall meeting run from the tablet: the presentation set (its
// mistakes shown by their fields), the stages, and ONE queue that mixes a
// hand raised on a phone in the room with questions sent from the town
// hall's public page (posted through its real HTTP form, upvoted by other
// browsers). The facilitator orders the queue by votes, stars, takes and
// finishes items, and hides a question (the reason is required); the wall
// follows who speaks, who is next and the question being answered. The
// scribe's link, made on the tablet, writes findings the tablet lists.

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// queueJS lists the tablet's queue as "kind:text" in the order shown.
const queueJS = `[...document.querySelectorAll("#th-queue li")].map((li) => li.dataset.kind + ":" + li.querySelector(".th-text").textContent)`

// queueSel is the row of one item of the tablet's queue.
func queueSel(kind, id string) string {
	return fmt.Sprintf(`#th-queue li[data-kind=%q][data-id=%q]`, kind, id)
}

// tabletCafe makes a café through the API with a facilitator connection
// of the Go client beside the tablet (for the steps that are not the
// tablet's), and opens the tablet on its facilitator link.
// They last until the end of root, the whole test.
func tabletCafe(t, root *testing.T, srv testServer, browser context.Context, title string) (protocol.Created, *client.Conn, *view) {
	t.Helper()
	ctx := context.Background()
	created, err := client.API{BaseURL: srv.URL}.CreateCafe(ctx, protocol.CreateCafe{Title: title, Tables: 2, Questions: []string{"What is the role of governments?", "How can governments work with others?"}})
	if err != nil {
		t.Fatal(err)
	}
	if created.PublicCode == "" {
		t.Fatal("the new café has no public code")
	}
	ws := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	fac, err := client.Dial(ctx, ws, created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root.Cleanup(fac.Kill)
	go func() {
		for range fac.Events() {
		}
	}()
	tablet := newView(t, root, browser, "tablet", tabletW, tabletH, false)
	answerDialogs(t, tablet)
	do(t, tablet, chromedp.Navigate(fmt.Sprintf("%s/facilitate#%s.%s", srv.URL, created.Cafe, created.FacilitatorToken)))
	waitFor(t, tablet, "the join code", textJS("#join-code"), waitLong, equals(created.JoinCode))
	return created, fac, tablet
}

func mustSend(t *testing.T, c *client.Conn, typ string, data any) {
	t.Helper()
	if _, err := c.Send(context.Background(), typ, data); err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
}

func TestTabletRunsTheTownHallQueue(t *testing.T) {
	chromium := findChromium(t)
	shots := screenshotDir(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	root := t

	var (
		tablet, wall *view
		ada          *phone
		created      protocol.Created
		fac          *client.Conn
		first, top   string // the remote questions: the first asked, the most upvoted
	)
	const (
		firstText = "Will the slides be shared after the session?"
		topText   = "How do small countries take part in the standards bodies?"
	)
	all := func() []*view {
		vs := []*view{tablet, wall}
		if ada != nil {
			vs = append(vs, ada.view)
		}
		return vs
	}
	step := steps(t, all)

	step("the presentation is refused by its field, then saved", func(t *testing.T) {
		created, fac, tablet = tabletCafe(t, root, srv, browser, "Town hall café")
		wall = newView(t, root, browser, "wall", 1920, 1080, false)
		do(t, wall, chromedp.Navigate(created.WallURL))
		ada = joinPhone(t, root, browser, srv.URL, created.JoinCode, "ada", "Ada Lovelace", "civil_society", false)
		mustSend(t, fac, protocol.CmdRoundStart, nil)
		mustSend(t, fac, protocol.CmdRoundEnd, nil)
		waitForPhase(t, srv.Store, created.Cafe, protocol.PhaseTownHall)

		waitFor(t, tablet, "the town hall panel", visibleJS("#th-agenda"), waitShort, isTrue)
		do(t, tablet, chromedp.Click(chromedp.CSS("#th-agenda-save")))
		waitFor(t, tablet, "the message under the title", textJS("#th-title-error"), waitShort, equals("Give the presentation a title."))
		if got := eval[string](t, tablet, `document.activeElement.id`); got != "th-title" {
			t.Errorf("focus is on #%s after a title left blank, want #th-title", got)
		}
		do(t, tablet,
			chromedp.SendKeys(chromedp.CSS("#th-title"), "The Internet's governance today"),
			chromedp.SendKeys(chromedp.CSS("#th-presenter"), "Grace Hopper"),
			chromedp.SendKeys(chromedp.CSS("#th-link"), "javascript:alert(1)"),
			chromedp.Click(chromedp.CSS("#th-agenda-save")),
		)
		msg, _ := waitFor(t, tablet, "the server's message under the link", textJS("#th-link-error"), waitShort, func(s string) bool { return s != "" })
		if got := eval[string](t, tablet, `document.querySelector("#th-link").getAttribute("aria-describedby")`); got != "th-link-error" {
			t.Errorf("the link field is described by %q, want its message th-link-error (%q)", got, msg)
		}
		if eval[bool](t, tablet, visibleJS("#th-title-error")) {
			t.Error("the title's message still shows once the title is given")
		}
		if st := rebuild(t, srv.Store, created.Cafe); st.TownHall != nil {
			t.Fatalf("a refused presentation changed the café: %+v", st.TownHall.TownHallAgenda)
		}
		do(t, tablet,
			chromedp.Evaluate[chromedp.Void](`document.querySelector("#th-link").value = ""`),
			chromedp.SendKeys(chromedp.CSS("#th-link"), "https://example.org/slides"),
			chromedp.Click(chromedp.CSS("#th-agenda-save")),
		)
		waitFor(t, tablet, "the presentation saved", textJS("#th-agenda-state"), waitShort, equals("Saved."))
		st := rebuild(t, srv.Store, created.Cafe)
		if want := (protocol.TownHallAgenda{Title: "The Internet's governance today", Presenter: "Grace Hopper", Link: "https://example.org/slides"}); st.TownHall == nil || st.TownHall.TownHallAgenda != want {
			t.Fatalf("the server's presentation is %+v, want %+v", st.TownHall, want)
		}
		if eval[bool](t, tablet, visibleJS("#th-link-error")) {
			t.Error("the link's message still shows once the presentation is saved")
		}
	})

	step("the presentation starts; the remote questions' address is the public one", func(t *testing.T) {
		do(t, tablet, chromedp.Click(chromedp.CSS("#th-stage-presentation")))
		waitFor(t, tablet, "the stage pressed", `document.querySelector("#th-stage-presentation").getAttribute("aria-pressed")`, waitShort, equals("true"))
		waitForState(t, srv.Store, created.Cafe, "the presentation stage", func(st *cafe.State) bool { return st.TownHall.Stage == protocol.StagePresentation })
		want := srv.URL + "/o/" + created.PublicCode + "/townhall"
		waitFor(t, tablet, "the remote questions' address", textJS("#th-remote-link"), waitShort, equals(want))
		waitFor(t, tablet, "the queue", visibleJS("#th-queue-empty"), waitShort, isTrue)
		if eval[bool](t, tablet, visibleJS("#speakers-box")) {
			t.Error("the plenary's own speakers list shows beside the town hall's queue")
		}
	})

	step("the scribe's link writes findings, which show on the tablet", func(t *testing.T) {
		waitFor(t, tablet, "no findings yet", visibleJS("#th-findings-none"), waitShort, isTrue)
		do(t, tablet, chromedp.Click(chromedp.CSS("#scribe-make")))
		link, _ := waitFor(t, tablet, "the scribe's link", textJS("#scribe-shown a"), waitShort, func(s string) bool { return s != "" })
		if !strings.HasPrefix(link, srv.URL+"/scribe#"+created.Cafe+".") {
			t.Fatalf("the scribe's link is %q, want the public address's /scribe#CAFE.TOKEN", link)
		}
		if got := eval[string](t, tablet, `document.activeElement.id`); got != "scribe-link" {
			t.Errorf("focus is on #%s once the link is made, want the link", got)
		}
		// The link's token writes findings, as the scribe's own page does
		// with it (that page is tested on its own).
		_, scribeToken, _ := strings.Cut(link, "#"+created.Cafe+".")
		ws := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
		scribe, err := client.Dial(context.Background(), ws, created.Cafe, scribeToken, client.Options{})
		if err != nil {
			t.Fatalf("the scribe's link does not open the café: %v", err)
		}
		defer scribe.Kill()
		go func() {
			for range scribe.Events() {
			}
		}()
		mustSend(t, scribe, protocol.CmdFindingAdd, protocol.Finding{FindingID: "f1", Text: "Capacity building comes first."})
		waitFor(t, tablet, "the finding on the tablet", `[...document.querySelectorAll("#th-findings li")].map((li) => li.textContent)`, waitShort,
			func(got []string) bool { return slices.Equal(got, []string{"Capacity building comes first."}) })
		if eval[bool](t, tablet, visibleJS("#th-findings-none")) {
			t.Error("the tablet still says no finding is written")
		}
		if got := eval[string](t, tablet, textJS("#scribe-make")); got != "Make a new link for the scribe" {
			t.Errorf("the scribe button reads %q once a link is made", got)
		}
	})

	step("a hand in the room and two questions from online come into one queue, by arrival", func(t *testing.T) {
		waitFor(t, ada.view, "the raise-hand button", visibleJS("#hand"), waitShort, isTrue)
		do(t, ada.view, chromedp.Click(chromedp.CSS("#hand")))
		waitFor(t, tablet, "the raised hand in the queue", countJS(queueSel("hand", ada.pid)), waitShort, equals(1))

		asker := newVisitor(t, srv.URL, created.PublicCode)
		asker.open(t, "/townhall")
		first = asker.post(t, "/townhall/ask", url.Values{"text": {firstText}, "name": {"Lin"}})
		top = asker.post(t, "/townhall/ask", url.Values{"text": {topText}})
		for i := range 2 {
			voter := newVisitor(t, srv.URL, created.PublicCode)
			voter.open(t, "/townhall")
			if got := voter.post(t, "/townhall/upvote", url.Values{"on": {top}}); got != top {
				t.Fatalf("upvote %d answered item %q, want %q", i+1, got, top)
			}
		}
		waitForState(t, srv.Store, created.Cafe, "two upvotes", func(st *cafe.State) bool {
			q := st.TownHall.Questions[top]
			return q != nil && len(q.Voters) == 2
		})
		want := []string{"hand:Ada Lovelace", "question:" + firstText, "question:" + topText}
		waitFor(t, tablet, "the queue by arrival", queueJS, waitShort, func(got []string) bool { return slices.Equal(got, want) })
		waitFor(t, tablet, "the votes", textJS(queueSel("question", top)+" .th-votes"), waitShort, equals("2 votes"))
		if got := eval[string](t, tablet, textJS(queueSel("question", first)+" .th-by")); got != "asked by Lin" {
			t.Errorf("the first question reads %q as its asker, want \"asked by Lin\"", got)
		}
		if got := eval[string](t, tablet, textJS(queueSel("question", top)+" .th-by")); got != "asked by Anonymous" {
			t.Errorf("the anonymous question reads %q as its asker, want \"asked by Anonymous\"", got)
		}
		if got := eval[string](t, tablet, textJS("#th-queue-count")); got != "3 waiting" {
			t.Errorf("the queue's count reads %q, want \"3 waiting\"", got)
		}
		if got := eval[[]string](t, tablet, announcedJS); !slices.Contains(got, "A question from online: "+topText) {
			t.Errorf("the screen reader heard %q, not the question that arrived", got)
		}
	})

	step("sorted by votes, the choice kept on the tablet", func(t *testing.T) {
		do(t, tablet, chromedp.Click(chromedp.CSS("#th-sort-votes")))
		want := []string{"question:" + topText, "hand:Ada Lovelace", "question:" + firstText}
		waitFor(t, tablet, "the queue by votes", queueJS, waitShort, func(got []string) bool { return slices.Equal(got, want) })
		do(t, tablet, chromedp.Reload())
		waitFor(t, tablet, "the queue by votes after a reload", queueJS, waitLong, func(got []string) bool { return slices.Equal(got, want) })
		if got := eval[string](t, tablet, `document.querySelector("#th-sort-votes").getAttribute("aria-pressed")`); got != "true" {
			t.Errorf("By votes is aria-pressed=%q after a reload, want true", got)
		}
		screenshotView(t, tablet, shots, "tablet-townhall-1-queue")
		checkPanels(t, tablet, "the town hall's queue")
	})

	step("a star puts the first question next, on the tablet and on the wall", func(t *testing.T) {
		do(t, tablet, chromedp.Click(chromedp.CSS(queueSel("question", first)+` button[data-q="star"]`)))
		want := []string{"question:" + firstText, "question:" + topText, "hand:Ada Lovelace"}
		waitFor(t, tablet, "the starred question first", queueJS, waitShort, func(got []string) bool { return slices.Equal(got, want) })
		if got := eval[string](t, tablet, `document.activeElement.closest("li")?.dataset.id || ""`); got != first {
			t.Errorf("focus left the star button's row for %q", got)
		}
		waitForState(t, srv.Store, created.Cafe, "the star", func(st *cafe.State) bool {
			return slices.Equal(st.Queue.Starred, []protocol.QueueItem{{Kind: protocol.ItemQuestion, ID: first}})
		})
		waitFor(t, wall, "who is next on the wall", textJS("#th-next"), waitShort, contains(firstText))
	})

	step("the most voted question is answered, then marked done", func(t *testing.T) {
		do(t, tablet, chromedp.Click(chromedp.CSS(queueSel("question", top)+` button[data-q="take"]`)))
		waitFor(t, tablet, "the question answered now", textJS("#th-now-text"), waitShort, equals("Answering now: "+topText))
		if got := eval[string](t, tablet, `document.activeElement.id`); got != "th-now-done" {
			t.Errorf("focus is on #%s after taking a question, want its Done button", got)
		}
		if n := eval[int](t, tablet, countJS(queueSel("question", top))); n != 0 {
			t.Error("the question being answered is still in the queue")
		}
		waitFor(t, wall, "the question being answered on the wall", textJS("#th-answering"), waitShort, contains(topText))
		do(t, tablet, chromedp.Click(chromedp.CSS("#th-now-done")))
		waitForState(t, srv.Store, created.Cafe, "the question answered", func(st *cafe.State) bool {
			return st.TownHall.Questions[top].Answered && st.Queue.Current == nil
		})
		waitFor(t, tablet, "nobody has the floor", textJS("#th-now-text"), waitShort, equals("Nobody has the floor."))
		want := []string{"question:" + firstText, "hand:Ada Lovelace"}
		waitFor(t, tablet, "the answered question gone", queueJS, waitShort, func(got []string) bool { return slices.Equal(got, want) })
		waitFor(t, wall, "no question answered on the wall", textJS("#th-answering"), waitShort, func(s string) bool { return !strings.Contains(s, topText) })
	})

	step("the hand in the room speaks, then is done", func(t *testing.T) {
		do(t, tablet, chromedp.Click(chromedp.CSS(queueSel("hand", ada.pid)+` button[data-q="take"]`)))
		waitFor(t, tablet, "Ada speaks", textJS("#th-now-text"), waitShort, equals("Speaks now: Ada Lovelace"))
		waitForState(t, srv.Store, created.Cafe, "Ada speaking", func(st *cafe.State) bool { return st.Speaker == ada.pid })
		waitFor(t, wall, "who speaks on the wall", textJS("#th-speaking"), waitShort, contains("Ada Lovelace"))
		screenshotView(t, tablet, shots, "tablet-townhall-2-speaking")
		do(t, tablet, chromedp.Click(chromedp.CSS("#th-now-done")))
		waitForState(t, srv.Store, created.Cafe, "Ada has spoken", func(st *cafe.State) bool {
			return st.Speaker == "" && slices.Contains(st.Queue.Spoke, ada.pid)
		})
		waitFor(t, tablet, "only the starred question left", queueJS, waitShort, func(got []string) bool {
			return slices.Equal(got, []string{"question:" + firstText})
		})
		waitFor(t, wall, "nobody speaking on the wall", textJS("#th-speaking"), waitShort, func(s string) bool { return !strings.Contains(s, "Ada") })
	})

	step("hiding a question needs a reason; with one it leaves the queue", func(t *testing.T) {
		row := queueSel("question", first)
		do(t, tablet, chromedp.Click(chromedp.CSS(row+` button[data-action="hide"]`)))
		waitFor(t, tablet, "the reason field", visibleJS(row+" form[data-hide] input"), waitShort, isTrue)
		if got := eval[string](t, tablet, `document.activeElement.closest("form")?.dataset.hide || ""`); got != first {
			t.Errorf("focus is not in the reason field after Hide… (in the form of %q)", got)
		}
		do(t, tablet, chromedp.Click(chromedp.CSS(row+` form[data-hide] button[type="submit"]`)))
		waitFor(t, tablet, "the reason asked for", textJS(row+" form[data-hide] .field-error"), waitShort, equals("Write a reason: it is shown in place of the text."))
		checkPanels(t, tablet, "a reason asked for")
		if got := eval[string](t, tablet, `document.querySelector(`+jsString(row+" form[data-hide] input")+`).getAttribute("aria-invalid")`); got != "true" {
			t.Errorf("the empty reason has aria-invalid=%q, want true", got)
		}
		if st := rebuild(t, srv.Store, created.Cafe); st.TownHall.Questions[first].Hidden {
			t.Fatal("a hide without a reason hid the question")
		}
		do(t, tablet,
			chromedp.SendKeys(chromedp.CSS(row+" form[data-hide] input"), "Answered in the slides already"),
			chromedp.Click(chromedp.CSS(row+` form[data-hide] button[type="submit"]`)),
		)
		st := waitForState(t, srv.Store, created.Cafe, "the question hidden", func(st *cafe.State) bool { return st.TownHall.Questions[first].Hidden })
		if got := st.TownHall.Questions[first].Reason; got != "Answered in the slides already" {
			t.Errorf("the hidden question's reason is %q", got)
		}
		waitFor(t, tablet, "an empty queue", visibleJS("#th-queue-empty"), waitShort, isTrue)
		if got := eval[string](t, tablet, `document.activeElement.id`); got != "th-queue-h" {
			t.Errorf("focus is on #%s after the hidden question left the queue, want the queue's heading", got)
		}
		waitFor(t, wall, "the hidden question off the wall's next", textJS("#th-next"), waitShort, func(s string) bool { return !strings.Contains(s, firstText) })
	})

	step("the floor opens and the town hall ends", func(t *testing.T) {
		do(t, tablet, chromedp.Click(chromedp.CSS("#th-stage-floor")))
		waitFor(t, tablet, "the floor open", textJS("#th-stage-now"), waitShort, equals("Now: the floor is open."))
		do(t, tablet, chromedp.Click(chromedp.CSS("#th-stage-ended")))
		waitFor(t, tablet, "the end", textJS("#th-stage-now"), waitShort, equals("The town hall has ended."))
		st := waitForState(t, srv.Store, created.Cafe, "the end", func(st *cafe.State) bool { return st.TownHall.Stage == protocol.StageEnded })
		if st.TownHall.StartedAt == 0 || st.TownHall.EndedAt < st.TownHall.StartedAt {
			t.Errorf("the town hall ran from %d to %d", st.TownHall.StartedAt, st.TownHall.EndedAt)
		}
		waitFor(t, tablet, "the queue put away", visibleJS("#th-queue"), waitShort, equals(false))
		waitFor(t, tablet, "the speakers list back", visibleJS("#speakers-box"), waitShort, isTrue)
	})
}

// checkPanels runs axe (when axe-core is installed: CI always has it) and
// the tablet's contrast check on the tablet as it is now.
func checkPanels(t *testing.T, v *view, what string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js"))
	switch {
	case err == nil:
		checkAxe(t, v, string(b), what)
	case os.Getenv("CI") != "":
		t.Fatalf("axe-core is not installed (npm ci --prefix client/web/testdata/axe): %v", err)
	default:
		t.Logf("axe-core is not installed (npm ci --prefix client/web/testdata/axe): %s is checked for contrast only", what)
	}
	assertContrast(t, v, 4.5)
}

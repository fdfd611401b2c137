package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// consultationRoom is a café with its facilitator connected.
type consultationRoom struct {
	srv     testServer
	created protocol.Created
	fac     *client.Conn
	dial    func(token string) *client.Conn
}

func newConsultationRoom(t *testing.T, title string) *consultationRoom {
	t.Helper()
	srv := startServer(t)
	ctx := context.Background()
	api := client.API{BaseURL: srv.URL}
	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: title, Tables: 2})
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
	return &consultationRoom{srv: srv, created: created, fac: dial(created.FacilitatorToken), dial: dial}
}

// join joins a person through the API and connects them.
func (r *consultationRoom) join(t *testing.T, req protocol.Join) (protocol.Joined, *client.Conn) {
	t.Helper()
	req.Code = r.created.JoinCode
	j, err := client.API{BaseURL: r.srv.URL}.Join(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return j, r.dial(j.Token)
}

func mustDo(t *testing.T, c *client.Conn, typ string, data any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Send(ctx, typ, data); err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
}

// TestTheWallFollowsTheTownHall runs a town hall and checks that the wall
// (and a phone in the room) follow each command as it arrives: the
// presentation, the stage, who has the floor and who is next.
func TestTheWallFollowsTheTownHall(t *testing.T) {
	chromium := findChromium(t)
	room := newConsultationRoom(t, "Town hall wall")
	browser := startBrowser(t, chromium)
	shots := screenshotDir(t)
	src := axeSource(t)
	fac := room.fac

	wall := newView(t, t, browser, "wall", 1920, 1080, false)
	do(t, wall, chromedp.Navigate(fmt.Sprintf("%s/wall#%s.%s", room.srv.URL, room.created.Cafe, room.created.WallToken)))
	ana := joinPhone(t, t, browser, room.srv.URL, room.created.JoinCode, "ana", "Ana", "government", false)
	anon, anonConn := room.join(t, protocol.Join{Anonymous: true})
	step := steps(t, func() []*view { return []*view{wall, ana.view} })

	const slides = "https://example.org/slides/road-ahead"
	step("the presentation", func(t *testing.T) {
		mustDo(t, fac, protocol.CmdRoundStart, nil)
		mustDo(t, fac, protocol.CmdRoundEnd, nil)
		mustDo(t, fac, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "The road ahead", Presenter: "Gita Rao", Link: slides})
		mustDo(t, fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StagePresentation})
		waitFor(t, wall, "the town hall on the wall", visibleJS("#wall-townhall"), waitShort, isTrue)
		waitFor(t, wall, "the presentation's title", textJS("#th-title"), waitShort, equals("The road ahead"))
		waitFor(t, wall, "the stage", textJS("#th-stage"), waitShort, equals("Presentation"))
		waitFor(t, wall, "the presenter", textJS("#th-presenter"), waitShort, contains("Gita Rao"))
		waitFor(t, wall, "the slides' address", textJS("#th-link"), waitShort, equals(slides))
		if eval[bool](t, wall, visibleJS("#tables")) {
			t.Error("the notes still show while the town hall has the wall")
		}
		waitFor(t, ana.view, "the presentation on the phone", textJS("#th-card-title"), waitShort, equals("The road ahead"))
		if got := eval[string](t, ana.view, `document.querySelector("#th-card-link").href`); got != slides {
			t.Errorf("the phone's slides link goes to %q", got)
		}
		checkAxe(t, wall, src, "town hall presentation")
	})

	step("the floor opens; hands go up", func(t *testing.T) {
		mustDo(t, fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
		waitFor(t, wall, "the open floor", textJS("#th-stage"), waitShort, equals("Open floor"))
		waitFor(t, wall, "the floor is open", textJS("#th-speaking"), waitShort, contains("The floor is open"))
		waitFor(t, ana.view, "the raise-hand button", visibleJS("#hand"), waitShort, isTrue)
		do(t, ana.view, chromedp.Click(chromedp.CSS("#hand")))
		waitFor(t, ana.view, "the hand up", textJS("#hand"), waitShort, equals("Lower my hand"))
		mustDo(t, anonConn, protocol.CmdHandRaise, nil)
	})

	step("the starred items are next, in order", func(t *testing.T) {
		for _, it := range []protocol.QueueItem{{Kind: protocol.ItemHand, ID: anon.ParticipantID}, {Kind: protocol.ItemHand, ID: ana.pid}} {
			mustDo(t, fac, protocol.CmdQueueStar, protocol.QueueStar{QueueItem: it, Starred: true})
		}
		waitFor(t, wall, "two items next", countJS("#th-next li[data-kind]"), waitShort, equals(2))
		if got := eval[string](t, wall, textJS("#th-next li:nth-child(1)")); got != "Anonymous" {
			t.Errorf("the first next item reads %q, want Anonymous", got)
		}
		if got := eval[string](t, wall, textJS("#th-next li:nth-child(2)")); got != "Ana" {
			t.Errorf("the second next item reads %q, want Ana", got)
		}
		assertContrast(t, wall, 7)
		checkAxe(t, wall, src, "town hall floor")
		screenshot(t, wall, shots, "townhall-floor")
	})

	step("who speaks now, and the phone is told", func(t *testing.T) {
		mustDo(t, fac, protocol.CmdQueueTake, protocol.QueueItem{Kind: protocol.ItemHand, ID: ana.pid})
		waitFor(t, wall, "Ana speaking", textJS("#th-who"), waitShort, equals("Ana"))
		waitFor(t, wall, "the label", textJS("#th-now-label"), waitShort, equals("Speaking now"))
		waitFor(t, ana.view, "you have the floor", visibleJS("#th-floor"), waitShort, isTrue)
		if got := eval[string](t, ana.view, textJS("#th-floor")); got != "You have the floor" {
			t.Errorf("the phone says %q", got)
		}
		screenshot(t, ana.view, shots, "townhall-floor-phone")
		mustDo(t, fac, protocol.CmdQueueDone, protocol.QueueItem{Kind: protocol.ItemHand, ID: ana.pid})
		mustDo(t, fac, protocol.CmdQueueTake, protocol.QueueItem{Kind: protocol.ItemHand, ID: anon.ParticipantID})
		waitFor(t, wall, "the anonymous person speaking", textJS("#th-who"), waitShort, equals("Anonymous"))
		waitFor(t, ana.view, "the floor passed on", visibleJS("#th-floor"), waitShort, equals(false))
		waitFor(t, wall, "nothing next", countJS("#th-next li[data-kind]"), waitShort, equals(0))
		mustDo(t, fac, protocol.CmdQueueDone, protocol.QueueItem{Kind: protocol.ItemHand, ID: anon.ParticipantID})
		waitFor(t, wall, "the floor open again", textJS("#th-now-label"), waitShort, equals("The floor is open"))
	})
}

// TestTheWallShowsRemoteQuestionsAndOnlineContributionsLive has the server
// issue the public pages' commands (remote questions, upvotes, online
// contributions) and checks the wall follows: remote questions by votes,
// the one being answered, contributions arriving live, and a hidden item
// by its reason only, never its text.
func TestTheWallShowsRemoteQuestionsAndOnlineContributionsLive(t *testing.T) {
	chromium := findChromium(t)
	room := newConsultationRoom(t, "Remote voices")
	browser := startBrowser(t, chromium)
	shots := screenshotDir(t)
	src := axeSource(t)
	fac := room.fac
	issue := func(t *testing.T, typ string, data any) {
		t.Helper()
		if _, err := room.srv.Server.IssuePublic(context.Background(), room.created.Cafe, typ, data); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	wall := newView(t, t, browser, "wall", 1920, 1080, false)
	do(t, wall, chromedp.Navigate(fmt.Sprintf("%s/wall#%s.%s", room.srv.URL, room.created.Cafe, room.created.WallToken)))
	step := steps(t, func() []*view { return []*view{wall} })

	step("remote questions come in, most votes first", func(t *testing.T) {
		mustDo(t, fac, protocol.CmdRoundStart, nil)
		mustDo(t, fac, protocol.CmdRoundEnd, nil)
		mustDo(t, fac, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "The road ahead"})
		mustDo(t, fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
		waitFor(t, wall, "the town hall on the wall", visibleJS("#wall-townhall"), waitLong, isTrue)
		for _, q := range []protocol.TownHallAsk{
			{QuestionID: "q1", Text: "What about small states?", Name: "Ivo"},
			{QuestionID: "q2", Text: "Who pays for all this?"},
			{QuestionID: "q3", Text: "Buy my miracle product today"},
		} {
			issue(t, protocol.CmdTownHallAsk, q)
		}
		waitFor(t, wall, "three remote questions", countJS("#th-questions li"), waitShort, equals(3))
		if got := eval[string](t, wall, textJS("#th-questions li:first-child")); !contains("small states")(got) {
			t.Errorf("before any vote the first question on the wall is %q, want the first asked", got)
		}
		for _, voter := range []string{"v-1", "v-2"} {
			issue(t, protocol.CmdTownHallUpvote, protocol.TownHallUpvote{QuestionID: "q2", Voter: voter})
		}
		waitFor(t, wall, "the most-voted question first", textJS("#th-questions li:first-child"), waitShort, contains("Who pays"))
		waitFor(t, wall, "its votes", textJS("#th-questions li:first-child .votes"), waitShort, equals("2 votes"))
		if got := eval[string](t, wall, textJS(`#th-questions li[data-id="q1"] .by`)); got != "Ivo" {
			t.Errorf("the asker reads %q, want Ivo", got)
		}
		if got := eval[string](t, wall, textJS(`#th-questions li[data-id="q2"] .by`)); got != "Anonymous" {
			t.Errorf("an unnamed asker reads %q, want Anonymous", got)
		}
		mustDo(t, fac, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: "q3", Reason: "Advertising"})
		waitFor(t, wall, "the hidden question's reason", textJS(`#th-questions li[data-id="q3"]`), waitShort, contains("Hidden by the moderator: Advertising"))
		if eval[bool](t, wall, `document.body.innerText.includes("miracle")`) {
			t.Error("the wall still shows the hidden question's text")
		}
	})

	step("a starred question is next, then answered", func(t *testing.T) {
		mustDo(t, fac, protocol.CmdQueueStar, protocol.QueueStar{QueueItem: protocol.QueueItem{Kind: protocol.ItemQuestion, ID: "q1"}, Starred: true})
		waitFor(t, wall, "the question next", textJS("#th-next li[data-kind]"), waitShort, contains("Remote question"))
		if got := eval[string](t, wall, textJS("#th-next li[data-kind]")); !contains("small states")(got) {
			t.Errorf("the next item reads %q, want the question's text", got)
		}
		assertContrast(t, wall, 7)
		checkAxe(t, wall, src, "remote questions")
		screenshot(t, wall, shots, "townhall-questions")
		mustDo(t, fac, protocol.CmdQueueTake, protocol.QueueItem{Kind: protocol.ItemQuestion, ID: "q1"})
		waitFor(t, wall, "the question being answered", textJS("#th-answering"), waitShort, equals("What about small states?"))
		waitFor(t, wall, "named as a remote question", textJS("#th-speaking"), waitShort, contains("Remote question"))
		waitFor(t, wall, "the label", textJS("#th-now-label"), waitShort, equals("Being answered"))
		waitFor(t, wall, "nothing starred left", countJS("#th-next li[data-kind]"), waitShort, equals(0))
		waitFor(t, wall, "the others waiting", countJS("#th-questions li"), waitShort, equals(2))
		screenshot(t, wall, shots, "townhall-answering")
		mustDo(t, fac, protocol.CmdQueueDone, protocol.QueueItem{Kind: protocol.ItemQuestion, ID: "q1"})
		waitFor(t, wall, "the floor open again", textJS("#th-now-label"), waitShort, equals("The floor is open"))
	})

	const secret = "Buy my miracle product today"
	step("online contributions arrive live, a hidden one by its reason", func(t *testing.T) {
		mustDo(t, fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageEnded})
		waitFor(t, wall, "the town hall gone from the wall", visibleJS("#wall-townhall"), waitShort, equals(false))
		mustDo(t, fac, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: time.Now().Add(48 * time.Hour).UnixMilli()})
		waitFor(t, wall, "the online panel", visibleJS("#wall-online"), waitShort, isTrue)
		issue(t, protocol.CmdOnlineContribute, protocol.OnlineContribute{ItemID: "c1", Question: 0, Title: "Convening", Text: "Governments can bring everyone to one table", Name: "Dana"})
		waitFor(t, wall, "the contribution", textJS(`#online-newest li[data-item-id="c1"] .what`), waitShort, equals("Governments can bring everyone to one table"))
		if got := eval[string](t, wall, textJS(`#online-newest li[data-item-id="c1"] .meta`)); got != "Question 1 · Dana" {
			t.Errorf("the contribution is labelled %q", got)
		}
		waitFor(t, wall, "its count", textJS("#online-counts li:first-child strong"), waitShort, equals("1 contribution"))
		issue(t, protocol.CmdOnlineContribute, protocol.OnlineContribute{ItemID: "c2", Question: 1, Text: secret})
		waitFor(t, wall, "the second contribution", countJS(`#online-newest li[data-item-id="c2"]`), waitShort, equals(1))
		mustDo(t, fac, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: "c2", Reason: "Advertising"})
		waitFor(t, wall, "the hidden contribution's reason", textJS(`#online-newest li[data-item-id="c2"]`), waitShort, contains("Hidden by the moderator: Advertising"))
		if eval[bool](t, wall, `document.body.innerText.includes(`+jsString(secret)+`)`) {
			t.Error("the wall still shows the hidden contribution's text")
		}
		waitFor(t, wall, "the count without it", textJS("#online-counts li:nth-child(2) strong"), waitShort, equals("0 contributions"))
		assertContrast(t, wall, 7)
		checkAxe(t, wall, src, "online panel")
		screenshot(t, wall, shots, "online-panel")
		// A wall opened now gets the hidden one from its snapshot: the
		// reason, and no text to show.
		do(t, wall, chromedp.Reload())
		waitFor(t, wall, "the hidden contribution after a reload", textJS(`#online-newest li[data-item-id="c2"]`), waitLong, contains("Advertising"))
		if eval[bool](t, wall, `document.body.innerText.includes(`+jsString(secret)+`)`) {
			t.Error("a reloaded wall shows the hidden contribution's text")
		}
	})

	step("in the harvest, a themed contribution sits with the room's notes, marked as online", func(t *testing.T) {
		mustDo(t, fac, protocol.CmdHarvestStart, nil)
		mustDo(t, fac, protocol.CmdThemeCreate, protocol.ThemeCreate{ThemeID: "t1", Name: "Convening", Question: 0})
		mustDo(t, fac, protocol.CmdOnlineTheme, protocol.OnlineTheme{ItemID: "c1", ThemeID: "t1"})
		sel := `#tables .wall-theme li.sticky.online[data-item-id="c1"]`
		waitFor(t, wall, "the contribution in its theme", countJS(sel), waitShort, equals(1))
		if got := eval[string](t, wall, textJS(sel)); !contains("Online")(got) || !contains("bring everyone")(got) {
			t.Errorf("the themed contribution reads %q, want it marked Online with its text", got)
		}
		if got := eval[string](t, wall, textJS(`#tables .wall-theme h2 .count`)); got != "1" {
			t.Errorf("the theme counts %q, want 1", got)
		}
		assertContrast(t, wall, 7)
	})
}

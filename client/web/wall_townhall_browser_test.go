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

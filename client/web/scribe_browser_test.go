package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store"
)

// scribeLink asks the server for a scribe link, as the tablet does.
func scribeLink(t *testing.T, room *consultationRoom) server.ScribeLink {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, room.srv.URL+"/api/cafes/"+room.created.Cafe+"/scribe", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+room.created.FacilitatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var link server.ScribeLink
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the scribe link: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&link); err != nil {
		t.Fatal(err)
	}
	return link
}

// findingsOf is the café's findings as its log rebuilds them: id → text.
func findingsOf(st *cafe.State) map[string]string {
	out := map[string]string{}
	if th := st.View(protocol.RoleWall).TownHall; th != nil {
		for _, f := range th.Findings {
			out[f.ID] = f.Text
		}
	}
	return out
}

const scribeListJS = `[...document.querySelectorAll("#findings li[data-key]")].map((li) => li.querySelector(".text").textContent)`

// TestTheScribeWritesFindingsLive has a scribe, on a small phone, follow
// the town hall and add, edit and delete findings; a finding typed while
// offline waits on the device and is sent, once, when the link is back.
func TestTheScribeWritesFindingsLive(t *testing.T) {
	chromium := findChromium(t)
	room := newConsultationRoom(t, "Scribe")
	browser := startBrowser(t, chromium)
	shots := screenshotDir(t)
	src := axeSource(t)
	fac := room.fac
	link := scribeLink(t, room)
	scribe := newView(t, t, browser, "scribe", 390, 844, true)
	step := steps(t, func() []*view { return []*view{scribe} })
	s := room.srv.Store
	id := room.created.Cafe

	step("the scribe's page follows the town hall", func(t *testing.T) {
		do(t, scribe, chromedp.Navigate(link.ScribeURL))
		waitFor(t, scribe, "the café's title", textJS("#scribe-cafe"), waitLong, equals("Scribe"))
		waitFor(t, scribe, "not started", textJS("#scribe-stage"), waitShort, equals("The town hall has not started yet."))
		mustDo(t, fac, protocol.CmdRoundStart, nil)
		mustDo(t, fac, protocol.CmdRoundEnd, nil)
		mustDo(t, fac, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "The road ahead", Presenter: "Gita Rao"})
		mustDo(t, fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
		waitFor(t, scribe, "the stage", textJS("#scribe-stage"), waitShort, equals("Open floor"))
		waitFor(t, scribe, "the agenda", textJS("#scribe-agenda"), waitShort, equals("The road ahead"))
		waitFor(t, scribe, "the presenter", textJS("#scribe-presenter"), waitShort, equals("Presented by Gita Rao"))
		j, ana := room.join(t, protocol.Join{Name: "Ana"})
		mustDo(t, ana, protocol.CmdHandRaise, nil)
		mustDo(t, fac, protocol.CmdQueueTake, protocol.QueueItem{Kind: protocol.ItemHand, ID: j.ParticipantID})
		waitFor(t, scribe, "who speaks", textJS("#scribe-speaking"), waitShort, equals("Speaking now: Ana"))
	})

	write := func(t *testing.T, text string) {
		t.Helper()
		do(t, scribe, chromedp.SetValue(chromedp.CSS("#finding"), text), chromedp.Click(chromedp.CSS("#finding-save")))
	}
	step("findings are added, edited and deleted, in order", func(t *testing.T) {
		write(t, "Governments convene")
		write(t, "A draft to take back")
		write(t, "Open data by default")
		waitFor(t, scribe, "three findings", scribeListJS+`.join("|")`, waitShort, equals("Governments convene|A draft to take back|Open data by default"))
		waitFor(t, scribe, "all sent", countJS(`#findings li[data-state="waiting"]`), waitShort, equals(0))
		waitForState(t, s, id, "three findings", func(st *cafe.State) bool { return len(findingsOf(st)) == 3 })

		do(t, scribe, chromedp.Click(chromedp.CSS(`#findings li:nth-child(1) button[data-action="edit"]`)))
		waitFor(t, scribe, "the finding in the field", `document.querySelector("#finding").value`, waitShort, equals("Governments convene"))
		write(t, "Governments convene and listen")
		waitFor(t, scribe, "the edit", textJS("#findings li:nth-child(1) .text"), waitShort, equals("Governments convene and listen"))
		do(t, scribe, chromedp.Evaluate[chromedp.Void](`window.confirm = () => true; undefined`))
		do(t, scribe, chromedp.Click(chromedp.CSS(`#findings li:nth-child(2) button[data-action="delete"]`)))
		waitFor(t, scribe, "two findings", scribeListJS+`.join("|")`, waitShort, equals("Governments convene and listen|Open data by default"))
		st := waitForState(t, s, id, "the edit and the delete", func(st *cafe.State) bool { return len(findingsOf(st)) == 2 })
		got := findingsOf(st)
		found := false
		for _, text := range got {
			found = found || text == "Governments convene and listen"
		}
		if !found {
			t.Errorf("the server's findings are %v, want the edit", got)
		}
		checkAxe(t, scribe, src, "findings")
		assertContrast(t, scribe, 4.5)
	})

	step("a finding typed offline is kept and sent once when back", func(t *testing.T) {
		setOffline(t, scribe, true)
		waitFor(t, scribe, "the offline banner", visibleJS("#status"), waitShort, isTrue)
		write(t, "Typed with no link")
		waitFor(t, scribe, "the finding waiting", textJS(`#findings li[data-state="waiting"] .state`), waitShort,
			equals("Saved on this device. It will be sent when you are back online."))
		kept := eval[int](t, scribe, `JSON.parse(localStorage.getItem("wc.scribe.outbox.`+id+`") || "[]").length`)
		if kept != 1 {
			t.Errorf("the outbox on the device holds %d changes, want 1", kept)
		}
		screenshot(t, scribe, shots, "scribe-offline")
		setOffline(t, scribe, false)
		waitFor(t, scribe, "the finding sent", countJS(`#findings li[data-state="waiting"]`), waitLong, equals(0))
		waitForState(t, s, id, "the offline finding", func(st *cafe.State) bool { return len(findingsOf(st)) == 3 })
		evs, err := store.AllEvents(context.Background(), s, id)
		if err != nil {
			t.Fatal(err)
		}
		added := 0
		for _, ev := range evs {
			if ev.Type == protocol.EvFindingAdded {
				var f protocol.Finding
				if err := json.Unmarshal(ev.Data, &f); err != nil {
					t.Fatal(err)
				}
				if f.Text == "Typed with no link" {
					added++
				}
			}
		}
		if added != 1 {
			t.Errorf("the offline finding was added %d times, want once", added)
		}
		if got := eval[string](t, scribe, `localStorage.getItem("wc.scribe.outbox.`+id+`")`); got != "[]" {
			t.Errorf("the outbox still holds %s", got)
		}
	})
}

package web_test

// The people in the room, in real headless Chromium: the facilitator makes
// a host with one tap, pauses and removes a participant, and sees joins in
// the last minute; an anonymous note names nobody on any screen, nor on the
// wire, and only its author's phone calls it theirs; a phone that joins
// again from the same browser is the same person with the same dots.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

var deviceRE = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

func TestPeopleInRealBrowsers(t *testing.T) {
	chromium := findChromium(t)
	shots := screenshotDir(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	root := t

	var (
		fac, wall           *view
		ada, bo, anon, cy   *phone
		phones              []*phone
		code, cafeID        string
		notes               = map[*phone]postedNote{}
		wallFrames, mateWSS *frames
		voteID              string
	)
	all := func() []*view {
		vs := []*view{fac, wall}
		for _, p := range phones {
			vs = append(vs, p.view)
		}
		return vs
	}
	step := steps(t, all)

	step("a café with two tables and its wall", func(t *testing.T) {
		fac = newView(t, root, browser, "facilitator", 1280, 900, false)
		do(t, fac, chromedp.Navigate(srv.URL+"/"))
		waitFor(t, fac, "the create form", visibleJS("#create"), waitLong, isTrue)
		do(t, fac,
			chromedp.SetValue(chromedp.CSS("#title"), "People test café"),
			chromedp.SetValue(chromedp.CSS("#tables"), "2"),
			chromedp.SetValue(chromedp.CSS("#seats"), "5"),
			chromedp.SetValue(chromedp.CSS("#minutes"), "20"),
			chromedp.Click(chromedp.CSS("#create-submit")),
		)
		waitFor(t, fac, "the facilitator page", `location.pathname === "/facilitate" && location.hash.length > 1`, waitLong, isTrue)
		code, _ = waitFor(t, fac, "the join code", textJS("#join-code"), waitLong, func(s string) bool { return len(s) == 6 })
		cafeID, _, _ = strings.Cut(strings.TrimPrefix(eval[string](t, fac, `location.hash`), "#"), ".")
		waitFor(t, fac, "nobody in the list", textJS("#people"), waitShort, equals("Nobody has joined yet."))
		waitFor(t, fac, "no joins yet", textJS("#join-rate"), waitShort, equals("Nobody joined in the last minute."))
		waitFor(t, fac, "the wall link", visibleJS("#wall-link"), waitShort, isTrue)
		wall = newView(t, root, browser, "wall", 1920, 1080, false)
		wallFrames = recordFrames(wall)
		do(t, wall, chromedp.Navigate(eval[string](t, fac, `document.querySelector("#wall-link").href`)))
		waitFor(t, wall, "the join code", textJS("#join-code"), waitLong, equals(code))
	})

	step("the join form has no host box and sends a device key", func(t *testing.T) {
		v := newView(t, root, browser, "phone-form", 390, 844, true)
		do(t, v, chromedp.Navigate(srv.URL+"/join/"+code))
		waitFor(t, v, "the join form", visibleJS("#join-form"), waitLong, isTrue)
		if n := eval[int](t, v, countJS(`#join-form input[type="checkbox"]`)); n != 1 {
			t.Errorf("the join form has %d check boxes, want 1 (post anonymously)", n)
		}
		if form := eval[string](t, v, textJS("#join-form")); strings.Contains(strings.ToLower(form), "host") {
			t.Errorf("the join form still speaks of hosts: %q", form)
		}
		if eval[bool](t, v, `!!document.querySelector("#host")`) {
			t.Errorf("the join form still has a #host field")
		}
	})

	step("four phones join, each with its own device key, and the tablet counts the joins", func(t *testing.T) {
		ada = joinPhone(t, root, browser, srv.URL, code, "ada", "Ada Lovelace", "civil_society", false)
		bo = joinPhone(t, root, browser, srv.URL, code, "bo", "Bo Chen", "government", false)
		anon = joinPhone(t, root, browser, srv.URL, code, "anon", "", "academia", true)
		cy = joinPhone(t, root, browser, srv.URL, code, "cy", "Cy Twombly", "private_sector", false)
		phones = []*phone{ada, bo, anon, cy}
		keys := map[string]bool{}
		for _, p := range phones {
			answerDialogs(t, p.view)
			key := eval[string](t, p.view, `localStorage.getItem("worldcafe.device") || ""`)
			if !deviceRE.MatchString(key) {
				t.Errorf("%s keeps device key %q, want 22 characters of base64url", p.name, key)
			}
			keys[key] = true
			if eval[bool](t, p.view, visibleJS("#welcome-back")) {
				t.Errorf("%s says welcome back on its first join", p.name)
			}
		}
		if len(keys) != len(phones) {
			t.Errorf("%d phones share %d device keys", len(phones), len(keys))
		}
		waitFor(t, fac, "the count of people", textJS("#people-count"), waitShort, equals("4"))
		waitFor(t, fac, "the joins of the last minute", textJS("#join-rate"), waitShort, equals("4 joined in the last minute."))
		if b := eval[string](t, fac, `document.querySelector("#join-rate").dataset.burst`); b != "false" {
			t.Errorf("four joins are marked as a burst (data-burst=%q)", b)
		}
		rows := eval[[]string](t, fac, `[...document.querySelectorAll("#people li[data-pid] .person-name")].map((e) => e.textContent)`)
		if len(rows) != 4 || !strings.Contains(strings.Join(rows, "|"), "Anonymous") {
			t.Errorf("the list of people reads %q, want four rows, one Anonymous", rows)
		}
		// The anonymous person's row shows neither a name nor their group.
		if facts := eval[string](t, fac, textJS(personSel(anon.pid))); strings.Contains(facts, "Academia") {
			t.Errorf("the tablet names the anonymous person's group: %q", facts)
		}
		st := rebuild(t, srv.Store, cafeID)
		for _, p := range phones {
			if sp := st.Participants[p.pid]; sp == nil || sp.Role != protocol.RoleAttendee {
				t.Errorf("%s joined as %+v, want an attendee", p.name, sp)
			}
		}
		screenshot(t, fac, shots, "6-people-lobby")
	})

	step("the facilitator makes a host in a tap, and a second host at that table is refused", func(t *testing.T) {
		makeHost(t, fac, ada)
		st := rebuild(t, srv.Store, cafeID)
		if sp := st.Participants[ada.pid]; sp.Role != protocol.RoleHost || "Table "+strconv.Itoa(sp.Table) != ada.table {
			t.Fatalf("the server holds %s as %s at table %d, want the host of %s", ada.name, sp.Role, sp.Table, ada.table)
		}
		m := mates(ada, phones)
		if len(m) == 0 {
			t.Fatalf("nobody shares %s's table: %s %s %s %s", ada.name, ada.table, bo.table, anon.table, cy.table)
		}
		other := m[0]
		do(t, fac, chromedp.Click(chromedp.CSS(personSel(other.pid)+` button[data-action="role"]`)))
		want := strings.ToLower(ada.table) + " already has a host"
		waitFor(t, fac, "the refusal beside the row", textJS(personSel(other.pid)+" .row-error"), waitShort, contains(want))
		if got := eval[string](t, other.view, textJS("#table")); strings.Contains(got, "host") {
			t.Errorf("%s's card says %q after a refused host", other.name, got)
		}
		if sp := rebuild(t, srv.Store, cafeID).Participants[other.pid]; sp.Role != protocol.RoleAttendee {
			t.Errorf("the server made %s %s after refusing", other.name, sp.Role)
		}
	})

	step("an anonymous note names nobody, on every screen and on the wire", func(t *testing.T) {
		mateWSS = nil
		for _, p := range mates(anon, phones) {
			mateWSS = recordFrames(p.view)
			break
		}
		waitFor(t, fac, "the start button", enabledJS("#btn-start"), waitShort, isTrue)
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-start")))
		for _, p := range phones {
			waitFor(t, p.view, "the note form", visibleJS("#compose"), waitShort, isTrue)
		}
		for _, p := range phones {
			n := post(t, p, "An idea from "+p.label+": open data by default")
			notes[p] = n
			assertEverywhere(t, n, p, fac, wall, phones)
		}
		n := notes[anon]
		li := facNoteSel(n.id)
		waitFor(t, fac, "the anonymous note's byline", textJS(li+" .author"), waitShort, equals("Anonymous"))
		if got := eval[string](t, fac, textJS(li)); strings.Contains(got, "Academia") || strings.Contains(got, "Someone") {
			t.Errorf("the tablet shows the anonymous note as %q", got)
		}
		if got := eval[string](t, fac, textJS(facNoteSel(notes[bo].id)+" .author")); got != "Bo Chen" {
			t.Errorf("the tablet names Bo's note %q, want Bo Chen", got)
		}
		for _, v := range []*view{fac, wall} {
			if eval[bool](t, v, fmt.Sprintf(`document.querySelector(%s).outerHTML.includes(%s)`, jsString(`[data-note-id="`+n.id+`"]`), jsString(anon.pid))) {
				t.Errorf("%s: the anonymous note's element holds its author's id", v.name)
			}
		}
		if eval[bool](t, wall, fmt.Sprintf(`document.body.innerHTML.includes(%s)`, jsString(anon.pid))) {
			t.Errorf("wall: the page holds the anonymous author's id")
		}
		for _, o := range mates(anon, phones) {
			if got := eval[string](t, o.view, textJS(fmt.Sprintf(`#table-notes li[data-note-id=%q]`, n.id))); got != n.text {
				t.Errorf("%s shows the anonymous note as %q, want only its text", o.name, got)
			}
		}
		// What the wall and a phone at the table received: the note, with
		// no author and marked anonymous.
		for _, f := range []*frames{wallFrames, mateWSS} {
			if f == nil {
				continue
			}
			posted := f.find(protocol.EvNotePosted, n.id)
			if posted == nil {
				t.Errorf("%s received no note.posted for the anonymous note", f.v.name)
				continue
			}
			if _, ok := posted["author"]; ok || posted["anonymous"] != true {
				t.Errorf("%s received the anonymous note as %v, want no author and anonymous: true", f.v.name, posted)
			}
		}
		// Its author's phone knows it as its own, also after a reload.
		do(t, anon.view, chromedp.Reload())
		waitFor(t, anon.view, "the anonymous note in My notes after a reload", mineJS(n.text), waitLong, func(s noteState) bool {
			return s.Found && s.ID == n.id && strings.HasPrefix(s.State, "Saved")
		})
		if got := eval[int](t, anon.view, countJS(fmt.Sprintf(`#table-notes li[data-note-id=%q]`, n.id))); got != 0 {
			t.Errorf("the author's phone shows its anonymous note among the others' notes after a reload")
		}
		for _, v := range all() {
			screenshot(t, v, shots, "6-people-round")
		}
	})

	step("a muted phone cannot post until the facilitator lets it", func(t *testing.T) {
		mute := personSel(bo.pid) + ` button[data-action="mute"]`
		do(t, fac, chromedp.Click(chromedp.CSS(mute)))
		waitFor(t, bo.view, "the paused message", visibleJS("#muted"), waitShort, isTrue)
		if got := eval[string](t, bo.view, textJS("#muted")); !strings.Contains(got, "The facilitator has paused your posting") {
			t.Errorf("bo's phone says %q", got)
		}
		waitFor(t, bo.view, "the post button disabled", enabledJS("#post"), waitShort, equals(false))
		if eval[bool](t, bo.view, enabledJS("#note")) {
			t.Errorf("the note field is enabled on a muted phone")
		}
		waitFor(t, fac, "Unmute on the row", textJS(mute), waitShort, equals("Unmute"))
		if !serverPerson(t, srv, cafeID, bo.pid).Muted {
			t.Errorf("the server does not hold %s as muted", bo.name)
		}
		for _, p := range []*phone{ada, anon, cy} {
			if eval[bool](t, p.view, visibleJS("#muted")) || !eval[bool](t, p.view, enabledJS("#post")) {
				t.Errorf("%s is paused too", p.name)
			}
		}
		do(t, fac, chromedp.Click(chromedp.CSS(mute)))
		waitFor(t, bo.view, "the paused message to go", visibleJS("#muted"), waitShort, equals(false))
		waitFor(t, bo.view, "the post button enabled", enabledJS("#post"), waitShort, isTrue)
		post(t, bo, "Bo again after the pause")
	})

	step("the town hall calls an anonymous speaker You on their phone and Someone elsewhere", func(t *testing.T) {
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-end")), chromedp.Click(chromedp.CSS("#btn-end-confirm")))
		waitForPhase(t, srv.Store, cafeID, protocol.PhaseTownHall)
		waitFor(t, anon.view, "the raise-hand button", visibleJS("#hand"), waitShort, isTrue)
		waitFor(t, anon.view, "the phone live", visibleJS("#status"), waitShort, equals(false))
		waitFor(t, anon.view, "the raise-hand button enabled", enabledJS("#hand"), waitShort, isTrue)
		do(t, anon.view, chromedp.Click(chromedp.CSS("#hand")))
		waitFor(t, anon.view, "first in line", textJS("#hand-status"), waitShort, equals("You are next to speak."))
		waitFor(t, anon.view, "You in the queue", textJS("#speakers"), waitShort, equals("Next: You"))
		waitFor(t, wall, "Someone in the queue", textJS("#speakers"), waitShort, equals("Next: Someone"))
		waitFor(t, fac, "Someone in the queue", `[...document.querySelectorAll("#hands li")].map((li) => li.textContent).join("|")`, waitShort, equals("Someone"))
		for _, p := range []*phone{ada, bo, cy} {
			waitFor(t, p.view, "Someone in the queue", textJS("#speakers"), waitShort, equals("Next: Someone"))
		}
		waitFor(t, anon.view, "the lower button", textJS("#hand"), waitShort, equals("Lower my hand"))
		do(t, anon.view, chromedp.Click(chromedp.CSS("#hand")))
		waitFor(t, anon.view, "the raise button back", textJS("#hand"), waitShort, equals("Raise my hand to speak"))
		waitFor(t, wall, "the queue empty", visibleJS("#speakers"), waitShort, equals(false))
	})

	step("a removed participant's notes and dots leave the room and their phone stops", func(t *testing.T) {
		// A vote with live results, and a dot from cy on Ada's note.
		do(t, fac, chromedp.SetValue(chromedp.CSS("#vote-dots"), "2"), chromedp.Click(chromedp.CSS("#vote-live")))
		do(t, fac, chromedp.Click(chromedp.CSS(`#vote-form button[type="submit"]`)))
		waitFor(t, fac, "the vote open", visibleJS("#vote-active"), waitShort, isTrue)
		voteID = openVoteID(t, srv, cafeID)
		dot := fmt.Sprintf(`#vote-items button[data-dot="add"][data-item=%q]`, notes[ada].id)
		for _, p := range []*phone{cy, bo} {
			waitFor(t, p.view, "the vote", visibleJS(dot), waitShort, isTrue)
			do(t, p.view, chromedp.Click(chromedp.CSS(dot)))
			waitFor(t, p.view, "the dot counted", textJS("#vote-left"), waitShort, contains("You have 1 of 2 dots left"))
		}
		waitFor(t, wall, "two live dots on Ada's note", `[...document.querySelectorAll("#results-list li strong")].map((e) => e.textContent).join("|")`, waitShort, equals("2"))
		waitFor(t, wall, "cy's note on the wall", countJS(stickySel(notes[cy].id)), waitShort, equals(1))

		remove := personSel(cy.pid) + ` button[data-action="remove"]`
		do(t, fac, chromedp.Click(chromedp.CSS(remove)))
		confirm, _ := waitFor(t, fac, "the confirm step", textJS(personSel(cy.pid)+" .confirm p"), waitShort, contains("Remove Cy Twombly?"))
		for _, says := range []string{"notes are hidden", "dots are withdrawn", "cannot be undone"} {
			if !strings.Contains(confirm, says) {
				t.Errorf("the confirm step says %q, without %q", confirm, says)
			}
		}
		if serverPerson(t, srv, cafeID, cy.pid).Removed {
			t.Fatalf("the server removed %s before the confirm", cy.name)
		}
		do(t, fac, chromedp.Click(chromedp.CSS(personSel(cy.pid)+` button[data-action="remove-confirm"]`)))

		waitFor(t, cy.view, "the removed message", visibleJS("#removed-text"), waitShort, isTrue)
		if got := eval[string](t, cy.view, textJS("#removed-text")); got != "You were removed from this café by the facilitator." {
			t.Errorf("the removed phone says %q", got)
		}
		if eval[bool](t, cy.view, visibleJS("#live")) {
			t.Errorf("the removed phone still shows the café")
		}
		waitFor(t, wall, "cy's note off the wall", countJS(stickySel(notes[cy].id)), waitShort, equals(0))
		waitFor(t, wall, "cy's dot withdrawn", `[...document.querySelectorAll("#results-list li strong")].map((e) => e.textContent).join("|")`, waitShort, equals("1"))
		waitFor(t, fac, "the count of people", textJS("#people-count"), waitShort, equals("3"))
		waitFor(t, fac, "cy's row gone", countJS(personSel(cy.pid)), waitShort, equals(0))
		waitFor(t, fac, "cy's note hidden on the tablet", `document.querySelector(`+jsString(facNoteSel(notes[cy].id))+`)?.classList.contains("hidden-note") ?? false`, waitShort, isTrue)
		for _, p := range []*phone{ada, bo, anon} {
			if got := eval[int](t, p.view, countJS(fmt.Sprintf(`#table-notes li[data-note-id=%q]`, notes[cy].id))); got != 0 {
				t.Errorf("%s still shows cy's note", p.name)
			}
		}
		sp := serverPerson(t, srv, cafeID, cy.pid)
		if !sp.Removed {
			t.Errorf("the server does not hold %s as removed", cy.name)
		}
		st := rebuild(t, srv.Store, cafeID)
		if got := st.Votes[voteID].Tally()[notes[ada].id]; got != 1 {
			t.Errorf("Ada's note has %d dots on the server after cy's removal, want 1", got)
		}
		// The phone stopped: no connection comes back, and the same
		// browser cannot join again.
		waitConnections(t, srv, int64(len(all())-1))
		do(t, cy.view, chromedp.Reload())
		waitFor(t, cy.view, "the removed message after a reload", visibleJS("#removed"), waitLong, isTrue)
		eval[bool](t, cy.view, `(localStorage.removeItem("wc.me"), true)`)
		do(t, cy.view, chromedp.Navigate(srv.URL+"/join/"+code))
		waitFor(t, cy.view, "the join form", visibleJS("#join-form"), waitLong, isTrue)
		do(t, cy.view, chromedp.SendKeys(chromedp.CSS("#name"), "Cy again"), chromedp.Click(chromedp.CSS("#join-submit")))
		waitFor(t, cy.view, "the refusal", textJS("#join-error"), waitShort, contains("removed from this café by the facilitator"))
		waitFor(t, fac, "the count of people", textJS("#people-count"), waitShort, equals("3"))
		screenshot(t, cy.view, shots, "6-people-removed")
		screenshot(t, fac, shots, "6-people-removed")
	})

	step("joining again from the same browser says welcome back and keeps the dots", func(t *testing.T) {
		pid := bo.pid
		do(t, bo.view, chromedp.Click(chromedp.CSS("#leave")))
		waitFor(t, bo.view, "the join form", visibleJS("#join-form"), waitLong, isTrue)
		do(t, bo.view,
			chromedp.SetValue(chromedp.CSS("#code"), code),
			chromedp.SendKeys(chromedp.CSS("#name"), "Bo Chen"),
			chromedp.Click(chromedp.CSS("#join-submit")),
		)
		waitFor(t, bo.view, "welcome back", visibleJS("#welcome-back"), waitLong, isTrue)
		if got := phonePID(t, bo.view); got != pid {
			t.Errorf("joining again made %s participant %s, was %s", bo.name, got, pid)
		}
		waitFor(t, bo.view, "the same dots", textJS("#vote-left"), waitShort, contains("You have 1 of 2 dots left"))
		mine := fmt.Sprintf(`#vote-items button[data-dot="remove"][data-item=%q]`, notes[ada].id)
		if !eval[bool](t, bo.view, enabledJS(mine)) {
			t.Errorf("after joining again %s cannot take back the dot on Ada's note", bo.name)
		}
		waitFor(t, bo.view, "its notes", mineJS(notes[bo].text), waitShort, func(s noteState) bool { return s.Found && s.ID == notes[bo].id })
		waitFor(t, fac, "the count of people", textJS("#people-count"), waitShort, equals("3"))
		if got := rebuild(t, srv.Store, cafeID).Votes[voteID].Tally()[notes[ada].id]; got != 1 {
			t.Errorf("Ada's note has %d dots after Bo joined again, want 1", got)
		}
	})
}

// TestAJoinBurstStandsOut joins a script's worth of people through the API
// and checks that the tablet counts them and marks more than 20 in a minute.
func TestAJoinBurstStandsOut(t *testing.T) {
	chromium := findChromium(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	ctx := context.Background()
	api := client.API{BaseURL: srv.URL}
	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Burst", Tables: 10, Seats: 5})
	if err != nil {
		t.Fatal(err)
	}
	fac := newView(t, t, browser, "facilitator", 1280, 900, false)
	t.Cleanup(func() { reportConsole(t, []*view{fac}) })
	do(t, fac, chromedp.Navigate(fmt.Sprintf("%s/facilitate#%s.%s", srv.URL, created.Cafe, created.FacilitatorToken)))
	waitFor(t, fac, "no joins yet", textJS("#join-rate"), waitLong, equals("Nobody joined in the last minute."))
	join := func(n int) {
		t.Helper()
		for i := range n {
			body, _ := json.Marshal(map[string]any{"code": created.JoinCode, "name": fmt.Sprintf("Script %d", i)})
			resp, err := http.Post(srv.URL+"/api/join", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
				t.Fatalf("join %d answered %s", i, resp.Status)
			}
		}
	}
	rate := `(() => { const e = document.querySelector("#join-rate"); return { count: Number(e.dataset.count), burst: e.dataset.burst, text: e.textContent } })()`
	type joinRate struct {
		Count int    `json:"count"`
		Burst string `json:"burst"`
		Text  string `json:"text"`
	}
	join(20)
	got, _ := waitFor(t, fac, "20 joins counted", rate, waitShort, func(r joinRate) bool { return r.Count == 20 })
	if got.Burst != "false" || got.Text != "20 joined in the last minute." {
		t.Errorf("20 joins in a minute show as %+v, want no burst", got)
	}
	join(2)
	got, _ = waitFor(t, fac, "22 joins counted", rate, waitShort, func(r joinRate) bool { return r.Count == 22 })
	if got.Burst != "true" || !strings.HasPrefix(got.Text, "22 joined in the last minute — more than a room usually does") {
		t.Errorf("22 joins in a minute show as %+v, want a burst", got)
	}
	if bg := eval[string](t, fac, `getComputedStyle(document.querySelector("#join-rate")).backgroundColor`); bg == eval[string](t, fac, `getComputedStyle(document.querySelector("#groups li") || document.body).backgroundColor`) {
		t.Errorf("a burst looks like any other count (background %s)", bg)
	}
	screenshot(t, fac, screenshotDir(t), "6-people-burst")
}

// serverPerson reads a participant as the server's state holds them,
// through its JSON form: the fields a view may depend on.
type person struct {
	Role    string `json:"role"`
	Muted   bool   `json:"muted"`
	Removed bool   `json:"removed"`
}

func serverPerson(t *testing.T, srv testServer, cafeID, pid string) person {
	t.Helper()
	sp := rebuild(t, srv.Store, cafeID).Participants[pid]
	if sp == nil {
		t.Fatalf("participant %s is not in the server's state", pid)
	}
	b, err := json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	var p person
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func openVoteID(t *testing.T, srv testServer, cafeID string) string {
	t.Helper()
	var id string
	waitForState(t, srv.Store, cafeID, "an open vote", func(st *cafe.State) bool {
		for vid, v := range st.Votes {
			if !v.Closed {
				id = vid
				return true
			}
		}
		return false
	})
	return id
}

// frames records the WebSocket frames a view receives, as the browser saw
// them on the wire.
type frames struct {
	v    *view
	mu   sync.Mutex
	seen []string
}

func recordFrames(v *view) *frames {
	f := &frames{v: v}
	evs := chromedp.Events(v.ctx, network.WebSocketFrameReceived) // subscribed from here on
	go func() {
		for ev, err := range evs {
			if err != nil {
				return // the tab closed at the end of the test
			}
			if ev.Response != nil {
				f.mu.Lock()
				f.seen = append(f.seen, string(ev.Response.PayloadData))
				f.mu.Unlock()
			}
		}
	}()
	return f
}

// find returns the data of the first event of type typ about note id.
func (f *frames) find(typ, noteID string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, raw := range f.seen {
		var env struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		}
		if json.Unmarshal([]byte(raw), &env) == nil && env.Type == typ && env.Data["note_id"] == noteID {
			return env.Data
		}
	}
	return nil
}

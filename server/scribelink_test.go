package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store"
)

// mustScribeLink asks for a scribe link with token and returns the answer's
// status and, on success, the link.
func mustScribeLink(t *testing.T, ts *testServer, cafe, token string) (int, server.ScribeLink) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.HTTP.URL+"/api/cafes/"+cafe+"/scribe", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var link server.ScribeLink
	if resp.StatusCode == http.StatusCreated {
		if err := json.NewDecoder(resp.Body).Decode(&link); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, link
}

func TestOnlyTheFacilitatorCanInviteAScribe(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{})
	other := ts.MustCafe(t, protocol.CreateCafe{})
	j, _ := c.MustJoin(t, "Ana")
	for name, token := range map[string]string{
		"an attendee": j.Token, "the wall": c.WallToken, "a made-up token": "nope",
		"another café's facilitator": other.FacilitatorToken,
	} {
		if status, _ := mustScribeLink(t, ts, c.Cafe, token); status != http.StatusUnauthorized {
			t.Errorf("%s got %d, want 401", name, status)
		}
	}
	status, link := mustScribeLink(t, ts, c.Cafe, c.FacilitatorToken)
	if status != http.StatusCreated {
		t.Fatalf("facilitator got %d", status)
	}
	if want := "/scribe#" + c.Cafe + "." + link.ScribeToken; link.ScribeToken == "" || !strings.HasSuffix(link.ScribeURL, want) {
		t.Errorf("scribe_url %q does not end in %q", link.ScribeURL, want)
	}
	if _, again := mustScribeLink(t, ts, c.Cafe, c.FacilitatorToken); again.ScribeToken == link.ScribeToken {
		t.Error("a second invitation carries the same token")
	}
}

func TestAScribeSeesTheWallsViewWritesFindingsAndMayNotRunTheCafe(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{})
	_, ana := c.MustJoin(t, "Ana")
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	MustSend(t, ana, protocol.CmdNotePost, protocol.NotePost{NoteID: "n1", Text: "Said in the room"})
	MustSend(t, c.Fac, protocol.CmdNoteHide, protocol.NoteRef{NoteID: "n1"})

	_, link := mustScribeLink(t, ts, c.Cafe, c.FacilitatorToken)
	scribe := ts.MustDial(t, c.Cafe, link.ScribeToken, client.Options{})
	if got := scribe.Welcome().Role; got != protocol.RoleScribe {
		t.Fatalf("the scribe link connects as %s", got)
	}
	env := NextEvent(t, scribe)
	var snap protocol.Snapshot
	if err := json.Unmarshal(env.Data, &snap); env.Type != protocol.TypeSnapshot || err != nil {
		t.Fatalf("first frame %s (%v), want a snapshot", env.Type, err)
	}
	if len(snap.Notes) != 1 || !snap.Notes[0].Hidden || snap.Notes[0].Text != "" {
		t.Errorf("the scribe's snapshot shows the hidden note as %+v; the wall sees no text", snap.Notes)
	}
	for _, cmd := range []struct {
		typ  string
		data any
	}{
		{protocol.CmdRoundEnd, nil},
		{protocol.CmdNotePost, protocol.NotePost{NoteID: "n2", Text: "not a participant"}},
		{protocol.CmdNoteUnhide, protocol.NoteRef{NoteID: "n1"}},
		{protocol.CmdBroadcast, protocol.Broadcast{Text: "hello"}},
		{protocol.CmdHandRaise, nil},
	} {
		if _, err := scribe.Send(t.Context(), cmd.typ, cmd.data); protocol.ErrorCode(err) != protocol.CodeForbidden {
			t.Errorf("the scribe sending %s: %v, want forbidden", cmd.typ, err)
		}
	}

	MustSend(t, scribe, protocol.CmdFindingAdd, protocol.Finding{FindingID: "f1", Text: "Governments convene"})
	if ack := MustSend(t, scribe, protocol.CmdFindingAdd, protocol.Finding{FindingID: "f1", Text: "Governments convene"}); !ack.Duplicate {
		t.Errorf("a resent finding.add was taken again: %+v", ack)
	}
	MustSend(t, scribe, protocol.CmdFindingAdd, protocol.Finding{FindingID: "f2", Text: "Open data"})
	MustSend(t, scribe, protocol.CmdFindingEdit, protocol.Finding{FindingID: "f1", Text: "Governments convene and listen"})
	MustSend(t, scribe, protocol.CmdFindingDelete, protocol.FindingRef{FindingID: "f2"})
	st, _, err := store.Rebuild(t.Context(), ts.Store, c.Cafe)
	if err != nil {
		t.Fatal(err)
	}
	if th := st.View(protocol.RoleWall).TownHall; th == nil || len(th.Findings) != 1 || th.Findings[0].Text != "Governments convene and listen" {
		t.Fatalf("the findings after the scribe's changes: %+v", th)
	}
}

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// The room's people as the server serves them: a device comes back as the
// same person, a removed person's connections close and stay closed, and an
// anonymous note reaches no device with its author's id.

func TestADeviceThatJoinsAgainIsTheSamePersonWithTheSameDots(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{})
	ctx := context.Background()
	const device = "c2VjcmV0LWRldmljZS1rZXktMTIz"
	first, err := ts.API.Join(ctx, protocol.Join{Code: c.JoinCode, Name: "Ana", Device: device})
	if err != nil {
		t.Fatal(err)
	}
	if first.Rejoined {
		t.Error("a first join says rejoined")
	}
	phone := ts.MustDial(t, c.Cafe, first.Token, client.Options{})
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	if _, err := phone.Post(ctx, "n1", "an idea"); err != nil {
		t.Fatal(err)
	}
	MustSend(t, c.Fac, protocol.CmdRoundEnd, nil)
	MustSend(t, c.Fac, protocol.CmdVoteOpen, protocol.VoteOpen{VoteID: "v1", On: "notes", Dots: 3, Stack: true})
	MustSend(t, phone, protocol.CmdVoteCast, protocol.VoteDot{VoteID: "v1", ItemID: "n1"})

	again, err := ts.API.Join(ctx, protocol.Join{Code: c.JoinCode, Name: "Ana", Device: device})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Rejoined || again.ParticipantID != first.ParticipantID || again.Token == first.Token {
		t.Fatalf("rejoin = %+v, want rejoined as %s with a new token", again, first.ParticipantID)
	}
	back := ts.MustDial(t, c.Cafe, again.Token, client.Options{})
	w := back.Welcome()
	if w.MyDots["v1"]["n1"] != 1 {
		t.Errorf("dots after the rejoin = %v, want the one dot on n1", w.MyDots)
	}
	if len(w.MyNotes) != 1 || w.MyNotes[0] != "n1" {
		t.Errorf("my notes after the rejoin = %v, want [n1]", w.MyNotes)
	}
	// The ballot is the same: the budget is not refilled.
	for range 2 {
		MustSend(t, back, protocol.CmdVoteCast, protocol.VoteDot{VoteID: "v1", ItemID: "n1"})
	}
	if _, err := back.Send(ctx, protocol.CmdVoteCast, protocol.VoteDot{VoteID: "v1", ItemID: "n1"}); err == nil {
		t.Error("a rejoin gave a fourth dot of three")
	}
}

func TestARemovedPersonIsDisconnectedAndCannotComeBack(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{})
	ctx := context.Background()
	const device = "YW5vdGhlci1kZXZpY2Uta2V5LTQ1Ng"
	j, err := ts.API.Join(ctx, protocol.Join{Code: c.JoinCode, Name: "Troll", Device: device})
	if err != nil {
		t.Fatal(err)
	}
	phone := ts.MustDial(t, c.Cafe, j.Token, client.Options{})
	MustSend(t, c.Fac, protocol.CmdParticipantRemove, protocol.ParticipantRef{ParticipantID: j.ParticipantID})
	select {
	case <-phone.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the removed person's connection is still open")
	}
	if got := phone.CloseStatus(); got != protocol.CloseUnauthorized {
		t.Errorf("closed with %d, want %d", got, protocol.CloseUnauthorized)
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := client.Dial(dctx, ts.WSURL, c.Cafe, j.Token, client.Options{}); err == nil {
		t.Error("a removed person's token still connects")
	}
	_, err = ts.API.Join(ctx, protocol.Join{Code: c.JoinCode, Name: "Troll", Device: device})
	ExpectCode(t, err, protocol.CodeForbidden)
}

func TestNoDeviceReceivesTheAuthorOfAnAnonymousNote(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{})
	ctx := context.Background()
	anon, err := ts.API.Join(ctx, protocol.Join{Code: c.JoinCode, Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	_, other := c.MustJoin(t, "Ben")
	wall := ts.MustDial(t, c.Cafe, c.WallToken, client.Options{})
	phone := ts.MustDial(t, c.Cafe, anon.Token, client.Options{})
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	ack, err := phone.Post(ctx, "secret-note", "said without a name")
	if err != nil {
		t.Fatal(err)
	}
	MustSend(t, phone, protocol.CmdHandRaise, nil)
	id := []byte(anon.ParticipantID)
	for name, conn := range map[string]*client.Conn{"facilitator": c.Fac, "wall": wall, "another phone": other} {
		for _, env := range WaitSeq(t, conn, ack.Seq) {
			if env.Type == protocol.EvNotePosted && bytes.Contains(env.Data, id) {
				t.Errorf("the %s received the anonymous note with its author: %s", name, env.Data)
			}
		}
	}
	fresh := ts.MustDial(t, c.Cafe, c.FacilitatorToken, client.Options{})
	snap := NextEvent(t, fresh)
	var view protocol.Snapshot
	if err := json.Unmarshal(snap.Data, &view); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range view.Notes {
		if n.ID == "secret-note" {
			found = true
			if n.Author != "" || !n.Anonymous {
				t.Errorf("the facilitator's snapshot shows the anonymous note as author %q, anonymous %v", n.Author, n.Anonymous)
			}
		}
	}
	if !found {
		t.Error("the anonymous note is not in the snapshot")
	}
}

func TestTheJoinFormLearnsTheCafesOwnGroupsFromItsCode(t *testing.T) {
	ts := MustServer(t, server.Config{})
	groups := []protocol.Group{{ID: "residents", Name: "Residents"}, {ID: "council", Name: "Council"}}
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Neighbourhood", Groups: groups})
	resp, err := http.Get(ts.HTTP.URL + "/api/join/" + strings.ToLower(c.JoinCode))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var info struct {
		Title  string           `json:"title"`
		Groups []protocol.Group `json:"groups"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/join: %d %v", resp.StatusCode, err)
	}
	if info.Title != "Neighbourhood" || !reflect.DeepEqual(info.Groups, groups) {
		t.Errorf("join info = %+v, want the café's title and its two groups", info)
	}
	resp, err = http.Get(ts.HTTP.URL + "/api/join/ZZZZZZ")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown code answered %d, want 404", resp.StatusCode)
	}
}

package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

func TestAFacilitatorCanMintANewWallLinkAndNobodyElseCan(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{})
	j, _ := c.MustJoin(t, "Ana")
	post := func(token string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, ts.HTTP.URL+"/api/cafes/"+c.Cafe+"/wall", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for name, token := range map[string]string{"an attendee": j.Token, "the wall": c.WallToken, "a made-up token": "nope"} {
		if resp := post(token); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s got %d, want 401", name, resp.StatusCode)
		}
	}
	resp := post(c.FacilitatorToken)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("facilitator got %d", resp.StatusCode)
	}
	var link server.WallLink
	if err := json.NewDecoder(resp.Body).Decode(&link); err != nil {
		t.Fatal(err)
	}
	wall := ts.MustDial(t, c.Cafe, link.WallToken, client.Options{})
	if got := wall.Welcome().Role; got != protocol.RoleWall {
		t.Fatalf("new link connects as %s, want wall", got)
	}
	if _, err := wall.Send(t.Context(), protocol.CmdRoundStart, nil); protocol.ErrorCode(err) != protocol.CodeForbidden {
		t.Fatalf("wall sending round.start: %v, want forbidden", err)
	}
}

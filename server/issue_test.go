package server_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

func TestTheServerIssuesThePublicPagesCommandsAndNoOthers(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{})
	ctx := t.Context()
	if _, err := ts.IssuePublic(ctx, c.Cafe, protocol.CmdRoundStart, nil); protocol.ErrorCode(err) != protocol.CodeForbidden {
		t.Errorf("issuing round.start: %v, want forbidden", err)
	}
	contribution := protocol.OnlineContribute{ItemID: "c1", Question: 0, Text: "Open data"}
	if _, err := ts.IssuePublic(ctx, "no-such-cafe", protocol.CmdOnlineContribute, contribution); protocol.ErrorCode(err) != protocol.CodeNotFound {
		t.Errorf("issuing to a café that does not exist: %v, want not_found", err)
	}
	MustSend(t, c.Fac, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: time.Now().Add(time.Hour).UnixMilli()})
	if _, err := ts.IssuePublic(ctx, c.Cafe, protocol.CmdOnlineContribute, contribution); err != nil {
		t.Fatal(err)
	}
	for {
		env := NextEvent(t, c.Fac)
		if env.Type != protocol.EvOnlineContributed {
			continue
		}
		var got protocol.OnlineContribute
		if err := json.Unmarshal(env.Data, &got); err != nil || got.ItemID != "c1" || got.Text != "Open data" {
			t.Fatalf("the facilitator got %s (%v)", env.Data, err)
		}
		return
	}
}

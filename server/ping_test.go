package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

func TestAPeerThatStopsAnsweringPingsIsDroppedAndOneThatReadsIsKept(t *testing.T) {
	ts := MustServer(t, server.Config{PingInterval: 50 * time.Millisecond, WriteTimeout: 300 * time.Millisecond})
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Pings"})
	alive := ts.MustDial(t, c.Cafe, c.WallToken, client.Options{})
	go func() {
		for range alive.Events() {
		}
	}()

	// A phone that said hello and then vanished: it never reads again, so
	// it never answers a ping.
	gone := RawDial(t, ts)
	hello := protocol.Marshal(protocol.Envelope{Type: protocol.TypeHello, Data: protocol.EncodeData(protocol.Hello{Token: c.WallToken, Cafe: c.Cafe})})
	if err := gone.Write(context.Background(), websocket.MessageText, hello); err != nil {
		t.Fatal(err)
	}

	// Facilitator, the reading wall and the vanished phone.
	waitConnections(t, ts, 3, 5*time.Second)
	// Some pings later only the vanished phone is gone.
	waitConnections(t, ts, 2, 3*time.Second)
	time.Sleep(300 * time.Millisecond) // several more ping rounds
	if n := ts.Metrics().Connections.Load(); n != 2 {
		t.Fatalf("%d connections open, want 2 (the facilitator and the wall that reads)", n)
	}
	select {
	case <-alive.Done():
		t.Fatalf("the wall that reads was dropped: %v", alive.Err())
	default:
	}
	MustSend(t, c.Fac, protocol.CmdBroadcast, protocol.Broadcast{Text: "still here"})
}

func waitConnections(t testing.TB, ts *testServer, want int64, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for ts.Metrics().Connections.Load() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections open after %s, want %d", ts.Metrics().Connections.Load(), timeout, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// testServer is a real server on a loopback port with a bbolt file on disk.
type testServer struct {
	*server.Server
	HTTP  *httptest.Server
	API   client.API
	WSURL string
	Store *bolt.Store
}

// MustServer starts a server; cfg.Store is filled in.
func MustServer(tb testing.TB, cfg server.Config) *testServer {
	tb.Helper()
	st, err := bolt.Open(filepath.Join(tb.TempDir(), "worldcafe.db"), bolt.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Store = st
	srv, err := server.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
		st.Close()
	})
	return &testServer{Server: srv, HTTP: hs, API: client.API{BaseURL: hs.URL}, WSURL: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws", Store: st}
}

// testCafe is a café with its facilitator connected.
type testCafe struct {
	protocol.Created
	ts  *testServer
	Fac *client.Conn
}

func (ts *testServer) MustCafe(tb testing.TB, req protocol.CreateCafe) *testCafe {
	tb.Helper()
	ctx := context.Background()
	c, err := ts.API.CreateCafe(ctx, req)
	if err != nil {
		tb.Fatal(err)
	}
	fac := ts.MustDial(tb, c.Cafe, c.FacilitatorToken, client.Options{})
	return &testCafe{Created: c, ts: ts, Fac: fac}
}

func (ts *testServer) MustDial(tb testing.TB, cafe, token string, opts client.Options) *client.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, ts.WSURL, cafe, token, opts)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	tb.Cleanup(func() { c.Kill() })
	return c
}

// MustJoin joins a person and connects them.
func (c *testCafe) MustJoin(tb testing.TB, name string) (protocol.Joined, *client.Conn) {
	tb.Helper()
	j, err := c.ts.API.Join(context.Background(), protocol.Join{Code: c.JoinCode, Name: name})
	if err != nil {
		tb.Fatalf("join %s: %v", name, err)
	}
	return j, c.ts.MustDial(tb, c.Cafe, j.Token, client.Options{})
}

// MustSend sends a command and fails the test if it is rejected.
func MustSend(tb testing.TB, c *client.Conn, typ string, data any) protocol.Ack {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := c.Send(ctx, typ, data)
	if err != nil {
		tb.Fatalf("%s: %v", typ, err)
	}
	return ack
}

// NextEvent waits for the next frame with a seq (an event or snapshot).
func NextEvent(tb testing.TB, c *client.Conn) protocol.Envelope {
	tb.Helper()
	select {
	case env, ok := <-c.Events():
		if !ok {
			tb.Fatalf("connection ended: %v", c.Err())
		}
		return env
	case <-time.After(10 * time.Second):
		tb.Fatal("no event within 10s")
	}
	panic("unreachable")
}

// WaitSeq reads frames until one at seq or later and returns them all.
func WaitSeq(tb testing.TB, c *client.Conn, seq uint64) []protocol.Envelope {
	tb.Helper()
	var out []protocol.Envelope
	for {
		env := NextEvent(tb, c)
		out = append(out, env)
		if env.Seq >= seq {
			return out
		}
	}
}

func noteID(i int) string { return fmt.Sprintf("n%05d", i) }

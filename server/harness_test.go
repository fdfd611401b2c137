package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// testServer is a real server on a loopback port with a bbolt file on disk.
type testServer struct {
	*server.Server
	HTTP  *httptest.Server
	API   client.API
	WSURL string
	Store *bolt.Store
	// Stop shuts the server down and closes its store, as a clean restart
	// does; the test's cleanup calls it too.
	Stop func()
}

// MustServer starts a server on a new bbolt file; cfg.Store is filled in.
func MustServer(tb testing.TB, cfg server.Config) *testServer {
	tb.Helper()
	return openServer(tb, filepath.Join(tb.TempDir(), "worldcafe.db"), cfg, nil)
}

// openServer starts a server on the bbolt file at path (kept across
// servers in one test); apply, when not nil, replaces how events fold.
func openServer(tb testing.TB, path string, cfg server.Config, apply func(*cafe.State, protocol.Event) error) *testServer {
	tb.Helper()
	st, err := bolt.Open(path, bolt.Config{Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Store = st
	srv, err := server.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if apply != nil {
		server.SetApply(srv, apply)
	}
	if err := srv.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return serveHTTP(tb, srv, st)
}

// serveHTTP serves srv on a loopback port until the test ends, then shuts it
// down and closes st.
func serveHTTP(tb testing.TB, srv *server.Server, st *bolt.Store) *testServer {
	hs := httptest.NewServer(srv)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
			hs.Close()
			st.Close()
		})
	}
	tb.Cleanup(stop)
	return &testServer{Server: srv, HTTP: hs, API: client.API{BaseURL: hs.URL}, WSURL: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws", Store: st, Stop: stop}
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

// MustServerSmallSockets is MustServer with the kernel send buffer of every
// accepted socket fixed at sendBuffer bytes (which also turns off its
// autotuning), so that a peer that stops reading fills it after a few
// kilobytes instead of a few megabytes. Slow-consumer tests use it to reach
// the server's own queue limit quickly.
func MustServerSmallSockets(tb testing.TB, cfg server.Config, sendBuffer int) *testServer {
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
	hs := httptest.NewUnstartedServer(srv)
	hs.Listener = smallSendListener{Listener: hs.Listener, size: sendBuffer}
	hs.Start()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
		st.Close()
	})
	return &testServer{Server: srv, HTTP: hs, API: client.API{BaseURL: hs.URL}, WSURL: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws", Store: st}
}

type smallSendListener struct {
	net.Listener
	size int
}

func (l smallSendListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok && err == nil {
		if err := tc.SetWriteBuffer(l.size); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, err
}

// SmallReceiveBuffer returns an HTTP client (for client.Options.HTTP) whose
// sockets have a kernel receive buffer of size bytes, set before connecting
// so that the TCP window stays small. Keep size at 32 KiB or more: on
// loopback (MSS 64 KiB) much smaller windows can leave a sender in
// zero-window probing with backoff for seconds.
func SmallReceiveBuffer(size int) *http.Client {
	d := &net.Dialer{Control: func(network, address string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, size)
		}); err != nil {
			return err
		}
		return serr
	}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// CafeState is the café as its log rebuilds it (newest snapshot plus tail),
// as JSON, and its seq: what "the state did not change" is checked against.
func CafeState(tb testing.TB, ts *testServer, cafeID string) (string, uint64) {
	tb.Helper()
	st, epoch, err := store.Rebuild(context.Background(), ts.Store, cafeID)
	if err != nil {
		tb.Fatalf("rebuilding café %s: %v", cafeID, err)
	}
	b, err := json.Marshal(struct {
		Epoch uint64
		State any
	}{epoch, st})
	if err != nil {
		tb.Fatal(err)
	}
	return string(b), st.Seq
}

// Drain reads c's frames until the connection ends and returns them; it
// fails the test if the connection is still open after 15 s.
func Drain(tb testing.TB, c *client.Conn) []protocol.Envelope {
	tb.Helper()
	var out []protocol.Envelope
	timeout := time.After(15 * time.Second)
	for {
		select {
		case env, ok := <-c.Events():
			if !ok {
				<-c.Done()
				return out
			}
			out = append(out, env)
		case <-timeout:
			tb.Fatalf("connection still open after 15s (%d frames read)", len(out))
		}
	}
}

// ExpectCode fails the test unless err is a *protocol.Error with code.
func ExpectCode(tb testing.TB, err error, code protocol.Code) {
	tb.Helper()
	var pe *protocol.Error
	if !errors.As(err, &pe) {
		tb.Fatalf("got %v, want a %s error", err, code)
	}
	if pe.Code != code {
		tb.Fatalf("got error %q (%s), want %s", pe.Code, pe.Message, code)
	}
}

// RawDial opens a WebSocket to the server without saying hello.
func RawDial(tb testing.TB, ts *testServer) *websocket.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, ts.WSURL, nil)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	ws.SetReadLimit(1 << 20)
	tb.Cleanup(func() { ws.CloseNow() })
	return ws
}

// ReadUntilClose reads frames from ws until the server closes it and
// returns them with the close code (-1 if the connection ended without a
// close frame).
func ReadUntilClose(tb testing.TB, ws *websocket.Conn, timeout time.Duration) ([]protocol.Envelope, websocket.StatusCode) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out []protocol.Envelope
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				tb.Fatalf("connection still open after %s (%d frames read)", timeout, len(out))
			}
			return out, websocket.CloseStatus(err)
		}
		var env protocol.Envelope
		if err := json.Unmarshal(b, &env); err != nil {
			tb.Fatalf("server sent a frame that is not JSON: %q", b)
		}
		out = append(out, env)
	}
}

// WaitPosition waits until c.Position() reaches seq. The client records a
// frame's seq just after handing it over, so right after reading a frame
// its position may still be one frame behind for a moment.
func WaitPosition(tb testing.TB, c *client.Conn, seq uint64) (epoch uint64) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		e, s := c.Position()
		if s == seq {
			return e
		}
		if time.Now().After(deadline) {
			tb.Fatalf("position is (%d, %d), want seq %d", e, s, seq)
		}
		time.Sleep(time.Millisecond)
	}
}

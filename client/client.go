// Package client is a Go client of the worldcafe protocol: it creates and
// joins cafés over the JSON API and speaks the WebSocket protocol (hello,
// resume, commands with acks, clock offset). The tests, the command line
// and the load generator use it. It depends on the protocol package only.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/protocol"
)

// API calls the JSON endpoints of a server at BaseURL ("http://host:port").
type API struct {
	BaseURL string
	HTTP    *http.Client // default http.DefaultClient
	// AdminKey, when set, is sent with every request: the key that lets a
	// device other than the server's machine create cafés.
	AdminKey string
}

// CreateCafe creates a café.
func (a API) CreateCafe(ctx context.Context, req protocol.CreateCafe) (protocol.Created, error) {
	var out protocol.Created
	return out, a.post(ctx, "/api/cafes", req, &out)
}

// Join joins the café with req.Code.
func (a API) Join(ctx context.Context, req protocol.Join) (protocol.Joined, error) {
	var out protocol.Joined
	return out, a.post(ctx, "/api/join", req, &out)
}

func (a API) post(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(a.BaseURL, "/")+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if a.AdminKey != "" {
		req.Header.Set("Authorization", "Bearer "+a.AdminKey)
	}
	hc := a.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("client: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var eb protocol.ErrorBody
		if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil || eb.Error == nil {
			return fmt.Errorf("client: POST %s: HTTP %d", path, resp.StatusCode)
		}
		return eb.Error
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Options tune a connection. Zero values are fine.
type Options struct {
	// Epoch and Seq are the position of the last event seen; the server
	// sends what came after, or a snapshot.
	Epoch, Seq uint64
	// Buffer is the capacity of the Events channel (default 4,096). When it
	// is full the connection stops reading, as a slow phone would.
	Buffer int
	// Header is sent with the upgrade request (e.g. Origin).
	Header http.Header
	// HTTP dials the WebSocket; default http.DefaultClient.
	HTTP *http.Client
}

// Conn is one WebSocket session.
type Conn struct {
	ws      *websocket.Conn
	welcome protocol.Welcome
	events  chan protocol.Envelope
	done    chan struct{}
	closing chan struct{} // closed by Close and Kill: the reader stops delivering
	once    sync.Once
	err     error // why the reader stopped; set before done closes

	nextID  atomic.Uint64
	mu      sync.Mutex
	pending map[string]chan protocol.Envelope
	epoch   atomic.Uint64
	seq     atomic.Uint64
}

// Dial connects to wsURL ("ws://host:port/ws"), says hello with token and
// the resume position, and waits for the welcome. A rejected hello returns
// the server's *protocol.Error.
func Dial(ctx context.Context, wsURL, cafe, token string, opts Options) (*Conn, error) {
	ws, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: opts.Header, HTTPClient: opts.HTTP})
	if err != nil {
		return nil, fmt.Errorf("client: dial: %w", err)
	}
	w, err := Handshake(ctx, ws, protocol.Hello{Token: token, Cafe: cafe, Epoch: opts.Epoch, Seq: opts.Seq})
	if err != nil {
		ws.CloseNow()
		return nil, err
	}
	c := &Conn{
		ws:      ws,
		welcome: w,
		events:  make(chan protocol.Envelope, cmp(opts.Buffer, 4096)),
		done:    make(chan struct{}),
		closing: make(chan struct{}),
		pending: map[string]chan protocol.Envelope{},
	}
	c.epoch.Store(w.Epoch)
	if w.Resumed {
		c.seq.Store(opts.Seq)
	}
	go c.readLoop()
	return c, nil
}

// Handshake says hello on a fresh WebSocket and waits for the welcome. It
// raises the read limit, since the frame after the welcome may be the
// snapshot of a big café. A rejected hello returns the server's
// *protocol.Error. Tools that read frames their own way (the load
// generator) use it to open connections exactly as Dial does.
func Handshake(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) (protocol.Welcome, error) {
	ws.SetReadLimit(256 << 20)
	frame := protocol.Marshal(protocol.Envelope{Type: protocol.TypeHello, Data: protocol.EncodeData(hello)})
	if err := ws.Write(ctx, websocket.MessageText, frame); err != nil {
		return protocol.Welcome{}, fmt.Errorf("client: hello: %w", err)
	}
	_, b, err := ws.Read(ctx)
	if err != nil {
		return protocol.Welcome{}, fmt.Errorf("client: waiting for welcome: %w", err)
	}
	var env protocol.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return protocol.Welcome{}, fmt.Errorf("client: welcome: %w", err)
	}
	if env.Type == protocol.TypeError && env.Error != nil {
		return protocol.Welcome{}, env.Error
	}
	if env.Type != protocol.TypeWelcome {
		return protocol.Welcome{}, fmt.Errorf("client: expected welcome, got %q", env.Type)
	}
	var w protocol.Welcome
	if err := json.Unmarshal(env.Data, &w); err != nil {
		return protocol.Welcome{}, fmt.Errorf("client: welcome: %w", err)
	}
	return w, nil
}

func cmp(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// Welcome is the server's answer to hello.
func (c *Conn) Welcome() protocol.Welcome { return c.welcome }

// Events delivers events and snapshots in order. It is closed when the
// connection ends.
func (c *Conn) Events() <-chan protocol.Envelope { return c.events }

// Done is closed when the connection has ended; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is the reason the connection ended (a websocket.CloseError carries
// the close code); nil while it runs.
func (c *Conn) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// CloseStatus is the WebSocket close code the connection ended with, or -1.
func (c *Conn) CloseStatus() int { return int(websocket.CloseStatus(c.Err())) }

// Position is the (epoch, seq) of the last event received: what to resume
// from after a reconnect.
func (c *Conn) Position() (epoch, seq uint64) { return c.epoch.Load(), c.seq.Load() }

func (c *Conn) readLoop() {
	defer close(c.done)
	defer close(c.events)
	defer c.failPending()
	for {
		_, b, err := c.ws.Read(context.Background())
		if err != nil {
			c.err = err
			return
		}
		var env protocol.Envelope
		if err := json.Unmarshal(b, &env); err != nil {
			c.err = fmt.Errorf("client: bad frame from server: %w", err)
			c.ws.CloseNow()
			return
		}
		switch env.Type {
		case protocol.TypeAck, protocol.TypeError, protocol.TypePong:
			if env.ID != "" {
				c.mu.Lock()
				ch := c.pending[env.ID]
				delete(c.pending, env.ID)
				c.mu.Unlock()
				if ch != nil {
					ch <- env
					continue
				}
			}
			if env.Type == protocol.TypeError && !c.deliver(env) {
				return // an error about no command in particular
			}
			continue
		case protocol.TypeSnapshot:
			c.epoch.Store(env.Epoch)
		}
		if !c.deliver(env) {
			return
		}
		if env.Seq > 0 {
			c.seq.Store(env.Seq)
		}
	}
}

// deliver hands env to the reader of Events; false when the connection is
// being closed by this side.
func (c *Conn) deliver(env protocol.Envelope) bool {
	select {
	case c.events <- env:
		return true
	case <-c.closing:
		c.err = ErrClosed
		return false
	}
}

func (c *Conn) failPending() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
}

// ErrClosed is returned for commands whose connection ended before the
// answer came: the command may or may not have been applied, so resend it
// (note ids make that safe).
var ErrClosed = errors.New("client: connection closed before the answer")

// Send sends a command and waits for its ack. A rejection is returned as
// the server's *protocol.Error.
func (c *Conn) Send(ctx context.Context, typ string, data any) (protocol.Ack, error) {
	env, err := c.roundTrip(ctx, protocol.Envelope{Type: typ, Data: encodeOrNil(data)})
	if err != nil {
		return protocol.Ack{}, err
	}
	if env.Type == protocol.TypeError {
		return protocol.Ack{}, env.Error
	}
	var ack protocol.Ack
	if err := json.Unmarshal(env.Data, &ack); err != nil {
		return protocol.Ack{}, fmt.Errorf("client: ack: %w", err)
	}
	return ack, nil
}

// SendRaw writes a frame as it is (for tests of bad input) and waits for
// the answer to id, if id is not empty.
func (c *Conn) SendRaw(ctx context.Context, id string, frame []byte) (protocol.Envelope, error) {
	ch := make(chan protocol.Envelope, 1)
	if id != "" {
		c.mu.Lock()
		c.pending[id] = ch
		c.mu.Unlock()
	}
	if err := c.ws.Write(ctx, websocket.MessageText, frame); err != nil {
		return protocol.Envelope{}, err
	}
	if id == "" {
		return protocol.Envelope{}, nil
	}
	return c.wait(ctx, id, ch)
}

func encodeOrNil(data any) json.RawMessage {
	if data == nil {
		return nil
	}
	return protocol.EncodeData(data)
}

func (c *Conn) roundTrip(ctx context.Context, env protocol.Envelope) (protocol.Envelope, error) {
	env.ID = "c" + strconv.FormatUint(c.nextID.Add(1), 10)
	ch := make(chan protocol.Envelope, 1)
	c.mu.Lock()
	c.pending[env.ID] = ch
	c.mu.Unlock()
	select {
	case <-c.done:
		return protocol.Envelope{}, ErrClosed
	default:
	}
	if err := c.ws.Write(ctx, websocket.MessageText, protocol.Marshal(env)); err != nil {
		c.forget(env.ID)
		return protocol.Envelope{}, fmt.Errorf("client: send %s: %w", env.Type, err)
	}
	return c.wait(ctx, env.ID, ch)
}

func (c *Conn) wait(ctx context.Context, id string, ch chan protocol.Envelope) (protocol.Envelope, error) {
	select {
	case env, ok := <-ch:
		if !ok {
			return protocol.Envelope{}, ErrClosed
		}
		return env, nil
	case <-ctx.Done():
		c.forget(id)
		return protocol.Envelope{}, ctx.Err()
	}
}

func (c *Conn) forget(id string) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// Post posts a note with a client-made id.
func (c *Conn) Post(ctx context.Context, noteID, text string) (protocol.Ack, error) {
	return c.Send(ctx, protocol.CmdNotePost, protocol.NotePost{NoteID: noteID, Text: text})
}

// ClockOffset measures how far the server's clock is ahead of this one
// (server − local), from one ping: offset = server − (sent + received)/2.
func (c *Conn) ClockOffset(ctx context.Context) (offset, rtt time.Duration, err error) {
	sent := time.Now()
	env, err := c.roundTrip(ctx, protocol.Envelope{Type: protocol.TypePing, Data: protocol.EncodeData(protocol.Ping{ClientTime: sent.UnixMilli()})})
	if err != nil {
		return 0, 0, err
	}
	recv := time.Now()
	if env.Type == protocol.TypeError {
		return 0, 0, env.Error
	}
	var p protocol.Pong
	if err := json.Unmarshal(env.Data, &p); err != nil {
		return 0, 0, fmt.Errorf("client: pong: %w", err)
	}
	mid := sent.Add(recv.Sub(sent) / 2)
	return time.UnixMilli(p.ServerTime).Sub(mid), recv.Sub(sent), nil
}

// Close ends the connection normally.
func (c *Conn) Close() error {
	c.once.Do(func() { close(c.closing) })
	err := c.ws.Close(websocket.StatusNormalClosure, "")
	<-c.done
	return err
}

// Kill drops the connection without a close handshake, like a phone that
// lost its Wi-Fi.
func (c *Conn) Kill() {
	c.once.Do(func() { close(c.closing) })
	c.ws.CloseNow()
	<-c.done
}

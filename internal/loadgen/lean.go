package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// leanConn is a simulated phone in the room scenarios. It speaks the real
// protocol (hello, welcome, note.post, ack) like client.Conn, but reads
// frames into a reused buffer and finds the note id and the ack id by
// scanning the bytes instead of decoding JSON twice and handing every
// envelope to another goroutine. The generator shares the machine's cores
// with the server it measures: with client.Conn, reading 2,000 copies of
// every note cost the generator more CPU than the server spent sending
// them, and that showed up as delivery latency.
type leanConn struct {
	ws      *websocket.Conn
	nextID  atomic.Uint64
	mu      sync.Mutex
	pending map[string]chan error
	closed  bool
}

// dialLean connects, says hello and waits for the welcome.
func dialLean(ctx context.Context, wsURL, cafe, token string, hc *http.Client) (*leanConn, error) {
	ws, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	if _, err := client.Handshake(ctx, ws, protocol.Hello{Token: token, Cafe: cafe}); err != nil {
		ws.CloseNow()
		return nil, err
	}
	return &leanConn{ws: ws, pending: map[string]chan error{}}, nil
}

// post sends a note and waits for its ack.
func (c *leanConn) post(ctx context.Context, noteID, text string) error {
	id := "p" + strconv.FormatUint(c.nextID.Add(1), 10)
	ch := make(chan error, 1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errLeanClosed
	}
	c.pending[id] = ch
	c.mu.Unlock()
	frame := protocol.Marshal(protocol.Envelope{Type: protocol.CmdNotePost, ID: id,
		Data: protocol.EncodeData(protocol.NotePost{NoteID: noteID, Text: text})})
	if err := c.ws.Write(ctx, websocket.MessageText, frame); err != nil {
		c.answer(id, nil)
		return fmt.Errorf("post: %w", err)
	}
	select {
	case err, ok := <-ch:
		if !ok {
			return errLeanClosed
		}
		return err
	case <-ctx.Done():
		c.answer(id, nil)
		return ctx.Err()
	}
}

var errLeanClosed = errors.New("connection closed before the answer")

// answer hands err to the post waiting for id, if any.
func (c *leanConn) answer(id string, err error) {
	c.mu.Lock()
	ch := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if ch != nil {
		ch <- err
	}
}

func (c *leanConn) kill() { c.ws.CloseNow() }

// readLoop reads until the connection ends, calling note with the id of
// every note.posted it sees (the slice is only valid during the call).
func (c *leanConn) readLoop(note func(id []byte)) {
	defer func() {
		c.mu.Lock()
		c.closed = true
		for id, ch := range c.pending {
			close(ch)
			delete(c.pending, id)
		}
		c.mu.Unlock()
	}()
	var buf bytes.Buffer
	for {
		b, err := readInto(c.ws, &buf)
		if err != nil {
			return
		}
		typ, rest, ok := envelopeType(b)
		if !ok {
			// Not the shape the server writes today: decode it properly.
			var env struct {
				Type  string          `json:"type"`
				ID    string          `json:"id"`
				Error *protocol.Error `json:"error"`
				Data  struct {
					NoteID string `json:"note_id"`
				} `json:"data"`
			}
			if json.Unmarshal(b, &env) != nil {
				return
			}
			switch env.Type {
			case protocol.TypeAck:
				c.answer(env.ID, nil)
			case protocol.TypeError:
				c.answer(env.ID, env.Error)
			case protocol.EvNotePosted:
				note([]byte(env.Data.NoteID))
			}
			continue
		}
		switch string(typ) {
		case protocol.TypeAck:
			if id, ok := stringField(rest, `"id":"`); ok {
				c.answer(string(id), nil)
			}
		case protocol.TypeError:
			var env protocol.Envelope
			if json.Unmarshal(b, &env) == nil && env.ID != "" {
				var err error = env.Error
				if env.Error == nil {
					err = errors.New("error without details")
				}
				c.answer(env.ID, err)
			}
		case protocol.EvNotePosted:
			if id, ok := stringField(rest, `"note_id":"`); ok {
				note(id)
			}
		}
	}
}

// readInto reads one message into buf (reused between messages) and returns
// its bytes, valid until the next call.
func readInto(ws *websocket.Conn, buf *bytes.Buffer) ([]byte, error) {
	_, r, err := ws.Reader(context.Background())
	if err != nil {
		return nil, err
	}
	if buf.Cap() > 64<<10 {
		*buf = bytes.Buffer{} // let a snapshot's buffer go
	}
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// envelopePrefix is how every frame the server writes begins: the
// envelope's fields in their declared order, version first.
var envelopePrefix = []byte(`{"v":1,"type":"`)

// envelopeType returns the envelope's type and the bytes after it, or false
// when b does not start the way the server's encoder writes envelopes.
func envelopeType(b []byte) (typ, rest []byte, ok bool) {
	if !bytes.HasPrefix(b, envelopePrefix) {
		return nil, nil, false
	}
	b = b[len(envelopePrefix):]
	end := bytes.IndexByte(b, '"')
	if end < 0 || bytes.IndexByte(b[:end], '\\') >= 0 {
		return nil, nil, false
	}
	return b[:end], b[end+1:], true
}

// stringField finds key (`"name":"`) in b and returns the string value
// after it, when it has no escapes (ids made by this package never do).
func stringField(b []byte, key string) ([]byte, bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return nil, false
	}
	b = b[i+len(key):]
	end := bytes.IndexByte(b, '"')
	if end < 0 || bytes.IndexByte(b[:end], '\\') >= 0 {
		return nil, false
	}
	return b[:end], true
}

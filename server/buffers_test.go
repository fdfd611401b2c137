package server_test

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// TestAHelloSentWithTheUpgradeRequestIsNotLost sends the upgrade request
// and the hello frame in one write, before the server has answered: the
// server reads both at once, and the hello must survive the hand-over of
// the connection from net/http to the WebSocket with smaller buffers.
func TestAHelloSentWithTheUpgradeRequestIsNotLost(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Early"})
	// Notes, so that the welcome and snapshot are bigger than the socket
	// buffers and arrive in several reads.
	_, ana := c.MustJoin(t, "Ana")
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	for i := range 20 {
		MustSend(t, ana, protocol.CmdNotePost, protocol.NotePost{NoteID: noteID(i), Text: strings.Repeat("An idea worth writing down. ", 8)})
	}

	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.HTTP.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	hello := protocol.Marshal(protocol.Envelope{Type: protocol.TypeHello, Data: protocol.EncodeData(protocol.Hello{Token: c.WallToken, Cafe: c.Cafe})})
	upgrade := "GET /ws HTTP/1.1\r\nHost: " + strings.TrimPrefix(ts.HTTP.URL, "http://") + "\r\n" +
		"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
	if _, err := conn.Write(append([]byte(upgrade), maskedTextFrame(hello)...)); err != nil {
		t.Fatal(err)
	}

	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade answered %s", resp.Status)
	}
	for _, want := range []string{protocol.TypeWelcome, protocol.TypeSnapshot} {
		var env protocol.Envelope
		if err := json.Unmarshal(readServerFrame(t, br), &env); err != nil {
			t.Fatal(err)
		}
		if env.Type != want {
			t.Fatalf("got a %q frame, want %q (error: %v)", env.Type, want, env.Error)
		}
	}
}

// maskedTextFrame is one client-to-server text frame (RFC 6455 §5.2).
func maskedTextFrame(payload []byte) []byte {
	b := []byte{0x81}
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n < 1<<16:
		b = append(b, 0x80|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	mask := [4]byte{1, 2, 3, 4}
	b = append(b, mask[:]...)
	for i, c := range payload {
		b = append(b, c^mask[i%4])
	}
	return b
}

// readServerFrame reads one unfragmented, unmasked server frame.
func readServerFrame(t testing.TB, r io.Reader) []byte {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		t.Fatal(err)
	}
	if h[0] != 0x81 {
		t.Fatalf("frame starts %#x, want a final text frame", h[0])
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			t.Fatal(err)
		}
		n = uint64(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			t.Fatal(err)
		}
		n = binary.BigEndian.Uint64(l[:])
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatal(err)
	}
	return b
}

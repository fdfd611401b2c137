package server

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/worldcafe/worldcafe/protocol"
)

// TestTheWriteBufferHoldsANoteFrameOfThreeByteRunes checks the promise of
// wsWriteBufferBytes: a note of the longest length in three-byte runes,
// with the longest ids and numbers, goes out in one write.
func TestTheWriteBufferHoldsANoteFrameOfThreeByteRunes(t *testing.T) {
	n := protocol.NotePosted{
		NoteID: strings.Repeat("n", protocol.MaxIDBytes), Author: uuid.NewString(),
		Round: 99, Question: protocol.MaxQuestions - 1, Table: protocol.MaxTables,
		Text: strings.Repeat("議", protocol.MaxNoteRunes),
	}
	frame := protocol.EncodeEvent(protocol.Event{Seq: 99_999_999, At: 9_999_999_999_999, Type: protocol.EvNotePosted, Data: protocol.EncodeData(n)})
	const header = 4 // a server frame of 126 to 65,535 bytes
	if got := len(frame) + header; got > wsWriteBufferBytes {
		t.Fatalf("the longest note frame of three-byte runes is %d bytes with its header, the write buffer %d", got, wsWriteBufferBytes)
	}
}

// countingConn records what is written to it.
type countingConn struct {
	net.Conn
	writes [][]byte
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

func TestABatchGoesOutInFewWritesAndInOrder(t *testing.T) {
	conn := &countingConn{}
	w := &batchWriter{conn: conn}
	var want []byte
	frame := func(i int) []byte { return []byte(fmt.Sprintf("frame %d;", i)) }

	w.Write(frame(0)) // no batch open: straight through
	want = append(want, frame(0)...)
	w.begin()
	for i := 1; i <= 100; i++ {
		w.Write(frame(i))
		want = append(want, frame(i)...)
	}
	if len(conn.writes) != 1 {
		t.Fatalf("%d writes before the batch ended, want 1 (the frame before it)", len(conn.writes))
	}
	big := bytes.Repeat([]byte("s"), batchBytes+1) // a snapshot
	w.Write(big)
	want = append(want, big...)
	w.Write(frame(101))
	want = append(want, frame(101)...)
	if err := w.end(); err != nil {
		t.Fatal(err)
	}
	w.Write(frame(102))
	want = append(want, frame(102)...)

	// The frame before, the batch so far, the snapshot, the rest of the
	// batch, the frame after.
	if len(conn.writes) != 5 {
		t.Errorf("%d writes, want 5", len(conn.writes))
	}
	if got := bytes.Join(conn.writes, nil); !bytes.Equal(got, want) {
		t.Errorf("the socket got %d bytes, not the frames in order", len(got))
	}
	if w.buf != nil {
		t.Error("the batch buffer was kept after the batch")
	}
}

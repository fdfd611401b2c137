package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"sync"
)

// Socket buffer sizes of a WebSocket connection. net/http hands a hijacked
// connection over with its own 4 KiB reader and 4 KiB writer, which
// coder/websocket keeps for the connection's lifetime: 8 KiB of an idle
// phone's memory, and with the garbage collector's headroom nearly twice
// that in resident memory. A frame that fits the write buffer goes out in
// one write call, a bigger one in two. 1.25 KiB holds every note frame of
// up to 280 runes of up to 3 bytes (all of Latin, Greek, Cyrillic, CJK):
// only notes near the length limit written mostly in emoji or in characters
// that JSON escapes take the second call, as snapshots always do (several
// frames for one phone go out together anyway: see batchWriter). Client
// frames are small: a hello or a ping fits 256 bytes, and a note post,
// a few per person and round, is read in one more call.
const (
	wsWriteBufferBytes = 1280
	wsReadBufferBytes  = 256
)

// slimBuffers is the ResponseWriter given to websocket.Accept: its Hijack
// returns the connection with smaller buffers than net/http's, writing
// through out.
type slimBuffers struct {
	http.ResponseWriter
	out *batchWriter // set by Hijack
}

// Hijack takes the connection over from net/http and wraps it in buffers of
// wsReadBufferBytes and wsWriteBufferBytes. Bytes the client sent after the
// upgrade request, which net/http has read already, stay buffered in the
// new reader: websocket.Accept reads them from there.
func (w *slimBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil { // normally empty: net/http flushed the 101
		conn.Close()
		return nil, nil, err
	}
	w.out = &batchWriter{conn: conn}
	bw := bufio.NewWriterSize(w.out, wsWriteBufferBytes)
	n := brw.Reader.Buffered()
	if n == 0 {
		return conn, bufio.NewReadWriter(bufio.NewReaderSize(conn, wsReadBufferBytes), bw), nil
	}
	early, _ := brw.Reader.Peek(n)
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(early)), conn), max(wsReadBufferBytes, n))
	if _, err := br.Peek(n); err != nil { // one read: the early bytes, now buffered
		conn.Close()
		return nil, nil, err
	}
	return conn, bufio.NewReadWriter(br, bw), nil
}

// batchWriter is what coder/websocket's buffered writer writes to.
// The library flushes after every message, one write call each; while the
// session's writer has a batch open (begin … end), the flushed bytes
// collect in a buffer instead and go out together, up to batchBytes per
// write call. A phone that is behind (a burst, a catch-up after a
// reconnect) then costs a write call per batch rather than per frame: the
// writer drains its queue and flushes once per batch. A lone frame is not
// batched: it would only be copied once more.
//
// The buffer is borrowed from a pool for the batch only, so an idle
// connection holds none. Frames written by other goroutines while a batch
// is open (a ping, through the library's frame lock) join the batch in
// order.
type batchWriter struct {
	conn net.Conn
	mu   sync.Mutex
	buf  *[]byte // non-nil while a batch is open
}

// batchBytes is the most one write call of a batch carries: some forty
// notes.
const batchBytes = 16 << 10

var batchBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, batchBytes)
	return &b
}}

func (w *batchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf == nil {
		return w.conn.Write(p)
	}
	if len(*w.buf)+len(p) > batchBytes {
		if err := w.flush(); err != nil {
			return 0, err
		}
		if len(p) > batchBytes {
			return w.conn.Write(p) // a snapshot: straight from the library's bytes
		}
	}
	*w.buf = append(*w.buf, p...)
	return len(p), nil
}

// begin opens a batch.
func (w *batchWriter) begin() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf == nil {
		w.buf = batchBufs.Get().(*[]byte)
	}
}

// end writes what the batch collected and closes it.
func (w *batchWriter) end() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf == nil {
		return nil
	}
	err := w.flush()
	*w.buf = (*w.buf)[:0]
	batchBufs.Put(w.buf)
	w.buf = nil
	return err
}

// flush writes the collected bytes; w.mu is held.
func (w *batchWriter) flush() error {
	if len(*w.buf) == 0 {
		return nil
	}
	_, err := w.conn.Write(*w.buf)
	*w.buf = (*w.buf)[:0]
	return err
}

package server_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// BenchmarkFanout posts a note and waits until n walls on real loopback
// WebSockets have read it: the whole path of a note through the server
// (decode, decide, fsync, encode once, n queues, n writer goroutines, n
// socket writes). The walls read raw frames into a reused buffer, so the
// readers cost little next to the server; both share the machine's cores.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("walls=%d", n), func(b *testing.B) {
			ts := MustServer(b, server.Config{IPMaxConns: -1, IPUpgradeRate: -1, MessageRate: -1})
			c := ts.MustCafe(b, protocol.CreateCafe{Title: "Fan-out", RoundSeconds: protocol.MaxRoundSeconds})
			_, poster := c.MustJoin(b, "Ana")
			go func() {
				for range poster.Events() {
				}
			}()
			MustSend(b, c.Fac, protocol.CmdRoundStart, nil)
			go func() {
				for range c.Fac.Events() {
				}
			}()

			var seen, want atomic.Int64
			all := make(chan struct{}, 1) // the walls have read every note so far
			var readers, attached sync.WaitGroup
			hello := protocol.Marshal(protocol.Envelope{Type: protocol.TypeHello, Data: protocol.EncodeData(protocol.Hello{Token: c.WallToken, Cafe: c.Cafe})})
			walls := make([]*websocket.Conn, n)
			for i := range walls {
				ws, _, err := websocket.Dial(context.Background(), ts.WSURL, &websocket.DialOptions{HTTPClient: ts.HTTP.Client()})
				if err != nil {
					b.Fatal(err)
				}
				ws.SetReadLimit(1 << 20)
				if err := ws.Write(context.Background(), websocket.MessageText, hello); err != nil {
					b.Fatal(err)
				}
				walls[i] = ws
				readers.Add(1)
				attached.Add(1)
				go func() {
					defer readers.Done()
					countNotes(ws, attached.Done, func() {
						if seen.Add(1) == want.Load() {
							all <- struct{}{}
						}
					})
				}()
			}
			attached.Wait() // every wall has its welcome and snapshot
			defer func() {
				for _, ws := range walls {
					ws.CloseNow()
				}
				readers.Wait()
			}()

			text := "Governments should convene and listen, while other stakeholders lead on the technical details."
			i := 0
			b.ResetTimer()
			for b.Loop() {
				i++
				want.Store(int64(i) * int64(n))
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				if _, err := poster.Post(ctx, fmt.Sprintf("note-%d", i), text); err != nil {
					b.Fatal(err)
				}
				select {
				case <-all:
				case <-ctx.Done():
					b.Fatalf("walls saw %d notes, want %d", seen.Load(), want.Load())
				}
				cancel()
			}
			b.ReportMetric(float64(i)*float64(n)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}

// countNotes reads frames until the connection ends, calling note for
// every note; it calls attached after the welcome and the snapshot.
func countNotes(ws *websocket.Conn, attached, note func()) {
	attached = sync.OnceFunc(attached)
	defer attached() // a wall that failed must not hold the benchmark up
	var buf bytes.Buffer
	marker := []byte(`"type":"` + protocol.EvNotePosted + `"`)
	for frames := 1; ; frames++ {
		if frames == 3 {
			attached()
		}
		_, r, err := ws.Reader(context.Background())
		if err != nil {
			return
		}
		if buf.Cap() > 64<<10 {
			buf = bytes.Buffer{}
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return
		}
		if bytes.Contains(buf.Bytes(), marker) {
			note()
		}
	}
}

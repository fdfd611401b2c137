package server_test

import (
	"bufio"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// BenchmarkIdleConnection measures what an idle wall costs the server:
// heap and goroutine stacks per connection after a garbage collection, with
// 1,000 walls connected. The walls are raw TCP connections that did the
// upgrade and the hello by hand and then hold nothing but the socket, so
// the figures are the server's (in the same process). The resident memory
// of a running server is higher by the collector's headroom: see
// BENCHMARKS.md.
func BenchmarkIdleConnection(b *testing.B) {
	const n = 1000
	ts := MustServer(b, server.Config{IPMaxConns: -1, IPUpgradeRate: -1})
	c := ts.MustCafe(b, protocol.CreateCafe{Title: "Idle"})
	hello := maskedTextFrame(protocol.Marshal(protocol.Envelope{Type: protocol.TypeHello, Data: protocol.EncodeData(protocol.Hello{Token: c.WallToken, Cafe: c.Cafe})}))
	host := strings.TrimPrefix(ts.HTTP.URL, "http://")
	upgrade := []byte("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	var heap, stack float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		conns := make([]net.Conn, n)
		for i := range conns {
			conn, err := net.Dial("tcp", host)
			if err != nil {
				b.Fatal(err)
			}
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := conn.Write(upgrade); err != nil {
				b.Fatal(err)
			}
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
				b.Fatalf("upgrade: %v %v", resp, err)
			}
			if _, err := conn.Write(hello); err != nil {
				b.Fatal(err)
			}
			readServerFrame(b, br) // welcome
			readServerFrame(b, br) // snapshot
			conns[i] = conn
		}
		for range 3 { // stacks shrink and garbage goes over a few cycles
			runtime.GC()
		}
		runtime.ReadMemStats(&after)
		heap += float64(after.HeapAlloc) - float64(before.HeapAlloc)
		stack += float64(after.StackInuse) - float64(before.StackInuse)
		for _, conn := range conns {
			conn.Close()
		}
		waitConnections(b, ts, 1, 10*time.Second) // the facilitator's
	}
	b.ReportMetric(heap/float64(b.N)/n, "heap-B/conn")
	b.ReportMetric(stack/float64(b.N)/n, "stack-B/conn")
}

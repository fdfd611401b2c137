// Package loadgen drives simulated attendees through the real protocol (the
// Go client, and for the thousands of phones of the room scenarios a lean
// reader of the same protocol: lean.go) to measure a worldcafe server, and
// the same traffic through a minimal broadcast server (Baseline) to measure
// the stack's limit in the same run. It talks only to the addresses it is
// given (loopback in practice) and every scenario stops by itself, bounded
// in time and count.
package loadgen

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says what to run. Zero values take the defaults in parentheses.
type Config struct {
	// URL is the worldcafe server ("http://127.0.0.1:8080"); required.
	URL string
	// BaselineURL is the baseline server's WebSocket URL; empty skips it.
	BaselineURL string
	// ServerPID and BaselinePID, when set, are sampled for CPU and RSS.
	ServerPID, BaselinePID int

	// Nodes are the http:// URLs of a cluster's nodes (the "cluster"
	// target); empty skips it. The first node creates the cafés the
	// scenarios measure, and so owns them. NodePIDs are sampled (summed) for
	// CPU and RSS; RedisURL is read to check that no acknowledged note was
	// lost.
	Nodes    []string
	NodePIDs []int
	RedisURL string
	// KillNode kills node i with SIGKILL (failover); RestartNode, when set,
	// brings it back afterwards so later scenarios have three nodes again.
	KillNode, RestartNode func(i int) error
	// Hold opens idle connections in a process of its own (idle), since
	// one process may not hold more files than its limit; nil holds them in
	// this process.
	Hold HoldFunc

	IdleConns       int // connections over the cluster's nodes in idle (45,000)
	FailoverDevices int // phones posting through the nodes in failover (300)

	Attendees int           // people in the room scenarios (2,000)
	Tables    int           // tables (400)
	Walls     int           // projector walls (2)
	Rate      float64       // notes per second in room (20)
	Duration  time.Duration // how long room and durable post (10 s)
	Conns     int           // connections in big (10,000)
	Sources   int           // 127.0.0.x source addresses to spread over (16)
	Cafes     int           // cafés in durable (50)
	Posters   int           // posting connections per café in durable (4)
	InFlight  int           // unacknowledged posts per poster in durable (8)

	// The same for durable-latency: a busy event rather than the most the
	// server takes (10 cafés × 2 posters × 2 in flight).
	LatencyCafes, LatencyPosters, LatencyInFlight int

	// Progress receives a line per step; nil for none.
	Progress func(format string, args ...any)
}

func (c *Config) setDefaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Attendees, 2000)
	def(&c.Tables, 400)
	def(&c.Walls, 2)
	def(&c.Conns, 10_000)
	def(&c.Sources, 16)
	def(&c.Cafes, 50)
	def(&c.Posters, 4)
	def(&c.InFlight, 8)
	def(&c.LatencyCafes, 10)
	def(&c.LatencyPosters, 2)
	def(&c.LatencyInFlight, 2)
	def(&c.IdleConns, 45_000)
	def(&c.FailoverDevices, 300)
	if c.Rate <= 0 {
		c.Rate = 20
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Progress == nil {
		c.Progress = func(string, ...any) {}
	}
}

// Result is one scenario against one target.
type Result struct {
	Scenario string `json:"scenario"`
	Target   string `json:"target"` // "worldcafe" or "baseline"

	Conns       int     `json:"conns,omitempty"`
	ConnsPerSec float64 `json:"conns_per_sec,omitempty"`
	Notes       int     `json:"notes,omitempty"`
	NotesPerSec float64 `json:"notes_per_sec,omitempty"`
	Delivered   int     `json:"delivered,omitempty"`
	Missing     int     `json:"missing"`
	FramesPerS  float64 `json:"frames_per_sec,omitempty"`

	Delivery Percentiles `json:"delivery_ms"`
	// CrossNode is the delivery to devices on another node than the one the
	// note was posted through (cluster only).
	CrossNode Percentiles `json:"cross_node_delivery_ms,omitzero"`
	Ack       Percentiles `json:"ack_ms"`

	// Lost counts acknowledged notes missing from the log, Duplicated
	// those in it more than once, Resumed the time from a node's kill until
	// every device had a note acknowledged again (failover only).
	Lost       int           `json:"lost,omitempty"`
	Duplicated int           `json:"duplicated,omitempty"`
	Resumed    time.Duration `json:"resumed_ns,omitempty"`
	TakeOver   time.Duration `json:"takeover_ns,omitempty"`

	Elapsed    time.Duration `json:"elapsed_ns"`
	ServerCPU  float64       `json:"server_cpu_percent,omitempty"` // of one core
	ServerRSS  int64         `json:"server_rss_bytes,omitempty"`
	RSSPerConn int64         `json:"rss_per_conn_bytes,omitempty"`
	Note       string        `json:"note,omitempty"`
	ErrorCount int           `json:"errors"`
	FirstError string        `json:"first_error,omitempty"`

	acc *samples // raw measurements while the scenario runs
}

type samples struct {
	mu        sync.Mutex
	delivery  []float64
	cross     []float64
	ack       []float64
	procPIDs  []int
	procStart []procStat
}

// Percentiles of a latency distribution, in milliseconds.
type Percentiles struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func percentiles(xs []float64) Percentiles {
	if len(xs) == 0 {
		return Percentiles{}
	}
	slices.Sort(xs)
	at := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(xs)))) - 1
		return xs[max(0, min(i, len(xs)-1))]
	}
	return Percentiles{N: len(xs), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: xs[len(xs)-1]}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (r *Result) fail(err error) {
	r.acc.mu.Lock()
	defer r.acc.mu.Unlock()
	r.ErrorCount++
	if r.FirstError == "" {
		r.FirstError = err.Error()
	}
}

func (r *Result) addDeliveries(xs, cross []float64) {
	r.acc.mu.Lock()
	r.acc.delivery = append(r.acc.delivery, xs...)
	r.acc.cross = append(r.acc.cross, cross...)
	r.acc.mu.Unlock()
}

func (r *Result) addAck(d time.Duration) {
	r.acc.mu.Lock()
	r.acc.ack = append(r.acc.ack, ms(d))
	r.acc.mu.Unlock()
}

func (r *Result) finish() {
	r.Delivery = percentiles(r.acc.delivery)
	r.CrossNode = percentiles(r.acc.cross)
	r.Ack = percentiles(r.acc.ack)
	r.acc = nil
}

// startProc begins CPU sampling of pids (the nodes of a cluster are
// summed).
func (r *Result) startProc(pids []int) {
	r.acc.procPIDs = pids
	r.acc.procStart = nil
	for _, pid := range pids {
		r.acc.procStart = append(r.acc.procStart, readProcStat(pid))
	}
}

// endProc records CPU use since startProc and the RSS now.
func (r *Result) endProc() {
	r.ServerCPU, r.ServerRSS = 0, 0
	for i, pid := range r.acc.procPIDs {
		start, end := r.acc.procStart[i], readProcStat(pid)
		if wall := end.at.Sub(start.at).Seconds(); wall > 0 {
			r.ServerCPU += 100 * (end.cpu - start.cpu) / wall
		}
		r.ServerRSS += readRSS(pid)
	}
}

// rssOf sums the resident sets of pids.
func rssOf(pids []int) int64 {
	var n int64
	for _, pid := range pids {
		n += readRSS(pid)
	}
	return n
}

type procStat struct {
	at  time.Time
	cpu float64 // seconds of user+system time
}

// readProcStat reads utime+stime of pid from /proc (Linux).
func readProcStat(pid int) procStat {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	now := time.Now()
	if err != nil {
		return procStat{at: now}
	}
	s := string(b)
	s = s[strings.LastIndexByte(s, ')')+2:]
	f := strings.Fields(s)
	if len(f) < 13 {
		return procStat{at: now}
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	const clkTck = 100 // USER_HZ on Linux
	return procStat{at: now, cpu: (ut + st) / clkTck}
}

// readRSS reads the resident set size of pid in bytes.
func readRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// sources spreads outgoing connections over 127.0.0.x source addresses so
// that more connections fit than one address's ephemeral ports allow.
type sources struct{ clients []*http.Client }

func newSources(n int) *sources {
	s := &sources{}
	for i := range n {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i%250))}, Timeout: 30 * time.Second} // a busy machine accepts slowly
		s.clients = append(s.clients, &http.Client{Transport: &http.Transport{
			DialContext:         d.DialContext,
			MaxIdleConnsPerHost: 64,
		}, Timeout: 30 * time.Second})
	}
	return s
}

func (s *sources) client(i int) *http.Client { return s.clients[i%len(s.clients)] }

// parallel runs f(i) for i in [0, n) on workers goroutines and stops early
// when ctx ends.
func parallel(ctx context.Context, n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(workers, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

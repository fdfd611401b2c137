package server

import (
	"fmt"
	"io"
	"math"
	"sync/atomic"
	"time"
)

// Metrics are the server's counters, exposed at /metrics in the Prometheus
// text format. They are hand-written (a few atomics) rather than a client
// library: the format is simple and the binary stays small.
type Metrics struct {
	Connections     atomic.Int64  // open WebSocket connections
	ConnectionsOpen atomic.Uint64 // connections accepted since start
	Events          atomic.Uint64 // events committed
	Commands        atomic.Uint64 // commands accepted
	Rejected        atomic.Uint64 // commands rejected with an error
	FramesSent      atomic.Uint64 // frames written to sockets
	SlowConsumers   atomic.Uint64 // connections dropped for not reading
	RateLimited     atomic.Uint64 // commands or requests refused by a rate limit
	Cafes           atomic.Int64  // cafés loaded in memory
	Loads           atomic.Uint64 // cafés loaded from the store since start
	Unloads         atomic.Uint64 // idle cafés unloaded since start
	Takeovers       atomic.Uint64 // cafés this node took the lease of (cluster mode)
	CommitLatency   *Histogram    // store append, seconds
	FanoutLatency   *Histogram    // commit → written to a socket, seconds
	// ClientFaults counts connections refused or ended by what a client
	// did, by reason (see ClientFault). They are not server errors: the
	// log has them at debug only, so anyone in the room cannot fill it.
	ClientFaults [numClientFaults]atomic.Uint64
}

// ClientFault is why a client's connection was refused or ended.
type ClientFault int

const (
	FaultGoneBeforeHello  ClientFault = iota // closed or dropped before its hello was answered
	FaultHelloTimeout                        // no hello within protocol.HelloTimeout
	FaultBadHello                            // the first frame was not a valid hello
	FaultUnauthorized                        // unknown token, or a token for another café
	FaultNoSuchCafe                          // the hello named a café that does not exist
	FaultFrameTooLarge                       // a frame over protocol.MaxFrameBytes
	FaultInvalidUTF8                         // a text frame that is not valid UTF-8
	FaultUpgradeRate                         // too many upgrades from one address (HTTP 429)
	FaultAddressConns                        // too many open connections from one address (HTTP 429)
	FaultConnectRate                         // too many hellos with one token (close 4029)
	FaultParticipantConns                    // too many connections of one participant (close 4029)
	numClientFaults
)

// faultNames are the values of the reason label.
var faultNames = [numClientFaults]string{
	FaultGoneBeforeHello:  "gone_before_hello",
	FaultHelloTimeout:     "hello_timeout",
	FaultBadHello:         "bad_hello",
	FaultUnauthorized:     "unauthorized",
	FaultNoSuchCafe:       "no_such_cafe",
	FaultFrameTooLarge:    "frame_too_large",
	FaultInvalidUTF8:      "invalid_utf8",
	FaultUpgradeRate:      "upgrade_rate",
	FaultAddressConns:     "address_conns",
	FaultConnectRate:      "connect_rate",
	FaultParticipantConns: "participant_conns",
}

func (f ClientFault) String() string { return faultNames[f] }

func newMetrics() *Metrics {
	buckets := []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}
	return &Metrics{CommitLatency: newHistogram(buckets), FanoutLatency: newHistogram(buckets)}
}

// Histogram counts observations into fixed buckets (upper bounds, seconds).
type Histogram struct {
	bounds []float64
	counts []atomic.Uint64 // len(bounds)+1; the last is +Inf
	sumNS  atomic.Uint64
	total  atomic.Uint64
}

func newHistogram(bounds []float64) *Histogram {
	return &Histogram{bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1)}
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	s := d.Seconds()
	i := 0
	for i < len(h.bounds) && s > h.bounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sumNS.Add(uint64(max(d, 0)))
	h.total.Add(1)
}

// Quantile estimates the q-quantile from the buckets (upper bound of the
// bucket it falls in); for tests and the load generator's summary.
func (h *Histogram) Quantile(q float64) float64 {
	n := h.total.Load()
	if n == 0 {
		return 0
	}
	want := uint64(math.Ceil(q * float64(n)))
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= want {
			if i < len(h.bounds) {
				return h.bounds[i]
			}
			return math.Inf(1)
		}
	}
	return math.Inf(1)
}

func (h *Histogram) write(w io.Writer, name, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	var cum uint64
	for i, b := range h.bounds {
		cum += h.counts[i].Load()
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", name, b, cum)
	}
	cum += h.counts[len(h.bounds)].Load()
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n", name, cum)
	fmt.Fprintf(w, "%s_sum %g\n%s_count %d\n", name, float64(h.sumNS.Load())/1e9, name, cum)
}

// WritePrometheus writes every metric in the Prometheus text format.
func (m *Metrics) WritePrometheus(w io.Writer) {
	gauge := func(name, help string, v int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, v)
	}
	counter := func(name, help string, v uint64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	gauge("worldcafe_connections", "Open WebSocket connections.", m.Connections.Load())
	gauge("worldcafe_cafes_loaded", "Cafés loaded in memory.", m.Cafes.Load())
	counter("worldcafe_cafe_loads_total", "Cafés loaded from the store.", m.Loads.Load())
	counter("worldcafe_cafe_unloads_total", "Idle cafés unloaded from memory.", m.Unloads.Load())
	counter("worldcafe_cafe_takeovers_total", "Cafés whose lease this node took (cluster mode).", m.Takeovers.Load())
	counter("worldcafe_connections_total", "WebSocket connections accepted.", m.ConnectionsOpen.Load())
	counter("worldcafe_events_total", "Events committed to the log.", m.Events.Load())
	counter("worldcafe_commands_total", "Commands accepted.", m.Commands.Load())
	counter("worldcafe_commands_rejected_total", "Commands rejected with an error.", m.Rejected.Load())
	counter("worldcafe_frames_sent_total", "Frames written to WebSocket connections.", m.FramesSent.Load())
	counter("worldcafe_slow_consumers_total", "Connections dropped because they did not read fast enough.", m.SlowConsumers.Load())
	counter("worldcafe_rate_limited_total", "Commands and requests refused by a rate limit.", m.RateLimited.Load())
	fmt.Fprintf(w, "# HELP worldcafe_client_faults_total Connections refused or ended by what a client did, by reason.\n# TYPE worldcafe_client_faults_total counter\n")
	for f := range numClientFaults {
		fmt.Fprintf(w, "worldcafe_client_faults_total{reason=%q} %d\n", f, m.ClientFaults[f].Load())
	}
	m.CommitLatency.write(w, "worldcafe_commit_seconds", "Time to make a batch of events durable.")
	m.FanoutLatency.write(w, "worldcafe_fanout_seconds", "Time from commit until a frame is written to a socket.")
}

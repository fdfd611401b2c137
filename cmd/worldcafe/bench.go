package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/worldcafe/worldcafe/internal/loadgen"
)

// runBench is the load generator: it starts a worldcafe server and the
// baseline broadcast server as child processes on loopback (so their CPU
// and memory can be read apart from the generator's), drives them through
// the scenarios, and prints a table (or JSON).
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("worldcafe bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenario := fs.String("scenario", "all", "big, room, burst, storm, durable, durable-latency or all (comma-separated)")
	url := fs.String("url", "", "measure a running server at this http:// URL instead of starting one (no baseline, no CPU/RSS)")
	asJSON := fs.Bool("json", false, "print results as JSON")
	baseline := fs.Bool("baseline", true, "also measure the minimal broadcast server in the same run")
	var cfg loadgen.Config
	fs.IntVar(&cfg.Attendees, "attendees", 2000, "attendees in room, burst and storm")
	fs.IntVar(&cfg.Tables, "tables", 400, "tables")
	fs.IntVar(&cfg.Walls, "walls", 2, "projector walls")
	fs.Float64Var(&cfg.Rate, "rate", 20, "notes per second in room")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long room and durable post")
	fs.IntVar(&cfg.Conns, "conns", 10000, "connections in big")
	fs.IntVar(&cfg.Sources, "sources", 16, "127.0.0.x source addresses to spread connections over")
	fs.IntVar(&cfg.Cafes, "cafes", 50, "cafés in durable")
	fs.IntVar(&cfg.Posters, "posters", 4, "posting connections per café in durable")
	fs.IntVar(&cfg.InFlight, "in-flight", 8, "unacknowledged posts per poster in durable")
	fs.IntVar(&cfg.LatencyCafes, "latency-cafes", 10, "cafés in durable-latency")
	fs.IntVar(&cfg.LatencyPosters, "latency-posters", 2, "posting connections per café in durable-latency")
	fs.IntVar(&cfg.LatencyInFlight, "latency-in-flight", 2, "unacknowledged posts per poster in durable-latency")
	msgRate := fs.String("message-rate", "2000", "per-connection frame limit of the started server (its -message-rate)")
	ipConns := fs.String("ip-max-conns", "1000", "per-address connection limit of the started server (its -ip-max-conns)")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof of the generator on this address")
	serverPprof := fs.String("server-pprof", "", "start the server with -pprof at this address")
	hideFlags(fs, "pprof", "server-pprof")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	names := loadgen.Scenarios
	if *scenario != "all" {
		names = strings.Split(*scenario, ",")
	}
	raiseFileLimit(cfg.Conns*2 + 10_000)
	if *pprofAddr != "" {
		ln, err := net.Listen("tcp", *pprofAddr)
		if err != nil {
			return fmt.Errorf("pprof: %w", err)
		}
		defer ln.Close()
		go http.Serve(ln, pprofMux())
	}
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	cfg.Progress = progress

	if *url != "" {
		cfg.URL = strings.TrimRight(*url, "/")
	} else {
		dir, err := os.MkdirTemp("", "worldcafe-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		args := []string{"serve", "--addr", addr, "--data", dir, "--public-url", "http://" + addr,
			"--log-level", "warn", "--message-rate", *msgRate, "--ip-request-rate", "-1", "--ip-max-conns", *ipConns, "--ip-upgrade-rate", "-1"}
		if *serverPprof != "" {
			args = append(args, "--pprof", *serverPprof)
		}
		srv, err := startChild(ctx, addr, args...)
		if err != nil {
			return err
		}
		defer stopChild(srv)
		cfg.URL, cfg.ServerPID = "http://"+addr, srv.Process.Pid
		if *baseline {
			baddr, err := freeAddr()
			if err != nil {
				return err
			}
			b, err := startChild(ctx, baddr, "baseline", "--addr", baddr)
			if err != nil {
				return err
			}
			defer stopChild(b)
			cfg.BaselineURL, cfg.BaselinePID = "ws://"+baddr+"/ws", b.Process.Pid
		}
		progress("server on %s (limits: -message-rate %s, -ip-max-conns %s over %d source addresses, -ip-request-rate -1)",
			addr, *msgRate, *ipConns, cfg.Sources)
	}
	results, err := loadgen.Run(ctx, cfg, names)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(results); jerr != nil {
			return jerr
		}
	} else {
		printResults(stdout, results)
	}
	return err
}

func printResults(w io.Writer, rs []loadgen.Result) {
	fmt.Fprintf(w, "machine: %d cores, %s\n\n", runtime.NumCPU(), runtime.Version())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\ttarget\tconns\tnotes\tnotes/s\tframes/s\tdeliv p50\tp95\tp99\tmax\tack p50\tp99\tmissing\telapsed\tCPU%\tRSS MiB\tRSS/conn KiB\terrors\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.0f\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%.2fs\t%.0f\t%.0f\t%.1f\t%d\t\n",
			r.Scenario, r.Target, r.Conns, r.Notes, r.NotesPerSec, r.FramesPerS,
			r.Delivery.P50, r.Delivery.P95, r.Delivery.P99, r.Delivery.Max, r.Ack.P50, r.Ack.P99,
			r.Missing, r.Elapsed.Seconds(), r.ServerCPU, float64(r.ServerRSS)/(1<<20), float64(r.RSSPerConn)/1024, r.ErrorCount)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, r := range rs {
		if r.Note != "" || r.FirstError != "" {
			fmt.Fprintf(w, "%s/%s: %s", r.Scenario, r.Target, r.Note)
			if r.FirstError != "" {
				fmt.Fprintf(w, " (first error: %s)", r.FirstError)
			}
			fmt.Fprintln(w)
		}
	}
	// Ratios to the baseline, scenario by scenario.
	byKey := map[string]loadgen.Result{}
	for _, r := range rs {
		byKey[r.Scenario+"/"+r.Target] = r
	}
	for _, r := range rs {
		b, ok := byKey[r.Scenario+"/baseline"]
		if r.Target != "worldcafe" || !ok {
			continue
		}
		ratio := func(a, b float64) string {
			if b == 0 {
				return "n/a"
			}
			return fmt.Sprintf("%.2f", a/b)
		}
		fmt.Fprintf(w, "%s: worldcafe/baseline frames/s %s, delivery p50 %s, p99 %s, elapsed %s, conns/s %s\n", r.Scenario,
			ratio(r.FramesPerS, b.FramesPerS), ratio(r.Delivery.P50, b.Delivery.P50), ratio(r.Delivery.P99, b.Delivery.P99),
			ratio(r.Elapsed.Seconds(), b.Elapsed.Seconds()), ratio(r.ConnsPerSec, b.ConnsPerSec))
	}
}

// runBaseline serves the minimal broadcast server the bench compares with.
func runBaseline(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("worldcafe baseline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/ws", loadgen.NewBaseline())
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ready") })
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	fmt.Fprintf(stdout, "baseline broadcast server on %s\n", ln.Addr())
	<-ctx.Done()
	return hs.Close()
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startChild runs this binary with args and waits for /readyz on addr.
func startChild(ctx context.Context, addr string, args ...string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, args...)
	cmd.Stdout = io.Discard
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { // keep the child's warnings visible
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(os.Stderr, "  [child] "+sc.Text())
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopChild(cmd)
	return nil, fmt.Errorf("%s did not become ready on %s", args[0], addr)
}

func stopChild(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// raiseFileLimit lifts the open-file limit (children inherit it): each
// connection is a file on both ends.
func raiseFileLimit(want int) {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) != nil {
		return
	}
	w := uint64(want)
	if l.Cur >= w {
		return
	}
	if l.Max < w {
		l.Max = w // allowed for root; otherwise the next call fails and we keep the old limit
	}
	l.Cur = w
	if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l) != nil {
		syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
		l.Cur = l.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

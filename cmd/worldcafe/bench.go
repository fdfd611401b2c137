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
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/worldcafe/worldcafe/internal/loadgen"
)

// runBench is the load generator: it starts a worldcafe server and the
// baseline broadcast server as child processes on loopback (so their CPU
// and memory can be read apart from the generator's), drives them through
// the scenarios, and prints a table (or JSON). With -cluster N it also
// starts a redis-server and N nodes on it, and runs the cluster's scenarios
// against them and the single server side by side.
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
	nodes := fs.Int("cluster", 0, "also start a redis-server and this many nodes on it, and measure them beside one server")
	lease := fs.Duration("lease", 3*time.Second, "the nodes' -lease in -cluster")
	fs.IntVar(&cfg.IdleConns, "idle-conns", 45_000, "connections over the nodes in idle (-cluster)")
	fs.IntVar(&cfg.FailoverDevices, "failover-devices", 300, "phones posting in failover (-cluster)")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof of the generator on this address")
	serverPprof := fs.String("server-pprof", "", "start the server with -pprof at this address")
	// A holder is a child process of the bench that keeps idle connections
	// open: one process may not hold more files than its limit.
	var hold holdArgs
	fs.IntVar(&hold.n, "hold", 0, "")
	fs.StringVar(&hold.url, "hold-url", "", "")
	fs.StringVar(&hold.cafe, "hold-cafe", "", "")
	fs.StringVar(&hold.token, "hold-token", "", "")
	fs.IntVar(&hold.first, "hold-first", 0, "")
	hideFlags(fs, "pprof", "server-pprof", "hold", "hold-url", "hold-cafe", "hold-token", "hold-first")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *nodes > 0 && *url != "" {
		return fmt.Errorf("%w: -cluster starts its own nodes; it does not go with -url", errUsage)
	}
	if hold.n > 0 {
		raiseFileLimit(hold.n + 1_000)
		return runHold(ctx, hold, cfg.Sources, stdout)
	}
	names := loadgen.Scenarios
	if *nodes > 0 {
		names = loadgen.ClusterScenarios
		explicit := false
		fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "baseline" })
		if !explicit {
			*baseline = false // the cluster's comparison is with one server
		}
	}
	if *scenario != "all" {
		names = strings.Split(*scenario, ",")
	}
	raiseFileLimit(cfg.Conns*2 + 10_000)
	load0 := loadAverage()
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
		if *nodes > 0 {
			c, err := startBenchCluster(ctx, dir, *nodes, *lease, *msgRate, &cfg)
			if err != nil {
				return err
			}
			defer c.stop()
			progress("cluster: redis-server on %s (appendfsync always), nodes on %s, -lease %s", c.redis.Addr, strings.Join(cfg.Nodes, " "), *lease)
		}
	}
	results, err := loadgen.Run(ctx, cfg, names)
	progress("load average (1, 5, 15 min): %s before, %s after", load0, loadAverage())
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
	for _, r := range rs {
		if r.CrossNode.N > 0 {
			fmt.Fprintf(w, "%s/%s: cross-node delivery (%d of the %d deliveries) p50 %.1f ms, p95 %.1f, p99 %.1f, max %.1f\n",
				r.Scenario, r.Target, r.CrossNode.N, r.Delivery.N, r.CrossNode.P50, r.CrossNode.P95, r.CrossNode.P99, r.CrossNode.Max)
		}
	}
	// Ratios to the baseline, and of the cluster to one server, scenario by
	// scenario.
	byKey := map[string]loadgen.Result{}
	for _, r := range rs {
		byKey[r.Scenario+"/"+r.Target] = r
	}
	ratio := func(a, b float64) string {
		if b == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", a/b)
	}
	for _, r := range rs {
		one, ok := byKey[r.Scenario+"/worldcafe"]
		if r.Target != "cluster" || !ok {
			continue
		}
		fmt.Fprintf(w, "%s: cluster/one server notes/s %s, delivery p50 %s, p99 %s, ack p50 %s, p99 %s\n", r.Scenario,
			ratio(r.NotesPerSec, one.NotesPerSec), ratio(r.Delivery.P50, one.Delivery.P50), ratio(r.Delivery.P99, one.Delivery.P99),
			ratio(r.Ack.P50, one.Ack.P50), ratio(r.Ack.P99, one.Ack.P99))
	}
	for _, r := range rs {
		b, ok := byKey[r.Scenario+"/baseline"]
		if r.Target != "worldcafe" || !ok {
			continue
		}
		fmt.Fprintf(w, "%s: worldcafe/baseline frames/s %s, delivery p50 %s, p99 %s, elapsed %s, conns/s %s\n", r.Scenario,
			ratio(r.FramesPerS, b.FramesPerS), ratio(r.Delivery.P50, b.Delivery.P50), ratio(r.Delivery.P99, b.Delivery.P99),
			ratio(r.Elapsed.Seconds(), b.Elapsed.Seconds()), ratio(r.ConnsPerSec, b.ConnsPerSec))
	}
}

// benchCluster is what -cluster starts: a redis-server and the nodes on it.
type benchCluster struct {
	redis *loadgen.RedisServer
	mu    sync.Mutex
	nodes []*exec.Cmd
}

// startBenchCluster starts redis-server (its files under dir) and n nodes on it,
// and fills in cfg's cluster fields: the nodes' URLs and process ids, the
// Redis URL, how to kill and restart a node, and holder processes for idle.
func startBenchCluster(ctx context.Context, dir string, n int, lease time.Duration, msgRate string, cfg *loadgen.Config) (*benchCluster, error) {
	rdir := filepath.Join(dir, "redis")
	if err := os.Mkdir(rdir, 0o700); err != nil {
		return nil, err
	}
	rs, err := loadgen.StartRedis(rdir)
	if err != nil {
		return nil, err
	}
	c := &benchCluster{redis: rs}
	cfg.RedisURL = rs.URL
	args := make([][]string, n)
	for i := range n {
		addr, err := freeAddr()
		if err != nil {
			c.stop()
			return nil, err
		}
		ndir := filepath.Join(dir, fmt.Sprintf("node%d", i+1))
		if err := os.Mkdir(ndir, 0o700); err != nil {
			c.stop()
			return nil, err
		}
		// No per-address or per-participant limits: the generator's
		// thousands of devices come from 16 addresses.
		args[i] = []string{"serve", "--addr", addr, "--data", ndir, "--public-url", "http://" + addr,
			"--redis", rs.URL, "--node", fmt.Sprintf("node%d", i+1), "--lease", lease.String(),
			"--log-level", "warn", "--message-rate", msgRate, "--ip-request-rate", "-1", "--ip-max-conns", "-1",
			"--ip-upgrade-rate", "-1", "--participant-connect-rate", "-1", "--participant-message-rate", "-1"}
		cmd, err := startChild(ctx, addr, args[i]...)
		if err != nil {
			c.stop()
			return nil, err
		}
		c.nodes = append(c.nodes, cmd)
		cfg.Nodes = append(cfg.Nodes, "http://"+addr)
		cfg.NodePIDs = append(cfg.NodePIDs, cmd.Process.Pid)
	}
	pids := cfg.NodePIDs // shared with the copies of cfg: a restart updates them all
	cfg.KillNode = func(i int) error {
		c.mu.Lock()
		cmd := c.nodes[i]
		c.mu.Unlock()
		if err := cmd.Process.Kill(); err != nil {
			return err
		}
		_ = cmd.Wait() // killed: the status says so and nothing more
		return nil
	}
	cfg.RestartNode = func(i int) error {
		cmd, err := startChild(ctx, strings.TrimPrefix(cfg.Nodes[i], "http://"), args[i]...)
		if err != nil {
			return err
		}
		c.mu.Lock()
		c.nodes[i] = cmd
		c.mu.Unlock()
		pids[i] = cmd.Process.Pid
		return nil
	}
	cfg.Hold = func(ctx context.Context, url, cafe, token string, n, first int) (int, string, func(), error) {
		return startHolder(ctx, url, cafe, token, n, first, cfg.Sources)
	}
	return c, nil
}

func (c *benchCluster) stop() {
	c.mu.Lock()
	nodes := c.nodes
	c.mu.Unlock()
	for _, cmd := range nodes {
		if cmd.ProcessState == nil {
			stopChild(cmd)
		}
	}
	c.redis.Stop()
}

type holdArgs struct {
	n, first         int
	url, cafe, token string
}

// startHolder runs `worldcafe bench -hold N` as a child process that opens
// n idle wall connections and keeps them until its stdin closes.
func startHolder(ctx context.Context, url, cafe, token string, n, first, sources int) (int, string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return 0, "", nil, err
	}
	cmd := exec.CommandContext(ctx, self, "bench", "-hold", strconv.Itoa(n), "-hold-url", url, "-hold-cafe", cafe,
		"-hold-token", token, "-hold-first", strconv.Itoa(first), "-sources", strconv.Itoa(sources))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return 0, "", nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return 0, "", nil, fmt.Errorf("starting a holder: %w", err)
	}
	release := func() { in.Close(); cmd.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		release()
		return 0, "", nil, fmt.Errorf("holder said nothing: %w", err)
	}
	count, firstErr, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(line, "held "), "\n"), "\t")
	held, err := strconv.Atoi(count)
	if err != nil {
		release()
		return 0, "", nil, fmt.Errorf("holder said %q", line)
	}
	return held, firstErr, release, nil
}

// runHold is the holder: it opens the connections, says "held N\tfirst
// error" on stdout, and keeps them until stdin closes.
func runHold(ctx context.Context, h holdArgs, sources int, stdout io.Writer) error {
	held, firstErr, release := loadgen.Hold(ctx, h.url, h.cafe, h.token, h.n, h.first, sources)
	fmt.Fprintf(stdout, "held %d\t%s\n", held, firstErr)
	_, _ = io.Copy(io.Discard, os.Stdin)
	release()
	return nil
}

// loadAverage is the machine's load average, as /proc/loadavg gives it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
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

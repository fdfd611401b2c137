package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/worldcafe/worldcafe/client/web"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
	"github.com/worldcafe/worldcafe/store/redis"
)

// Main is the running program: ParseFlags, Run, Close. End-to-end tests
// start the server exactly as a user does, through it.
type Main struct {
	Addr           string
	DataDir        string
	PublicURL      string
	AllowedOrigins []string
	LogLevel       string
	LogFormat      string
	MessageRate    float64
	IPRequestRate  float64
	IPMaxConns     int
	// AdminToken lets devices other than this machine create cafés; when
	// empty, Run makes one and keeps it in the data directory.
	AdminToken string
	// Limits at the WebSocket edge; see server.Config.
	IPUpgradeRate          float64
	ParticipantConnectRate float64
	ParticipantMessageRate float64
	ParticipantMaxConns    int
	// Limits of the public pages' posts, per minute; see server.Config.
	PublicPostRate     float64
	PublicCafePostRate float64
	// RedisURL, when set, makes this node one of a cluster that shares the
	// Redis server there instead of keeping a bbolt file; Node names it
	// (default: a random id) and Lease is how long it holds a café without
	// renewing (see server.Config.LeaseTTL).
	RedisURL string
	Node     string
	Lease    time.Duration
	// PprofAddr, when set, serves net/http/pprof on a listener of its own
	// (a hidden flag for profiling; never on the public address).
	PprofAddr string

	Stdout, Stderr io.Writer

	store   store.Store
	srv     *server.Server
	httpSrv *http.Server
	ln      net.Listener
	pprof   *http.Server
	served  chan error
}

// ParseFlags reads flags, falling back to WORLDCAFE_* environment variables.
func (m *Main) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("worldcafe serve", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&m.Addr, "addr", envOr("WORLDCAFE_ADDR", ":8080"), "address to listen on (WORLDCAFE_ADDR)")
	fs.StringVar(&m.DataDir, "data", envOr("WORLDCAFE_DATA", "./data"), "directory of the data file (WORLDCAFE_DATA)")
	fs.StringVar(&m.PublicURL, "public-url", envOr("WORLDCAFE_PUBLIC_URL", ""), "URL people reach this server at, e.g. http://192.168.1.20:8080 (WORLDCAFE_PUBLIC_URL; default: this machine's LAN address)")
	origins := fs.String("allowed-origins", envOr("WORLDCAFE_ALLOWED_ORIGINS", ""), "comma-separated extra origins allowed to open WebSockets (WORLDCAFE_ALLOWED_ORIGINS)")
	fs.StringVar(&m.LogLevel, "log-level", envOr("WORLDCAFE_LOG_LEVEL", "info"), "debug, info, warn or error (WORLDCAFE_LOG_LEVEL)")
	fs.StringVar(&m.LogFormat, "log-format", envOr("WORLDCAFE_LOG_FORMAT", "text"), "text or json (WORLDCAFE_LOG_FORMAT)")
	fs.Float64Var(&m.MessageRate, "message-rate", envFloat("WORLDCAFE_MESSAGE_RATE", 0), "frames per second one connection may send; 0 = default (10), -1 = no limit")
	fs.Float64Var(&m.IPRequestRate, "ip-request-rate", envFloat("WORLDCAFE_IP_REQUEST_RATE", 0), "API requests per second per address; 0 = default (5), -1 = no limit")
	fs.IntVar(&m.IPMaxConns, "ip-max-conns", int(envFloat("WORLDCAFE_IP_MAX_CONNS", 0)), "open connections per address, WebSocket and HTTP each; 0 = default (1000), -1 = no limit")
	fs.StringVar(&m.AdminToken, "admin-token", envOr("WORLDCAFE_ADMIN_TOKEN", ""), "key that lets a device other than this machine create cafés (WORLDCAFE_ADMIN_TOKEN; default: made on first start and kept in <data>/admin-token)")
	fs.Float64Var(&m.IPUpgradeRate, "ip-upgrade-rate", envFloat("WORLDCAFE_IP_UPGRADE_RATE", 0), "WebSocket upgrades per second per address, after a burst of 100; 0 = default (10), -1 = no limit")
	fs.Float64Var(&m.ParticipantConnectRate, "participant-connect-rate", envFloat("WORLDCAFE_PARTICIPANT_CONNECT_RATE", 0), "connects per second of one participant, after a burst of 30; 0 = default (1), -1 = no limit")
	fs.Float64Var(&m.ParticipantMessageRate, "participant-message-rate", envFloat("WORLDCAFE_PARTICIPANT_MESSAGE_RATE", 0), "frames per second one participant may send over all their connections; 0 = default (the message rate), -1 = no limit")
	fs.IntVar(&m.ParticipantMaxConns, "participant-max-conns", int(envFloat("WORLDCAFE_PARTICIPANT_MAX_CONNS", 0)), "open connections per participant; 0 = default (4), -1 = no limit")
	fs.Float64Var(&m.PublicPostRate, "public-post-rate", envFloat("WORLDCAFE_PUBLIC_POST_RATE", 0), "posts a minute one address may send to the public pages, and at once (a venue behind one address needs more); 0 = default (5), -1 = no limit")
	fs.Float64Var(&m.PublicCafePostRate, "public-cafe-post-rate", envFloat("WORLDCAFE_PUBLIC_CAFE_POST_RATE", 0), "posts a minute one consultation's public pages take from everyone; 0 = default (60, after a burst of 120), -1 = no limit")
	fs.StringVar(&m.RedisURL, "redis", envOr("WORLDCAFE_REDIS", ""), "join a cluster that shares the Redis server at this URL, e.g. redis://10.0.0.5:6379/0, instead of keeping the data file (WORLDCAFE_REDIS)")
	fs.StringVar(&m.Node, "node", envOr("WORLDCAFE_NODE", ""), "this node's name in a cluster, unique among the nodes (WORLDCAFE_NODE; default: a random id)")
	fs.DurationVar(&m.Lease, "lease", envDuration("WORLDCAFE_LEASE", 0), "in a cluster, how long a node holds a café without renewing; a dead node's cafés move after about this (WORLDCAFE_LEASE; default 3s)")
	fs.StringVar(&m.PprofAddr, "pprof", "", "serve net/http/pprof on this address, e.g. 127.0.0.1:6060 (off by default)")
	hideFlags(fs, "pprof")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if err := checkEnv(); err != nil {
		return err
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			m.AllowedOrigins = append(m.AllowedOrigins, o)
		}
	}
	if m.LogFormat != "text" && m.LogFormat != "json" {
		return fmt.Errorf("%w: -log-format must be text or json", errUsage)
	}
	return nil
}

// numberEnv and durationEnv are the environment variables that hold a
// number or a duration: one that does not parse is refused, not quietly
// read as the default.
var (
	numberEnv = []string{"WORLDCAFE_MESSAGE_RATE", "WORLDCAFE_IP_REQUEST_RATE", "WORLDCAFE_IP_MAX_CONNS",
		"WORLDCAFE_IP_UPGRADE_RATE", "WORLDCAFE_PARTICIPANT_CONNECT_RATE", "WORLDCAFE_PARTICIPANT_MESSAGE_RATE",
		"WORLDCAFE_PARTICIPANT_MAX_CONNS"}
	durationEnv = []string{"WORLDCAFE_LEASE"}
)

func checkEnv() error {
	for _, name := range numberEnv {
		if v, ok := os.LookupEnv(name); ok {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return fmt.Errorf("%w: %s=%q is not a number", errUsage, name, v)
			}
		}
	}
	for _, name := range durationEnv {
		if v, ok := os.LookupEnv(name); ok {
			if _, err := time.ParseDuration(v); err != nil {
				return fmt.Errorf("%w: %s=%q is not a duration such as 3s", errUsage, name, v)
			}
		}
	}
	return nil
}

func envFloat(name string, def float64) float64 {
	if v, ok := os.LookupEnv(name); ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func (m *Main) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(m.LogLevel)); err != nil {
		return nil, fmt.Errorf("%w: -log-level must be debug, info, warn or error", errUsage)
	}
	opts := &slog.HandlerOptions{Level: level}
	if m.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts)), nil
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts)), nil
}

// Run opens the store, loads the cafés, starts listening and prints where
// to go. It returns once the server is serving; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	log, err := m.logger()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(m.DataDir, 0o750); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	path := filepath.Join(m.DataDir, "worldcafe.db")
	if m.RedisURL != "" {
		goredis.SetLogger(redis.ClientLog{Logger: log})
		if m.store, err = redis.Open(ctx, redis.Config{URL: m.RedisURL}); err != nil {
			return err
		}
		path = "redis"
	} else if m.store, err = bolt.Open(path, bolt.Config{}); err != nil {
		return err
	}
	if m.AdminToken == "" {
		if m.AdminToken, err = adminToken(m.DataDir); err != nil {
			m.store.Close()
			return err
		}
	}
	if m.ln, err = net.Listen("tcp", m.Addr); err != nil {
		m.store.Close()
		return fmt.Errorf("listening on %s: %w", m.Addr, err)
	}
	// Links people follow (join address, QR, wall) always name the public
	// URL, never the address of whoever asked: a tablet that opened
	// localhost must not send the room to localhost.
	if m.PublicURL == "" {
		_, port, _ := net.SplitHostPort(m.ln.Addr().String())
		m.PublicURL = "http://" + net.JoinHostPort(lanAddress(), port)
	}
	m.srv, err = server.New(server.Config{
		Store: m.store, Logger: log, PublicURL: m.PublicURL, AllowedOrigins: m.AllowedOrigins,
		AdminToken:  m.AdminToken,
		Static:      web.Handler(),
		MessageRate: m.MessageRate, IPRequestRate: m.IPRequestRate,
		IPMaxConns: m.IPMaxConns, IPMaxHTTPConns: m.IPMaxConns,
		IPUpgradeRate: m.IPUpgradeRate, ParticipantConnectRate: m.ParticipantConnectRate,
		ParticipantMessageRate: m.ParticipantMessageRate, ParticipantMaxConns: m.ParticipantMaxConns,
		Node: m.Node, LeaseTTL: m.Lease,
		PublicPostsPerMinute: m.PublicPostRate, PublicPostBurst: burstOf(m.PublicPostRate),
		PublicCafePostsPerMinute: m.PublicCafePostRate, PublicCafePostBurst: 2 * burstOf(m.PublicCafePostRate),
	})
	if err != nil {
		m.ln.Close()
		m.store.Close()
		return err
	}
	if err := m.srv.Start(ctx); err != nil {
		m.ln.Close()
		m.store.Close()
		return err
	}
	m.httpSrv = m.srv.HTTPServer()
	m.served = make(chan error, 1)
	go func() { m.served <- m.httpSrv.Serve(m.srv.Listen(m.ln)) }()
	if m.PprofAddr != "" {
		if err := m.servePprof(log); err != nil {
			m.Close()
			return err
		}
	}
	log.Info("serving", "addr", m.ln.Addr().String(), "data", path)
	m.printWhereToGo()
	return nil
}

// servePprof serves the profiler on a listener of its own, so that it is
// never reachable through the address people use.
func (m *Main) servePprof(log *slog.Logger) error {
	ln, err := net.Listen("tcp", m.PprofAddr)
	if err != nil {
		return fmt.Errorf("pprof: listening on %s: %w", m.PprofAddr, err)
	}
	m.pprof = &http.Server{Handler: pprofMux(), ReadHeaderTimeout: 10 * time.Second}
	go m.pprof.Serve(ln)
	log.Warn("profiler listening", "addr", ln.Addr().String())
	return nil
}

// pprofMux serves net/http/pprof's handlers (which the package also puts on
// http.DefaultServeMux, which nothing here serves).
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

func (m *Main) printWhereToGo() {
	base := strings.TrimRight(m.PublicURL, "/")
	fmt.Fprintf(m.Stdout, `worldcafe is running.
  Facilitator (create and run a café): %s/
  Attendees (join with the code shown): %s/join
  Wall (projector):                     %s/wall
  Create a café from another device:    %s/#key=%s
    (this link lets anyone who has it create cafés: give it only to facilitators)
Press Ctrl+C to stop.
`, base, base, base, base, m.AdminToken)
}

// adminToken reads the admin key kept in the data directory, or makes one
// and keeps it there (readable by this user only), so that the printed
// link keeps working after a restart.
func adminToken(dir string) (string, error) {
	path := filepath.Join(dir, "admin-token")
	b, err := os.ReadFile(path)
	if err == nil {
		if key := strings.TrimSpace(string(b)); key != "" {
			return key, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("reading the admin key: %w", err)
	}
	raw := make([]byte, 24)
	rand.Read(raw)
	key := base64.RawURLEncoding.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("keeping the admin key: %w", err)
	}
	return key, nil
}

// lanAddress is this machine's first non-loopback IPv4 address, so phones
// on the same Wi-Fi can reach the printed links; localhost if none.
func lanAddress() string {
	ifaces, err := net.Interfaces()
	if err != nil {
		return "localhost"
	}
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLinkLocalUnicast() {
				return ipn.IP.String()
			}
		}
	}
	return "localhost"
}

// Close drains and closes every connection (1001), stops the cafés after
// their last commits, and closes the store.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var errs []error
	if m.srv != nil {
		errs = append(errs, m.srv.Shutdown(ctx))
	}
	if m.httpSrv != nil {
		errs = append(errs, m.httpSrv.Shutdown(ctx))
	}
	if m.pprof != nil {
		m.pprof.Close()
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	m := &Main{Stdout: stdout, Stderr: stderr}
	if err := m.ParseFlags(args); err != nil {
		return err
	}
	if err := m.Run(ctx); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		fmt.Fprintln(stdout, "worldcafe is stopping…")
	case err := <-m.served:
		m.Close()
		return fmt.Errorf("serving: %w", err)
	}
	return m.Close()
}

// hideFlags leaves the named flags out of -h: they are for developers
// (profiling), not for the people who run a café.
func hideFlags(fs *flag.FlagSet, names ...string) {
	fs.Usage = func() {
		visible := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
		visible.SetOutput(fs.Output())
		fs.VisitAll(func(f *flag.Flag) {
			if !slices.Contains(names, f.Name) {
				visible.Var(f.Value, f.Name, f.Usage)
			}
		})
		fmt.Fprintf(fs.Output(), "Usage of %s:\n", fs.Name())
		visible.PrintDefaults()
	}
}

// burstOf is the burst that goes with a rate of posts a minute set on the
// command line: as many at once as in a minute, so a room behind one address
// may all post at the same moment. Zero (the default) or no limit leave the
// server's default burst.
func burstOf(perMinute float64) int {
	if perMinute <= 0 {
		return 0
	}
	return max(int(perMinute), 1)
}

// Package server serves cafés over HTTP and WebSocket: the JSON API that
// creates cafés and lets people join, the WebSocket sessions that carry the
// protocol, one runner (actor) per café that owns its state, and the
// metrics, and the online space's public pages (public.go): drawn here from
// the café's public view, posted with plain forms that become commands of
// the public role (issue.go), followed live by a read-only socket that gets
// only what the public may see (cafe.ForPublic). A runner exists only while
// its café is in use: it is loaded on
// first use and unloaded when idle (runner.go). On a store several nodes
// share, one node owns each café and the others follow it (cluster.go).
// It must never reach into a store's internals: it sees only the
// store.Store contract and the optional abilities store.go describes.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// Config configures a Server. Every zero value has a documented default.
type Config struct {
	// Store keeps the logs; required.
	Store store.Store
	// Logger receives the server's logs; default: discard. Tokens and note
	// texts are never logged.
	Logger *slog.Logger
	// PublicURL is the address people reach the server at, used in the join
	// and wall links the API returns (e.g. "http://192.168.1.20:8080").
	// Default: taken from each request's Host.
	PublicURL string
	// AllowedOrigins are extra host patterns (path.Match syntax, e.g.
	// "*.example.org") whose pages may open WebSockets. Default: only the
	// server's own origin.
	AllowedOrigins []string
	// Static serves the web app at /; default: no web app.
	Static http.Handler

	// QueueBytes bounds each connection's outgoing queue; a connection that
	// falls further behind is dropped as a slow consumer. Default 1 MiB.
	QueueBytes int
	// WriteTimeout bounds each socket write. Default 10 s.
	WriteTimeout time.Duration
	// PingInterval is how often the server pings idle peers to find dead
	// connections. Default 30 s.
	PingInterval time.Duration
	// ResumeWindow is how many recent events each café keeps in memory for
	// reconnecting clients; a client further behind gets a snapshot.
	// Default 10,000.
	ResumeWindow int
	// SnapshotEvery is how many events may pass between snapshots (also
	// taken at every phase change). Default 10,000.
	SnapshotEvery int
	// InboxSize bounds each café's queue of waiting commands. Default 8,192.
	InboxSize int
	// MaxBatch is the most commands one append carries. Default 1,024.
	MaxBatch int
	// UnloadAfter is how long a café stays in memory with no connection and
	// no running round; then it is unloaded (it loads again on next use).
	// Default 2 minutes.
	UnloadAfter time.Duration
	// LoadTimeout bounds loading one café from the store. Default 30 s.
	LoadTimeout time.Duration

	// Cluster mode, when Store is shared by several nodes (store/redis;
	// see cluster.go). Node names this node; default a random id, which is
	// fine because a restarted node is a new node. LeaseTTL is how long a
	// café's owner holds it without renewing (renewed every third of it):
	// a dead owner's cafés are taken over within about LeaseTTL plus a third.
	// Default 3 s. ForwardTimeout bounds a command forwarded to the owner;
	// past it the device is told to try again. Default 5 s.
	Node           string
	LeaseTTL       time.Duration
	ForwardTimeout time.Duration

	// MessageRate and MessageBurst limit the frames one connection may send
	// (per second, and in a burst). Default 10/s, burst 30. Negative: no limit.
	MessageRate  float64
	MessageBurst int
	// IPRequestRate and IPRequestBurst limit API requests (create, join) per
	// client address. Default 5/s, burst 60. Negative: no limit.
	IPRequestRate  float64
	IPRequestBurst int
	// IPMaxConns caps open WebSocket connections per client address.
	// Default 1,000 (a room behind one NAT). Negative: no limit.
	IPMaxConns int

	// AdminToken is the key that lets a device that is not this machine
	// create cafés (sent as "Authorization: Bearer KEY"). Default: none, so
	// only loopback may create cafés.
	AdminToken string
	// CafesPerHour is how many cafés one address may create in an hour
	// (a bucket of that size that refills over the hour), admin key or not.
	// Default 20. Negative: no limit.
	CafesPerHour int
	// JoinRate and JoinBurst throttle joins per address and café (per
	// second, and in a burst), on top of the request budget. Default 1/s,
	// burst 30 (a table behind one NAT arriving at once). Negative: no limit.
	// A negative IPRequestRate also lifts this throttle and the café quota
	// (load tests from one machine).
	JoinRate  float64
	JoinBurst int

	// ReadHeaderTimeout bounds reading a request's headers, ReadTimeout
	// the whole request with its body, IdleTimeout a kept-alive connection
	// between requests. WebSockets are not subject to them once upgraded.
	// Defaults 5 s, 15 s, 60 s.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	// IPMaxHTTPConns caps open TCP connections per client address on the
	// listener Listen returns (HTTP and WebSocket alike); one over the cap
	// is closed at once. Default 1,000. Negative: no limit.
	IPMaxHTTPConns int

	// Now is the clock; default time.Now. Tests inject their own.
	Now func() time.Time

	// IPUpgradeRate and IPUpgradeBurst limit WebSocket upgrades per client
	// address; over → HTTP 429 with Retry-After, before the upgrade. The
	// burst lets a shared address (a NAT) reconnect after a restart.
	// Default 10/s, burst 100. Negative: no limit.
	IPUpgradeRate  float64
	IPUpgradeBurst int
	// ParticipantConnectRate and ParticipantConnectBurst limit the hellos
	// (connects and reconnects) of one participant, over all their tokens;
	// over → close 4029 after the hello. Each one may cost the café a
	// snapshot. Default 1/s, burst 30. Negative: no limit.
	ParticipantConnectRate  float64
	ParticipantConnectBurst int
	// ParticipantMessageRate and ParticipantMessageBurst limit the frames
	// one participant sends over all their connections together. Default:
	// MessageRate, and twice MessageBurst (a phone and its reload overlap).
	// Negative: no limit.
	ParticipantMessageRate  float64
	ParticipantMessageBurst int
	// ParticipantMaxConns caps one participant's open connections (a phone,
	// a reload, a laptop); one more is closed with 4029. Default 4.
	// Negative: no cap.
	ParticipantMaxConns int

	// The online space's public pages (public.go). FormKey signs their
	// forms' tokens (formtoken.go). Default: derived from AdminToken when
	// set, so the nodes of a cluster, which share the admin key, accept
	// each other's forms; else random per process, so a form outlives no
	// restart of a single node that has no admin key.
	FormKey []byte
	// PublicPostsPerMinute and PublicPostBurst limit the posts (a
	// contribution, a comment, a flag, a question, an upvote) one client
	// address sends to the public pages. Default 5 a minute, burst 5.
	// PublicCafePostsPerMinute and PublicCafePostBurst limit the posts one
	// consultation takes from everyone together. Default 60 a minute, burst
	// 120. Negative: no limit.
	PublicPostsPerMinute     float64
	PublicPostBurst          int
	PublicCafePostsPerMinute float64
	PublicCafePostBurst      int
	// PublicUpvotesPerAddress caps the upvotes one client address gives
	// one town hall question in an hour, whatever cookies it sends
	// (publicvotes.go). Default 20: a room behind one Wi-Fi router still
	// votes. Negative: no cap.
	PublicUpvotesPerAddress int
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.QueueBytes, 1<<20)
	def(&c.ResumeWindow, 10_000)
	def(&c.SnapshotEvery, 10_000)
	def(&c.InboxSize, 8192)
	def(&c.MaxBatch, 1024)
	def(&c.MessageBurst, 30)
	def(&c.IPRequestBurst, 60)
	def(&c.IPMaxConns, 1000)
	def(&c.IPMaxHTTPConns, 1000)
	def(&c.JoinBurst, 30)
	if c.IPRequestRate < 0 {
		if c.CafesPerHour == 0 {
			c.CafesPerHour = -1
		}
		if c.JoinRate == 0 {
			c.JoinRate = -1
		}
	}
	def(&c.CafesPerHour, 20)
	if c.JoinRate == 0 {
		c.JoinRate = 1
	}
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = 5 * time.Second
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = 15 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 60 * time.Second
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.PingInterval == 0 {
		c.PingInterval = 30 * time.Second
	}
	if c.UnloadAfter == 0 {
		c.UnloadAfter = 2 * time.Minute
	}
	if c.LoadTimeout == 0 {
		c.LoadTimeout = 30 * time.Second
	}
	if c.LeaseTTL == 0 {
		c.LeaseTTL = 3 * time.Second
	}
	if c.ForwardTimeout == 0 {
		c.ForwardTimeout = 5 * time.Second
	}
	if c.MessageRate == 0 {
		c.MessageRate = 10
	}
	if c.IPRequestRate == 0 {
		c.IPRequestRate = 5
	}
	if c.MessageRate < 0 {
		c.MessageRate = 0 // bucket: zero rate means no limit
	}
	if c.IPRequestRate < 0 {
		c.IPRequestRate = 0
	}
	if c.IPMaxConns < 0 {
		c.IPMaxConns = 0
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	def(&c.IPUpgradeBurst, 100)
	def(&c.ParticipantConnectBurst, 30)
	def(&c.ParticipantMessageBurst, 2*c.MessageBurst)
	def(&c.ParticipantMaxConns, 4)
	// A zero rate means "no limit" from here on (see budget).
	for _, r := range []struct {
		v   *float64
		def float64
	}{{&c.IPUpgradeRate, 10}, {&c.ParticipantConnectRate, 1}, {&c.ParticipantMessageRate, c.MessageRate}} {
		if *r.v == 0 {
			*r.v = r.def
		}
		if *r.v < 0 {
			*r.v = 0
		}
	}
	if c.ParticipantMaxConns < 0 {
		c.ParticipantMaxConns = 0
	}
	def(&c.PublicPostBurst, 5)
	def(&c.PublicCafePostBurst, 120)
	def(&c.PublicUpvotesPerAddress, 20)
	for _, r := range []struct {
		v   *float64
		def float64
	}{{&c.PublicPostsPerMinute, 5}, {&c.PublicCafePostsPerMinute, 60}} {
		if *r.v == 0 {
			*r.v = r.def
		}
		if *r.v < 0 {
			*r.v = 0
		}
	}
}

// Server is a worldcafe node.
type Server struct {
	cfg Config
	log *slog.Logger
	// apply folds an event into a café's state: cafe.Apply, replaced only
	// by tests that need a café to refuse an event.
	apply   func(*cafe.State, protocol.Event) error
	store   store.Store
	metrics *Metrics
	ipl     *ipLimits
	edge    httpEdge // the HTTP API's own budgets and caches (api.go)
	mux     *http.ServeMux

	ctx    context.Context // lifetime of runners
	cancel context.CancelFunc

	loads   singleflight.Group // one load per café at a time
	cluster *cluster           // nil on a single node

	mu       sync.Mutex
	runners  map[string]*runner
	sessions map[*session]struct{}
	closing  bool

	ready      atomic.Bool
	runnersWG  sync.WaitGroup
	sessionsWG sync.WaitGroup
	background sync.WaitGroup // snapshot writes
}

// New returns a server; call Start to load the cafés already in the store.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: Config.Store is required")
	}
	cfg.setDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg: cfg, log: cfg.Logger, apply: cafe.Apply, store: cfg.Store, metrics: newMetrics(),
		ipl: newIPLimits(cfg.IPRequestRate, cfg.IPRequestBurst, cfg.IPMaxConns),
		ctx: ctx, cancel: cancel,
		runners: map[string]*runner{}, sessions: map[*session]struct{}{},
	}
	s.cluster = newCluster(cfg.Store, cfg)
	s.routes()
	return s, nil
}

// Metrics returns the server's live counters.
func (s *Server) Metrics() *Metrics { return s.metrics }

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Start re-arms the cafés whose round is running (a round that ran out
// while the server was down ends now); every other café is loaded when
// someone first asks for it. The server reports ready afterwards. Start
// costs in proportion to the running rounds, not to the cafés stored.
func (s *Server) Start(ctx context.Context) error {
	wakes, err := s.store.Wakes(ctx)
	if err != nil {
		return fmt.Errorf("server: listing running rounds: %w", err)
	}
	for id := range wakes {
		if _, err := s.runner(ctx, id); err != nil {
			// One broken café must not keep the others offline.
			s.log.Error("loading café failed", "cafe", id, "err", err)
		}
	}
	if s.cluster != nil {
		// Bounded by the server's lifetime; Shutdown cancels s.ctx.
		go s.serveMailbox(s.ctx)
		go s.watchOrphans(s.ctx)
	}
	s.ready.Store(true)
	s.log.Info("running rounds re-armed", "count", len(wakes))
	return nil
}

// runner returns the café's runner, loading it from the store on first use.
// Concurrent first uses of one café share a single load, and no lock is
// held while it loads, so other cafés are served meanwhile. A runner that
// stopped (after a failure, or unloaded when idle) is replaced by a fresh
// load.
func (s *Server) runner(ctx context.Context, id string) (*runner, error) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil, errRunnerStopped
	}
	r, ok := s.runners[id]
	s.mu.Unlock()
	if ok && !r.stopped() {
		return r, nil
	}
	v, err, _ := s.loads.Do(id, func() (any, error) {
		s.mu.Lock()
		if r, ok := s.runners[id]; ok && !r.stopped() {
			s.mu.Unlock()
			return r, nil
		}
		s.mu.Unlock()
		// The load outlives the request that asked first: the others that
		// wait for the same load must not fail because it gave up.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.LoadTimeout)
		defer cancel()
		r := newRunner(s, id)
		if err := r.load(lctx); err != nil {
			r.cancel()
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.closing {
			return nil, errRunnerStopped
		}
		if old, ok := s.runners[id]; ok && old != r {
			delete(s.runners, id)
			s.metrics.Cafes.Add(-1)
		}
		s.startRunner(r)
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*runner), nil
}

// attach subscribes sub to the café from position (epoch, seq) and returns
// the runner it is attached to. A runner that was being unloaded as sub
// arrived is loaded afresh.
func (s *Server) attach(ctx context.Context, id string, sub subscriber, epoch, seq uint64) (*runner, error) {
	for {
		r, err := s.runner(ctx, id)
		if err != nil {
			return nil, err
		}
		err = r.attach(ctx, sub, epoch, seq)
		if errors.Is(err, errUnloaded) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return r, nil
	}
}

// unload forgets r, which has been idle: it succeeds only while nothing
// waits in r's inbox, and from then on r refuses commands with errUnloaded,
// which its callers answer by loading the café afresh.
func (s *Server) unload(r *runner) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runners[r.id] != r || !r.markUnloading() {
		return false
	}
	delete(s.runners, r.id)
	s.metrics.Cafes.Add(-1)
	s.metrics.Unloads.Add(1)
	return true
}

// startRunner registers r and starts its goroutine; s.mu must be held.
func (s *Server) startRunner(r *runner) {
	s.runners[r.id] = r
	s.metrics.Cafes.Add(1)
	s.runnersWG.Add(1)
	go func() {
		defer s.runnersWG.Done()
		defer r.cancel()
		r.run(r.ctx)
	}()
}

// Shutdown stops taking connections, lets every connection drain its queue
// and closes it with 1001 (going away), then stops the cafés after their
// in-flight commands are durable. http.Server.Shutdown does not close
// WebSockets; this does. The caller closes the store afterwards.
func (s *Server) Shutdown(ctx context.Context) error {
	s.ready.Store(false)
	s.mu.Lock()
	s.closing = true
	for sess := range s.sessions {
		sess.kill(1001, "server shutting down", true)
	}
	s.mu.Unlock()

	waitCh := func(wg *sync.WaitGroup) chan struct{} {
		ch := make(chan struct{})
		go func() { wg.Wait(); close(ch) }()
		return ch
	}
	var err error
	select {
	case <-waitCh(&s.sessionsWG):
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.cancel()
	select {
	case <-waitCh(&s.runnersWG):
	case <-ctx.Done():
		err = ctx.Err()
	}
	select {
	case <-waitCh(&s.background):
	case <-ctx.Done():
		err = ctx.Err()
	}
	return err
}

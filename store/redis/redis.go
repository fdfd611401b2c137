package redis

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/worldcafe/worldcafe/store"
)

var (
	_ store.Store      = (*Store)(nil)
	_ store.Fenced     = (*Store)(nil)
	_ store.Subscriber = (*Store)(nil)
)

// DefaultPrefix starts every key and channel name when Config.Prefix is
// empty.
const DefaultPrefix = "worldcafe:"

// DefaultReplicaTimeout is how long an append waits for Config.Replicas
// replicas when Config.ReplicaTimeout is zero.
const DefaultReplicaTimeout = time.Second

// Config tunes Open. Only URL is required.
type Config struct {
	// URL names the Redis server: redis://[user:password@]host:port/db, or
	// rediss:// for TLS (go-redis's ParseURL).
	URL string

	// Prefix starts every key and channel name, so that several deployments
	// can share one Redis. Empty means DefaultPrefix ("worldcafe:").
	Prefix string

	// Replicas is how many replicas must have an append before it is
	// acknowledged (Redis WAIT on the connection that wrote it). Zero, the
	// default, waits for none: the primary's own durability is the promise.
	Replicas int

	// ReplicaTimeout bounds the wait for Replicas. Zero means
	// DefaultReplicaTimeout (1s). An append that reaches fewer replicas in
	// time returns an error although the primary has it; see the package doc.
	ReplicaTimeout time.Duration
}

// Store is a store.Store on a Redis server; it is safe for concurrent use.
type Store struct {
	rdb     *goredis.Client
	keys    keys
	cfg     Config
	closed  atomic.Bool
	scripts scripts

	// subs are the live subscriptions, closed by Close: go-redis gives each
	// its own connection, outside the pool that closing the client closes.
	subsMu sync.Mutex
	subs   map[*goredis.PubSub]struct{}
}

// Open connects to the Redis server at cfg.URL and checks that it answers.
// It does not check the server's persistence settings (managed services
// often forbid CONFIG); the package doc says what each setting promises.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	opts, err := goredis.ParseURL(cfg.URL)
	if err != nil {
		// go-redis's error may quote the URL, password and all: keep it out.
		return nil, errors.New("redis: open: the Redis URL is not valid (want redis://[user:password@]host:port/db)")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.ReplicaTimeout == 0 {
		cfg.ReplicaTimeout = DefaultReplicaTimeout
	}
	if cfg.Replicas < 0 {
		return nil, fmt.Errorf("redis: open: %d replicas is not a count", cfg.Replicas)
	}
	// CLIENT SETINFO is an extra that older and managed servers refuse; the
	// store does not need it.
	opts.DisableIdentity = true
	// WAIT blocks for up to ReplicaTimeout: the read timeout must outlast it,
	// or the client gives up on a reply that is on its way.
	if rt := effectiveReadTimeout(opts.ReadTimeout); cfg.Replicas > 0 && rt > 0 && rt < cfg.ReplicaTimeout+time.Second {
		opts.ReadTimeout = cfg.ReplicaTimeout + time.Second
	}
	rdb := goredis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close() // the ping's error is the one worth reporting
		return nil, fmt.Errorf("redis: open %s: %w", opts.Addr, err)
	}
	return &Store{
		rdb:     rdb,
		keys:    keys{prefix: cfg.Prefix},
		cfg:     cfg,
		scripts: loadScripts(),
		subs:    map[*goredis.PubSub]struct{}{},
	}, nil
}

// effectiveReadTimeout is go-redis's read timeout for a configured value:
// zero means its default of 3s, negative values mean none.
func effectiveReadTimeout(d time.Duration) time.Duration {
	if d == 0 {
		return 3 * time.Second
	}
	return d
}

// Close closes the connections; calls in flight and later calls return
// store.ErrClosed. A second Close returns store.ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return fmt.Errorf("redis: close: %w", store.ErrClosed)
	}
	s.subsMu.Lock()
	for ps := range s.subs {
		_ = ps.Close() // its reader sees the close and ends the channel
	}
	s.subsMu.Unlock()
	if err := s.rdb.Close(); err != nil {
		return fmt.Errorf("redis: close: %w", err)
	}
	return nil
}

// begin is the check every method makes before it touches Redis.
func (s *Store) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return store.ErrClosed
	}
	return nil
}

// fail maps go-redis's errors onto the store's: a client closed under a
// running call is store.ErrClosed like any call after Close.
func (s *Store) fail(err error) error {
	if errors.Is(err, goredis.ErrClosed) || (s.closed.Load() && err != nil) {
		return store.ErrClosed
	}
	return err
}

// keys builds key and channel names; the package doc lists them. Each kind
// has its own fixed word after the prefix, so no café id, code or hash can
// make two kinds meet.
type keys struct{ prefix string }

func (k keys) meta(cafe string) string    { return k.prefix + "meta:" + cafe }
func (k keys) log(cafe string) string     { return k.prefix + "log:" + cafe }
func (k keys) snaps(cafe string) string   { return k.prefix + "snap:" + cafe }
func (k keys) lease(cafe string) string   { return k.prefix + "lease:" + cafe }
func (k keys) fence(cafe string) string   { return k.prefix + "fence:" + cafe }
func (k keys) channel(cafe string) string { return k.prefix + "events:" + cafe }
func (k keys) code(code string) string    { return k.prefix + "code:" + code }
func (k keys) grant(hash string) string   { return k.prefix + "grant:" + hash }
func (k keys) cafes() string              { return k.prefix + "cafes" }
func (k keys) wakes() string              { return k.prefix + "wakes" }

// streamID is the stream entry id of seq: the log's ids are 0-1, 0-2, …, so
// XRANGE by id is a range by seq.
func streamID(seq uint64) string { return "0-" + strconv.FormatUint(seq, 10) }

//go:embed lua/append.lua
var appendLua string

//go:embed lua/load.lua
var loadLua string

//go:embed lua/snapshot.lua
var snapshotLua string

//go:embed lua/acquire.lua
var acquireLua string

//go:embed lua/renew.lua
var renewLua string

//go:embed lua/release.lua
var releaseLua string

// scripts run by EVALSHA, falling back to EVAL when the server does not
// have them (a fresh or restarted server): go-redis's Script does that.
type scripts struct {
	append, load, snapshot, acquire, renew, release *goredis.Script
}

func loadScripts() scripts {
	return scripts{
		append:   goredis.NewScript(appendLua),
		load:     goredis.NewScript(loadLua),
		snapshot: goredis.NewScript(snapshotLua),
		acquire:  goredis.NewScript(acquireLua),
		renew:    goredis.NewScript(renewLua),
		release:  goredis.NewScript(releaseLua),
	}
}

// reply reads a script's array reply: a status code first, then strings.
func reply(v any) (code int64, rest []string, err error) {
	arr, ok := v.([]any)
	if !ok {
		return 0, nil, fmt.Errorf("script replied %T, want an array", v)
	}
	if len(arr) == 0 {
		return 0, nil, nil
	}
	code, ok = arr[0].(int64)
	if !ok {
		return 0, nil, fmt.Errorf("script status is %T, want an integer", arr[0])
	}
	for _, x := range arr[1:] {
		switch x := x.(type) {
		case string:
			rest = append(rest, x)
		case int64:
			rest = append(rest, strconv.FormatInt(x, 10))
		default:
			return 0, nil, fmt.Errorf("script replied a %T, want a string", x)
		}
	}
	return code, rest, nil
}

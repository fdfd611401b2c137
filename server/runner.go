package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
	"github.com/worldcafe/worldcafe/store"
)

// runner owns one café: the only goroutine that changes its state, appends
// to its log, arms its timer and fans its events out (fanout.go). Everything
// else talks to it through channels, so the café needs no lock and its
// events have one order everywhere. A runner lives while its café is in
// use: it is unloaded when nobody is connected and no round runs.
type runner struct {
	id      string
	srv     *Server
	log     *slog.Logger
	inbox   *inbox
	attachC chan *attachReq
	detachC chan subscriber
	reportC chan chan report.Report
	peekC   chan func(*cafe.State)
	done    chan struct{}   // closed when run returns
	ctx     context.Context // the runner's lifetime; cancel ends it
	cancel  context.CancelFunc

	// Owned by the run goroutine.
	state     *cafe.State
	epoch     uint64
	ring      *ring
	subs      map[subscriber]struct{}
	timer     *time.Timer
	timerC    <-chan time.Time
	armedFor  time.Time
	idle      *time.Timer
	idleC     <-chan time.Time
	snapSeq   uint64
	snapBusy  atomic.Bool
	snapCache [3]cachedSnapshot // by snapView
	sent      uint64            // seq of the last event fanned out to subscribers

	// Cluster mode only (cluster.go).
	ownership
	clusterC <-chan time.Time
	clusterT *time.Ticker
}

// request is a command for the runner. done is called on the runner's
// goroutine once the outcome is durable (or rejected); it must not block.
type request struct {
	cmd  cafe.Command
	done func(result)
}

type result struct {
	ack    protocol.Ack
	events []protocol.Event
	err    error
}

var (
	errRunnerStopped = protocol.Errorf(protocol.CodeUnavailable, "this café is not being served right now; please try again")
	// errUnloaded is never shown to anyone: the caller loads the café
	// afresh and tries again.
	errUnloaded = errors.New("café was unloaded")
	errBusy     = protocol.Errorf(protocol.CodeUnavailable, "the café is busy; please try again in a moment")
	// errRefusedEvent answers a command whose events the café could not
	// fold: a fault of the server, never of the sender.
	errRefusedEvent = errors.New("the café refused an event it had just decided")
)

func newRunner(srv *Server, id string) *runner {
	t := time.NewTimer(time.Hour)
	t.Stop()
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	ctx, cancel := context.WithCancel(srv.ctx)
	return &runner{
		ctx:     ctx,
		cancel:  cancel,
		id:      id,
		srv:     srv,
		log:     srv.log.With("cafe", id),
		inbox:   newInbox(srv.cfg.InboxSize),
		attachC: make(chan *attachReq),
		detachC: make(chan subscriber, 64),
		reportC: make(chan chan report.Report),
		peekC:   make(chan func(*cafe.State)),
		done:    make(chan struct{}),
		state:   cafe.New(id),
		ring:    newRing(srv.cfg.ResumeWindow),
		subs:    map[subscriber]struct{}{},
		timer:   t,
		idle:    idle,
	}
}

// load rebuilds the café from the store: newest snapshot plus the tail, or
// the whole log if the snapshot cannot be read. It runs before run starts,
// and again whenever the state must be put back to the log's. In cluster
// mode the first load subscribes to the café's events before it reads the
// log (so nothing falls between the two) and tries to take the lease.
func (r *runner) load(ctx context.Context) error {
	first := r.srv.cluster != nil && r.relay == nil && !r.isOwner.Load()
	if first {
		if err := r.subscribe(ctx); err != nil {
			return err
		}
	}
	st, epoch, err := store.Rebuild(ctx, r.srv.store, r.id)
	if err != nil {
		return err
	}
	r.state, r.epoch, r.snapSeq = st, epoch, st.Seq
	r.srv.metrics.Loads.Add(1)
	if err := r.fillRing(ctx); err != nil {
		return err
	}
	// Subscribers attached before a reload have what was sent; the log
	// may have moved past it (another node appended), and they get the
	// rest in order.
	if sent := r.sent; sent != 0 && sent < r.state.Seq {
		if err := r.sendSince(ctx, sent); err != nil {
			return err
		}
	}
	r.sent = r.state.Seq
	if first {
		r.tryOwn(ctx)
	}
	return nil
}

// stopped reports whether run has returned (after a failure, an unload or
// shutdown).
func (r *runner) stopped() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// stoppedErr is the error for a caller that found the runner gone.
func (r *runner) stoppedErr() error {
	if err := r.inbox.err(); err != nil {
		return err
	}
	return errRunnerStopped
}

// markUnloading closes the runner to new commands if none is waiting; the
// server holds its lock around it (see Server.unload). From then on every
// caller is told errUnloaded, and loads the café afresh.
func (r *runner) markUnloading() bool {
	if len(r.fwd) > 0 {
		return false // commands on their way to the owner are use
	}
	return r.inbox.closeIfEmpty(errUnloaded)
}

// submit hands a command to the runner without blocking. A full inbox means
// the café is overloaded: the sender is told to retry rather than queue
// without bound.
func (r *runner) submit(cmd cafe.Command, done func(result)) {
	if err := r.inbox.put(&request{cmd: cmd, done: done}); err != nil {
		done(result{err: err})
	}
}

// do submits a command and waits for its outcome. When the runner was
// unloaded under it, the café is loaded afresh and the command sent there.
func (r *runner) do(ctx context.Context, cmd cafe.Command) (result, error) {
	for {
		ch := make(chan result, 1)
		r.submit(cmd, func(res result) { ch <- res })
		var res result
		select {
		case res = <-ch:
		case <-ctx.Done():
			return result{}, ctx.Err()
		}
		if !errors.Is(res.err, errUnloaded) {
			return res, res.err
		}
		nr, err := r.srv.runner(ctx, r.id)
		if err != nil {
			return result{}, err
		}
		r = nr
	}
}

// attach subscribes s from position (epoch, seq): it queues the welcome, then
// either the missed events or a snapshot, then live events, with no gap
// because all of it happens on the runner's goroutine. Use Server.attach,
// which handles a runner that is being unloaded.
func (r *runner) attach(ctx context.Context, s subscriber, epoch, seq uint64) error {
	req := &attachReq{s: s, epoch: epoch, seq: seq, reply: make(chan error, 1)}
	select {
	case r.attachC <- req:
	case <-r.done:
		return r.stoppedErr()
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.reply:
		return err
	case <-r.done:
		return r.stoppedErr()
	case <-ctx.Done():
		// The runner may attach s after all: take it back, so a
		// connection that gave up does not keep the café loaded.
		r.detach(s)
		return ctx.Err()
	}
}

// report builds the café's report on the runner's goroutine, where the
// state may be read.
func (r *runner) report(ctx context.Context) (report.Report, error) {
	for {
		rep, err := r.askReport(ctx)
		if !errors.Is(err, errUnloaded) {
			return rep, err
		}
		if r, err = r.srv.runner(ctx, r.id); err != nil {
			return report.Report{}, err
		}
	}
}

func (r *runner) askReport(ctx context.Context) (report.Report, error) {
	ch := make(chan report.Report, 1)
	select {
	case r.reportC <- ch:
	case <-r.done:
		return report.Report{}, r.stoppedErr()
	case <-ctx.Done():
		return report.Report{}, ctx.Err()
	}
	select {
	case rep := <-ch:
		return rep, nil
	case <-r.done:
		return report.Report{}, r.stoppedErr()
	case <-ctx.Done():
		return report.Report{}, ctx.Err()
	}
}

// peek runs f on the runner's goroutine, where the state may be read; f
// must only read, and quickly. Like do, it follows the café to a fresh
// load when the runner was unloaded under it.
func (r *runner) peek(ctx context.Context, f func(*cafe.State)) error {
	for {
		err := r.peekOnce(ctx, f)
		if !errors.Is(err, errUnloaded) {
			return err
		}
		if r, err = r.srv.runner(ctx, r.id); err != nil {
			return err
		}
	}
}

func (r *runner) peekOnce(ctx context.Context, f func(*cafe.State)) error {
	done := make(chan struct{})
	wrapped := func(st *cafe.State) { f(st); close(done) }
	select {
	case r.peekC <- wrapped:
	case <-r.done:
		return r.stoppedErr()
	case <-ctx.Done():
		return ctx.Err()
	}
	<-done
	return nil
}

// detach unsubscribes s; it never blocks for long (the channel is buffered
// and the runner drains it between batches).
func (r *runner) detach(s subscriber) {
	select {
	case r.detachC <- s:
	case <-r.done:
	}
}

func (r *runner) run(ctx context.Context) {
	defer close(r.done)
	defer r.stop()
	if r.srv.cluster != nil {
		r.startCluster(ctx)
	}
	for {
		r.armTimer()
		r.armIdle()
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-r.relay:
			r.relayed(ctx, ev, ok)
		case <-r.clusterC:
			r.clusterTick(ctx)
		case a := <-r.answers:
			r.deliverAnswer(ctx, a)
		case <-r.inbox.ready:
			r.notIdle() // commands (forwarded ones too) are use
			batch := r.inbox.take(nil, r.srv.cfg.MaxBatch)
			if len(batch) == 0 {
				continue
			}
			if err := r.handle(ctx, batch); err != nil {
				r.log.Error("the café stops until it is loaded again", "err", err)
				return
			}
		case a := <-r.attachC:
			a.reply <- r.doAttach(a)
		case s := <-r.detachC:
			delete(r.subs, s)
		case f := <-r.peekC:
			f(r.state)
		case ch := <-r.reportC:
			ch <- report.Build(r.state)
		case <-r.timerC:
			r.armedFor = time.Time{}
			timeUp := &request{cmd: cafe.Command{Type: protocol.CmdTimeUp, Actor: cafe.System}, done: r.logTimerFailure}
			if err := r.handle(ctx, r.inbox.take([]*request{timeUp}, r.srv.cfg.MaxBatch-1)); err != nil {
				r.log.Error("the café stops until it is loaded again", "err", err)
				return
			}
		case <-r.idleC:
			r.idleC = nil
			if r.srv.unload(r) {
				// The lease first: a load of the café that starts now,
				// on this node or another, can own it at once.
				r.release()
				r.saveSnapshotNow()
				return
			}
		}
	}
}

func (r *runner) logTimerFailure(res result) {
	if res.err != nil {
		r.log.Error("ending round on time failed", "err", res.err)
	}
}

// stop fails every queued command and lets the subscribers go: the server
// is shutting down (their sessions are closed by the server) or the café
// could not go on.
func (r *runner) stop() {
	r.timer.Stop()
	r.idle.Stop()
	if r.clusterT != nil {
		r.clusterT.Stop()
	}
	for _, req := range r.inbox.close(errRunnerStopped) {
		req.done(result{err: errRunnerStopped})
	}
	// Devices still attached (the café failed; at shutdown the server has
	// closed them already) reconnect and resume on a fresh load.
	for s := range r.subs {
		s.kill(protocol.CloseUnavailable, "this café restarts; reconnecting", false)
	}
}

// armTimer points the timer at the running round's deadline. After a
// restart the deadline comes from the log, so a round that should have ended
// while the server was down ends at once.
func (r *runner) armTimer() {
	dl, ok := r.state.Deadline()
	if !ok || !r.owns() {
		if r.timerC != nil {
			r.timer.Stop()
			r.timerC, r.armedFor = nil, time.Time{}
		}
		return
	}
	if r.timerC != nil && dl.Equal(r.armedFor) {
		return
	}
	r.timer.Reset(dl.Sub(r.srv.cfg.Now()))
	r.timerC, r.armedFor = r.timer.C, dl
}

// notIdle restarts the count down to unloading.
func (r *runner) notIdle() {
	if r.idleC != nil {
		r.idle.Stop()
		r.idleC = nil
	}
}

// armIdle counts down to unloading while nobody is connected and no round
// runs; anything else stops the count. A café being created is never idle:
// it has no log to be loaded from yet.
func (r *runner) armIdle() {
	_, running := r.state.Deadline()
	if len(r.subs) > 0 || running || !r.state.Exists() {
		if r.idleC != nil {
			r.idle.Stop()
			r.idleC = nil
		}
		return
	}
	if r.idleC == nil {
		r.idle.Reset(r.srv.cfg.UnloadAfter)
		r.idleC = r.idle.C
	}
}

// handle decides a batch of commands (whatever was waiting, up to
// MaxBatch), makes all their events durable in one append, then fans out and
// acknowledges. Batching is the café's group commit: while one append
// waits for the disk, the next batch gathers.
//
// Each command's events are folded into the state as soon as it is decided,
// so the next command of the batch is decided against them; nothing is
// published or acknowledged before the append. If the append fails, the
// state is rebuilt from the store. An error means the café could not be put
// back in a known state and must stop.
func (r *runner) handle(ctx context.Context, batch []*request) error {
	if !r.owns() {
		r.toOwner(batch)
		return nil
	}
	now := r.srv.cfg.Now()
	results := make([]result, len(batch))
	var events []protocol.Event
	for i, req := range batch {
		d, err := cafe.Decide(r.state, req.cmd, now)
		if err != nil {
			results[i].err = err
			continue
		}
		if err := r.fold(d.Events); err != nil {
			// Decide made an event Apply refuses: a bug. The whole command
			// is refused before anything is written, and the state goes
			// back to what the log plus this batch's earlier commands say.
			r.log.Error("refusing a command whose events the café cannot fold", "type", req.cmd.Type, "err", err)
			results[i].err = fmt.Errorf("%w: %w", errRefusedEvent, err)
			if rerr := r.restore(ctx, events); rerr != nil {
				return r.failBatch(ctx, batch, results, rerr)
			}
			continue
		}
		results[i].ack.Duplicate = d.Duplicate
		results[i].events = d.Events
		events = append(events, d.Events...)
	}

	if len(events) > 0 {
		start := time.Now()
		// The append must finish even when shutdown has begun: an event that
		// reached the disk but was not acknowledged is fine, a half-done
		// batch is not.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		wake, _ := r.state.Deadline()
		err := r.append(actx, events, wake)
		cancel()
		r.srv.metrics.CommitLatency.Observe(time.Since(start))
		if err != nil {
			return r.failBatch(ctx, batch, results, err)
		}
		if r.epoch == 0 {
			r.readEpoch(ctx)
		}
		r.srv.metrics.Events.Add(uint64(len(events)))
		r.publish(events)
	}

	for i, req := range batch {
		if results[i].err == nil {
			results[i].ack.Seq = r.state.Seq
			r.srv.metrics.Commands.Add(1)
		} else {
			r.srv.metrics.Rejected.Add(1)
		}
		if req.done != nil {
			req.done(results[i])
		}
	}
	r.maybeSnapshot(events)
	return nil
}

// fold applies one command's events to the state, stopping at the first
// the state refuses.
func (r *runner) fold(events []protocol.Event) error {
	for _, ev := range events {
		if err := r.srv.apply(r.state, ev); err != nil {
			return fmt.Errorf("applying %s at seq %d: %w", ev.Type, ev.Seq, err)
		}
	}
	return nil
}

// restore puts the state back to the log's, plus pending: the events of
// this batch that were decided and folded but are not written yet.
func (r *runner) restore(ctx context.Context, pending []protocol.Event) error {
	st, _, err := store.Rebuild(ctx, r.srv.store, r.id)
	if errors.Is(err, store.ErrNotFound) {
		st, err = cafe.New(r.id), nil // the café's first command was refused
	}
	if err != nil {
		return fmt.Errorf("restoring the state: %w", err)
	}
	for _, ev := range pending {
		if err := r.srv.apply(st, ev); err != nil {
			return fmt.Errorf("restoring the state: %w", err)
		}
	}
	r.state = st
	return nil
}

// failBatch answers a batch that could not be written. Its events were
// folded into the state already, so the café is reloaded from the store,
// which holds the truth.
func (r *runner) failBatch(ctx context.Context, batch []*request, results []result, err error) error {
	if errors.Is(err, store.ErrFenced) {
		r.log.Warn("another node owns this café now; following it", "err", err)
		r.disown()
	} else if errors.Is(err, store.ErrConflict) {
		r.log.Error("log moved under this runner; reloading", "err", err)
	} else {
		r.log.Error("append failed", "err", err)
	}
	for i, req := range batch {
		if results[i].err == nil {
			results[i] = result{err: protocol.Errorf(protocol.CodeUnavailable, "could not save that; please send it again")}
		}
		r.srv.metrics.Rejected.Add(1)
		if req.done != nil {
			req.done(results[i])
		}
	}
	lerr := r.load(ctx)
	if errors.Is(lerr, store.ErrNotFound) {
		// The café's very first append failed: it has no log to go back to.
		r.state, r.snapSeq = cafe.New(r.id), 0
		r.ring.reset()
		return nil
	}
	if lerr != nil {
		return fmt.Errorf("reloading after a failed append: %w", lerr)
	}
	return nil
}

func (r *runner) readEpoch(ctx context.Context) {
	rec, err := r.srv.store.Load(ctx, r.id)
	if err == nil {
		r.epoch = rec.Epoch
	}
}

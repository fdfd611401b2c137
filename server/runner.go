package server

import (
	"context"
	"encoding/json"
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
// to its log, arms its timer and fans its events out. Everything else talks
// to it through channels, so the café needs no lock and its events have one
// order everywhere.
type runner struct {
	id      string
	srv     *Server
	log     *slog.Logger
	inbox   chan *request
	attachC chan *attachReq
	detachC chan subscriber
	reportC chan chan report.Report
	done    chan struct{} // closed when run returns
	cancel  context.CancelFunc

	// Owned by the run goroutine.
	state     *cafe.State
	epoch     uint64
	ring      *ring
	subs      map[subscriber]struct{}
	timer     *time.Timer
	timerC    <-chan time.Time
	armedFor  time.Time
	snapSeq   uint64
	snapBusy  atomic.Bool
	snapCache [2]cachedSnapshot // [0] everyone, [1] facilitator
}

type cachedSnapshot struct {
	seq   uint64
	frame []byte
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

// subscriber is what a runner needs of a connection. Every method is
// called on the runner's goroutine and must not block.
type subscriber interface {
	// deliver queues an encoded frame. force lets catch-up frames (welcome,
	// missed events, snapshot) past the byte bound; live frames are refused
	// with pushFull when the connection is too far behind.
	deliver(b []byte, force bool) pushResult
	// actor is who the connection speaks for.
	actor() cafe.Actor
	// setRole records the role the café's state gives the connection's
	// participant (a host is chosen by the café, not by the token).
	setRole(protocol.Role)
	// kill closes the connection with code; see session.kill.
	kill(code int, reason string, drain bool)
}

type attachReq struct {
	s          subscriber
	epoch, seq uint64
	reply      chan error
}

var errRunnerStopped = protocol.Errorf(protocol.CodeUnavailable, "this café is not being served right now; please try again")

func newRunner(srv *Server, id string) *runner {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &runner{
		id:      id,
		srv:     srv,
		log:     srv.log.With("cafe", id),
		inbox:   make(chan *request, srv.cfg.InboxSize),
		attachC: make(chan *attachReq),
		detachC: make(chan subscriber, 64),
		reportC: make(chan chan report.Report),
		done:    make(chan struct{}),
		state:   cafe.New(id),
		ring:    newRing(srv.cfg.ResumeWindow),
		subs:    map[subscriber]struct{}{},
		timer:   t,
	}
}

// load rebuilds the café from the store: newest snapshot plus the tail, or
// the whole log if the snapshot cannot be read. It runs before run starts.
func (r *runner) load(ctx context.Context) error {
	st, epoch, err := store.Rebuild(ctx, r.srv.store, r.id)
	if err != nil {
		return err
	}
	r.state, r.epoch, r.snapSeq = st, epoch, st.Seq
	// Fill the resume window so clients that were connected before a restart
	// get exactly what they missed instead of a snapshot.
	r.ring.reset()
	window := uint64(r.srv.cfg.ResumeWindow)
	after := uint64(0)
	if st.Seq > window {
		after = st.Seq - window
	}
	evs, err := r.srv.store.Events(ctx, r.id, after, int(window))
	if err != nil {
		return err
	}
	// Redaction depends on the state at the event; for the window's older
	// events the current state is a safe stand-in (it only hides more).
	for _, ev := range evs {
		r.ring.push(ev.Seq, r.encode(ev))
	}
	return nil
}

// encode makes the frames of ev: encoded once per audience, never per
// connection.
func (r *runner) encode(ev protocol.Event) frames {
	full := protocol.AppendEvent(nil, ev)
	if pub, changed := cafe.Redact(r.state, ev); changed {
		return frames{full: full, public: protocol.AppendEvent(nil, pub)}
	}
	return frames{full: full, public: full}
}

// submit hands a command to the runner without blocking. A full inbox means
// the café is overloaded: the sender is told to retry rather than queue
// without bound.
func (r *runner) submit(cmd cafe.Command, done func(result)) {
	select {
	case <-r.done:
		done(result{err: errRunnerStopped})
		return
	default:
	}
	select {
	case r.inbox <- &request{cmd: cmd, done: done}:
	default:
		done(result{err: protocol.Errorf(protocol.CodeUnavailable, "the café is busy; please try again in a moment")})
	}
}

// do submits a command and waits for its outcome.
func (r *runner) do(ctx context.Context, cmd cafe.Command) (result, error) {
	ch := make(chan result, 1)
	r.submit(cmd, func(res result) { ch <- res })
	select {
	case res := <-ch:
		return res, res.err
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// attach subscribes s from position (epoch, seq): it queues the welcome, then
// either the missed events or a snapshot, then live events, with no gap
// because all of it happens on the runner's goroutine.
func (r *runner) attach(ctx context.Context, s subscriber, epoch, seq uint64) error {
	req := &attachReq{s: s, epoch: epoch, seq: seq, reply: make(chan error, 1)}
	select {
	case r.attachC <- req:
	case <-r.done:
		return errRunnerStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.reply:
		return err
	case <-r.done:
		return errRunnerStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

// report builds the café's report on the runner's goroutine, where the
// state may be read.
func (r *runner) report(ctx context.Context) (report.Report, error) {
	ch := make(chan report.Report, 1)
	select {
	case r.reportC <- ch:
	case <-r.done:
		return report.Report{}, errRunnerStopped
	case <-ctx.Done():
		return report.Report{}, ctx.Err()
	}
	select {
	case rep := <-ch:
		return rep, nil
	case <-r.done:
		return report.Report{}, errRunnerStopped
	case <-ctx.Done():
		return report.Report{}, ctx.Err()
	}
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
	for {
		r.armTimer()
		select {
		case <-ctx.Done():
			return
		case req := <-r.inbox:
			if err := r.handle(ctx, req); err != nil {
				r.log.Error("the café stops until the next restart", "err", err)
				return
			}
		case a := <-r.attachC:
			a.reply <- r.doAttach(a)
		case s := <-r.detachC:
			delete(r.subs, s)
		case ch := <-r.reportC:
			ch <- report.Build(r.state)
		case <-r.timerC:
			r.armedFor = time.Time{}
			timeUp := &request{cmd: cafe.Command{Type: protocol.CmdTimeUp, Actor: cafe.System}, done: r.logTimerFailure}
			if err := r.handle(ctx, timeUp); err != nil {
				r.log.Error("the café stops until the next restart", "err", err)
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
// is shutting down (their sessions are closed by the server).
func (r *runner) stop() {
	r.timer.Stop()
	for {
		select {
		case req := <-r.inbox:
			req.done(result{err: errRunnerStopped})
		default:
			return
		}
	}
}

// armTimer points the timer at the running round's deadline. After a
// restart the deadline comes from the log, so a round that should have ended
// while the server was down ends at once.
func (r *runner) armTimer() {
	dl, ok := r.state.Deadline()
	if !ok {
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

// handle decides a batch of commands (the first and whatever else is already
// waiting), makes all their events durable in one append, then fans out and
// acknowledges. Batching is the café's group commit: while one append
// waits for the disk, the next batch gathers. An error means the café could
// not be put back in a known state and must stop.
func (r *runner) handle(ctx context.Context, first *request) error {
	batch := []*request{first}
	for len(batch) < r.srv.cfg.MaxBatch {
		select {
		case req := <-r.inbox:
			batch = append(batch, req)
			continue
		default:
		}
		break
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
		for _, ev := range d.Events {
			if err := cafe.Apply(r.state, ev); err != nil {
				// Decide made an event Apply cannot fold: a bug. Reject the
				// command; reload below puts the state back.
				r.log.Error("applying a fresh event failed", "err", err)
				results[i].err = err
				continue
			}
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
		err := r.srv.store.Append(actx, r.id, events)
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

// failBatch answers a batch whose append failed. Its events were applied to
// the state already, so the state is rebuilt from the store, which holds
// the truth.
func (r *runner) failBatch(ctx context.Context, batch []*request, results []result, err error) error {
	if errors.Is(err, store.ErrConflict) {
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
	if lerr := r.load(ctx); lerr != nil {
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

// publish encodes each event once and queues the bytes for every
// subscriber. A subscriber whose queue is full is dropped, never waited for.
func (r *runner) publish(events []protocol.Event) {
	for _, ev := range events {
		fs := r.encode(ev)
		r.ring.push(ev.Seq, fs)
		for s := range r.subs {
			switch s.deliver(fs.forRole(s.actor().Role), false) {
			case pushFull:
				delete(r.subs, s)
				r.srv.metrics.SlowConsumers.Add(1)
				s.kill(protocol.CloseSlowConsumer, "too slow: reconnect to resume", false)
			case pushClosed:
				delete(r.subs, s)
			}
		}
	}
}

func (r *runner) doAttach(a *attachReq) error {
	g := a.s.actor()
	if g.Role.Seated() {
		p, ok := r.state.Participants[g.ParticipantID]
		if !ok {
			return protocol.Errorf(protocol.CodeUnauthorized, "this invitation is not valid for this café")
		}
		// The café's state knows whether this person hosts a table. The
		// session reads its role only after attach returns.
		g.Role = p.Role
		a.s.setRole(p.Role)
	}
	w := protocol.Welcome{
		Cafe: r.id, Role: g.Role, ParticipantID: g.ParticipantID,
		Epoch: r.epoch, Seq: r.state.Seq, ServerTime: r.srv.cfg.Now().UnixMilli(),
	}
	if g.Role.Seated() {
		w.MyDots = r.state.DotsOf(g)
	}
	var missed []frames
	if a.epoch == r.epoch && a.seq > 0 {
		missed, w.Resumed = r.ring.since(a.seq, r.state.Seq)
	}
	a.s.deliver(protocol.AppendEnvelope(nil, protocol.Envelope{Type: protocol.TypeWelcome, Data: protocol.EncodeData(w)}), true)
	if w.Resumed {
		for _, f := range missed {
			a.s.deliver(f.forRole(g.Role), true)
		}
	} else {
		a.s.deliver(r.snapshotFrame(g.Role), true)
	}
	r.subs[a.s] = struct{}{}
	return nil
}

// snapshotFrame encodes the café as role sees it, once per seq and view: a
// storm of reconnects after a Wi-Fi drop costs one encoding, not thousands.
func (r *runner) snapshotFrame(role protocol.Role) []byte {
	i := 0
	if role == protocol.RoleFacilitator {
		i = 1
	}
	c := &r.snapCache[i]
	if c.frame == nil || c.seq != r.state.Seq {
		c.seq = r.state.Seq
		c.frame = protocol.AppendEnvelope(nil, protocol.Envelope{
			Type: protocol.TypeSnapshot, Seq: r.state.Seq, Epoch: r.epoch,
			Data: protocol.EncodeData(r.state.View(role)),
		})
	}
	return c.frame
}

// maybeSnapshot saves the state every SnapshotEvery events and at phase
// changes, so recovery replays a short tail. Encoding happens here (the
// state is ours); the write happens aside, one at a time.
func (r *runner) maybeSnapshot(events []protocol.Event) {
	if len(events) == 0 || r.snapBusy.Load() {
		return
	}
	due := r.state.Seq-r.snapSeq >= uint64(r.srv.cfg.SnapshotEvery)
	for _, ev := range events {
		due = due || cafe.PhaseChange(ev)
	}
	if !due {
		return
	}
	b, err := json.Marshal(r.state)
	if err != nil {
		r.log.Error("encoding snapshot", "err", err)
		return
	}
	seq := r.state.Seq
	r.snapSeq = seq
	r.snapBusy.Store(true)
	r.srv.background.Add(1)
	go func() {
		defer r.srv.background.Done()
		defer r.snapBusy.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.srv.store.SaveSnapshot(ctx, r.id, seq, b); err != nil && !errors.Is(err, store.ErrClosed) {
			r.log.Error("saving snapshot", "seq", seq, "err", err)
		}
	}()
}

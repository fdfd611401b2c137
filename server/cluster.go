package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// Cluster mode: several nodes share one store (store/redis). Each café has
// one owner at a time, the node holding its lease, which runs its state
// machine exactly as a single node does, except that every append carries
// the lease's fencing token. Every other node that serves the café's devices
// runs a follower: it folds the owner's events (relayed by the store's
// subscription, the log read on any gap) into its own copy of the state, fans
// them out to its devices, and forwards their commands to the owner through
// the owner's mailbox. A follower that finds the lease free (the owner died
// or was cut off past its lease) takes it, catches up from the log, re-arms
// the round's timer and carries on as the owner; a stale owner's appends are
// refused by the fence, and it steps down to follower.
//
// None of this runs unless the store is shared: with bbolt a server is the
// only node, owns every café and never forwards.

// sharedStore is what cluster mode needs of the store, beyond store.Store.
type sharedStore interface {
	store.Fenced
	store.Subscriber
	mailbox
}

// mailbox carries messages between nodes: forwarded commands to a café's
// owner, and their results back. Delivery is at most once; a sender that
// hears nothing in time tells its device to try again, and commands are
// idempotent by their ids (a note's client-made id).
type mailbox interface {
	// Send queues msg for node.
	Send(ctx context.Context, node string, msg []byte) error
	// Receive returns the next message for node, waiting until one comes or
	// ctx is done.
	Receive(ctx context.Context, node string) ([]byte, error)
}

// cluster is a node's part in a cluster: its name, its shared store and the
// forwarded commands that wait for an answer.
type cluster struct {
	node  string
	st    sharedStore
	lease time.Duration

	mu      sync.Mutex
	pending map[string]chan []fwdResult
}

var errNotOwner = protocol.Errorf(protocol.CodeUnavailable, "this café is moving to another server; please try again")

// mail is one message between nodes.
type mail struct {
	Kind    string       `json:"kind"` // "commands" or "results"
	ID      string       `json:"id"`
	Cafe    string       `json:"cafe,omitempty"`
	ReplyTo string       `json:"reply_to,omitempty"`
	Cmds    []fwdCommand `json:"cmds,omitempty"`
	Results []fwdResult  `json:"results,omitempty"`
}

type fwdCommand struct {
	Type  string          `json:"type"`
	Actor cafe.Actor      `json:"actor"`
	Data  json.RawMessage `json:"data,omitempty"`
}

type fwdResult struct {
	Ack    protocol.Ack     `json:"ack"`
	Events []protocol.Event `json:"events,omitempty"` // only for joins, which read their events
	Err    *protocol.Error  `json:"err,omitempty"`
}

func newCluster(st store.Store, cfg Config) *cluster {
	sh, ok := st.(sharedStore)
	if !ok {
		return nil
	}
	node := cfg.Node
	if node == "" {
		node = uuid.NewString()
	}
	return &cluster{node: node, st: sh, lease: cfg.LeaseTTL, pending: map[string]chan []fwdResult{}}
}

// encodeCommand makes a command travel: its data as JSON, decoded again by
// the owner with the same decoders that read a device's frame.
func encodeCommand(cmd cafe.Command) (fwdCommand, error) {
	f := fwdCommand{Type: cmd.Type, Actor: cmd.Actor}
	if cmd.Data != nil {
		b, err := json.Marshal(cmd.Data)
		if err != nil {
			return f, fmt.Errorf("encoding %s to forward it: %w", cmd.Type, err)
		}
		f.Data = b
	}
	return f, nil
}

func decodeCommand(f fwdCommand) (cafe.Command, error) {
	cmd := cafe.Command{Type: f.Type, Actor: f.Actor}
	switch f.Type {
	case protocol.CmdJoin:
		var j cafe.Join
		if err := json.Unmarshal(f.Data, &j); err != nil {
			return cmd, fmt.Errorf("decoding a forwarded join: %w", err)
		}
		cmd.Data = j
	case protocol.CmdCafeCreate:
		var c cafe.Create
		if err := json.Unmarshal(f.Data, &c); err != nil {
			return cmd, fmt.Errorf("decoding a forwarded create: %w", err)
		}
		cmd.Data = c
	case protocol.CmdTimeUp:
	default:
		data, err := protocol.DecodeCommand(&protocol.Envelope{V: protocol.Version, Type: f.Type, Data: f.Data})
		if err != nil {
			return cmd, err
		}
		cmd.Data = data
	}
	return cmd, nil
}

func toResult(r fwdResult) result {
	res := result{ack: r.Ack, events: r.Events}
	if r.Err != nil {
		res.err = r.Err
	}
	return res
}

func fromResult(r result) fwdResult {
	out := fwdResult{Ack: r.ack}
	if r.err != nil {
		out.Err = &protocol.Error{Code: publicCode(r.err), Message: protocol.ErrorMessage(r.err)}
		return out
	}
	for _, ev := range r.events {
		if strings.HasPrefix(ev.Type, "participant.") { // a join reads who joined
			out.Events = append(out.Events, protocol.Event{Seq: ev.Seq, At: ev.At, Type: ev.Type, Data: ev.Data})
		}
	}
	return out
}

// forward sends a batch of commands to the café's owner and answers each
// request with the owner's result, or with a retry-later error when the
// owner cannot be reached in time. It runs on the follower's forwarding
// goroutine, one batch at a time, so a device's commands keep their order.
func (c *cluster) forward(ctx context.Context, r *runner, batch []*request, timeout time.Duration) {
	cafeID := r.id
	fail := func(err error) {
		for _, req := range batch {
			if req.done != nil {
				req.done(result{err: err})
			}
		}
	}
	owner, _, err := c.st.LeaseHolder(ctx, cafeID)
	if err != nil {
		fail(errNotOwner)
		return
	}
	m := mail{Kind: "commands", ID: uuid.NewString(), Cafe: cafeID, ReplyTo: c.node}
	for _, req := range batch {
		f, err := encodeCommand(req.cmd)
		if err != nil {
			fail(err)
			return
		}
		m.Cmds = append(m.Cmds, f)
	}
	b, err := json.Marshal(m)
	if err != nil {
		fail(fmt.Errorf("encoding forwarded commands: %w", err))
		return
	}
	ch := make(chan []fwdResult, 1)
	c.mu.Lock()
	c.pending[m.ID] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, m.ID)
		c.mu.Unlock()
	}()
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := c.st.Send(tctx, owner, b); err != nil {
		fail(errNotOwner)
		return
	}
	// While waiting, watch the lease: when another node takes it, the
	// owner asked is gone, and the device should try again at once rather
	// than at the timeout.
	watch := time.NewTicker(c.lease / 3)
	defer watch.Stop()
	for {
		select {
		case results := <-ch:
			if len(results) != len(batch) {
				fail(fmt.Errorf("owner answered %d of %d forwarded commands", len(results), len(batch)))
				return
			}
			for i, req := range batch {
				r.answer(ctx, req, toResult(results[i]))
			}
			return
		case <-watch.C:
			if now, _, err := c.st.LeaseHolder(tctx, cafeID); err == nil && now != owner {
				fail(errNotOwner)
				return
			}
		case <-tctx.Done():
			fail(errNotOwner)
			return
		}
	}
}

// serveMailbox receives this node's mail until ctx is done: commands for the
// cafés it owns, and the results of commands it forwarded.
func (s *Server) serveMailbox(ctx context.Context) {
	c := s.cluster
	for ctx.Err() == nil {
		b, err := c.st.Receive(ctx, c.node)
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
				s.log.Warn("reading this node's mailbox", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(100 * time.Millisecond):
				}
			}
			continue
		}
		var m mail
		if err := json.Unmarshal(b, &m); err != nil {
			s.log.Warn("a message between nodes is not JSON", "err", err)
			continue
		}
		switch m.Kind {
		case "results":
			c.mu.Lock()
			ch := c.pending[m.ID]
			c.mu.Unlock()
			if ch != nil {
				select {
				case ch <- m.Results:
				default: // a duplicate answer; the first one counts
				}
			}
		case "commands":
			go s.runForwarded(ctx, m)
		}
	}
}

// runForwarded runs commands another node forwarded to this one as the
// café's owner and mails the results back.
func (s *Server) runForwarded(ctx context.Context, m mail) {
	c := s.cluster
	results := make([]fwdResult, len(m.Cmds))
	r, err := s.runner(ctx, m.Cafe)
	if err == nil && !r.isOwner.Load() {
		err = errNotOwner
	}
	if err != nil {
		for i := range results {
			results[i] = fromResult(result{err: err})
		}
	} else {
		var wg sync.WaitGroup
		for i, f := range m.Cmds {
			cmd, err := decodeCommand(f)
			if err != nil {
				results[i] = fromResult(result{err: err})
				continue
			}
			wg.Add(1)
			r.submit(cmd, func(res result) {
				if errors.Is(res.err, errUnloaded) {
					res.err = errNotOwner // the sender's device tries again
				}
				results[i] = fromResult(res)
				wg.Done()
			})
		}
		wg.Wait()
	}
	b, err := json.Marshal(mail{Kind: "results", ID: m.ID, Results: results})
	if err != nil {
		s.log.Error("encoding forwarded results", "err", err)
		return
	}
	sctx, cancel := context.WithTimeout(ctx, s.cfg.ForwardTimeout)
	defer cancel()
	if err := c.st.Send(sctx, m.ReplyTo, b); err != nil {
		s.log.Warn("answering a forwarded command", "node", m.ReplyTo, "err", err)
	}
}

// watchOrphans loads, every lease length, the cafés whose round runs and
// that no node holds: a round whose owner died while no device was left to
// bring the café back still ends on time.
func (s *Server) watchOrphans(ctx context.Context) {
	t := time.NewTicker(s.cluster.lease)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		wakes, err := s.store.Wakes(ctx)
		if err != nil {
			continue
		}
		for id := range wakes {
			if _, _, err := s.cluster.st.LeaseHolder(ctx, id); errors.Is(err, store.ErrNotFound) {
				if _, err := s.runner(ctx, id); err != nil && ctx.Err() == nil {
					s.log.Warn("taking over a running café", "cafe", id, "err", err)
				}
			}
		}
	}
}

// ownership is the runner's side of cluster mode; every field is owned by
// the run goroutine except isOwner, which the mailbox reads.
type ownership struct {
	isOwner   atomic.Bool
	token     uint64
	renewedAt time.Time
	relay     <-chan protocol.Event
	fwd       chan []*request
	answers   chan answered
}

// owns says whether this runner may decide and append: always on a single
// node, only under the lease in a cluster.
func (r *runner) owns() bool { return r.srv.cluster == nil || r.isOwner.Load() }

// append makes events durable, fenced by the lease in a cluster.
func (r *runner) append(ctx context.Context, events []protocol.Event, wake time.Time) error {
	if r.srv.cluster == nil {
		return r.srv.store.Append(ctx, r.id, events, wake)
	}
	return r.srv.cluster.st.AppendFenced(ctx, r.id, events, wake, r.token)
}

// claim readies a runner for a café that does not exist yet: in a cluster it
// subscribes and takes the lease, which no node holds for a new id.
func (r *runner) claim(ctx context.Context) error {
	c := r.srv.cluster
	if c == nil {
		return nil
	}
	if err := r.subscribe(ctx); err != nil {
		return err
	}
	tok, err := c.st.AcquireLease(ctx, r.id, c.node, c.lease)
	if err != nil {
		return fmt.Errorf("taking the lease of a new café: %w", err)
	}
	r.token, r.renewedAt = tok, time.Now()
	r.isOwner.Store(true)
	return nil
}

func (r *runner) subscribe(ctx context.Context) error {
	ch, err := r.srv.cluster.st.Subscribe(r.ctx, r.id)
	if err != nil {
		return fmt.Errorf("subscribing to the café's events: %w", err)
	}
	r.relay = ch
	return nil
}

// tryOwn takes the café's lease if no node holds it. The log cannot move
// once the lease is ours, so catching up after taking it leaves nothing out.
func (r *runner) tryOwn(ctx context.Context) {
	c := r.srv.cluster
	tok, err := c.st.AcquireLease(ctx, r.id, c.node, c.lease)
	if err != nil {
		if !errors.Is(err, store.ErrConflict) {
			r.log.Warn("taking the café's lease", "err", err)
		}
		return
	}
	r.token, r.renewedAt = tok, time.Now()
	if err := r.catchUp(ctx); err != nil {
		r.log.Warn("catching up after taking the lease; giving it back", "err", err)
		r.release()
		return
	}
	r.isOwner.Store(true)
	r.srv.metrics.Takeovers.Add(1)
	r.log.Info("this node owns the café now", "token", tok, "seq", r.state.Seq)
}

// disown stops acting as the owner: another node holds the lease, or this
// one could not renew it in time.
func (r *runner) disown() {
	r.isOwner.Store(false)
	r.token = 0
}

// release gives the lease back when the café is unloaded, so that another
// node need not wait for it to lapse.
func (r *runner) release() {
	if r.srv.cluster == nil || !r.isOwner.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = r.srv.cluster.st.ReleaseLease(ctx, r.id, r.token) // a lapsed lease is released too
	r.disown()
}

// startCluster starts the lease's clock and the forwarding goroutine.
func (r *runner) startCluster(ctx context.Context) {
	c := r.srv.cluster
	r.clusterT = time.NewTicker(c.lease / 3)
	r.clusterC = r.clusterT.C
	r.fwd = make(chan []*request, 64)
	r.answers = make(chan answered, 64)
	go func() {
		for {
			select {
			case <-ctx.Done():
				// Batches still queued are answered, never dropped.
				for {
					select {
					case batch := <-r.fwd:
						for _, req := range batch {
							if req.done != nil {
								req.done(result{err: errNotOwner})
							}
						}
					default:
						return
					}
				}
			case batch := <-r.fwd:
				c.forward(ctx, r, batch, r.srv.cfg.ForwardTimeout)
			}
		}
	}()
}

// answered is the owner's answer to a forwarded command, on its way to the
// device through the runner.
type answered struct {
	req *request
	res result
}

// answer hands the owner's answer to the run goroutine, which sends it only
// once the events it acknowledges have gone out: on every connection the
// events of a command arrive before its ack, on a follower too.
func (r *runner) answer(ctx context.Context, req *request, res result) {
	if req.done == nil {
		return
	}
	select {
	case r.answers <- answered{req, res}:
	case <-ctx.Done():
		req.done(res)
	}
}

// deliverAnswer sends a forwarded command's answer, reading the log first
// if its events have not arrived through the subscription yet.
func (r *runner) deliverAnswer(ctx context.Context, a answered) {
	if a.res.err == nil && a.res.ack.Seq > r.sent {
		if err := r.catchUp(ctx); err != nil {
			r.log.Warn("reading the events of a forwarded command", "err", err)
		}
	}
	a.req.done(a.res)
}

// toOwner hands a follower's batch to the forwarding goroutine.
func (r *runner) toOwner(batch []*request) {
	select {
	case r.fwd <- batch:
	default:
		for _, req := range batch {
			if req.done != nil {
				req.done(result{err: errBusy})
			}
		}
	}
}

// relayed folds an event another node appended. Events this runner has
// already are ignored; a gap, or a subscription that ended, sends it to
// the log.
func (r *runner) relayed(ctx context.Context, ev protocol.Event, ok bool) {
	if !ok {
		r.relay = nil // resubscribed at the next tick
		return
	}
	switch {
	case ev.Seq <= r.state.Seq:
	case r.isOwner.Load():
		// Someone else appended: the lease is not ours any more.
		r.log.Warn("another node appended to this café; following it", "seq", ev.Seq)
		r.disown()
		r.reload(ctx)
	case ev.Seq == r.state.Seq+1:
		if err := r.srv.apply(r.state, ev); err != nil {
			r.log.Error("folding a relayed event", "seq", ev.Seq, "err", err)
			r.reload(ctx)
			return
		}
		r.publish([]protocol.Event{ev})
	default:
		if err := r.catchUp(ctx); err != nil {
			r.log.Warn("reading missed events", "err", err)
		}
	}
}

// catchUp folds and fans out every event the log has after the state's.
func (r *runner) catchUp(ctx context.Context) error {
	for {
		evs, err := r.srv.store.Events(ctx, r.id, r.state.Seq, 1000)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		for _, ev := range evs {
			if err := r.srv.apply(r.state, ev); err != nil {
				r.reload(ctx)
				return fmt.Errorf("folding event %d from the log: %w", ev.Seq, err)
			}
		}
		r.publish(evs)
	}
}

// reload puts the state back to the log's.
func (r *runner) reload(ctx context.Context) {
	if err := r.load(ctx); err != nil {
		r.log.Error("reloading the café", "err", err)
	}
}

// clusterTick renews the lease of an owner; a follower resubscribes if it
// lost its subscription, checks the log for anything the subscription
// missed, and takes the lease when it is free.
func (r *runner) clusterTick(ctx context.Context) {
	c := r.srv.cluster
	if r.relay == nil {
		if err := r.subscribe(ctx); err != nil {
			r.log.Warn("resubscribing", "err", err)
		}
	}
	if r.isOwner.Load() {
		err := c.st.RenewLease(ctx, r.id, r.token, c.lease)
		switch {
		case err == nil:
			r.renewedAt = time.Now()
		case errors.Is(err, store.ErrFenced) || time.Since(r.renewedAt) >= c.lease:
			r.log.Warn("lost the café's lease; following its new owner", "err", err)
			r.disown()
			r.reload(ctx)
		}
		return
	}
	if err := r.catchUp(ctx); err != nil {
		r.log.Warn("reading missed events", "err", err)
	}
	r.tryOwn(ctx)
}

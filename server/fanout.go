package server

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// The runner's fan-out: each event is encoded once per audience, kept in the
// resume ring and queued as the same bytes for every subscriber. Everything
// here runs on the runner's goroutine.

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

type cachedSnapshot struct {
	seq   uint64
	frame []byte
}

// encode makes the frames of ev: encoded once per audience, never per
// connection.
func (r *runner) encode(ev protocol.Event) frames {
	fs := r.encodeCafe(ev)
	pub, ok := cafe.ForPublic(r.state, ev)
	switch {
	case !ok:
	case sameEvent(pub, ev):
		fs.public = fs.full
	default:
		fs.public = protocol.AppendEvent(nil, pub)
	}
	return fs
}

// encodeCafe makes the frames of ev for the café's own audiences, without
// the public's: what the resume window keeps.
func (r *runner) encodeCafe(ev protocol.Event) frames {
	full := protocol.AppendEvent(nil, ev)
	if room, changed := cafe.Redact(r.state, ev); changed {
		return frames{full: full, room: protocol.AppendEvent(nil, room)}
	}
	return frames{full: full, room: full}
}

// sameEvent reports whether a and b encode alike (Private is never
// encoded), so that an event the public gets unchanged costs no second
// encoding.
func sameEvent(a, b protocol.Event) bool {
	return a.Seq == b.Seq && a.At == b.At && a.Type == b.Type && bytes.Equal(a.Data, b.Data)
}

// fillRing refills the resume window from the store, so clients that were
// connected before a restart get exactly what they missed instead of a
// snapshot.
func (r *runner) fillRing(ctx context.Context) error {
	r.ring.reset()
	window := uint64(r.srv.cfg.ResumeWindow)
	after := uint64(0)
	if r.state.Seq > window {
		after = r.state.Seq - window
	}
	evs, err := r.srv.store.Events(ctx, r.id, after, int(window))
	if err != nil {
		return err
	}
	// Redaction depends on the state at the event; for the window's older
	// events the current state is a safe stand-in (it only hides more).
	for _, ev := range evs {
		r.ring.push(ev.Seq, r.encodeCafe(ev))
	}
	return nil
}

// publish encodes each event once, keeps it in the resume window and
// queues the bytes for every subscriber. A batch that hides something
// redacts the window too (redactRing), before anyone can resume from it.
func (r *runner) publish(events []protocol.Event) {
	var hidden map[string]bool
	for _, ev := range events {
		fs := r.encode(ev)
		r.ring.push(ev.Seq, fs)
		r.fanOut(ev, fs)
		if id, ok := hiddenBy(ev); ok {
			if hidden == nil {
				hidden = map[string]bool{}
			}
			hidden[id] = true
		}
	}
	if hidden != nil {
		r.redactRing(hidden)
	}
}

// fanOut queues one event's frames for every subscriber whose audience
// gets it (public pages get only some). A subscriber whose queue is full is
// dropped, never waited for.
func (r *runner) fanOut(ev protocol.Event, fs frames) {
	if ev.Type == protocol.EvParticipantRemoved {
		r.dropRemoved(ev)
	}
	for s := range r.subs {
		b := fs.forRole(s.actor().Role)
		if b == nil {
			continue
		}
		switch s.deliver(b, false) {
		case pushFull:
			delete(r.subs, s)
			r.srv.metrics.SlowConsumers.Add(1)
			s.kill(protocol.CloseSlowConsumer, "too slow: reconnect to resume", false)
		case pushClosed:
			delete(r.subs, s)
		}
	}
	r.sent = ev.Seq
}

// sendSince fans out the log's events after seq up to the state's: what the
// subscribers have not had when the state was reloaded past them (a node
// that stepped down finds the new owner's events in the log).
func (r *runner) sendSince(ctx context.Context, seq uint64) error {
	for seq < r.state.Seq {
		evs, err := r.srv.store.Events(ctx, r.id, seq, int(min(r.state.Seq-seq, 1000)))
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		for _, ev := range evs {
			if ev.Seq > r.state.Seq {
				return nil
			}
			r.fanOut(ev, r.encode(ev))
			seq = ev.Seq
		}
	}
	return nil
}

// dropRemoved closes the connections of the participant ev removes, once
// the removal has gone out to them: their token is worth nothing now, and
// the close code tells their phone not to come back with it.
func (r *runner) dropRemoved(ev protocol.Event) {
	var rm protocol.ParticipantRemoved
	if err := json.Unmarshal(ev.Data, &rm); err != nil {
		r.log.Error("reading participant.removed", "err", err)
		return
	}
	for s := range r.subs {
		if a := s.actor(); a.Role.Seated() && a.ParticipantID == rm.ParticipantID {
			delete(r.subs, s)
			s.deliver(r.encodeCafe(ev).forRole(a.Role), true)
			s.kill(protocol.CloseUnauthorized, errRemoved.Message, true)
		}
	}
}

var errRemoved = protocol.Errorf(protocol.CodeUnauthorized, "you were removed from this café by the facilitator")

func (r *runner) doAttach(a *attachReq) error {
	g := a.s.actor()
	if g.Role.Seated() {
		p, ok := r.state.Participants[g.ParticipantID]
		if !ok {
			return protocol.Errorf(protocol.CodeUnauthorized, "this invitation is not valid for this café")
		}
		if p.Removed {
			return errRemoved
		}
		// The café's state knows whether this person hosts a table. The
		// session reads its role only after attach returns.
		g.Role = p.Role
		a.s.setRole(p.Role)
	}
	if g.Role == protocol.RolePublic && r.state.PublicCode == "" {
		// A café made before there were public pages has none to follow.
		return protocol.Errorf(protocol.CodeNotFound, "this café has no public pages")
	}
	w := protocol.Welcome{
		Cafe: r.id, Role: g.Role, ParticipantID: g.ParticipantID,
		Epoch: r.epoch, Seq: r.state.Seq, ServerTime: r.srv.cfg.Now().UnixMilli(),
	}
	if g.Role.Seated() {
		w.MyDots = r.state.DotsOf(g)
		w.MyNotes = r.state.NotesOf(g.ParticipantID)
	}
	var missed []frames
	// A public page always gets a snapshot: it receives only some of the
	// café's events, so its seq has gaps by design and says nothing of
	// what it missed; the resume window does not keep its frames either.
	if a.epoch == r.epoch && a.seq > 0 && g.Role != protocol.RolePublic {
		missed, w.Resumed = r.ring.since(a.seq, r.state.Seq)
	}
	if w.Resumed && catchUpBytes(missed, g.Role) > r.srv.cfg.QueueBytes {
		// Catching up would queue more than a connection may hold: a
		// snapshot (encoded once, shared by every connection) is smaller
		// than the events and costs the server nothing per reconnect.
		missed, w.Resumed = nil, false
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

// catchUpBytes is what queuing missed for role would hold.
func catchUpBytes(missed []frames, role protocol.Role) int {
	n := 0
	for _, f := range missed {
		n += len(f.forRole(role))
	}
	return n
}

// snapshotFrame encodes the café as role sees it, once per seq and view: a
// storm of reconnects after a Wi-Fi drop costs one encoding, not thousands.
func (r *runner) snapshotFrame(role protocol.Role) []byte {
	c := &r.snapCache[snapView(role)]
	if c.frame == nil || c.seq != r.state.Seq {
		c.seq = r.state.Seq
		c.frame = protocol.AppendEnvelope(nil, protocol.Envelope{
			Type: protocol.TypeSnapshot, Seq: r.state.Seq, Epoch: r.epoch,
			Data: protocol.EncodeData(r.snapshotView(role)),
		})
	}
	return c.frame
}

// snapshotView is what a snapshot holds for role. A public page's socket
// only tells the page when to draw itself again (the server draws the
// public's view into the page, public.go): its snapshot names the café and
// its seq, and costs a phone on a slow link nothing however big the
// consultation grew.
func (r *runner) snapshotView(role protocol.Role) protocol.Snapshot {
	if role == protocol.RolePublic {
		return r.state.Header()
	}
	return r.state.View(role)
}

// snapView is role's slot in the snapshot cache: the facilitator, the
// public, and everyone else in the café, who all see the same.
func snapView(role protocol.Role) int {
	switch role {
	case protocol.RoleFacilitator:
		return 1
	case protocol.RolePublic:
		return 2
	}
	return 0
}

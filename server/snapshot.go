package server

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// Snapshots of a café's state, so that loading it replays a short tail
// instead of the whole log. They are an optimisation: the log alone always
// rebuilds the café.

// maybeSnapshot saves the state every SnapshotEvery events and at phase
// changes. Encoding happens here (the state is the runner's); the write
// happens aside, one at a time.
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
	b, seq, ok := r.encodeSnapshot()
	if !ok {
		return
	}
	r.snapBusy.Store(true)
	r.srv.background.Add(1)
	go func() {
		defer r.srv.background.Done()
		defer r.snapBusy.Store(false)
		r.writeSnapshot(seq, b)
	}()
}

// saveSnapshotNow saves the state before the café is unloaded, so that its
// next load is quick; it waits for the write.
func (r *runner) saveSnapshotNow() {
	if r.state.Seq == r.snapSeq || !r.state.Exists() {
		return
	}
	if b, seq, ok := r.encodeSnapshot(); ok {
		r.writeSnapshot(seq, b)
	}
}

func (r *runner) encodeSnapshot() ([]byte, uint64, bool) {
	b, err := json.Marshal(r.state)
	if err != nil {
		r.log.Error("encoding snapshot", "err", err)
		return nil, 0, false
	}
	r.snapSeq = r.state.Seq
	return b, r.state.Seq, true
}

func (r *runner) writeSnapshot(seq uint64, b []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.srv.store.SaveSnapshot(ctx, r.id, seq, b); err != nil && !errors.Is(err, store.ErrClosed) {
		r.log.Error("saving snapshot", "seq", seq, "err", err)
	}
}

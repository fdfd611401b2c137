package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// Rebuild returns a café's state from s: the newest snapshot plus the events
// after it, or the whole log when there is no snapshot or it cannot be read
// (snapshots are an optimisation, never the only copy). It also returns the
// log's epoch. ErrNotFound if the café has no log.
func Rebuild(ctx context.Context, s Store, id string) (*cafe.State, uint64, error) {
	rec, err := s.Load(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	st := cafe.New(id)
	tail := rec.Tail
	if rec.Snapshot != nil {
		if err := json.Unmarshal(rec.Snapshot, st); err != nil || st.Seq != rec.SnapshotSeq || st.ID != id {
			st = cafe.New(id)
			if tail, err = AllEvents(ctx, s, id); err != nil {
				return nil, 0, err
			}
		}
	}
	if st.Participants == nil {
		st.Participants = map[string]*cafe.Participant{}
	}
	if st.Notes == nil {
		st.Notes = map[string]*cafe.Note{}
	}
	for _, ev := range tail {
		if err := cafe.Apply(st, ev); err != nil {
			return nil, 0, fmt.Errorf("rebuilding café %s: %w", id, err)
		}
	}
	return st, rec.Epoch, nil
}

// AllEvents reads a café's whole log, in pages.
func AllEvents(ctx context.Context, s Store, id string) ([]protocol.Event, error) {
	var out []protocol.Event
	for {
		evs, err := s.Events(ctx, id, uint64(len(out)), 10_000)
		if err != nil {
			return nil, err
		}
		if len(evs) == 0 {
			return out, nil
		}
		out = append(out, evs...)
	}
}

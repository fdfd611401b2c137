package cafe

import (
	"encoding/json"
	"fmt"

	"github.com/worldcafe/worldcafe/protocol"
)

// Apply folds ev into s. Events must come in order (ev.Seq == s.Seq+1); an
// event that does not fit is an error and leaves s unchanged, because it means
// the log and the state have parted ways.
func Apply(s *State, ev protocol.Event) error {
	if ev.Seq != s.Seq+1 {
		return fmt.Errorf("cafe %s: event %d (%s) after %d: out of order", s.ID, ev.Seq, ev.Type, s.Seq)
	}
	if err := apply(s, ev); err != nil {
		return fmt.Errorf("cafe %s: event %d (%s): %w", s.ID, ev.Seq, ev.Type, err)
	}
	s.Seq = ev.Seq
	return nil
}

func decode[T any](ev protocol.Event) (T, error) {
	var v T
	err := json.Unmarshal(ev.Data, &v)
	return v, err
}

// decodePrivate reads the private part of ev; most events have none.
func decodePrivate(ev protocol.Event) (private, error) {
	var p private
	if len(ev.Private) == 0 {
		return p, nil
	}
	err := json.Unmarshal(ev.Private, &p)
	return p, err
}

// features are the appliers of the café's features, each beside its
// decisions in its own file; each folds the events it knows and reports
// ok = false for the others.
var features = []func(*State, protocol.Event) (ok bool, err error){
	applyCreate, applyRounds, applySeating, applyNotes, applyBroadcast,
	applyGroups, applyParticipants, applyHarvest,
	applyOnline, applyTownHall, applyQueue, applyFindings, applyConsultation,
}

func apply(s *State, ev protocol.Event) error {
	for _, f := range features {
		if ok, err := f(s, ev); ok {
			return err
		}
	}
	return fmt.Errorf("unknown event type")
}

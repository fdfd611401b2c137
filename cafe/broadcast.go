package cafe

import "github.com/worldcafe/worldcafe/protocol"

// The broadcast: one line from the facilitator on every device. It lasts
// until the facilitator clears it (an empty text) or the phase changes: a
// line said for a round ("swap note-takers now") must not linger into the
// town hall, the harvest or a closed café. Time up is no phase change: the
// round goes on until the facilitator ends it, and so does its line.

func (d *decider) broadcast(b protocol.Broadcast) error {
	text, err := cleanText("broadcast", b.Text, protocol.MaxBroadcastRunes, false, true)
	if err != nil {
		return err
	}
	if text == d.s.Broadcast {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvBroadcastSet, protocol.BroadcastSet{Text: text})
	return nil
}

// clearBroadcast ends the showing line when the phase changes, with the
// broadcast.set every client already folds. Every command that changes the
// phase calls it right after its phase event.
func (d *decider) clearBroadcast() {
	if d.s.Broadcast != "" {
		d.emit(protocol.EvBroadcastSet, protocol.BroadcastSet{Text: ""})
	}
}

// applyBroadcast folds the events of this file; ok is false for others.
func applyBroadcast(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvBroadcastSet:
		b, err := decode[protocol.BroadcastSet](ev)
		if err != nil {
			return true, err
		}
		s.Broadcast = b.Text
	default:
		return false, nil
	}
	return true, nil
}

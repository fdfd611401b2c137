package cafe

import "github.com/worldcafe/worldcafe/protocol"

// The broadcast: one line from the facilitator on every device.

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

package cafe

import "github.com/worldcafe/worldcafe/protocol"

// The consultation's conclusion: the facilitator's closing words over the
// café, the town hall and the online space, which end its report. It may be
// written at any time, the café closed included.

func (d *decider) conclude(c protocol.Conclusion) error {
	text, err := cleanText("the conclusion", c.Text, protocol.MaxConclusionRunes, true, true)
	if err != nil {
		return err
	}
	if text == d.s.Conclusion {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvConcluded, protocol.Conclusion{Text: text})
	return nil
}

// applyConsultation folds the events of this file; ok is false for others.
func applyConsultation(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvConcluded:
		c, err := decode[protocol.Conclusion](ev)
		if err != nil {
			return true, err
		}
		s.Conclusion = c.Text
	default:
		return false, nil
	}
	return true, nil
}

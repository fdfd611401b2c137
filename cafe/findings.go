package cafe

import "github.com/worldcafe/worldcafe/protocol"

// The town hall's key findings, written live by the scribe (or the
// facilitator) and carried into the report. Finding ids are made by the
// client, so a resent finding is recognised.

// Finding is one key finding of the town hall.
type Finding struct {
	ID   string `json:"id"`
	Seq  uint64 `json:"seq"`
	Text string `json:"text"`
	At   int64  `json:"at"`
}

// FindingList returns the findings in the order they were first written.
func (s *State) FindingList() []*Finding {
	if s.TownHall == nil {
		return nil
	}
	return bySeq(s.TownHall.Findings, func(f *Finding) uint64 { return f.Seq })
}

func (s *State) finding(id string) *Finding {
	if s.TownHall == nil {
		return nil
	}
	return s.TownHall.Findings[id]
}

func findingText(text string) (string, error) {
	return cleanText("the finding", text, protocol.MaxFindingRunes, true, false)
}

func (d *decider) findingAdd(f protocol.Finding) error {
	if err := validID("finding_id", f.FindingID); err != nil {
		return err
	}
	text, err := findingText(f.Text)
	if err != nil {
		return err
	}
	if old := d.s.finding(f.FindingID); old != nil {
		if old.Text == text {
			d.duplicate = true
			return nil
		}
		return protocol.Errorf(protocol.CodeConflict, "finding id %q is already used", f.FindingID)
	}
	if d.s.TownHall != nil && len(d.s.TownHall.Findings) >= protocol.MaxFindings {
		return protocol.Errorf(protocol.CodeConflict, "the town hall has at most %d findings", protocol.MaxFindings)
	}
	d.emit(protocol.EvFindingAdded, protocol.Finding{FindingID: f.FindingID, Text: text})
	return nil
}

// existingFinding is the finding an edit or a delete names.
func (d *decider) existingFinding(id string) (*Finding, error) {
	if err := validID("finding_id", id); err != nil {
		return nil, err
	}
	f := d.s.finding(id)
	if f == nil {
		return nil, protocol.Errorf(protocol.CodeNotFound, "there is no finding %q", id)
	}
	return f, nil
}

func (d *decider) findingEdit(e protocol.Finding) error {
	f, err := d.existingFinding(e.FindingID)
	if err != nil {
		return err
	}
	text, err := findingText(e.Text)
	if err != nil {
		return err
	}
	if text == f.Text {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvFindingEdited, protocol.Finding{FindingID: f.ID, Text: text})
	return nil
}

func (d *decider) findingDelete(r protocol.FindingRef) error {
	f, err := d.existingFinding(r.FindingID)
	if err != nil {
		return err
	}
	d.emit(protocol.EvFindingDeleted, protocol.FindingRef{FindingID: f.ID})
	return nil
}

// applyFindings folds the events of this file; ok is false for others.
func applyFindings(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvFindingAdded:
		f, err := decode[protocol.Finding](ev)
		if err != nil {
			return true, err
		}
		s.townHall().Findings[f.FindingID] = &Finding{ID: f.FindingID, Seq: ev.Seq, Text: f.Text, At: ev.At}
	case protocol.EvFindingEdited:
		e, err := decode[protocol.Finding](ev)
		if err != nil {
			return true, err
		}
		f := s.finding(e.FindingID)
		if f == nil {
			return true, errNoFinding
		}
		f.Text = e.Text
	case protocol.EvFindingDeleted:
		r, err := decode[protocol.FindingRef](ev)
		if err != nil {
			return true, err
		}
		if s.finding(r.FindingID) == nil {
			return true, errNoFinding
		}
		delete(s.TownHall.Findings, r.FindingID)
	default:
		return false, nil
	}
	return true, nil
}

var errNoFinding = protocol.Errorf(protocol.CodeNotFound, "no such finding")

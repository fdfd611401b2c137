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

func apply(s *State, ev protocol.Event) error {
	switch ev.Type {
	case protocol.EvCafeCreated:
		c, err := decode[protocol.CafeCreated](ev)
		if err != nil {
			return err
		}
		s.Title, s.Questions, s.Tables, s.Seats = c.Title, c.Questions, c.Tables, c.Seats
		s.RoundSeconds, s.AutoAdvance, s.JoinCode = c.RoundSeconds, c.AutoAdvance, c.JoinCode
		s.Phase = protocol.PhaseLobby
		s.Timer = Timer{State: protocol.TimerIdle}
	case protocol.EvRoundStarted:
		r, err := decode[protocol.RoundStarted](ev)
		if err != nil {
			return err
		}
		s.Phase, s.Round = protocol.PhaseRound, r.Round
		s.Timer = Timer{State: protocol.TimerRunning, Deadline: r.Deadline, DurationMS: r.DurationMS}
		for id, t := range s.NextSeats {
			if p, ok := s.Participants[id]; ok {
				p.Table = t
			}
		}
		s.NextSeats = nil
		seats := make(map[string]int, len(s.Participants))
		for _, p := range s.People() {
			seats[p.ID] = p.Table
		}
		if s.Seatings == nil {
			s.Seatings = map[int]map[string]int{}
		}
		s.Seatings[r.Round] = seats
	case protocol.EvRoundPaused:
		r, err := decode[protocol.RoundPaused](ev)
		if err != nil {
			return err
		}
		s.Timer.State, s.Timer.Deadline, s.Timer.RemainingMS = protocol.TimerPaused, 0, r.RemainingMS
	case protocol.EvRoundResumed:
		r, err := decode[protocol.RoundResumed](ev)
		if err != nil {
			return err
		}
		s.Timer.State, s.Timer.Deadline, s.Timer.RemainingMS = protocol.TimerRunning, r.Deadline, 0
	case protocol.EvRoundExtended:
		r, err := decode[protocol.RoundExtended](ev)
		if err != nil {
			return err
		}
		s.Timer.DurationMS += r.AddedMS
		if r.Deadline != 0 {
			s.Timer.State, s.Timer.Deadline, s.Timer.RemainingMS = protocol.TimerRunning, r.Deadline, 0
		} else {
			s.Timer.RemainingMS = r.RemainingMS
		}
	case protocol.EvRoundTimeUp:
		s.Timer = Timer{State: protocol.TimerTimeUp, DurationMS: s.Timer.DurationMS}
	case protocol.EvRoundEnded:
		s.Phase = protocol.PhaseTownHall
		s.Timer = Timer{State: protocol.TimerIdle}
	case protocol.EvSeatingPlanned:
		p, err := decode[protocol.SeatingPlanned](ev)
		if err != nil {
			return err
		}
		s.NextSeats = p.Seats
	case protocol.EvSeatAssigned:
		a, err := decode[protocol.SeatAssigned](ev)
		if err != nil {
			return err
		}
		p, ok := s.Participants[a.ParticipantID]
		if !ok {
			return fmt.Errorf("no participant %q", a.ParticipantID)
		}
		if s.Phase == protocol.PhaseLobby {
			p.Table = a.Table // round 1 starts from where people sit
		} else {
			if s.NextSeats == nil {
				s.NextSeats = map[string]int{}
			}
			s.NextSeats[p.ID] = a.Table
		}
		if s.Overrides == nil {
			s.Overrides = map[int]map[string]int{}
		}
		if s.Overrides[a.Round] == nil {
			s.Overrides[a.Round] = map[string]int{}
		}
		s.Overrides[a.Round][p.ID] = a.Table
	case protocol.EvNotePosted:
		n, err := decode[protocol.NotePosted](ev)
		if err != nil {
			return err
		}
		priv, err := decodePrivate(ev)
		if err != nil {
			return err
		}
		author := n.Author
		if n.Anonymous {
			author = priv.Author
		}
		if author == "" {
			return fmt.Errorf("note %q has no author", n.NoteID)
		}
		s.Notes[n.NoteID] = &Note{
			ID: n.NoteID, Seq: ev.Seq, Author: author, Anonymous: n.Anonymous, Round: n.Round,
			Question: n.Question, Table: n.Table, Text: n.Text, At: ev.At,
		}
	case protocol.EvNoteEdited:
		e, err := decode[protocol.NoteEdited](ev)
		if err != nil {
			return err
		}
		n, err := s.note(e.NoteID)
		if err != nil {
			return err
		}
		n.Text, n.EditedAt = e.Text, ev.At
	case protocol.EvNoteDeleted, protocol.EvNoteHidden, protocol.EvNoteUnhidden:
		r, err := decode[protocol.NoteRef](ev)
		if err != nil {
			return err
		}
		n, err := s.note(r.NoteID)
		if err != nil {
			return err
		}
		switch ev.Type {
		case protocol.EvNoteDeleted:
			n.Deleted, n.Text, n.Theme = true, "", ""
			s.unspotlight(n.ID)
		case protocol.EvNoteHidden:
			n.Hidden = true
			s.unspotlight(n.ID)
		default:
			n.Hidden = false
		}
	case protocol.EvBroadcastSet:
		b, err := decode[protocol.BroadcastSet](ev)
		if err != nil {
			return err
		}
		s.Broadcast = b.Text
	case protocol.EvHarvestStarted:
		s.Phase = protocol.PhaseHarvest
		s.NextSeats = nil
	case protocol.EvCafeClosed:
		s.Phase = protocol.PhaseClosed
		s.Timer = Timer{State: protocol.TimerIdle}
	default:
		if ok, err := applyParticipants(s, ev); ok {
			return err
		}
		if ok, err := applyHarvest(s, ev); ok {
			return err
		}
		return fmt.Errorf("unknown event type")
	}
	return nil
}

// unspotlight takes a note off the wall's spotlight when it goes away.
func (s *State) unspotlight(noteID string) {
	if s.Spotlight != nil && s.Spotlight.NoteID == noteID {
		s.Spotlight = nil
	}
}

func (s *State) note(id string) (*Note, error) {
	n, ok := s.Notes[id]
	if !ok {
		return nil, fmt.Errorf("no note %q", id)
	}
	return n, nil
}

// PhaseChange reports whether ev moves the café to another phase; the store
// takes a snapshot at each.
func PhaseChange(ev protocol.Event) bool {
	switch ev.Type {
	case protocol.EvCafeCreated, protocol.EvRoundStarted, protocol.EvRoundEnded,
		protocol.EvHarvestStarted, protocol.EvCafeClosed:
		return true
	}
	return false
}

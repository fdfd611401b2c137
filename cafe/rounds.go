package cafe

import (
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// The phases of a café and the round clock: rounds start, pause, resume,
// extend, run out and end; then the harvest, then the close.

// timeUpSlack lets a timer that fires a hair before the deadline (clocks are
// read at different moments) still end the round.
const timeUpSlack = 50 * time.Millisecond

func (d *decider) roundStart() error {
	next := d.s.Round + 1
	switch {
	case d.s.Phase != protocol.PhaseLobby && d.s.Phase != protocol.PhaseTownHall:
		return protocol.Errorf(protocol.CodeWrongPhase, "a round can start only from the lobby or a town hall")
	case next > d.s.Rounds():
		return protocol.Errorf(protocol.CodeWrongPhase, "all %d rounds have been played; start the harvest", d.s.Rounds())
	}
	dur := time.Duration(d.s.RoundSeconds) * time.Second
	d.emit(protocol.EvRoundStarted, protocol.RoundStarted{
		Round: next, Question: next - 1,
		Deadline:   d.now.Add(dur).UnixMilli(),
		DurationMS: dur.Milliseconds(),
	})
	d.clearBroadcast()
	return nil
}

func (d *decider) inRound() error {
	if d.s.Phase != protocol.PhaseRound {
		return protocol.Errorf(protocol.CodeWrongPhase, "no round is on")
	}
	return nil
}

func (d *decider) roundPause() error {
	if err := d.inRound(); err != nil {
		return err
	}
	if d.s.Timer.State != protocol.TimerRunning {
		return protocol.Errorf(protocol.CodeWrongPhase, "the clock is not running")
	}
	d.emit(protocol.EvRoundPaused, protocol.RoundPaused{Round: d.s.Round, RemainingMS: d.remaining()})
	return nil
}

// remaining is what is left of the running round, never negative.
func (d *decider) remaining() int64 {
	return max(0, d.s.Timer.Deadline-d.now.UnixMilli())
}

func (d *decider) roundResume() error {
	if err := d.inRound(); err != nil {
		return err
	}
	if d.s.Timer.State != protocol.TimerPaused {
		return protocol.Errorf(protocol.CodeWrongPhase, "the clock is not paused")
	}
	d.emit(protocol.EvRoundResumed, protocol.RoundResumed{
		Round: d.s.Round, Deadline: d.now.UnixMilli() + d.s.Timer.RemainingMS,
	})
	return nil
}

func (d *decider) roundExtend(e protocol.RoundExtend) error {
	if err := d.inRound(); err != nil {
		return err
	}
	if e.Minutes < 1 || e.Minutes > protocol.MaxExtendMinutes {
		return protocol.Errorf(protocol.CodeInvalid, "extend by 1 to %d minutes", protocol.MaxExtendMinutes)
	}
	add := (time.Duration(e.Minutes) * time.Minute).Milliseconds()
	ev := protocol.RoundExtended{Round: d.s.Round, AddedMS: add}
	switch d.s.Timer.State {
	case protocol.TimerRunning:
		ev.Deadline = d.s.Timer.Deadline + add
	case protocol.TimerPaused:
		ev.RemainingMS = d.s.Timer.RemainingMS + add
	default: // time was up: the clock runs again from now
		ev.Deadline = d.now.UnixMilli() + add
	}
	d.emit(protocol.EvRoundExtended, ev)
	return nil
}

func (d *decider) timeUp() error {
	deadline, ok := d.s.Deadline()
	if !ok || d.now.Add(timeUpSlack).Before(deadline) {
		// The timer that sent this was overtaken by a pause or an extension.
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvRoundTimeUp, protocol.RoundTimeUp{Round: d.s.Round})
	if d.s.AutoAdvance {
		d.endRound(false)
	}
	return nil
}

func (d *decider) roundEnd(early bool) error {
	if err := d.inRound(); err != nil {
		return err
	}
	d.endRound(early && d.s.Timer.State != protocol.TimerTimeUp)
	return nil
}

// endRound closes the round and, if another follows, plans its seating so
// phones can show "move to table N" during the town hall.
func (d *decider) endRound(early bool) {
	d.emit(protocol.EvRoundEnded, protocol.RoundEnded{Round: d.s.Round, Early: early})
	d.clearBroadcast()
	if next := d.s.Round + 1; next <= d.s.Rounds() {
		if seats := PlanRound(d.s, next); len(seats) > 0 {
			d.emit(protocol.EvSeatingPlanned, protocol.SeatingPlanned{Round: next, Seats: seats})
		}
	}
}

func (d *decider) harvestStart() error {
	if d.s.Phase != protocol.PhaseTownHall {
		return protocol.Errorf(protocol.CodeWrongPhase, "the harvest starts from a town hall; end the round first")
	}
	d.emit(protocol.EvHarvestStarted, protocol.HarvestStarted{})
	d.clearBroadcast()
	return nil
}

// applyRounds folds the events of this file; ok is false for others.
func applyRounds(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvRoundStarted:
		r, err := decode[protocol.RoundStarted](ev)
		if err != nil {
			return true, err
		}
		s.Phase, s.Round = protocol.PhaseRound, r.Round
		if s.FirstRoundAt == 0 {
			s.FirstRoundAt = ev.At
		}
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
			return true, err
		}
		s.Timer.State, s.Timer.Deadline, s.Timer.RemainingMS = protocol.TimerPaused, 0, r.RemainingMS
	case protocol.EvRoundResumed:
		r, err := decode[protocol.RoundResumed](ev)
		if err != nil {
			return true, err
		}
		s.Timer.State, s.Timer.Deadline, s.Timer.RemainingMS = protocol.TimerRunning, r.Deadline, 0
	case protocol.EvRoundExtended:
		r, err := decode[protocol.RoundExtended](ev)
		if err != nil {
			return true, err
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
		s.Phase, s.RoundsEndedAt = protocol.PhaseTownHall, ev.At
		s.Timer = Timer{State: protocol.TimerIdle}
	case protocol.EvHarvestStarted:
		s.Phase = protocol.PhaseHarvest
		s.NextSeats = nil
	case protocol.EvCafeClosed:
		if s.Phase == protocol.PhaseRound { // closed mid-round: the rounds end here
			s.RoundsEndedAt = ev.At
		}
		s.Phase = protocol.PhaseClosed
		s.Timer = Timer{State: protocol.TimerIdle}
	default:
		return false, nil
	}
	return true, nil
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

func (d *decider) cafeClose() error {
	d.emit(protocol.EvCafeClosed, protocol.CafeClosed{})
	d.clearBroadcast()
	return nil
}

package cafe

import (
	"fmt"

	"github.com/worldcafe/worldcafe/protocol"
)

// Creating a café: the request checked and its defaults filled in.

func (d *decider) create(c Create) error {
	if d.s.Exists() {
		return protocol.Errorf(protocol.CodeConflict, "this café already exists")
	}
	r := c.Request
	title, err := cleanText("title", defaultString(r.Title, protocol.DefaultTitle), protocol.MaxTitleRunes, false, false)
	if err != nil {
		return err
	}
	questions := r.Questions
	if len(questions) == 0 {
		questions = protocol.DefaultQuestions
	}
	if len(questions) > protocol.MaxQuestions {
		return protocol.Errorf(protocol.CodeInvalid, "a café has at most %d questions", protocol.MaxQuestions)
	}
	clean := make([]string, len(questions))
	for i, q := range questions {
		if clean[i], err = cleanText(fmt.Sprintf("question %d", i+1), q, protocol.MaxQuestionRunes, false, false); err != nil {
			return err
		}
	}
	tables := defaultInt(r.Tables, protocol.DefaultTables)
	if tables < 1 || tables > protocol.MaxTables {
		return protocol.Errorf(protocol.CodeInvalid, "tables must be between 1 and %d", protocol.MaxTables)
	}
	seats := defaultInt(r.Seats, protocol.DefaultSeats)
	if seats < protocol.MinSeats || seats > protocol.MaxSeats {
		return protocol.Errorf(protocol.CodeInvalid, "seats per table must be between %d and %d", protocol.MinSeats, protocol.MaxSeats)
	}
	secs := defaultInt(r.RoundSeconds, protocol.DefaultRoundSeconds)
	if secs < protocol.MinRoundSeconds || secs > protocol.MaxRoundSeconds {
		return protocol.Errorf(protocol.CodeInvalid, "round length must be between %d seconds and %d hours",
			protocol.MinRoundSeconds, protocol.MaxRoundSeconds/3600)
	}
	if c.JoinCode == "" {
		return protocol.Errorf(protocol.CodeInvalid, "join code is missing")
	}
	d.emit(protocol.EvCafeCreated, protocol.CafeCreated{
		Cafe: d.s.ID, Title: title, Questions: clean, Tables: tables, Seats: seats,
		RoundSeconds: secs, AutoAdvance: r.AutoAdvance, JoinCode: c.JoinCode,
	})
	return nil
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func defaultInt(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// applyCreate folds the events of this file; ok is false for others.
func applyCreate(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvCafeCreated:
		c, err := decode[protocol.CafeCreated](ev)
		if err != nil {
			return true, err
		}
		s.Title, s.Questions, s.Tables, s.Seats = c.Title, c.Questions, c.Tables, c.Seats
		s.RoundSeconds, s.AutoAdvance, s.JoinCode = c.RoundSeconds, c.AutoAdvance, c.JoinCode
		s.Phase = protocol.PhaseLobby
		s.Timer = Timer{State: protocol.TimerIdle}
	default:
		return false, nil
	}
	return true, nil
}

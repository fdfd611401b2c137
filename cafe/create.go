package cafe

import (
	"fmt"

	"github.com/worldcafe/worldcafe/protocol"
)

// Creating a café: the request checked and its defaults filled in. A field
// the request left out takes its default; one it named with a blank or zero
// value is refused (protocol.CreateCafe), and every refusal names its field
// (protocol.Error.Field) for the form to show it beside that field.

func (d *decider) create(c Create) error {
	if d.s.Exists() {
		return protocol.Errorf(protocol.CodeConflict, "this café already exists")
	}
	r := c.Request
	title := r.Title
	if !r.Given("title") {
		title = defaultString(title, protocol.DefaultTitle)
	}
	title, err := cleanText("the title", title, protocol.MaxTitleRunes, false, false)
	if err != nil {
		return inField("title", err)
	}
	questions := r.Questions
	switch {
	case len(questions) == 0 && r.Given("questions"):
		return inField("questions", protocol.Errorf(protocol.CodeInvalid, "a café needs at least one question"))
	case len(questions) == 0:
		questions = protocol.DefaultQuestions
	case len(questions) > protocol.MaxQuestions:
		return inField("questions", protocol.Errorf(protocol.CodeInvalid, "a café has at most %d questions", protocol.MaxQuestions))
	}
	clean := make([]string, len(questions))
	for i, q := range questions {
		if clean[i], err = cleanText(fmt.Sprintf("question %d", i+1), q, protocol.MaxQuestionRunes, false, false); err != nil {
			return inField(fmt.Sprintf("questions.%d", i), err)
		}
	}
	tables := given(r, "tables", r.Tables, protocol.DefaultTables)
	if tables < 1 || tables > protocol.MaxTables {
		return inField("tables", protocol.Errorf(protocol.CodeInvalid, "tables must be between 1 and %d", protocol.MaxTables))
	}
	seats := given(r, "seats", r.Seats, protocol.DefaultSeats)
	if seats < protocol.MinSeats || seats > protocol.MaxSeats {
		return inField("seats", protocol.Errorf(protocol.CodeInvalid, "seats per table must be between %d and %d", protocol.MinSeats, protocol.MaxSeats))
	}
	secs := given(r, "round_seconds", r.RoundSeconds, protocol.DefaultRoundSeconds)
	if secs < protocol.MinRoundSeconds || secs > protocol.MaxRoundSeconds {
		return inField("round_seconds", protocol.Errorf(protocol.CodeInvalid, "round length must be between %d seconds and %d hours",
			protocol.MinRoundSeconds, protocol.MaxRoundSeconds/3600))
	}
	groups := protocol.DefaultGroups()
	if len(r.Groups) > 0 || r.Given("groups") {
		if groups, err = cleanGroups(r.Groups); err != nil {
			return err
		}
	}
	if c.JoinCode == "" {
		return protocol.Errorf(protocol.CodeInvalid, "join code is missing")
	}
	d.emit(protocol.EvCafeCreated, protocol.CafeCreated{
		Cafe: d.s.ID, Title: title, Questions: clean, Tables: tables, Seats: seats,
		RoundSeconds: secs, AutoAdvance: r.AutoAdvance, JoinCode: c.JoinCode, PublicCode: c.PublicCode, Groups: groups,
	})
	return nil
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// given is the request's n for field, or def when the request left the
// field out (a zero n from Go counts as left out).
func given(r protocol.CreateCafe, field string, n, def int) int {
	if n == 0 && !r.Given(field) {
		return def
	}
	return n
}

// inField marks err (a *protocol.Error) as being about the request's field.
func inField(field string, err error) error {
	e, ok := err.(*protocol.Error)
	if !ok {
		return err
	}
	named := *e
	named.Field = field
	return &named
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
		s.Groups, s.PublicCode = c.Groups, c.PublicCode
		s.Phase = protocol.PhaseLobby
		s.Timer = Timer{State: protocol.TimerIdle}
	default:
		return false, nil
	}
	return true, nil
}

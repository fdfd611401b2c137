package server

import (
	"context"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
)

// SetApply replaces how the server folds events into a café's state, so a
// test can make a café refuse an event its own Decide made. Call it before
// the first café is loaded.
func SetApply(s *Server, apply func(*cafe.State, protocol.Event) error) { s.apply = apply }

// LiveReport is the report of the café as its runner holds it in memory.
func LiveReport(ctx context.Context, s *Server, id string) (report.Report, error) {
	r, err := s.runner(ctx, id)
	if err != nil {
		return report.Report{}, err
	}
	return r.report(ctx)
}

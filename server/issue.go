package server

import (
	"context"
	"errors"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// issuePublic runs one of the public pages' commands in café id as the
// public role: the one way the public's posts reach a café, for the pages'
// forms (publicpost.go, after their checks) and for IssuePublic. Which
// commands the public may send is the café's table's to say (package cafe):
// any other is refused there as forbidden.
func (s *Server) issuePublic(ctx context.Context, id string, typ string, data any) (result, error) {
	rn, err := s.runner(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return result{}, protocol.Errorf(protocol.CodeNotFound, "this café does not exist")
	}
	if err != nil {
		return result{}, err
	}
	return rn.do(ctx, cafe.Command{Type: typ, Actor: cafe.Actor{Role: protocol.RolePublic}, Data: data})
}

// IssuePublic runs one of the public pages' commands in the café as the
// public pages' forms do once a post has passed their checks, without
// those checks (the per-address limits, the form token): it is for Go
// callers that stand for the public, such as tests of the views that
// follow the public's posts. No route leads here. data carries the ids the
// server would otherwise draw.
func (s *Server) IssuePublic(ctx context.Context, cafeID, typ string, data any) (protocol.Ack, error) {
	res, err := s.issuePublic(ctx, cafeID, typ, data)
	return res.ack, err
}

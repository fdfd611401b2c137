package server

import (
	"context"
	"errors"
	"slices"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// publicCommands are what the public pages' forms make the server issue.
var publicCommands = []string{
	protocol.CmdOnlineContribute, protocol.CmdOnlineComment, protocol.CmdOnlineFlag,
	protocol.CmdTownHallAsk, protocol.CmdTownHallUpvote,
}

// issuePublic runs one of the public pages' commands in café id as the
// public role: the one way the public's posts reach a café, for the pages'
// forms (publicpost.go, after their checks) and for IssuePublic.
func (s *Server) issuePublic(ctx context.Context, id string, typ string, data any) (result, error) {
	if !slices.Contains(publicCommands, typ) {
		return result{}, protocol.Errorf(protocol.CodeForbidden, "%s is not a command of the public pages", typ)
	}
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

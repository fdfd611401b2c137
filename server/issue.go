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

// IssuePublic runs one of the public pages' commands in the café as the
// public role, through the café's runner as the pages' forms do, but
// without their per-address limits and form tokens: it is for Go callers
// that stand for the public (the demo's content, tests). No route leads
// here. data carries the ids the server would otherwise draw.
func (s *Server) IssuePublic(ctx context.Context, cafeID, typ string, data any) (protocol.Ack, error) {
	if !slices.Contains(publicCommands, typ) {
		return protocol.Ack{}, protocol.Errorf(protocol.CodeForbidden, "%s is not a command of the public pages", typ)
	}
	rn, err := s.runner(ctx, cafeID)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Ack{}, protocol.Errorf(protocol.CodeNotFound, "this café does not exist")
	}
	if err != nil {
		return protocol.Ack{}, err
	}
	res, err := rn.do(ctx, cafe.Command{Type: typ, Actor: cafe.Actor{Role: protocol.RolePublic}, Data: data})
	return res.ack, err
}

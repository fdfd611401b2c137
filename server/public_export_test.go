package server

import (
	"context"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// IssuePublic runs a command in café id as the server issues it for a
// public page's form: as the public, with no participant behind it.
func IssuePublic(ctx context.Context, s *Server, id, typ string, data any) (protocol.Ack, error) {
	r, err := s.runner(ctx, id)
	if err != nil {
		return protocol.Ack{}, err
	}
	res, err := r.do(ctx, cafe.Command{Type: typ, Actor: cafe.Actor{Role: protocol.RolePublic}, Data: data})
	return res.ack, err
}

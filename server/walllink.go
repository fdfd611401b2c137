package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// WallLink is the answer to POST /api/cafes/{cafe}/wall.
type WallLink struct {
	WallToken string `json:"wall_token"`
	WallURL   string `json:"wall_url"`
}

// handleWallLink mints a new wall token for the café's facilitator. Tokens
// are stored only as hashes, so a tablet that did not create the café (or
// lost its storage) gets a fresh link rather than the old one.
func (s *Server) handleWallLink(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	id := r.PathValue("cafe")
	g, err := s.store.Grant(r.Context(), hashToken(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (g.Cafe != id || g.Role != protocol.RoleFacilitator)) {
		writeError(w, protocol.Errorf(protocol.CodeUnauthorized, "only this café's facilitator can open a wall"))
		return
	}
	if err != nil {
		s.logInternal(err)
		writeError(w, err)
		return
	}
	wall := newToken()
	if err := s.store.PutGrant(r.Context(), hashToken(wall), store.Grant{Cafe: id, Role: protocol.RoleWall}); err != nil {
		err = fmt.Errorf("storing wall grant: %w", err)
		s.logInternal(err)
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, WallLink{WallToken: wall, WallURL: s.baseURL(r) + "/wall#" + id + "." + wall})
}

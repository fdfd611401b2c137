package server

import (
	"net/http"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// WallLink is the answer to POST /api/cafes/{cafe}/wall.
type WallLink struct {
	WallToken string `json:"wall_token"`
	WallURL   string `json:"wall_url"`
	// WallCode opens a wall too, typed on the wall page of another
	// device (POST /api/wall-code), once, until WallCodeExpires.
	WallCode        string    `json:"wall_code"`
	WallCodeExpires time.Time `json:"wall_code_expires"`
}

// handleWallLink mints a new wall token for the café's facilitator. Tokens
// are stored only as hashes, so a tablet that did not create the café (or
// lost its storage) gets a fresh link rather than the old one.
func (s *Server) handleWallLink(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("cafe")
	refused := protocol.Errorf(protocol.CodeUnauthorized, "only this café's facilitator can open a wall")
	if err := s.checkFacilitator(r.Context(), bearerToken(r), id, refused); err != nil {
		s.writeError(w, err)
		return
	}
	wall, err := MintGrant(r.Context(), s.store, id, protocol.RoleWall, "")
	if err != nil {
		s.writeError(w, err)
		return
	}
	code, expires := s.edge.wallCodes.mint(id, s.cfg.Now())
	writeJSON(w, http.StatusCreated, WallLink{
		WallToken: wall, WallURL: s.baseURL(r) + "/wall#" + id + "." + wall,
		WallCode: code, WallCodeExpires: expires,
	})
}

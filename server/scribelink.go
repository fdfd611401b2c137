package server

import (
	"net/http"

	"github.com/worldcafe/worldcafe/protocol"
)

// ScribeLink is the answer to POST /api/cafes/{cafe}/scribe.
type ScribeLink struct {
	ScribeToken string `json:"scribe_token"`
	ScribeURL   string `json:"scribe_url"`
}

// handleScribeLink mints a scribe token for the café's facilitator: the
// link of whoever writes the town hall's key findings. A scribe sees what
// the wall sees and may write findings, nothing else (the café's table of
// commands decides). Each call mints a new link, as for the wall.
func (s *Server) handleScribeLink(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("cafe")
	refused := protocol.Errorf(protocol.CodeUnauthorized, "only this café's facilitator can invite a scribe")
	if err := s.checkFacilitator(r.Context(), bearerToken(r), id, refused); err != nil {
		s.writeError(w, err)
		return
	}
	token, err := MintGrant(r.Context(), s.store, id, protocol.RoleScribe, "")
	if err != nil {
		s.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, ScribeLink{ScribeToken: token, ScribeURL: s.baseURL(r) + "/scribe#" + id + "." + token})
}

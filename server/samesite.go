package server

import (
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/worldcafe/worldcafe/protocol"
)

// sameSite guards a state-changing request against other web pages: any
// page a person on the venue's Wi-Fi opens could otherwise post to this
// server from their browser. Browsers send Origin with every cross-site
// POST, so a present Origin must be this server's own (its public URL or
// the Host asked for) or an allowed one. A JSON endpoint also insists on
// application/json, which a plain HTML form cannot send. Requests without
// Origin are not from a web page (curl, the Go client) and pass.
func (s *Server) sameSite(b body, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.fromOwnPage(r) {
			s.writeError(w, protocol.Errorf(protocol.CodeForbidden, "this request came from another web site; open the café from its own address"))
			return
		}
		if b == jsonBody && !isJSON(r.Header.Get("Content-Type")) {
			s.writeErrorStatus(w, http.StatusUnsupportedMediaType, protocol.Errorf(protocol.CodeMalformed, "send the request as JSON (Content-Type: application/json)"))
			return
		}
		h(w, r)
	}
}

// fromOwnPage says whether r may come from a web page: one of this
// server's own, or none. A browser's fetch metadata says so directly
// (Sec-Fetch-Site), even where a page's referrer policy makes it send
// "Origin: null" (the tablet's report form does); browsers without it are
// judged by Origin.
func (s *Server) fromOwnPage(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "same-site", "cross-site":
		return false
	}
	origin := r.Header.Get("Origin")
	return origin == "" || s.ownOrigin(r, origin)
}

// ownOrigin matches the origin's host as the WebSocket upgrade does: the
// request's Host, the public URL's host, or an AllowedOrigins pattern.
func (s *Server) ownOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false // includes "null", sent by sandboxed pages and file: URLs
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if s.cfg.PublicURL != "" {
		if pu, err := url.Parse(s.cfg.PublicURL); err == nil && strings.EqualFold(u.Host, pu.Host) {
			return true
		}
	}
	host := strings.ToLower(u.Host)
	for _, p := range s.cfg.AllowedOrigins {
		if ok, _ := path.Match(strings.ToLower(p), host); ok {
			return true
		}
	}
	return false
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/worldcafe/worldcafe/protocol"
)

// maxBodyBytes bounds API request bodies: a café with the most questions
// at their longest fits with room to spare.
const maxBodyBytes = 32 << 10

// body says what a POST endpoint reads, for the cross-site checks.
type body int

const (
	jsonBody body = iota // a JSON object: Content-Type must be application/json
	noBody               // nothing (the token travels in Authorization)
	formBody             // a form post, so that a token never lands in a URL
)

// httpEdge holds what the HTTP API keeps across requests.
type httpEdge struct {
	cafeQuota *keyedBuckets // cafés created per address
	joins     *keyedBuckets // joins per address and café
	qr        *qrCache
	wallCodes *wallCodes  // short codes that open a wall (wallcode.go)
	public    *publicEdge // the public pages (public.go)
}

func (s *Server) routes() {
	perHour := 0.0
	if s.cfg.CafesPerHour > 0 {
		perHour = float64(s.cfg.CafesPerHour) / 3600
	}
	s.edge = httpEdge{
		cafeQuota: newKeyedBuckets(perHour, s.cfg.CafesPerHour),
		joins:     newKeyedBuckets(max(s.cfg.JoinRate, 0), s.cfg.JoinBurst),
		qr:        newQRCache(qrCacheSize),
		wallCodes: newWallCodes(),
	}
	m := http.NewServeMux()
	allowed := map[string][]string{} // path pattern → its methods, for 405s
	handle := func(method, path string, h http.HandlerFunc) {
		m.Handle(method+" "+path, nosniff(h))
		allowed[path] = append(allowed[path], method)
	}
	post := func(path string, b body, h http.HandlerFunc) {
		handle(http.MethodPost, path, s.limited(s.sameSite(b, h)))
	}
	post("/api/cafes", jsonBody, s.handleCreate)
	post("/api/join", jsonBody, s.handleJoin)
	post("/api/cafes/{cafe}/report", formBody, s.handleReport)
	post("/api/cafes/{cafe}/wall", noBody, s.handleWallLink)
	post("/api/cafes/{cafe}/scribe", noBody, s.handleScribeLink)
	post("/api/wall-code", jsonBody, s.handleWallCode)
	handle(http.MethodGet, "/api/qr/{code}", s.limited(s.handleQR))
	handle(http.MethodGet, "/api/join/{code}", s.limited(s.handleJoinInfo))
	s.publicRoutes(func(path string, h http.HandlerFunc) { handle(http.MethodGet, path, h) },
		func(path string, h http.HandlerFunc) { post(path, formBody, h) })
	handle(http.MethodGet, "/ws", s.handleWS)
	handle(http.MethodGet, "/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	handle(http.MethodGet, "/readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !s.ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	handle(http.MethodGet, "/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		s.metrics.WritePrometheus(w)
	})
	// Every other method on a known path is a 405 with the JSON body and
	// an Allow header. The mux would answer those itself, but in plain
	// text, and a GET would fall through to the web app's 404.
	for path, methods := range allowed {
		sort.Strings(methods)
		allow := strings.Join(methods, ", ")
		if strings.Contains(allow, http.MethodGet) {
			allow += ", " + http.MethodHead
		}
		m.Handle(path, nosniff(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			s.writeErrorStatus(w, http.StatusMethodNotAllowed, protocol.Errorf(protocol.CodeInvalid, "this address takes only %s requests", allow))
		})))
	}
	notFound := nosniff(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, protocol.Errorf(protocol.CodeNotFound, "there is nothing at this address"))
	}))
	m.Handle("/api/", notFound)
	if s.cfg.Static != nil {
		m.Handle("/", nosniff(s.cfg.Static))
	} else {
		m.Handle("/", notFound)
	}
	s.mux = m
}

// nosniff makes browsers trust only the Content-Type the server sent: a
// note text in a JSON error never runs as a script or a page.
func nosniff(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// limited applies the per-address request budget to an API handler.
func (s *Server) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.ipl.allowRequest(clientIP(r), s.cfg.Now()) {
			s.metrics.RateLimited.Add(1)
			w.Header().Set("Retry-After", "1")
			s.writeError(w, protocol.Errorf(protocol.CodeRateLimited, "too many requests; wait a moment and try again"))
			return
		}
		h(w, r)
	}
}

func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// decodeBody reads a JSON body strictly: bounded, one object (not null),
// no unknown fields. Errors are user-facing.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	dec := json.NewDecoder(r.Body)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return protocol.Errorf(protocol.CodeTooLarge, "request body is larger than %d bytes", maxBodyBytes)
		}
		return protocol.Errorf(protocol.CodeMalformed, "request body is not valid JSON for this endpoint")
	}
	// null, a number or a list would decode into the zero request and act
	// as if every field took its default.
	if raw[0] != '{' {
		return protocol.Errorf(protocol.CodeMalformed, "request body must be a JSON object")
	}
	if dec.More() {
		return protocol.Errorf(protocol.CodeMalformed, "request body has trailing data")
	}
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(v); err != nil {
		return protocol.Errorf(protocol.CodeMalformed, "request body is not valid JSON for this endpoint")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

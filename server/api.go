package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// maxBodyBytes bounds API request bodies: a café with the most questions
// at their longest fits with room to spare.
const maxBodyBytes = 32 << 10

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /api/cafes", s.limited(s.handleCreate))
	m.HandleFunc("POST /api/join", s.limited(s.handleJoin))
	m.HandleFunc("GET /ws", s.handleWS)
	m.HandleFunc("GET /api/qr/{code}", s.handleQR)
	m.HandleFunc("POST /api/cafes/{cafe}/report", s.limited(s.handleReport))
	m.HandleFunc("POST /api/cafes/{cafe}/wall", s.limited(s.handleWallLink))
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	m.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !s.ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	m.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		s.metrics.WritePrometheus(w)
	})
	if s.cfg.Static != nil {
		m.Handle("GET /", s.cfg.Static)
	}
	s.mux = m
}

// limited applies the per-address request budget to an API handler.
func (s *Server) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.ipl.allowRequest(clientIP(r), s.cfg.Now()) {
			s.metrics.RateLimited.Add(1)
			w.Header().Set("Retry-After", "1")
			writeError(w, protocol.Errorf(protocol.CodeRateLimited, "too many requests; wait a moment and try again"))
			return
		}
		h(w, r)
	}
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	var req protocol.CreateCafe
	if err := decodeBody(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	c, err := s.CreateCafe(r.Context(), req)
	if err != nil {
		s.logInternal(err)
		writeError(w, err)
		return
	}
	base := s.baseURL(r)
	c.JoinURL = base + "/join/" + c.JoinCode
	c.WallURL = base + "/wall#" + c.Cafe + "." + c.WallToken
	c.FacilitatorURL = base + "/facilitate#" + c.Cafe + "." + c.FacilitatorToken
	writeJSON(w, http.StatusCreated, c)
}

// CreateCafe creates a café: it reserves a join code, mints the
// facilitator's and the wall's tokens, and commits cafe.created.
func (s *Server) CreateCafe(ctx context.Context, req protocol.CreateCafe) (protocol.Created, error) {
	id := uuid.NewString()
	// Check the request before reserving anything: a bad request must leave
	// no code, grant or runner behind.
	create := cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{Request: req, JoinCode: "CHECK"}}
	if _, err := cafe.Decide(cafe.New(id), create, s.cfg.Now()); err != nil {
		return protocol.Created{}, err
	}
	var code string
	for try := 0; ; try++ {
		code = newJoinCode()
		err := s.store.ReserveCode(ctx, code, id)
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrConflict) || try == 10 {
			return protocol.Created{}, fmt.Errorf("reserving a join code: %w", err)
		}
	}
	c := protocol.Created{Cafe: id, JoinCode: code, FacilitatorToken: newToken(), WallToken: newToken()}
	// Grants first: if the create fails after them, they point at a café
	// that does not exist and authorise nothing.
	if err := s.store.PutGrant(ctx, hashToken(c.FacilitatorToken), store.Grant{Cafe: id, Role: protocol.RoleFacilitator}); err != nil {
		return protocol.Created{}, fmt.Errorf("storing facilitator grant: %w", err)
	}
	if err := s.store.PutGrant(ctx, hashToken(c.WallToken), store.Grant{Cafe: id, Role: protocol.RoleWall}); err != nil {
		return protocol.Created{}, fmt.Errorf("storing wall grant: %w", err)
	}

	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return protocol.Created{}, errRunnerStopped
	}
	rn := newRunner(s, id)
	s.startRunner(rn)
	s.mu.Unlock()
	if _, err := rn.do(ctx, cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{Request: req, JoinCode: code}}); err != nil {
		s.mu.Lock()
		if s.runners[id] == rn {
			delete(s.runners, id)
			s.metrics.Cafes.Add(-1)
		}
		s.mu.Unlock()
		rn.cancel()
		return protocol.Created{}, err
	}
	return c, nil
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	var req protocol.Join
	if err := decodeBody(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	j, err := s.Join(r.Context(), req)
	if err != nil {
		s.logInternal(err)
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, j)
}

// Join adds a person to the café whose join code req carries and mints
// their token.
func (s *Server) Join(ctx context.Context, req protocol.Join) (protocol.Joined, error) {
	code := NormalizeJoinCode(req.Code)
	if code == "" {
		return protocol.Joined{}, protocol.Errorf(protocol.CodeInvalid, "please type the join code shown in the room")
	}
	id, err := s.store.CafeByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Joined{}, protocol.Errorf(protocol.CodeNotFound, "no café has the code %s; check the code shown in the room", code)
	}
	if err != nil {
		return protocol.Joined{}, fmt.Errorf("looking up join code: %w", err)
	}
	rn, err := s.runner(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Joined{}, protocol.Errorf(protocol.CodeNotFound, "this café does not exist any more")
	}
	if err != nil {
		return protocol.Joined{}, err
	}
	j := protocol.Joined{Cafe: id, ParticipantID: uuid.NewString(), Token: newToken()}
	// The grant is stored before the participant exists; a grant whose
	// participant never joined authorises nothing (attach checks). It says
	// attendee even for hosts: attach takes the role from the café's state.
	if err := s.store.PutGrant(ctx, hashToken(j.Token), store.Grant{Cafe: id, Role: protocol.RoleAttendee, ParticipantID: j.ParticipantID}); err != nil {
		return protocol.Joined{}, fmt.Errorf("storing participant grant: %w", err)
	}
	res, err := rn.do(ctx, cafe.Command{Type: protocol.CmdJoin, Actor: cafe.System, Data: cafe.Join{Request: req, ParticipantID: j.ParticipantID}})
	if err != nil {
		return protocol.Joined{}, err
	}
	for _, ev := range res.events {
		if ev.Type == protocol.EvParticipantJoined {
			var pj protocol.ParticipantJoined
			if err := json.Unmarshal(ev.Data, &pj); err == nil {
				j.Role, j.Table = pj.Role, pj.Table
			}
		}
	}
	return j, nil
}

// joinAlphabet leaves out letters and digits that are easy to confuse when
// read off a projector (0/O, 1/I/L).
const joinAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

var errBadCode = protocol.Errorf(protocol.CodeInvalid, "that is not a join code")

func newJoinCode() string {
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = joinAlphabet[int(b[i])%len(joinAlphabet)]
	}
	return string(b)
}

// NormalizeJoinCode makes a typed code comparable: upper case, without the
// spaces and dashes people add when reading it aloud.
func NormalizeJoinCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
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

func (s *Server) logInternal(err error) {
	if protocol.ErrorCode(err) == protocol.CodeInternal {
		s.log.Error("request failed", "err", err)
	}
}

// decodeBody reads a JSON body strictly: bounded, one object, no unknown
// fields. Errors are user-facing.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return protocol.Errorf(protocol.CodeTooLarge, "request body is larger than %d bytes", maxBodyBytes)
		}
		return protocol.Errorf(protocol.CodeMalformed, "request body is not valid JSON for this endpoint")
	}
	if dec.More() {
		return protocol.Errorf(protocol.CodeMalformed, "request body has trailing data")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers with the error's HTTP status and {"error": {...}}.
// Internal errors carry a fixed text; their detail stays in the log.
func writeError(w http.ResponseWriter, err error) {
	code := protocol.ErrorCode(err)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		code = protocol.CodeUnavailable
	}
	writeJSON(w, protocol.HTTPStatus(code), protocol.ErrorBody{
		Error: &protocol.Error{Code: code, Message: protocol.ErrorMessage(err)},
	})
}

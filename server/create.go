package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

var (
	errNeedAdmin = protocol.Errorf(protocol.CodeForbidden,
		"only the organiser can create a café here; ask the organiser for the link printed when the server started")
	errCafeQuota = protocol.Errorf(protocol.CodeRateLimited,
		"this device has created too many cafés in the last hour; wait a while or ask the organiser")
)

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	if !s.mayCreate(r) {
		s.writeError(w, errNeedAdmin)
		return
	}
	var req protocol.CreateCafe
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	ip := clientIP(r)
	if !s.edge.cafeQuota.take(ip, s.cfg.Now()) {
		s.metrics.RateLimited.Add(1)
		w.Header().Set("Retry-After", "600")
		s.writeError(w, errCafeQuota)
		return
	}
	c, err := s.CreateCafe(r.Context(), req)
	if err != nil {
		s.edge.cafeQuota.give(ip) // a refused café costs nothing
		s.writeError(w, err)
		return
	}
	base := s.baseURL(r)
	c.JoinURL = base + "/join/" + c.JoinCode
	c.WallURL = base + "/wall#" + c.Cafe + "." + c.WallToken
	c.FacilitatorURL = base + "/facilitate#" + c.Cafe + "." + c.FacilitatorToken
	c.PublicURL = base + "/o/" + c.PublicCode
	writeJSON(w, http.StatusCreated, c)
}

// mayCreate says whether the request has the operator's say: it comes
// from this machine, or carries the admin key. A café costs memory and a
// join code, and the venue's Wi-Fi is open to anyone.
func (s *Server) mayCreate(r *http.Request) bool {
	if s.fromThisMachine(r) {
		return true
	}
	key := bearerToken(r)
	return s.cfg.AdminToken != "" && key != "" && sameSecret(key, s.cfg.AdminToken)
}

// fromThisMachine says whether r is the operator at the server's own
// machine. Loopback alone is not enough: a reverse proxy on the machine
// forwards everyone's requests from loopback (it says so in
// X-Forwarded-For or Forwarded), and a web page that rebinds its own host
// name to this machine reaches it from loopback too, under a Host that is
// no address of ours.
func (s *Server) fromThisMachine(r *http.Request) bool {
	ip := net.ParseIP(clientIP(r))
	if ip == nil || !ip.IsLoopback() {
		return false
	}
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return true
	}
	if pu, err := url.Parse(s.cfg.PublicURL); err == nil && s.cfg.PublicURL != "" && strings.EqualFold(host, pu.Hostname()) {
		return true
	}
	return false
}

// CreateCafe creates a café: it reserves a join code and a public code
// (publiccode.go), mints the facilitator's and the wall's tokens, and
// commits cafe.created. It checks no caller: the HTTP handler does.
func (s *Server) CreateCafe(ctx context.Context, req protocol.CreateCafe) (protocol.Created, error) {
	id := uuid.NewString()
	// Check the request before reserving anything: a bad request must leave
	// no code, grant or runner behind.
	create := cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{Request: req, JoinCode: "CHECK"}}
	if _, err := cafe.Decide(cafe.New(id), create, s.cfg.Now()); err != nil {
		return protocol.Created{}, err
	}
	code, err := ReserveJoinCode(ctx, s.store, id)
	if err != nil {
		return protocol.Created{}, err
	}
	public, err := ReservePublicCode(ctx, s.store, id)
	if err != nil {
		return protocol.Created{}, err
	}
	c := protocol.Created{Cafe: id, JoinCode: code, PublicCode: public}
	// Grants first: if the create fails after them, they point at a café
	// that does not exist and authorise nothing.
	if c.FacilitatorToken, err = MintGrant(ctx, s.store, id, protocol.RoleFacilitator, ""); err != nil {
		return protocol.Created{}, err
	}
	if c.WallToken, err = MintGrant(ctx, s.store, id, protocol.RoleWall, ""); err != nil {
		return protocol.Created{}, err
	}

	rn := newRunner(s, id)
	if err := rn.claim(ctx); err != nil {
		rn.cancel()
		return protocol.Created{}, err
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		rn.cancel()
		return protocol.Created{}, errRunnerStopped
	}
	s.startRunner(rn)
	s.mu.Unlock()
	if _, err := rn.do(ctx, cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{Request: req, JoinCode: code, PublicCode: public}}); err != nil {
		s.mu.Lock()
		if s.runners[id] == rn {
			delete(s.runners, id)
			s.metrics.Cafes.Add(-1)
		}
		s.mu.Unlock()
		rn.cancel()
		return protocol.Created{}, fmt.Errorf("creating café: %w", err)
	}
	return c, nil
}

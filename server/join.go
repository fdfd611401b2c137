package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/google/uuid"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// deviceKey is what a phone's device key looks like: long enough to be
// unguessable, short enough to be no burden.
var deviceKey = regexp.MustCompile(`^[A-Za-z0-9_-]{22,64}$`)

var (
	errBadDevice = protocol.Errorf(protocol.CodeInvalid, "this device key is not valid")
	errJoinBurst = protocol.Errorf(protocol.CodeRateLimited, "many people are joining from this network right now; wait a few seconds and try again")
)

// hashDevice validates a device key and returns the hash the café keeps
// ("" for no key).
func hashDevice(device string) (string, error) {
	if device == "" {
		return "", nil
	}
	if !deviceKey.MatchString(device) {
		return "", errBadDevice
	}
	sum := sha256.Sum256([]byte(device))
	return hex.EncodeToString(sum[:]), nil
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	var req protocol.Join
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	device, err := hashDevice(req.Device)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if len(req.Code) > maxTypedCode {
		// Checked before the throttle, whose keys it would otherwise grow.
		s.writeError(w, errBadCode)
		return
	}
	// Joins are throttled per address and café on top of the request
	// budget: a room behind one NAT arrives in a burst, a script that mints
	// fresh participants (and fresh dots) keeps going.
	if !s.edge.joins.take(clientIP(r)+" "+NormalizeJoinCode(req.Code), s.cfg.Now()) {
		s.metrics.RateLimited.Add(1)
		w.Header().Set("Retry-After", "1")
		s.writeError(w, errJoinBurst)
		return
	}
	req.Device = "" // only its hash goes further
	j, err := s.join(r.Context(), req, device)
	if err != nil {
		s.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, j)
}

// Join adds a person to the café whose join code req carries and mints
// their token.
func (s *Server) Join(ctx context.Context, req protocol.Join) (protocol.Joined, error) {
	device, err := hashDevice(req.Device)
	if err != nil {
		return protocol.Joined{}, err
	}
	req.Device = ""
	return s.join(ctx, req, device)
}

// join runs the join command and, once it succeeded, stores the token's
// grant for the participant the café names: a new one, or, for a device
// it knows (deviceHash), the one who joined from it before.
func (s *Server) join(ctx context.Context, req protocol.Join, deviceHash string) (protocol.Joined, error) {
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
	// The ballot key makes the participant's dot ballots: stable across
	// their rejoins, unlinkable without it; it never leaves the server.
	cmd := cafe.Join{Request: req, ParticipantID: uuid.NewString(), DeviceHash: deviceHash, Secret: newToken()}
	res, err := rn.do(ctx, cafe.Command{Type: protocol.CmdJoin, Actor: cafe.System, Data: cmd})
	if err != nil {
		return protocol.Joined{}, err
	}
	j := protocol.Joined{Cafe: id}
	for _, ev := range res.events {
		switch ev.Type {
		case protocol.EvParticipantJoined:
			var pj protocol.ParticipantJoined
			if err := json.Unmarshal(ev.Data, &pj); err != nil {
				return protocol.Joined{}, fmt.Errorf("reading participant.joined: %w", err)
			}
			j.ParticipantID, j.Role, j.Table = pj.ParticipantID, pj.Role, pj.Table
		case protocol.EvParticipantRejoined:
			var pr protocol.ParticipantRejoined
			if err := json.Unmarshal(ev.Data, &pr); err != nil {
				return protocol.Joined{}, fmt.Errorf("reading participant.rejoined: %w", err)
			}
			j.ParticipantID, j.Role, j.Table, j.Rejoined = pr.ParticipantID, pr.Role, pr.Table, true
		}
	}
	if j.ParticipantID == "" {
		return protocol.Joined{}, errors.New("join: the café named no participant")
	}
	// The grant is stored only now, for the participant the café named.
	// It says attendee even for hosts: attach takes the role from the
	// café's state.
	if j.Token, err = MintGrant(ctx, s.store, id, protocol.RoleAttendee, j.ParticipantID); err != nil {
		return protocol.Joined{}, err
	}
	return j, nil
}

// joinInfo is what the join form shows before a person joins: the café's
// title and its own stakeholder groups.
type joinInfo struct {
	Title  string           `json:"title"`
	Groups []protocol.Group `json:"groups"`
}

// handleJoinInfo answers GET /api/join/{code}: the café a code opens, for
// the join form. Anyone who knows the code may join, so this tells them
// nothing more.
func (s *Server) handleJoinInfo(w http.ResponseWriter, r *http.Request) {
	code := NormalizeJoinCode(r.PathValue("code"))
	id, err := s.store.CafeByCode(r.Context(), code)
	if errors.Is(err, store.ErrNotFound) {
		s.writeError(w, protocol.Errorf(protocol.CodeNotFound, "no café has the code %s; check the code shown in the room", code))
		return
	}
	if err != nil {
		s.writeError(w, fmt.Errorf("looking up join code: %w", err))
		return
	}
	rn, err := s.runner(r.Context(), id)
	if err != nil {
		s.writeError(w, err)
		return
	}
	var info joinInfo
	if err := rn.peek(r.Context(), func(st *cafe.State) {
		info = joinInfo{Title: st.Title, Groups: st.GroupList()}
	}); err != nil {
		s.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

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

// evParticipantRejoined is the event of a join from a device the café
// knows: the participant comes back instead of a new one being made.
const evParticipantRejoined = "participant.rejoined"

// joinRequest is the body of POST /api/join: protocol.Join and the
// phone's device key.
type joinRequest struct {
	protocol.Join
	// Device is a random secret the phone made once and keeps; the café
	// keeps only its hash.
	Device string `json:"device,omitempty"`
}

// joinedAnswer is the answer to POST /api/join.
type joinedAnswer struct {
	protocol.Joined
	// Rejoined is true when the device was known: the participant, their
	// notes, dots and seat are the ones they had.
	Rejoined bool `json:"rejoined"`
}

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
	var req joinRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	device, err := hashDevice(req.Device)
	if err != nil {
		s.writeError(w, err)
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
	j, rejoined, err := s.join(r.Context(), req.Join, device)
	if err != nil {
		s.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, joinedAnswer{Joined: j, Rejoined: rejoined})
}

// Join adds a person to the café whose join code req carries and mints
// their token.
func (s *Server) Join(ctx context.Context, req protocol.Join) (protocol.Joined, error) {
	j, _, err := s.join(ctx, req, "")
	return j, err
}

// join runs the join command and, once it succeeded, stores the token's
// grant for the participant the café names: a new one, or, for a device
// it knows (deviceHash), the one who joined from it before.
func (s *Server) join(ctx context.Context, req protocol.Join, deviceHash string) (protocol.Joined, bool, error) {
	code := NormalizeJoinCode(req.Code)
	if code == "" {
		return protocol.Joined{}, false, protocol.Errorf(protocol.CodeInvalid, "please type the join code shown in the room")
	}
	id, err := s.store.CafeByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Joined{}, false, protocol.Errorf(protocol.CodeNotFound, "no café has the code %s; check the code shown in the room", code)
	}
	if err != nil {
		return protocol.Joined{}, false, fmt.Errorf("looking up join code: %w", err)
	}
	rn, err := s.runner(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Joined{}, false, protocol.Errorf(protocol.CodeNotFound, "this café does not exist any more")
	}
	if err != nil {
		return protocol.Joined{}, false, err
	}
	cmd := newJoinCommand(req, uuid.NewString(), deviceHash)
	res, err := rn.do(ctx, cafe.Command{Type: protocol.CmdJoin, Actor: cafe.System, Data: cmd})
	if err != nil {
		return protocol.Joined{}, false, err
	}
	j := protocol.Joined{Cafe: id}
	rejoined := false
	for _, ev := range res.events {
		switch ev.Type {
		case protocol.EvParticipantJoined:
			var pj protocol.ParticipantJoined
			if err := json.Unmarshal(ev.Data, &pj); err != nil {
				return protocol.Joined{}, false, fmt.Errorf("reading participant.joined: %w", err)
			}
			j.ParticipantID, j.Role, j.Table = pj.ParticipantID, pj.Role, pj.Table
		case evParticipantRejoined:
			var pr struct {
				ParticipantID string `json:"participant_id"`
			}
			if err := json.Unmarshal(ev.Data, &pr); err != nil {
				return protocol.Joined{}, false, fmt.Errorf("reading participant.rejoined: %w", err)
			}
			j.ParticipantID, rejoined = pr.ParticipantID, true
		}
	}
	if j.ParticipantID == "" {
		return protocol.Joined{}, false, errors.New("join: the café named no participant")
	}
	// The grant is stored only now, for the participant the café named.
	// It says attendee even for hosts: attach takes the role from the
	// café's state.
	if j.Token, err = MintGrant(ctx, s.store, id, protocol.RoleAttendee, j.ParticipantID); err != nil {
		return protocol.Joined{}, false, err
	}
	return j, rejoined, nil
}

// newJoinCommand is the domain's join command for a new participant id
// and the device's hash.
func newJoinCommand(req protocol.Join, participant, deviceHash string) cafe.Join {
	_ = deviceHash // the domain's cafe.Join has no device yet: rejoin is not recognised
	return cafe.Join{Request: req, ParticipantID: participant}
}

package server

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// session is one WebSocket connection. The HTTP handler accepts it and
// runs the handshake; then a reader goroutine takes over. The writer is
// the only goroutine that writes to the socket and drains the byte-bounded
// queue that the runner fills. The reader does not let the session go
// while the writer runs.
type session struct {
	srv    *Server
	conn   *websocket.Conn
	out    *batchWriter // under conn's buffered writer: batches the writer's frames
	q      *queue
	ip     string
	grant  store.Grant
	secret string // hash of the token: seeds anonymous ballots
	limit  *rate.Limiter

	// person is what this connection shares with the other connections of
	// its participant (nil for the facilitator and the wall), held from
	// the handshake until finish gives it back.
	person    *participantLimits
	personKey string

	// ctx is cancelled when the session ends. kill records why, once, and
	// wakes the writer.
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once
	code   websocket.StatusCode
	reason string
	drain  bool
	silent bool

	writerDone chan struct{} // closed when writeLoop has returned
}

// kill asks the session to close with code. With drain, the writer first
// sends what is queued (graceful shutdown); without, it closes at once
// (slow consumer). Safe to call from any goroutine, any number of times.
func (s *session) kill(code int, reason string, drain bool) {
	s.end(code, reason, drain, false)
}

// end records why the session ends, once, and wakes the writer. silent
// closes the socket without a close frame: for a peer that stopped
// answering pings, whose close handshake would only wait out its timeout.
func (s *session) end(code int, reason string, drain, silent bool) {
	s.once.Do(func() {
		s.code, s.reason, s.drain, s.silent = websocket.StatusCode(code), reason, drain, silent
		s.cancel()
		s.q.close() // after cancel: the writer wakes and finds the context done
	})
}

// deliver queues a frame from the café (see subscriber).
func (s *session) deliver(b []byte, force bool) pushResult {
	return s.q.push(frame{b: b, queuedAt: time.Now()}, force)
}

// setRole records the role the café gives this connection's participant.
func (s *session) setRole(r protocol.Role) { s.grant.Role = r }

// send queues a reply frame; a session too far behind to take a reply is
// dropped like any slow consumer.
func (s *session) send(b []byte) {
	if s.q.push(frame{b: b, queuedAt: time.Now()}, false) == pushFull {
		s.srv.metrics.SlowConsumers.Add(1)
		s.kill(protocol.CloseSlowConsumer, "too slow: reconnect to resume", false)
	}
}

func (s *session) sendError(id string, err error) {
	code := publicCode(err)
	if code == protocol.CodeInternal {
		s.srv.log.Error("command failed", "err", err)
	}
	s.send(protocol.Marshal(protocol.Envelope{
		Type: protocol.TypeError, ID: id,
		Error: &protocol.Error{Code: code, Message: protocol.ErrorMessage(err), Field: protocol.ErrorField(err)},
	}))
}

// readLoop reads the client's frames until the connection ends.
func (s *session) readLoop(r *runner) {
	for {
		// No deadline here: a cancelled read context closes the socket
		// without a close frame. The writer closes the socket instead, and
		// that ends this read.
		typ, b, err := s.conn.Read(context.Background())
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				s.srv.clientFault(FaultFrameTooLarge, s.ip, err)
			}
			return // otherwise the peer closed or left: not a fault
		}
		if typ == websocket.MessageText && !utf8.Valid(b) {
			s.srv.clientFault(FaultInvalidUTF8, s.ip, errInvalidUTF8)
			s.refuseText()
			return
		}
		s.handleFrame(r, b)
	}
}

// finish ends the session after its reader has stopped: it leaves the café
// (r is nil when the handshake failed), lets the writer close the socket
// and forgets the session.
func (s *session) finish(r *runner) {
	if r != nil {
		r.detach(s)
	}
	s.kill(protocol.CloseNormal, "", false)
	<-s.writerDone
	srv := s.srv
	if s.person != nil {
		srv.ipl.closeParticipant(s.personKey, s.person, srv.cfg.Now())
	}
	srv.mu.Lock()
	delete(srv.sessions, s)
	srv.mu.Unlock()
	srv.metrics.Connections.Add(-1)
	srv.ipl.closeConn(s.ip)
	srv.sessionsWG.Done()
}

// handleFrame decodes one client frame and hands commands to the runner.
// Every rejection is answered with an error frame naming the command's id;
// nothing reaches the café unless it passed the rate limits, decoded and
// is a known command. Every frame is charged before it is decoded, junk
// included: decoding is the work a flood would buy.
func (s *session) handleFrame(r *runner, b []byte) {
	now := s.srv.cfg.Now()
	if !s.limit.AllowN(now, 1) || (s.person != nil && !s.person.frames.AllowN(now, 1)) {
		s.srv.metrics.RateLimited.Add(1)
		s.sendError(protocol.FrameID(b), errTooFast)
		return
	}
	env, err := protocol.DecodeEnvelope(b)
	if err != nil {
		s.srv.metrics.Rejected.Add(1)
		s.sendError(protocol.FrameID(b), err)
		return
	}
	if env.Type == protocol.TypePing {
		var p protocol.Ping
		_ = json.Unmarshal(env.Data, &p) // a ping without a time still gets a pong
		s.send(protocol.Marshal(protocol.Envelope{Type: protocol.TypePong, ID: env.ID, Data: protocol.EncodeData(
			protocol.Pong{ClientTime: p.ClientTime, ServerTime: s.srv.cfg.Now().UnixMilli()})}))
		return
	}
	if s.grant.Role == protocol.RolePublic {
		// A public page only listens: its forms post over HTTP, where the
		// server checks them and issues the command itself.
		s.srv.metrics.Rejected.Add(1)
		s.sendError(env.ID, errPublicReadOnly)
		return
	}
	data, err := protocol.DecodeCommand(env)
	if err != nil {
		s.srv.metrics.Rejected.Add(1)
		s.sendError(env.ID, err)
		return
	}
	id := env.ID
	cmd := cafe.Command{Type: env.Type, Actor: s.actor(), Data: data}
	r.submit(cmd, func(res result) {
		if res.err != nil {
			s.sendError(id, res.err)
			return
		}
		s.send(protocol.EncodeAck(id, res.ack))
	})
}

var (
	errTooFast        = protocol.Errorf(protocol.CodeRateLimited, "you are sending too fast; wait a moment")
	errPublicReadOnly = protocol.Errorf(protocol.CodeForbidden, "a public page cannot send commands; use its forms")
)

// clientFault records a connection refused or ended by what its client
// did: counted by reason, and logged at debug only, so that nobody in the
// room can write the server's error log.
func (s *Server) clientFault(f ClientFault, ip string, err error) {
	s.log.Debug("client fault", "reason", f.String(), "addr", ip, "err", err)
	s.metrics.ClientFaults[f].Add(1)
}

// actor is who this connection speaks for; valid after attach.
func (s *session) actor() cafe.Actor {
	return cafe.Actor{Role: s.grant.Role, ParticipantID: s.grant.ParticipantID, Secret: s.secret}
}

package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// handleWS upgrades the request, says hello and hands the connection to
// its session's own goroutines. The HTTP handler returns once the session
// is attached: the request, net/http's per-connection state and the
// handler's deep stack are then garbage, which is memory an idle phone no
// longer holds (a 10,000-phone room feels it). The session keeps its two
// goroutines, a reader and the writer, until either side closes.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	ip := clientIP(r)
	now := s.cfg.Now()
	// Refused before the upgrade: a refusal then costs one small HTTP
	// answer, where an upgrade may cost a snapshot of the café.
	if ok, retry := s.ipl.allowUpgrade(ip, now, budget{s.cfg.IPUpgradeRate, s.cfg.IPUpgradeBurst}); !ok {
		s.metrics.RateLimited.Add(1)
		s.clientFault(FaultUpgradeRate, ip, nil)
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		s.writeError(w, protocol.Errorf(protocol.CodeRateLimited, "too many connections from your address just now; try again in a few seconds"))
		return
	}
	if !s.ipl.openConn(ip, now) {
		s.metrics.RateLimited.Add(1)
		s.clientFault(FaultAddressConns, ip, nil)
		w.Header().Set("Retry-After", "5")
		s.writeError(w, protocol.Errorf(protocol.CodeRateLimited, "too many connections from your address; try again later"))
		return
	}
	slim := &slimBuffers{ResponseWriter: w}
	conn, err := websocket.Accept(slim, r, &websocket.AcceptOptions{
		OriginPatterns:  s.cfg.AllowedOrigins,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		s.ipl.closeConn(ip)
		return // Accept has answered (403 for a foreign origin, 400 for a bad upgrade)
	}
	conn.SetReadLimit(protocol.MaxFrameBytes)

	ctx, cancel := context.WithCancel(context.Background())
	sess := &session{
		srv: s, conn: conn, out: slim.out, q: newQueue(s.cfg.QueueBytes), ip: ip,
		limit: budget{s.cfg.MessageRate, s.cfg.MessageBurst}.limiter(),
		ctx:   ctx, cancel: cancel, writerDone: make(chan struct{}),
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		cancel()
		conn.Close(protocol.CloseGoingAway, "server shutting down")
		s.ipl.closeConn(ip)
		return
	}
	s.sessions[sess] = struct{}{}
	s.sessionsWG.Add(1)
	s.mu.Unlock()
	s.metrics.Connections.Add(1)
	s.metrics.ConnectionsOpen.Add(1)
	go func() {
		defer close(sess.writerDone)
		sess.writeLoop()
	}()

	rn, err := sess.handshake()
	if err != nil {
		sess.reject(err)
		sess.finish(nil)
		return
	}
	go func() {
		sess.readLoop(rn)
		sess.finish(rn)
	}()
}

// handshake reads the hello, checks the token and its participant's
// limits, and attaches to the café. What the client did wrong comes back
// as a *refusal; any other error is the server's.
func (s *session) handshake() (*runner, error) {
	// The timeout closes through the writer, so the client learns why.
	timeout := time.AfterFunc(protocol.HelloTimeout, func() {
		s.sendError("", errHelloTimeout)
		s.kill(protocol.CloseHelloTimeout, "no hello in time", true)
	})
	typ, b, err := s.conn.Read(context.Background())
	if !timeout.Stop() {
		return nil, refuse(FaultHelloTimeout, errHelloTimeout)
	}
	if err != nil {
		return nil, readFault(err)
	}
	if typ == websocket.MessageText && !utf8.Valid(b) {
		return nil, refuse(FaultInvalidUTF8, errInvalidUTF8)
	}
	// Not derived from s.ctx: a child context would make s.ctx allocate a
	// channel and a map of children that stay with the session for its
	// lifetime, for a lookup that is bounded by the timeout anyway.
	hctx, cancel := context.WithTimeout(context.Background(), protocol.HelloTimeout)
	defer cancel()
	env, err := protocol.DecodeEnvelope(b)
	if err != nil {
		return nil, refuse(FaultBadHello, err)
	}
	hello, err := protocol.DecodeHello(env)
	if protocol.ErrorCode(err) == protocol.CodeUnauthorized {
		return nil, refuse(FaultUnauthorized, err)
	}
	if err != nil {
		return nil, refuse(FaultBadHello, err)
	}
	if hello.Token == protocol.PublicToken {
		// A public page: read-only, with no grant to look up. It is
		// counted against its address's limits like any connection.
		s.grant = store.Grant{Cafe: hello.Cafe, Role: protocol.RolePublic}
	} else if err := s.authorize(hctx, hello); err != nil {
		return nil, err
	}
	r, err := s.srv.attach(hctx, hello.Cafe, s, hello.Epoch, hello.Seq)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(FaultNoSuchCafe, protocol.Errorf(protocol.CodeNotFound, "this café does not exist"))
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// authorize looks up the hello's grant and takes the connection's place
// among its participant's connections.
func (s *session) authorize(ctx context.Context, hello protocol.Hello) error {
	secret := hashToken(hello.Token)
	g, err := s.srv.store.Grant(ctx, secret)
	if errors.Is(err, store.ErrNotFound) || (err == nil && g.Cafe != hello.Cafe) {
		return refuse(FaultUnauthorized, protocol.Errorf(protocol.CodeUnauthorized, "this link or invitation is not valid for this café"))
	}
	if err != nil {
		return fmt.Errorf("reading the grant: %w", err)
	}
	if g.ParticipantID != "" {
		if err := s.openParticipant(g); err != nil {
			return err
		}
	}
	s.grant, s.secret = g, secret
	return nil
}

// openParticipant takes this connection's place among its participant's
// connections, counted after the grant is found: only real participants
// take room in the limits. Each hello may cost the café a snapshot.
func (s *session) openParticipant(g store.Grant) error {
	cfg := &s.srv.cfg
	who := g.Cafe + "/" + g.ParticipantID
	p, err := s.srv.ipl.openParticipant(who, cfg.Now(), participantBudgets{
		frames:   budget{cfg.ParticipantMessageRate, cfg.ParticipantMessageBurst},
		hellos:   budget{cfg.ParticipantConnectRate, cfg.ParticipantConnectBurst},
		maxConns: cfg.ParticipantMaxConns,
	})
	if err != nil {
		s.srv.metrics.RateLimited.Add(1)
	}
	switch {
	case errors.Is(err, errTooManyHellos):
		return refuse(FaultConnectRate, protocol.Errorf(protocol.CodeRateLimited, "you are reconnecting too often; wait a few seconds and try again"))
	case errors.Is(err, errTooManyConns):
		return refuse(FaultParticipantConns, protocol.Errorf(protocol.CodeRateLimited,
			"you are connected on too many devices or tabs at once (%d); close one and try again", cfg.ParticipantMaxConns))
	}
	s.person, s.personKey = p, who
	return nil
}

var (
	errHelloTimeout = protocol.Errorf(protocol.CodeMalformed, "no hello within %s", protocol.HelloTimeout)
	errInvalidUTF8  = protocol.Errorf(protocol.CodeMalformed, "this message is not valid text (UTF-8)")
)

// refusal is a handshake or connection ended by what the client did: a
// client fault, counted and logged at debug, never as a server error.
type refusal struct {
	fault ClientFault
	err   error // what the client is told (a *protocol.Error), or the read error
}

func refuse(f ClientFault, err error) *refusal { return &refusal{fault: f, err: err} }

func (r *refusal) Error() string { return r.fault.String() + ": " + r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// readFault classifies a failed read: a frame over the read limit (the
// library has closed with 1009), or a peer that closed or dropped.
func readFault(err error) *refusal {
	if errors.Is(err, websocket.ErrMessageTooBig) {
		return refuse(FaultFrameTooLarge, err)
	}
	return refuse(FaultGoneBeforeHello, err)
}

// reject answers a failed handshake with an error frame and the close code
// that tells the client whether to try again.
func (s *session) reject(err error) {
	var ref *refusal
	if errors.As(err, &ref) {
		s.srv.clientFault(ref.fault, s.ip, ref.err)
		switch ref.fault {
		case FaultGoneBeforeHello, FaultFrameTooLarge, FaultHelloTimeout:
			return // nobody to tell, or the client has been told
		case FaultInvalidUTF8:
			s.refuseText()
			return
		}
	}
	s.sendError("", err)
	s.kill(protocol.CloseCode(protocol.ErrorCode(err)), protocol.ErrorMessage(err), true)
}

// refuseText ends the connection for a text frame that is not UTF-8, which
// the protocol refuses rather than guess at.
func (s *session) refuseText() {
	s.sendError("", errInvalidUTF8)
	s.kill(protocol.CloseInvalidData, "text is not valid UTF-8", true)
}

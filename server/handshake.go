package server

import (
	"context"
	"errors"
	"net/http"
	"time"

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
	if !s.ipl.openConn(ip, s.cfg.Now()) {
		s.metrics.RateLimited.Add(1)
		w.Header().Set("Retry-After", "5")
		writeError(w, protocol.Errorf(protocol.CodeRateLimited, "too many connections from your address; try again later"))
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
		limit: newBucket(s.cfg.MessageRate, s.cfg.MessageBurst, s.cfg.Now()),
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

// handshake reads the hello, checks the token and attaches to the café.
func (s *session) handshake() (*runner, error) {
	// The timeout closes through the writer, so the client learns why.
	timeout := time.AfterFunc(protocol.HelloTimeout, func() {
		s.sendError("", errHelloTimeout)
		s.kill(protocol.CloseHelloTimeout, "no hello in time", true)
	})
	_, b, err := s.conn.Read(context.Background())
	if !timeout.Stop() {
		return nil, errHelloTimeout
	}
	if err != nil {
		return nil, err
	}
	// Not derived from s.ctx: a child context would make s.ctx allocate a
	// channel and a map of children that stay with the session for its
	// lifetime, for a lookup that is bounded by the timeout anyway.
	hctx, cancel := context.WithTimeout(context.Background(), protocol.HelloTimeout)
	defer cancel()
	env, err := protocol.DecodeEnvelope(b)
	if err != nil {
		return nil, err
	}
	hello, err := protocol.DecodeHello(env)
	if err != nil {
		return nil, err
	}
	secret := hashToken(hello.Token)
	g, err := s.srv.store.Grant(hctx, secret)
	if errors.Is(err, store.ErrNotFound) || (err == nil && g.Cafe != hello.Cafe) {
		return nil, protocol.Errorf(protocol.CodeUnauthorized, "this link or invitation is not valid for this café")
	}
	if err != nil {
		return nil, err
	}
	s.grant, s.secret = g, secret
	r, err := s.srv.attach(hctx, hello.Cafe, s, hello.Epoch, hello.Seq)
	if errors.Is(err, store.ErrNotFound) {
		return nil, protocol.Errorf(protocol.CodeNotFound, "this café does not exist")
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

var errHelloTimeout = protocol.Errorf(protocol.CodeMalformed, "no hello within %s", protocol.HelloTimeout)

// reject answers a failed handshake with an error frame and the close code
// that tells the client whether to try again.
func (s *session) reject(err error) {
	if err == errHelloTimeout || websocket.CloseStatus(err) != -1 || errors.Is(err, context.Canceled) {
		return // the peer went away during the handshake
	}
	s.sendError("", err)
	s.kill(protocol.CloseCode(protocol.ErrorCode(err)), protocol.ErrorMessage(err), true)
}

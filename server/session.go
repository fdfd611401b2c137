package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// session is one WebSocket connection. Its reader runs in the HTTP handler;
// its writer is the only goroutine that writes to the socket and drains the
// byte-bounded queue that the runner fills. The handler does not return
// while the writer runs.
type session struct {
	srv    *Server
	conn   *websocket.Conn
	q      *queue
	ip     string
	grant  store.Grant
	secret string // hash of the token: seeds anonymous ballots
	limit  *bucket

	// ctx ends the writer. kill records why, once.
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once
	code   websocket.StatusCode
	reason string
	drain  bool
}

// kill asks the session to close with code. With drain, the writer first
// sends what is queued (graceful shutdown); without, it closes at once
// (slow consumer). Safe to call from any goroutine, any number of times.
func (s *session) kill(code int, reason string, drain bool) {
	s.once.Do(func() {
		s.q.close()
		s.code, s.reason, s.drain = websocket.StatusCode(code), reason, drain
		s.cancel()
	})
}

// send queues a reply frame; a session too far behind to take a reply is
// dropped like any slow consumer.
func (s *session) send(b []byte) {
	if s.q.push(frame{b: b, queuedAt: time.Now()}, false) == pushFull {
		s.srv.metrics.SlowConsumers.Add(1)
		s.kill(protocol.CloseSlowConsumer, "too slow: reconnect to resume", false)
	}
}

func (s *session) sendError(id string, err error) {
	code := protocol.ErrorCode(err)
	if code == protocol.CodeInternal {
		s.srv.log.Error("command failed", "err", err)
	}
	s.send(protocol.Marshal(protocol.Envelope{
		Type: protocol.TypeError, ID: id,
		Error: &protocol.Error{Code: code, Message: protocol.ErrorMessage(err)},
	}))
}

// handleWS upgrades the request and runs the session until either side
// closes.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	ip := clientIP(r)
	if !s.ipl.openConn(ip, s.cfg.Now()) {
		s.metrics.RateLimited.Add(1)
		w.Header().Set("Retry-After", "5")
		writeError(w, protocol.Errorf(protocol.CodeRateLimited, "too many connections from your address; try again later"))
		return
	}
	defer s.ipl.closeConn(ip)

	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		OriginPatterns:  s.cfg.AllowedOrigins,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		return // Accept has answered (403 for a foreign origin, 400 for a bad upgrade)
	}
	conn.SetReadLimit(protocol.MaxFrameBytes)

	ctx, cancel := context.WithCancel(context.Background())
	sess := &session{
		srv: s, conn: conn, q: newQueue(s.cfg.QueueBytes), ip: ip,
		limit: newBucket(s.cfg.MessageRate, s.cfg.MessageBurst, s.cfg.Now()),
		ctx:   ctx, cancel: cancel,
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		conn.Close(protocol.CloseGoingAway, "server shutting down")
		return
	}
	s.sessions[sess] = struct{}{}
	s.sessionsWG.Add(1)
	s.mu.Unlock()
	s.metrics.Connections.Add(1)
	s.metrics.ConnectionsOpen.Add(1)
	defer func() {
		s.mu.Lock()
		delete(s.sessions, sess)
		s.mu.Unlock()
		s.metrics.Connections.Add(-1)
		s.sessionsWG.Done()
	}()
	sess.run(r.Context())
}

func (s *session) run(reqCtx context.Context) {
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		s.writeLoop()
	}()
	defer func() {
		s.kill(protocol.CloseNormal, "", false)
		<-writerDone
	}()

	r, err := s.handshake(reqCtx)
	if err != nil {
		s.reject(err)
		return
	}
	defer r.detach(s)

	for {
		// No deadline here: a cancelled read context closes the socket
		// without a close frame. The writer closes the socket instead, and
		// that ends this read.
		_, b, err := s.conn.Read(context.Background())
		if err != nil {
			return
		}
		s.handleFrame(r, b)
	}
}

// handshake reads the hello, checks the token and attaches to the café.
func (s *session) handshake(ctx context.Context) (*runner, error) {
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
	hctx, cancel := context.WithTimeout(ctx, protocol.HelloTimeout)
	defer cancel()
	env, err := protocol.DecodeEnvelope(b)
	if err != nil {
		return nil, err
	}
	hello, err := protocol.DecodeHello(env)
	if err != nil {
		return nil, err
	}
	g, err := s.srv.store.Grant(hctx, hashToken(hello.Token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && g.Cafe != hello.Cafe) {
		return nil, protocol.Errorf(protocol.CodeUnauthorized, "this link or invitation is not valid for this café")
	}
	if err != nil {
		return nil, err
	}
	s.grant, s.secret = g, hashToken(hello.Token)
	r, err := s.srv.runner(hctx, hello.Cafe)
	if errors.Is(err, store.ErrNotFound) {
		return nil, protocol.Errorf(protocol.CodeNotFound, "this café does not exist")
	}
	if err != nil {
		return nil, err
	}
	if err := r.attach(hctx, s, hello.Epoch, hello.Seq); err != nil {
		return nil, err
	}
	return r, nil
}

var errHelloTimeout = protocol.Errorf(protocol.CodeMalformed, "no hello within %s", protocol.HelloTimeout)

// reject answers a failed handshake with an error frame and the close code
// that tells the client whether to try again.
func (s *session) reject(err error) {
	code := protocol.CloseInternal
	switch protocol.ErrorCode(err) {
	case protocol.CodeUnauthorized:
		code = protocol.CloseUnauthorized
	case protocol.CodeNotFound:
		code = protocol.CloseNotFound
	case protocol.CodeUnavailable:
		code = protocol.CloseUnavailable
	case protocol.CodeMalformed, protocol.CodeBadVersion, protocol.CodeInvalid, protocol.CodeTooLarge:
		code = protocol.CloseBadHandshake
	}
	if err == errHelloTimeout || websocket.CloseStatus(err) != -1 || errors.Is(err, context.Canceled) {
		return // the peer went away during the handshake
	}
	s.sendError("", err)
	s.kill(code, protocol.ErrorMessage(err), true)
}

// handleFrame decodes one client frame and hands commands to the runner.
// Every rejection is answered with an error frame naming the command's id;
// nothing reaches the café unless it decoded, passed the rate limit and is
// a known command.
func (s *session) handleFrame(r *runner, b []byte) {
	env, err := protocol.DecodeEnvelope(b)
	if err != nil {
		s.srv.metrics.Rejected.Add(1)
		s.sendError(protocol.FrameID(b), err)
		return
	}
	if !s.limit.allow(s.srv.cfg.Now()) {
		s.srv.metrics.RateLimited.Add(1)
		s.sendError(env.ID, protocol.Errorf(protocol.CodeRateLimited, "you are sending too fast; wait a moment"))
		return
	}
	if env.Type == protocol.TypePing {
		var p protocol.Ping
		_ = json.Unmarshal(env.Data, &p) // a ping without a time still gets a pong
		s.send(protocol.Marshal(protocol.Envelope{Type: protocol.TypePong, ID: env.ID, Data: protocol.EncodeData(
			protocol.Pong{ClientTime: p.ClientTime, ServerTime: s.srv.cfg.Now().UnixMilli()})}))
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
		s.send(protocol.Marshal(protocol.Envelope{Type: protocol.TypeAck, ID: id, Seq: res.ack.Seq, Data: protocol.EncodeData(res.ack)}))
	})
}

// actor is who this connection speaks for; valid after attach.
func (s *session) actor() cafe.Actor {
	return cafe.Actor{Role: s.grant.Role, ParticipantID: s.grant.ParticipantID, Secret: s.secret}
}

// writeLoop is the connection's only writer: it waits for frames, writes
// each batch without holding any lock, and closes the socket when killed.
func (s *session) writeLoop() {
	// Pings are sent from here rather than a goroutine of their own: one
	// goroutine less per connection is memory a 10,000-phone room feels.
	ping := time.NewTicker(s.srv.cfg.PingInterval)
	defer ping.Stop()
	pinging := false
	pong := make(chan error, 1)
	for {
		select {
		case <-ping.C:
			if !pinging {
				pinging = true
				go func() {
					ctx, cancel := context.WithTimeout(s.ctx, s.srv.cfg.WriteTimeout)
					defer cancel()
					pong <- s.conn.Ping(ctx)
				}()
			}
		case err := <-pong:
			pinging = false
			if err != nil && s.ctx.Err() == nil {
				// No answer: the phone left the Wi-Fi without closing.
				s.kill(protocol.CloseGoingAway, "no answer to ping", false)
			}
		case <-s.q.ready:
			if !s.write(s.q.take()) {
				s.kill(protocol.CloseInternal, "write failed", false)
				s.conn.CloseNow()
				return
			}
		case <-s.ctx.Done():
			if s.drain {
				s.write(s.q.take())
			}
			if s.code == protocol.CloseSlowConsumer {
				// The peer is not reading, so the close handshake could wait
				// for the full timeout: send the close frame without waiting.
				go s.conn.Close(s.code, s.reason)
				time.Sleep(10 * time.Millisecond)
				s.conn.CloseNow()
				return
			}
			s.conn.Close(s.code, s.reason)
			return
		}
	}
}

func (s *session) write(frames []frame) bool {
	for _, f := range frames {
		ctx, cancel := context.WithTimeout(context.Background(), s.srv.cfg.WriteTimeout)
		err := s.conn.Write(ctx, websocket.MessageText, f.b)
		cancel()
		if err != nil {
			return false
		}
		s.srv.metrics.FramesSent.Add(1)
		s.srv.metrics.FanoutLatency.Observe(time.Since(f.queuedAt))
	}
	return true
}

// hashToken is the key a token is stored under: the store never holds a
// usable token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

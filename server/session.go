package server

import (
	"context"
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
	limit  *bucket

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
	code := protocol.ErrorCode(err)
	if code == protocol.CodeInternal {
		s.srv.log.Error("command failed", "err", err)
	}
	s.send(protocol.Marshal(protocol.Envelope{
		Type: protocol.TypeError, ID: id,
		Error: &protocol.Error{Code: code, Message: protocol.ErrorMessage(err)},
	}))
}

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

// readLoop reads the client's frames until the connection ends.
func (s *session) readLoop(r *runner) {
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
	srv.mu.Lock()
	delete(srv.sessions, s)
	srv.mu.Unlock()
	srv.metrics.Connections.Add(-1)
	srv.ipl.closeConn(s.ip)
	srv.sessionsWG.Done()
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
		s.send(protocol.EncodeAck(id, res.ack))
	})
}

// actor is who this connection speaks for; valid after attach.
func (s *session) actor() cafe.Actor {
	return cafe.Actor{Role: s.grant.Role, ParticipantID: s.grant.ParticipantID, Secret: s.secret}
}

// writeLoop is the connection's only writer: it waits for frames, writes
// each batch without holding any lock, and closes the socket when killed.
// It waits on one channel only (the queue's ready, which kill also
// signals): a select over several channels per wake-up was a tenth of the
// server's CPU when a note went out to 2,000 phones.
func (s *session) writeLoop() {
	// Pings run on the ping timer's own goroutine, which exists only while
	// a ping waits for its pong: no goroutine of their own between pings,
	// which is memory a 10,000-phone room feels. Writing the ping frame
	// concurrently with this loop is safe: coder/websocket serialises
	// frames.
	var pinger *time.Timer
	pinger = time.AfterFunc(s.srv.cfg.PingInterval, func() {
		if s.ctx.Err() != nil {
			return
		}
		// Not derived from s.ctx (see handshake); when the session ends,
		// the writer closes the socket, which ends the ping at once.
		ctx, cancel := context.WithTimeout(context.Background(), s.srv.cfg.WriteTimeout)
		err := s.conn.Ping(ctx)
		cancel()
		if s.ctx.Err() != nil {
			return
		}
		if err != nil {
			// No answer: the phone left the Wi-Fi without closing.
			s.end(protocol.CloseGoingAway, "no answer to ping", false, true)
			return
		}
		pinger.Reset(s.srv.cfg.PingInterval)
	})
	defer pinger.Stop()
	// One timer bounds every write: coder/websocket would otherwise need a
	// context with a deadline per frame, which costs more than the frame's
	// own bookkeeping. When it fires the socket is closed, which fails the
	// write in progress, exactly as an expired write context would.
	watchdog := time.AfterFunc(time.Hour, func() { s.conn.CloseNow() })
	watchdog.Stop()
	defer watchdog.Stop()
	var batch []frame
	for {
		<-s.q.ready
		if s.ctx.Err() != nil {
			// kill cancels before it signals, so this wake-up is its.
			if s.drain {
				s.write(s.q.take(batch), watchdog)
			}
			if s.silent {
				s.conn.CloseNow()
				return
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
		batch = s.q.take(batch)
		if !s.write(batch, watchdog) {
			s.kill(protocol.CloseInternal, "write failed", false)
			s.conn.CloseNow()
			return
		}
	}
}

// write writes frames in order, each bounded by WriteTimeout through
// watchdog, which closes the socket when a write overruns. Several frames
// go out as a batch (see batchWriter).
func (s *session) write(frames []frame, watchdog *time.Timer) bool {
	batch := len(frames) > 1 && s.out != nil
	if batch {
		s.out.begin()
	}
	for _, f := range frames {
		watchdog.Reset(s.srv.cfg.WriteTimeout)
		err := s.conn.Write(context.Background(), websocket.MessageText, f.b)
		watchdog.Stop()
		if err != nil {
			if batch {
				s.out.end()
			}
			return false
		}
	}
	if batch {
		watchdog.Reset(s.srv.cfg.WriteTimeout)
		err := s.out.end()
		watchdog.Stop()
		if err != nil {
			return false
		}
	}
	now := time.Now()
	for _, f := range frames {
		s.srv.metrics.FanoutLatency.Observe(now.Sub(f.queuedAt))
	}
	s.srv.metrics.FramesSent.Add(uint64(len(frames)))
	return true
}

package server

import (
	"context"
	"time"

	"github.com/coder/websocket"

	"github.com/worldcafe/worldcafe/protocol"
)

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

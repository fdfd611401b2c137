package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/worldcafe/worldcafe/protocol"
)

// subscriptionBuffer is how many events a subscription holds for a reader
// that is busy; one that falls further behind loses the channel and reads
// the log instead, since the Redis connection must never wait for it.
const subscriptionBuffer = 1024

// pingEvery is how long a quiet subscription waits before it pings Redis:
// a connection that died without a word (a half-open TCP connection) is
// found within twice this.
const pingEvery = 15 * time.Second

// Subscribe implements store.Subscriber on Redis Pub/Sub: every append
// publishes its events on the café's channel in the same script that writes
// them. Pub/Sub delivers at most once and only to connected subscribers, so
// the channel is closed at the first sign that something may have been
// missed: a connection error, a resubscription after a reconnect, a reader
// too slow for the buffer, a failed ping, ctx done or Close.
func (s *Store) Subscribe(ctx context.Context, cafe string) (<-chan protocol.Event, error) {
	if err := s.begin(ctx); err != nil {
		return nil, fmt.Errorf("redis: subscribe %s: %w", cafe, err)
	}
	ps := s.rdb.Subscribe(ctx, s.keys.channel(cafe))
	// Wait for the server's confirmation: from then on every publish on the
	// channel reaches this connection.
	if _, err := ps.ReceiveTimeout(ctx, pingEvery); err != nil {
		_ = ps.Close() // the receive error is the one worth reporting
		return nil, fmt.Errorf("redis: subscribe %s: %w", cafe, s.fail(err))
	}
	s.subsMu.Lock()
	if s.closed.Load() {
		s.subsMu.Unlock()
		_ = ps.Close()
		return nil, fmt.Errorf("redis: subscribe %s: %w", cafe, s.fail(goredis.ErrClosed))
	}
	s.subs[ps] = struct{}{}
	s.subsMu.Unlock()

	out := make(chan protocol.Event, subscriptionBuffer)
	go s.relay(ctx, ps, out)
	return out, nil
}

// relay moves published events from ps to out until the first doubt, then
// closes both.
func (s *Store) relay(ctx context.Context, ps *goredis.PubSub, out chan<- protocol.Event) {
	// A receive waits on the connection's deadline, not on ctx: closing ps
	// is what ends a wait when ctx ends.
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() })
	defer stop()
	defer func() {
		s.subsMu.Lock()
		delete(s.subs, ps)
		s.subsMu.Unlock()
		_ = ps.Close() // a second close (by Store.Close) is harmless
		close(out)
	}()
	for {
		msg, err := ps.ReceiveTimeout(ctx, pingEvery)
		var nerr net.Error
		if errors.As(err, &nerr) && nerr.Timeout() && ctx.Err() == nil {
			if ps.Ping(ctx) != nil {
				return
			}
			continue
		}
		if err != nil {
			return
		}
		switch m := msg.(type) {
		case *goredis.Message:
			var events []protocol.Event
			if json.Unmarshal([]byte(m.Payload), &events) != nil {
				return // not ours or corrupt: the log knows better
			}
			// Only this goroutine sends, so room seen here stays room. An
			// append that does not fit is not delivered in part: the
			// reader is too slow, and reads the log instead.
			if len(events) > cap(out)-len(out) {
				return
			}
			for _, e := range events {
				out <- e
			}
		case *goredis.Subscription:
			// A subscribe after the first means go-redis reconnected and
			// resubscribed: whatever was published in between is lost.
			return
		case *goredis.Pong:
		}
	}
}

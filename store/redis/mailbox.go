package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// A node's mailbox is a list, P mail:<node>: other nodes push messages on
// its tail, the node pops them from its head. It carries the commands that a
// node forwards to a café's owner and the results that come back. A list,
// unlike Pub/Sub, keeps a message for a node that is busy for a moment; the
// list expires mailTTL after its last message, so a dead node's mail does
// not pile up. Delivery is at most once: a message popped by a node that
// dies before it acts is gone, and its sender, hearing nothing, tells the
// device to try again (commands are idempotent by their ids).

// mailTTL is how long a mailbox outlives its last message.
const mailTTL = time.Minute

// receiveWait is how long one BLPOP waits before Receive looks at ctx
// again: go-redis cannot interrupt a blocking command.
const receiveWait = time.Second

func (k keys) mail(node string) string { return k.prefix + "mail:" + node }

// Send queues msg in node's mailbox.
func (s *Store) Send(ctx context.Context, node string, msg []byte) error {
	if err := s.begin(ctx); err != nil {
		return fmt.Errorf("redis: send to %s: %w", node, err)
	}
	key := s.keys.mail(node)
	_, err := s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.RPush(ctx, key, msg)
		p.PExpire(ctx, key, mailTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: send to %s: %w", node, s.fail(err))
	}
	return nil
}

// Receive returns the next message in node's mailbox, waiting until one
// comes or ctx is done.
func (s *Store) Receive(ctx context.Context, node string) ([]byte, error) {
	key := s.keys.mail(node)
	for {
		if err := s.begin(ctx); err != nil {
			return nil, fmt.Errorf("redis: receive for %s: %w", node, err)
		}
		v, err := s.rdb.BLPop(ctx, receiveWait, key).Result()
		if errors.Is(err, goredis.Nil) {
			continue // nothing within receiveWait
		}
		if err != nil {
			return nil, fmt.Errorf("redis: receive for %s: %w", node, s.fail(err))
		}
		return []byte(v[1]), nil
	}
}

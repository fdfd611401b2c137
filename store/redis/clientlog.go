package redis

import (
	"context"
	"fmt"
	"log/slog"
)

// ClientLog carries go-redis's own messages (a dial that failed, a pool
// hook's refusal) to a slog.Logger, at Warn. go-redis has one logger for the
// whole process, writing to stderr unless told otherwise, and this package
// never sets it: the program's wiring does, once at start-up, with
//
//	goredis.SetLogger(redis.ClientLog{Logger: log})
//
// go-redis's messages name addresses and errors, never keys, values or
// passwords.
type ClientLog struct{ Logger *slog.Logger }

// Printf implements go-redis's Logging.
func (c ClientLog) Printf(ctx context.Context, format string, v ...any) {
	c.Logger.WarnContext(ctx, "redis client", "msg", fmt.Sprintf(format, v...))
}

package redis

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"
)

// ClientLog must be something goredis.SetLogger takes. The function is never
// called: setting the process's logger would change it for every other test.
var _ = func() { goredis.SetLogger(ClientLog{}) }

func TestClientLogWritesGoRedisMessagesAsWarnings(t *testing.T) {
	var buf bytes.Buffer
	c := ClientLog{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	c.Printf(context.Background(), "failed to dial after %d attempts", 5)
	if got := buf.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "failed to dial after 5 attempts") {
		t.Errorf("log line = %q, want a warning with the message", got)
	}
}

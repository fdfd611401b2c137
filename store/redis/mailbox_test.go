package redis_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/store/redis"
	"github.com/worldcafe/worldcafe/store/redis/redistest"
)

func TestAMailboxDeliversEachMessageOnceInOrder(t *testing.T) {
	url, stop := redistest.Start(t)
	defer stop()
	ctx := context.Background()
	a, err := redis.Open(ctx, redis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := redis.Open(ctx, redis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for i := range 5 {
		if err := a.Send(ctx, "node-b", []byte(fmt.Sprintf("m%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Send(ctx, "node-c", []byte("not for b")); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		got, err := b.Receive(rctx, "node-b")
		cancel()
		if err != nil || string(got) != fmt.Sprintf("m%d", i) {
			t.Fatalf("message %d = %q, %v", i, got, err)
		}
	}
	// Nothing more for b: Receive waits until its context ends.
	rctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	if got, err := b.Receive(rctx, "node-b"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("an empty mailbox gave %q, %v; want the context's deadline", got, err)
	}
}

package redis

import (
	"context"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store/redis/redistest"
	"github.com/worldcafe/worldcafe/store/storetest"
)

// closeWithin bounds how long a test waits for a subscription to notice
// something: far above what it takes, so it fails only when it never does.
const closeWithin = 10 * time.Second

func TestASubscriberGetsAnotherNodesAppendsInOrder(t *testing.T) {
	srv := redistest.StartServer(t)
	writer, reader := mustOpen(t, Config{URL: srv.URL}), mustOpen(t, Config{URL: srv.URL})
	ch, err := reader.Subscribe(t.Context(), "cafe-a")
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	storetest.MustAppend(t, writer, "cafe-a", storetest.Notes(1, 3))
	// A refused append publishes nothing.
	if err := writer.Append(t.Context(), "cafe-a", storetest.Notes(9, 1), time.Time{}); err == nil {
		t.Fatal("append of a gap succeeded")
	}
	storetest.MustAppend(t, writer, "cafe-b", storetest.Notes(1, 1)) // another café: not ours
	storetest.MustAppend(t, writer, "cafe-a", storetest.Notes(4, 2))
	storetest.SameEvents(t, receive(t, ch, 5), storetest.Notes(1, 5))
}

func TestSubscriptionsOfTwoPrefixesDoNotMeet(t *testing.T) {
	srv := redistest.StartServer(t)
	one, two := mustOpen(t, Config{URL: srv.URL, Prefix: "one:"}), mustOpen(t, Config{URL: srv.URL, Prefix: "two:"})
	ch, err := one.Subscribe(t.Context(), "cafe-a")
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	storetest.MustAppend(t, two, "cafe-a", storetest.Notes(1, 2))
	storetest.MustAppend(t, one, "cafe-a", []protocol.Event{storetest.Note(1)})
	// Pub/Sub keeps the order of publishes, so the first event to arrive
	// shows whether the other prefix's two got through.
	storetest.SameEvents(t, receive(t, ch, 1), storetest.Notes(1, 1))
	if got := storetest.MustLoad(t, one, "cafe-a").LastSeq; got != 1 {
		t.Errorf("prefix one's log ends at %d, want 1", got)
	}
}

func TestASubscriptionClosesWhenItMayHaveMissedEvents(t *testing.T) {
	tests := []struct {
		name  string
		cause func(t *testing.T, srv *redistest.Server, s *Store, cancel context.CancelFunc)
	}{
		{"redis-server is killed", func(t *testing.T, srv *redistest.Server, _ *Store, _ context.CancelFunc) {
			srv.Kill9(t)
		}},
		{"the reader falls behind by more than the buffer", func(t *testing.T, _ *redistest.Server, s *Store, _ context.CancelFunc) {
			storetest.MustAppend(t, s, "cafe-a", storetest.Notes(1, subscriptionBuffer+1))
		}},
		{"its context ends", func(_ *testing.T, _ *redistest.Server, _ *Store, cancel context.CancelFunc) {
			cancel()
		}},
		{"the store is closed", func(t *testing.T, _ *redistest.Server, s *Store, _ context.CancelFunc) {
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := redistest.StartServer(t)
			s := mustOpen(t, Config{URL: srv.URL})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			ch, err := s.Subscribe(ctx, "cafe-a")
			if err != nil {
				t.Fatalf("Subscribe: %v", err)
			}
			tt.cause(t, srv, s, cancel)
			n, closed := drain(ch)
			if !closed {
				t.Fatalf("the subscription was still open %s later (%d events read)", closeWithin, n)
			}
			if n > subscriptionBuffer {
				t.Errorf("read %d events before the close, more than the buffer of %d", n, subscriptionBuffer)
			}
		})
	}
}

// receive reads n events or fails the test.
func receive(tb testing.TB, ch <-chan protocol.Event, n int) []protocol.Event {
	tb.Helper()
	var got []protocol.Event
	timeout := time.After(closeWithin)
	for len(got) < n {
		select {
		case e, ok := <-ch:
			if !ok {
				tb.Fatalf("subscription closed after %d of %d events", len(got), n)
			}
			got = append(got, e)
		case <-timeout:
			tb.Fatalf("got %d of %d events in %s", len(got), n, closeWithin)
		}
	}
	return got
}

// drain reads until the channel closes or closeWithin passes.
func drain(ch <-chan protocol.Event) (n int, closed bool) {
	timeout := time.After(closeWithin)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return n, true
			}
			n++
		case <-timeout:
			return n, false
		}
	}
}

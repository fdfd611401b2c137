package server

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// The café's own timer, in a bubble of fake time: a round of ten minutes
// takes no real time to run out, and the test can say exactly when.

func TestARunningRoundEndsOnItsOwnTime(t *testing.T) {
	for _, auto := range []bool{false, true} {
		t.Run(fmt.Sprintf("auto advance %v", auto), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				st, err := bolt.Open(filepath.Join(t.TempDir(), "worldcafe.db"), bolt.Config{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				srv, err := New(Config{Store: st})
				if err != nil {
					t.Fatal(err)
				}
				if err := srv.Start(ctx); err != nil {
					t.Fatal(err)
				}
				defer srv.Shutdown(ctx)
				const round = 10 * time.Minute
				c, err := srv.CreateCafe(ctx, protocol.CreateCafe{Title: "Timed", RoundSeconds: int(round / time.Second), AutoAdvance: auto})
				if err != nil {
					t.Fatal(err)
				}
				r, err := srv.runner(ctx, c.Cafe)
				if err != nil {
					t.Fatal(err)
				}
				started := time.Now()
				if _, err := r.do(ctx, cafe.Command{Type: protocol.CmdRoundStart, Actor: cafe.Actor{Role: protocol.RoleFacilitator}}); err != nil {
					t.Fatal(err)
				}

				// A moment before the deadline, nothing has happened.
				time.Sleep(round - time.Second)
				synctest.Wait()
				if ev := lastEvent(t, st, c.Cafe); ev.Type != protocol.EvRoundStarted {
					t.Fatalf("a second before the deadline the last event is %s, want round.started", ev.Type)
				}
				time.Sleep(2 * time.Second)
				synctest.Wait()
				evs, err := store.AllEvents(ctx, st, c.Cafe)
				if err != nil {
					t.Fatal(err)
				}
				var up *protocol.Event
				for i := range evs {
					if evs[i].Type == protocol.EvRoundTimeUp {
						up = &evs[i]
					}
				}
				if up == nil {
					t.Fatal("no round.timeup after the deadline")
				}
				if at := time.UnixMilli(up.At); at.Sub(started) != round {
					t.Errorf("time up %v after the start, want exactly %v", at.Sub(started), round)
				}
				last := evs[len(evs)-1]
				if auto {
					var re protocol.RoundEnded
					if err := json.Unmarshal(last.Data, &re); last.Type != protocol.EvRoundEnded || err != nil || re.Early {
						t.Fatalf("after time up the last event is %s %s, want round.ended on time", last.Type, last.Data)
					}
				} else if last.Seq != up.Seq {
					t.Fatalf("without auto advance, %s followed time up; the facilitator ends the round", last.Type)
				}
			})
		})
	}
}

func lastEvent(t *testing.T, st store.Store, cafeID string) protocol.Event {
	t.Helper()
	evs, err := store.AllEvents(context.Background(), st, cafeID)
	if err != nil || len(evs) == 0 {
		t.Fatalf("reading the log: %v", err)
	}
	return evs[len(evs)-1]
}

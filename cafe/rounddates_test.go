package cafe_test

import (
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// The café remembers when its rounds ran, for the consultation's report:
// from the first round's start to the last round's end, or to the close
// when the café closed in the middle of a round.
func TestTheCafeRemembersWhenItsRoundsRan(t *testing.T) {
	t.Run("first start to last end", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Questions: []string{"Q1", "Q2"}, Tables: 1})
		if r.s.FirstRoundAt != 0 || r.s.RoundsEndedAt != 0 {
			t.Fatalf("a café in the lobby has round dates %d–%d", r.s.FirstRoundAt, r.s.RoundsEndedAt)
		}
		r.do(control(protocol.CmdRoundStart))
		r.clock.At(t, 20*time.Minute)
		r.do(control(protocol.CmdRoundEnd))
		r.clock.At(t, 30*time.Minute)
		r.do(control(protocol.CmdRoundStart))
		r.clock.At(t, 55*time.Minute)
		r.do(control(protocol.CmdRoundEnd))
		r.clock.At(t, 90*time.Minute)
		r.do(control(protocol.CmdCafeClose))
		if want := t0.UnixMilli(); r.s.FirstRoundAt != want {
			t.Errorf("FirstRoundAt = %d, want the first start %d", r.s.FirstRoundAt, want)
		}
		if want := t0.Add(55 * time.Minute).UnixMilli(); r.s.RoundsEndedAt != want {
			t.Errorf("RoundsEndedAt = %d, want the last end %d, not the close", r.s.RoundsEndedAt, want)
		}
		wantRebuilds(t, r.log, r.s)
	})
	t.Run("closed mid-round", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Questions: []string{"Q1"}, Tables: 1})
		r.do(control(protocol.CmdRoundStart))
		r.clock.At(t, 10*time.Minute)
		r.do(control(protocol.CmdCafeClose))
		if want := t0.Add(10 * time.Minute).UnixMilli(); r.s.RoundsEndedAt != want {
			t.Errorf("RoundsEndedAt = %d, want the close %d", r.s.RoundsEndedAt, want)
		}
	})
}

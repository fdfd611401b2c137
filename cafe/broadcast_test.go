package cafe_test

import (
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

func TestABroadcastLastsUntilThePhaseChanges(t *testing.T) {
	timeUp := cafe.Command{Type: protocol.CmdTimeUp, Actor: cafe.System}
	for _, c := range []struct {
		name  string
		setup []cafe.Command // from a lobby with two people
		cmd   cafe.Command
		want  []string // the events of cmd
	}{
		{"a round start clears the lobby's line", nil, control(protocol.CmdRoundStart),
			[]string{protocol.EvRoundStarted, protocol.EvBroadcastSet}},
		{"a round end clears the round's line", []cafe.Command{control(protocol.CmdRoundStart)}, control(protocol.CmdRoundEnd),
			[]string{protocol.EvRoundEnded, protocol.EvBroadcastSet, protocol.EvSeatingPlanned}},
		{"the next round's start clears the town hall's line",
			[]cafe.Command{control(protocol.CmdRoundStart), control(protocol.CmdRoundEnd)}, control(protocol.CmdRoundStart),
			[]string{protocol.EvRoundStarted, protocol.EvBroadcastSet}},
		{"the harvest clears the town hall's line",
			[]cafe.Command{control(protocol.CmdRoundStart), control(protocol.CmdRoundEnd)}, control(protocol.CmdHarvestStart),
			[]string{protocol.EvHarvestStarted, protocol.EvBroadcastSet}},
		{"closing clears the harvest's line",
			[]cafe.Command{control(protocol.CmdRoundStart), control(protocol.CmdRoundEnd), control(protocol.CmdHarvestStart)},
			control(protocol.CmdCafeClose), []string{protocol.EvCafeClosed, protocol.EvBroadcastSet}},
		{"time up is no phase change: the round's line stays", []cafe.Command{control(protocol.CmdRoundStart)}, timeUp,
			[]string{protocol.EvRoundTimeUp}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRoom(t, protocol.CreateCafe{Questions: []string{"One?", "Two?"}, RoundSeconds: 60})
			r.do(joinCmd("p1", protocol.Join{}))
			r.do(joinCmd("p2", protocol.Join{}))
			for _, cmd := range c.setup {
				r.do(cmd)
			}
			r.do(broadcastCmd("Swap note-takers now"))
			r.clock.Advance(time.Minute)
			wantEvents(t, r.do(c.cmd), c.want...)
			want := ""
			if c.cmd.Type == protocol.CmdTimeUp {
				want = "Swap note-takers now"
			}
			if r.s.Broadcast != want {
				t.Errorf("the broadcast is %q, want %q", r.s.Broadcast, want)
			}
			if v := r.s.View(protocol.RoleAttendee); v.Broadcast != want {
				t.Errorf("a phone's snapshot shows %q, want %q", v.Broadcast, want)
			}
			wantRebuilds(t, r.log, r.s)
		})
	}

	t.Run("time up with auto advance ends the round and its line", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Questions: []string{"One?", "Two?"}, RoundSeconds: 60, AutoAdvance: true})
		r.do(joinCmd("p1", protocol.Join{}))
		r.do(control(protocol.CmdRoundStart))
		r.do(broadcastCmd("Last minute"))
		r.clock.Advance(time.Minute)
		wantEvents(t, r.do(timeUp), protocol.EvRoundTimeUp, protocol.EvRoundEnded, protocol.EvBroadcastSet, protocol.EvSeatingPlanned)
		if r.s.Broadcast != "" {
			t.Errorf("the broadcast is %q after the round ended", r.s.Broadcast)
		}
	})

	t.Run("a phase change with no line showing emits no clear", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.do(joinCmd("p1", protocol.Join{}))
		wantEvents(t, r.do(control(protocol.CmdRoundStart)), protocol.EvRoundStarted)
	})
}

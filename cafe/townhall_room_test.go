package cafe_test

import (
	"slices"
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
)

// TestATownHallAfterTheCafeHasARoom holds a town hall after the café has
// closed, as a consultation does on a later day: the people in its room
// join from their phones and raise their hands while it runs, and only then
// (a café still at its harvest takes hands anyway, for its own plenary).
func TestATownHallAfterTheCafeHasARoom(t *testing.T) {
	for _, phase := range []string{protocol.PhaseHarvest, protocol.PhaseClosed} {
		t.Run("in a café at "+phase, func(t *testing.T) {
			r := consultationRoom(t)
			r.do(control(protocol.CmdRoundEnd))
			r.do(control(protocol.CmdHarvestStart))
			if phase == protocol.PhaseClosed {
				r.do(control(protocol.CmdCafeClose))
			}
			r.reject(joinCmd("early", protocol.Join{Name: "Early"}), protocol.CodeWrongPhase)
			r.do(agendaCmd("What we heard", "Ada", ""))
			r.reject(joinCmd("early", protocol.Join{Name: "Early"}), protocol.CodeWrongPhase)

			r.do(stageCmd(protocol.StagePresentation))
			r.do(joinCmd("b1", protocol.Join{Name: "Budi", Group: "civil_society"}))
			r.do(joinCmd("b2", protocol.Join{Anonymous: true}))
			r.do(stageCmd(protocol.StageFloor))
			r.do(handCmd(attendee("b1"), protocol.CmdHandRaise))
			r.do(handCmd(attendee("b2"), protocol.CmdHandRaise))
			r.do(handCmd(attendee("b2"), protocol.CmdHandLower))
			r.do(queueCmd(protocol.CmdQueueTake, protocol.ItemHand, "b1"))
			r.do(queueCmd(protocol.CmdQueueDone, protocol.ItemHand, "b1"))
			if p := r.s.Participants["b1"]; p == nil || !p.TownHall {
				t.Errorf("b1 joined during the town hall: %+v", p)
			}
			if got := r.s.View(protocol.RoleFacilitator).TownHall.Spoke; !slices.Equal(got, []string{"b1"}) {
				t.Errorf("spoke %v, want [b1]", got)
			}

			r.do(stageCmd(protocol.StageEnded))
			r.reject(joinCmd("late", protocol.Join{Name: "Late"}), protocol.CodeWrongPhase)
			if phase == protocol.PhaseClosed {
				r.reject(handCmd(attendee("b2"), protocol.CmdHandRaise), protocol.CodeWrongPhase)
			}
			if r.s.Phase != phase {
				t.Errorf("phase %s, want %s", r.s.Phase, phase)
			}
		})
	}
}

// TestTheCafesPlenariesAreNotTheTownHallsSpeakers calls speakers in the
// café's own plenary between rounds, then in the town hall: only the town
// hall's count as having spoken in it.
func TestTheCafesPlenariesAreNotTheTownHallsSpeakers(t *testing.T) {
	r := consultationRoom(t)
	r.do(control(protocol.CmdRoundEnd))
	r.do(handCmd(attendee("a1"), protocol.CmdHandRaise))
	r.do(control(protocol.CmdSpeakerNext))
	r.do(control(protocol.CmdSpeakerNext))
	r.do(stageCmd(protocol.StagePresentation))
	r.do(handCmd(attendee("a2"), protocol.CmdHandRaise))
	r.do(control(protocol.CmdSpeakerNext))
	r.do(control(protocol.CmdSpeakerNext))
	if got := r.s.View(protocol.RoleFacilitator).TownHall.Spoke; len(got) != 1 {
		t.Errorf("spoke %v, want only the town hall's one speaker", got)
	}
}

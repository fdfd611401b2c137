package cafe_test

import (
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
)

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

package report_test

import (
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
)

// TestTheCafesPeopleAreThoseWhoWereInIt holds a town hall after the café's
// rounds: those who join only for it are the town hall's people, not the
// café's, while someone from the café who speaks in it stays the café's.
func TestTheCafesPeopleAreThoseWhoWereInIt(t *testing.T) {
	r := reportRoom(t)
	r.do(control(protocol.CmdCafeClose))
	before := report.Build(r.s)
	r.do(cmd(facilitator, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StagePresentation}))
	r.do(joinCmd("t1", protocol.Join{Name: "At the conference", Group: "private_sector"}))
	r.do(cmd(attendee("a1"), protocol.CmdHandRaise, nil))
	after := report.Build(r.s)
	if after.Participants != before.Participants || after.Participants != 3 {
		t.Errorf("%d participants after the town hall, %d before, want the café's 3", after.Participants, before.Participants)
	}
	if n := after.ParticipantsPerGroup["private_sector"]; n != 0 {
		t.Errorf("%d of the private sector in the café, which nobody from it attended", n)
	}
	if n := after.ParticipantsPerGroup["civil_society"]; n != 1 {
		t.Errorf("%d of civil society, want the café's attendee who also spoke in the town hall", n)
	}
}

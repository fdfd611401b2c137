package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
)

var (
	public = cafe.Actor{Role: protocol.RolePublic}
	scribe = cafe.Actor{Role: protocol.RoleScribe}
)

func cmd(a cafe.Actor, typ string, data any) cafe.Command {
	return cafe.Command{Type: typ, Actor: a, Data: data}
}

// reportAt is when the consultation's report is made: two days in, with
// the online space still open.
var reportAt = t0.Add(48 * time.Hour)

// consultationRoom is a whole consultation driven through the domain: the
// café of reportRoom, then an online space and a town hall the next day,
// with anonymous and hidden items in each, and a conclusion.
func consultationRoom(t *testing.T) *room {
	t.Helper()
	r := reportRoom(t)
	// The online space opens once the café is harvesting, for thirty days.
	r.do(cmd(facilitator, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: t0.Add(30 * 24 * time.Hour).UnixMilli()}))
	r.do(theme("security", 1))

	// Online: named, anonymous and hidden contributions and comments.
	r.now = r.now.Add(time.Hour)
	contribute := func(id string, q int, title, text, name, group string) {
		r.do(cmd(public, protocol.CmdOnlineContribute, protocol.OnlineContribute{ItemID: id, Question: q, Title: title, Text: text, Name: name, Group: group}))
	}
	comment := func(id, on, text, name string) {
		r.do(cmd(public, protocol.CmdOnlineComment, protocol.OnlineComment{CommentID: id, OnID: on, Text: text, Name: name}))
	}
	contribute("c1", 0, "A neutral moderator", "Governments should moderate, not own.", "Chen", "private_sector")
	contribute("c2", 0, "", "Keep the internet one network.", "", "")
	contribute("c3", 1, "Cybercrime", "States must act together against cybercrime.", "Dora", "technical_community")
	contribute("c4", 1, "", "Spam here, buy now", "Spammer", "")
	comment("m1", "c1", "Agreed, and publish the minutes.", "Eve")
	comment("m2", "c1", "Who moderates the moderator?", "")
	comment("m3", "c3", "Treaties take years.", "Fay")
	comment("m4", "c1", "You idiot", "Troll")
	r.do(cmd(facilitator, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: "c4", Reason: "Advertising"}))
	r.do(cmd(facilitator, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: "m4", Reason: "Personal attack"}))
	r.do(cmd(facilitator, protocol.CmdOnlineTheme, protocol.OnlineTheme{ItemID: "c1", ThemeID: "listen"}))
	r.do(cmd(facilitator, protocol.CmdOnlineTheme, protocol.OnlineTheme{ItemID: "c3", ThemeID: "security"}))
	r.do(control(protocol.CmdOnlinePublish))
	comment("m5", "n1", "Listening is the hard part.", "Gus")

	// The town hall, the next day.
	r.now = t0.Add(24 * time.Hour)
	r.do(cmd(facilitator, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "The role of governments", Presenter: "Ambassador Lima", Link: "https://example.org/slides"}))
	r.do(cmd(facilitator, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StagePresentation}))
	r.now = r.now.Add(20 * time.Minute)
	r.do(cmd(facilitator, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor}))
	r.do(cmd(attendee("a1"), protocol.CmdHandRaise, nil))
	r.do(cmd(attendee("a2"), protocol.CmdHandRaise, nil))
	ask := func(id, text, name, group string) {
		r.do(cmd(public, protocol.CmdTownHallAsk, protocol.TownHallAsk{QuestionID: id, Text: text, Name: name, Group: group}))
	}
	ask("q1", "How do small countries take part?", "Ivo", "government")
	ask("q2", "What about the young?", "", "")
	ask("q3", "Buy cheap watches", "Spammer", "")
	ask("q4", "Who pays for the forums?", "Jo", "academia")
	for _, u := range []struct{ q, voter string }{{"q1", "va"}, {"q1", "vb"}, {"q1", "vc"}, {"q2", "va"}, {"q3", "vb"}} {
		r.do(cmd(public, protocol.CmdTownHallUpvote, protocol.TownHallUpvote{QuestionID: u.q, Voter: u.voter}))
	}
	r.do(cmd(facilitator, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: "q3", Reason: "Off topic"}))
	hand := protocol.QueueItem{Kind: protocol.ItemHand, ID: "a1"}
	r.do(cmd(facilitator, protocol.CmdQueueTake, hand))
	r.do(cmd(facilitator, protocol.CmdQueueDone, hand))
	q1 := protocol.QueueItem{Kind: protocol.ItemQuestion, ID: "q1"}
	r.do(cmd(facilitator, protocol.CmdQueueTake, q1))
	r.do(cmd(facilitator, protocol.CmdQueueDone, q1))
	finding := func(typ, id, text string) {
		r.do(cmd(scribe, typ, protocol.Finding{FindingID: id, Text: text}))
	}
	finding(protocol.CmdFindingAdd, "f1", "Developing countries rely on their governments for the basics.")
	finding(protocol.CmdFindingAdd, "f2", "Bring the technical community in more often.")
	finding(protocol.CmdFindingAdd, "f3", "A note the scribe took back.")
	finding(protocol.CmdFindingEdit, "f2", "Consult the technical community and start-ups more often.\nFund civil society's part.")
	r.do(cmd(scribe, protocol.CmdFindingDelete, protocol.FindingRef{FindingID: "f3"}))
	r.now = r.now.Add(70 * time.Minute)
	r.do(cmd(facilitator, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageEnded}))
	r.do(cmd(facilitator, protocol.CmdConclude, protocol.Conclusion{Text: "Governments convene;\nthe others build.\n\n- not a list"}))
	return r
}

func TestConsultationFormatsMatchTheirGoldenFiles(t *testing.T) {
	c := report.BuildConsultation(consultationRoom(t).s, reportAt)
	for _, format := range report.Formats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.WriteConsultation(&buf, c, format, report.Options{}); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "consultation."+format+".golden"), buf.Bytes())
		})
	}
}

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the report differs from %s:\n%s", path, got)
	}
}

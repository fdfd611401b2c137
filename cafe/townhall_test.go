package cafe_test

import (
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

func TestTownHallAgenda(t *testing.T) {
	r := consultationRoom(t)
	if r.s.View(protocol.RoleFacilitator).TownHall != nil {
		t.Fatal("a town hall shows before it was set up")
	}
	for _, tc := range []struct {
		name, title, presenter, link, field string
		code                                protocol.Code
	}{
		{"an empty title", " ", "", "", "title", protocol.CodeInvalid},
		{"a title too long", strings.Repeat("a", protocol.MaxTitleRunes+1), "", "", "title", protocol.CodeTooLarge},
		{"a presenter too long", "T", strings.Repeat("a", protocol.MaxPresenterRunes+1), "", "presenter", protocol.CodeTooLarge},
		{"a link of another scheme", "T", "", "javascript:alert(1)", "link", protocol.CodeInvalid},
		{"a file link", "T", "", "file:///etc/passwd", "link", protocol.CodeInvalid},
		{"a link without a host", "T", "", "https:///slides", "link", protocol.CodeInvalid},
		{"a link with a space", "T", "", "https://example.org/my slides", "link", protocol.CodeInvalid},
		{"a link with a control character", "T", "", "https://example.org/\x01", "link", protocol.CodeInvalid},
		{"a link with a hidden character", "T", "", "https://exa\u200bmple.org/", "link", protocol.CodeInvalid},
		{"a link with credentials", "T", "", "https://good.org@evil.example/", "link", protocol.CodeInvalid},
		{"a relative link", "T", "", "/slides", "link", protocol.CodeInvalid},
		{"a link too long", "T", "", "https://example.org/" + strings.Repeat("a", protocol.MaxLinkBytes), "link", protocol.CodeInvalid},
		{"a link of invalid text", "T", "", "https://example.org/\xff", "link", protocol.CodeInvalid},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			perr := r.reject(agendaCmd(tc.title, tc.presenter, tc.link), tc.code)
			if perr.Field != tc.field {
				t.Errorf("refusal names field %q, want %q", perr.Field, tc.field)
			}
		})
	}
	r.do(agendaCmd(" What we heard ", "Ada", " https://example.org/slides?page=1#top "))
	th := r.s.View(protocol.RolePublic).TownHall
	if th == nil || th.Title != "What we heard" || th.Presenter != "Ada" || th.Link != "https://example.org/slides?page=1#top" || th.Stage != "" {
		t.Fatalf("town hall %+v", th)
	}
	r.duplicate(agendaCmd("What we heard", "Ada", "https://example.org/slides?page=1#top"))
	r.do(agendaCmd("What we heard", "", "http://example.org"))
}

func TestTownHallStages(t *testing.T) {
	r := consultationRoom(t)
	r.reject(stageCmd("interval"), protocol.CodeInvalid)
	start := r.clock.now
	r.do(stageCmd(protocol.StagePresentation))
	r.duplicate(stageCmd(protocol.StagePresentation))
	r.clock.Advance(20 * time.Minute)
	r.do(stageCmd(protocol.StageFloor))
	r.clock.Advance(20 * time.Minute)
	r.do(stageCmd(protocol.StageEnded))
	r.clock.Advance(time.Minute)
	r.do(stageCmd(protocol.StageFloor)) // one more question after all
	r.clock.Advance(time.Minute)
	r.do(stageCmd(protocol.StageEnded))
	th := r.s.View(protocol.RoleWall).TownHall
	if th.StartedAt != start.UnixMilli() || th.EndedAt != r.clock.now.UnixMilli() || th.Stage != protocol.StageEnded {
		t.Errorf("town hall started %d ended %d at %s; want %d, %d", th.StartedAt, th.EndedAt, th.Stage, start.UnixMilli(), r.clock.now.UnixMilli())
	}
}

func TestTownHallQuestions(t *testing.T) {
	r := consultationRoom(t)
	perr := r.reject(askCmd("q1", "Too early"), protocol.CodeWrongPhase)
	if perr.Message != "the town hall is not taking questions now" {
		t.Errorf("refusal says %q", perr.Message)
	}
	r.do(stageCmd(protocol.StagePresentation))
	r.do(cafe.Command{Type: protocol.CmdTownHallAsk, Actor: public, Data: protocol.TownHallAsk{QuestionID: "q1", Text: "Who pays?\r\nAnd when?", Name: "Dee", Group: "government"}})
	r.do(stageCmd(protocol.StageFloor))
	r.do(askCmd("q2", "Second"))
	for _, tc := range []struct {
		name string
		cmd  cafe.Command
		code protocol.Code
	}{
		{"an empty question", askCmd("q3", " \u200b"), protocol.CodeInvalid},
		{"a question too long", askCmd("q3", strings.Repeat("a", protocol.MaxQuestionAsk+1)), protocol.CodeTooLarge},
		{"an unknown group", cafe.Command{Type: protocol.CmdTownHallAsk, Actor: public, Data: protocol.TownHallAsk{QuestionID: "q3", Text: "x", Group: "bogus"}}, protocol.CodeInvalid},
		{"a repeated id with other words", askCmd("q2", "Other"), protocol.CodeConflict},
		{"an upvote without a voter", upvoteCmd("q1", ""), protocol.CodeInvalid},
		{"an upvote of nothing", upvoteCmd("nope", "v1"), protocol.CodeNotFound},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) { r.reject(tc.cmd, tc.code) })
	}
	r.duplicate(askCmd("q2", "Second"))

	d := r.do(upvoteCmd("q2", "voter-secret-1"))
	r.do(upvoteCmd("q2", "voter-secret-2"))
	r.duplicate(upvoteCmd("q2", "voter-secret-1"))
	ev := d.Events[0]
	if strings.Contains(string(ev.Data), "voter-secret") || !strings.Contains(string(ev.Private), "voter-secret-1") {
		t.Errorf("townhall.upvoted data %s, private %s: the voter belongs in the private part only", ev.Data, ev.Private)
	}
	qs := r.s.View(protocol.RoleFacilitator).TownHall.Questions
	if len(qs) != 2 || qs[0].ID != "q1" || qs[1].Votes != 2 || qs[0].Text != "Who pays?\nAnd when?" || qs[0].Name != "Dee" {
		t.Errorf("questions %+v", qs)
	}

	r.do(hideCmd("q1", "Off topic"))
	r.reject(upvoteCmd("q1", "v3"), protocol.CodeForbidden)
	if q := r.s.View(protocol.RolePublic).TownHall.Questions[0]; q.Text != "" || q.Name != "" || q.Group != "" || !q.Hidden || q.Reason != "Off topic" {
		t.Errorf("the public sees the hidden question as %+v", q)
	}
	r.do(flagCmd("q2", "dup")) // flags on questions while the town hall runs; the space was never opened
	r.do(stageCmd(protocol.StageEnded))
	r.reject(askCmd("q3", "Late"), protocol.CodeWrongPhase)
	r.reject(upvoteCmd("q2", "v3"), protocol.CodeWrongPhase)
	r.reject(flagCmd("q2", ""), protocol.CodeWrongPhase)
}

func TestTownHallParticipation(t *testing.T) {
	r := consultationRoom(t)
	r.do(handCmd(attendee("a1"), protocol.CmdHandRaise)) // no town hall yet
	r.do(joinCmd("a3", protocol.Join{Name: "Early"}))
	r.do(stageCmd(protocol.StagePresentation))
	r.do(joinCmd("a4", protocol.Join{Name: "During"}))
	r.do(handCmd(attendee("a2"), protocol.CmdHandRaise))
	r.do(stageCmd(protocol.StageEnded))
	r.do(joinCmd("a5", protocol.Join{Name: "After"}))
	want := map[string]bool{"a1": false, "a2": true, "a3": false, "a4": true, "a5": false}
	for _, p := range r.s.View(protocol.RoleFacilitator).Participants {
		if p.TownHall != want[p.ID] {
			t.Errorf("%s took part in the town hall: %v, want %v", p.ID, p.TownHall, want[p.ID])
		}
	}
}

// A town hall held after the café closed takes the room: people join and
// raise their hands while it runs, and not before or after.
func TestTownHallAfterTheCafeClosed(t *testing.T) {
	r := consultationRoom(t)
	r.do(control(protocol.CmdRoundEnd))
	r.do(control(protocol.CmdHarvestStart))
	r.reject(joinCmd("h1", protocol.Join{Name: "In the harvest"}), protocol.CodeWrongPhase)
	r.do(control(protocol.CmdCafeClose))
	r.reject(joinCmd("c1", protocol.Join{Name: "Too early"}), protocol.CodeWrongPhase)
	r.reject(handCmd(attendee("a1"), protocol.CmdHandRaise), protocol.CodeWrongPhase)
	r.do(stageCmd(protocol.StagePresentation))
	r.do(joinCmd("c2", protocol.Join{Name: "At the conference"}))
	r.do(handCmd(attendee("c2"), protocol.CmdHandRaise))
	r.do(control(protocol.CmdSpeakerNext))
	if r.s.Speaker != "c2" {
		t.Fatalf("speaker %q, want c2", r.s.Speaker)
	}
	r.do(stageCmd(protocol.StageEnded))
	r.reject(joinCmd("c3", protocol.Join{Name: "Too late"}), protocol.CodeWrongPhase)
	r.reject(handCmd(attendee("a1"), protocol.CmdHandRaise), protocol.CodeWrongPhase)
}

package cafe_test

import (
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// The actors of the consultation: the scribe, and anyone on a public page
// (the server issues their commands).
var (
	scribe = cafe.Actor{Role: protocol.RoleScribe}
	public = cafe.Actor{Role: protocol.RolePublic}
)

// week is how long the tests' online spaces stay open.
const week = 7 * 24 * time.Hour

func openCmd(closesAt time.Time) cafe.Command {
	return cafe.Command{Type: protocol.CmdOnlineOpen, Actor: facilitator, Data: protocol.OnlineOpen{ClosesAt: closesAt.UnixMilli()}}
}

func contributeCmd(id string, question int, text string) cafe.Command {
	return cafe.Command{Type: protocol.CmdOnlineContribute, Actor: public, Data: protocol.OnlineContribute{ItemID: id, Question: question, Text: text}}
}

func commentCmd(id, on, text string) cafe.Command {
	return cafe.Command{Type: protocol.CmdOnlineComment, Actor: public, Data: protocol.OnlineComment{CommentID: id, OnID: on, Text: text}}
}

func flagCmd(id, reason string) cafe.Command {
	return cafe.Command{Type: protocol.CmdOnlineFlag, Actor: public, Data: protocol.OnlineFlag{ItemID: id, Reason: reason}}
}

func hideCmd(id, reason string) cafe.Command {
	return cafe.Command{Type: protocol.CmdOnlineHide, Actor: facilitator, Data: protocol.OnlineHide{ItemID: id, Reason: reason}}
}

func unhideCmd(id string) cafe.Command {
	return cafe.Command{Type: protocol.CmdOnlineUnhide, Actor: facilitator, Data: protocol.ItemRef{ItemID: id}}
}

func stageCmd(stage string) cafe.Command {
	return cafe.Command{Type: protocol.CmdTownHallStage, Actor: facilitator, Data: protocol.TownHallStage{Stage: stage}}
}

func agendaCmd(title, presenter, link string) cafe.Command {
	return cafe.Command{Type: protocol.CmdTownHallAgenda, Actor: facilitator, Data: protocol.TownHallAgenda{Title: title, Presenter: presenter, Link: link}}
}

func askCmd(id, text string) cafe.Command {
	return cafe.Command{Type: protocol.CmdTownHallAsk, Actor: public, Data: protocol.TownHallAsk{QuestionID: id, Text: text}}
}

func upvoteCmd(id, voter string) cafe.Command {
	return cafe.Command{Type: protocol.CmdTownHallUpvote, Actor: public, Data: protocol.TownHallUpvote{QuestionID: id, Voter: voter}}
}

func queueCmd(typ, kind, id string) cafe.Command {
	return cafe.Command{Type: typ, Actor: facilitator, Data: protocol.QueueItem{Kind: kind, ID: id}}
}

func starCmd(kind, id string, starred bool) cafe.Command {
	return cafe.Command{Type: protocol.CmdQueueStar, Actor: facilitator, Data: protocol.QueueStar{QueueItem: protocol.QueueItem{Kind: kind, ID: id}, Starred: starred}}
}

func findingCmd(typ string, a cafe.Actor, id, text string) cafe.Command {
	if typ == protocol.CmdFindingDelete {
		return cafe.Command{Type: typ, Actor: a, Data: protocol.FindingRef{FindingID: id}}
	}
	return cafe.Command{Type: typ, Actor: a, Data: protocol.Finding{FindingID: id, Text: text}}
}

func concludeCmd(text string) cafe.Command {
	return cafe.Command{Type: protocol.CmdConclude, Actor: facilitator, Data: protocol.Conclusion{Text: text}}
}

// consultationData is data the actor of each consultation command could
// send successfully in TestRoles' café once consultationSetup ran.
func consultationData(typ string) any {
	switch typ {
	case protocol.CmdOnlineOpen:
		return protocol.OnlineOpen{ClosesAt: t0.Add(week).UnixMilli()}
	case protocol.CmdOnlineHide:
		return protocol.OnlineHide{ItemID: "c1", Reason: "Personal data"}
	case protocol.CmdOnlineUnhide:
		return protocol.ItemRef{ItemID: "c1"}
	case protocol.CmdOnlineTheme:
		return protocol.OnlineTheme{ItemID: "c1", ThemeID: "t1"}
	case protocol.CmdOnlineContribute:
		return protocol.OnlineContribute{ItemID: "c-new", Text: "From afar"}
	case protocol.CmdOnlineComment:
		return protocol.OnlineComment{CommentID: "m-new", OnID: "c1", Text: "Agreed"}
	case protocol.CmdOnlineFlag:
		return protocol.OnlineFlag{ItemID: "c1"}
	case protocol.CmdTownHallAgenda:
		return protocol.TownHallAgenda{Title: "What we heard"}
	case protocol.CmdTownHallStage:
		return protocol.TownHallStage{Stage: protocol.StagePresentation}
	case protocol.CmdTownHallAsk:
		return protocol.TownHallAsk{QuestionID: "q-new", Text: "And the budget?"}
	case protocol.CmdTownHallUpvote:
		return protocol.TownHallUpvote{QuestionID: "q1", Voter: "voter-1"}
	case protocol.CmdQueueStar:
		return protocol.QueueStar{QueueItem: protocol.QueueItem{Kind: protocol.ItemHand, ID: "a1"}, Starred: true}
	case protocol.CmdQueueTake, protocol.CmdQueueDone:
		return protocol.QueueItem{Kind: protocol.ItemHand, ID: "a1"}
	case protocol.CmdFindingAdd:
		return protocol.Finding{FindingID: "f-new", Text: "Trust needs openness"}
	case protocol.CmdFindingEdit:
		return protocol.Finding{FindingID: "f1", Text: "Trust needs openness, said twice"}
	case protocol.CmdFindingDelete:
		return protocol.FindingRef{FindingID: "f1"}
	case protocol.CmdConclude:
		return protocol.Conclusion{Text: "We heard three things."}
	}
	return nil
}

// openSpace opens the online space with one contribution, c1, to the
// first question.
func openSpace(r *room) {
	r.do(openCmd(r.clock.now.Add(week)))
	r.do(contributeCmd("c1", 0, "Open the budget data"))
}

// consultationSetup brings TestRoles' café (round 1 running, a note by a1
// and one by h1) to where each consultation command can succeed.
var consultationSetup = map[string]func(r *room){
	protocol.CmdOnlineHide:   openSpace,
	protocol.CmdOnlineUnhide: func(r *room) { openSpace(r); r.do(hideCmd("c1", "Personal data")) },
	protocol.CmdOnlineTheme:  func(r *room) { openSpace(r); r.do(theme("t1", 0)) },
	protocol.CmdOnlinePublish: func(r *room) {
		r.do(control(protocol.CmdRoundEnd))
		r.do(control(protocol.CmdHarvestStart))
		r.do(openCmd(r.clock.now.Add(week)))
	},
	protocol.CmdQueueStar:     func(r *room) { r.do(handCmd(attendee("a1"), protocol.CmdHandRaise)) },
	protocol.CmdQueueTake:     func(r *room) { r.do(handCmd(attendee("a1"), protocol.CmdHandRaise)) },
	protocol.CmdQueueDone:     func(r *room) { r.do(handCmd(attendee("a1"), protocol.CmdHandRaise)) },
	protocol.CmdFindingEdit:   func(r *room) { r.do(findingCmd(protocol.CmdFindingAdd, scribe, "f1", "Trust")) },
	protocol.CmdFindingDelete: func(r *room) { r.do(findingCmd(protocol.CmdFindingAdd, scribe, "f1", "Trust")) },
}

// consultationRoom is a café in its first round with two attendees at the
// tables, a1 and a2, and a note by each (a2 anonymous).
func consultationRoom(tb testing.TB) *room {
	tb.Helper()
	r := newRoom(tb, protocol.CreateCafe{})
	r.do(joinCmd("a1", protocol.Join{Name: "Ada", Group: "academia"}))
	r.do(joinCmd("a2", protocol.Join{Anonymous: true}))
	r.do(control(protocol.CmdRoundStart))
	r.do(postCmd(attendee("a1"), "n1", "Ada's note"))
	r.do(postCmd(attendee("a2"), "n2", "An anonymous note"))
	return r
}

func TestPublicCommandsComeFromThePublicPagesOnly(t *testing.T) {
	for _, typ := range []string{
		protocol.CmdOnlineContribute, protocol.CmdOnlineComment, protocol.CmdOnlineFlag,
		protocol.CmdTownHallAsk, protocol.CmdTownHallUpvote,
	} {
		for _, a := range []cafe.Actor{facilitator, wall, scribe, attendee("a1"), cafe.System} {
			t.Run(string(a.Role)+" may not send "+typ, func(t *testing.T) {
				r := consultationRoom(t)
				r.reject(cafe.Command{Type: typ, Actor: a, Data: consultationData(typ)}, protocol.CodeForbidden)
			})
		}
	}
}

func TestPublicCodeIsInEveryView(t *testing.T) {
	r := &room{tb: t, s: cafe.New("cafe-1"), clock: &clock{now: t0}}
	r.do(cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{JoinCode: "KX7Q2M", PublicCode: "PUB7Q2"}})
	if r.s.PublicCode != "PUB7Q2" {
		t.Fatalf("state's public code %q", r.s.PublicCode)
	}
	created := eventData[protocol.CafeCreated](t, r.log[0])
	if created.PublicCode != "PUB7Q2" {
		t.Errorf("cafe.created carries public code %q", created.PublicCode)
	}
	for _, role := range []protocol.Role{protocol.RoleFacilitator, protocol.RoleHost, protocol.RoleAttendee, protocol.RoleWall, protocol.RoleScribe, protocol.RolePublic} {
		if got := r.s.View(role).PublicCode; got != "PUB7Q2" {
			t.Errorf("the %s sees public code %q", role, got)
		}
	}
	if got := r.s.View(protocol.RolePublic).JoinCode; got != "" {
		t.Errorf("the public sees the room's join code %q", got)
	}
}

func TestConclusion(t *testing.T) {
	r := consultationRoom(t)
	r.reject(concludeCmd(strings.Repeat("a", protocol.MaxConclusionRunes+1)), protocol.CodeTooLarge)
	r.reject(concludeCmd("bad \xff"), protocol.CodeInvalid)
	r.do(concludeCmd("  Three things.\n\nFirst, trust. \u200b"))
	if got := r.s.View(protocol.RolePublic).Conclusion; got != "Three things.\n\nFirst, trust." {
		t.Errorf("conclusion %q", got)
	}
	r.duplicate(concludeCmd("Three things.\n\nFirst, trust."))
	r.do(concludeCmd(""))
	if r.s.Conclusion != "" {
		t.Errorf("an empty conclusion left %q", r.s.Conclusion)
	}
	r.duplicate(concludeCmd("  "))
}

// TestClosedCafeKeepsTheConsultation closes the café and then runs the
// online space, a town hall, its findings and the conclusion: a closed
// café closes the café only.
func TestClosedCafeKeepsTheConsultation(t *testing.T) {
	r := consultationRoom(t)
	r.do(theme("t1", 0))
	r.do(control(protocol.CmdCafeClose))
	r.reject(theme("t2", 0), protocol.CodeWrongPhase)
	r.reject(postCmd(attendee("a1"), "n3", "Late"), protocol.CodeWrongPhase)
	r.reject(handCmd(attendee("a1"), protocol.CmdHandRaise), protocol.CodeWrongPhase)
	r.do(openCmd(r.clock.now.Add(week)))
	r.do(contributeCmd("c1", 0, "After the café"))
	r.do(commentCmd("m1", "c1", "Agreed"))
	r.do(flagCmd("m1", "rude"))
	r.do(hideCmd("m1", "Rude"))
	r.do(unhideCmd("m1"))
	r.do(cafe.Command{Type: protocol.CmdOnlineTheme, Actor: facilitator, Data: protocol.OnlineTheme{ItemID: "c1", ThemeID: "t1"}})
	r.do(control(protocol.CmdOnlinePublish))
	r.do(commentCmd("m2", "n1", "On a room note"))
	r.do(agendaCmd("What we heard", "Ada", ""))
	r.do(stageCmd(protocol.StagePresentation))
	r.do(askCmd("q1", "And the budget?"))
	r.do(upvoteCmd("q1", "v1"))
	r.do(starCmd(protocol.ItemQuestion, "q1", true))
	r.do(queueCmd(protocol.CmdQueueTake, protocol.ItemQuestion, "q1"))
	r.do(queueCmd(protocol.CmdQueueDone, protocol.ItemQuestion, "q1"))
	r.do(findingCmd(protocol.CmdFindingAdd, scribe, "f1", "Budgets"))
	r.do(findingCmd(protocol.CmdFindingEdit, scribe, "f1", "Open budgets"))
	r.do(findingCmd(protocol.CmdFindingDelete, facilitator, "f1", ""))
	r.do(stageCmd(protocol.StageEnded))
	r.do(concludeCmd("Done."))
	if r.s.Phase != protocol.PhaseClosed {
		t.Fatalf("phase %s", r.s.Phase)
	}
}

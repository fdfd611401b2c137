package cafe_test

import (
	"slices"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

func hand(id string) protocol.QueueItem { return protocol.QueueItem{Kind: protocol.ItemHand, ID: id} }
func question(id string) protocol.QueueItem {
	return protocol.QueueItem{Kind: protocol.ItemQuestion, ID: id}
}

// queueRoom is a town hall with the floor open, hands up from a1, a2 and
// a3, and remote questions q1 and q2.
func queueRoom(tb testing.TB) *room {
	tb.Helper()
	r := consultationRoom(tb)
	r.do(joinCmd("a3", protocol.Join{Name: "Cy"}))
	r.do(control(protocol.CmdRoundEnd))
	r.do(stageCmd(protocol.StageFloor))
	for _, id := range []string{"a1", "a2", "a3"} {
		r.do(handCmd(attendee(id), protocol.CmdHandRaise))
	}
	r.do(askCmd("q1", "First"))
	r.do(askCmd("q2", "Second"))
	return r
}

func TestQueueStars(t *testing.T) {
	r := queueRoom(t)
	r.reject(starCmd("shout", "a1", true), protocol.CodeInvalid)
	r.reject(starCmd(protocol.ItemHand, "", true), protocol.CodeInvalid)
	r.reject(starCmd(protocol.ItemHand, "a9", true), protocol.CodeNotFound)
	r.reject(starCmd(protocol.ItemQuestion, "nope", true), protocol.CodeNotFound)
	r.do(starCmd(protocol.ItemQuestion, "q2", true))
	r.do(starCmd(protocol.ItemHand, "a3", true))
	r.do(starCmd(protocol.ItemHand, "a2", true))
	r.duplicate(starCmd(protocol.ItemHand, "a3", true))
	r.duplicate(starCmd(protocol.ItemHand, "a1", false))
	r.do(starCmd(protocol.ItemHand, "a3", false))
	if got := r.s.View(protocol.RoleFacilitator).TownHall.Starred; !slices.Equal(got, []protocol.QueueItem{question("q2"), hand("a2")}) {
		t.Errorf("starred %v", got)
	}
	r.do(hideCmd("q2", "Off topic"))
	r.do(handCmd(attendee("a2"), protocol.CmdHandLower))
	if got := r.s.Queue.Starred; len(got) != 0 {
		t.Errorf("a hidden question and a lowered hand stay starred: %v", got)
	}
	r.reject(starCmd(protocol.ItemQuestion, "q2", true), protocol.CodeNotFound)
}

func TestQueueTakeAndDone(t *testing.T) {
	r := queueRoom(t)
	r.do(starCmd(protocol.ItemHand, "a2", true))
	r.reject(queueCmd(protocol.CmdQueueTake, protocol.ItemHand, "a9"), protocol.CodeNotFound)
	r.do(queueCmd(protocol.CmdQueueTake, protocol.ItemHand, "a2"))
	r.duplicate(queueCmd(protocol.CmdQueueTake, protocol.ItemHand, "a2"))
	th := r.s.View(protocol.RoleFacilitator)
	if th.Speaker != "a2" || slices.Contains(th.Hands, "a2") || *th.TownHall.Current != hand("a2") || len(th.TownHall.Starred) != 0 {
		t.Fatalf("after taking a2: speaker %q, hands %v, current %v, starred %v", th.Speaker, th.Hands, th.TownHall.Current, th.TownHall.Starred)
	}

	// Taking a question while a2 speaks replaces the current item; a2 has
	// not been marked as spoken.
	r.do(starCmd(protocol.ItemQuestion, "q1", true))
	r.do(queueCmd(protocol.CmdQueueTake, protocol.ItemQuestion, "q1"))
	v := r.s.View(protocol.RoleFacilitator)
	if *v.TownHall.Current != question("q1") || v.Speaker != "" || len(v.TownHall.Spoke) != 0 || len(v.TownHall.Starred) != 0 {
		t.Fatalf("after taking q1: current %v, speaker %q, spoke %v, starred %v", v.TownHall.Current, v.Speaker, v.TownHall.Spoke, v.TownHall.Starred)
	}
	r.do(queueCmd(protocol.CmdQueueDone, protocol.ItemQuestion, "q1"))
	r.duplicate(queueCmd(protocol.CmdQueueDone, protocol.ItemQuestion, "q1"))
	r.reject(queueCmd(protocol.CmdQueueDone, protocol.ItemQuestion, "nope"), protocol.CodeNotFound)
	r.reject(queueCmd(protocol.CmdQueueTake, protocol.ItemQuestion, "q1"), protocol.CodeNotFound) // answered: out of the queue
	v = r.s.View(protocol.RoleFacilitator)
	if v.TownHall.Current != nil || !v.TownHall.Questions[0].Answered {
		t.Fatalf("after q1 was answered: current %v, questions %+v", v.TownHall.Current, v.TownHall.Questions)
	}

	r.do(queueCmd(protocol.CmdQueueTake, protocol.ItemHand, "a1"))
	r.do(queueCmd(protocol.CmdQueueDone, protocol.ItemHand, "a1"))
	r.duplicate(queueCmd(protocol.CmdQueueDone, protocol.ItemHand, "a1"))
	r.do(queueCmd(protocol.CmdQueueDone, protocol.ItemHand, "a3")) // spoke without being taken: their hand comes down
	r.reject(queueCmd(protocol.CmdQueueDone, protocol.ItemHand, "a2"), protocol.CodeNotFound)
	v = r.s.View(protocol.RoleFacilitator)
	if v.Speaker != "" || v.TownHall.Current != nil || !slices.Equal(v.TownHall.Spoke, []string{"a1", "a3"}) || len(v.Hands) != 0 {
		t.Errorf("speaker %q, current %v, spoke %v, hands %v", v.Speaker, v.TownHall.Current, v.TownHall.Spoke, v.Hands)
	}
}

func TestSpeakerNextFollowsTheStars(t *testing.T) {
	r := queueRoom(t)
	r.do(starCmd(protocol.ItemQuestion, "q1", true)) // not a hand: speaker.next passes it by
	r.do(starCmd(protocol.ItemHand, "a3", true))
	next := cafe.Command{Type: protocol.CmdSpeakerNext, Actor: facilitator}
	r.do(next)
	if r.s.Speaker != "a3" || *r.s.Queue.Current != hand("a3") {
		t.Fatalf("speaker %q, current %v; want the starred a3", r.s.Speaker, r.s.Queue.Current)
	}
	r.do(next)
	r.do(next)
	v := r.s.View(protocol.RoleFacilitator)
	if v.Speaker != "a2" || !slices.Equal(v.TownHall.Spoke, []string{"a3", "a1"}) || !slices.Equal(v.TownHall.Starred, []protocol.QueueItem{question("q1")}) {
		t.Fatalf("speaker %q, spoke %v, starred %v", v.Speaker, v.TownHall.Spoke, v.TownHall.Starred)
	}
	r.do(next) // nobody left: a2 has spoken, the floor is free
	r.duplicate(next)
	if r.s.Speaker != "" || r.s.Queue.Current != nil || !slices.Equal(r.s.Queue.Spoke, []string{"a3", "a1", "a2"}) {
		t.Errorf("speaker %q, current %v, spoke %v", r.s.Speaker, r.s.Queue.Current, r.s.Queue.Spoke)
	}
}

func TestRemovingTheSpeakerFreesTheQueue(t *testing.T) {
	r := queueRoom(t)
	r.do(starCmd(protocol.ItemHand, "a2", true))
	r.do(queueCmd(protocol.CmdQueueTake, protocol.ItemHand, "a1"))
	r.do(removeCmd("a1"))
	r.do(removeCmd("a2"))
	if r.s.Speaker != "" || r.s.Queue.Current != nil || len(r.s.Queue.Starred) != 0 || slices.Contains(r.s.Hands, "a2") {
		t.Errorf("speaker %q, current %v, starred %v, hands %v", r.s.Speaker, r.s.Queue.Current, r.s.Queue.Starred, r.s.Hands)
	}
}

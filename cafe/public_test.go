package cafe_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// publicRoom is a café that used everything the public must not see:
// participants (one anonymous) with notes, hands and the floor, hidden
// notes, contributions, comments and questions with their words, flags with
// reasons, upvotes with voters, and the join code. Every secret is a
// distinctive string the test looks for.
func publicRoom(t *testing.T) *room {
	t.Helper()
	r := &room{tb: t, s: cafe.New("cafe-1"), clock: &clock{now: t0}}
	r.do(cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{JoinCode: "JOINSECRET", PublicCode: "PUB7Q2"}})
	r.do(joinCmd("pid-ada", protocol.Join{Name: "Ada", Group: "academia"}))
	r.do(joinCmd("pid-anon", protocol.Join{Anonymous: true, Group: "government"}))
	r.do(joinCmd("pid-bo", protocol.Join{Name: "Bo"}))
	r.do(control(protocol.CmdRoundStart))
	r.do(postCmd(attendee("pid-ada"), "n1", "A shown note"))
	r.do(postCmd(attendee("pid-anon"), "n2", "Anonymous shown note"))
	r.do(postCmd(attendee("pid-bo"), "n3", "HIDDEN-NOTE words"))
	r.do(refCmd(facilitator, protocol.CmdNoteHide, "n3"))
	r.do(broadcastCmd("BROADCAST-SECRET"))
	r.do(openCmd(r.clock.now.Add(week)))
	r.do(contributeCmd("c1", 0, "A shown contribution"))
	r.do(cafe.Command{Type: protocol.CmdOnlineContribute, Actor: public, Data: protocol.OnlineContribute{
		ItemID: "c2", Title: "HIDDEN-TITLE", Text: "HIDDEN-CONTRIBUTION", Name: "HIDDEN-NAME", Group: "civil_society",
	}})
	r.do(hideCmd("c2", "Personal data"))
	r.do(commentCmd("m1", "c1", "HIDDEN-COMMENT"))
	r.do(hideCmd("m1", "Rude"))
	r.do(flagCmd("c1", "FLAG-REASON"))
	r.do(control(protocol.CmdRoundEnd))
	r.do(stageCmd(protocol.StageFloor))
	r.do(handCmd(attendee("pid-ada"), protocol.CmdHandRaise))
	r.do(handCmd(attendee("pid-anon"), protocol.CmdHandRaise))
	r.do(handCmd(attendee("pid-bo"), protocol.CmdHandRaise))
	r.do(starCmd(protocol.ItemHand, "pid-anon", true))
	r.do(queueCmd(protocol.CmdQueueTake, protocol.ItemHand, "pid-ada"))
	r.do(queueCmd(protocol.CmdQueueDone, protocol.ItemHand, "pid-ada"))
	r.do(cafe.Command{Type: protocol.CmdSpeakerNext, Actor: facilitator})
	r.do(askCmd("q1", "A shown question"))
	r.do(askCmd("q2", "HIDDEN-QUESTION"))
	r.do(upvoteCmd("q1", "VOTER-SECRET"))
	r.do(hideCmd("q2", "Off topic"))
	r.do(flagCmd("q1", "FLAG-REASON"))
	r.do(openVote("v1", false))
	r.do(cafe.Command{Type: protocol.CmdVoteCast, Actor: attendee("pid-ada"), Data: protocol.VoteDot{VoteID: "v1", ItemID: "n1"}})
	r.do(findingCmd(protocol.CmdFindingAdd, scribe, "f1", "A finding"))
	r.do(control(protocol.CmdHarvestStart))
	r.do(control(protocol.CmdOnlinePublish))
	r.do(commentCmd("m2", "n2", "A comment on a room note"))
	return r
}

// secrets are what no public byte may ever contain; hidden is the words of
// what the moderator hid, which went out live before they hid it and must
// not go out again.
var (
	secrets = []string{"pid-", "Ada", "Bo\"", "JOINSECRET", "BROADCAST-SECRET", "FLAG-REASON", "VOTER-SECRET"}
	hidden  = append(slices.Clone(secrets), "HIDDEN-")
)

func leaks(b []byte) []string { return leaksOf(hidden, b) }

func leaksOf(secrets []string, b []byte) []string {
	var out []string
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			out = append(out, s)
		}
	}
	return out
}

func TestThePublicViewLeaksNothing(t *testing.T) {
	r := publicRoom(t)
	// The room's own views do hold the secrets: the test looks for the
	// right strings.
	fac, err := json.Marshal(r.s.View(protocol.RoleFacilitator))
	if err != nil {
		t.Fatal(err)
	}
	if got := leaks(fac); len(got) < 6 {
		t.Fatalf("the facilitator's view holds only %v of the secrets: the test café is not what it claims", got)
	}
	v := r.s.View(protocol.RolePublic)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got := leaks(b); got != nil {
		t.Errorf("the public view holds %v:\n%s", got, b)
	}
	if len(v.Participants) != 0 || len(v.Hands) != 0 || v.Speaker != "" || v.Spotlight != nil || v.JoinCode != "" {
		t.Errorf("the public sees people: %+v %v %q", v.Participants, v.Hands, v.Speaker)
	}
	var notes []string
	for _, n := range v.Notes {
		notes = append(notes, n.ID)
		if n.Author != "" {
			t.Errorf("note %s names its author %q", n.ID, n.Author)
		}
	}
	if !slices.Equal(notes, []string{"n1", "n2"}) {
		t.Errorf("the public sees notes %v, want the two shown ones", notes)
	}
	th := v.TownHall
	if th.Current == nil || th.Current.Kind != protocol.ItemHand || th.Current.ID != "" || len(th.Spoke) != 0 {
		t.Errorf("the public sees the queue as current %v, spoke %v", th.Current, th.Spoke)
	}
	if th.Questions[0].Votes != 1 || th.Questions[0].Flags != 0 {
		t.Errorf("the public sees question %+v", th.Questions[0])
	}
	if len(v.Votes) != 1 || v.Votes[0].Tally != nil {
		t.Errorf("the public sees an unrevealed vote's tally: %+v", v.Votes)
	}
	r.do(cafe.Command{Type: protocol.CmdVoteReveal, Actor: facilitator, Data: protocol.VoteRef{VoteID: "v1"}})
	if v := r.s.View(protocol.RolePublic); v.Votes[0].Tally["n1"] != 1 {
		t.Errorf("the public does not see the revealed tally: %+v", v.Votes)
	}
	if v.Online.NoteComments["n2"][0].Text != "A comment on a room note" {
		t.Errorf("note comments %+v", v.Online.NoteComments)
	}
}

func TestThePublicViewHasNoNotesBeforePublication(t *testing.T) {
	r := consultationRoom(t)
	r.do(openCmd(r.clock.now.Add(week)))
	if v := r.s.View(protocol.RolePublic); len(v.Notes) != 0 {
		t.Errorf("the public sees %d notes before publication", len(v.Notes))
	}
}

// TestPublicEventsLeakNothing replays the whole log of publicRoom through
// ForPublic against the final state (as a resume would) and live, event by
// event, against the state just after each. A post goes out live before it
// is hidden; replayed after, it goes out without its words.
func TestPublicEventsLeakNothing(t *testing.T) {
	r := publicRoom(t)
	check := func(how string, secrets []string, s *cafe.State, ev protocol.Event) (protocol.Event, bool) {
		t.Helper()
		out, ok := cafe.ForPublic(s, ev)
		if !ok {
			return out, false
		}
		b := protocol.EncodeEvent(out)
		if got := leaksOf(secrets, b); got != nil {
			t.Errorf("%s: %s goes out as %s, holding %v", how, ev.Type, b, got)
		}
		if len(out.Private) != 0 {
			t.Errorf("%s: %s keeps its private part", how, ev.Type)
		}
		return out, true
	}
	sent := map[string]bool{}
	for _, ev := range r.log {
		if _, ok := check("replayed", hidden, r.s, ev); ok {
			sent[ev.Type] = true
		}
	}
	live := cafe.New(r.s.ID)
	for _, ev := range r.log {
		if err := cafe.Apply(live, ev); err != nil {
			t.Fatal(err)
		}
		check("live", secrets, live, ev)
	}
	for _, typ := range []string{
		protocol.EvOnlineOpened, protocol.EvOnlineContributed, protocol.EvOnlineCommented, protocol.EvSpeakerCalled,
		protocol.EvOnlineHidden, protocol.EvOnlinePublished, protocol.EvTownHallStaged, protocol.EvTownHallAsked,
		protocol.EvTownHallUpvoted, protocol.EvQueueStarred, protocol.EvQueueTaken, protocol.EvQueueDone,
		protocol.EvFindingAdded, protocol.EvRoundStarted, protocol.EvHarvestStarted, protocol.EvVoteOpened,
	} {
		if !sent[typ] {
			t.Errorf("the public never gets %s", typ)
		}
	}
	for _, typ := range []string{
		protocol.EvCafeCreated, protocol.EvParticipantJoined, protocol.EvNotePosted, protocol.EvHandRaised,
		protocol.EvOnlineFlagged, protocol.EvBroadcastSet, protocol.EvVoteCast, protocol.EvParticipantRemoved,
	} {
		if sent[typ] {
			t.Errorf("the public gets %s", typ)
		}
	}
}

func TestPublicNoteEventsFollowPublication(t *testing.T) {
	r := consultationRoom(t)
	r.do(control(protocol.CmdRoundEnd))
	r.do(control(protocol.CmdHarvestStart))
	hide := r.do(refCmd(facilitator, protocol.CmdNoteHide, "n1")).Events[0]
	if _, ok := cafe.ForPublic(r.s, hide); ok {
		t.Error("a note event reaches the public before publication")
	}
	r.do(openCmd(r.clock.now.Add(week)))
	r.do(control(protocol.CmdOnlinePublish))
	unhide := r.do(refCmd(facilitator, protocol.CmdNoteUnhide, "n1")).Events[0]
	if _, ok := cafe.ForPublic(r.s, unhide); !ok {
		t.Error("a published note shown again does not reach the public")
	}
	r.do(refCmd(facilitator, protocol.CmdNoteHide, "n1"))
	if _, ok := cafe.ForPublic(r.s, unhide); ok {
		t.Error("the words of a note hidden again reach the public in a replay")
	}
}

package cafe_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

func TestOnlineOpen(t *testing.T) {
	r := consultationRoom(t)
	now := r.clock.now
	for _, tc := range []struct {
		name     string
		closesAt time.Time
	}{
		{"a closing date in the past is refused", now.Add(-time.Minute)},
		{"a closing date of now is refused", now},
		{"a closing date beyond a year is refused", now.AddDate(0, 0, protocol.MaxOnlineOpenDays).Add(time.Millisecond)},
	} {
		t.Run(tc.name, func(t *testing.T) { r.reject(openCmd(tc.closesAt), protocol.CodeInvalid) })
	}
	if r.s.View(protocol.RoleFacilitator).Online != nil {
		t.Fatal("the space shows before it was opened")
	}
	r.do(openCmd(now.AddDate(0, 0, protocol.MaxOnlineOpenDays)))
	r.duplicate(openCmd(now.AddDate(0, 0, protocol.MaxOnlineOpenDays)))
	r.clock.Advance(time.Hour)
	r.do(openCmd(now.Add(2 * time.Hour))) // earlier
	r.do(openCmd(now.Add(week)))          // later again
	o := r.s.View(protocol.RoleWall).Online
	if o == nil || o.OpenedAt != now.UnixMilli() || o.ClosesAt != now.Add(week).UnixMilli() {
		t.Fatalf("online space %+v, want opened at %d, closing at %d", o, now.UnixMilli(), now.Add(week).UnixMilli())
	}
	if !r.s.OnlineOpen(r.clock.now) || r.s.OnlineOpen(now.Add(week)) {
		t.Error("the space is open exactly until its closing date")
	}
}

func TestOnlineContribute(t *testing.T) {
	r := consultationRoom(t)
	perr := r.reject(contributeCmd("c1", 0, "Too early"), protocol.CodeWrongPhase)
	if perr.Message != "the online space is not open yet" {
		t.Errorf("refusal before opening says %q", perr.Message)
	}
	r.do(openCmd(r.clock.now.Add(week)))
	r.do(cafe.Command{Type: protocol.CmdOnlineContribute, Actor: public, Data: protocol.OnlineContribute{
		ItemID: "c1", Question: 1, Title: " Open\u2028data ", Text: "Publish\r\nbudgets\u200b", Name: "Bo", Group: "academia",
	}})
	c := r.s.View(protocol.RolePublic).Online.Contributions[0]
	if c.Title != "Open data" || c.Text != "Publish\nbudgets" || c.Name != "Bo" || c.Group != "academia" || c.Question != 1 || c.At != r.clock.now.UnixMilli() {
		t.Errorf("contribution %+v: text not cleaned as notes are", c)
	}
	r.do(askCmdRunning(r, "q1"))

	long := func(n int) string { return strings.Repeat("é", n) }
	data := func(f func(*protocol.OnlineContribute)) cafe.Command {
		c := protocol.OnlineContribute{ItemID: "c2", Question: 0, Text: "Fine"}
		f(&c)
		return cafe.Command{Type: protocol.CmdOnlineContribute, Actor: public, Data: c}
	}
	for _, tc := range []struct {
		name string
		cmd  cafe.Command
		code protocol.Code
	}{
		{"an unknown question", data(func(c *protocol.OnlineContribute) { c.Question = 3 }), protocol.CodeInvalid},
		{"a negative question", data(func(c *protocol.OnlineContribute) { c.Question = -1 }), protocol.CodeInvalid},
		{"an empty text", data(func(c *protocol.OnlineContribute) { c.Text = " \n\u200b " }), protocol.CodeInvalid},
		{"a text too long", data(func(c *protocol.OnlineContribute) { c.Text = long(protocol.MaxContributionRunes + 1) }), protocol.CodeTooLarge},
		{"a title too long", data(func(c *protocol.OnlineContribute) { c.Title = long(protocol.MaxContributionTitleRunes + 1) }), protocol.CodeTooLarge},
		{"a name too long", data(func(c *protocol.OnlineContribute) { c.Name = long(protocol.MaxNameRunes + 1) }), protocol.CodeTooLarge},
		{"invalid text", data(func(c *protocol.OnlineContribute) { c.Text = "a\xffb" }), protocol.CodeInvalid},
		{"an unknown group", data(func(c *protocol.OnlineContribute) { c.Group = "bogus" }), protocol.CodeInvalid},
		{"no id", data(func(c *protocol.OnlineContribute) { c.ItemID = "" }), protocol.CodeInvalid},
		{"an id too long", data(func(c *protocol.OnlineContribute) { c.ItemID = strings.Repeat("x", protocol.MaxIDBytes+1) }), protocol.CodeInvalid},
		{"the id of another contribution", data(func(c *protocol.OnlineContribute) { c.ItemID = "c1" }), protocol.CodeConflict},
		{"the id of a town hall question", data(func(c *protocol.OnlineContribute) { c.ItemID = "q1" }), protocol.CodeConflict},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) { r.reject(tc.cmd, tc.code) })
	}
	r.duplicate(cafe.Command{Type: protocol.CmdOnlineContribute, Actor: public, Data: protocol.OnlineContribute{
		ItemID: "c1", Question: 1, Title: "Open data", Text: "Publish\nbudgets", Name: "Bo", Group: "academia",
	}})

	t.Run("an anonymous contribution names nobody", func(t *testing.T) {
		r.do(contributeCmd("c3", 2, "No name"))
		c := r.s.View(protocol.RoleFacilitator).Online.Contributions[1]
		if c.Name != "" || c.Group != "" {
			t.Errorf("anonymous contribution %+v", c)
		}
	})
	t.Run("a closed space refuses contributions and says since when", func(t *testing.T) {
		r.do(stageCmd(protocol.StageEnded)) // flags of town hall questions end with it
		r.clock.Advance(week)
		perr := r.reject(contributeCmd("c9", 0, "Too late"), protocol.CodeWrongPhase)
		if !strings.HasPrefix(perr.Message, "the online space closed on 18 March 2025") {
			t.Errorf("refusal after closing says %q", perr.Message)
		}
		r.reject(commentCmd("m9", "c1", "Too late"), protocol.CodeWrongPhase)
		r.reject(flagCmd("c1", ""), protocol.CodeWrongPhase)
		// Moderation goes on.
		r.do(hideCmd("c1", "Off topic"))
		r.do(unhideCmd("c1"))
		r.do(openCmd(r.clock.now.Add(time.Hour))) // and it may open again
		r.do(contributeCmd("c9", 0, "Just in time"))
	})
}

// askCmdRunning puts the town hall at its presentation and asks id there.
func askCmdRunning(r *room, id string) cafe.Command {
	if !r.s.TownHall.Running() {
		r.do(stageCmd(protocol.StagePresentation))
	}
	return askCmd(id, "A question from afar")
}

func TestOnlineLimits(t *testing.T) {
	t.Run("contributions and town hall questions share one limit", func(t *testing.T) {
		r := consultationRoom(t)
		openSpace(r)
		r.do(askCmdRunning(r, "q1"))
		for i := 2; i < protocol.MaxContributions; i++ {
			r.s.Online.Contributions[fmt.Sprint("x", i)] = &cafe.Contribution{Post: cafe.Post{ID: fmt.Sprint("x", i)}}
		}
		r.reject(contributeCmd("c2", 0, "One too many"), protocol.CodeConflict)
		r.reject(askCmd("q2", "One too many"), protocol.CodeConflict)
	})
	t.Run("comments have a limit per café and per item", func(t *testing.T) {
		r := consultationRoom(t)
		openSpace(r)
		r.do(contributeCmd("c2", 0, "Another"))
		for i := range protocol.MaxCommentsPerItem {
			r.s.Online.Comments[fmt.Sprint("m", i)] = &cafe.Comment{Post: cafe.Post{ID: fmt.Sprint("m", i)}, OnID: "c1"}
		}
		r.reject(commentCmd("m-c1", "c1", "One too many"), protocol.CodeConflict)
		r.do(commentCmd("m-c2", "c2", "Room here"))
		for i := len(r.s.Online.Comments); i < protocol.MaxComments; i++ {
			r.s.Online.Comments[fmt.Sprint("y", i)] = &cafe.Comment{Post: cafe.Post{ID: fmt.Sprint("y", i)}, OnID: "elsewhere"}
		}
		r.reject(commentCmd("m-c2b", "c2", "One too many"), protocol.CodeConflict)
	})
	t.Run("flags beyond the limit change nothing", func(t *testing.T) {
		r := consultationRoom(t)
		openSpace(r)
		r.s.Online.Contributions["c1"].Flags = protocol.MaxFlagsPerItem - 1
		r.do(flagCmd("c1", "spam"))
		r.duplicate(flagCmd("c1", "spam"))
		if got := r.s.Online.Contributions["c1"].Flags; got != protocol.MaxFlagsPerItem {
			t.Errorf("%d flags", got)
		}
	})
}

func TestOnlineComment(t *testing.T) {
	r := consultationRoom(t)
	openSpace(r)
	r.do(contributeCmd("c2", 0, "Hidden soon"))
	r.do(hideCmd("c2", "Personal data"))
	r.do(commentCmd("m1", "c1", "Agreed"))
	r.do(askCmdRunning(r, "q1"))
	for _, tc := range []struct {
		name string
		cmd  cafe.Command
		code protocol.Code
	}{
		{"under a hidden contribution", commentCmd("m2", "c2", "x"), protocol.CodeForbidden},
		{"under a comment", commentCmd("m2", "m1", "x"), protocol.CodeInvalid},
		{"under a town hall question", commentCmd("m2", "q1", "x"), protocol.CodeInvalid},
		{"under nothing", commentCmd("m2", "nope", "x"), protocol.CodeNotFound},
		{"under a room note before publication", commentCmd("m2", "n1", "x"), protocol.CodeNotFound},
		{"empty", commentCmd("m2", "c1", "  "), protocol.CodeInvalid},
		{"too long", commentCmd("m2", "c1", strings.Repeat("a", protocol.MaxCommentRunes+1)), protocol.CodeTooLarge},
		{"with the id of a contribution", commentCmd("c1", "c1", "x"), protocol.CodeConflict},
		{"repeating an id with other words", commentCmd("m1", "c1", "Disagreed"), protocol.CodeConflict},
	} {
		t.Run("refuses a comment "+tc.name, func(t *testing.T) { r.reject(tc.cmd, tc.code) })
	}
	perr := r.reject(commentCmd("m2", "c2", "x"), protocol.CodeForbidden)
	if perr.Message != "this contribution was hidden by the moderator and takes no comments" {
		t.Errorf("refusal under a hidden contribution says %q", perr.Message)
	}
	r.duplicate(commentCmd("m1", "c1", "Agreed"))

	t.Run("room notes take comments once published", func(t *testing.T) {
		r.do(postCmd(attendee("a1"), "n3", "Deleted soon"))
		r.do(refCmd(attendee("a1"), protocol.CmdNoteDelete, "n3"))
		r.do(refCmd(facilitator, protocol.CmdNoteHide, "n2"))
		r.reject(control(protocol.CmdOnlinePublish), protocol.CodeWrongPhase)
		r.do(control(protocol.CmdRoundEnd))
		r.do(control(protocol.CmdHarvestStart))
		r.do(control(protocol.CmdOnlinePublish))
		r.duplicate(control(protocol.CmdOnlinePublish))
		r.do(commentCmd("m3", "n1", "On Ada's note"))
		r.reject(commentCmd("m4", "n2", "x"), protocol.CodeForbidden)
		r.reject(commentCmd("m4", "n3", "x"), protocol.CodeNotFound)
		o := r.s.View(protocol.RolePublic).Online
		if got := o.NoteComments["n1"]; len(got) != 1 || got[0].Text != "On Ada's note" || got[0].OnID != "n1" {
			t.Errorf("comments under n1: %+v", got)
		}
		if got := o.Contributions[0].Comments; len(got) != 1 || got[0].ID != "m1" {
			t.Errorf("comments under c1: %+v", got)
		}
	})
}

func TestOnlinePublishNeedsTheSpace(t *testing.T) {
	r := consultationRoom(t)
	r.do(control(protocol.CmdRoundEnd))
	r.do(control(protocol.CmdHarvestStart))
	r.reject(control(protocol.CmdOnlinePublish), protocol.CodeWrongPhase)
	r.do(openCmd(r.clock.now.Add(time.Hour)))
	r.clock.Advance(2 * time.Hour) // closed again: the notes may still be published
	r.do(control(protocol.CmdOnlinePublish))
	if !r.s.NotesPublished() {
		t.Error("the notes are not published")
	}
}

func TestFlagsAndModeration(t *testing.T) {
	r := consultationRoom(t)
	openSpace(r)
	r.do(commentCmd("m1", "c1", "Spam spam"))
	r.reject(flagCmd("nope", ""), protocol.CodeNotFound)
	r.reject(flagCmd("c1", strings.Repeat("a", protocol.MaxReasonRunes+1)), protocol.CodeTooLarge)
	d := r.do(flagCmd("m1", " spam "))
	r.do(flagCmd("m1", ""))

	fac := r.s.View(protocol.RoleFacilitator).Online.Contributions[0].Comments[0]
	if fac.Flags != 2 || len(fac.FlagReasons) != 1 || fac.FlagReasons[0] != "spam" {
		t.Errorf("the facilitator sees flags %d %q", fac.Flags, fac.FlagReasons)
	}
	for _, role := range []protocol.Role{protocol.RoleWall, protocol.RoleAttendee, protocol.RoleScribe, protocol.RolePublic} {
		if c := r.s.View(role).Online.Contributions[0].Comments[0]; c.Flags != 0 || c.FlagReasons != nil {
			t.Errorf("the %s sees flags %d %q", role, c.Flags, c.FlagReasons)
		}
	}
	ev, changed := cafe.Redact(r.s, d.Events[0])
	if !changed || strings.Contains(string(ev.Data), "spam") || eventData[protocol.OnlineFlag](t, ev).ItemID != "m1" {
		t.Errorf("redacted online.flagged: %s (changed %v)", ev.Data, changed)
	}

	t.Run("hiding needs a reason everyone sees", func(t *testing.T) {
		r.reject(hideCmd("m1", " "), protocol.CodeInvalid)
		r.reject(hideCmd("m1", strings.Repeat("a", protocol.MaxReasonRunes+1)), protocol.CodeTooLarge)
		r.reject(hideCmd("nope", "Spam"), protocol.CodeNotFound)
		r.duplicate(unhideCmd("m1"))
		r.do(hideCmd("m1", "Spam"))
		r.duplicate(hideCmd("m1", "Spam"))
		r.do(hideCmd("m1", "Advertising")) // a new reason
		for _, role := range []protocol.Role{protocol.RoleWall, protocol.RolePublic} {
			c := r.s.View(role).Online.Contributions[0].Comments[0]
			if !c.Hidden || c.Reason != "Advertising" || c.Text != "" {
				t.Errorf("the %s sees the hidden comment as %+v", role, c)
			}
		}
		if c := r.s.View(protocol.RoleFacilitator).Online.Contributions[0].Comments[0]; c.Text != "Spam spam" || c.Reason != "Advertising" {
			t.Errorf("the facilitator sees the hidden comment as %+v", c)
		}
		d := r.do(unhideCmd("m1"))
		r.duplicate(unhideCmd("m1"))
		if c := r.s.View(protocol.RolePublic).Online.Contributions[0].Comments[0]; c.Hidden || c.Reason != "" || c.Text != "Spam spam" {
			t.Errorf("the comment shown again is %+v", c)
		}
		// A device that connected while it was hidden gets its words
		// with the event, and not once it is hidden again.
		unhidden := d.Events[0]
		if u := eventData[protocol.OnlineUnhidden](t, unhidden); u.ItemID != "m1" || u.Text != "Spam spam" {
			t.Errorf("online.unhidden carries %+v", u)
		}
		r.do(hideCmd("m1", "Spam"))
		if ev, changed := cafe.Redact(r.s, unhidden); !changed || strings.Contains(string(ev.Data), "Spam spam") {
			t.Errorf("an old online.unhidden replayed after hiding again: %s", ev.Data)
		}
		r.do(unhideCmd("m1"))
	})
	t.Run("a hidden contribution keeps its words for the facilitator only", func(t *testing.T) {
		r.do(cafe.Command{Type: protocol.CmdOnlineContribute, Actor: public, Data: protocol.OnlineContribute{
			ItemID: "c2", Title: "Secret title", Text: "Call 555-0100", Name: "Cy", Group: "government",
		}})
		posted := r.log[len(r.log)-1]
		r.do(hideCmd("c2", "Personal data"))
		c := r.s.View(protocol.RoleWall).Online.Contributions[1]
		if c.Title != "" || c.Text != "" || c.Name != "" || c.Group != "" || !c.Hidden || c.Reason != "Personal data" {
			t.Errorf("the wall sees %+v", c)
		}
		if c := r.s.View(protocol.RoleFacilitator).Online.Contributions[1]; c.Title != "Secret title" || c.Name != "Cy" {
			t.Errorf("the facilitator sees %+v", c)
		}
		// Its posting event, replayed now, carries none of it either.
		ev, changed := cafe.Redact(r.s, posted)
		if !changed || strings.Contains(string(ev.Data), "555") || strings.Contains(string(ev.Data), "Cy") {
			t.Errorf("replayed online.contributed: %s", ev.Data)
		}
	})
}

func TestOnlineTheme(t *testing.T) {
	r := consultationRoom(t)
	openSpace(r)
	r.do(theme("t1", 0))
	r.do(theme("t2", 0))
	r.do(theme("t3", 1))
	themeCmd := func(item, th string) cafe.Command {
		return cafe.Command{Type: protocol.CmdOnlineTheme, Actor: facilitator, Data: protocol.OnlineTheme{ItemID: item, ThemeID: th}}
	}
	r.reject(themeCmd("nope", "t1"), protocol.CodeNotFound)
	r.reject(themeCmd("c1", "nope"), protocol.CodeNotFound)
	r.reject(themeCmd("c1", "t3"), protocol.CodeInvalid)
	r.duplicate(themeCmd("c1", ""))
	r.do(themeCmd("c1", "t1"))
	r.duplicate(themeCmd("c1", "t1"))
	r.do(cafe.Command{Type: protocol.CmdThemeMerge, Actor: facilitator, Data: protocol.ThemeMerge{ThemeID: "t1", Into: "t2"}})
	if got := r.s.View(protocol.RolePublic).Online.Contributions[0].Theme; got != "t2" {
		t.Errorf("after the merge the contribution is in theme %q, want t2", got)
	}
	r.do(themeCmd("c1", ""))
	if got := r.s.Online.Contributions["c1"].Theme; got != "" {
		t.Errorf("taken out, the contribution is in theme %q", got)
	}
}

// TestOnlineStateIsItsLog rebuilds a café with every consultation event
// from its log, through JSON as the store keeps it.
func TestOnlineStateIsItsLog(t *testing.T) {
	r := consultationRoom(t)
	openSpace(r)
	r.do(commentCmd("m1", "c1", "Agreed"))
	r.do(flagCmd("m1", "rude"))
	r.do(stageCmd(protocol.StageFloor))
	r.do(askCmd("q1", "Budget?"))
	r.do(upvoteCmd("q1", "v1"))
	r.do(handCmd(attendee("a1"), protocol.CmdHandRaise))
	r.do(starCmd(protocol.ItemHand, "a1", true))
	r.do(queueCmd(protocol.CmdQueueTake, protocol.ItemHand, "a1"))
	r.do(findingCmd(protocol.CmdFindingAdd, scribe, "f1", "Trust"))
	r.do(concludeCmd("Done"))
	rebuilt := cafe.New(r.s.ID)
	for _, ev := range r.log {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var back protocol.Event
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if err := cafe.Apply(rebuilt, back); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := string(stateJSON(t, rebuilt)), string(stateJSON(t, r.s)); got != want {
		t.Errorf("rebuilt %s\nlive    %s", got, want)
	}
}

// An item is reported where it was posted, while that place takes posts.
func TestFlagsFollowWhereTheItemWasPosted(t *testing.T) {
	r := consultationRoom(t)
	r.do(openCmd(r.clock.now.Add(time.Hour)))
	r.do(contributeCmd("c1", 0, "A contribution"))
	r.do(stageCmd(protocol.StageFloor))
	r.do(askCmd("q1", "A remote question"))
	r.clock.Advance(2 * time.Hour) // the space closes; the town hall runs on
	r.reject(flagCmd("c1", "rude"), protocol.CodeWrongPhase)
	r.do(flagCmd("q1", "rude"))
	r.do(stageCmd(protocol.StageEnded))
	r.reject(flagCmd("q1", "rude"), protocol.CodeWrongPhase)
}

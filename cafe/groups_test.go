package cafe_test

import (
	"slices"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

func groupsCmd(groups ...protocol.Group) cafe.Command {
	return cafe.Command{Type: protocol.CmdGroupsSet, Actor: facilitator, Data: protocol.GroupsSet{Groups: groups}}
}

var (
	youth    = protocol.Group{ID: "youth", Name: "Youth"}
	farmers  = protocol.Group{ID: "farmers", Name: "Farmers"}
	academic = protocol.Group{ID: "academia", Name: "Academia"}
)

func TestStakeholderGroupsPerCafe(t *testing.T) {
	t.Run("a café made with groups of its own takes joins from them only", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Groups: []protocol.Group{youth, {ID: "farmers", Name: "  Farmers "}}})
		if want := []protocol.Group{youth, farmers}; !slices.Equal(r.s.GroupList(), want) {
			t.Errorf("groups %v, want %v (names trimmed)", r.s.GroupList(), want)
		}
		if v := r.s.View(protocol.RoleAttendee); !slices.Equal(v.Groups, []protocol.Group{youth, farmers}) {
			t.Errorf("the snapshot lists %v", v.Groups)
		}
		r.do(joinCmd("p1", protocol.Join{Group: "youth"}))
		r.do(joinCmd("p2", protocol.Join{})) // prefer not to say
		err := r.reject(joinCmd("p3", protocol.Join{Group: "government"}), protocol.CodeInvalid)
		if err.Message != `unknown stakeholder group "government"` {
			t.Errorf("message %q", err.Message)
		}
		wantRebuilds(t, r.log, r.s)
	})

	t.Run("a café made without groups has the seven defaults, in its snapshot too", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		v := r.s.View(protocol.RoleWall)
		if len(v.Groups) != 7 || v.Groups[0] != (protocol.Group{ID: "government", Name: "Government"}) {
			t.Errorf("groups %v", v.Groups)
		}
		for _, g := range protocol.Groups {
			r.do(joinCmd("p-"+g, protocol.Join{Group: g}))
		}
	})

	t.Run("the facilitator replaces the groups in the lobby; someone whose group goes keeps it", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.do(joinCmd("p1", protocol.Join{Group: "government"}))
		d := r.do(groupsCmd(youth, academic))
		wantEvents(t, d, protocol.EvGroupsSet)
		if got := eventData[protocol.GroupsSet](t, d.Events[0]); !slices.Equal(got.Groups, []protocol.Group{youth, academic}) {
			t.Errorf("event carries %v", got.Groups)
		}
		if got := r.s.Participants["p1"].Group; got != "government" {
			t.Errorf("p1's group is %q, want the government they chose", got)
		}
		r.do(joinCmd("p2", protocol.Join{Group: "youth"}))
		r.reject(joinCmd("p3", protocol.Join{Group: "government"}), protocol.CodeInvalid)
		r.duplicate(groupsCmd(youth, academic))
		wantRebuilds(t, r.log, r.s)
	})

	t.Run("the groups stay once the first round has started", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.do(joinCmd("p1", protocol.Join{}))
		r.do(control(protocol.CmdRoundStart))
		r.reject(groupsCmd(youth), protocol.CodeWrongPhase)
		r.do(control(protocol.CmdRoundEnd))
		r.reject(groupsCmd(youth), protocol.CodeWrongPhase)
	})

	t.Run("a bad list is refused, naming the group", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		if err := r.reject(groupsCmd(), protocol.CodeInvalid); err.Field != "groups" {
			t.Errorf("field %q, want groups", err.Field)
		}
		if err := r.reject(groupsCmd(youth, protocol.Group{ID: "x", Name: ""}), protocol.CodeInvalid); err.Field != "groups.1" {
			t.Errorf("field %q, want groups.1", err.Field)
		}
		if err := r.reject(groupsCmd(youth, youth), protocol.CodeInvalid); err.Field != "groups.1" {
			t.Errorf("field %q, want groups.1", err.Field)
		}
	})

	t.Run("only the facilitator sets the groups", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.do(joinCmd("a1", protocol.Join{}))
		cmd := groupsCmd(youth)
		cmd.Actor = attendee("a1")
		err := r.reject(cmd, protocol.CodeForbidden)
		if err.Message != "an attendee may not send groups.set" {
			t.Errorf("message %q", err.Message)
		}
	})
}

package cafe_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

func TestFindings(t *testing.T) {
	r := consultationRoom(t)
	add := func(id, text string) cafe.Command { return findingCmd(protocol.CmdFindingAdd, scribe, id, text) }
	edit := func(id, text string) cafe.Command { return findingCmd(protocol.CmdFindingEdit, scribe, id, text) }
	del := func(id string) cafe.Command { return findingCmd(protocol.CmdFindingDelete, scribe, id, "") }
	for _, tc := range []struct {
		name string
		cmd  cafe.Command
		code protocol.Code
	}{
		{"a finding without an id", add("", "x"), protocol.CodeInvalid},
		{"a finding with an id too long", add(strings.Repeat("f", protocol.MaxIDBytes+1), "x"), protocol.CodeInvalid},
		{"an empty finding", add("f1", " \n "), protocol.CodeInvalid},
		{"a finding too long", add("f1", strings.Repeat("a", protocol.MaxFindingRunes+1)), protocol.CodeTooLarge},
		{"an edit of nothing", edit("f9", "x"), protocol.CodeNotFound},
		{"a delete of nothing", del("f9"), protocol.CodeNotFound},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) { r.reject(tc.cmd, tc.code) })
	}
	r.do(add("f1", "Trust needs\r\nopenness"))
	r.do(findingCmd(protocol.CmdFindingAdd, facilitator, "f2", "Budgets"))
	r.duplicate(add("f1", "Trust needs\nopenness"))
	r.reject(add("f1", "Something else"), protocol.CodeConflict)
	r.reject(edit("f1", ""), protocol.CodeInvalid)
	r.duplicate(edit("f1", "Trust needs\nopenness"))
	r.do(edit("f1", "Trust needs openness"))
	r.do(del("f2"))
	fs := r.s.View(protocol.RoleWall).TownHall.Findings
	if len(fs) != 1 || fs[0].ID != "f1" || fs[0].Text != "Trust needs openness" || fs[0].At != t0.UnixMilli() {
		t.Errorf("findings %+v", fs)
	}
	for i := len(r.s.TownHall.Findings); i < protocol.MaxFindings; i++ {
		r.do(add(fmt.Sprint("x", i), "More"))
	}
	r.reject(add("one-more", "More"), protocol.CodeConflict)
	r.do(del("f1"))
	r.do(add("one-more", "More")) // room again
}

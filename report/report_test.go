package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// t0 is when the test café opens; its clock moves only by hand.
var t0 = time.Date(2025, time.March, 11, 9, 0, 0, 0, time.UTC)

var facilitator = cafe.Actor{Role: protocol.RoleFacilitator}

func attendee(id string) cafe.Actor {
	return cafe.Actor{Role: protocol.RoleAttendee, ParticipantID: id}
}

func host(id string) cafe.Actor { return cafe.Actor{Role: protocol.RoleHost, ParticipantID: id} }

// room is a café driven through the domain's own Decide and Apply, as the
// server drives it: its state, its clock and its log.
type room struct {
	t   *testing.T
	s   *cafe.State
	now time.Time
	log []protocol.Event
}

func newRoom(t *testing.T, req protocol.CreateCafe) *room {
	t.Helper()
	r := &room{t: t, s: cafe.New("cafe-1"), now: t0}
	r.do(cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{Request: req, JoinCode: "KX7Q2M"}})
	return r
}

// do decides cmd, fails the test if it is refused, and applies its events.
func (r *room) do(cmd cafe.Command) {
	r.t.Helper()
	d, err := cafe.Decide(r.s, cmd, r.now)
	if err != nil {
		r.t.Fatalf("%s by %s was refused: %v", cmd.Type, cmd.Actor.Role, err)
	}
	for _, ev := range d.Events {
		if err := cafe.Apply(r.s, ev); err != nil {
			r.t.Fatalf("applying %s: %v", ev.Type, err)
		}
	}
	r.log = append(r.log, d.Events...)
}

// joinHost joins a person and has the facilitator make them their table's
// host, as hosts are chosen.
func (r *room) joinHost(id string, req protocol.Join) {
	r.do(joinCmd(id, req))
	r.do(cafe.Command{Type: protocol.CmdParticipantRole, Actor: facilitator, Data: protocol.ParticipantRole{ParticipantID: id, Role: protocol.RoleHost}})
}

func joinCmd(id string, req protocol.Join) cafe.Command {
	return cafe.Command{Type: protocol.CmdJoin, Actor: cafe.System, Data: cafe.Join{Request: req, ParticipantID: id}}
}

func postCmd(a cafe.Actor, noteID, text string) cafe.Command {
	return cafe.Command{Type: protocol.CmdNotePost, Actor: a, Data: protocol.NotePost{NoteID: noteID, Text: text}}
}

func refCmd(a cafe.Actor, typ, noteID string) cafe.Command {
	return cafe.Command{Type: typ, Actor: a, Data: protocol.NoteRef{NoteID: noteID}}
}

func control(typ string) cafe.Command { return cafe.Command{Type: typ, Actor: facilitator} }

func theme(id string, question int) cafe.Command {
	return cafe.Command{Type: protocol.CmdThemeCreate, Actor: facilitator, Data: protocol.ThemeCreate{ThemeID: id, Name: "Theme " + id, Question: question}}
}

func dot(a cafe.Actor, vote, item string) cafe.Command {
	return cafe.Command{Type: protocol.CmdVoteCast, Actor: a, Data: protocol.VoteDot{VoteID: vote, ItemID: item}}
}

// eventData decodes the data of ev as T.
func eventData[T any](t *testing.T, ev protocol.Event) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(ev.Data, &v); err != nil {
		t.Fatalf("decoding %s data %s: %v", ev.Type, ev.Data, err)
	}
	return v
}

// reportRoom is a small fixed café: two conversations, a host, a named
// attendee, an anonymous one, themes, a hidden note, a deleted one, votes.
func reportRoom(t *testing.T) *room {
	t.Helper()
	r := newRoom(t, protocol.CreateCafe{
		Title:     "Report <test> & co",
		Questions: []string{"What should *governments* do?", "Which issues matter most?"},
		Tables:    2,
	})
	r.joinHost("h1", protocol.Join{Name: "Ana", Group: "government"})
	r.do(joinCmd("a1", protocol.Join{Name: "Ben | Bo", Group: "civil_society"}))
	r.do(joinCmd("a2", protocol.Join{Name: "Secret", Group: "academia", Anonymous: true}))
	r.do(control(protocol.CmdRoundStart))
	r.now = r.now.Add(time.Minute)
	r.do(postCmd(host("h1"), "n1", "Convene, then listen"))
	r.do(postCmd(attendee("a1"), "n2", "=SUM(A1) is not a formula here"))
	r.do(postCmd(attendee("a2"), "n3", "Publish data, \"openly\""))
	r.do(postCmd(attendee("a1"), "n4", "Off-topic rant"))
	r.do(postCmd(attendee("a1"), "n5", "Deleted thought"))
	r.do(refCmd(facilitator, protocol.CmdNoteHide, "n4"))
	r.do(refCmd(attendee("a1"), protocol.CmdNoteDelete, "n5"))
	r.do(control(protocol.CmdRoundEnd))
	r.do(control(protocol.CmdRoundStart))
	r.now = r.now.Add(time.Minute)
	r.do(postCmd(attendee("a2"), "n6", "Cybersecurity\nand trust"))
	r.do(control(protocol.CmdRoundEnd))
	r.do(theme("listen", 0))
	r.do(cafe.Command{Type: protocol.CmdNoteTheme, Actor: facilitator, Data: protocol.NoteTheme{NoteID: "n1", ThemeID: "listen"}})
	r.do(cafe.Command{Type: protocol.CmdNoteTheme, Actor: facilitator, Data: protocol.NoteTheme{NoteID: "n3", ThemeID: "listen"}})
	r.do(cafe.Command{Type: protocol.CmdVoteOpen, Actor: facilitator, Data: protocol.VoteOpen{VoteID: "v1", Question: -1, On: protocol.VoteOnNotes, Dots: 2}})
	r.do(dot(attendee("a1"), "v1", "n3"))
	r.do(dot(attendee("a2"), "v1", "n3"))
	r.do(dot(host("h1"), "v1", "n6"))
	r.do(cafe.Command{Type: protocol.CmdVoteClose, Actor: facilitator, Data: protocol.VoteRef{VoteID: "v1"}})
	r.do(control(protocol.CmdHarvestStart))
	return r
}

func TestReportFormatsMatchTheirGoldenFiles(t *testing.T) {
	rep := report.Build(reportRoom(t).s)
	for _, format := range report.Formats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.Write(&buf, rep, format); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "report.golden."+format)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./report -run Golden -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s report differs from %s:\n%s", format, path, buf.String())
			}
		})
	}
}

func TestReportCountsEqualTheLog(t *testing.T) {
	r := reportRoom(t)
	rep := report.Build(r.s)
	// Count from the log itself: posted minus deleted minus hidden.
	posted, gone := map[string]int{}, map[string]bool{}
	for _, ev := range r.log {
		switch ev.Type {
		case protocol.EvNotePosted:
			n := eventData[protocol.NotePosted](t, ev)
			posted[n.NoteID] = n.Question
		case protocol.EvNoteDeleted, protocol.EvNoteHidden:
			gone[eventData[protocol.NoteRef](t, ev).NoteID] = true
		case protocol.EvNoteUnhidden:
			delete(gone, eventData[protocol.NoteRef](t, ev).NoteID)
		}
	}
	perQ := make([]int, len(r.s.Questions))
	total := 0
	for id, q := range posted {
		if !gone[id] {
			perQ[q]++
			total++
		}
	}
	if rep.TotalNotes != total || len(rep.Notes) != total {
		t.Fatalf("report has %d notes (%d listed), the log %d", rep.TotalNotes, len(rep.Notes), total)
	}
	for i, c := range rep.Conversations {
		if c.Count != perQ[i] {
			t.Errorf("conversation %d: report %d, log %d", i+1, c.Count, perQ[i])
		}
	}
}

func TestAnonymousNotesCarryNoAuthorInAnyFormat(t *testing.T) {
	rep := report.Build(reportRoom(t).s)
	for _, format := range report.Formats {
		var buf bytes.Buffer
		if err := report.Write(&buf, rep, format); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "Secret") {
			t.Errorf("%s report names the anonymous participant", format)
		}
		if strings.Contains(buf.String(), "Off-topic rant") || strings.Contains(buf.String(), "Deleted thought") {
			t.Errorf("%s report lists a hidden or deleted note", format)
		}
	}
}

func TestACafesOwnGroupsAreNamedAsTheFacilitatorWroteThem(t *testing.T) {
	r := newRoom(t, protocol.CreateCafe{Groups: []protocol.Group{{ID: "residents", Name: "Residents"}, {ID: "council", Name: "Town council"}}})
	r.do(joinCmd("p1", protocol.Join{Name: "Rosa", Group: "council"}))
	r.do(control(protocol.CmdRoundStart))
	r.do(postCmd(attendee("p1"), "n1", "Meet where people already are"))
	rep := report.Build(r.s)
	for _, format := range []string{"md", "csv", "html"} {
		var b strings.Builder
		if err := report.Write(&b, rep, format); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "Town council") {
			t.Errorf("the %s report does not name the group Town council", format)
		}
	}
}

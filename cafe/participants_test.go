package cafe_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// device is the hash the server passes for the phone key k.
func device(k string) string {
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:])
}

// joinOn joins id from the phone with key k, with a ballot key of its own.
func joinOn(id, k string, req protocol.Join) cafe.Command {
	return cafe.Command{Type: protocol.CmdJoin, Actor: cafe.System, Data: cafe.Join{
		Request: req, ParticipantID: id, DeviceHash: device(k), Secret: "ballot-key-of-" + id,
	}}
}

func muteCmd(id string, muted bool) cafe.Command {
	return cafe.Command{Type: protocol.CmdParticipantMute, Actor: facilitator, Data: protocol.ParticipantMute{ParticipantID: id, Muted: muted}}
}

func removeCmd(id string) cafe.Command {
	return cafe.Command{Type: protocol.CmdParticipantRemove, Actor: facilitator, Data: protocol.ParticipantRef{ParticipantID: id}}
}

func handCmd(a cafe.Actor, typ string) cafe.Command { return cafe.Command{Type: typ, Actor: a} }

func TestHostsAreTheFacilitatorsChoice(t *testing.T) {
	t.Run("the facilitator makes someone the host of the table they sit at", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 3})
		r.do(joinCmd("a1", protocol.Join{})) // table 1
		r.do(joinCmd("a3", protocol.Join{})) // table 1
		r.do(joinCmd("a2", protocol.Join{})) // table 2
		d := r.do(roleCmd("a2", protocol.RoleHost))
		wantEvents(t, d, protocol.EvParticipantRoleSet)
		got := eventData[protocol.ParticipantRoleSet](t, d.Events[0])
		if want := (protocol.ParticipantRoleSet{ParticipantID: "a2", Role: protocol.RoleHost, Table: 2}); got != want {
			t.Errorf("event %+v, want %+v", got, want)
		}
		if p := r.s.Participants["a2"]; p.Role != protocol.RoleHost || p.Table != 2 {
			t.Errorf("a2 is a %s at table %d, want the host of table 2", p.Role, p.Table)
		}
		wantRebuilds(t, r.log, r.s)
	})

	t.Run("a table has one host", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 2})
		r.do(joinCmd("a1", protocol.Join{})) // table 1
		r.do(joinCmd("a3", protocol.Join{})) // table 1
		r.do(joinCmd("a2", protocol.Join{})) // table 2
		r.do(roleCmd("a1", protocol.RoleHost))
		err := r.reject(roleCmd("a3", protocol.RoleHost), protocol.CodeConflict)
		if err.Message != "table 1 already has a host" {
			t.Errorf("message %q, want %q", err.Message, "table 1 already has a host")
		}
		// Once the host travels again, the table is free for another.
		r.do(roleCmd("a1", protocol.RoleAttendee))
		r.do(roleCmd("a3", protocol.RoleHost))
	})

	t.Run("the same role again changes nothing", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{})
		r.do(joinCmd("a1", protocol.Join{}))
		r.duplicate(roleCmd("a1", protocol.RoleAttendee))
		r.do(roleCmd("a1", protocol.RoleHost))
		r.duplicate(roleCmd("a1", protocol.RoleHost))
	})

	for _, tc := range []struct {
		name string
		cmd  cafe.Command
		code protocol.Code
	}{
		{"an unknown participant is not found", roleCmd("nobody", protocol.RoleHost), protocol.CodeNotFound},
		{"a removed participant is not found", roleCmd("gone", protocol.RoleHost), protocol.CodeNotFound},
		{"nobody is made facilitator", roleCmd("a1", protocol.RoleFacilitator), protocol.CodeInvalid},
		{"nobody is made a wall", roleCmd("a1", protocol.RoleWall), protocol.CodeInvalid},
		{"an empty role is invalid", roleCmd("a1", ""), protocol.CodeInvalid},
		{"an attendee may not choose hosts", cafe.Command{Type: protocol.CmdParticipantRole, Actor: attendee("a1"),
			Data: protocol.ParticipantRole{ParticipantID: "a1", Role: protocol.RoleHost}}, protocol.CodeForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoom(t, protocol.CreateCafe{})
			r.do(joinCmd("a1", protocol.Join{}))
			r.do(joinCmd("gone", protocol.Join{}))
			r.do(removeCmd("gone"))
			r.reject(tc.cmd, tc.code)
		})
	}

	t.Run("a host made in a town hall hosts the table planned for them and stays there", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 3, Questions: []string{"One?", "Two?", "Three?"}})
		r.seat(0, 9)
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		planned := r.s.NextSeats["a4"]
		d := r.do(roleCmd("a4", protocol.RoleHost))
		if got := eventData[protocol.ParticipantRoleSet](t, d.Events[0]).Table; got != planned {
			t.Fatalf("a4 hosts table %d, want the planned %d", got, planned)
		}
		r.do(control(protocol.CmdRoundStart))
		r.do(control(protocol.CmdRoundEnd))
		if got := r.s.NextSeats["a4"]; got != planned {
			t.Errorf("in round 3 the host a4 is planned at %d, want their table %d", got, planned)
		}
		wantRebuilds(t, r.log, r.s)
	})
}

func TestMute(t *testing.T) {
	muted := func(t *testing.T) *room {
		r := newRoom(t, protocol.CreateCafe{Tables: 2})
		r.seat(1, 1)
		r.do(control(protocol.CmdRoundStart))
		r.do(postCmd(attendee("a1"), "n1", "Before the pause"))
		wantEvents(t, r.do(muteCmd("a1", true)), protocol.EvParticipantMuted)
		return r
	}

	for _, tc := range []struct {
		name string
		cmd  cafe.Command
	}{
		{"a muted participant may not post", postCmd(attendee("a1"), "n2", "Shouting")},
		{"a muted participant may not edit", editCmd(attendee("a1"), "n1", "Changed")},
		{"a muted participant may not raise their hand", handCmd(attendee("a1"), protocol.CmdHandRaise)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := muted(t)
			err := r.reject(tc.cmd, protocol.CodeForbidden)
			if err.Message != "the facilitator has paused your posting" {
				t.Errorf("message %q", err.Message)
			}
		})
	}

	t.Run("a muted participant's notes stay and they may still delete and vote", func(t *testing.T) {
		r := muted(t)
		if n := r.s.Notes["n1"]; n == nil || n.Hidden || n.Deleted {
			t.Fatalf("note n1 is %+v, want it kept as it was", n)
		}
		r.duplicate(postCmd(attendee("a1"), "n1", "Before the pause")) // a resend of what was acked
		r.do(control(protocol.CmdRoundEnd))
		r.do(openVote("v1", true))
		r.do(dot(attendee("a1"), protocol.CmdVoteCast, "v1", "n1"))
		r.do(refCmd(attendee("a1"), protocol.CmdNoteDelete, "n1"))
	})

	t.Run("the view shows who is muted; unmuting lets them post again", func(t *testing.T) {
		r := muted(t)
		if v := r.s.View(protocol.RoleFacilitator); !v.Participants[1].Muted || v.Participants[0].Muted {
			t.Errorf("view participants %+v, want only a1 muted", v.Participants)
		}
		r.duplicate(muteCmd("a1", true))
		r.do(muteCmd("a1", false))
		r.do(postCmd(attendee("a1"), "n2", "Back again"))
		wantRebuilds(t, r.log, r.s)
	})

	t.Run("muting someone unknown is not found", func(t *testing.T) {
		r := muted(t)
		r.reject(muteCmd("nobody", true), protocol.CodeNotFound)
	})
}

// removalRoom is a café in town hall 1: a1 (the one to remove) hosts table 1,
// wrote two notes and cast dots in a hidden and a closed vote, raised a hand
// and was called; a2 wrote one note and raised a hand.
func removalRoom(t *testing.T) *room {
	t.Helper()
	r := newRoom(t, protocol.CreateCafe{Tables: 2, Questions: []string{"One?", "Two?"}})
	r.do(joinOn("a1", "phone-of-a1-0123456789ab", protocol.Join{Name: "Troll", Anonymous: true}))
	r.do(joinOn("a2", "phone-of-a2-0123456789ab", protocol.Join{Name: "Bo"}))
	r.do(roleCmd("a1", protocol.RoleHost))
	r.do(control(protocol.CmdRoundStart))
	r.do(postCmd(host("a1"), "n1", "Spam"))
	r.do(postCmd(host("a1"), "n2", "More spam"))
	r.do(postCmd(attendee("a2"), "n3", "A real idea"))
	r.do(control(protocol.CmdRoundEnd))
	r.do(cafe.Command{Type: protocol.CmdVoteOpen, Actor: facilitator, Data: protocol.VoteOpen{VoteID: "v1", On: protocol.VoteOnNotes, Dots: 3, Stack: true, Live: true}})
	r.do(dot(host("a1"), protocol.CmdVoteCast, "v1", "n1"))
	r.do(dot(host("a1"), protocol.CmdVoteCast, "v1", "n1"))
	r.do(dot(attendee("a2"), protocol.CmdVoteCast, "v1", "n3"))
	r.do(cafe.Command{Type: protocol.CmdVoteClose, Actor: facilitator, Data: protocol.VoteRef{VoteID: "v1"}})
	r.do(openVote("v2", false))
	r.do(dot(host("a1"), protocol.CmdVoteCast, "v2", "n2"))
	r.do(dot(attendee("a2"), protocol.CmdVoteCast, "v2", "n3"))
	r.do(handCmd(host("a1"), protocol.CmdHandRaise))
	r.do(control(protocol.CmdSpeakerNext))
	r.do(handCmd(attendee("a2"), protocol.CmdHandRaise))
	return r
}

func TestRemovingAParticipant(t *testing.T) {
	t.Run("removal takes back everything they put in the room, with events everyone folds", func(t *testing.T) {
		r := removalRoom(t)
		d := r.do(removeCmd("a1"))
		wantEvents(t, d, protocol.EvNoteHidden, protocol.EvNoteHidden,
			protocol.EvVoteUncast, protocol.EvVoteUncast, protocol.EvVoteUncast,
			protocol.EvSpeakerCalled, protocol.EvParticipantRemoved)
		if got := eventData[protocol.SpeakerCalled](t, d.Events[5]).ParticipantID; got != "" {
			t.Errorf("the floor went to %q, want nobody", got)
		}
		s := r.s
		if p := s.Participants["a1"]; !p.Removed {
			t.Errorf("a1 is %+v, want removed", p)
		}
		for _, id := range []string{"n1", "n2"} {
			if !s.Notes[id].Hidden {
				t.Errorf("note %s is not hidden", id)
			}
		}
		if s.Notes["n3"].Hidden {
			t.Errorf("a2's note was hidden too")
		}
		if got := s.Votes["v1"].Tally(); !maps.Equal(got, map[string]int{"n3": 1}) {
			t.Errorf("closed vote tally %v, want only a2's dot", got)
		}
		if got := s.Votes["v2"].Tally(); !maps.Equal(got, map[string]int{"n3": 1}) {
			t.Errorf("hidden vote tally %v, want only a2's dot", got)
		}
		if s.Speaker != "" || !slices.Equal(s.Hands, []string{"a2"}) {
			t.Errorf("speaker %q, hands %v; want nobody speaking and a2 waiting", s.Speaker, s.Hands)
		}
		if _, ok := s.NextSeats["a1"]; ok {
			t.Errorf("a1 is still planned at a table: %v", s.NextSeats)
		}
		for _, role := range []protocol.Role{protocol.RoleFacilitator, protocol.RoleWall, protocol.RoleAttendee} {
			v := s.View(role)
			if len(v.Participants) != 1 || v.Participants[0].ID != "a2" {
				t.Errorf("%s view lists %+v, want a2 alone", role, v.Participants)
			}
			for _, n := range v.Notes {
				if n.Hidden && role != protocol.RoleFacilitator && n.Text != "" {
					t.Errorf("%s view shows the hidden text %q", role, n.Text)
				}
			}
		}
		wantRebuilds(t, r.log, r.s)
	})

	t.Run("their host seat is free for someone else", func(t *testing.T) {
		r := removalRoom(t)
		r.do(removeCmd("a1"))
		r.do(joinCmd("a3", protocol.Join{})) // the emptiest table: 1, where a1 hosted
		if got := r.s.Participants["a3"].Table; got != 1 {
			t.Fatalf("a3 sits at %d, want the freed table 1", got)
		}
		r.do(roleCmd("a3", protocol.RoleHost))
	})

	for _, tc := range []struct {
		name string
		cmd  cafe.Command
	}{
		{"they may not post", postCmd(host("a1"), "n9", "I am back")},
		{"they may not delete their notes", refCmd(host("a1"), protocol.CmdNoteDelete, "n1")},
		{"they may not raise their hand", handCmd(host("a1"), protocol.CmdHandRaise)},
		{"they may not vote", dot(host("a1"), protocol.CmdVoteCast, "v2", "n3")},
		{"they may not take a dot back", dot(host("a1"), protocol.CmdVoteUncast, "v2", "n2")},
		{"they may not lower a hand", handCmd(attendee("a1"), protocol.CmdHandLower)},
	} {
		t.Run("once removed "+tc.name, func(t *testing.T) {
			r := removalRoom(t)
			r.do(removeCmd("a1"))
			err := r.reject(tc.cmd, protocol.CodeUnauthorized)
			if err.Message != "you were removed from this café by the facilitator" {
				t.Errorf("message %q", err.Message)
			}
		})
	}

	t.Run("their device cannot join again; another device is a new person", func(t *testing.T) {
		r := removalRoom(t)
		r.do(removeCmd("a1"))
		err := r.reject(joinOn("a1-again", "phone-of-a1-0123456789ab", protocol.Join{}), protocol.CodeForbidden)
		if err.Message != "you were removed from this café by the facilitator" {
			t.Errorf("message %q", err.Message)
		}
		wantEvents(t, r.do(joinOn("a1-new", "another-phone-0123456789", protocol.Join{})), protocol.EvParticipantJoined)
	})

	t.Run("nobody seats a removed person", func(t *testing.T) {
		r := removalRoom(t)
		r.do(removeCmd("a1"))
		r.reject(cafe.Command{Type: protocol.CmdSeatAssign, Actor: facilitator, Data: protocol.SeatAssign{ParticipantID: "a1", Table: 2}}, protocol.CodeNotFound)
	})

	t.Run("removing twice changes nothing; removing nobody is not found", func(t *testing.T) {
		r := removalRoom(t)
		r.do(removeCmd("a1"))
		r.duplicate(removeCmd("a1"))
		r.reject(removeCmd("nobody"), protocol.CodeNotFound)
	})

	t.Run("removed people free their place in a full café", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Tables: 50})
		for i := range protocol.MaxParticipants {
			r.do(joinCmd("p"+strconv.Itoa(i), protocol.Join{}))
		}
		r.reject(joinCmd("one-more", protocol.Join{}), protocol.CodeConflict)
		r.do(removeCmd("p0"))
		r.do(joinCmd("one-more", protocol.Join{}))
	})

	t.Run("the facilitator sees no author even for a removed person's anonymous note", func(t *testing.T) {
		r := removalRoom(t)
		r.do(removeCmd("a1"))
		for _, n := range r.s.View(protocol.RoleFacilitator).Notes {
			if n.ID == "n1" && (n.Author != "" || !n.Anonymous || n.Text != "Spam") {
				t.Errorf("the facilitator sees n1 as %+v, want its text, anonymous and no author", n)
			}
		}
	})
}

func TestRejoiningOnTheSameDevice(t *testing.T) {
	const phone = "0123456789abcdefghijKL"
	room := func(t *testing.T) *room {
		r := newRoom(t, protocol.CreateCafe{Tables: 2})
		r.do(joinOn("p1", phone, protocol.Join{Name: "Ada", Anonymous: true}))
		r.do(joinCmd("p2", protocol.Join{}))
		r.do(control(protocol.CmdRoundStart))
		r.do(postCmd(attendee("p1"), "n1", "First idea"))
		r.do(postCmd(attendee("p2"), "n2", "Second idea"))
		r.do(control(protocol.CmdRoundEnd))
		r.do(cafe.Command{Type: protocol.CmdVoteOpen, Actor: facilitator, Data: protocol.VoteOpen{VoteID: "v1", On: protocol.VoteOnNotes, Dots: 2}})
		// The first token's secret; the ballot key is what counts.
		r.do(dot(cafe.Actor{Role: protocol.RoleAttendee, ParticipantID: "p1", Secret: "token-1"}, protocol.CmdVoteCast, "v1", "n2"))
		return r
	}

	t.Run("the same device comes back as the same participant", func(t *testing.T) {
		r := room(t)
		before := len(r.s.Participants)
		d := r.do(joinOn("p-fresh", phone, protocol.Join{Name: "Someone else"}))
		wantEvents(t, d, protocol.EvParticipantRejoined)
		got := eventData[protocol.ParticipantRejoined](t, d.Events[0])
		if want := (protocol.ParticipantRejoined{ParticipantID: "p1", Role: protocol.RoleAttendee, Table: r.s.NextSeats["p1"]}); got != want {
			t.Errorf("event %+v, want %+v", got, want)
		}
		if len(r.s.Participants) != before || r.s.Participants["p-fresh"] != nil {
			t.Errorf("a rejoin made a participant: %d → %d", before, len(r.s.Participants))
		}
		if p := r.s.Participants["p1"]; p.Name != "" || !p.Anonymous {
			t.Errorf("the rejoin changed who p1 is: %+v", p)
		}
		wantRebuilds(t, r.log, r.s)
	})

	t.Run("a rejoin keeps the ballot: the same dots, no fresh ones", func(t *testing.T) {
		r := room(t)
		r.do(joinOn("p-fresh", phone, protocol.Join{}))
		again := cafe.Actor{Role: protocol.RoleAttendee, ParticipantID: "p1", Secret: "token-2"}
		if got := r.s.DotsOf(again); !maps.Equal(got["v1"], map[string]int{"n2": 1}) {
			t.Errorf("after the rejoin p1's dots are %v, want the one on n2", got)
		}
		r.do(dot(again, protocol.CmdVoteCast, "v1", "n1"))
		r.reject(dot(again, protocol.CmdVoteCast, "v1", "n1"), protocol.CodeConflict) // two dots, both used
		if got := len(r.s.Votes["v1"].Ballots); got != 1 {
			t.Errorf("%d ballots in the vote, want 1", got)
		}
	})

	t.Run("a rejoin works in the harvest, where a new join does not", func(t *testing.T) {
		r := room(t)
		r.do(cafe.Command{Type: protocol.CmdVoteClose, Actor: facilitator, Data: protocol.VoteRef{VoteID: "v1"}})
		r.do(control(protocol.CmdHarvestStart))
		r.reject(joinOn("p3", "a-third-phone-0123456789", protocol.Join{}), protocol.CodeWrongPhase)
		wantEvents(t, r.do(joinOn("p-fresh", phone, protocol.Join{})), protocol.EvParticipantRejoined)
	})

	t.Run("a device hash that is not hex SHA-256 is invalid", func(t *testing.T) {
		r := room(t)
		for _, h := range []string{"short", strings.Repeat("G", 64), strings.ToUpper(device(phone)), device(phone) + "0"} {
			err := r.reject(cafe.Command{Type: protocol.CmdJoin, Actor: cafe.System, Data: cafe.Join{ParticipantID: "p9", DeviceHash: h}}, protocol.CodeInvalid)
			if err.Message != "this device key is not valid" {
				t.Errorf("%q: message %q", h, err.Message)
			}
		}
	})

	t.Run("the ballot key and the device stay in the log's private part, off the wire", func(t *testing.T) {
		r := room(t)
		joined := r.log[1]
		if joined.Type != protocol.EvParticipantJoined {
			t.Fatalf("log[1] is %s", joined.Type)
		}
		for _, secret := range []string{"ballot-key-of-p1", device(phone)} {
			if bytes.Contains(joined.Data, []byte(secret)) || bytes.Contains(protocol.AppendEvent(nil, joined), []byte(secret)) {
				t.Errorf("%q is in the event's data or frame", secret)
			}
			if !bytes.Contains(joined.Private, []byte(secret)) {
				t.Errorf("%q is not in the log's private part %s", secret, joined.Private)
			}
			for _, role := range []protocol.Role{protocol.RoleFacilitator, protocol.RoleWall, protocol.RoleAttendee} {
				if bytes.Contains(protocol.EncodeData(r.s.View(role)), []byte(secret)) {
					t.Errorf("%q is in the %s view", secret, role)
				}
			}
		}
		// The store keeps events as JSON: the private part survives that.
		b, err := json.Marshal(joined)
		if err != nil {
			t.Fatal(err)
		}
		var back protocol.Event
		if err := json.Unmarshal(b, &back); err != nil || !bytes.Equal(back.Private, joined.Private) {
			t.Errorf("the private part did not survive JSON: %s (%v)", back.Private, err)
		}
	})
}

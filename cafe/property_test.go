package cafe_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// The properties every café keeps, whatever anyone sends in whatever order:
//   - Apply folds every event Decide made, without refusal;
//   - a refused command leaves the state exactly as it was;
//   - replaying the log (as the store keeps it: JSON) from cafe.New rebuilds
//     exactly the live state.
// TestRandomCommandSequences checks them over seeded sequences in every
// test run; FuzzCommandSequences lets the fuzzer pick the sequences.

// chooser is where a sequence's choices come from: a seeded generator, or
// the fuzzer's bytes.
type chooser interface {
	intn(n int) int // in [0, n); n > 0
}

type rngChooser struct{ r *rand.Rand }

func (c rngChooser) intn(n int) int { return c.r.IntN(n) }

// byteChooser reads choices from b; once b is used up every choice is 0,
// which the sequence treats as "stop".
type byteChooser struct {
	b []byte
	i int
}

func (c *byteChooser) intn(n int) int {
	if c.i >= len(c.b) {
		return 0
	}
	v := int(c.b[c.i])
	c.i++
	if n > 256 {
		v = v<<8 | int(c.next())
	}
	return v % n
}

func (c *byteChooser) next() byte {
	if c.i >= len(c.b) {
		return 0
	}
	c.i++
	return c.b[c.i-1]
}

func (c *byteChooser) done() bool { return c.i >= len(c.b) }

// anyone draws commands of every type from every role, with ids drawn from
// small pools so that they often name things that exist.
type anyone struct{ c chooser }

func (g anyone) pick(xs ...string) string { return xs[g.c.intn(len(xs))] }
func (g anyone) id(prefix string, n int) string {
	return fmt.Sprintf("%s%d", prefix, g.c.intn(n))
}

func (g anyone) text() string {
	if g.c.intn(4) != 0 {
		return g.pick("Open data", "Trust first", "Line one\nline two", "Fund the 👩\u200d💻")
	}
	words := []string{"open", "data", "trust", "\u2028", "👩\u200d💻", "\u200b", "", "  ", "\xff", strings.Repeat("long ", 70), "\n"}
	n := g.c.intn(4)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.pick(words...)
	}
	return strings.Join(parts, " ")
}

func (g anyone) actor(s *cafe.State) cafe.Actor {
	id := g.id("p", 10)
	switch g.c.intn(24) {
	case 0:
		return facilitator
	case 1:
		return wall
	case 2:
		return cafe.System
	case 3:
		return cafe.Actor{ParticipantID: id}
	}
	// Mostly a participant with the role the café gives them, as the
	// server's attach does; now and then a token from a previous café.
	role := protocol.RoleAttendee
	if p := s.Participants[id]; p != nil {
		role = p.Role
	}
	return cafe.Actor{Role: role, ParticipantID: id, Secret: g.pick("", "token-a", "token-b")}
}

// commandTypes are all the commands, weighted: cafe.close and
// harvest.start end the conversations, so they are rare; notes are what a
// café is mostly about.
var commandTypes = func() []string {
	var out []string
	for typ := range protocol.ClientCommands {
		if typ != protocol.CmdCafeClose && typ != protocol.CmdHarvestStart && !isConsultation(typ) {
			out = append(out, typ)
		}
	}
	slices.Sort(out)
	for range 4 {
		out = append(out, protocol.CmdJoin, protocol.CmdNotePost, protocol.CmdNoteEdit, protocol.CmdVoteCast)
	}

	return append(out, protocol.CmdNoteDelete, protocol.CmdNoteTheme, protocol.CmdVoteUncast, protocol.CmdVoteUncast, protocol.CmdVoteUncast, protocol.CmdVoteUncast,
		protocol.CmdTimeUp, protocol.CmdCafeCreate)
}()

// consultationTypes are the commands of the consultation around the café,
// drawn one time in four, so the café's own commands keep their weight.
var consultationTypes = func() []string {
	var out []string
	for typ := range protocol.ClientCommands {
		if isConsultation(typ) {
			out = append(out, typ)
		}
	}
	slices.Sort(out)
	// The public pages' commands, which only the server issues.
	for range 2 {
		out = append(out, protocol.CmdOnlineContribute, protocol.CmdOnlineComment, protocol.CmdOnlineFlag,
			protocol.CmdTownHallAsk, protocol.CmdTownHallUpvote)
	}
	return out
}()

func isConsultation(typ string) bool {
	for _, prefix := range []string{"online.", "townhall.", "queue.", "finding.", "consultation."} {
		if strings.HasPrefix(typ, prefix) {
			return true
		}
	}
	return false
}

func (g anyone) command(s *cafe.State, clk *clock) cafe.Command {
	if !s.Exists() && g.c.intn(4) != 0 {
		return cafe.Command{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{
			Request: protocol.CreateCafe{
				Questions: []string{"One?", "Two?", "Three?"}[:g.c.intn(4)], Tables: g.c.intn(5) - 1,
				RoundSeconds: 10 * g.c.intn(3), AutoAdvance: g.c.intn(2) == 0,
			},
			JoinCode: g.pick("KX7Q2M", ""),
		}}
	}
	typ := commandTypes[g.c.intn(len(commandTypes))]
	if g.c.intn(4) == 0 {
		typ = consultationTypes[g.c.intn(len(consultationTypes))]
	}
	switch g.c.intn(1500) {
	case 0:
		typ = protocol.CmdCafeClose
	case 1, 2, 3:
		typ = protocol.CmdHarvestStart
	}
	a := g.actor(s)
	switch typ {
	case protocol.CmdJoin, protocol.CmdTimeUp, protocol.CmdCafeCreate:
		if g.c.intn(8) != 0 {
			a = cafe.System
		}
	case protocol.CmdOnlineContribute, protocol.CmdOnlineComment, protocol.CmdOnlineFlag,
		protocol.CmdTownHallAsk, protocol.CmdTownHallUpvote:
		if g.c.intn(8) != 0 {
			a = cafe.Actor{Role: protocol.RolePublic}
		}
	case protocol.CmdFindingAdd, protocol.CmdFindingEdit, protocol.CmdFindingDelete:
		if g.c.intn(3) == 0 {
			a = cafe.Actor{Role: protocol.RoleScribe}
		} else if g.c.intn(8) != 0 {
			a = facilitator
		}
	case protocol.CmdNotePost, protocol.CmdNoteEdit, protocol.CmdNoteDelete, protocol.CmdHandRaise, protocol.CmdHandLower,
		protocol.CmdVoteCast, protocol.CmdVoteUncast:
	default:
		if g.c.intn(8) != 0 {
			a = facilitator
		}
	}
	cmd := cafe.Command{Type: typ, Actor: a}
	note, person, th, vote := g.id("n", 12), g.id("p", 10), g.id("t", 4), g.id("v", 3)
	// Items of the online space and the town hall share one id pool, and
	// room notes are items to comment on too.
	item := g.pick(g.id("i", 8), g.id("i", 8), note)
	switch typ {
	case protocol.CmdCafeCreate:
		cmd.Data = cafe.Create{JoinCode: "ZZZZZZ"}
	case protocol.CmdJoin:
		j := cafe.Join{
			Request:       protocol.Join{Name: g.pick("Ada", "", "Bo\u2028b", "\xff"), Group: g.pick("", "academia", "government", "youth", "bogus"), Anonymous: g.c.intn(3) == 0},
			ParticipantID: person, Secret: g.pick("", "key-"+person),
		}
		switch g.c.intn(4) {
		case 0:
		case 1:
			j.DeviceHash = g.pick("not-a-hash", strings.Repeat("0", 64))
		default:
			j.DeviceHash = device(g.id("device-", 6) + "-0123456789abcdef")
		}
		cmd.Data = j
	case protocol.CmdNotePost:
		cmd.Data = protocol.NotePost{NoteID: note, Text: g.text()}
	case protocol.CmdNoteEdit:
		cmd.Data = protocol.NoteEdit{NoteID: note, Text: g.text()}
	case protocol.CmdNoteDelete, protocol.CmdNoteHide, protocol.CmdNoteUnhide:
		cmd.Data = protocol.NoteRef{NoteID: note}
	case protocol.CmdRoundExtend:
		cmd.Data = protocol.RoundExtend{Minutes: g.c.intn(4) - 1}
	case protocol.CmdBroadcast:
		cmd.Data = protocol.Broadcast{Text: g.text()}
	case protocol.CmdSeatAssign:
		cmd.Data = protocol.SeatAssign{ParticipantID: person, Table: g.c.intn(6)}
	case protocol.CmdThemeCreate:
		cmd.Data = protocol.ThemeCreate{ThemeID: th, Name: g.pick("Trust", "Data", ""), Question: g.c.intn(4) - 1}
	case protocol.CmdThemeRename:
		cmd.Data = protocol.ThemeRename{ThemeID: th, Name: g.pick("Trust", "Openness", "")}
	case protocol.CmdThemeMerge:
		cmd.Data = protocol.ThemeMerge{ThemeID: th, Into: g.id("t", 4)}
	case protocol.CmdNoteTheme:
		cmd.Data = protocol.NoteTheme{NoteID: note, ThemeID: g.pick(th, "")}
	case protocol.CmdSpotlight:
		switch g.c.intn(3) {
		case 0:
			cmd.Data = protocol.Spotlight{NoteID: note}
		case 1:
			cmd.Data = protocol.Spotlight{ThemeID: th}
		default:
			cmd.Data = protocol.Spotlight{}
		}
	case protocol.CmdVoteOpen:
		cmd.Data = protocol.VoteOpen{
			VoteID: vote, Question: g.c.intn(4) - 1, On: g.pick(protocol.VoteOnNotes, protocol.VoteOnThemes, "x"),
			Dots: g.c.intn(4), Stack: g.c.intn(2) == 0, Live: g.c.intn(2) == 0,
		}
	case protocol.CmdVoteCast, protocol.CmdVoteUncast:
		cmd.Data = protocol.VoteDot{VoteID: vote, ItemID: g.pick(note, th)}
	case protocol.CmdVoteReveal, protocol.CmdVoteClose:
		cmd.Data = protocol.VoteRef{VoteID: vote}
	case protocol.CmdParticipantRole:
		cmd.Data = protocol.ParticipantRole{ParticipantID: person, Role: protocol.Role(g.pick("host", "host", "attendee", "wall"))}
	case protocol.CmdGroupsSet:
		switch g.c.intn(4) {
		case 0:
			cmd.Data = protocol.GroupsSet{}
		case 1:
			cmd.Data = protocol.GroupsSet{Groups: []protocol.Group{{ID: "bad id", Name: "Bad"}}}
		default:
			cmd.Data = protocol.GroupsSet{Groups: []protocol.Group{{ID: "academia", Name: "Academia"}, {ID: "youth", Name: g.pick("Youth", "Young people")}}}
		}
	case protocol.CmdParticipantMute:
		cmd.Data = protocol.ParticipantMute{ParticipantID: person, Muted: g.c.intn(2) == 0}
	case protocol.CmdOnlineOpen:
		// Mostly days ahead; sometimes soon, so the space also closes.
		ahead := []time.Duration{-time.Minute, 0, 5 * time.Minute, 30 * time.Minute, 7 * 24 * time.Hour, 400 * 24 * time.Hour}
		cmd.Data = protocol.OnlineOpen{ClosesAt: clk.now.Add(ahead[g.c.intn(len(ahead))]).UnixMilli()}
	case protocol.CmdOnlineContribute:
		cmd.Data = protocol.OnlineContribute{
			ItemID: item, Question: g.c.intn(4) - 1, Title: g.pick("", "Budgets", "\xff"), Text: g.text(),
			Name: g.pick("", "Dee"), Group: g.pick("", "academia", "bogus"),
		}
	case protocol.CmdOnlineComment:
		cmd.Data = protocol.OnlineComment{CommentID: g.id("i", 8), OnID: item, Text: g.text(), Name: g.pick("", "Eve")}
	case protocol.CmdOnlineFlag:
		cmd.Data = protocol.OnlineFlag{ItemID: item, Reason: g.pick("", "spam", "\xff")}
	case protocol.CmdOnlineHide:
		cmd.Data = protocol.OnlineHide{ItemID: item, Reason: g.pick("Spam", "Off topic", "")}
	case protocol.CmdOnlineUnhide:
		cmd.Data = protocol.ItemRef{ItemID: item}
	case protocol.CmdOnlineTheme:
		cmd.Data = protocol.OnlineTheme{ItemID: item, ThemeID: g.pick(th, "")}
	case protocol.CmdTownHallAgenda:
		cmd.Data = protocol.TownHallAgenda{Title: g.pick("What we heard", ""), Presenter: g.pick("", "Ada"), Link: g.pick("", "https://example.org/s", "ftp://x")}
	case protocol.CmdTownHallStage:
		cmd.Data = protocol.TownHallStage{Stage: g.pick(protocol.StagePresentation, protocol.StageFloor, protocol.StageFloor, protocol.StageEnded, "x")}
	case protocol.CmdTownHallAsk:
		cmd.Data = protocol.TownHallAsk{QuestionID: item, Text: g.text(), Group: g.pick("", "government")}
	case protocol.CmdTownHallUpvote:
		cmd.Data = protocol.TownHallUpvote{QuestionID: item, Voter: g.pick("", "voter-1", "voter-2", "voter-3")}
	case protocol.CmdQueueStar:
		cmd.Data = protocol.QueueStar{QueueItem: g.queueItem(person, item), Starred: g.c.intn(3) != 0}
	case protocol.CmdQueueTake, protocol.CmdQueueDone:
		cmd.Data = g.queueItem(person, item)
	case protocol.CmdFindingAdd, protocol.CmdFindingEdit:
		cmd.Data = protocol.Finding{FindingID: g.id("f", 4), Text: g.text()}
	case protocol.CmdFindingDelete:
		cmd.Data = protocol.FindingRef{FindingID: g.id("f", 4)}
	case protocol.CmdConclude:
		cmd.Data = protocol.Conclusion{Text: g.pick("", "We heard", "We heard\nthree things")}
	case protocol.CmdParticipantRemove:
		if g.c.intn(3) != 0 { // removal is for good: not too often
			return cafe.Command{Type: protocol.CmdHandRaise, Actor: a}
		}
		cmd.Data = protocol.ParticipantRef{ParticipantID: person}
	}
	return cmd
}

// queueItem is a hand of person or a question item, now and then of no kind.
func (g anyone) queueItem(person, item string) protocol.QueueItem {
	switch g.c.intn(7) {
	case 0:
		return protocol.QueueItem{Kind: "x", ID: person}
	case 1, 2, 3:
		return protocol.QueueItem{Kind: protocol.ItemHand, ID: person}
	}
	return protocol.QueueItem{Kind: protocol.ItemQuestion, ID: item}
}

// sequence is one run of the properties; it returns what the run saw.
func sequence(tb testing.TB, c chooser, steps int, stop func() bool) map[string]int {
	tb.Helper()
	g := anyone{c: c}
	clk := &clock{now: t0}
	live := cafe.New("property")
	var stored [][]byte // the log as the store keeps it
	seen := map[string]int{}
	for i := 0; i < steps && !stop(); i++ {
		clk.Advance(time.Duration(c.intn(120)) * time.Second)
		cmd := g.command(live, clk)
		before := stateJSON(tb, live)
		d, err := decideSafely(tb, live, cmd, clk.now)
		if !bytes.Equal(before, stateJSON(tb, live)) {
			tb.Fatalf("step %d: deciding %s changed the state", i, cmd.Type)
		}
		if err != nil {
			var perr *protocol.Error
			if !errors.As(err, &perr) || perr.Code == "" || perr.Message == "" {
				tb.Fatalf("step %d: %s refused with %v, not a *protocol.Error with a code and a message", i, cmd.Type, err)
			}
			seen["refused "+cmd.Type]++
			seen["refused "+cmd.Type+": "+perr.Message]++
			continue
		}
		if d.Duplicate && len(d.Events) > 0 {
			tb.Fatalf("step %d: %s is a duplicate with events %v", i, cmd.Type, eventTypes(d))
		}
		for _, ev := range d.Events {
			if ev.Seq != live.Seq+1 || ev.At != clk.now.UnixMilli() {
				tb.Fatalf("step %d: %s made %s with seq %d at %d, want %d at %d", i, cmd.Type, ev.Type, ev.Seq, ev.At, live.Seq+1, clk.now.UnixMilli())
			}
			if err := cafe.Apply(live, ev); err != nil {
				tb.Fatalf("step %d: Apply refused %s that Decide made for %s by %s (%+v): %v", i, ev.Type, cmd.Type, cmd.Actor.Role, cmd.Data, err)
			}
			b, err := json.Marshal(ev)
			if err != nil {
				tb.Fatal(err)
			}
			stored = append(stored, b)
			seen[ev.Type]++
		}
		seen["accepted "+cmd.Type]++
	}
	rebuilt := cafe.New(live.ID)
	for _, b := range stored {
		var ev protocol.Event
		if err := json.Unmarshal(b, &ev); err != nil {
			tb.Fatal(err)
		}
		if err := cafe.Apply(rebuilt, ev); err != nil {
			tb.Fatalf("replaying the log: %v", err)
		}
	}
	if got, want := stateJSON(tb, rebuilt), stateJSON(tb, live); !bytes.Equal(got, want) {
		tb.Fatalf("the café rebuilt from its log differs from the live one:\nrebuilt %s\nlive    %s", got, want)
	}
	// The store's snapshot is the state's JSON: restoring it gives the
	// same state, deep down.
	var restored cafe.State
	if err := json.Unmarshal(stateJSON(tb, live), &restored); err != nil {
		tb.Fatal(err)
	}
	var again cafe.State
	if err := json.Unmarshal(stateJSON(tb, rebuilt), &again); err != nil {
		tb.Fatal(err)
	}
	if !reflect.DeepEqual(restored, again) {
		tb.Fatalf("the snapshots of the live and the rebuilt café differ")
	}
	publicSeesNobody(tb, live, stored)
	return seen
}

// personal matches what the public must never receive from a sequence: a
// participant id (p0…p9 as a JSON string) or a voter's pseudonym.
var personal = regexp.MustCompile(`"p[0-9]"|voter-`)

// publicSeesNobody checks the public view of s and every event of the log
// as the public would get it replayed.
func publicSeesNobody(tb testing.TB, s *cafe.State, log [][]byte) {
	tb.Helper()
	v, err := json.Marshal(s.View(protocol.RolePublic))
	if err != nil {
		tb.Fatal(err)
	}
	if m := personal.Find(v); m != nil {
		tb.Fatalf("the public view holds %s: %s", m, v)
	}
	for _, b := range log {
		var ev protocol.Event
		if err := json.Unmarshal(b, &ev); err != nil {
			tb.Fatal(err)
		}
		out, ok := cafe.ForPublic(s, ev)
		if !ok {
			continue
		}
		if m := personal.Find(protocol.EncodeEvent(out)); m != nil {
			tb.Fatalf("the public gets %s holding %s: %s", ev.Type, m, protocol.EncodeEvent(out))
		}
	}
}

func TestRandomCommandSequences(t *testing.T) {
	total := map[string]int{}
	for seed := range uint64(40) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			seen := sequence(t, rngChooser{rand.New(rand.NewPCG(seed, 0xcafe))}, 1500, func() bool { return false })
			for k, v := range seen {
				total[k] += v
			}
		})
	}
	// The sequences must reach every event, or they prove little.
	for _, typ := range []string{
		protocol.EvParticipantJoined, protocol.EvParticipantRejoined, protocol.EvParticipantRoleSet,
		protocol.EvParticipantMuted, protocol.EvParticipantRemoved,
		protocol.EvRoundStarted, protocol.EvRoundPaused, protocol.EvRoundResumed, protocol.EvRoundExtended,
		protocol.EvRoundTimeUp, protocol.EvRoundEnded, protocol.EvSeatingPlanned, protocol.EvSeatAssigned,
		protocol.EvNotePosted, protocol.EvNoteEdited, protocol.EvNoteDeleted, protocol.EvNoteHidden, protocol.EvNoteUnhidden,
		protocol.EvBroadcastSet, protocol.EvHarvestStarted, protocol.EvCafeClosed, protocol.EvGroupsSet,
		protocol.EvThemeCreated, protocol.EvThemeRenamed, protocol.EvThemeMerged, protocol.EvNoteThemed, protocol.EvSpotlightSet,
		protocol.EvHandRaised, protocol.EvHandLowered, protocol.EvSpeakerCalled,
		protocol.EvVoteOpened, protocol.EvVoteCast, protocol.EvVoteUncast, protocol.EvVoteRevealed, protocol.EvVoteClosed,
		protocol.EvOnlineOpened, protocol.EvOnlineContributed, protocol.EvOnlineCommented, protocol.EvOnlineFlagged,
		protocol.EvOnlineHidden, protocol.EvOnlineUnhidden, protocol.EvOnlineThemed, protocol.EvOnlinePublished,
		protocol.EvTownHallAgendaSet, protocol.EvTownHallStaged, protocol.EvTownHallAsked, protocol.EvTownHallUpvoted,
		protocol.EvQueueStarred, protocol.EvQueueTaken, protocol.EvQueueDone,
		protocol.EvFindingAdded, protocol.EvFindingEdited, protocol.EvFindingDeleted, protocol.EvConcluded,
	} {
		if total[typ] == 0 {
			t.Errorf("no sequence produced %s", typ)
		}
	}
	if t.Failed() {
		t.Logf("seen: %v", total)
	}
}

func FuzzCommandSequences(f *testing.F) {
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 0xf022))
		b := make([]byte, 600)
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &byteChooser{b: b}
		sequence(t, c, 400, c.done)
	})
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// The demo café: `worldcafe demo` writes a whole consultation into the data
// directory, so that the facilitator view, the wall, the public pages and the
// reports can be looked at without running an event. It replays the
// consultation worldcafe is modelled on, in its three formats:
//   - the online space (demo_online.go), open from three weeks before the
//     café to a month after it, read-only now;
//   - the café (demo_content.go): 50 people at 10 tables, three 25-minute
//     rounds with town halls between, 105 ideas, themes, dot votes, a
//     harvest;
//   - the town hall at a conference two weeks later (demo_townhall.go):
//     about thirty people in the room and remote participants, a
//     presentation, then the floor open, with a scribe's key findings;
//
// and the facilitator's conclusion of the whole.
//
// Every event comes from cafe.Decide on the current state with a scripted
// clock, exactly as the server would make it (the rotation between rounds
// is the café's own plan), and goes through store.Append. The café id is
// fixed by default and every choice comes from a seeded generator, so the
// content, the seating and the tallies are the same on every run; only the
// tokens, the codes and the ballot pseudonyms are drawn afresh.

// demoCafeID is the default café id: a name-based UUID, so every data
// directory's demo café has the same id (and the same seating, which the
// café plans from its id).
var demoCafeID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/worldcafe/worldcafe#demo")).String()

// demoStart is when round 1 starts: the morning of the demo event.
var demoStart = time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC)

const (
	demoRound    = 25 * time.Minute
	demoTownHall = 17 * time.Minute // from the end of one round to the start of the next
	demoBatch    = 256              // events per store.Append at most
	demoDots     = 3                // dots per person per vote
)

// demoTownHallLines are the facilitator's lines on every screen in the town
// hall after each round.
var demoTownHallLines = []string{
	"Town hall: what did you hear at your table? Raise your hand to speak.",
	"Town hall: which issues came up at more than one table?",
	"Last town hall: what connects the three conversations?",
}

// demoVoters is how many people vote on each conversation: a few leave
// before the harvest, and fewer stay to the end.
var demoVoters = []int{46, 43, 40}

// runDemo creates the demo café and prints how to look at it.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("worldcafe demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("WORLDCAFE_DATA", "./data"), "directory of the data file (WORLDCAFE_DATA)")
	publicURL := fs.String("public-url", envOr("WORLDCAFE_PUBLIC_URL", "http://localhost:8080"), "URL the server will be reached at, for the printed links (WORLDCAFE_PUBLIC_URL)")
	id := fs.String("cafe-id", demoCafeID, "id of the demo café (a UUID); another id makes a second demo café beside the first")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if _, err := uuid.Parse(*id); err != nil {
		return fmt.Errorf("%w: -cafe-id must be a UUID", errUsage)
	}

	path := filepath.Join(*data, "worldcafe.db")
	st, err := bolt.Open(path, bolt.Config{})
	if errors.Is(err, bolt.ErrInUse) {
		return fmt.Errorf("%w; stop the server first (the demo writes to the data file), then run the demo again", err)
	}
	if err != nil {
		return err
	}
	err = demo(ctx, st, *id, *data, strings.TrimRight(*publicURL, "/"), stdout)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return err
}

// demo creates the café in st, or, when a finished demo café with this id is
// there already (the demo task was run before), mints new links to it.
func demo(ctx context.Context, st store.Store, id, data, base string, stdout io.Writer) error {
	created := true
	existing, _, err := store.Rebuild(ctx, st, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := buildDemo(ctx, st, id); err != nil {
			return fmt.Errorf("creating the demo café: %w", err)
		}
		if existing, _, err = store.Rebuild(ctx, st, id); err != nil {
			return err
		}
	case err != nil:
		return err
	case !demoFinished(existing):
		// An interrupted run, or a demo café of an older worldcafe that
		// had no consultation around it.
		return fmt.Errorf("café %s in %s is not a finished demo consultation; pass -cafe-id with another UUID, or use another -data directory", id, data)
	default:
		created = false
	}
	links := map[protocol.Role]string{}
	for _, role := range []protocol.Role{protocol.RoleFacilitator, protocol.RoleWall, protocol.RoleScribe} {
		if links[role], err = server.MintGrant(ctx, st, id, role, ""); err != nil {
			return err
		}
	}
	if created {
		fmt.Fprintf(stdout, "Demo café created: %s\n", id)
	} else {
		fmt.Fprintf(stdout, "Demo café already in %s: %s (new links minted)\n", data, id)
	}
	serve := "worldcafe serve -data " + data
	if filepath.Clean(data) == "data" {
		serve += "   (or: go tool task run)"
	}
	public := base + "/o/" + existing.View(protocol.RoleFacilitator).PublicCode
	export := fmt.Sprintf("worldcafe export -data %s -cafe %s", data, id)
	fmt.Fprintf(stdout, `  Facilitator: %s/facilitate#%s.%s
  Wall:        %s/wall#%s.%s
  Scribe:      %s/scribe#%s.%s
  Join:        %s/join/%s
  Public page: %s   (the online space, closed and read-only)
  Town hall:   %s/townhall
  Report:      %s -format html -o report.html
  Outcome of the whole consultation:
               %s -consultation -format html -o consultation.html
Start the server with: %s
`, base, id, links[protocol.RoleFacilitator], base, id, links[protocol.RoleWall], base, id, links[protocol.RoleScribe],
		base, existing.JoinCode, public, public, export, export, serve)
	return nil
}

// demoFinished says whether s is a whole demo consultation: the café closed,
// the town hall ended and the conclusion written.
func demoFinished(s *cafe.State) bool {
	v := s.View(protocol.RoleFacilitator)
	return v.Phase == protocol.PhaseClosed && v.TownHall != nil && v.TownHall.Stage == protocol.StageEnded && v.Conclusion != "" && v.PublicCode != ""
}

// demoBuilder plays the script: each step is a command decided on the
// current state at the scripted time, applied, and queued for the store.
type demoBuilder struct {
	ctx     context.Context
	st      store.Store
	s       *cafe.State
	now     time.Time
	rng     *mrand.Rand
	pending []protocol.Event

	ids     map[string]string // display name → participant id
	secrets map[string]string // participant id → ballot secret
	posted  map[string]int    // participant id → notes posted
	notes   [][]demoNote      // per question, in posting order
	weight  map[string]int    // note id → how much the room liked it
}

// demoNote is a posted note of the script.
type demoNote struct {
	ID    string
	Theme string // "" when unthemed
}

// demoFacilitator is the actor of the facilitator's commands.
var demoFacilitator = cafe.Actor{Role: protocol.RoleFacilitator}

// buildDemo writes the whole consultation to st: the café and, around it,
// the online space, the town hall and the conclusion, in time order.
func buildDemo(ctx context.Context, st store.Store, id string) error {
	code, err := server.ReserveJoinCode(ctx, st, id)
	if err != nil {
		return err
	}
	publicCode, err := server.ReservePublicCode(ctx, st, id)
	if err != nil {
		return err
	}
	b := &demoBuilder{
		ctx: ctx, st: st, s: cafe.New(id),
		now:     demoCreated,
		rng:     mrand.New(mrand.NewPCG(20131008, 105)), // the day of the consultation's World Café; its ideas
		ids:     map[string]string{},
		secrets: map[string]string{},
		posted:  map[string]int{},
		notes:   make([][]demoNote, len(demoConversations)),
		weight:  map[string]int{},
	}
	online := b.onlineTimeline()
	steps := []func() error{
		func() error { return b.open(code, publicCode) },
		func() error { return b.play(&online, demoStart.Add(-30*time.Minute)) },
		b.welcome,
		b.arrive,
	}
	for r := 1; r <= len(protocol.DefaultQuestions); r++ {
		steps = append(steps,
			func() error { return b.round(r) },
			func() error { return b.townHall(r) },
		)
	}
	steps = append(steps,
		b.harvest,
		func() error { return b.play(&online, demoTownHallDay) },
		func() error { return b.townHallMeeting(len(demoHosts) + len(demoAttendees) + 1) },
		func() error { return b.play(&online, time.Time{}) },
		b.conclude,
	)
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	snap, err := json.Marshal(b.s)
	if err != nil {
		return fmt.Errorf("encoding the snapshot: %w", err)
	}
	return st.SaveSnapshot(ctx, id, b.s.Seq, snap)
}

// do decides cmd at the scripted time and applies its events. A refused or
// idle command is a defect of the script.
func (b *demoBuilder) do(typ string, actor cafe.Actor, data any) error {
	d, err := cafe.Decide(b.s, cafe.Command{Type: typ, Actor: actor, Data: data}, b.now)
	if err != nil {
		return fmt.Errorf("%s at %s: %w", typ, b.now.Format(time.TimeOnly), err)
	}
	if d.Duplicate || len(d.Events) == 0 {
		return fmt.Errorf("%s at %s changed nothing", typ, b.now.Format(time.TimeOnly))
	}
	phase := false
	for _, ev := range d.Events {
		if err := cafe.Apply(b.s, ev); err != nil {
			return err
		}
		phase = phase || cafe.PhaseChange(ev)
	}
	b.pending = append(b.pending, d.Events...)
	if phase || len(b.pending) >= demoBatch {
		return b.flush()
	}
	return nil
}

func (b *demoBuilder) flush() error {
	if len(b.pending) == 0 {
		return nil
	}
	if err := b.st.Append(b.ctx, b.s.ID, b.pending, time.Time{}); err != nil {
		return err
	}
	b.pending = b.pending[:0]
	return nil
}

// wait moves the clock on by d plus up to jitter more.
func (b *demoBuilder) wait(d, jitter time.Duration) {
	if jitter > 0 {
		d += time.Duration(b.rng.Int64N(int64(jitter)))
	}
	b.now = b.now.Add(d)
}

// until moves the clock to t, which the script must not have passed.
func (b *demoBuilder) until(t time.Time) error {
	if t.Before(b.now) {
		return fmt.Errorf("the script is late: %s is already past (now %s)", t.Format(time.TimeOnly), b.now.Format(time.TimeOnly))
	}
	b.now = t
	return nil
}

// person returns the actor of a participant named in the content.
func (b *demoBuilder) person(name string) (cafe.Actor, error) {
	id, ok := b.ids[name]
	if !ok {
		return cafe.Actor{}, fmt.Errorf("no participant named %q", name)
	}
	return b.actor(id), nil
}

func (b *demoBuilder) actor(id string) cafe.Actor {
	return cafe.Actor{Role: b.s.Participants[id].Role, ParticipantID: id, Secret: b.secrets[id]}
}

// open creates the café weeks ahead, so that its online space can open
// before the event.
func (b *demoBuilder) open(code, publicCode string) error {
	return b.do(protocol.CmdCafeCreate, cafe.System, cafe.Create{
		Request: protocol.CreateCafe{
			Title: demoTitle, Questions: protocol.DefaultQuestions,
			Tables: len(demoHosts), Seats: 5, RoundSeconds: int(demoRound / time.Second),
		},
		JoinCode: code, PublicCode: publicCode,
	})
}

// welcome greets the room on the morning of the café, before anyone joins.
func (b *demoBuilder) welcome() error {
	if err := b.until(demoStart.Add(-29 * time.Minute)); err != nil {
		return err
	}
	return b.do(protocol.CmdBroadcast, demoFacilitator, protocol.Broadcast{Text: "Welcome! Your phone shows your table. Hosts, please take your tables."})
}

// arrive joins the hosts, then the attendees, over the half hour before
// round 1.
func (b *demoBuilder) arrive() error {
	b.wait(2*time.Minute, 0)
	people := append(slices.Clone(demoHosts), demoAttendees...)
	for i, p := range people {
		id, err := b.join(i+1, p)
		if err != nil {
			return err
		}
		if p.Host {
			// The facilitator gives each host a table of their own (the
			// lobby seats arrivals in twos), then makes them its host.
			if err := b.do(protocol.CmdSeatAssign, demoFacilitator, protocol.SeatAssign{ParticipantID: id, Table: i + 1}); err != nil {
				return err
			}
			if err := b.do(protocol.CmdParticipantRole, demoFacilitator, protocol.ParticipantRole{ParticipantID: id, Role: protocol.RoleHost}); err != nil {
				return err
			}
			b.wait(40*time.Second, 20*time.Second)
		} else {
			b.wait(18*time.Second, 10*time.Second)
		}
	}
	return nil
}

// join joins p, the café's n-th participant, and returns their id.
func (b *demoBuilder) join(n int, p demoPerson) (string, error) {
	// Ids derive from the café's, so they are stable and unique.
	id := uuid.NewSHA1(uuid.MustParse(b.s.ID), fmt.Appendf(nil, "participant/%d", n)).String()
	if p.Name != "" {
		b.ids[p.Name] = id
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	// A random ballot key, as the server draws at a real join: it makes
	// the ballots unlinkable to the people.
	b.secrets[id] = hex.EncodeToString(secret)
	err := b.do(protocol.CmdJoin, cafe.System, cafe.Join{
		Request:       protocol.Join{Name: p.Name, Group: p.Group, Anonymous: p.Name == ""},
		ParticipantID: id, Secret: b.secrets[id],
	})
	return id, err
}

// roundStart is when round r starts.
func roundStart(r int) time.Time {
	return demoStart.Add(time.Duration(r-1) * (demoRound + demoTownHall))
}

// round plays round r: the notes of its question arrive through the 25
// minutes, each from someone at the table it is written at.
func (b *demoBuilder) round(r int) error {
	if r > 1 {
		if err := b.until(roundStart(r).Add(-time.Minute)); err != nil {
			return err
		}
		if err := b.do(protocol.CmdBroadcast, demoFacilitator, protocol.Broadcast{Text: fmt.Sprintf("Round %d: hosts stay; everyone else, your new table is on your phone.", r)}); err != nil {
			return err
		}
	}
	if err := b.until(roundStart(r)); err != nil {
		return err
	}
	if err := b.do(protocol.CmdRoundStart, demoFacilitator, nil); err != nil {
		return err
	}
	q := r - 1
	conv := demoConversations[q]
	type todo struct {
		text, theme string
		weight      int
	}
	var all []todo
	for _, t := range conv.Themes {
		for i, text := range t.Notes {
			// The first ideas of a theme are the ones that drew it
			// together; they get most of the dots.
			all = append(all, todo{text, t.ID, max(1, 8-2*i)})
		}
	}
	for _, text := range conv.Unthemed {
		all = append(all, todo{text, "", 1})
	}
	b.rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })

	// Conversations take a few minutes to get going; the last note lands
	// half a minute before time is up.
	first := roundStart(r).Add(150 * time.Second)
	gap := (demoRound - 3*time.Minute) / time.Duration(len(all))
	var tables []int
	for i, n := range all {
		if len(tables) == 0 {
			tables = b.rng.Perm(b.s.Tables)
		}
		table := tables[0] + 1
		tables = tables[1:]
		author, err := b.author(table)
		if err != nil {
			return err
		}
		if err := b.until(first.Add(time.Duration(i)*gap + time.Duration(b.rng.Int64N(int64(gap/2))))); err != nil {
			return err
		}
		id := uuid.NewSHA1(uuid.MustParse(b.s.ID), fmt.Appendf(nil, "note/%d/%d", r, i+1)).String()
		if err := b.do(protocol.CmdNotePost, b.actor(author), protocol.NotePost{NoteID: id, Text: n.text}); err != nil {
			return err
		}
		b.posted[author]++
		b.notes[q] = append(b.notes[q], demoNote{ID: id, Theme: n.theme})
		b.weight[id] = n.weight
	}
	if err := b.until(roundStart(r).Add(demoRound)); err != nil {
		return err
	}
	if err := b.do(protocol.CmdTimeUp, cafe.System, nil); err != nil {
		return err
	}
	b.wait(time.Minute, 0)
	// Ending the round plans the next one's seating: hosts stay, the others
	// travel to meet new people.
	return b.do(protocol.CmdRoundEnd, demoFacilitator, nil)
}

// author picks who writes the next note at table: whoever there has
// written least so far.
func (b *demoBuilder) author(table int) (string, error) {
	var here []string
	least := -1
	for _, p := range b.s.People() {
		if p.Table != table {
			continue
		}
		switch n := b.posted[p.ID]; {
		case least < 0 || n < least:
			here, least = []string{p.ID}, n
		case n == least:
			here = append(here, p.ID)
		}
	}
	if len(here) == 0 {
		return "", fmt.Errorf("nobody sits at table %d", table)
	}
	return here[b.rng.IntN(len(here))], nil
}

// townHall follows round r: the facilitator sorts the round's notes into
// themes while the room talks, and a few people take the floor.
func (b *demoBuilder) townHall(r int) error {
	q := r - 1
	b.wait(30*time.Second, 0)
	if err := b.do(protocol.CmdBroadcast, demoFacilitator, protocol.Broadcast{Text: demoTownHallLines[q]}); err != nil {
		return err
	}
	b.wait(time.Minute, 0)
	for _, t := range demoConversations[q].Themes {
		if err := b.do(protocol.CmdThemeCreate, demoFacilitator, protocol.ThemeCreate{ThemeID: t.ID, Name: t.Name, Question: q}); err != nil {
			return err
		}
		b.wait(15*time.Second, 10*time.Second)
	}
	for _, n := range b.notes[q] {
		if n.Theme == "" {
			continue
		}
		if err := b.do(protocol.CmdNoteTheme, demoFacilitator, protocol.NoteTheme{NoteID: n.ID, ThemeID: n.Theme}); err != nil {
			return err
		}
		b.wait(3*time.Second, 2*time.Second)
	}

	// The floor: hands go up, the facilitator puts the biggest theme on the
	// wall and calls the speakers in turn, two or three minutes each.
	for _, name := range demoSpeakers[q] {
		a, err := b.person(name)
		if err != nil {
			return err
		}
		if err := b.do(protocol.CmdHandRaise, a, nil); err != nil {
			return err
		}
		b.wait(10*time.Second, 20*time.Second)
	}
	if err := b.do(protocol.CmdSpotlight, demoFacilitator, protocol.Spotlight{ThemeID: demoConversations[q].Themes[0].ID}); err != nil {
		return err
	}
	for range demoSpeakers[q] {
		if err := b.do(protocol.CmdSpeakerNext, demoFacilitator, nil); err != nil {
			return err
		}
		b.wait(2*time.Minute, 40*time.Second)
	}
	if err := b.do(protocol.CmdSpeakerNext, demoFacilitator, nil); err != nil { // nobody left: the floor closes
		return err
	}
	b.wait(20*time.Second, 0)
	return b.do(protocol.CmdSpotlight, demoFacilitator, protocol.Spotlight{})
}

// harvest closes the conversations, runs one dot vote per conversation and
// closes the café.
func (b *demoBuilder) harvest() error {
	b.wait(2*time.Minute, 0)
	if err := b.do(protocol.CmdHarvestStart, demoFacilitator, nil); err != nil {
		return err
	}
	if err := b.do(protocol.CmdBroadcast, demoFacilitator, protocol.Broadcast{Text: "Harvest: three dots per conversation for the ideas you want taken forward."}); err != nil {
		return err
	}
	people := b.s.People()
	for q := range demoConversations {
		b.wait(time.Minute, 0)
		vote := fmt.Sprintf("vote-q%d", q+1)
		err := b.do(protocol.CmdVoteOpen, demoFacilitator, protocol.VoteOpen{VoteID: vote, Question: q, On: protocol.VoteOnNotes, Dots: demoDots})
		if err != nil {
			return err
		}
		voters := slices.Clone(people)
		b.rng.Shuffle(len(voters), func(i, j int) { voters[i], voters[j] = voters[j], voters[i] })
		for _, p := range voters[:demoVoters[q]] {
			for _, note := range b.pick(b.notes[q], demoDots) {
				b.wait(time.Second, 2*time.Second)
				if err := b.do(protocol.CmdVoteCast, b.actor(p.ID), protocol.VoteDot{VoteID: vote, ItemID: note}); err != nil {
					return err
				}
			}
			b.wait(2*time.Second, 4*time.Second)
		}
		b.wait(30*time.Second, 0)
		if err := b.do(protocol.CmdVoteReveal, demoFacilitator, protocol.VoteRef{VoteID: vote}); err != nil {
			return err
		}
		b.wait(90*time.Second, 0)
		if err := b.do(protocol.CmdVoteClose, demoFacilitator, protocol.VoteRef{VoteID: vote}); err != nil {
			return err
		}
	}
	b.wait(2*time.Minute, 0)
	if err := b.do(protocol.CmdBroadcast, demoFacilitator, protocol.Broadcast{Text: "Thank you all! The report goes to everyone who took part."}); err != nil {
		return err
	}
	b.wait(3*time.Minute, 0)
	return b.do(protocol.CmdCafeClose, demoFacilitator, nil)
}

// conclude writes the facilitator's conclusion of the whole consultation,
// once the online space has closed.
func (b *demoBuilder) conclude() error {
	if err := b.until(demoConcluded); err != nil {
		return err
	}
	return b.do(protocol.CmdConclude, demoFacilitator, protocol.Conclusion{Text: demoConclusion})
}

// pick draws k different notes, each with a chance in proportion to its
// weight.
func (b *demoBuilder) pick(notes []demoNote, k int) []string {
	left := slices.Clone(notes)
	var out []string
	for range min(k, len(left)) {
		total := 0
		for _, n := range left {
			total += b.weight[n.ID]
		}
		x := b.rng.IntN(total)
		for i, n := range left {
			if x -= b.weight[n.ID]; x < 0 {
				out = append(out, n.ID)
				left = slices.Delete(left, i, i+1)
				break
			}
		}
	}
	return out
}

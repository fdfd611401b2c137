package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// demoLinks is what `worldcafe demo` prints.
type demoLinks struct {
	ID, FacilitatorToken, WallToken string
}

var (
	demoCreatedRe     = regexp.MustCompile(`(?m)^Demo café created: (\S+)$`)
	demoFacilitatorRe = regexp.MustCompile(`/facilitate#([^.\s]+)\.(\S+)`)
	demoWallRe        = regexp.MustCompile(`/wall#([^.\s]+)\.(\S+)`)
)

// mustDemo runs `worldcafe demo --data dir` and returns the links it printed.
func mustDemo(t *testing.T, dir string, created bool) demoLinks {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errb.String())
	}
	var l demoLinks
	if created {
		m := demoCreatedRe.FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no \"Demo café created: <id>\" line in:\n%s", out.String())
		}
		l.ID = m[1]
	}
	f, w := demoFacilitatorRe.FindStringSubmatch(out.String()), demoWallRe.FindStringSubmatch(out.String())
	if f == nil || w == nil {
		t.Fatalf("no facilitator or wall link in:\n%s", out.String())
	}
	if l.ID == "" {
		l.ID = f[1]
	}
	if f[1] != l.ID || w[1] != l.ID {
		t.Fatalf("links name cafés %s and %s, want %s:\n%s", f[1], w[1], l.ID, out.String())
	}
	l.FacilitatorToken, l.WallToken = f[2], w[2]
	want := "worldcafe export -data " + dir + " -cafe " + l.ID + " -format html -o report.html"
	if !strings.Contains(out.String(), want) {
		t.Errorf("output does not show the export command %q:\n%s", want, out.String())
	}
	if !strings.Contains(out.String(), "worldcafe serve -data "+dir) {
		t.Errorf("output does not say how to start the server:\n%s", out.String())
	}
	return l
}

// mustExport runs `worldcafe export` on the demo café and returns the report.
func mustExport(t *testing.T, dir, id, format string) []byte {
	t.Helper()
	file := filepath.Join(t.TempDir(), "report."+format)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"export", "-data", dir, "-cafe", id, "-format", format, "-o", file}, &out, &errb); code != 0 {
		t.Fatalf("export %s: exit %d: %s", format, code, errb.String())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDemoCreatesTheConsultationAsAClosedCafe(t *testing.T) {
	dir := t.TempDir()
	l := mustDemo(t, dir, true)

	var r report.Report
	if err := json.Unmarshal(mustExport(t, dir, l.ID, "json"), &r); err != nil {
		t.Fatal(err)
	}
	t.Run("the café is closed", func(t *testing.T) {
		if r.Phase != protocol.PhaseClosed {
			t.Errorf("phase %q, want %q", r.Phase, protocol.PhaseClosed)
		}
	})
	t.Run("105 ideas, 44 / 38 / 23 over the three questions of the consultation", func(t *testing.T) {
		if r.TotalNotes != 105 {
			t.Errorf("%d notes, want 105", r.TotalNotes)
		}
		if len(r.Conversations) != 3 {
			t.Fatalf("%d conversations, want 3", len(r.Conversations))
		}
		for i, want := range []int{44, 38, 23} {
			c := r.Conversations[i]
			if c.Count != want {
				t.Errorf("conversation %d has %d notes, want %d", i+1, c.Count, want)
			}
			if c.Text != protocol.DefaultQuestions[i] {
				t.Errorf("question %d is %q, want %q", i+1, c.Text, protocol.DefaultQuestions[i])
			}
		}
	})
	t.Run("every conversation has 3 to 5 themes holding most of its notes", func(t *testing.T) {
		for _, c := range r.Conversations {
			if len(c.Themes) < 3 || len(c.Themes) > 5 {
				t.Errorf("conversation %d has %d themes", c.Question+1, len(c.Themes))
			}
			themed := 0
			for _, th := range c.Themes {
				if len(th.Notes) == 0 {
					t.Errorf("theme %q has no notes", th.Name)
				}
				themed += len(th.Notes)
			}
			if themed*10 < c.Count*8 {
				t.Errorf("conversation %d: %d of %d notes in themes, want at least 80%%", c.Question+1, themed, c.Count)
			}
		}
	})
	t.Run("a closed dot vote per conversation, with dots from many people", func(t *testing.T) {
		if len(r.Votes) != 3 {
			t.Fatalf("%d votes, want 3", len(r.Votes))
		}
		for i, v := range r.Votes {
			dots := 0
			for _, it := range v.Results {
				dots += it.Dots
			}
			if !v.Closed || v.Question != i || v.Voters < 35 || dots != v.Voters*v.Dots {
				t.Errorf("vote %s: closed %v, question %d, %d voters, %d dots (%d each)", v.ID, v.Closed, v.Question, v.Voters, dots, v.Dots)
			}
		}
		if len(r.TopIdeas) == 0 {
			t.Error("no top ideas")
		}
	})
	t.Run("about 50 participants from all seven stakeholder groups", func(t *testing.T) {
		if r.Participants < 45 || r.Participants > 55 {
			t.Errorf("%d participants", r.Participants)
		}
		for _, g := range protocol.Groups {
			if r.ParticipantsPerGroup[g] == 0 {
				t.Errorf("nobody from %s", g)
			}
		}
	})
	t.Run("the markdown report gives the consultation's counts", func(t *testing.T) {
		md := string(mustExport(t, dir, l.ID, "md"))
		for _, want := range []string{"105 ideas", "(44 / 38 / 23)"} {
			if !strings.Contains(md, want) {
				t.Errorf("markdown report lacks %q", want)
			}
		}
	})

	st, err := bolt.Open(filepath.Join(dir, "worldcafe.db"), bolt.Config{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	s, _, err := store.Rebuild(ctx, st, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the links' tokens grant the facilitator and the wall", func(t *testing.T) {
		for token, role := range map[string]protocol.Role{l.FacilitatorToken: protocol.RoleFacilitator, l.WallToken: protocol.RoleWall} {
			sum := sha256.Sum256([]byte(token))
			g, err := st.Grant(ctx, hex.EncodeToString(sum[:]))
			if err != nil || g.Cafe != l.ID || g.Role != role {
				t.Errorf("grant of the %s token: %+v, %v", role, g, err)
			}
		}
		if got, err := st.CafeByCode(ctx, s.JoinCode); err != nil || got != l.ID {
			t.Errorf("join code %q resolves to %q, %v", s.JoinCode, got, err)
		}
	})
	t.Run("the snapshot is the state the log folds to", func(t *testing.T) {
		rec, err := st.Load(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Snapshot == nil || rec.SnapshotSeq != rec.LastSeq || len(rec.Tail) != 0 {
			t.Errorf("snapshot at %d, log at %d, tail %d", rec.SnapshotSeq, rec.LastSeq, len(rec.Tail))
		}
		events, err := store.AllEvents(ctx, st, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		folded := cafe.New(l.ID)
		for _, ev := range events {
			if err := cafe.Apply(folded, ev); err != nil {
				t.Fatal(err)
			}
		}
		a, _ := json.Marshal(folded)
		b, _ := json.Marshal(s)
		if !bytes.Equal(a, b) {
			t.Error("the log folds to another state than the snapshot")
		}
	})
	t.Run("10 hosts stay at their 10 tables through 3 rounds", func(t *testing.T) {
		if s.Tables != 10 || len(s.Seatings) != 3 {
			t.Fatalf("%d tables, %d rounds seated", s.Tables, len(s.Seatings))
		}
		hosts := map[int]bool{}
		for _, p := range s.Participants {
			if p.Role != protocol.RoleHost {
				continue
			}
			hosts[p.Table] = true
			for r := 1; r <= 3; r++ {
				if s.Seatings[r][p.ID] != p.Table {
					t.Errorf("host %s sat at table %d in round %d, hosts table %d", p.Name, s.Seatings[r][p.ID], r, p.Table)
				}
			}
		}
		if len(hosts) != 10 {
			t.Errorf("%d tables have a host, want 10", len(hosts))
		}
	})
	t.Run("the rotation made no two travellers meet twice, and nobody met a host twice", func(t *testing.T) {
		met := map[[2]string]int{}
		for r := 1; r <= 3; r++ {
			at := map[int][]string{}
			for id, table := range s.Seatings[r] {
				at[table] = append(at[table], id)
			}
			for table, ids := range at {
				if len(ids) < 4 || len(ids) > 6 {
					t.Errorf("round %d: %d people at table %d", r, len(ids), table)
				}
				slices.Sort(ids)
				for i, a := range ids {
					for _, b := range ids[i+1:] {
						met[[2]string{a, b}]++
					}
				}
			}
		}
		for pair, n := range met {
			if n > 1 {
				t.Errorf("%s and %s met in %d rounds", s.Participants[pair[0]].Name, s.Participants[pair[1]].Name, n)
			}
		}
	})
	t.Run("every note is written by someone at its table in its round", func(t *testing.T) {
		authors := map[string]bool{}
		for _, n := range s.LiveNotes() {
			if s.Seatings[n.Round][n.Author] != n.Table || n.Question != n.Round-1 {
				t.Errorf("note %q: round %d, table %d, question %d, author sat at %d", n.Text, n.Round, n.Table, n.Question, s.Seatings[n.Round][n.Author])
			}
			authors[n.Author] = true
		}
		if len(authors) < 45 {
			t.Errorf("only %d people wrote notes", len(authors))
		}
	})
	t.Run("a few people took part in the café anonymously", func(t *testing.T) {
		anon := 0
		for _, p := range s.Participants {
			if p.Anonymous && !p.TownHall {
				anon++
				if p.Name != "" {
					t.Errorf("anonymous participant named %q", p.Name)
				}
			}
		}
		if anon < 2 || anon > 5 {
			t.Errorf("%d anonymous participants", anon)
		}
	})
	t.Run("the clock runs from the morning of 11 March 2026 through three 25-minute rounds", func(t *testing.T) {
		events, err := store.AllEvents(ctx, st, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var starts, ups, speakers []int64
		for i, ev := range events {
			if i > 0 && ev.At < events[i-1].At {
				t.Fatalf("event %d (%s) is earlier than the one before", ev.Seq, ev.Type)
			}
			switch ev.Type {
			case protocol.EvRoundStarted:
				starts = append(starts, ev.At)
			case protocol.EvRoundTimeUp:
				ups = append(ups, ev.At)
			case protocol.EvSpeakerCalled:
				speakers = append(speakers, ev.At)
			}
		}
		if len(starts) != 3 || starts[0] != demoStart.UnixMilli() || len(ups) != 3 {
			t.Fatalf("rounds start at %v and end at %v, want three from %v", starts, ups, demoStart.UnixMilli())
		}
		for i := range starts {
			if ups[i]-starts[i] != 25*60*1000 {
				t.Errorf("round %d lasted %dms", i+1, ups[i]-starts[i])
			}
		}
		if len(speakers) < 3 {
			t.Errorf("%d speaker calls in the town halls", len(speakers))
		}
	})
}

func TestDemoIsTheSameEveryTime(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	la, lb := mustDemo(t, a, true), mustDemo(t, b, true)
	if la.ID != lb.ID {
		t.Errorf("café ids %s and %s", la.ID, lb.ID)
	}
	if la.FacilitatorToken == lb.FacilitatorToken {
		t.Error("two runs minted the same token")
	}
	if !bytes.Equal(mustExport(t, a, la.ID, "csv"), mustExport(t, b, lb.ID, "csv")) {
		t.Error("two runs wrote different notes, seats or dots")
	}
}

func TestDemoAgainMintsNewLinksToTheSameCafe(t *testing.T) {
	dir := t.TempDir()
	first := mustDemo(t, dir, true)
	again := mustDemo(t, dir, false)
	if again.ID != first.ID || again.FacilitatorToken == first.FacilitatorToken {
		t.Fatalf("second run: café %s, token reused %v", again.ID, again.FacilitatorToken == first.FacilitatorToken)
	}
	st, err := bolt.Open(filepath.Join(dir, "worldcafe.db"), bolt.Config{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tok := range []string{first.FacilitatorToken, again.FacilitatorToken} {
		sum := sha256.Sum256([]byte(tok))
		if g, err := st.Grant(context.Background(), hex.EncodeToString(sum[:])); err != nil || g.Role != protocol.RoleFacilitator {
			t.Errorf("facilitator grant: %+v, %v", g, err)
		}
	}
	cafes, err := st.Cafes(context.Background())
	if err != nil || len(cafes) != 1 {
		t.Errorf("cafés in the file: %v, %v", cafes, err)
	}
}

func TestDemoRefusesADataFileInUse(t *testing.T) {
	dir := t.TempDir()
	st, err := bolt.Open(filepath.Join(dir, "worldcafe.db"), bolt.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--data", dir}, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1; stdout %q", code, out.String())
	}
	if !strings.Contains(errb.String(), "in use") || !strings.Contains(errb.String(), "stop the server") {
		t.Errorf("stderr does not explain: %q", errb.String())
	}
	if out.Len() != 0 {
		t.Errorf("printed links for a café it did not create: %q", out.String())
	}
}

func TestDemoRefusesABadCafeID(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--data", t.TempDir(), "--cafe-id", "not a uuid"}, &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}

func TestDemoContentIsShortOneLineIdeas(t *testing.T) {
	seen := map[string]bool{}
	counts := []int{}
	for _, c := range demoConversations {
		n := len(c.Unthemed)
		texts := slices.Clone(c.Unthemed)
		for _, th := range c.Themes {
			n += len(th.Notes)
			texts = append(texts, th.Notes...)
			if th.Name == "" || utf8.RuneCountInString(th.Name) > protocol.MaxThemeRunes {
				t.Errorf("theme name %q", th.Name)
			}
		}
		counts = append(counts, n)
		for _, text := range texts {
			if utf8.RuneCountInString(text) > 140 || strings.ContainsAny(text, "\r\n") || strings.TrimSpace(text) != text || text == "" {
				t.Errorf("not a short one-line idea: %q", text)
			}
			if seen[text] {
				t.Errorf("idea twice: %q", text)
			}
			seen[text] = true
		}
	}
	if !slices.Equal(counts, []int{44, 38, 23}) {
		t.Errorf("ideas per conversation %v, want [44 38 23]", counts)
	}
	for _, p := range append(slices.Clone(demoHosts), demoAttendees...) {
		if !protocol.ValidGroup(p.Group) {
			t.Errorf("%s: unknown group %q", p.Name, p.Group)
		}
	}
}

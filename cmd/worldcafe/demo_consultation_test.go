package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// mustDemoConsultation runs the demo into a fresh directory and returns the
// directory, the links it printed, the café's state and its log.
func mustDemoConsultation(t *testing.T) (string, demoLinks, *cafe.State, []protocol.Event) {
	t.Helper()
	dir := t.TempDir()
	l := mustDemo(t, dir, true)
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
	events, err := store.AllEvents(ctx, st, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	return dir, l, s, events
}

func TestDemoRunsTheWholeConsultation(t *testing.T) {
	_, _, s, events := mustDemoConsultation(t)
	v := s.View(protocol.RoleFacilitator)
	last := time.UnixMilli(events[len(events)-1].At)
	cafeClosed := time.Time{}
	for _, ev := range events {
		if ev.Type == protocol.EvCafeClosed {
			cafeClosed = time.UnixMilli(ev.At)
		}
	}
	if cafeClosed.IsZero() {
		t.Fatal("the café never closed")
	}

	t.Run("the online space opened weeks before the café and is closed now, by the demo's clock and today's", func(t *testing.T) {
		o := v.Online
		if o == nil {
			t.Fatal("no online space")
		}
		if opened := time.UnixMilli(o.OpenedAt); !opened.Equal(demoOnlineOpens) || demoStart.Sub(opened) < 14*24*time.Hour {
			t.Errorf("opened at %v, want %v, weeks before the café at %v", opened, demoOnlineOpens, demoStart)
		}
		closes := time.UnixMilli(o.ClosesAt)
		if !closes.Equal(demoOnlineClosed) || !closes.After(cafeClosed) || !closes.Before(last) || !closes.Before(time.Now()) {
			t.Errorf("closes at %v: want %v, after the café (%v) and before the demo's last event (%v) and now", closes, demoOnlineClosed, cafeClosed, last)
		}
		if !o.Published {
			t.Error("the room's notes were never published into the space")
		}
	})
	t.Run("two dozen contributions on the questions asked online, comments under most, some anonymous, a few with a group", func(t *testing.T) {
		o := v.Online
		if o == nil {
			t.Fatal("no online space")
		}
		if n := len(o.Contributions); n < 20 || n > 30 || n != len(demoContributions) {
			t.Errorf("%d contributions, want the %d of the content", n, len(demoContributions))
		}
		var anonymous, grouped, commented, comments int
		perQuestion := map[int]int{}
		for _, c := range o.Contributions {
			perQuestion[c.Question]++
			if c.Name == "" && !c.Hidden {
				anonymous++
			}
			if c.Group != "" {
				grouped++
			}
			if len(c.Comments) > 0 {
				commented++
			}
			comments += len(c.Comments)
		}
		for _, q := range demoOnlineQuestions {
			if perQuestion[q] == 0 {
				t.Errorf("no contribution on question %d", q+1)
			}
		}
		if len(perQuestion) != len(demoOnlineQuestions) {
			t.Errorf("contributions per question %v, want on questions %v only (0-based)", perQuestion, demoOnlineQuestions)
		}
		if anonymous < 3 || grouped < 3 || grouped > len(o.Contributions)-3 {
			t.Errorf("%d anonymous, %d with a group", anonymous, grouped)
		}
		if commented*2 < len(o.Contributions) || comments < 15 {
			t.Errorf("%d comments under %d contributions", comments, commented)
		}
	})
	t.Run("one contribution hidden by the moderator with its reason, one flagged and left up", func(t *testing.T) {
		var hidden, flagged []protocol.Contribution
		for _, c := range v.Online.Contributions {
			if c.Hidden {
				hidden = append(hidden, c)
			}
			if c.Flags > 0 {
				flagged = append(flagged, c)
			}
		}
		if len(hidden) != 1 || hidden[0].Reason != demoHiddenReason {
			t.Fatalf("hidden: %+v, want one with the reason %q", hidden, demoHiddenReason)
		}
		if len(flagged) != 1 || flagged[0].Hidden || flagged[0].Flags != 1 {
			t.Errorf("flagged: %+v, want one, not hidden", flagged)
		}
		public, err := json.Marshal(s.View(protocol.RolePublic))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range demoContributions {
			if c.Key == demoHiddenKey && strings.Contains(string(public), c.Text) {
				t.Error("the public view shows the hidden contribution's text")
			}
		}
		if !strings.Contains(string(public), demoHiddenReason) {
			t.Error("the public view does not say why the contribution was hidden")
		}
	})
	t.Run("the contributions the facilitator themed are in the room's themes of their question", func(t *testing.T) {
		question := map[string]int{}
		for _, th := range v.Themes {
			question[th.ID] = th.Question
		}
		themed := 0
		for _, c := range v.Online.Contributions {
			if c.Theme == "" {
				continue
			}
			themed++
			if q, ok := question[c.Theme]; !ok || q != c.Question {
				t.Errorf("contribution %q on question %d is in theme %q", c.Title, c.Question+1, c.Theme)
			}
		}
		if themed*3 < len(v.Online.Contributions)*2 {
			t.Errorf("%d of %d contributions themed", themed, len(v.Online.Contributions))
		}
	})
	t.Run("online comments under a few of the room's published notes", func(t *testing.T) {
		notes := map[string]bool{}
		for _, n := range v.Notes {
			notes[n.ID] = true
		}
		n := 0
		for id, cs := range v.Online.NoteComments {
			if !notes[id] {
				t.Errorf("comments under %s, which is no note of the room", id)
			}
			n += len(cs)
		}
		if n != len(demoNoteComments) {
			t.Errorf("%d comments under the room's notes, want %d", n, len(demoNoteComments))
		}
	})
	t.Run("a town hall on a later day with about 30 people, a presentation and a dozen remarks", func(t *testing.T) {
		th := v.TownHall
		if th == nil {
			t.Fatal("no town hall")
		}
		if th.Stage != protocol.StageEnded || th.StartedAt == 0 || th.EndedAt <= th.StartedAt {
			t.Errorf("stage %q, from %d to %d", th.Stage, th.StartedAt, th.EndedAt)
		}
		if started := time.UnixMilli(th.StartedAt); started.Sub(cafeClosed) < 24*time.Hour {
			t.Errorf("the town hall started at %v, not on a later day than the café (closed %v)", started, cafeClosed)
		}
		if th.Title == "" || th.Presenter == "" || !strings.HasPrefix(th.Link, "https://example.org/") {
			t.Errorf("agenda %+v", th.TownHallAgenda)
		}
		people, groups := 0, map[string]bool{}
		for _, p := range v.Participants {
			if p.TownHall {
				people++
				groups[p.Group] = true
			}
		}
		if people < 27 || people > 33 || len(groups) < 4 {
			t.Errorf("%d people from %d groups in the town hall, want about 30 from several", people, len(groups))
		}
		answered, anonymous, votes := 0, 0, 0
		for _, q := range th.Questions {
			if q.Answered {
				answered++
			}
			if q.Name == "" {
				anonymous++
			}
			votes += q.Votes
		}
		remarks := len(th.Spoke) + answered
		if remarks < 10 || remarks > 14 || len(th.Spoke) < 4 || answered < 4 || anonymous != 1 || votes < 2*len(th.Questions) {
			t.Errorf("%d hands spoke, %d remote questions answered (%d anonymous, %d upvotes): want a dozen remarks from both", len(th.Spoke), answered, anonymous, votes)
		}
		if len(th.Starred) != 0 || th.Current != nil || len(v.Hands) != 0 {
			t.Errorf("the floor was left with starred %v, current %v, hands %v", th.Starred, th.Current, v.Hands)
		}
		if len(th.Findings) != len(demoFindings) {
			t.Errorf("%d findings, want %d", len(th.Findings), len(demoFindings))
		}
	})
	t.Run("the remarks were taken starred first, each done before the next", func(t *testing.T) {
		var order []string
		current := ""
		for _, ev := range events {
			var q protocol.QueueItem
			switch ev.Type {
			case protocol.EvQueueTaken, protocol.EvQueueDone:
				if err := json.Unmarshal(ev.Data, &q); err != nil {
					t.Fatal(err)
				}
			default:
				continue
			}
			if ev.Type == protocol.EvQueueTaken {
				if current != "" {
					t.Errorf("%s taken while %s was not done", q.ID, current)
				}
				current = q.ID
				order = append(order, q.Kind)
			} else {
				if q.ID != current {
					t.Errorf("%s done while %s had the floor", q.ID, current)
				}
				current = ""
			}
		}
		if len(order) != len(demoFloor) || order[0] != protocol.ItemHand || order[1] != protocol.ItemQuestion {
			t.Errorf("taken in order %v, want the %d remarks of the floor, the starred hand and question first", order, len(demoFloor))
		}
	})
	t.Run("the facilitator concluded the consultation after the space closed", func(t *testing.T) {
		if v.Conclusion != demoConclusion {
			t.Errorf("conclusion %q", v.Conclusion)
		}
		if events[len(events)-1].Type != protocol.EvConcluded || !last.After(demoOnlineClosed) {
			t.Errorf("the last event is %s at %v", events[len(events)-1].Type, last)
		}
	})
	t.Run("the whole log runs in time order and lies in the past", func(t *testing.T) {
		for i, ev := range events {
			if i > 0 && ev.At < events[i-1].At {
				t.Fatalf("event %d (%s) is earlier than the one before", ev.Seq, ev.Type)
			}
		}
		if !last.Before(time.Now()) {
			t.Errorf("the demo ends at %v, in the future", last)
		}
	})
}

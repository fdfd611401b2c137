package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
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

// demoReportAt is when the golden reports are made: after the consultation,
// so the online space reads as closed.
var demoReportAt = time.Date(2026, time.May, 4, 9, 0, 0, 0, time.UTC)

// consultationReport writes the demo's outcome report in format.
func consultationReport(t *testing.T, s *cafe.State, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteConsultation(&b, report.BuildConsultation(s, demoReportAt), format, report.Options{Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDemoConsultationReportGolden(t *testing.T) {
	_, _, s, _ := mustDemoConsultation(t)
	for _, format := range report.Formats {
		t.Run(format, func(t *testing.T) {
			got := consultationReport(t, s, format)
			path := filepath.Join("testdata", "demo-consultation."+format)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run the test with -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the demo's %s report differs from %s (run with -update if the change is meant)", format, path)
			}
		})
	}
}

// demoLogCounts are the consultation's numbers, counted from its log.
type demoLogCounts struct {
	cafePeople, ideas                                  int
	inRoom, spoke, questions, upvotes, answered, found int
	contributions, comments, anonymous, hidden         int
}

func countDemoLog(t *testing.T, events []protocol.Event) demoLogCounts {
	t.Helper()
	var c demoLogCounts
	townHall := false
	for _, ev := range events {
		switch ev.Type {
		case protocol.EvTownHallStaged:
			townHall = true
		case protocol.EvParticipantJoined:
			if townHall {
				c.inRoom++
			} else {
				c.cafePeople++
			}
		case protocol.EvNotePosted:
			c.ideas++
		case protocol.EvNoteDeleted:
			c.ideas--
		case protocol.EvTownHallAsked:
			c.questions++
			if eventData[protocol.TownHallAsk](t, ev).Name == "" {
				c.anonymous++
			}
		case protocol.EvTownHallUpvoted:
			c.upvotes++
		case protocol.EvQueueDone:
			if eventData[protocol.QueueItem](t, ev).Kind == protocol.ItemHand {
				c.spoke++
			} else {
				c.answered++
			}
		case protocol.EvFindingAdded:
			c.found++
		case protocol.EvFindingDeleted:
			c.found--
		case protocol.EvOnlineContributed:
			c.contributions++
			if eventData[protocol.OnlineContribute](t, ev).Name == "" {
				c.anonymous++
			}
		case protocol.EvOnlineCommented:
			c.comments++
			if eventData[protocol.OnlineComment](t, ev).Name == "" {
				c.anonymous++
			}
		case protocol.EvOnlineHidden:
			c.hidden++
		case protocol.EvOnlineUnhidden:
			c.hidden--
		}
	}
	return c
}

func eventData[T any](t *testing.T, ev protocol.Event) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(ev.Data, &v); err != nil {
		t.Fatalf("%s: %v", ev.Type, err)
	}
	return v
}

// TestDemoConsultationReportCountsWhatTheLogHolds counts the demo log's
// events by type and finds the same numbers in every format of the report.
func TestDemoConsultationReportCountsWhatTheLogHolds(t *testing.T) {
	_, _, s, events := mustDemoConsultation(t)
	n := countDemoLog(t, events)
	// The town hall's anonymous remote question is counted with the
	// online space's anonymous items above; the report counts them apart.
	thAnonymous := 0
	for _, q := range demoRemoteQuestions {
		if q.Name == "" {
			thAnonymous++
		}
	}
	onlineAnonymous := n.anonymous - thAnonymous

	t.Run("json", func(t *testing.T) {
		var r report.Consultation
		if err := json.Unmarshal(consultationReport(t, s, "json"), &r); err != nil {
			t.Fatal(err)
		}
		if r.WorldCafe == nil || r.TownHall == nil || r.Online == nil {
			t.Fatalf("formats %v, want all three", r.Formats)
		}
		got := demoLogCounts{
			cafePeople: r.WorldCafe.Participants, ideas: r.WorldCafe.Ideas,
			inRoom: r.TownHall.InRoom, spoke: r.TownHall.Spoke, questions: len(r.TownHall.Questions),
			upvotes: r.TownHall.Upvotes, answered: r.TownHall.Answered, found: len(r.TownHall.Findings),
			contributions: r.Online.Contributions, comments: r.Online.Comments,
			anonymous: r.Online.Anonymous + r.TownHall.Anonymous, hidden: r.Online.Hidden,
		}
		if got != n {
			t.Errorf("report %+v,\nlog    %+v", got, n)
		}
	})
	for _, format := range []string{"md", "html"} {
		t.Run(format, func(t *testing.T) {
			text := string(consultationReport(t, s, format))
			for _, want := range []string{
				fmt.Sprintf("%d participants · %d ideas", n.cafePeople, n.ideas),
				fmt.Sprintf("%d people in the room · %d took the floor · %d remote questions · %d upvotes · %d answered", n.inRoom, n.spoke, n.questions, n.upvotes, n.answered),
				fmt.Sprintf("%d contributions · %d comments · %d anonymous · %d hidden by the moderator", n.contributions, n.comments, onlineAnonymous, n.hidden),
			} {
				if !strings.Contains(text, want) {
					t.Errorf("the %s report does not say %q", format, want)
				}
			}
		})
	}
	t.Run("no format prints the hidden contribution", func(t *testing.T) {
		hidden := ""
		for _, c := range demoContributions {
			if c.Key == demoHiddenKey {
				hidden = c.Text
			}
		}
		for _, format := range report.Formats {
			if bytes.Contains(consultationReport(t, s, format), []byte(hidden)) {
				t.Errorf("the %s report prints the hidden contribution", format)
			}
		}
	})
	t.Run("csv", func(t *testing.T) {
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(consultationReport(t, s, "csv"), []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, row := range rows[1:] {
			got[row[0]+" "+row[1]]++
		}
		want := map[string]int{
			protocol.FormatCafe + " note":           n.ideas,
			protocol.FormatTownHall + " question":   n.questions,
			protocol.FormatTownHall + " finding":    n.found,
			protocol.FormatOnline + " contribution": n.contributions,
			protocol.FormatOnline + " comment":      n.comments,
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%d rows of %s, the log has %d", got[k], k, w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("rows of %v, want only %v", got, want)
		}
	})
}

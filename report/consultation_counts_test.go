package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
)

// logCounts are a consultation's numbers counted from its log alone, event
// by event, without the domain's state.
type logCounts struct {
	ideas, hiddenNotes                          int
	inRoom, spoke                               int
	questions, upvotes, answered, hiddenQuest   int
	findings                                    int
	contributions, comments, anonymous, hiddenO int
}

func countLog(t *testing.T, log []protocol.Event) logCounts {
	t.Helper()
	var c logCounts
	notes, hiddenNote, deleted := map[string]bool{}, map[string]bool{}, map[string]bool{}
	kind := map[string]string{} // item id → "question", "contribution", "comment"
	hidden := map[string]bool{}
	stage, inRoom, findings := "", map[string]bool{}, map[string]bool{}
	for _, ev := range log {
		switch ev.Type {
		case protocol.EvNotePosted:
			notes[eventData[protocol.NotePosted](t, ev).NoteID] = true
		case protocol.EvNoteDeleted:
			deleted[eventData[protocol.NoteRef](t, ev).NoteID] = true
		case protocol.EvNoteHidden:
			hiddenNote[eventData[protocol.NoteRef](t, ev).NoteID] = true
		case protocol.EvNoteUnhidden:
			delete(hiddenNote, eventData[protocol.NoteUnhidden](t, ev).NoteID)
		case protocol.EvTownHallStaged:
			stage = eventData[protocol.TownHallStage](t, ev).Stage
		case protocol.EvHandRaised:
			if stage == protocol.StagePresentation || stage == protocol.StageFloor {
				inRoom[eventData[protocol.Hand](t, ev).ParticipantID] = true
			}
		case protocol.EvParticipantJoined:
			if stage == protocol.StagePresentation || stage == protocol.StageFloor {
				inRoom[eventData[protocol.ParticipantJoined](t, ev).ParticipantID] = true
			}
		case protocol.EvQueueDone:
			switch eventData[protocol.QueueItem](t, ev).Kind {
			case protocol.ItemHand:
				c.spoke++
			case protocol.ItemQuestion:
				c.answered++
			}
		case protocol.EvTownHallAsked:
			q := eventData[protocol.TownHallAsk](t, ev)
			c.questions++
			kind[q.QuestionID] = "question"
		case protocol.EvTownHallUpvoted:
			c.upvotes++
		case protocol.EvFindingAdded:
			findings[eventData[protocol.Finding](t, ev).FindingID] = true
		case protocol.EvFindingDeleted:
			delete(findings, eventData[protocol.FindingRef](t, ev).FindingID)
		case protocol.EvOnlineContributed:
			ct := eventData[protocol.OnlineContribute](t, ev)
			c.contributions++
			kind[ct.ItemID] = "contribution"
			if ct.Name == "" {
				c.anonymous++
			}
		case protocol.EvOnlineCommented:
			cm := eventData[protocol.OnlineComment](t, ev)
			c.comments++
			kind[cm.CommentID] = "comment"
			if cm.Name == "" {
				c.anonymous++
			}
		case protocol.EvOnlineHidden:
			hidden[eventData[protocol.OnlineHide](t, ev).ItemID] = true
		case protocol.EvOnlineUnhidden:
			delete(hidden, eventData[protocol.ItemRef](t, ev).ItemID)
		}
	}
	for id := range notes {
		switch {
		case deleted[id]:
		case hiddenNote[id]:
			c.hiddenNotes++
		default:
			c.ideas++
		}
	}
	for id := range hidden {
		if kind[id] == "question" {
			c.hiddenQuest++
		} else {
			c.hiddenO++
		}
	}
	c.inRoom, c.findings = len(inRoom), len(findings)
	return c
}

// Every number the outcome report gives equals the one counted from the
// log, in the model and in every format that prints it.
func TestConsultationCountsEqualTheLog(t *testing.T) {
	r := consultationRoom(t)
	want := countLog(t, r.log)
	if want.hiddenNotes == 0 || want.hiddenQuest == 0 || want.hiddenO == 0 || want.anonymous == 0 || want.spoke == 0 {
		t.Fatalf("the fixture lacks a case the report must count: %+v", want)
	}
	c := report.BuildConsultation(r.s, reportAt)
	cp, th, on := c.WorldCafe, c.TownHall, c.Online
	for _, n := range []struct {
		what      string
		got, want int
	}{
		{"café ideas", cp.Ideas, want.ideas},
		{"café ideas listed", len(cp.Notes), want.ideas},
		{"café notes hidden", cp.Hidden, want.hiddenNotes},
		{"town hall people in the room", th.InRoom, want.inRoom},
		{"town hall hands that spoke", th.Spoke, want.spoke},
		{"town hall remote questions", len(th.Questions), want.questions},
		{"town hall upvotes", th.Upvotes, want.upvotes},
		{"town hall answered", th.Answered, want.answered},
		{"town hall questions hidden", th.Hidden, want.hiddenQuest},
		{"town hall findings", len(th.Findings), want.findings},
		{"online contributions", on.Contributions, want.contributions},
		{"online comments", on.Comments, want.comments},
		{"online anonymous", on.Anonymous, want.anonymous},
		{"online hidden", on.Hidden, want.hiddenO},
	} {
		if n.got != n.want {
			t.Errorf("%s: report %d, log %d", n.what, n.got, n.want)
		}
	}
	perQ := 0
	for _, q := range on.Questions {
		perQ += q.Contributions
	}
	if perQ != want.contributions {
		t.Errorf("the questions' contributions add up to %d, the log has %d", perQ, want.contributions)
	}

	t.Run("the CSV has one row per item", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.WriteConsultation(&buf, c, "csv", report.Options{}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, row := range rows[1:] {
			got[row[0]+" "+row[1]]++
		}
		for k, n := range map[string]int{
			"cafe note": want.ideas, "town_hall question": want.questions, "town_hall finding": want.findings,
			"online contribution": want.contributions, "online comment": want.comments,
		} {
			if got[k] != n {
				t.Errorf("the CSV has %d %s rows, the log %d", got[k], k, n)
			}
		}
	})
	t.Run("the JSON says the same", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.WriteConsultation(&buf, c, "json", report.Options{}); err != nil {
			t.Fatal(err)
		}
		var back report.Consultation
		if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
			t.Fatal(err)
		}
		if back.Online.Comments != want.comments || back.TownHall.Upvotes != want.upvotes || back.WorldCafe.Ideas != want.ideas {
			t.Errorf("the JSON's counts differ from the log's: %+v", want)
		}
	})
	t.Run("Markdown and HTML print the counts", func(t *testing.T) {
		for _, format := range []string{"md", "html"} {
			var buf bytes.Buffer
			if err := report.WriteConsultation(&buf, c, format, report.Options{}); err != nil {
				t.Fatal(err)
			}
			// The fixture's counts are all plural in English but those of
			// the phrases that read the same for one.
			for _, s := range []string{
				fmt.Sprintf("%d ideas (3 / 1)", want.ideas), fmt.Sprintf("%d hidden by the moderator", want.hiddenNotes),
				fmt.Sprintf("%d people in the room", want.inRoom), fmt.Sprintf("%d took the floor", want.spoke),
				fmt.Sprintf("%d remote questions", want.questions), fmt.Sprintf("%d upvotes", want.upvotes),
				fmt.Sprintf("%d answered", want.answered), fmt.Sprintf("%d contributions", want.contributions),
				fmt.Sprintf("%d comments", want.comments), fmt.Sprintf("%d anonymous", want.anonymous),
				fmt.Sprintf("%d hidden by the moderator", want.hiddenO),
			} {
				if !strings.Contains(buf.String(), s) {
					t.Errorf("the %s report does not say %q", format, s)
				}
			}
		}
	})
}

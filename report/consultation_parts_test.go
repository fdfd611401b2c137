package report_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
)

func writeAll(t *testing.T, c report.Consultation, lang string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, format := range report.Formats {
		var buf bytes.Buffer
		if err := report.WriteConsultation(&buf, c, format, report.Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		out[format] = buf.String()
	}
	return out
}

// No format names an anonymous person or prints a hidden item's text;
// the moderator's reasons may show.
func TestConsultationNamesNoAnonymousAuthorAndPrintsNoHiddenText(t *testing.T) {
	c := report.BuildConsultation(consultationRoom(t).s, reportAt)
	for format, out := range writeAll(t, c, "") {
		for _, secret := range []string{"Secret", "Off-topic rant", "Deleted thought", "Spam here", "Spammer", "You idiot", "Troll", "Buy cheap watches"} {
			if strings.Contains(out, secret) {
				t.Errorf("the %s report shows %q", format, secret)
			}
		}
		if format == "csv" || format == "json" {
			for _, reason := range []string{"Advertising", "Personal attack", "Off topic"} {
				if !strings.Contains(out, reason) {
					t.Errorf("the %s report lacks the moderator's reason %q", format, reason)
				}
			}
		}
	}
}

// The background names only the formats that ran, with their dates; a
// running format has no end yet; the conclusion says when none is written.
func TestConsultationBackgroundNamesOnlyWhatRan(t *testing.T) {
	t.Run("nothing ran yet", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Title: "Soon", Questions: []string{"Q1"}, Tables: 1})
		c := report.BuildConsultation(r.s, t0)
		if len(c.Formats) != 0 || c.WorldCafe != nil || c.TownHall != nil || c.Online != nil {
			t.Errorf("a café in its lobby reports formats %v", c.Formats)
		}
		md := writeAll(t, c, "")["md"]
		for _, want := range []string{"None of the formats has taken place yet.", "## 2. Conclusion", "No conclusion written yet."} {
			if !strings.Contains(md, want) {
				t.Errorf("the report lacks %q:\n%s", want, md)
			}
		}
	})
	t.Run("a café in its first round, a town hall on the floor, a closed online space", func(t *testing.T) {
		r := newRoom(t, protocol.CreateCafe{Title: "Live", Questions: []string{"Q1", "Q2"}, Tables: 1})
		r.do(cmd(facilitator, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: t0.Add(time.Hour).UnixMilli()}))
		r.do(cmd(facilitator, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor}))
		r.now = t0.Add(10 * time.Minute)
		r.do(control(protocol.CmdRoundStart))
		c := report.BuildConsultation(r.s, t0.Add(2*time.Hour))
		if !slices.Equal(c.Formats, []string{protocol.FormatCafe, protocol.FormatTownHall, protocol.FormatOnline}) {
			t.Fatalf("formats %v, want café, town hall, online in that order", c.Formats)
		}
		if c.WorldCafe.Span != (report.Span{From: t0.Add(10 * time.Minute).UnixMilli()}) {
			t.Errorf("the running café's span is %+v, want from its first round, no end", c.WorldCafe.Span)
		}
		if c.TownHall.Span.To != 0 || c.Online.Open {
			t.Errorf("town hall span %+v, online open %v; want no end and closed", c.TownHall.Span, c.Online.Open)
		}
		md := writeAll(t, c, "")["md"]
		for _, want := range []string{
			"- **World Café**: since 2025-03-11 09:10 UTC", "- **Town hall**: since 2025-03-11 09:00 UTC",
			"- **Online space**: 2025-03-11, 09:00–10:00 UTC (closed)", "The scribe wrote no findings.",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("the report lacks %q:\n%s", want, md)
			}
		}
	})
	t.Run("the online space still open when the report is made", func(t *testing.T) {
		c := report.BuildConsultation(consultationRoom(t).s, reportAt)
		if !c.Online.Open {
			t.Error("the space closes in thirty days but the report says it is closed")
		}
		if !strings.Contains(writeAll(t, c, "")["md"], "(still open when this report was made)") {
			t.Error("the Markdown does not say the space is still open")
		}
	})
}

// The headings come in the chosen language; what people typed stays as
// typed; Arabic reads right to left.
func TestConsultationHeadingsInTheChosenLanguage(t *testing.T) {
	c := report.BuildConsultation(consultationRoom(t).s, reportAt)
	for _, tc := range []struct {
		lang, format string
		want, not    []string
	}{
		{"fr", "md", []string{"## 1. Contexte", "### 2.2 Principaux constats", "## 3. Réunion publique", "## 5. Conclusion", "Présentation : The role of governments"}, []string{"Background", "Key findings"}},
		{"es", "html", []string{`<html lang="es" dir="ltr">`, "<h2>1. Antecedentes</h2>", "Espacio en línea", "a cargo de <span dir=\"auto\">Ambassador Lima</span>"}, []string{"Background"}},
		{"ru", "md", []string{"## 1. Общие сведения", "Онлайн-площадка", "Скрыто модератором: 1"}, []string{"Background"}},
		{"zh", "md", []string{"## 1. 背景", "## 4. 在线空间", "4 条意见"}, []string{"Background"}},
		{"ar", "html", []string{`<html lang="ar" dir="rtl">`, "<h2>1. الخلفية</h2>", "الخلاصة"}, []string{"Background"}},
	} {
		out := writeAll(t, c, tc.lang)[tc.format]
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s %s report lacks %q", tc.lang, tc.format, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("%s %s report still has the English %q", tc.lang, tc.format, n)
			}
		}
		if !strings.Contains(out, "Governments convene;") {
			t.Errorf("%s %s report lacks the conclusion as typed", tc.lang, tc.format)
		}
	}
}

// A café whose rounds ran before it recorded their dates (its snapshot is
// older) is reported all the same, undated.
func TestAnUndatedCafeIsStillReported(t *testing.T) {
	r := reportRoom(t)
	r.s.FirstRoundAt, r.s.RoundsEndedAt = 0, 0 // as a snapshot from before the dates
	c := report.BuildConsultation(r.s, reportAt)
	if c.WorldCafe == nil || c.WorldCafe.Ideas != 4 {
		t.Fatalf("the café is left out of the report: %+v", c.Formats)
	}
	if md := writeAll(t, c, "")["md"]; !strings.Contains(md, "- **World Café**: dates not recorded") {
		t.Errorf("the background does not say the dates are unknown:\n%s", md)
	}
}

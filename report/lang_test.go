package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/report"
)

// The headings come in the chosen language; the café's own text stays as
// typed; Arabic pages read right to left.
func TestReportHeadingsInTheChosenLanguage(t *testing.T) {
	rep := report.Build(reportRoom(t).s)
	for _, c := range []struct {
		lang, format string
		want, not    []string
	}{
		{"fr", "html", []string{`<html lang="fr" dir="ltr">`, "<h2>Toutes les idées</h2>", "<th>Partie prenante</th>", "Gouvernement", "Heure (UTC)"}, []string{"All ideas", "Stakeholder group", ">Government<"}},
		{"fr", "md", []string{"| Partie prenante | Participants | Idées |", "## Idées les mieux notées", "## Conversation 1 :"}, []string{"Top ideas", "Stakeholder group"}},
		{"ar", "html", []string{`<html lang="ar" dir="rtl">`, "<h2>كل الأفكار</h2>", "الحكومة"}, []string{"All ideas"}},
		{"zh", "md", []string{"## 得票最多的想法", "| 利益相关方 | 参与者 | 想法 |"}, []string{"Top ideas"}},
		{"ru", "md", []string{"## Беседа 1:", "| Заинтересованная сторона |"}, []string{"Conversation 1"}},
		{"", "md", []string{"## Top ideas", "| Stakeholder group | Participants | Ideas |"}, nil},
		{"xx", "html", []string{`<html lang="en" dir="ltr">`, "<h2>All ideas</h2>"}, nil},
	} {
		var buf bytes.Buffer
		if err := report.WriteWith(&buf, rep, c.format, report.Options{Lang: c.lang}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s %s report lacks %q", c.lang, c.format, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(out, n) {
				t.Errorf("%s %s report still has the English %q", c.lang, c.format, n)
			}
		}
		// The questions are the café's text: the same in every language.
		// (Markdown escapes its * and HTML its quotes; the words stay.)
		if !strings.Contains(out, "What should") || !strings.Contains(out, "governments") {
			t.Errorf("%s %s report lacks the first question as typed", c.lang, c.format)
		}
	}
}

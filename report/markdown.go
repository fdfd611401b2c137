package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/worldcafe/worldcafe/i18n"
)

func writeMarkdown(w io.Writer, r Report, lang string) error {
	tr := func(key string, args ...any) string { return i18n.Format(lang, key, args...) }
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", md(r.Title))
	fmt.Fprintf(&b, "%s\n\n", tr("report.summary", "notes", r.TotalNotes, "people", r.Participants, "conversations", len(r.Conversations), "counts", counts(r)))
	fmt.Fprintf(&b, "| %s | %s | %s |\n| --- | ---: | ---: |\n", md(tr("report.group")), md(tr("report.participants")), md(tr("report.ideas")))
	groups := map[string]int{}
	for g, n := range r.ParticipantsPerGroup {
		groups[g] += n
	}
	for g := range r.NotesPerGroup {
		groups[g] += 0
	}
	for _, g := range sortedGroups(groups) {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", md(r.groupIn(lang, g)), r.ParticipantsPerGroup[g], r.NotesPerGroup[g])
	}
	b.WriteString("\n")
	if len(r.TopIdeas) > 0 {
		fmt.Fprintf(&b, "## %s\n\n", md(tr("report.top")))
		for i, n := range r.TopIdeas {
			fmt.Fprintf(&b, "%d. %s (%s)\n", i+1, md(oneLine(n.Text)), tr("report.dots", "n", n.Dots))
		}
		b.WriteString("\n")
	}
	for _, c := range r.Conversations {
		fmt.Fprintf(&b, "## %s %s\n\n%s\n\n", md(tr("report.conversation", "question", c.Question+1)), md(c.Text), tr("report.conversation.count", "n", c.Count))
		for _, t := range c.Themes {
			fmt.Fprintf(&b, "### %s", md(t.Name))
			if t.Dots > 0 {
				fmt.Fprintf(&b, " (%s)", tr("report.dots", "n", t.Dots))
			}
			b.WriteString("\n\n")
			writeMDNotes(&b, t.Notes, tr)
		}
		if len(c.Unthemed) > 0 {
			if len(c.Themes) > 0 {
				fmt.Fprintf(&b, "### %s\n\n", md(tr("report.otherIdeas")))
			}
			writeMDNotes(&b, c.Unthemed, tr)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writeMDNotes(b *bytes.Buffer, notes []Note, tr func(string, ...any) string) {
	for _, n := range notes {
		by := tr("report.table", "table", n.Table)
		if n.Author != "" {
			by = md(n.Author) + ", " + by
		}
		if n.Dots > 0 {
			by += ", " + tr("report.dots", "n", n.Dots)
		}
		fmt.Fprintf(b, "- %s (%s)\n", md(oneLine(n.Text)), by)
	}
	b.WriteString("\n")
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// md keeps user text from being read as Markdown or HTML.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "#", `\#`, "|", `\|`)

func md(s string) string { return mdEscaper.Replace(s) }

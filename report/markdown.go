package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

func writeMarkdown(w io.Writer, r Report) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", md(r.Title))
	fmt.Fprintf(&b, "%d ideas from %d participants in %d conversations (%s).\n\n", r.TotalNotes, r.Participants, len(r.Conversations), counts(r))
	b.WriteString("| Stakeholder group | Participants | Ideas |\n| --- | ---: | ---: |\n")
	groups := map[string]int{}
	for g, n := range r.ParticipantsPerGroup {
		groups[g] += n
	}
	for g := range r.NotesPerGroup {
		groups[g] += 0
	}
	for _, g := range sortedGroups(groups) {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", md(groupLabel(g)), r.ParticipantsPerGroup[g], r.NotesPerGroup[g])
	}
	b.WriteString("\n")
	if len(r.TopIdeas) > 0 {
		b.WriteString("## Top ideas\n\n")
		for i, n := range r.TopIdeas {
			fmt.Fprintf(&b, "%d. %s (%s)\n", i+1, md(oneLine(n.Text)), plural(n.Dots, "dot"))
		}
		b.WriteString("\n")
	}
	for _, c := range r.Conversations {
		fmt.Fprintf(&b, "## Conversation %d: %s\n\n%s.\n\n", c.Question+1, md(c.Text), plural(c.Count, "idea"))
		for _, t := range c.Themes {
			fmt.Fprintf(&b, "### %s", md(t.Name))
			if t.Dots > 0 {
				fmt.Fprintf(&b, " (%s)", plural(t.Dots, "dot"))
			}
			b.WriteString("\n\n")
			writeMDNotes(&b, t.Notes)
		}
		if len(c.Unthemed) > 0 {
			if len(c.Themes) > 0 {
				b.WriteString("### Other ideas\n\n")
			}
			writeMDNotes(&b, c.Unthemed)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writeMDNotes(b *bytes.Buffer, notes []Note) {
	for _, n := range notes {
		by := "table " + strconv.Itoa(n.Table)
		if n.Author != "" {
			by = md(n.Author) + ", " + by
		}
		if n.Dots > 0 {
			by += ", " + plural(n.Dots, "dot")
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

package cafe

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// ReportFormats are the formats a report is written in.
var ReportFormats = []string{"md", "csv", "json", "html"}

// WriteReport writes r in format (one of ReportFormats).
func WriteReport(w io.Writer, r Report, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "csv":
		return writeCSV(w, r)
	case "md":
		return writeMarkdown(w, r)
	case "html":
		return reportHTML.Execute(w, r)
	}
	return fmt.Errorf("unknown report format %q (have %s)", format, strings.Join(ReportFormats, ", "))
}

// ReportContentType is the MIME type of each format.
var ReportContentType = map[string]string{
	"md":   "text/markdown; charset=utf-8",
	"csv":  "text/csv; charset=utf-8",
	"json": "application/json; charset=utf-8",
	"html": "text/html; charset=utf-8",
}

func groupLabel(g string) string {
	if l, ok := protocol.GroupLabels[g]; ok {
		return l
	}
	if g == "" {
		return protocol.GroupLabels[Unstated]
	}
	return g
}

func utc(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05Z") }

// writeCSV writes one row per note (RFC 4180, UTF-8 with a byte-order mark
// so spreadsheets pick the encoding), ready for a spreadsheet.
func writeCSV(w io.Writer, r Report) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write([]string{"conversation", "question", "round", "table", "author", "group", "theme", "dots", "time_utc", "note"})
	for _, n := range r.Notes {
		q := ""
		if n.Question >= 0 && n.Question < len(r.Conversations) {
			q = r.Conversations[n.Question].Text
		}
		cw.Write([]string{
			strconv.Itoa(n.Question + 1), q, strconv.Itoa(n.Round), strconv.Itoa(n.Table),
			n.Author, groupLabel(n.Group), n.Theme, strconv.Itoa(n.Dots), utc(n.At), csvSafe(n.Text),
		})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from running a note as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func counts(r Report) string {
	parts := make([]string, len(r.Conversations))
	for i, c := range r.Conversations {
		parts[i] = strconv.Itoa(c.Count)
	}
	return strings.Join(parts, " / ")
}

func sortedGroups(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return keys
}

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
		fmt.Fprintf(&b, "| %s | %d | %d |\n", groupLabel(g), r.ParticipantsPerGroup[g], r.NotesPerGroup[g])
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

func writeMDNotes(b *bytes.Buffer, notes []ReportNote) {
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

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// md keeps user text from being read as Markdown or HTML.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "#", `\#`, "|", `\|`)

func md(s string) string { return mdEscaper.Replace(s) }

//go:embed report.html.tmpl
var reportTemplate string

// ReportCSS is the style block of the HTML report, inline so the file is
// whole on its own; a server sending it under a Content-Security-Policy
// allows exactly this block by its hash.
const ReportCSS = `
body { font-family: Georgia, "Times New Roman", serif; color: #1a1a1a; max-width: 860px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 2em; margin-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 2px solid #1a1a1a; padding-bottom: 0.2em; }
h3 { margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #888; padding: 0.3em 0.7em; text-align: left; }
td.n { text-align: right; }
.meta { color: #444; }
ul.notes li { margin: 0.3em 0; }
.by { color: #444; font-size: 0.9em; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  section.conversation { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
`

var reportHTML = template.Must(template.New("report").Funcs(template.FuncMap{
	"group":  groupLabel,
	"plural": plural,
	"counts": counts,
	"inc":    func(i int) int { return i + 1 },
	"groups": sortedGroups,
	"utc":    utc,
	"css":    func() template.CSS { return template.CSS(ReportCSS) },
}).Parse(reportTemplate))

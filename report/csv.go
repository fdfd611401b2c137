package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

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

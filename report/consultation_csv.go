package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/worldcafe/worldcafe/protocol"
)

// consultationCSVHeader names the columns of the outcome report's CSV: one
// row per item of every format, the columns shared; a column an item does
// not have stays empty.
var consultationCSVHeader = []string{"format", "kind", "id", "on_id", "question", "round", "table", "theme",
	"author", "group", "votes", "answered", "hidden", "reason", "time_utc", "title", "text"}

// csvRow is one row of the outcome report's CSV, by column.
type csvRow struct {
	format, kind, id, onID string
	question, round, table int // 1-based; 0 leaves the cell empty
	theme, author, group   string
	votes                  int
	answered, hidden       bool
	reason                 string
	at                     int64
	title, text            string
	hasVotes               bool
}

// writeConsultationCSV writes the café's notes, the town hall's remote
// questions and findings, and the online space's contributions and
// comments, one row each, with a format column (protocol.Format*). Hidden
// items have a row with the moderator's reason and no text. Every cell goes
// through cell, as in the café's CSV.
func writeConsultationCSV(w io.Writer, c Consultation) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	record := make([]string, len(consultationCSVHeader))
	write := func(fields ...string) {
		for i, f := range fields {
			record[i] = cell(f)
		}
		cw.Write(record)
	}
	write(consultationCSVHeader...)
	groups := Report{GroupNames: c.GroupNames}
	group := func(g string, hidden bool) string {
		if hidden {
			return ""
		}
		return groups.groupLabel(g)
	}
	row := func(r csvRow) {
		num := func(n int) string {
			if n == 0 {
				return ""
			}
			return strconv.Itoa(n)
		}
		yes := func(b bool) string {
			if b {
				return "true"
			}
			return ""
		}
		votes := ""
		if r.hasVotes {
			votes = strconv.Itoa(r.votes)
		}
		write(r.format, r.kind, r.id, r.onID, num(r.question), num(r.round), num(r.table), r.theme,
			r.author, r.group, votes, yes(r.answered), yes(r.hidden), r.reason, utc(r.at), r.title, r.text)
	}

	noteQuestion := map[string]int{}
	if p := c.WorldCafe; p != nil {
		for _, n := range p.Notes {
			noteQuestion[n.ID] = n.Question + 1
			row(csvRow{format: protocol.FormatCafe, kind: "note", id: n.ID, question: n.Question + 1, round: n.Round, table: n.Table,
				theme: n.Theme, author: n.Author, group: group(n.Group, false), votes: n.Dots, hasVotes: true, at: n.At, text: n.Text})
		}
	}
	if p := c.TownHall; p != nil {
		for _, q := range p.Questions {
			row(csvRow{format: protocol.FormatTownHall, kind: "question", id: q.ID, author: q.Author, group: group(q.Group, q.Hidden),
				votes: q.Votes, hasVotes: true, answered: q.Answered, hidden: q.Hidden, reason: q.Reason, at: q.At, text: q.Text})
		}
		for _, f := range p.Findings {
			row(csvRow{format: protocol.FormatTownHall, kind: "finding", id: f.ID, at: f.At, text: f.Text})
		}
	}
	if p := c.Online; p != nil {
		comment := func(cm Comment, question int) {
			row(csvRow{format: protocol.FormatOnline, kind: "comment", id: cm.ID, onID: cm.OnID, question: question,
				author: cm.Author, group: group(cm.Group, cm.Hidden), hidden: cm.Hidden, reason: cm.Reason, at: cm.At, text: cm.Text})
		}
		for _, q := range p.Questions {
			for _, ct := range q.All {
				row(csvRow{format: protocol.FormatOnline, kind: "contribution", id: ct.ID, question: ct.Question + 1, theme: ct.Theme,
					author: ct.Author, group: group(ct.Group, ct.Hidden), hidden: ct.Hidden, reason: ct.Reason, at: ct.At, title: ct.Title, text: ct.Text})
				for _, cm := range ct.Comments {
					comment(cm, ct.Question+1)
				}
			}
		}
		for _, cm := range p.NoteComments {
			comment(cm, noteQuestion[cm.OnID])
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the consultation's CSV report: %w", err)
	}
	return nil
}

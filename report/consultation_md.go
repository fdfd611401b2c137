package report

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/worldcafe/worldcafe/protocol"
)

// writeConsultationMarkdown writes the outcome report as Markdown, its
// sections numbered as an outcome document numbers them.
func writeConsultationMarkdown(w io.Writer, c Consultation, lang string) error {
	wd := words{lang: lang, c: c}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n%s · %s\n\n", md(c.Title), md(wd.tr("consultation.subtitle")), wd.tr("consultation.madeAt", "date", date(c.At)))

	section := 1
	fmt.Fprintf(&b, "## %d. %s\n\n", section, md(wd.tr("consultation.background")))
	if len(c.Formats) == 0 {
		fmt.Fprintf(&b, "%s\n\n", md(wd.tr("consultation.noFormat")))
	} else {
		fmt.Fprintf(&b, "%s\n\n", md(wd.tr("consultation.formatsUsed")))
		for _, f := range c.Formats {
			fmt.Fprintf(&b, "- **%s**: %s\n", md(wd.format(f)), md(wd.when(f)))
		}
		b.WriteString("\n")
	}
	if len(c.Questions) > 0 {
		fmt.Fprintf(&b, "%s\n\n", md(wd.tr("consultation.questions")))
		for i, q := range c.Questions {
			fmt.Fprintf(&b, "%d. %s\n", i+1, md(oneLine(q)))
		}
		b.WriteString("\n")
	}

	for _, f := range c.Formats {
		section++
		fmt.Fprintf(&b, "## %d. %s\n\n", section, md(wd.format(f)))
		fmt.Fprintf(&b, "### %d.1 %s\n\n", section, md(wd.tr("consultation.discussion")))
		switch f {
		case protocol.FormatCafe:
			mdCafeDiscussion(&b, wd)
		case protocol.FormatTownHall:
			mdTownHallDiscussion(&b, wd)
		case protocol.FormatOnline:
			mdOnlineDiscussion(&b, wd)
		}
		fmt.Fprintf(&b, "### %d.2 %s\n\n", section, md(wd.tr("consultation.findings")))
		switch f {
		case protocol.FormatCafe:
			mdCafeFindings(&b, wd)
		case protocol.FormatTownHall:
			mdTownHallFindings(&b, wd)
		case protocol.FormatOnline:
			mdOnlineFindings(&b, wd)
		}
	}

	section++
	fmt.Fprintf(&b, "## %d. %s\n\n", section, md(wd.tr("consultation.conclusion")))
	if c.Conclusion == "" {
		fmt.Fprintf(&b, "%s\n", md(wd.tr("consultation.noConclusion")))
	} else {
		fmt.Fprintf(&b, "%s\n", mdParagraphs(c.Conclusion))
	}
	_, err := w.Write(b.Bytes())
	return err
}

func mdGroups(b *bytes.Buffer, wd words, colA, colB string, a, bb map[string]int) {
	rows := wd.groupRows(a, bb)
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "| %s | %s | %s |\n| --- | ---: | ---: |\n", md(wd.tr("report.group")), md(colA), md(colB))
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %d | %d |\n", md(r.Name), r.A, r.B)
	}
	b.WriteString("\n")
}

func mdCafeDiscussion(b *bytes.Buffer, wd words) {
	p := wd.c.WorldCafe
	fmt.Fprintf(b, "%s\n\n", wd.cafeCounts())
	mdGroups(b, wd, wd.tr("report.participants"), wd.tr("report.ideas"), p.ParticipantsPerGroup, p.NotesPerGroup)
	for _, cv := range p.Conversations {
		fmt.Fprintf(b, "- %s %s %s\n", md(wd.tr("report.conversation", "question", cv.Question+1)), md(oneLine(cv.Text)), wd.tr("report.conversation.count", "n", cv.Count))
	}
	b.WriteString("\n")
}

func mdCafeFindings(b *bytes.Buffer, wd words) {
	p := wd.c.WorldCafe
	tr := wd.tr
	for _, cv := range p.Conversations {
		fmt.Fprintf(b, "#### %s %s\n\n", md(tr("report.conversation", "question", cv.Question+1)), md(cv.Text))
		for _, t := range cv.Themes {
			if len(t.Notes) == 0 {
				continue
			}
			fmt.Fprintf(b, "##### %s", md(t.Name))
			if t.Dots > 0 {
				fmt.Fprintf(b, " (%s)", tr("report.dots", "n", t.Dots))
			}
			b.WriteString("\n\n")
			writeMDNotes(b, t.Notes, tr)
		}
		if len(cv.Unthemed) > 0 {
			if themed(cv.Themes) {
				fmt.Fprintf(b, "##### %s\n\n", md(tr("report.otherIdeas")))
			}
			writeMDNotes(b, cv.Unthemed, tr)
		}
	}
	if len(p.TopIdeas) > 0 {
		fmt.Fprintf(b, "#### %s\n\n", md(tr("report.top")))
		for i, n := range p.TopIdeas {
			fmt.Fprintf(b, "%d. %s (%s)\n", i+1, md(oneLine(n.Text)), tr("report.dots", "n", n.Dots))
		}
		b.WriteString("\n")
	}
}

func mdTownHallDiscussion(b *bytes.Buffer, wd words) {
	p := wd.c.TownHall
	if pr := p.Presentation; pr.Title != "" {
		line := md(wd.tr("consultation.th.presentation", "title", pr.Title))
		if pr.Presenter != "" {
			line += ", " + md(wd.tr("consultation.th.presenter", "presenter", pr.Presenter))
		}
		if pr.Link != "" {
			line += " <" + mdLink(pr.Link) + ">"
		}
		fmt.Fprintf(b, "%s\n\n", line)
	}
	fmt.Fprintf(b, "%s\n\n", wd.townHallCounts())
	mdGroups(b, wd, wd.tr("consultation.th.col.room"), wd.tr("consultation.th.col.questions"), p.InRoomPerGroup, p.QuestionsPerGroup)
}

func mdTownHallFindings(b *bytes.Buffer, wd words) {
	p := wd.c.TownHall
	if len(p.Findings) == 0 {
		fmt.Fprintf(b, "%s\n\n", md(wd.tr("consultation.th.noFindings")))
	}
	for _, f := range p.Findings {
		fmt.Fprintf(b, "%s\n\n", mdParagraphs(f.Text))
	}
	if len(p.TopQuestions) > 0 {
		fmt.Fprintf(b, "#### %s\n\n", md(wd.tr("consultation.th.top")))
		for i, q := range p.TopQuestions {
			by := wd.tr("consultation.th.upvotes", "n", q.Votes)
			if q.Author != "" {
				by = md(q.Author) + ", " + by
			}
			if q.Answered {
				by += ", " + md(wd.tr("consultation.answered"))
			}
			fmt.Fprintf(b, "%d. %s (%s)\n", i+1, md(oneLine(q.Text)), by)
		}
		b.WriteString("\n")
	}
}

func mdOnlineDiscussion(b *bytes.Buffer, wd words) {
	p := wd.c.Online
	fmt.Fprintf(b, "%s\n\n", wd.onlineCounts())
	mdGroups(b, wd, wd.tr("consultation.on.col.contributions"), wd.tr("consultation.on.col.comments"), p.ContributionsPerGroup, p.CommentsPerGroup)
	for _, q := range p.Questions {
		fmt.Fprintf(b, "- %s %s %s\n", md(wd.tr("consultation.question", "question", q.Question+1)), md(oneLine(q.Text)), wd.onlineQuestionCounts(q))
	}
	b.WriteString("\n")
	if n := len(p.NoteComments); n > 0 {
		fmt.Fprintf(b, "%s\n\n", wd.tr("consultation.on.noteComments", "n", n))
	}
}

func mdOnlineFindings(b *bytes.Buffer, wd words) {
	p := wd.c.Online
	tr := wd.tr
	for _, q := range p.Questions {
		if len(q.Themes) == 0 && len(q.Unthemed) == 0 {
			continue
		}
		fmt.Fprintf(b, "#### %s %s\n\n", md(tr("consultation.question", "question", q.Question+1)), md(q.Text))
		for _, t := range q.Themes {
			fmt.Fprintf(b, "##### %s\n\n", md(t.Name))
			mdContributions(b, wd, t.Contributions)
		}
		if len(q.Unthemed) > 0 {
			if len(q.Themes) > 0 {
				fmt.Fprintf(b, "##### %s\n\n", md(tr("consultation.on.otherContributions")))
			}
			mdContributions(b, wd, q.Unthemed)
		}
	}
	if len(p.MostCommented) > 0 {
		fmt.Fprintf(b, "#### %s\n\n", md(tr("consultation.on.mostCommented")))
		for i, ct := range p.MostCommented {
			fmt.Fprintf(b, "%d. %s\n", i+1, mdContribution(wd, ct))
			for _, cm := range ct.Comments {
				if cm.Hidden {
					continue
				}
				line := md(oneLine(cm.Text))
				if cm.Author != "" {
					line += " (" + md(cm.Author) + ")"
				}
				fmt.Fprintf(b, "   - %s\n", line)
			}
			if hidden := hiddenOf(ct.Comments); hidden > 0 {
				fmt.Fprintf(b, "   - %s\n", md(wd.tr("consultation.hidden", "n", hidden)))
			}
		}
		b.WriteString("\n")
	}
}

func mdContributions(b *bytes.Buffer, wd words, cs []Contribution) {
	for _, ct := range cs {
		fmt.Fprintf(b, "- %s\n", mdContribution(wd, ct))
	}
	b.WriteString("\n")
}

// mdContribution is one contribution on one line: its title, its text and
// who wrote it, with its number of comments.
func mdContribution(wd words, ct Contribution) string {
	line := md(oneLine(ct.Text))
	if ct.Title != "" {
		line = "**" + md(oneLine(ct.Title)) + "**: " + line
	}
	var by []string
	if ct.Author != "" {
		by = append(by, md(ct.Author))
	}
	if n := len(ct.Comments); n > 0 {
		by = append(by, wd.tr("consultation.on.comments", "n", n))
	}
	if len(by) > 0 {
		line += " (" + strings.Join(by, ", ") + ")"
	}
	return line
}

// mdParagraphs is a text of several lines as Markdown: each line escaped
// and kept as a line, blank lines as paragraph breaks, and nothing at a
// line's start read as a list or a quote.
func mdParagraphs(s string) string {
	lines := strings.Split(lineBreaks.Replace(strings.TrimSpace(s)), "\n")
	for i, l := range lines {
		l = mdLineStart.ReplaceAllString(md(strings.TrimSpace(l)), `$1\$2`)
		if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" && l != "" {
			l += "  " // a hard line break
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// mdLineStart is what would start a list or a quote at a line's start.
var mdLineStart = regexp.MustCompile(`^(\d*)([-+>=.)])`)

// mdLink keeps a link inside its angle brackets.
var mdLink = strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace

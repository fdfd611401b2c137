package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/protocol"
)

// The words the Markdown and the HTML outcome reports share: dates, the
// counting lines and the groups' rows, in the report's language.

// words is the outcome report's vocabulary in one language.
type words struct {
	lang string
	c    Consultation
}

func (w words) tr(key string, args ...any) string { return i18n.Format(w.lang, key, args...) }

// group names a stakeholder group in the report's language.
func (w words) group(g string) string { return Report{GroupNames: w.c.GroupNames}.groupIn(w.lang, g) }

// format names a format (protocol.Format*).
func (w words) format(f string) string { return w.tr("consultation.format." + f) }

// date is a moment in UTC, in numbers every language reads.
func date(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04") + " UTC" }

// span is when a format ran: one day's hours, two moments, or "since"
// while it still runs.
func (w words) span(s Span) string {
	if s.From == 0 {
		return w.tr("consultation.undated")
	}
	if s.To == 0 {
		return w.tr("consultation.since", "from", date(s.From))
	}
	from, to := time.UnixMilli(s.From).UTC(), time.UnixMilli(s.To).UTC()
	if from.Format(time.DateOnly) == to.Format(time.DateOnly) {
		return from.Format("2006-01-02, 15:04") + "–" + to.Format("15:04") + " UTC"
	}
	return from.Format("2006-01-02 15:04") + " – " + date(s.To)
}

// when is a format's line in the background: its dates, and for the
// online space whether it was still open.
func (w words) when(format string) string {
	switch format {
	case protocol.FormatCafe:
		return w.span(w.c.WorldCafe.Span)
	case protocol.FormatTownHall:
		return w.span(w.c.TownHall.Span)
	}
	state := w.tr("consultation.closed")
	if w.c.Online.Open {
		state = w.tr("consultation.stillOpen")
	}
	return w.span(w.c.Online.Span) + " (" + state + ")"
}

// counted joins the non-zero counts of a part into one line; the first
// count shows even when it is zero.
func (w words) counted(pairs ...any) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		key, n := pairs[i].(string), pairs[i+1].(int)
		if n == 0 && i > 0 {
			continue
		}
		parts = append(parts, w.tr(key, "n", n))
	}
	return strings.Join(parts, " · ")
}

func (w words) cafeCounts() string {
	p := w.c.WorldCafe
	parts := []string{
		w.tr("consultation.cafe.people", "n", p.Participants),
		w.tr("consultation.cafe.ideas", "n", p.Ideas, "counts", counts(Report{Conversations: p.Conversations})),
	}
	if p.Hidden > 0 {
		parts = append(parts, w.tr("consultation.hidden", "n", p.Hidden))
	}
	return strings.Join(parts, " · ")
}

func (w words) townHallCounts() string {
	p := w.c.TownHall
	return w.counted("consultation.th.room", p.InRoom, "consultation.th.spoke", p.Spoke,
		"consultation.th.questions", len(p.Questions), "consultation.th.upvotes", p.Upvotes,
		"consultation.th.answered", p.Answered, "consultation.hidden", p.Hidden)
}

func (w words) onlineCounts() string {
	p := w.c.Online
	return w.counted("consultation.on.contributions", p.Contributions, "consultation.on.comments", p.Comments,
		"consultation.on.anonymous", p.Anonymous, "consultation.hidden", p.Hidden)
}

func (w words) onlineQuestionCounts(q OnlineQuestion) string {
	return w.counted("consultation.on.contributions", q.Contributions, "consultation.on.comments", q.Comments)
}

// groupRow is one stakeholder group's line in a part's table.
type groupRow struct {
	Name string
	A, B int
}

// groupRows are the groups of a and b: most in a first, then most in b,
// then by id.
func (w words) groupRows(a, b map[string]int) []groupRow {
	var ids []string
	for g := range a {
		ids = append(ids, g)
	}
	for g := range b {
		if _, ok := a[g]; !ok {
			ids = append(ids, g)
		}
	}
	slices.SortFunc(ids, func(x, y string) int {
		return cmp.Or(cmp.Compare(a[y], a[x]), cmp.Compare(b[y], b[x]), strings.Compare(x, y))
	})
	rows := make([]groupRow, len(ids))
	for i, g := range ids {
		rows[i] = groupRow{Name: w.group(g), A: a[g], B: b[g]}
	}
	return rows
}

// themed reports whether any of a conversation's themes has notes: only
// then are the rest "other ideas".
func themed(themes []Theme) bool {
	return slices.ContainsFunc(themes, func(t Theme) bool { return len(t.Notes) > 0 })
}

// hiddenOf counts the hidden comments of a contribution.
func hiddenOf(cs []Comment) int {
	n := 0
	for _, c := range cs {
		if c.Hidden {
			n++
		}
	}
	return n
}

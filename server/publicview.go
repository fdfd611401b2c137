package server

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/protocol"
)

// The public pages' models: what a template shows, built from the café's
// public projection (View(RolePublic)) in one language. Templates only
// print; every decision (what is open, what is hidden, in which order)
// is made here.

// pageKind names the public pages; the page cache keys on it.
type pageKind string

const (
	pageConsultation pageKind = "consultation"
	pageQuestion     pageKind = "question"
	pageTownHall     pageKind = "townhall"
	pageMissing      pageKind = "missing"
)

// spaceStatus is the online space's state at one moment.
type spaceStatus int

const (
	spaceNotOpen spaceStatus = iota
	spaceOpen
	spaceClosed
)

func statusOf(snap *protocol.Snapshot, now time.Time) spaceStatus {
	switch {
	case snap.Online == nil:
		return spaceNotOpen
	case now.UnixMilli() < snap.Online.ClosesAt:
		return spaceOpen
	default:
		return spaceClosed
	}
}

// langNames are the languages as each names itself, for the switcher.
var langNames = map[string]string{
	"en": "English", "fr": "Français", "es": "Español", "ru": "Русский", "zh": "中文", "ar": "العربية",
}

// page is what every public page shows.
type page struct {
	Lang, Dir string
	Kind      pageKind
	Cafe      string // the café's id, for the page's live script
	// Seq is the café's seq the page was drawn at: the live script
	// fetches the page again only once the café has moved past it.
	Seq   uint64
	Code  string
	Title string
	// Home is the consultation's page, ShortURL its public address as
	// people are told it (from the public URL, never the asker's Host).
	Home, ShortURL string
	Status         spaceStatus
	StatusText     string
	Langs          []langLink
	Notice         string // "thank you", after a post
	Token          string // the form token (a placeholder in cached pages)
	Form           *formState
	Report         string // the item whose report form is open (?report=)
	Groups         []groupOption
	TownHall       bool // the consultation has a town hall page

	Consultation *consultationPage
	Question     *questionPage
	Hall         *townHallPage
}

// T is the page's words: a catalogue key in the page's language.
func (p *page) T(key string, args ...any) string { return i18n.Format(p.Lang, key, args...) }

// Open says whether the online space takes posts now.
func (p *page) Open() bool { return p.Status == spaceOpen }

// Link is a path of this consultation's pages in the page's language.
func (p *page) Link(path string) string {
	return p.Home + path + "?lang=" + p.Lang
}

// Action is where a form of this page posts.
func (p *page) Action(path string) string { return p.Link(path) }

// FormFor returns the state of the form (action, item) when it is the
// one that was refused, so the page shows its error and the person's text.
func (p *page) FormFor(action, on string) *formState {
	if p.Form != nil && p.Form.Action == action && p.Form.On == on {
		return p.Form
	}
	return nil
}

// Reporting says whether the report form of item on is drawn: the
// person asked for it, or it was the one refused.
func (p *page) Reporting(on string) bool {
	return p.Report == on || p.FormFor(actFlag, on) != nil
}

// ReportLink is this page with the report form of item on open, scrolled
// to it. base is the page's path ("/q/2", "/townhall").
func (p *page) ReportLink(base, on string) string {
	return p.Link(base) + "&report=" + url.QueryEscape(on) + "#flag-" + url.PathEscape(on)
}

// reportable says whether the page of kind (question q) shows item id
// with a report form: a contribution or comment of the question, a comment
// on one of its room's notes, a question to the town hall; none hidden.
func reportable(snap *protocol.Snapshot, kind pageKind, q int, id string) bool {
	if id == "" {
		return false
	}
	switch kind {
	case pageQuestion:
		if snap.Online == nil {
			return false
		}
		comments := func(cs []protocol.Comment) bool {
			return slices.ContainsFunc(cs, func(c protocol.Comment) bool { return c.ID == id && !c.Hidden })
		}
		for _, c := range snap.Online.Contributions {
			if c.Question == q && ((c.ID == id && !c.Hidden) || comments(c.Comments)) {
				return true
			}
		}
		for _, n := range snap.Notes {
			if n.Question == q && comments(snap.Online.NoteComments[n.ID]) {
				return true
			}
		}
	case pageTownHall:
		if snap.TownHall == nil {
			return false
		}
		return slices.ContainsFunc(snap.TownHall.Questions, func(r protocol.RemoteQuestion) bool { return r.ID == id && !r.Hidden })
	}
	return false
}

type langLink struct {
	Code, Name, Href string
	Current          bool
}

type groupOption struct{ ID, Name string }

// formState is a refused form as the person sent it: its fields, and the
// error beside the field it is about.
type formState struct {
	Action string // contribute, comment, flag, ask, upvote
	On     string // the item a comment, flag or upvote is about
	Values map[string]string
	Error  string
	Field  string // the field the error is about ("" for the form)
}

// Value is a field's text as the person typed it.
func (f *formState) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// Err is the form's error when it is about field name.
func (f *formState) Err(field string) string {
	if f == nil || f.Field != field {
		return ""
	}
	return f.Error
}

type consultationPage struct {
	Questions  []questionLink
	Conclusion string
	Published  bool
}

type questionLink struct {
	N        int
	Text     string
	Href     string
	Counts   string
	Themes   []themeView // of the room's notes, once published
	Notes    int
	Comments int
}

type questionPage struct {
	N, Of     int
	Text      string
	Counts    string
	Themed    bool
	Groups    []contributionGroup
	Published bool
	Room      []themeView // the room's notes by theme, once published
}

type contributionGroup struct {
	Theme string // "" for the contributions in no theme
	Items []itemView
}

// itemView is a contribution, a comment, a room note or a town hall
// question as the page shows it.
type itemView struct {
	ID       string
	Title    string
	Text     string
	By       string // the name, or "anonymous" in the page's language
	Group    string
	At       string
	Hidden   bool
	Reason   string
	Dots     string // a room note's dots
	Table    string // a room note's table
	Votes    string // a town hall question's upvotes
	Answered bool
	Current  bool
	Comments []itemView
	Open     bool // takes comments
}

type themeView struct {
	ID    string
	Name  string
	Dots  string
	Notes []itemView
}

type townHallPage struct {
	Agenda    protocol.TownHallAgenda
	Stage     string
	Asking    bool // takes questions and upvotes now
	Now       string
	Questions []itemView
	Findings  []string
}

// builder turns a snapshot into pages in one language.
type builder struct {
	lang   string
	snap   *protocol.Snapshot
	now    time.Time
	groups map[string]string
	loc    *time.Location
}

func newBuilder(lang string, snap *protocol.Snapshot, now time.Time) *builder {
	b := &builder{lang: lang, snap: snap, now: now, groups: map[string]string{}, loc: time.Local}
	for _, g := range snap.Groups {
		b.groups[g.ID] = b.groupName(g)
	}
	return b
}

// groupName is a group as people read it: a default group in the page's
// language, a café's own group as the facilitator wrote it.
func (b *builder) groupName(g protocol.Group) string {
	if _, ok := protocol.GroupLabels[g.ID]; ok && g.Name == protocol.GroupLabels[g.ID] {
		return i18n.Format(b.lang, "group."+g.ID+".name")
	}
	return g.Name
}

func (b *builder) t(key string, args ...any) string { return i18n.Format(b.lang, key, args...) }

// common fills what every page shows. base is the public URL's origin.
func (b *builder) common(kind pageKind, code, base, path string) *page {
	p := &page{
		Lang: b.lang, Dir: "ltr", Kind: kind, Cafe: b.snap.Cafe, Code: code, Title: b.snap.Title,
		Home: "/o/" + code, ShortURL: base + "/o/" + code,
		Status:   statusOf(b.snap, b.now),
		TownHall: b.snap.TownHall != nil,
	}
	if b.lang == "ar" {
		p.Dir = "rtl"
	}
	switch p.Status {
	case spaceNotOpen:
		p.StatusText = b.t("public.status.notOpen")
	case spaceOpen:
		p.StatusText = b.t("public.status.open", "date", b.date(b.snap.Online.ClosesAt))
	case spaceClosed:
		p.StatusText = b.t("public.status.closed", "date", b.date(b.snap.Online.ClosesAt))
	}
	for _, l := range i18n.Langs {
		p.Langs = append(p.Langs, langLink{Code: l, Name: langNames[l], Href: p.Home + path + "?lang=" + l, Current: l == b.lang})
	}
	for _, g := range b.snap.Groups {
		p.Groups = append(p.Groups, groupOption{ID: g.ID, Name: b.groups[g.ID]})
	}
	return p
}

// date is a moment in the page's language, in the server's time zone (the
// venue's).
func (b *builder) date(ms int64) string {
	t := time.UnixMilli(ms).In(b.loc)
	day := b.t("public.date", "d", t.Day(), "month", b.t("public.month."+strconv.Itoa(int(t.Month()))), "y", t.Year())
	return b.t("public.dateTime", "date", day, "time", t.Format("15:04"))
}

func (b *builder) counts(contributions, comments int) string {
	return b.t("public.counts", "contributions", b.t("public.count.contributions", "n", contributions), "comments", b.t("public.count.comments", "n", comments))
}

// questionCounts counts a question's contributions and the comments its
// page shows: under the contributions and under the room's published notes
// (the consultation's report counts them the same way).
func (b *builder) questionCounts(q int) (contributions, comments int) {
	if b.snap.Online == nil {
		return 0, 0
	}
	for _, c := range b.snap.Online.Contributions {
		if c.Question == q {
			contributions++
			comments += len(c.Comments)
		}
	}
	for _, n := range b.snap.Notes { // the public view lists only published notes
		if n.Question == q {
			comments += len(b.snap.Online.NoteComments[n.ID])
		}
	}
	return contributions, comments
}

func (b *builder) consultation(code, base string) *page {
	p := b.common(pageConsultation, code, base, "")
	cp := &consultationPage{Conclusion: b.snap.Conclusion, Published: b.published()}
	for i, q := range b.snap.Questions {
		n, c := b.questionCounts(i)
		ql := questionLink{N: i + 1, Text: q, Href: p.Link("/q/" + strconv.Itoa(i+1)), Counts: b.counts(n, c)}
		if cp.Published {
			ql.Themes = b.room(i)
		}
		cp.Questions = append(cp.Questions, ql)
	}
	p.Consultation = cp
	return p
}

func (b *builder) published() bool { return b.snap.Online != nil && b.snap.Online.Published }

// question builds the page of question q (0-based); ok is false when the
// café has no such question.
func (b *builder) question(code, base string, q int) (*page, bool) {
	if q < 0 || q >= len(b.snap.Questions) {
		return nil, false
	}
	p := b.common(pageQuestion, code, base, "/q/"+strconv.Itoa(q+1))
	n, c := b.questionCounts(q)
	qp := &questionPage{N: q + 1, Of: len(b.snap.Questions), Text: b.snap.Questions[q], Counts: b.counts(n, c), Published: b.published()}
	open := p.Open()
	var items []protocol.Contribution
	if b.snap.Online != nil {
		for _, c := range b.snap.Online.Contributions {
			if c.Question == q {
				items = append(items, c)
				qp.Themed = qp.Themed || c.Theme != ""
			}
		}
	}
	// Newest first.
	slices.SortStableFunc(items, func(x, y protocol.Contribution) int { return cmp.Compare(y.Seq, x.Seq) })
	themes := b.themesOf(q)
	byTheme := map[string]int{} // theme id → index in qp.Groups
	if qp.Themed {
		for _, th := range themes {
			byTheme[th.ID] = len(qp.Groups)
			qp.Groups = append(qp.Groups, contributionGroup{Theme: th.Name})
		}
	}
	rest := contributionGroup{}
	for _, c := range items {
		v := b.contribution(c, open)
		if i, ok := byTheme[c.Theme]; ok {
			qp.Groups[i].Items = append(qp.Groups[i].Items, v)
		} else {
			rest.Items = append(rest.Items, v)
		}
	}
	qp.Groups = slices.DeleteFunc(qp.Groups, func(g contributionGroup) bool { return len(g.Items) == 0 })
	if len(rest.Items) > 0 {
		qp.Groups = append(qp.Groups, rest)
	}
	if qp.Published {
		qp.Room = b.room(q)
	}
	p.Question = qp
	return p, true
}

func (b *builder) themesOf(q int) []protocol.Theme {
	var out []protocol.Theme
	for _, th := range b.snap.Themes {
		if th.Question == q {
			out = append(out, th)
		}
	}
	return out
}

func (b *builder) by(name string) string {
	if name == "" {
		return b.t("public.anonymous")
	}
	return name
}

func (b *builder) contribution(c protocol.Contribution, open bool) itemView {
	v := itemView{ID: c.ID, At: b.date(c.At), Hidden: c.Hidden, Reason: c.Reason, Open: open && !c.Hidden}
	if !c.Hidden {
		v.Title, v.Text, v.By, v.Group = c.Title, c.Text, b.by(c.Name), b.groups[c.Group]
	}
	for _, cm := range c.Comments {
		v.Comments = append(v.Comments, b.comment(cm))
	}
	return v
}

func (b *builder) comment(c protocol.Comment) itemView {
	v := itemView{ID: c.ID, At: b.date(c.At), Hidden: c.Hidden, Reason: c.Reason}
	if !c.Hidden {
		v.Text, v.By, v.Group = c.Text, b.by(c.Name), b.groups[c.Group]
	}
	return v
}

// dots adds up the revealed dots of every vote on kind ("notes" or
// "themes") by item.
func (b *builder) dots(on string) map[string]int {
	out := map[string]int{}
	for _, v := range b.snap.Votes {
		if v.On != on || v.Tally == nil {
			continue
		}
		for id, n := range v.Tally {
			out[id] += n
		}
	}
	return out
}

// room is the room's published notes of question q by theme, the notes in
// no theme last; each note with its comments.
func (b *builder) room(q int) []themeView {
	noteDots, themeDots := b.dots(protocol.VoteOnNotes), b.dots(protocol.VoteOnThemes)
	open := statusOf(b.snap, b.now) == spaceOpen
	var out []themeView
	idx := map[string]int{}
	for _, th := range b.themesOf(q) {
		idx[th.ID] = len(out)
		out = append(out, themeView{ID: th.ID, Name: th.Name, Dots: b.dotText(themeDots[th.ID])})
	}
	rest := themeView{}
	for _, n := range b.snap.Notes {
		if n.Question != q || n.Hidden {
			continue
		}
		v := itemView{ID: n.ID, Text: n.Text, Dots: b.dotText(noteDots[n.ID]), Table: b.t("public.table", "n", n.Table), Open: open}
		if b.snap.Online != nil {
			for _, cm := range b.snap.Online.NoteComments[n.ID] {
				v.Comments = append(v.Comments, b.comment(cm))
			}
		}
		if i, ok := idx[n.Theme]; ok {
			out[i].Notes = append(out[i].Notes, v)
		} else {
			rest.Notes = append(rest.Notes, v)
		}
	}
	out = slices.DeleteFunc(out, func(t themeView) bool { return len(t.Notes) == 0 })
	if len(rest.Notes) > 0 {
		out = append(out, rest)
	}
	return out
}

func (b *builder) dotText(n int) string {
	if n == 0 {
		return ""
	}
	return b.t("public.count.dots", "n", n)
}

// townHall builds the town hall's page; ok is false when the consultation
// has none.
func (b *builder) townHall(code, base string) (*page, bool) {
	th := b.snap.TownHall
	if th == nil {
		return nil, false
	}
	p := b.common(pageTownHall, code, base, "/townhall")
	hp := &townHallPage{Agenda: th.TownHallAgenda, Stage: th.Stage,
		Asking: th.Stage == protocol.StagePresentation || th.Stage == protocol.StageFloor}
	if !safeLink(hp.Agenda.Link) {
		hp.Agenda.Link = ""
	}
	qs := slices.Clone(th.Questions)
	// Most votes first; among equals, the first asked.
	slices.SortStableFunc(qs, func(x, y protocol.RemoteQuestion) int {
		return cmp.Or(cmp.Compare(y.Votes, x.Votes), cmp.Compare(x.Seq, y.Seq))
	})
	for _, q := range qs {
		v := itemView{ID: q.ID, At: b.date(q.At), Hidden: q.Hidden, Reason: q.Reason, Answered: q.Answered,
			Votes: b.t("public.count.votes", "n", q.Votes), Open: hp.Asking && !q.Hidden && !q.Answered}
		if !q.Hidden {
			v.Text, v.By, v.Group = q.Text, b.by(q.Name), b.groups[q.Group]
		}
		if th.Current != nil && th.Current.Kind == protocol.ItemQuestion && th.Current.ID == q.ID {
			v.Current = true
			if !q.Hidden {
				hp.Now = q.Text
			}
		}
		hp.Questions = append(hp.Questions, v)
	}
	if th.Current != nil && th.Current.Kind == protocol.ItemHand {
		hp.Now = b.t("public.th.handSpeaks")
	}
	for _, f := range th.Findings {
		hp.Findings = append(hp.Findings, f.Text)
	}
	p.Hall = hp
	return p, true
}

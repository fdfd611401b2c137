package server

import (
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
	pageContribution pageKind = "contribution" // one contribution with all its comments
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
	// Here is the page's own path under Home ("/q/2"), PageN its page
	// number (publicpaging.go), 0 for a page not paged.
	Here       string
	PageN      int
	Status     spaceStatus
	StatusText string
	Langs      []langLink
	Notice     string // "thank you", after a post
	Token      string // the form token (a placeholder in cached pages)
	Form       *formState
	Report     string // the item whose report form is open (?report=)
	Groups     []groupOption
	TownHall   bool // the consultation has a town hall page

	Consultation *consultationPage
	Question     *questionPage
	Hall         *townHallPage
	Item         *contributionPage
}

// T is the page's words: a catalogue key in the page's language.
func (p *page) T(key string, args ...any) string { return i18n.Format(p.Lang, key, args...) }

// Open says whether the online space takes posts now.
func (p *page) Open() bool { return p.Status == spaceOpen }

// Link is a path of this consultation's pages in the page's language.
func (p *page) Link(path string) string {
	return p.Home + path + "?lang=" + p.Lang
}

// PageLink is page n of this page's list, in the page's language.
func (p *page) PageLink(n int) string {
	if n <= 1 {
		return p.Link(p.Here)
	}
	return p.Link(p.Here) + "&page=" + strconv.Itoa(n)
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
// to it.
func (p *page) ReportLink(on string) string {
	return p.PageLink(p.PageN) + "&report=" + url.QueryEscape(on) + "#flag-" + url.PathEscape(on)
}

// reportable says whether the page t names shows item id with a report
// form: on a question's page, a contribution of that page or a comment
// drawn under it, or a comment on one of its room's notes (page 1); on a
// contribution's page, it or any of its comments; on the town hall's, a
// question of that page; none hidden.
func reportable(snap *protocol.Snapshot, t publicTarget, id string) bool {
	if id == "" {
		return false
	}
	shown := func(cs []protocol.Comment) bool {
		return slices.ContainsFunc(cs, func(c protocol.Comment) bool { return c.ID == id && !c.Hidden })
	}
	switch t.kind {
	case pageQuestion:
		for _, c := range pageSlice(questionItems(snap, t.q), t.page, contributionsPerPage) {
			if (c.ID == id && !c.Hidden) || shown(c.Comments[:min(len(c.Comments), commentsShown)]) {
				return true
			}
		}
		if snap.Online == nil || t.page != 1 {
			return false
		}
		for _, n := range snap.Notes {
			if n.Question == t.q && shown(snap.Online.NoteComments[n.ID]) {
				return true
			}
		}
	case pageContribution:
		c, ok := contributionOf(snap, t.q, t.item)
		return ok && ((c.ID == id && !c.Hidden) || shown(c.Comments))
	case pageTownHall:
		if snap.TownHall == nil {
			return false
		}
		return slices.ContainsFunc(pageSlice(hallOrder(snap.TownHall), t.page, hallQuestionsPerPage),
			func(r protocol.RemoteQuestion) bool { return r.ID == id && !r.Hidden })
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
	Room      []themeView // the room's notes by theme, once published, on page 1
	Pages     *pager
}

// contributionPage is one contribution with all its comments.
type contributionPage struct {
	N    int // its question, 1-based
	Text string
	Back string // the question's page that lists it
	Item itemView
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
	// AllComments links to the contribution's own page when it has more
	// comments than a question's page draws; MoreText says so.
	AllComments, MoreText string
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
	Pages     *pager
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

// common fills what every page shows. base is the public URL's origin,
// path the page's own under the consultation's, n its page number (0 for
// a page not paged).
func (b *builder) common(kind pageKind, code, base, path string, n int) *page {
	p := &page{
		Lang: b.lang, Dir: "ltr", Kind: kind, Cafe: b.snap.Cafe, Code: code, Title: b.snap.Title,
		Home: "/o/" + code, ShortURL: base + "/o/" + code, Here: path, PageN: n,
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
		href := p.Home + path + "?lang=" + l
		if n > 1 {
			href += "&page=" + strconv.Itoa(n)
		}
		p.Langs = append(p.Langs, langLink{Code: l, Name: langNames[l], Href: href, Current: l == b.lang})
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
	p := b.common(pageConsultation, code, base, "", 0)
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

// question builds page n of question q (0-based); ok is false when the
// café has no such question. The page's contributions are the newest
// first, grouped by theme when the question has themes.
func (b *builder) question(code, base string, q, n int) (*page, bool) {
	if q < 0 || q >= len(b.snap.Questions) {
		return nil, false
	}
	p := b.common(pageQuestion, code, base, "/q/"+strconv.Itoa(q+1), n)
	nc, cc := b.questionCounts(q)
	qp := &questionPage{N: q + 1, Of: len(b.snap.Questions), Text: b.snap.Questions[q], Counts: b.counts(nc, cc), Published: b.published()}
	open := p.Open()
	all := questionItems(b.snap, q)
	for _, c := range all {
		qp.Themed = qp.Themed || c.Theme != ""
	}
	items := pageSlice(all, n, contributionsPerPage)
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
		v := b.contribution(c, open, commentsShown)
		if len(c.Comments) > commentsShown {
			v.AllComments = p.Link(p.Here + "/c/" + url.PathEscape(c.ID))
			v.MoreText = b.t("paging.allComments", "comments", b.t("public.count.comments", "n", len(c.Comments)))
		}
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
	if qp.Published && n == 1 {
		qp.Room = b.room(q)
	}
	qp.Pages = b.pager(p, n, pageCount(len(all), contributionsPerPage), "paging.newer", "paging.older")
	p.Question = qp
	return p, true
}

// contributionPage builds the page of contribution id of question q with
// all its comments; ok is false when the question has no such one.
func (b *builder) contributionPage(code, base string, q int, id string) (*page, bool) {
	c, ok := contributionOf(b.snap, q, id)
	if !ok {
		return nil, false
	}
	qpath := "/q/" + strconv.Itoa(q+1)
	p := b.common(pageContribution, code, base, qpath+"/c/"+url.PathEscape(id), 0)
	back := locate(b.snap, publicTarget{kind: pageQuestion, code: code, q: q}, id)
	p.Item = &contributionPage{N: q + 1, Text: b.snap.Questions[q], Item: b.contribution(c, p.Open(), len(c.Comments))}
	p.Item.Back = p.Link(qpath)
	if back.page > 1 {
		p.Item.Back += "&page=" + strconv.Itoa(back.page)
	}
	p.Item.Back += "#item-" + url.PathEscape(id)
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

// contribution is c as a page shows it, with its first shown comments.
func (b *builder) contribution(c protocol.Contribution, open bool, shown int) itemView {
	v := itemView{ID: c.ID, At: b.date(c.At), Hidden: c.Hidden, Reason: c.Reason, Open: open && !c.Hidden}
	if !c.Hidden {
		v.Title, v.Text, v.By, v.Group = c.Title, c.Text, b.by(c.Name), b.groups[c.Group]
	}
	for _, cm := range c.Comments[:min(shown, len(c.Comments))] {
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

// townHall builds page n of the town hall's questions; ok is false when
// the consultation has none.
func (b *builder) townHall(code, base string, n int) (*page, bool) {
	th := b.snap.TownHall
	if th == nil {
		return nil, false
	}
	p := b.common(pageTownHall, code, base, "/townhall", n)
	hp := &townHallPage{Agenda: th.TownHallAgenda, Stage: th.Stage,
		Asking: th.Stage == protocol.StagePresentation || th.Stage == protocol.StageFloor}
	if !safeLink(hp.Agenda.Link) {
		hp.Agenda.Link = ""
	}
	all := hallOrder(th)
	for _, q := range pageSlice(all, n, hallQuestionsPerPage) {
		v := itemView{ID: q.ID, At: b.date(q.At), Hidden: q.Hidden, Reason: q.Reason, Answered: q.Answered,
			Votes: b.t("public.count.votes", "n", q.Votes), Open: hp.Asking && !q.Hidden && !q.Answered}
		if !q.Hidden {
			v.Text, v.By, v.Group = q.Text, b.by(q.Name), b.groups[q.Group]
		}
		v.Current = th.Current != nil && th.Current.Kind == protocol.ItemQuestion && th.Current.ID == q.ID
		hp.Questions = append(hp.Questions, v)
	}
	// What is answered now is said on every page, wherever it is listed.
	if th.Current != nil && th.Current.Kind == protocol.ItemQuestion {
		if i := slices.IndexFunc(all, func(q protocol.RemoteQuestion) bool { return q.ID == th.Current.ID }); i >= 0 && !all[i].Hidden {
			hp.Now = all[i].Text
		}
	}
	if th.Current != nil && th.Current.Kind == protocol.ItemHand {
		hp.Now = b.t("public.th.handSpeaks")
	}
	for _, f := range th.Findings {
		hp.Findings = append(hp.Findings, f.Text)
	}
	hp.Pages = b.pager(p, n, pageCount(len(all), hallQuestionsPerPage), "paging.prev", "paging.next")
	p.Hall = hp
	return p, true
}

package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/internal/acceptenc"
	"github.com/worldcafe/worldcafe/internal/secheaders"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// The public pages: the online space and the town hall of a consultation,
// for anyone, anywhere, without an account, at /o/CODE (publiccode.go).
// They are drawn on the server and work without JavaScript: real forms,
// posted and answered with Post/Redirect/Get (publicpost.go). A page's
// script, when it runs, may post the same forms asking for JSON and keep
// the page live over the public WebSocket.
//
// Each item offers a comment form and a link to report it, which opens
// the same page with that item's report form drawn (?report=ITEM): a
// form under every item and comment would weigh more than the items.
//
// A page is drawn once per change of its café, language and state (open
// or closed, a "thank you" notice or none, the report form open) and kept: a crowd reading a
// consultation costs one drawing per change. Only the form token differs
// between readers; it is put into the kept page as it is sent.

//go:embed public/*.html
var publicFiles embed.FS

var publicTemplates = func() map[pageKind]*template.Template {
	funcs := template.FuncMap{"linkify": linkify}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(publicFiles, "public/layout.html"))
	out := map[pageKind]*template.Template{}
	for _, k := range []pageKind{pageConsultation, pageQuestion, pageContribution, pageTownHall, pageMissing} {
		out[k] = template.Must(template.Must(base.Clone()).ParseFS(publicFiles, "public/"+string(k)+".html"))
	}
	return out
}()

// tokenSlot stands in kept pages for the form token of each reader.
const tokenSlot = "FORMTOKEN7f3a9c"

// publicEdge is what the public pages keep across requests.
type publicEdge struct {
	forms *formTokens
	votes *addressVotes // upvotes per address and question (publicvotes.go)
	posts *keyedBuckets // posts per client address
	cafes *keyedBuckets // posts per consultation
	pages *pageCache
	views *viewCache
	draws singleflight.Group
}

func (s *Server) newPublicEdge() *publicEdge {
	perMin := func(v float64) float64 { return v / 60 }
	return &publicEdge{
		forms: newFormTokens(s.cfg.FormKey, s.cfg.AdminToken),
		votes: newAddressVotes(s.cfg.PublicUpvotesPerAddress),
		posts: newKeyedBuckets(perMin(s.cfg.PublicPostsPerMinute), s.cfg.PublicPostBurst),
		cafes: newKeyedBuckets(perMin(s.cfg.PublicCafePostsPerMinute), s.cfg.PublicCafePostBurst),
		pages: newPageCache(maxKeptPages, maxKeptPageBytes),
		views: newViewCache(maxKeptViews),
	}
}

// publicRoutes adds the public pages to the server's routes.
func (s *Server) publicRoutes(get func(path string, h http.HandlerFunc), post func(path string, h http.HandlerFunc)) {
	s.edge.public = s.newPublicEdge()
	get("/o/{code}", s.handlePublicPage(pageConsultation))
	get("/o/{code}/q/{n}", s.handlePublicPage(pageQuestion))
	get("/o/{code}/q/{n}/c/{item}", s.handlePublicPage(pageContribution))
	get("/o/{code}/townhall", s.handlePublicPage(pageTownHall))
	get("/o/{code}/qr.svg", s.limited(s.handlePublicQR("svg")))
	get("/o/{code}/qr.png", s.limited(s.handlePublicQR("png")))
	post("/o/{code}/q/{n}/contribute", s.handlePublicPost(pageQuestion, actContribute))
	post("/o/{code}/q/{n}/comment", s.handlePublicPost(pageQuestion, actComment))
	post("/o/{code}/q/{n}/flag", s.handlePublicPost(pageQuestion, actFlag))
	post("/o/{code}/townhall/ask", s.handlePublicPost(pageTownHall, actAsk))
	post("/o/{code}/townhall/upvote", s.handlePublicPost(pageTownHall, actUpvote))
	post("/o/{code}/townhall/flag", s.handlePublicPost(pageTownHall, actFlag))
}

// pageLang is the language a page is drawn in: ?lang= when it names one
// of the six, else the browser's preference.
func pageLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); i18n.Supported(l) {
		return l
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// publicTarget is the page a request is about.
type publicTarget struct {
	kind pageKind
	code string
	cafe string
	q    int    // 0-based question of a question or contribution page
	page int    // 1-based page of a paged list (publicpaging.go)
	item string // the contribution of a contribution page
}

// resolve finds the café and page a request names.
func (s *Server) resolve(ctx context.Context, r *http.Request, kind pageKind) (publicTarget, error) {
	t := publicTarget{kind: kind, code: normalizePublicCode(r.PathValue("code"))}
	if t.code == "" {
		return t, errNoPublicCode
	}
	if kind == pageQuestion || kind == pageContribution {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil || n < 1 || n > protocol.MaxQuestions {
			return t, errNoQuestion
		}
		t.q = n - 1
	}
	if kind == pageContribution {
		if t.item = r.PathValue("item"); t.item == "" || len(t.item) > protocol.MaxIDBytes {
			return t, errNoContribution
		}
	}
	if kind == pageQuestion || kind == pageTownHall {
		n, err := pageParam(r)
		if err != nil {
			return t, err
		}
		t.page = n
	}
	id, err := s.cafeByPublicCode(ctx, t.code)
	if errors.Is(err, store.ErrNotFound) {
		return t, errNoPublicCode
	}
	if err != nil {
		return t, fmt.Errorf("looking up a public code: %w", err)
	}
	t.cafe = id
	return t, nil
}

// publicView is the café's public projection now, at its seq. It loads the
// café like every read; the projection is made once per change.
func (s *Server) publicView(ctx context.Context, id string) (*publicSnap, error) {
	rn, err := s.runner(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoPublicCode
	}
	if err != nil {
		return nil, err
	}
	kept := s.edge.public.views.get(id)
	var snap *publicSnap
	exists := true
	if err := rn.peek(ctx, func(st *cafe.State) {
		if exists = st.Exists(); !exists {
			return
		}
		if kept != nil && kept.seq == st.Seq {
			snap = kept
			return
		}
		snap = &publicSnap{seq: st.Seq, Snapshot: st.View(protocol.RolePublic)}
	}); err != nil {
		return nil, err
	}
	if !exists {
		return nil, errNoPublicCode
	}
	if snap != kept {
		s.edge.public.views.put(id, snap)
	}
	return snap, nil
}

// build makes the page t names from snap, or says the café has no such
// page (a question it lacks, a town hall it never had).
func (s *Server) build(r *http.Request, t publicTarget, lang string, snap *publicSnap) (*page, error) {
	b := newBuilder(lang, &snap.Snapshot, s.cfg.Now())
	base := s.baseURL(r)
	var p *page
	ok := true
	switch t.kind {
	case pageConsultation:
		p = b.consultation(t.code, base)
	case pageQuestion:
		if p, ok = b.question(t.code, base, t.q, t.page); !ok {
			return nil, errNoQuestion
		}
	case pageContribution:
		if p, ok = b.contributionPage(t.code, base, t.q, t.item); !ok {
			return nil, errNoContribution
		}
	case pageTownHall:
		if p, ok = b.townHall(t.code, base, t.page); !ok {
			return nil, errNoTownHall
		}
	default:
		return nil, fmt.Errorf("no public page of kind %q", t.kind)
	}
	p.Seq = snap.seq
	return p, nil
}

// notices are the "thank you" a page shows after a post (?sent=...).
var notices = map[string]string{
	actContribute: "public.sent.contribute",
	actComment:    "public.sent.comment",
	actFlag:       "public.sent.flag",
	actAsk:        "public.sent.ask",
	actUpvote:     "public.sent.upvote",
}

func (s *Server) handlePublicPage(kind pageKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secheaders.Set(w, r)
		lang := pageLang(r)
		t, err := s.resolve(r.Context(), r, kind)
		var snap *publicSnap
		if err == nil {
			snap, err = s.publicView(r.Context(), t.cafe)
		}
		if err == nil {
			err = onPage(&snap.Snapshot, t)
		}
		if err != nil {
			s.writeMissing(w, r, lang, err)
			return
		}
		s.setVoter(w, r)
		sent := r.URL.Query().Get("sent")
		if _, ok := notices[sent]; !ok {
			sent = ""
		}
		// Only an item the page shows opens a report form: any other
		// ?report= is the plain page, and costs no drawing of its own.
		report := r.URL.Query().Get("report")
		if !reportable(&snap.Snapshot, t, report) {
			report = ""
		}
		key := pageKey{cafe: t.cafe, kind: kind, q: t.q, page: t.page, item: t.item, lang: lang, sent: sent, report: report, status: statusOf(&snap.Snapshot, s.cfg.Now())}
		kept, err := s.keptPage(r, t, key, snap)
		if err != nil {
			s.writeMissing(w, r, lang, err)
			return
		}
		s.sendPage(w, r, http.StatusOK, kept, s.edge.public.forms.issue(t.cafe, s.cfg.Now()))
	}
}

// onPage says whether the page t names is one snap has: a page of its
// list up to the last, a contribution it holds. Anything else is refused
// before it costs a drawing or a place in the page cache.
func onPage(snap *protocol.Snapshot, t publicTarget) error {
	if t.kind == pageContribution {
		if _, ok := contributionOf(snap, t.q, t.item); !ok {
			return errNoContribution
		}
	}
	if t.page > lastPage(snap, t) {
		return errNoPage
	}
	return nil
}

// keptPage is the page for key at snap's seq, drawn once for everyone who
// asks at the same time.
func (s *Server) keptPage(r *http.Request, t publicTarget, key pageKey, snap *publicSnap) ([][]byte, error) {
	if parts, ok := s.edge.public.pages.get(key, snap.seq); ok {
		return parts, nil
	}
	v, err, _ := s.edge.public.draws.Do(fmt.Sprintf("%v@%d", key, snap.seq), func() (any, error) {
		p, err := s.build(r, t, key.lang, snap)
		if err != nil {
			return nil, err
		}
		if key.sent != "" {
			p.Notice = p.T(notices[key.sent])
		}
		p.Report = key.report
		p.Token = tokenSlot
		b, err := renderPage(p)
		if err != nil {
			return nil, err
		}
		parts := bytes.Split(b, []byte(tokenSlot))
		s.edge.public.pages.put(key, snap.seq, parts)
		return parts, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([][]byte), nil
}

func renderPage(p *page) ([]byte, error) {
	var buf bytes.Buffer
	if err := publicTemplates[p.Kind].ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, fmt.Errorf("drawing the %s page: %w", p.Kind, err)
	}
	return buf.Bytes(), nil
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// sendPage sends a page drawn with tokenSlot, the reader's token put in.
// Pages carry a token of their own, so no cache may keep them.
func (s *Server) sendPage(w http.ResponseWriter, r *http.Request, status int, parts [][]byte, token string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Accept-Encoding, Accept-Language")
	var out interface {
		Write([]byte) (int, error)
	} = w
	if acceptenc.Gzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(w)
		defer func() { zw.Close(); gzipWriters.Put(zw) }()
		out = zw
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	for i, part := range parts {
		if i > 0 {
			out.Write([]byte(token))
		}
		out.Write(part)
	}
}

// writeMissing answers a page that is not there (or could not be drawn)
// with a page that says so, in the reader's language.
func (s *Server) writeMissing(w http.ResponseWriter, r *http.Request, lang string, err error) {
	code := publicCode(err)
	if code == protocol.CodeInternal {
		s.log.Error("public page failed", "err", err)
	}
	msg, _ := publicMessage(lang, err)
	p := &page{Lang: lang, Dir: "ltr", Kind: pageMissing, StatusText: msg}
	if lang == "ar" {
		p.Dir = "rtl"
	}
	for _, l := range i18n.Langs {
		p.Langs = append(p.Langs, langLink{Code: l, Name: langNames[l], Href: r.URL.Path + "?lang=" + l, Current: l == lang})
	}
	b, rerr := renderPage(p)
	if rerr != nil {
		s.writeError(w, rerr)
		return
	}
	s.sendPage(w, r, protocol.HTTPStatus(code), [][]byte{b}, "")
}

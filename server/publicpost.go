package server

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/worldcafe/worldcafe/internal/secheaders"
	"github.com/worldcafe/worldcafe/protocol"
)

// The public pages' posts. One handler per form, two renderings: a plain
// form post (JavaScript off) is answered with 303 See Other to the page,
// anchored at the new item, with a "thank you" notice (Post/Redirect/Get);
// a refused one with the page again, its status the refusal's, the error
// beside the field and everything the person typed still in the form. A
// post that asks for JSON (Accept: application/json, the page's own
// script) gets {"item_id", "form_token"} (the token for its next post) or
// the API's error body, its message the one the page would show, in the
// page's language (?lang= of the form's action, which the script posts to
// as it is, else Accept-Language, which the script sets to the page's).
//
// Before a post reaches the café it passes, in order: the same-site check
// (the route's), the body's size and type, the address's and the
// consultation's post budgets, the honeypot, the form token, and the
// fields' limits. The café then applies its own rules.

// Actions, as their paths and the ?sent= notice name them.
const (
	actContribute = "contribute"
	actComment    = "comment"
	actFlag       = "flag"
	actAsk        = "ask"
	actUpvote     = "upvote"
)

// maxPublicForm bounds a public form's body: the longest contribution in
// any script, percent-encoded, fits.
const maxPublicForm = 64 << 10

// publicPost is one post on its way.
type publicPost struct {
	action string
	lang   string
	json   bool
	target publicTarget
	form   url.Values
	token  string // the token to send the person back with
}

// answer is what an accepted post returns to the page's script.
type answer struct {
	ItemID    string `json:"item_id"`
	FormToken string `json:"form_token"`
}

// refusedPost is what a refused post returns to the page's script: the API's
// error body, and a fresh token when the form's own was refused (used,
// expired, forged, missing); else the form's token is still good.
type refusedPost struct {
	Error     *protocol.Error `json:"error"`
	FormToken string          `json:"form_token,omitempty"`
}

// handlePublicPost handles the action's form on a page of kind.
func (s *Server) handlePublicPost(kind pageKind, action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secheaders.Set(w, r)
		p := &publicPost{action: action, lang: pageLang(r), json: wantsJSON(r)}
		t, err := s.resolve(r.Context(), r, kind)
		p.target = t
		if err != nil {
			s.refusePost(w, r, p, err)
			return
		}
		if err := readForm(w, r); err != nil {
			s.refusePost(w, r, p, err)
			return
		}
		p.form = r.PostForm
		p.token = p.form.Get("form_token")
		id, err := s.postPublic(r, p)
		if err != nil {
			s.refusePost(w, r, p, err)
			return
		}
		next := s.edge.public.forms.issue(t.cafe, s.cfg.Now())
		if p.json {
			writeJSON(w, http.StatusCreated, answer{ItemID: id, FormToken: next})
			return
		}
		// Back to the page that draws the item (publicpaging.go): a new
		// contribution is on its question's first page, with the newest.
		where := t
		where.page = 1
		if snap, err := s.publicView(r.Context(), t.cafe); err == nil {
			where = locate(&snap.Snapshot, t, id)
		}
		path := pathOf(where) + "?lang=" + p.lang
		if where.page > 1 {
			path += "&page=" + strconv.Itoa(where.page)
		}
		http.Redirect(w, r, path+"&sent="+action+"#item-"+url.PathEscape(id), http.StatusSeeOther)
	}
}

// readForm reads a bounded url-encoded body.
func readForm(w http.ResponseWriter, r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return errFormType
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPublicForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errFormTooBig
		}
		return errFormType
	}
	return nil
}

func wantsJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(mt), "application/json") {
			return true
		}
	}
	return false
}

// postPublic runs the checks and the café's command, and returns the new
// item's id (the upvoted or flagged item's, for those). Only a post the
// café takes spends its token: on any refusal after the token check the
// token is given back, and p.token stays it, for the corrected resend.
func (s *Server) postPublic(r *http.Request, p *publicPost) (string, error) {
	now := s.cfg.Now()
	edge := s.edge.public
	ip := clientIP(r)
	if !edge.posts.take(ip, now) {
		s.metrics.RateLimited.Add(1)
		return "", retryLater{errPostFlood, edge.posts.retryIn(ip, now)}
	}
	if !edge.cafes.take(p.target.cafe, now) {
		s.metrics.RateLimited.Add(1)
		return "", retryLater{errCafeFlood, edge.cafes.retryIn(p.target.cafe, now)}
	}
	if p.form.Get("website") != "" {
		return "", errHoneypot
	}
	use, err := edge.forms.take(p.target.cafe, formOf(p), p.token, now)
	if err != nil {
		if !errors.Is(err, errFormTooYoung) {
			p.token = "" // a fresh one with the page
		}
		return "", err
	}
	id, err := s.postTaken(r, p, edge.forms.itemID(use), ip, now)
	if err != nil {
		edge.forms.giveBack(use)
	}
	return id, err
}

// formOf is the form a post comes from, as its token is spent (formtoken.go):
// its action, and for the forms under an item, the item.
func formOf(p *publicPost) string {
	switch p.action {
	case actComment, actFlag, actUpvote:
		return p.action + "\x00" + p.form.Get("on")
	}
	return p.action
}

// postTaken is postPublic once the token is taken.
func (s *Server) postTaken(r *http.Request, p *publicPost, newID, ip string, now time.Time) (string, error) {
	typ, data, id, err := s.publicCommand(r, p, newID)
	if err != nil {
		return "", err
	}
	votes := s.edge.public.votes
	if p.action == actUpvote && !votes.take(p.target.cafe, id, ip, now) {
		return "", errVotesHere
	}
	res, err := s.issuePublic(r.Context(), p.target.cafe, typ, data)
	// A second upvote of one browser changes nothing; the person is told,
	// rather than thanked for a vote that does not count.
	if err == nil && p.action == actUpvote && len(res.events) == 0 {
		err = errVoted
	}
	if err != nil && p.action == actUpvote {
		votes.giveBack(p.target.cafe, id, ip, now)
	}
	if err != nil {
		return "", err
	}
	return id, nil
}

// publicCommand checks the form's fields and makes the café's command:
// its type and data, and the id of the item it is about.
func (s *Server) publicCommand(r *http.Request, p *publicPost, newID string) (typ string, data any, id string, err error) {
	f := p.form
	text := func(name string, max int, required bool) (string, error) {
		v := strings.TrimSpace(f.Get(name))
		switch {
		case !utf8.ValidString(v):
			return "", publicRefusal(protocol.CodeInvalid, name, "public.error.invalid", "this is not valid text")
		case required && v == "":
			return "", errEmpty(name)
		case utf8.RuneCountInString(v) > max:
			return "", errTooLong(name, max)
		}
		return v, nil
	}
	var errs []error
	field := func(name string, max int, required bool) string {
		v, err := text(name, max, required)
		errs = append(errs, err)
		return v
	}
	on := func() string {
		v := f.Get("on")
		if v == "" || len(v) > protocol.MaxIDBytes {
			errs = append(errs, errNoItem)
		}
		return v
	}
	id = newID
	switch p.action {
	case actContribute:
		c := protocol.OnlineContribute{ItemID: newID, Question: p.target.q,
			Title: field("title", protocol.MaxContributionTitleRunes, false), Text: field("text", protocol.MaxContributionRunes, true),
			Name: field("name", protocol.MaxNameRunes, false), Group: f.Get("group")}
		typ, data = protocol.CmdOnlineContribute, c
	case actComment:
		c := protocol.OnlineComment{CommentID: newID, OnID: on(), Text: field("text", protocol.MaxCommentRunes, true),
			Name: field("name", protocol.MaxNameRunes, false), Group: f.Get("group")}
		typ, data = protocol.CmdOnlineComment, c
	case actFlag:
		c := protocol.OnlineFlag{ItemID: on(), Reason: field("reason", protocol.MaxReasonRunes, false)}
		typ, data, id = protocol.CmdOnlineFlag, c, c.ItemID
	case actAsk:
		c := protocol.TownHallAsk{QuestionID: newID, Text: field("text", protocol.MaxQuestionAsk, true),
			Name: field("name", protocol.MaxNameRunes, false), Group: f.Get("group")}
		typ, data = protocol.CmdTownHallAsk, c
	case actUpvote:
		c := protocol.TownHallUpvote{QuestionID: on(), Voter: s.voterOf(r, p.target.cafe)}
		if c.Voter == "" {
			errs = append(errs, errNoVoter)
		}
		typ, data, id = protocol.CmdTownHallUpvote, c, c.QuestionID
	}
	if err := firstError(errs); err != nil {
		return "", nil, "", err
	}
	if len(f.Get("group")) > protocol.MaxGroupIDBytes {
		return "", nil, "", publicRefusal(protocol.CodeInvalid, "group", "public.error.group", "choose a group from the list")
	}
	return typ, data, id, nil
}

func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// retryLater is a refusal that says when to come back (Retry-After).
type retryLater struct {
	error
	seconds int
}

func (e retryLater) Unwrap() error { return e.error }

// refusePost answers a refused post: the error body for a script, else
// the page again with the error in the form and the person's text kept.
func (s *Server) refusePost(w http.ResponseWriter, r *http.Request, p *publicPost, err error) {
	var later retryLater
	if errors.As(err, &later) {
		w.Header().Set("Retry-After", strconv.Itoa(later.seconds))
	}
	code := publicCode(err)
	if code == protocol.CodeInternal {
		s.log.Error("public post failed", "err", err)
	}
	msg, fieldName := postRefusal(p.lang, p.action, err)
	if p.target.cafe == "" {
		if p.json {
			writeJSON(w, protocol.HTTPStatus(code), refusedPost{Error: &protocol.Error{Code: code, Message: msg, Field: fieldName}})
			return
		}
		s.writeMissing(w, r, p.lang, err)
		return
	}
	token := p.token
	if token == "" {
		token = s.edge.public.forms.issue(p.target.cafe, s.cfg.Now())
	}
	if p.json {
		body := refusedPost{Error: &protocol.Error{Code: code, Message: msg, Field: fieldName}}
		if p.token == "" {
			body.FormToken = token
		}
		writeJSON(w, protocol.HTTPStatus(code), body)
		return
	}
	snap, verr := s.publicView(r.Context(), p.target.cafe)
	if verr != nil {
		s.writeMissing(w, r, p.lang, verr)
		return
	}
	// The page again is the one that draws the form's item, if any.
	pg, berr := s.build(r, locate(&snap.Snapshot, p.target, p.form.Get("on")), p.lang, snap)
	if berr != nil {
		s.writeMissing(w, r, p.lang, berr)
		return
	}
	fs := &formState{Action: p.action, On: p.form.Get("on"), Values: map[string]string{}, Error: msg, Field: fieldName}
	for _, name := range []string{"title", "text", "name", "group", "reason"} {
		fs.Values[name] = p.form.Get(name)
	}
	pg.Form = fs
	pg.Token = token
	b, rerr := renderPage(pg)
	if rerr != nil {
		s.writeError(w, rerr)
		return
	}
	s.sendPage(w, r, protocol.HTTPStatus(code), [][]byte{b}, "")
}

// postRefusal is what a person reads for err in lang, as a page or as the
// script's JSON, and the field of the action's form it is about: "" when
// the form shows no such field (the item it is about, a field the café
// names that the form lacks), so the error goes at the top of the form.
func postRefusal(lang, action string, err error) (msg, field string) {
	msg, field = publicMessage(lang, err)
	if !formHasField(action, field) {
		field = ""
	}
	return msg, field
}

// formFields are the fields each form shows an error beside.
var formFields = map[string][]string{
	actContribute: {"title", "text", "name", "group"},
	actComment:    {"text", "name"}, // the comment form asks for no group (layout.html)
	actFlag:       {"reason"},
	actAsk:        {"text", "name", "group"},
	actUpvote:     nil,
}

func formHasField(action, field string) bool {
	for _, f := range formFields[action] {
		if f == field {
			return true
		}
	}
	return false
}

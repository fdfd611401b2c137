package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

func TestPublicContributionIsPostedRedirectedAndShown(t *testing.T) {
	s := newPubSite(t, server.Config{})
	s.open(t)
	home := s.get(t, "/o/"+s.code).Body.String()
	for _, want := range []string{pubQuestions[0], `href="/o/` + s.code + `/q/1?lang=en"`, "0 contributions · 0 comments", "Open until", `data-cafe="` + s.cafe.Cafe + `"`} {
		if !strings.Contains(home, want) {
			t.Fatalf("the consultation page lacks %q:\n%s", want, home)
		}
	}
	q := "/o/" + s.code + "/q/1"
	rec := s.postForm(t, q, q+"/contribute?lang=en", url.Values{"title": {"Convene"}, "text": {"Governments convene; they do not decide alone."}, "name": {"Ana"}, "group": {"civil_society"}}, "")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("contribute answered %d: %s", rec.Code, rec.Body)
	}
	loc := rec.Header().Get("Location")
	if !strings.HasPrefix(loc, q+"?lang=en&sent=contribute#item-") {
		t.Fatalf("redirected to %q", loc)
	}
	page := s.get(t, strings.Split(loc, "#")[0]).Body.String()
	id := strings.SplitN(loc, "#", 2)[1]
	for _, want := range []string{`id="` + id + `"`, "Governments convene; they do not decide alone.", "Thank you — your contribution is published", "1 contribution · 0 comments", "Civil society", `role="status"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the question page lacks %q:\n%s", want, page)
		}
	}
}

func TestPublicPostAskingForJSONGetsTheItemAndTheNextToken(t *testing.T) {
	s := newPubSite(t, server.Config{})
	s.open(t)
	q := "/o/" + s.code + "/q/2"
	token, _ := s.freshToken(t, q)
	rec := s.do(call{method: "POST", path: q + "/contribute", form: url.Values{"text": {"Privacy"}, "form_token": {token}}, header: map[string]string{"Accept": "application/json"}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("answered %d: %s", rec.Code, rec.Body)
	}
	var a struct {
		ItemID    string `json:"item_id"`
		FormToken string `json:"form_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.ItemID == "" || a.FormToken == "" {
		t.Fatalf("answered %s", rec.Body)
	}
	// The same post again is refused in JSON, with the usual error body.
	rec = s.do(call{method: "POST", path: q + "/contribute", form: url.Values{"text": {"Privacy"}, "form_token": {token}}, header: map[string]string{"Accept": "application/json"}})
	expectJSONError(t, rec, http.StatusConflict, protocol.CodeConflict)
}

func TestPublicPostAskingForJSONIsRefusedInThePagesLanguage(t *testing.T) {
	s := newPubSite(t, server.Config{})
	s.open(t)
	q := "/o/" + s.code + "/q/1"
	for _, c := range []struct {
		name, query, accept, lang string
	}{
		// The script posts to the form's action, which names the page's
		// language, and says it again in Accept-Language.
		{"as the script posts", "?lang=fr", "fr", "fr"},
		{"the action's language over the browser's", "?lang=ar", "ru", "ar"},
		{"the browser's language when the action names none", "", "zh-CN, zh;q=0.9", "zh"},
	} {
		t.Run(c.name, func(t *testing.T) {
			token, _ := s.freshToken(t, q)
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: q + "/contribute" + c.query, from: nextAddr(),
				form:   url.Values{"text": {"  "}, "form_token": {token}},
				header: map[string]string{"Accept": "application/json", "Accept-Language": c.accept}})
			e := expectJSONError(t, rec, http.StatusBadRequest, protocol.CodeInvalid)
			if want := i18n.Format(c.lang, "public.error.empty"); e.Message != want || e.Field != "text" {
				t.Errorf("refused with %q about %q, want %q about text", e.Message, e.Field, want)
			}
			if s.publicView(t) != before {
				t.Fatal("the refused post changed the café")
			}
		})
	}
	// The café's own refusal, and one about the item (no field of the
	// form), read the same as on the page.
	token, _ := s.freshToken(t, q)
	rec := s.do(call{method: "POST", path: q + "/comment?lang=es", from: nextAddr(),
		form:   url.Values{"on": {"nosuchitem"}, "text": {"Sí"}, "form_token": {token}},
		header: map[string]string{"Accept": "application/json"}})
	e := expectJSONError(t, rec, http.StatusNotFound, protocol.CodeNotFound)
	if want := i18n.Format("es", "public.error.gone"); e.Message != want || e.Field != "" {
		t.Errorf("a comment on an unknown item is refused with %q about %q, want %q about no field", e.Message, e.Field, want)
	}
}

func TestPublicPagesSpeakTheReadersLanguage(t *testing.T) {
	s := newPubSite(t, server.Config{})
	s.open(t)
	for _, c := range []struct {
		query, accept, lang, dir, word string
	}{
		{"", "", "en", "ltr", "Open until"},
		{"", "fr-CH, fr;q=0.9", "fr", "ltr", "Ouvert jusqu’au"},
		{"?lang=ar", "fr", "ar", "rtl", "مفتوح حتى"},
		{"?lang=zh", "", "zh", "ltr", "开放至"},
		{"?lang=xx", "ru", "ru", "ltr", "Открыто до"},
	} {
		rec := s.do(call{method: "GET", path: "/o/" + s.code + c.query, header: map[string]string{"Accept-Language": c.accept}})
		body := rec.Body.String()
		if !strings.Contains(body, `<html lang="`+c.lang+`" dir="`+c.dir+`">`) || !strings.Contains(body, c.word) {
			t.Fatalf("%q with Accept-Language %q: want %s %s with %q:\n%s", c.query, c.accept, c.lang, c.dir, c.word, body)
		}
		// Every link of the page keeps its language; the switcher offers all six.
		if !strings.Contains(body, `href="/o/`+s.code+`/q/1?lang=`+c.lang+`"`) {
			t.Fatalf("links do not keep the language %s", c.lang)
		}
		for _, l := range []string{"en", "fr", "es", "ru", "zh", "ar"} {
			if !strings.Contains(body, `href="/o/`+s.code+`?lang=`+l+`"`) {
				t.Fatalf("the switcher lacks %s", l)
			}
		}
	}
}

func TestPublicPagesLinkOnlyPlainWebAddressesAndMarkThemAsThePostersOwn(t *testing.T) {
	s := newPubSite(t, server.Config{})
	s.open(t)
	q := "/o/" + s.code + "/q/1"
	text := "See https://example.org/a?b=1&c=2. Not javascript:alert(1) nor data:text/html,x nor ftp://x.org nor http://user@evil.example/."
	if rec := s.postForm(t, q, q+"/contribute", url.Values{"text": {text}}, ""); rec.Code != http.StatusSeeOther {
		t.Fatalf("answered %d", rec.Code)
	}
	body := s.get(t, q).Body.String()
	if !strings.Contains(body, `<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">https://example.org/a?b=1&amp;c=2</a>.`) {
		t.Fatalf("the plain URL is not a link with the rel:\n%s", body)
	}
	// What people wrote is in <main>; the head's own icon is data:,
	// (no request for a favicon).
	_, content, ok := strings.Cut(body, "<main")
	if !ok {
		t.Fatalf("the page has no <main>:\n%s", body)
	}
	for _, bad := range []string{`href="javascript`, `href="data:`, `href="ftp:`, `href="http://user@`} {
		if strings.Contains(content, bad) {
			t.Fatalf("the page links %s", bad)
		}
	}
}

func TestAPublicCodeNeverJoinsTheRoom(t *testing.T) {
	s := newPubSite(t, server.Config{})
	for _, code := range []string{s.code, "public/" + s.code, "PUBLIC/" + s.code} {
		rec := httpCall{method: "POST", path: "/api/join", body: `{"code":"` + code + `","name":"Eve"}`}.do(s.ts)
		if rec.Code == http.StatusCreated {
			t.Fatalf("the public code %q joined the room: %s", code, rec.Body)
		}
		if rec := (httpCall{method: "GET", path: "/api/join/" + url.PathEscape(code)}.do(s.ts)); rec.Code == http.StatusOK {
			t.Fatalf("the public code %q opens the join form: %s", code, rec.Body)
		}
	}
	// And the join code opens no public page.
	if rec := s.do(call{method: "GET", path: "/o/" + s.cafe.JoinCode}); rec.Code != http.StatusNotFound {
		t.Fatalf("the join code opens a public page: %d", rec.Code)
	}
}

func TestPublicQRCodeEncodesThePublicURLNotTheAskersHost(t *testing.T) {
	s := newPubSite(t, server.Config{})
	rec := s.do(call{method: "GET", path: "/o/" + s.code + "/qr.svg", header: map[string]string{"Host": "evil.example"}})
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(rec.Body.String(), "<svg") {
		t.Fatalf("qr.svg answered %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	png := s.do(call{method: "GET", path: "/o/" + s.code + "/qr.png"})
	if png.Code != 200 || !strings.HasPrefix(png.Body.String(), "\x89PNG") {
		t.Fatalf("qr.png answered %d", png.Code)
	}
	page := s.do(call{method: "GET", path: "/o/" + s.code, header: map[string]string{"Host": "evil.example"}}).Body.String()
	if strings.Contains(page, "evil.example") || !strings.Contains(page, "https://consult.example.org/o/"+s.code) {
		t.Fatalf("the page names the asker's host:\n%s", page)
	}
	if rec := s.do(call{method: "GET", path: "/o/ZZZZZZZZ/qr.svg"}); rec.Code != 404 {
		t.Fatalf("the QR of an unknown code answered %d", rec.Code)
	}
}

func TestPublicPagesCarryTheViewsSecurityHeadersAndTheVoterCookie(t *testing.T) {
	s := newPubSite(t, server.Config{})
	rec := s.get(t, "/o/"+s.code)
	h := rec.Header()
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP %q", csp)
	}
	if h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("headers %v", h)
	}
	var voter *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "wc_voter" {
			voter = c
		}
	}
	if voter == nil || !voter.HttpOnly || !voter.Secure || voter.SameSite != http.SameSiteLaxMode {
		t.Fatalf("voter cookie %+v", voter)
	}
	// A browser that has it keeps it.
	again := s.do(call{method: "GET", path: "/o/" + s.code, header: map[string]string{"Cookie": voter.Name + "=" + voter.Value}})
	if len(again.Result().Cookies()) != 0 {
		t.Fatal("the cookie was replaced")
	}
}

func TestTownHallPageShowsTheAgendaTheQuestionsByVotesAndWhatIsAnsweredNow(t *testing.T) {
	s := &abuseSite{pubSite: newPubSite(t, server.Config{})}
	s.th = "/o/" + s.code + "/townhall"
	if rec := s.do(call{method: "GET", path: s.th}); rec.Code != 404 {
		t.Fatalf("a consultation without a town hall has its page: %d", rec.Code)
	}
	MustSend(t, s.cafe.Fac, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "Governments online", Presenter: "Dr. Mwangi", Link: "https://example.org/slides"})
	MustSend(t, s.cafe.Fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
	first := s.mustPost(t, s.th, s.th+"/ask", url.Values{"text": {"First question"}})
	second := s.mustPost(t, s.th, s.th+"/ask", url.Values{"text": {"Second question"}, "name": {"Ben"}})
	token, cookie := s.freshToken(t, s.th)
	if rec := s.do(call{method: "POST", path: s.th + "/upvote", form: url.Values{"on": {second}, "form_token": {token}}, header: map[string]string{"Cookie": cookie}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("upvote answered %d: %s", rec.Code, rec.Body)
	}
	MustSend(t, s.cafe.Fac, protocol.CmdQueueTake, protocol.QueueItem{Kind: protocol.ItemQuestion, ID: first})
	body := s.get(t, s.th).Body.String()
	for _, want := range []string{"Governments online", "Dr. Mwangi", `href="https://example.org/slides" rel="nofollow ugc noopener"`, "The floor is open", `id="th-questions"`, `id="th-now" dir="auto">First question`, "Being answered now", `id="ask"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("the town hall page lacks %q:\n%s", want, body)
		}
	}
	list := body[strings.Index(body, `id="th-questions"`):]
	if strings.Index(list, "Second question") > strings.Index(list, "First question") {
		t.Fatal("the question with more votes is not first")
	}
	MustSend(t, s.cafe.Fac, protocol.CmdQueueDone, protocol.QueueItem{Kind: protocol.ItemQuestion, ID: first})
	if body := s.get(t, s.th).Body.String(); !strings.Contains(body, "Answered") {
		t.Fatal("the answered question is not marked")
	}
}

func TestHiddenItemsStayListedWithTheModeratorsReasonAndNoText(t *testing.T) {
	s := &abuseSite{pubSite: newPubSite(t, server.Config{})}
	s.open(t)
	q := "/o/" + s.code + "/q/1"
	id := s.mustPost(t, q, q+"/contribute", url.Values{"text": {"Buy cheap watches"}, "name": {"Spammer"}})
	MustSend(t, s.cafe.Fac, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: id, Reason: "advertising"})
	body := s.get(t, q).Body.String()
	if !strings.Contains(body, "Hidden by the moderator: advertising") || strings.Contains(body, "watches") || strings.Contains(body, "Spammer") {
		t.Fatalf("the hidden item:\n%s", body)
	}
	if strings.Contains(body, `id="comment-`+id+`"`) {
		t.Fatal("a hidden item offers a comment form")
	}
}

func TestPublicPagesLoadAnUnloadedCafe(t *testing.T) {
	s := newPubSite(t, server.Config{UnloadAfter: 50 * time.Millisecond})
	s.open(t)
	s.cafe.Fac.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for s.ts.Metrics().Unloads.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the café was never unloaded")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if body := s.get(t, "/o/"+s.code).Body.String(); !strings.Contains(body, pubQuestions[0]) {
		t.Fatalf("the page of an unloaded café:\n%s", body)
	}
}

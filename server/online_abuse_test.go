package server_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// abuseSite is a consultation open online, with one contribution (its id
// in item), one the moderator hid (hidden), and a town hall taking
// questions with one question (asked).
type abuseSite struct {
	*pubSite
	q, th                 string // the first question's page, the town hall's page
	item, hidden, asked   string
	contribute, ask, vote string // form actions
}

func newAbuseSite(t *testing.T, cfg server.Config) *abuseSite {
	t.Helper()
	s := &abuseSite{pubSite: newPubSite(t, cfg)}
	s.open(t)
	s.q, s.th = "/o/"+s.code+"/q/1", "/o/"+s.code+"/townhall"
	s.contribute, s.ask, s.vote = s.q+"/contribute?lang=en", s.th+"/ask?lang=en", s.th+"/upvote?lang=en"
	s.item = s.mustPost(t, s.q, s.contribute, url.Values{"text": {"Governments convene."}})
	s.hidden = s.mustPost(t, s.q, s.contribute, url.Values{"text": {"Buy cheap watches"}})
	MustSend(t, s.cafe.Fac, protocol.CmdOnlineHide, protocol.OnlineHide{ItemID: s.hidden, Reason: "advertising"})
	MustSend(t, s.cafe.Fac, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "Governments online", Presenter: "Dr. Mwangi", Link: "https://example.org/slides"})
	MustSend(t, s.cafe.Fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
	s.asked = s.mustPost(t, s.th, s.ask, url.Values{"text": {"Who pays?"}})
	return s
}

// mustPost posts a form from a fresh address and returns the new item's
// id, from the redirect.
func (s *abuseSite) mustPost(t *testing.T, page, action string, form url.Values) string {
	t.Helper()
	rec := s.postForm(t, page, action, form, nextAddr())
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("posting to %s answered %d: %s", action, rec.Code, rec.Body)
	}
	_, id, _ := strings.Cut(rec.Header().Get("Location"), "#item-")
	return id
}

var addrN = 0

// nextAddr is a client address no other post in the test used, so the
// per-address budget never gets in a case's way by accident.
func nextAddr() string {
	addrN++
	return "10.9." + strconv.Itoa(addrN/250) + "." + strconv.Itoa(addrN%250+1) + ":5000"
}

// refusedPage checks a refused plain form post: its status, the error a
// person reads (in an alert), and that what they typed is still there.
func refusedPage(t *testing.T, rec interface {
	Result() *http.Response
}, body string, status int, message string, kept ...string) {
	t.Helper()
	if got := rec.Result().StatusCode; got != status {
		t.Fatalf("answered %d, want %d:\n%s", got, status, body)
	}
	if !strings.Contains(body, `role="alert"`) || !strings.Contains(body, html.EscapeString(message)) {
		t.Fatalf("the page does not show the alert %q:\n%s", message, body)
	}
	for _, k := range kept {
		if !strings.Contains(body, html.EscapeString(k)) {
			t.Fatalf("the page lost the person's text %q:\n%s", k, body)
		}
	}
}

func TestOnlineAbuseIsRefusedWithAClearErrorAndChangesNothing(t *testing.T) {
	type tc struct {
		name string
		cfg  server.Config
		run  func(t *testing.T, s *abuseSite)
	}
	text := "My idea, typed with care"
	cases := []tc{
		{"a flood from one address is stopped after the burst, with Retry-After", server.Config{}, func(t *testing.T, s *abuseSite) {
			from := nextAddr()
			tokens := s.tokens(t, s.q, 6)
			for i := range 5 {
				if rec := s.do(call{method: "POST", path: s.contribute, from: from, form: url.Values{"text": {"idea " + strconv.Itoa(i)}, "form_token": {tokens[i]}}}); rec.Code != http.StatusSeeOther {
					t.Fatalf("post %d answered %d", i, rec.Code)
				}
			}
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: from, form: url.Values{"text": {text}, "form_token": {tokens[5]}}})
			refusedPage(t, rec, rec.Body.String(), 429, "You have sent a lot in a short time", text)
			if rec.Header().Get("Retry-After") == "" {
				t.Fatal("no Retry-After")
			}
			if s.publicView(t) != before {
				t.Fatal("the refused post changed the café")
			}
		}},
		{"a flood from many addresses is stopped by the consultation's budget", server.Config{PublicCafePostBurst: 10, PublicCafePostsPerMinute: 1}, func(t *testing.T, s *abuseSite) {
			tokens := s.tokens(t, s.q, 11)
			posted := 0
			for _, tok := range tokens[:10] {
				rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {"many"}, "form_token": {tok}}})
				if rec.Code == http.StatusSeeOther {
					posted++
				}
			}
			// The site's own posts spent some of the ten.
			if posted == 0 || posted == 10 {
				t.Fatalf("%d of 10 posts went through", posted)
			}
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}, "form_token": {tokens[10]}}})
			refusedPage(t, rec, rec.Body.String(), 429, "Many people are writing right now", text)
			if rec.Header().Get("Retry-After") == "" {
				t.Fatal("no Retry-After")
			}
			if s.publicView(t) != before {
				t.Fatal("the refused post changed the café")
			}
		}},
		{"X-Forwarded-For does not give one address many budgets", server.Config{PublicPostBurst: 1}, func(t *testing.T, s *abuseSite) {
			from := nextAddr()
			tokens := s.tokens(t, s.q, 2)
			s.do(call{method: "POST", path: s.contribute, from: from, form: url.Values{"text": {"first"}, "form_token": {tokens[0]}}})
			token := tokens[1]
			rec := s.do(call{method: "POST", path: s.contribute, from: from, form: url.Values{"text": {text}, "form_token": {token}}, header: map[string]string{"X-Forwarded-For": "203.0.113.9"}})
			if rec.Code != 429 {
				t.Fatalf("answered %d", rec.Code)
			}
		}},
	}
	for _, c := range []struct {
		name, page, action string
		form               url.Values
		status             int
		message            string
		kept               []string
	}{
		{"an oversize text is refused beside the field, the text kept", "q", "contribute", url.Values{"text": {strings.Repeat("é", protocol.MaxContributionRunes+1)}, "name": {"Ana"}}, 413, "This is too long: at most 4000 characters.", []string{"Ana", "éééé"}},
		{"an oversize title is refused", "q", "contribute", url.Values{"title": {strings.Repeat("t", 121)}, "text": {text}}, 413, "at most 120 characters", []string{text}},
		{"an oversize name is refused", "q", "contribute", url.Values{"name": {strings.Repeat("n", 41)}, "text": {text}}, 413, "at most 40 characters", []string{text}},
		{"an empty text is refused", "q", "contribute", url.Values{"text": {"   "}, "name": {"Ana"}}, 400, "Please write something here.", []string{"Ana"}},
		{"an unknown group is refused", "q", "contribute", url.Values{"text": {text}, "group": {"pirates"}}, 400, "Something in this form is not right", []string{text}},
		{"an oversize comment is refused", "q", "comment", url.Values{"on": {"ITEM"}, "text": {strings.Repeat("c", protocol.MaxCommentRunes+1)}}, 413, "at most 1000 characters", nil},
		{"a comment on a hidden contribution is refused", "q", "comment", url.Values{"on": {"HIDDEN"}, "text": {text}}, 403, "The moderator hid this", []string{text}},
		{"a comment on an unknown item is refused", "q", "comment", url.Values{"on": {"nosuchitem"}, "text": {text}}, 404, "is not here any more", []string{text}},
		{"a comment about nothing is refused", "q", "comment", url.Values{"text": {text}}, 404, "does not say what it is about", []string{text}},
		{"a flag on an unknown item is refused", "q", "flag", url.Values{"on": {"nosuchitem"}, "reason": {"it is spam"}}, 404, "is not here any more", []string{"it is spam"}},
		{"an oversize flag reason is refused", "q", "flag", url.Values{"on": {"ITEM"}, "reason": {strings.Repeat("r", 201)}}, 413, "at most 200 characters", nil},
		{"an oversize town hall question is refused", "th", "ask", url.Values{"text": {strings.Repeat("q", protocol.MaxQuestionAsk+1)}}, 413, "at most 1000 characters", nil},
		{"an upvote of an unknown question is refused", "th", "upvote", url.Values{"on": {"nosuchitem"}}, 404, "is not here any more", nil},
		{"a filled honeypot is refused", "q", "contribute", url.Values{"text": {text}, "website": {"http://spam.example"}}, 400, "This form could not be sent", []string{text}},
	} {
		cases = append(cases, tc{c.name, server.Config{}, func(t *testing.T, s *abuseSite) {
			page, action := s.q, s.q+"/"+c.action+"?lang=en"
			if c.page == "th" {
				page, action = s.th, s.th+"/"+c.action+"?lang=en"
			}
			form := url.Values{}
			for k, v := range c.form {
				v0 := strings.NewReplacer("ITEM", s.item, "HIDDEN", s.hidden).Replace(v[0])
				form.Set(k, v0)
			}
			token, cookie := s.freshToken(t, page)
			form.Set("form_token", token)
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: action, form: form, from: nextAddr(), header: map[string]string{"Cookie": cookie}})
			refusedPage(t, rec, rec.Body.String(), c.status, c.message, c.kept...)
			if s.publicView(t) != before {
				t.Fatal("the refused post changed the café")
			}
		}})
	}
	cases = append(cases, []tc{
		{"a body above the bound is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			token, _ := s.freshToken(t, s.q)
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {strings.Repeat("x", 70<<10)}, "form_token": {token}}})
			refusedPage(t, rec, rec.Body.String(), 413, "far too long")
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
		{"a missing form token is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}}})
			refusedPage(t, rec, rec.Body.String(), 400, "This form could not be sent", text)
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
		{"a forged form token is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			token, _ := s.freshToken(t, s.q)
			forged := token[:len(token)-4] + "AAAA"
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}, "form_token": {forged}}})
			refusedPage(t, rec, rec.Body.String(), 400, "This form could not be sent", text)
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
		{"another consultation's form token is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			other := s.ts.MustCafe(t, protocol.CreateCafe{Title: "Other", Questions: pubQuestions})
			MustSend(t, other.Fac, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: s.clock.Now().Add(time.Hour).UnixMilli()})
			token, _ := s.freshToken(t, "/o/"+other.PublicCode+"/q/1")
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}, "form_token": {token}}})
			refusedPage(t, rec, rec.Body.String(), 400, "This form could not be sent", text)
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
		{"a reused form token is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			token, _ := s.freshToken(t, s.q)
			first := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {"once"}, "form_token": {token}}})
			if first.Code != http.StatusSeeOther {
				t.Fatalf("first use answered %d", first.Code)
			}
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}, "form_token": {token}}})
			refusedPage(t, rec, rec.Body.String(), 409, "This was sent already", text)
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
		{"a form token older than a day is refused, the text kept", server.Config{}, func(t *testing.T, s *abuseSite) {
			token, _ := s.freshToken(t, s.q)
			s.clock.Advance(25 * time.Hour)
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}, "form_token": {token}}})
			refusedPage(t, rec, rec.Body.String(), 400, "This page was open for a long time", text)
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
		{"a form sent within two seconds is refused and can be sent again with the same token", server.Config{}, func(t *testing.T, s *abuseSite) {
			token := formToken(t, s.get(t, s.q).Body.String())
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}, "form_token": {token}}})
			body := rec.Body.String()
			refusedPage(t, rec, body, 429, "That was very fast. Check your text and send it again.", text)
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
			if formToken(t, body) != token {
				t.Fatal("the refused page carries another token: the form could not simply be sent again")
			}
			s.clock.Advance(3 * time.Second)
			if again := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}, "form_token": {token}}}); again.Code != http.StatusSeeOther {
				t.Fatalf("sending again answered %d", again.Code)
			}
		}},
		{"scripts and markup in every field are stored and shown as text", server.Config{}, func(t *testing.T, s *abuseSite) {
			evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
			evilName := `<script>x</script>`
			id := s.mustPost(t, s.q, s.contribute, url.Values{"title": {evil}, "text": {evil + " javascript:alert(3)"}, "name": {evilName}})
			s.mustPost(t, s.q, s.q+"/comment?lang=en", url.Values{"on": {id}, "text": {evil}, "name": {evilName}})
			s.mustPost(t, s.th, s.ask, url.Values{"text": {evil}, "name": {evilName}})
			for _, page := range []string{s.q, s.th} {
				body := s.get(t, page).Body.String()
				if strings.Contains(body, "<script>") || strings.Contains(body, "<img") || strings.Contains(body, `href="javascript`) {
					t.Fatalf("%s shows markup from a post:\n%s", page, body)
				}
				if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Fatalf("%s does not show the post as text:\n%s", page, body)
				}
			}
		}},
		{"posting after the space closed is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			// The space closes in an hour; a page opened before that is sent after.
			MustSend(t, s.cafe.Fac, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: s.clock.Now().Add(time.Hour).UnixMilli()})
			token, _ := s.freshToken(t, s.q)
			s.clock.Advance(2 * time.Hour)
			before := s.publicView(t)
			page := s.get(t, s.q).Body.String()
			if !strings.Contains(page, "read only") || strings.Contains(page, `id="contribute"`) {
				t.Fatalf("a closed space still shows its form:\n%s", page)
			}
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"title": {"Care"}, "text": {text}, "form_token": {token}}})
			body := rec.Body.String()
			refusedPage(t, rec, body, 409, "This is not open for posts right now.", text)
			// The form is not drawn once closed: what the person typed is
			// shown to copy, read-only, under the error.
			for _, want := range []string{"Your text was not sent. Here it is", `<textarea id="lost-text" readonly dir="auto" rows="4">` + text + `</textarea>`,
				`<textarea id="lost-title" readonly dir="auto" rows="4">Care</textarea>`} {
				if !strings.Contains(body, want) {
					t.Fatalf("the refused page lacks %q:\n%s", want, body)
				}
			}
			if strings.Contains(body, `id="contribute"`) {
				t.Fatalf("the refused page of a closed space offers the form:\n%s", body)
			}
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
		{"posting before the space opened is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			// Its town hall takes questions, so its page has a form (and a
			// token); its online space is not open yet.
			other := s.ts.MustCafe(t, protocol.CreateCafe{Title: "Soon", Questions: pubQuestions})
			MustSend(t, other.Fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
			q := "/o/" + other.PublicCode + "/q/1"
			token, _ := s.freshToken(t, "/o/"+other.PublicCode+"/townhall")
			before, _ := CafeState(t, s.ts, other.Cafe)
			rec := s.do(call{method: "POST", path: q + "/contribute?lang=en", from: nextAddr(), form: url.Values{"text": {text}, "form_token": {token}}})
			refusedPage(t, rec, rec.Body.String(), 409, "This is not open for posts right now.")
			if after, _ := CafeState(t, s.ts, other.Cafe); after != before {
				t.Fatal("changed the café")
			}
		}},
		{"posting to an unknown code is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			rec := s.do(call{method: "POST", path: "/o/ZZZZZZZZ/q/1/contribute?lang=en", from: nextAddr(), form: url.Values{"text": {text}}})
			if rec.Code != 404 || !strings.Contains(rec.Body.String(), "There is no consultation at this address.") {
				t.Fatalf("answered %d:\n%s", rec.Code, rec.Body)
			}
			if rec := s.do(call{method: "GET", path: "/o/ZZZZZZZZ?lang=fr"}); rec.Code != 404 || !strings.Contains(rec.Body.String(), "Il n’y a pas de consultation") {
				t.Fatalf("GET of an unknown code answered %d:\n%s", rec.Code, rec.Body)
			}
		}},
		{"upvoting twice from one browser counts once and says so", server.Config{}, func(t *testing.T, s *abuseSite) {
			token, cookie := s.freshToken(t, s.th)
			if rec := s.do(call{method: "POST", path: s.vote, from: nextAddr(), form: url.Values{"on": {s.asked}, "form_token": {token}}, header: map[string]string{"Cookie": cookie}}); rec.Code != http.StatusSeeOther {
				t.Fatalf("first upvote answered %d: %s", rec.Code, rec.Body)
			}
			before := s.publicView(t)
			token, _ = s.freshToken(t, s.th)
			rec := s.do(call{method: "POST", path: s.vote, from: nextAddr(), form: url.Values{"on": {s.asked}, "form_token": {token}}, header: map[string]string{"Cookie": cookie}})
			refusedPage(t, rec, rec.Body.String(), 409, "You have voted for this question already.")
			if s.publicView(t) != before {
				t.Fatal("the second upvote changed the café")
			}
			if !strings.Contains(s.get(t, s.th).Body.String(), "1 vote") {
				t.Fatal("the page does not count the one vote")
			}
		}},
		{"an upvote without the cookie is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			token, _ := s.freshToken(t, s.th)
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.vote, from: nextAddr(), form: url.Values{"on": {s.asked}, "form_token": {token}}})
			refusedPage(t, rec, rec.Body.String(), 400, "this browser must accept this site")
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
		{"a post from another web site is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			token, _ := s.freshToken(t, s.q)
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}, "form_token": {token}}, header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}})
			expectJSONError(t, rec, 403, protocol.CodeForbidden)
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
		{"a post that is not a web form is refused", server.Config{}, func(t *testing.T, s *abuseSite) {
			before := s.publicView(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {text}}, header: map[string]string{"Content-Type": "text/plain"}})
			if rec.Code != 400 {
				t.Fatalf("answered %d", rec.Code)
			}
			if s.publicView(t) != before {
				t.Fatal("changed the café")
			}
		}},
	}...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, newAbuseSite(t, c.cfg))
		})
	}
}

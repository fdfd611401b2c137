package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// asJSON is the header of the page's script's posts.
var asJSON = map[string]string{"Accept": "application/json"}

// jsonAnswer reads a post's JSON answer: the item and the next token, or
// the error and, when the form's own token was refused, a fresh one.
func jsonAnswer(t *testing.T, body string) (itemID, token string, e *protocol.Error) {
	t.Helper()
	var a struct {
		ItemID    string          `json:"item_id"`
		FormToken string          `json:"form_token"`
		Error     *protocol.Error `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("answered %q, not JSON", body)
	}
	return a.ItemID, a.FormToken, a.Error
}

func TestPublicPageTokenSendsEachOfItsFormsOnceWithAndWithoutJavaScript(t *testing.T) {
	s := newAbuseSite(t, server.Config{PublicPostBurst: 100})
	other := s.mustPost(t, s.th, s.ask, url.Values{"text": {"Who decides?"}})
	second := s.mustPost(t, s.q, s.contribute, url.Values{"text": {"Civil society convenes."}})
	for _, js := range []bool{false, true} {
		// One page, its one token: a person upvotes two questions, reports
		// one, comments on two contributions, and posts one.
		token, cookie := s.freshToken(t, s.th)
		header := map[string]string{"Cookie": cookie}
		if js {
			header["Accept"] = "application/json"
		}
		from := nextAddr()
		comment := "a comment, js " + map[bool]string{false: "off", true: "on"}[js]
		for _, post := range []struct {
			path string
			form url.Values
		}{
			{s.vote, url.Values{"on": {s.asked}}},
			{s.vote, url.Values{"on": {other}}},
			{s.th + "/flag?lang=en", url.Values{"on": {other}, "reason": {"off topic"}}},
			{s.q + "/comment?lang=en", url.Values{"on": {s.item}, "text": {comment}}},
			{s.q + "/comment?lang=en", url.Values{"on": {second}, "text": {comment}}},
			{s.contribute, url.Values{"text": {"one more idea " + comment}}},
		} {
			post.form.Set("form_token", token)
			rec := s.do(call{method: "POST", path: post.path, form: post.form, from: from, header: header})
			if want := map[bool]int{false: http.StatusSeeOther, true: http.StatusCreated}[js]; rec.Code != want {
				t.Fatalf("js %v: %s %v answered %d, want %d: %s", js, post.path, post.form, rec.Code, want, rec.Body)
			}
		}
		// The same form again with the same token is a replay.
		before := s.publicView(t)
		rec := s.do(call{method: "POST", path: s.q + "/comment?lang=en", from: from, header: header,
			form: url.Values{"on": {s.item}, "text": {"again"}, "form_token": {token}}})
		if rec.Code != http.StatusConflict {
			t.Fatalf("js %v: a replayed comment answered %d: %s", js, rec.Code, rec.Body)
		}
		rec = s.do(call{method: "POST", path: s.contribute, from: from, header: header,
			form: url.Values{"text": {"again"}, "on": {"anything"}, "form_token": {token}}})
		if rec.Code != http.StatusConflict {
			t.Fatalf("js %v: a second contribution with one token answered %d: %s", js, rec.Code, rec.Body)
		}
		if s.publicView(t) != before {
			t.Fatalf("js %v: a replay changed the café", js)
		}
	}
	page := s.get(t, s.th).Body.String()
	if !strings.Contains(page, "2 votes") {
		t.Fatalf("the town hall does not count two votes for each question:\n%s", page)
	}
}

func TestPublicRefusedPostKeepsItsTokenForTheCorrectedResend(t *testing.T) {
	s := newAbuseSite(t, server.Config{PublicPostBurst: 100})
	long := strings.Repeat("é", protocol.MaxContributionRunes+1)
	t.Run("without JavaScript the page carries a token that sends", func(t *testing.T) {
		token, _ := s.freshToken(t, s.q)
		rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {long}, "form_token": {token}}})
		body := rec.Body.String()
		refusedPage(t, rec, body, 413, "at most 4000 characters")
		again := formToken(t, body)
		rec = s.do(call{method: "POST", path: s.contribute, from: nextAddr(), form: url.Values{"text": {"shorter"}, "form_token": {again}}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("the corrected resend answered %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("the café's refusal spends no token either", func(t *testing.T) {
		token, _ := s.freshToken(t, s.q)
		rec := s.do(call{method: "POST", path: s.q + "/comment?lang=en", from: nextAddr(), form: url.Values{"on": {s.hidden}, "text": {"a reply"}, "form_token": {token}}})
		refusedPage(t, rec, rec.Body.String(), 403, "The moderator hid this")
		rec = s.do(call{method: "POST", path: s.q + "/comment?lang=en", from: nextAddr(), form: url.Values{"on": {s.hidden}, "text": {"a reply"}, "form_token": {formToken(t, rec.Body.String())}}})
		if rec.Code != http.StatusForbidden {
			t.Fatalf("the resend answered %d, want the café's refusal again, not \"sent already\": %s", rec.Code, rec.Body)
		}
	})
	t.Run("with JavaScript the form's token sends the corrected text", func(t *testing.T) {
		token, _ := s.freshToken(t, s.q)
		rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), header: asJSON, form: url.Values{"text": {long}, "form_token": {token}}})
		if _, fresh, e := jsonAnswer(t, rec.Body.String()); rec.Code != 413 || e == nil || fresh != "" {
			t.Fatalf("answered %d %s: want 413 and no new token, the form's is still good", rec.Code, rec.Body)
		}
		rec = s.do(call{method: "POST", path: s.contribute, from: nextAddr(), header: asJSON, form: url.Values{"text": {"shorter"}, "form_token": {token}}})
		if rec.Code != http.StatusCreated {
			t.Fatalf("the corrected resend answered %d: %s", rec.Code, rec.Body)
		}
	})
	for _, c := range []struct {
		name   string
		token  func(t *testing.T) string
		status int
	}{
		{"a used token", func(t *testing.T) string {
			token, _ := s.freshToken(t, s.q)
			s.do(call{method: "POST", path: s.contribute, from: nextAddr(), header: asJSON, form: url.Values{"text": {"first"}, "form_token": {token}}})
			return token
		}, http.StatusConflict},
		{"an expired token", func(t *testing.T) string {
			token, _ := s.freshToken(t, s.q)
			s.clock.Advance(25 * time.Hour)
			return token
		}, http.StatusBadRequest},
		{"no token", func(t *testing.T) string { return "" }, http.StatusBadRequest},
	} {
		t.Run("with JavaScript "+c.name+" is answered with a fresh one", func(t *testing.T) {
			token := c.token(t)
			rec := s.do(call{method: "POST", path: s.contribute, from: nextAddr(), header: asJSON, form: url.Values{"text": {"my text"}, "form_token": {token}}})
			_, fresh, e := jsonAnswer(t, rec.Body.String())
			if rec.Code != c.status || e == nil || fresh == "" || fresh == token {
				t.Fatalf("answered %d %s: want %d with a fresh token", rec.Code, rec.Body, c.status)
			}
			s.clock.Advance(3 * time.Second)
			rec = s.do(call{method: "POST", path: s.contribute, from: nextAddr(), header: asJSON, form: url.Values{"text": {"my text"}, "form_token": {fresh}}})
			if rec.Code != http.StatusCreated {
				t.Fatalf("the resend with the fresh token answered %d: %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestPublicReplaysTheNodeForgotTakeTheSameItemOnce(t *testing.T) {
	s := newAbuseSite(t, server.Config{PublicPostBurst: 100})
	token, cookie := s.freshToken(t, s.th)
	posts := []struct {
		path string
		form url.Values
	}{
		{s.contribute, url.Values{"text": {"replayed idea"}}},
		{s.q + "/comment?lang=en", url.Values{"on": {s.item}, "text": {"replayed comment"}}},
		{s.ask, url.Values{"text": {"replayed question?"}}},
		{s.vote, url.Values{"on": {s.asked}}},
	}
	for _, p := range posts {
		p.form.Set("form_token", token)
		if rec := s.do(call{method: "POST", path: p.path, form: p.form, from: nextAddr(), header: map[string]string{"Cookie": cookie}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("%s answered %d: %s", p.path, rec.Code, rec.Body)
		}
	}
	before := s.publicView(t)
	server.ForgetUsedForms(s.ts.Server)
	for _, p := range posts {
		rec := s.do(call{method: "POST", path: p.path, form: p.form, from: nextAddr(), header: map[string]string{"Cookie": cookie}})
		if rec.Code != http.StatusSeeOther && rec.Code != http.StatusConflict {
			t.Fatalf("the replay of %s answered %d: %s", p.path, rec.Code, rec.Body)
		}
	}
	if s.publicView(t) != before {
		t.Fatal("a replay the node forgot changed the café")
	}
	// A report has no id: its replay is one more report, no more.
	flag := url.Values{"on": {s.item}, "reason": {"spam"}, "form_token": {token}}
	flags := func() int {
		for _, c := range s.snapshot(t).Online.Contributions {
			if c.ID == s.item {
				return c.Flags
			}
		}
		t.Fatal("the contribution is gone")
		return 0
	}
	s.do(call{method: "POST", path: s.q + "/flag?lang=en", form: flag, from: nextAddr()})
	n := flags()
	s.do(call{method: "POST", path: s.q + "/flag?lang=en", form: flag, from: nextAddr()})
	server.ForgetUsedForms(s.ts.Server)
	s.do(call{method: "POST", path: s.q + "/flag?lang=en", form: flag, from: nextAddr()})
	if got := flags(); got != n+1 {
		t.Fatalf("the report counts %d after its replays, want %d: the first replay refused, the forgotten one once more", got, n+1)
	}
}

func TestPublicUpvoteCookieIsTheServersAndOneAddressHasFewVotesPerQuestion(t *testing.T) {
	s := newAbuseSite(t, server.Config{PublicPostBurst: 100, PublicUpvotesPerAddress: 3})
	other := s.mustPost(t, s.th, s.ask, url.Values{"text": {"Who decides?"}})
	vote := func(from, on, cookie string) *http.Response {
		t.Helper()
		token, minted := s.freshToken(t, s.th)
		if cookie == "" {
			cookie = minted
		}
		return s.do(call{method: "POST", path: s.vote, from: from, form: url.Values{"on": {on}, "form_token": {token}}, header: map[string]string{"Cookie": cookie}}).Result()
	}
	t.Run("a cookie the server did not make is refused and replaced", func(t *testing.T) {
		made := "wc_voter=" + strings.Repeat("A", 32)
		before := s.publicView(t)
		if got := vote(nextAddr(), s.asked, made); got.StatusCode != http.StatusBadRequest {
			t.Fatalf("an upvote with a made-up cookie answered %d", got.StatusCode)
		}
		if s.publicView(t) != before {
			t.Fatal("the made-up cookie's upvote changed the café")
		}
		rec := s.do(call{method: "GET", path: s.th, header: map[string]string{"Cookie": made}})
		if c := rec.Result().Cookies(); len(c) != 1 || c[0].Name != "wc_voter" || "wc_voter="+c[0].Value == made {
			t.Fatalf("the page gives the made-up cookie no cookie of the server's: %v", c)
		}
	})
	t.Run("one address votes a few times per question and hour, whatever its cookies", func(t *testing.T) {
		from := "[2001:db8:5:6::1]:4000"
		for i := range 3 {
			if got := vote(from, s.asked, ""); got.StatusCode != http.StatusSeeOther {
				t.Fatalf("upvote %d from a new browser answered %d", i, got.StatusCode)
			}
		}
		before := s.publicView(t)
		// Another device of the same IPv6 network, another cookie.
		token, cookie := s.freshToken(t, s.th)
		rec := s.do(call{method: "POST", path: s.vote, from: "[2001:db8:5:6:aaaa::9]:4000", form: url.Values{"on": {s.asked}, "form_token": {token}}, header: map[string]string{"Cookie": cookie}})
		refusedPage(t, rec, rec.Body.String(), 429, "Many votes for this question came from your network this hour.")
		if s.publicView(t) != before {
			t.Fatal("the refused upvote changed the café")
		}
		if got := vote(from, other, ""); got.StatusCode != http.StatusSeeOther {
			t.Fatalf("an upvote of another question answered %d", got.StatusCode)
		}
		if got := vote(nextAddr(), s.asked, ""); got.StatusCode != http.StatusSeeOther {
			t.Fatalf("an upvote from another address answered %d", got.StatusCode)
		}
		s.clock.Advance(time.Hour)
		if got := vote(from, s.asked, ""); got.StatusCode != http.StatusSeeOther {
			t.Fatalf("an upvote an hour later answered %d", got.StatusCode)
		}
	})
	t.Run("a vote the café did not count leaves the address its votes", func(t *testing.T) {
		from := nextAddr()
		token, cookie := s.freshToken(t, s.th)
		for range 5 {
			s.do(call{method: "POST", path: s.vote, from: from, form: url.Values{"on": {other}, "form_token": {token}}, header: map[string]string{"Cookie": cookie}})
			token, _ = s.freshToken(t, s.th)
		}
		for i := range 2 {
			if got := vote(from, other, ""); got.StatusCode != http.StatusSeeOther {
				t.Fatalf("upvote %d after one counted and four refused as repeated answered %d", i, got.StatusCode)
			}
		}
	})
}

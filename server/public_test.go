package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

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

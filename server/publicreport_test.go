package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/server"
)

func TestAnItemsReportFormOpensOnlyWhenAskedForAndWorksWithoutJavaScript(t *testing.T) {
	s := newAbuseSite(t, server.Config{})
	comment := s.mustPost(t, s.q, s.q+"/comment?lang=en", url.Values{"on": {s.item}, "text": {"And listen first."}})
	forms := func(body string) int { return strings.Count(body, `class="flagform"`) }

	plain := s.get(t, s.q).Body.String()
	for _, id := range []string{s.item, comment} {
		if link := `href="/o/` + s.code + `/q/1?lang=en&amp;report=` + id + `#flag-` + id + `"`; !strings.Contains(plain, link) {
			t.Fatalf("the question page lacks the report link %s:\n%s", link, plain)
		}
	}
	if n := forms(plain); n != 0 {
		t.Fatalf("the question page draws %d report forms; it links to them", n)
	}

	for _, c := range []struct {
		name, page, report string
		open               bool
	}{
		{"a contribution's", s.q, s.item, true},
		{"a comment's", s.q, comment, true},
		{"a town hall question's", s.th, s.asked, true},
		{"a hidden item has none", s.q, s.hidden, false},
		{"an unknown item has none", s.q, "nosuchitem", false},
		{"another page's item has none", s.th, s.item, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := s.get(t, c.page+"?lang=en&report="+url.QueryEscape(c.report)).Body.String()
			want := 0
			if c.open {
				want = 1
				if !strings.Contains(body, `<details class="flag" id="flag-`+c.report+`" open>`) || !strings.Contains(body, `name="on" value="`+c.report+`"`) {
					t.Fatalf("the report form of %s is not open on the page:\n%s", c.report, body)
				}
			}
			if n := forms(body); n != want {
				t.Fatalf("the page draws %d report forms, want %d:\n%s", n, want, body)
			}
		})
	}

	// Sent from the opened form, as a browser without JavaScript does.
	page := s.q + "?lang=en&report=" + comment
	rec := s.postForm(t, page, s.q+"/flag?lang=en", url.Values{"on": {comment}, "reason": {"off topic"}}, nextAddr())
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "sent=flag#item-"+comment) {
		t.Fatalf("the report answered %d, to %q", rec.Code, rec.Header().Get("Location"))
	}
	// Refused, the form is drawn open again, the reason kept beside its error.
	rec = s.postForm(t, page, s.q+"/flag?lang=en", url.Values{"on": {comment}, "reason": {strings.Repeat("r", 201)}}, nextAddr())
	body := rec.Body.String()
	refusedPage(t, rec, body, http.StatusRequestEntityTooLarge, "at most 200 characters", strings.Repeat("r", 201))
	if !strings.Contains(body, `<details class="flag" id="flag-`+comment+`" open>`) || forms(body) != 1 {
		t.Fatalf("the refused report's form is not open on the page:\n%s", body)
	}
}

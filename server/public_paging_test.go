package server_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// pagedSite is an open online space whose budgets let a test post a lot.
func pagedSite(t *testing.T) *pubSite {
	t.Helper()
	s := newPubSite(t, server.Config{PublicPostBurst: 10_000, PublicCafePostBurst: 10_000})
	s.open(t)
	return s
}

// postJSON posts n forms to path as the page's script does, each with its
// own token from page and the values form(i) gives; it returns the items'
// ids in the order posted.
func (s *pubSite) postJSON(t *testing.T, page, path string, n int, form func(i int) url.Values) []string {
	t.Helper()
	var ids []string
	for i, token := range s.tokens(t, page, n) {
		f := form(i)
		f.Set("form_token", token)
		rec := s.do(call{method: "POST", path: path, form: f, from: nextAddr(), header: map[string]string{"Accept": "application/json"}})
		if rec.Code != http.StatusCreated {
			t.Fatalf("post %d answered %d: %s", i, rec.Code, rec.Body)
		}
		var a struct {
			ItemID string `json:"item_id"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.ItemID == "" {
			t.Fatalf("post %d answered %s", i, rec.Body)
		}
		ids = append(ids, a.ItemID)
	}
	return ids
}

func (s *pubSite) contributeMany(t *testing.T, q string, n int) []string {
	t.Helper()
	return s.postJSON(t, q, q+"/contribute", n, func(i int) url.Values { return url.Values{"text": {fmt.Sprintf("Idea number %d", i)}} })
}

var (
	articleIDs = regexp.MustCompile(`<article class="item" id="item-([^"]+)"`)
	commentIDs = regexp.MustCompile(`<li id="item-([^"]+)" class="comment"`)
	nextLink   = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	prevLink   = regexp.MustCompile(`<a href="([^"]+)" rel="prev">`)
)

func matches(re *regexp.Regexp, body string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func TestPagingLeadsThroughEveryContributionNewestFirstWithTheWholeQuestionsCounts(t *testing.T) {
	s := pagedSite(t)
	q := "/o/" + s.code + "/q/1"
	ids := s.contributeMany(t, q, 65) // 30 + 30 + 5
	newestFirst := slices.Clone(ids)
	slices.Reverse(newestFirst)

	var seen []string
	path := q + "?lang=en"
	for n := 1; ; n++ {
		body := s.get(t, path).Body.String()
		for _, want := range []string{"65 contributions · 0 comments", fmt.Sprintf("Page %d of 3", n)} {
			if !strings.Contains(body, want) {
				t.Fatalf("page %d lacks %q", n, want)
			}
		}
		on := matches(articleIDs, body)
		if len(on) > 30 {
			t.Fatalf("page %d shows %d contributions, more than a page holds", n, len(on))
		}
		seen = append(seen, on...)
		if n > 1 && len(matches(prevLink, body)) != 1 {
			t.Fatalf("page %d has no link to the newer ones", n)
		}
		next := matches(nextLink, body)
		if len(next) == 0 {
			if n != 3 {
				t.Fatalf("page %d of 3 has no link to the older ones", n)
			}
			break
		}
		if n == 1 && len(matches(prevLink, body)) != 0 {
			t.Fatal("the first page links to newer ones")
		}
		path = next[0]
	}
	if !slices.Equal(seen, newestFirst) {
		t.Fatalf("the pages show %d contributions in this order:\n%v\nwant every one, newest first:\n%v", len(seen), seen, newestFirst)
	}
	// The consultation's page counts the whole question too.
	if home := s.get(t, "/o/"+s.code).Body.String(); !strings.Contains(home, "65 contributions · 0 comments") {
		t.Fatal("the consultation page does not count the whole question")
	}
}

func TestPagingAPageThatIsNotThereIsAPlainNotFoundPage(t *testing.T) {
	s := pagedSite(t)
	q := "/o/" + s.code + "/q/1"
	if body := s.get(t, q+"?page=1").Body.String(); !strings.Contains(body, "No contributions yet") && strings.Contains(body, "Page 1 of") {
		t.Fatal("an empty question's first page draws a pager")
	}
	s.contributeMany(t, q, 31)
	s.get(t, q+"?page=2")
	for _, page := range []string{"3", "0", "-1", "two", "99999999999999999999"} {
		rec := s.do(call{method: "GET", path: q + "?lang=en&page=" + page})
		if rec.Code != http.StatusNotFound {
			t.Fatalf("page %q answered %d, want 404", page, rec.Code)
		}
		if body := rec.Body.String(); !strings.Contains(body, "There is no such page") {
			t.Fatalf("page %q does not say it is not there:\n%s", page, body)
		}
	}
	th := "/o/" + s.code + "/townhall?page=2"
	if rec := s.do(call{method: "GET", path: th}); rec.Code != http.StatusNotFound {
		t.Fatalf("a consultation without a town hall has its page 2: %d", rec.Code)
	}
	for _, item := range []string{"nothing", strings.Repeat("x", protocol.MaxIDBytes+1)} {
		if rec := s.do(call{method: "GET", path: q + "/c/" + item}); rec.Code != http.StatusNotFound {
			t.Fatalf("the page of contribution %q answered %d, want 404", item, rec.Code)
		}
	}
}

func TestPagingAPostLeadsToThePageThatShowsItsItem(t *testing.T) {
	s := pagedSite(t)
	q := "/o/" + s.code + "/q/1"
	ids := s.contributeMany(t, q, 61) // the first posted is alone on page 3

	// A new contribution is the newest: page 1.
	rec := s.postForm(t, q, q+"/contribute?lang=en", url.Values{"text": {"The newest idea"}}, nextAddr())
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, q+"?lang=en&sent=contribute#item-") {
		t.Fatalf("contribute answered %d to %q", rec.Code, loc)
	}
	page, anchor, _ := strings.Cut(loc, "#")
	if body := s.get(t, page).Body.String(); !strings.Contains(body, `id="`+anchor+`"`) || !strings.Contains(body, "The newest idea") {
		t.Fatalf("the page it leads to lacks the new contribution")
	}

	// A comment on the oldest contribution, now on page 3.
	rec = s.postForm(t, q+"?page=3", q+"/comment?lang=en", url.Values{"on": {ids[0]}, "text": {"A late thought"}}, nextAddr())
	loc = rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, q+"?lang=en&page=3&sent=comment#item-") {
		t.Fatalf("comment answered %d to %q", rec.Code, loc)
	}
	page, anchor, _ = strings.Cut(loc, "#")
	body := s.get(t, page).Body.String()
	if !strings.Contains(body, `id="`+anchor+`"`) || !strings.Contains(body, "A late thought") {
		t.Fatalf("page 3 lacks the new comment")
	}
	// Its report link keeps the page, and the form opens on it.
	report := regexp.MustCompile(`href="([^"]*report=` + regexp.QuoteMeta(strings.TrimPrefix(anchor, "item-")) + `[^"]*)"`).FindStringSubmatch(body)
	if report == nil || !strings.Contains(report[1], "page=3") {
		t.Fatalf("the comment's report link does not keep its page: %v", report)
	}
	link := html.UnescapeString(strings.Split(report[1], "#")[0])
	if body := s.get(t, link).Body.String(); !strings.Contains(body, `id="flag-`+strings.TrimPrefix(anchor, "item-")+`" open`) {
		t.Fatal("the report form does not open on the page that shows the comment")
	}
	// On a page that does not show it, a report link opens nothing.
	if body := s.get(t, strings.Replace(link, "page=3", "page=1", 1)).Body.String(); strings.Contains(body, `id="flag-`) {
		t.Fatal("page 1 draws the report form of an item it does not show")
	}

	// A refused comment on page 3's contribution is drawn again on page 3,
	// with the person's text in its form.
	token, _ := s.freshToken(t, q+"?page=3")
	rec = s.do(call{method: "POST", path: q + "/comment?lang=en", form: url.Values{"on": {ids[0]}, "text": {strings.Repeat("long ", 300)}, "form_token": {token}}, from: nextAddr()})
	if rec.Code == http.StatusSeeOther || !strings.Contains(rec.Body.String(), `id="comment-`+ids[0]+`"`) || strings.Contains(rec.Body.String(), `class="lost"`) {
		t.Fatalf("the refused comment is not drawn again in its form (%d)", rec.Code)
	}
}

func TestPagingManyCommentsFoldIntoTheContributionsOwnPage(t *testing.T) {
	s := pagedSite(t)
	q := "/o/" + s.code + "/q/1"
	id := s.contributeMany(t, q, 1)[0]
	comments := s.postJSON(t, q, q+"/comment", 52, func(i int) url.Values {
		return url.Values{"on": {id}, "text": {fmt.Sprintf("Comment number %d", i)}}
	})
	body := s.get(t, q+"?lang=en").Body.String()
	if got := matches(commentIDs, body); !slices.Equal(got, comments[:50]) {
		t.Fatalf("the question page shows %d comments, want the first 50", len(got))
	}
	if !strings.Contains(body, "1 contribution · 52 comments") {
		t.Fatal("the question page does not count every comment")
	}
	own := q + "/c/" + id
	more := regexp.MustCompile(`<p class="more" id="more-[^"]+"><a href="([^"]+)">See all 52 comments</a>`).FindStringSubmatch(body)
	if more == nil || html.UnescapeString(more[1]) != own+"?lang=en" {
		t.Fatalf("the question page has no link to all the comments: %v", more)
	}
	page := s.get(t, own+"?lang=en").Body.String()
	if got := matches(commentIDs, page); !slices.Equal(got, comments) {
		t.Fatalf("the contribution's page shows %d comments, want all 52", len(got))
	}
	if !strings.Contains(page, `href="`+q+`?lang=en#item-`+id+`"`) || !strings.Contains(page, `id="comment-`+id+`"`) {
		t.Fatal("the contribution's page lacks its way back or its comment form")
	}
	// A refused report of a comment past the fold is drawn again on the
	// contribution's page, in its own form.
	token, _ := s.freshToken(t, own)
	rec := s.do(call{method: "POST", path: q + "/flag?lang=en", form: url.Values{"on": {comments[51]}, "reason": {strings.Repeat("why ", 100)}, "form_token": {token}}, from: nextAddr()})
	if b := rec.Body.String(); rec.Code == http.StatusSeeOther || !strings.Contains(b, `id="flag-`+comments[51]+`" open`) || strings.Contains(b, `class="lost"`) {
		t.Fatalf("the refused report is not drawn again in its form (%d)", rec.Code)
	}
	// A comment past the fold leads to the contribution's own page.
	rec = s.postForm(t, own, q+"/comment?lang=en", url.Values{"on": {id}, "text": {"One more"}}, nextAddr())
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, own+"?lang=en&sent=comment#item-") {
		t.Fatalf("comment answered %d to %q", rec.Code, loc)
	}
	if page := s.get(t, strings.Split(loc, "#")[0]).Body.String(); !strings.Contains(page, "One more") || !strings.Contains(page, "Thank you") {
		t.Fatal("the contribution's page lacks the new comment or the thanks")
	}
}

func TestPagingTheTownHallsQuestionsByVotes(t *testing.T) {
	s := pagedSite(t)
	th := "/o/" + s.code + "/townhall"
	MustSend(t, s.cafe.Fac, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "Governments online"})
	MustSend(t, s.cafe.Fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
	ids := s.postJSON(t, th, th+"/ask", 31, func(i int) url.Values { return url.Values{"text": {fmt.Sprintf("Question number %d", i)}} })
	// The last asked has no votes: among equals the first asked come
	// first, so it is alone on page 2, and is answered now.
	MustSend(t, s.cafe.Fac, protocol.CmdQueueTake, protocol.QueueItem{Kind: protocol.ItemQuestion, ID: ids[30]})
	first := s.get(t, th+"?lang=en").Body.String()
	if !strings.Contains(first, "Page 1 of 2") || strings.Contains(first, `id="item-`+ids[30]+`"`) || !strings.Contains(first, `id="th-now" dir="auto">Question number 30`) {
		t.Fatal("page 1 of the town hall does not hold the first 30 and say what is answered now")
	}
	second := s.get(t, th+"?lang=en&page=2").Body.String()
	if !strings.Contains(second, `id="item-`+ids[30]+`"`) || !strings.Contains(second, "Page 2 of 2") {
		t.Fatal("page 2 of the town hall lacks the last question")
	}
	// An upvote brings it to the top: the post leads to page 1.
	token, cookie := s.freshToken(t, th+"?page=2")
	rec := s.do(call{method: "POST", path: th + "/upvote?lang=en", form: url.Values{"on": {ids[30]}, "form_token": {token}}, header: map[string]string{"Cookie": cookie}})
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, th+"?lang=en&sent=upvote#item-"+ids[30]) {
		t.Fatalf("upvote answered %d to %q", rec.Code, loc)
	}
	if body := s.get(t, th+"?lang=en").Body.String(); !strings.Contains(body, `id="item-`+ids[30]+`"`) {
		t.Fatal("the upvoted question is not on page 1")
	}
}

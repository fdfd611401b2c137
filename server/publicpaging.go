package server

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/worldcafe/worldcafe/protocol"
)

// The public pages' paging. A consultation may hold 5,000 contributions
// and 20,000 comments (protocol/online.go): drawn whole, one question's
// page could weigh megabytes and be drawn again on every change. So a
// question shows its contributions newest first, a bounded number a page,
// and the town hall its questions most voted first, likewise; the page
// number is in the address (?page=N, page 1 when absent), the links
// between pages are plain links, and the counts are always the whole
// question's. Under a contribution only the first comments are drawn; a
// link leads to the contribution's own page (/q/N/c/ID), which draws all
// of them (at most protocol.MaxCommentsPerItem).
//
// The room's published notes are not paged: the café bounds them itself
// (notes are short, and a café has at most 5,000 participants). They are
// drawn on a question's first page only, where its newest contributions
// are.

const (
	contributionsPerPage = 30
	hallQuestionsPerPage = 30
	commentsShown        = 50 // under a contribution on a question's page
)

// pageParam is the page a request asks for: 1 when it names none; an
// error when what it names is not a page number.
func pageParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errNoPage
	}
	return n, nil
}

// pageCount is how many pages of per items total takes: at least one, so
// that an empty question still has its page.
func pageCount(total, per int) int { return max(1, (total+per-1)/per) }

// pageSlice is page n (1-based) of all, per a page.
func pageSlice[T any](all []T, n, per int) []T {
	lo := min((n-1)*per, len(all))
	return all[lo:min(lo+per, len(all))]
}

// questionItems are question q's contributions, newest first: the order
// its pages follow.
func questionItems(snap *protocol.Snapshot, q int) []protocol.Contribution {
	var items []protocol.Contribution
	if snap.Online == nil {
		return nil
	}
	for _, c := range snap.Online.Contributions {
		if c.Question == q {
			items = append(items, c)
		}
	}
	// The café keeps them in the order posted: reversing is enough, and
	// far cheaper than sorting thousands of contributions on each drawing.
	bySeq := func(x, y protocol.Contribution) int { return cmp.Compare(x.Seq, y.Seq) }
	if !slices.IsSortedFunc(items, bySeq) {
		slices.SortStableFunc(items, bySeq)
	}
	slices.Reverse(items)
	return items
}

// hallOrder is the town hall's questions most voted first; among equals,
// the first asked.
func hallOrder(th *protocol.TownHall) []protocol.RemoteQuestion {
	qs := slices.Clone(th.Questions)
	slices.SortStableFunc(qs, func(x, y protocol.RemoteQuestion) int {
		return cmp.Or(cmp.Compare(y.Votes, x.Votes), cmp.Compare(x.Seq, y.Seq))
	})
	return qs
}

// lastPage is the last page of t's kind in snap (1 for a page not paged).
func lastPage(snap *protocol.Snapshot, t publicTarget) int {
	switch t.kind {
	case pageQuestion:
		return pageCount(len(questionItems(snap, t.q)), contributionsPerPage)
	case pageTownHall:
		if snap.TownHall != nil {
			return pageCount(len(snap.TownHall.Questions), hallQuestionsPerPage)
		}
	}
	return 1
}

// contributionOf finds contribution id of question q.
func contributionOf(snap *protocol.Snapshot, q int, id string) (protocol.Contribution, bool) {
	if snap.Online == nil || id == "" {
		return protocol.Contribution{}, false
	}
	i := slices.IndexFunc(snap.Online.Contributions, func(c protocol.Contribution) bool { return c.ID == id && c.Question == q })
	if i < 0 {
		return protocol.Contribution{}, false
	}
	return snap.Online.Contributions[i], true
}

// locate is the page of t's question or town hall that draws item id (a
// contribution, a comment, a town hall question): where a post about it
// leads. An item it cannot find is on the first page.
func locate(snap *protocol.Snapshot, t publicTarget, id string) publicTarget {
	t.page, t.item = 1, ""
	if t.kind == pageContribution {
		t.kind = pageQuestion
	}
	hasComment := func(cs []protocol.Comment) int {
		return slices.IndexFunc(cs, func(c protocol.Comment) bool { return c.ID == id })
	}
	switch t.kind {
	case pageQuestion:
		for i, c := range questionItems(snap, t.q) {
			j := hasComment(c.Comments)
			if c.ID != id && j < 0 {
				continue
			}
			if j >= commentsShown {
				t.kind, t.item = pageContribution, c.ID
				return t
			}
			t.page = i/contributionsPerPage + 1
			return t
		}
	case pageTownHall:
		if snap.TownHall == nil {
			return t
		}
		if i := slices.IndexFunc(hallOrder(snap.TownHall), func(r protocol.RemoteQuestion) bool { return r.ID == id }); i >= 0 {
			t.page = i/hallQuestionsPerPage + 1
		}
	}
	return t
}

// pathOf is the address of t's page (without its language), its page
// number in it past the first.
func pathOf(t publicTarget) string {
	path := "/o/" + t.code
	switch t.kind {
	case pageQuestion:
		path += "/q/" + strconv.Itoa(t.q+1)
	case pageContribution:
		path += "/q/" + strconv.Itoa(t.q+1) + "/c/" + url.PathEscape(t.item)
	case pageTownHall:
		path += "/townhall"
	}
	return path
}

// pager is the links between a list's pages, as a page draws them.
type pager struct {
	Text               string // "page 2 of 5"
	Prev, Next         string // links, "" at either end
	PrevText, NextText string
}

// pager is the links of page n of of, for this page's path; newer and
// older name the two directions ("newer"/"older", "previous"/"next").
func (b *builder) pager(p *page, n, of int, prevKey, nextKey string) *pager {
	if of <= 1 {
		return nil
	}
	g := &pager{Text: b.t("paging.pageOf", "n", n, "of", of), PrevText: b.t(prevKey), NextText: b.t(nextKey)}
	if n > 1 {
		g.Prev = p.PageLink(n - 1)
	}
	if n < of {
		g.Next = p.PageLink(n + 1)
	}
	return g
}

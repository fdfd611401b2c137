package server

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client/web"
	"github.com/worldcafe/worldcafe/protocol"
)

// busyQuestion is a consultation whose first question has 50
// contributions with two comments each, as a busy online space has.
func busyQuestion() *protocol.Snapshot { return questionWith(50) }

// questionWith is a consultation whose first question has n contributions
// with two comments each.
func questionWith(n int) *protocol.Snapshot {
	now := time.Now()
	snap := &protocol.Snapshot{Cafe: "c1", Title: "Open talks", PublicCode: "ABCDEFGH", Groups: protocol.DefaultGroups(),
		Questions: []string{"What is the role of governments in the multistakeholder model of the Internet?", "What are the key issues?"},
		Online:    &protocol.Online{OpenedAt: now.UnixMilli(), ClosesAt: now.Add(30 * 24 * time.Hour).UnixMilli()}}
	for i := range n {
		c := protocol.Contribution{ID: fmt.Sprintf("o%020d", i), Seq: uint64(i + 1), Title: "Convene, do not decide alone",
			Text: strings.Repeat("Governments should convene the stakeholders and listen before they regulate. ", 4),
			Name: "Ana", Group: "civil_society", At: now.UnixMilli()}
		for j := range 2 {
			c.Comments = append(c.Comments, protocol.Comment{ID: fmt.Sprintf("c%019d%d", i, j), OnID: c.ID, Text: "Agreed, and they should publish what they heard.", At: now.UnixMilli()})
		}
		snap.Online.Contributions = append(snap.Online.Contributions, c)
	}
	return snap
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(b)
	zw.Close()
	return buf.Len()
}

// BenchmarkPublicQuestionPage draws a busy question page (what each change
// of a café costs once) and reports its weight: the HTML and the style
// sheet, plain and gzipped as sent.
func BenchmarkPublicQuestionPage(b *testing.B) { benchQuestionPage(b, busyQuestion()) }

// BenchmarkPublicQuestionPageHuge draws the first page of a question with
// 2,000 contributions: paging keeps it as light as a busy one.
func BenchmarkPublicQuestionPageHuge(b *testing.B) { benchQuestionPage(b, questionWith(2000)) }

func benchQuestionPage(b *testing.B, snap *protocol.Snapshot) {
	var html []byte
	for b.Loop() {
		p, ok := newBuilder("en", snap, time.Now()).question("ABCDEFGH", "https://consult.example.org", 0, 1)
		if !ok {
			b.Fatal("no page")
		}
		p.Token = tokenSlot
		var err error
		if html, err = renderPage(p); err != nil {
			b.Fatal(err)
		}
	}
	rec := httptest.NewRecorder()
	web.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/static/css/public.css", nil))
	css, _ := io.ReadAll(rec.Body)
	b.ReportMetric(float64(len(html)), "html-bytes")
	b.ReportMetric(float64(gzipSize(html)), "html-gzip-bytes")
	b.ReportMetric(float64(len(css)), "css-bytes")
	b.ReportMetric(float64(gzipSize(css)), "css-gzip-bytes")
}

// BenchmarkPublicQuestionPageKept sends the kept page with a reader's own
// token, gzipped: what each reader costs between changes.
func BenchmarkPublicQuestionPageKept(b *testing.B) {
	snap := busyQuestion()
	p, _ := newBuilder("en", snap, time.Now()).question("ABCDEFGH", "https://consult.example.org", 0, 1)
	p.Token = tokenSlot
	html, err := renderPage(p)
	if err != nil {
		b.Fatal(err)
	}
	parts := bytes.Split(html, []byte(tokenSlot))
	s := &Server{}
	forms := newFormTokens(nil, "")
	req := httptest.NewRequest("GET", "/o/ABCDEFGH/q/1", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	for b.Loop() {
		s.sendPage(httptest.NewRecorder(), req, 200, parts, forms.issue("c1", time.Now()))
	}
}

// A busy question page draws one form per contribution it shows (its
// comment form) and the page's own; the stakeholder group is asked once, in the form
// that makes a contribution; reports are links. It once drew four forms
// per contribution, each with the group list, 238 KB of HTML.
func TestABusyQuestionPageDrawsOneFormPerContribution(t *testing.T) {
	snap := busyQuestion()
	p, ok := newBuilder("en", snap, time.Now()).question("ABCDEFGH", "https://consult.example.org", 0, 1)
	if !ok {
		t.Fatal("no page")
	}
	p.Token = tokenSlot
	b, err := renderPage(p)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	items := contributionsPerPage // of the 50, a page's worth
	if n := strings.Count(html, "<form"); n != items+1 {
		t.Errorf("the page draws %d forms, want %d: a comment form per contribution and the contribution form", n, items+1)
	}
	if n := strings.Count(html, "<select"); n != 1 {
		t.Errorf("the page draws %d group lists, want one", n)
	}
	if n := strings.Count(html, `name="website"`); n != 1 {
		t.Errorf("the page draws %d honeypots, want one, in the contribution form", n)
	}
	if n := strings.Count(html, "&amp;report="); n != items*3 {
		t.Errorf("the page has %d report links, want %d: one per contribution and comment", n, items*3)
	}
	if len(b) > 150_000 {
		t.Errorf("the page is %d bytes of HTML; its content is about 60 KB", len(b))
	}
}

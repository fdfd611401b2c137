package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// pubSite is a real server with one consultation whose online space is
// open, reached through its public pages.
type pubSite struct {
	ts    *testServer
	cafe  *testCafe
	clock *stoppedClock
	code  string
}

var pubQuestions = []string{
	"What is the role of governments in the multistakeholder model of the Internet?",
	"What are the key issues that government should play an active role in?",
}

func newPubSite(t *testing.T, cfg server.Config) *pubSite {
	t.Helper()
	clock := newStoppedClock()
	cfg.Now = clock.Now
	if cfg.PublicURL == "" {
		cfg.PublicURL = "https://consult.example.org"
	}
	ts := MustServer(t, cfg)
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Open talks", Questions: pubQuestions})
	if c.PublicCode == "" || c.PublicURL != "https://consult.example.org/o/"+c.PublicCode {
		t.Fatalf("created café has public code %q and URL %q", c.PublicCode, c.PublicURL)
	}
	return &pubSite{ts: ts, cafe: c, clock: clock, code: c.PublicCode}
}

// open opens the online space for thirty days.
func (s *pubSite) open(t *testing.T) {
	t.Helper()
	MustSend(t, s.cafe.Fac, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: s.clock.Now().Add(30 * 24 * time.Hour).UnixMilli()})
}

// call is one request straight through ServeHTTP, from any address. The
// page is the site's own: the browser says same-origin.
type call struct {
	method, path string
	form         url.Values
	from         string
	header       map[string]string
}

func (s *pubSite) do(c call) *httptest.ResponseRecorder {
	var body *strings.Reader
	if c.form != nil {
		body = strings.NewReader(c.form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(c.method, "http://consult.example.org"+c.path, body)
	req.RemoteAddr = lanAddr
	if c.from != "" {
		req.RemoteAddr = c.from
	}
	if c.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://consult.example.org")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.ts.ServeHTTP(rec, req)
	return rec
}

func (s *pubSite) get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := s.do(call{method: "GET", path: path})
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s answered %d: %s", path, rec.Code, rec.Body)
	}
	return rec
}

var tokenInPage = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// formToken reads a page's form token.
func formToken(t *testing.T, html string) string {
	t.Helper()
	m := tokenInPage.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("the page has no form token:\n%s", html)
	}
	return m[1]
}

// freshToken opens path and returns its form token, aged past the
// two-second floor, and the browser's cookie.
func (s *pubSite) freshToken(t *testing.T, path string) (token, cookie string) {
	t.Helper()
	rec := s.get(t, path)
	s.clock.Advance(3 * time.Second)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "wc_voter" {
			cookie = c.Name + "=" + c.Value
		}
	}
	return formToken(t, rec.Body.String()), cookie
}

// postForm posts form (with a fresh token from page) to path from addr.
func (s *pubSite) postForm(t *testing.T, page, path string, form url.Values, from string) *httptest.ResponseRecorder {
	t.Helper()
	token, _ := s.freshToken(t, page)
	form.Set("form_token", token)
	return s.do(call{method: "POST", path: path, form: form, from: from})
}

// publicView is the café as the public sees it, as JSON: what "nothing
// changed" is checked against.
func (s *pubSite) publicView(t *testing.T) string {
	t.Helper()
	st, _ := CafeState(t, s.ts, s.cafe.Cafe)
	return st
}

func (s *pubSite) snapshot(t *testing.T) protocol.Snapshot {
	t.Helper()
	var snap protocol.Snapshot
	conn := s.ts.MustDial(t, s.cafe.Cafe, s.cafe.FacilitatorToken, client.Options{})
	env := NextEvent(t, conn)
	if err := json.Unmarshal(env.Data, &snap); err != nil {
		t.Fatal(err)
	}
	conn.Kill()
	return snap
}

// tokens opens page n times and returns its tokens, aged past the
// two-second floor together.
func (s *pubSite) tokens(t *testing.T, page string, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = formToken(t, s.get(t, page).Body.String())
	}
	s.clock.Advance(3 * time.Second)
	return out
}

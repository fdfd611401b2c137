package web_test

// A visitor of the public pages, as the tablet's tests need one: a browser
// elsewhere on the internet with its own cookies (the voter cookie), that
// posts the pages' real forms over HTTP, as a page's own script does
// (Accept: application/json).

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// formTokenAge is how old a form token must be before the server takes it
// (younger is a script, or a paste too fast to be read).
const formTokenAge = 2100 * time.Millisecond

var formTokenRE = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

type publicVisitor struct {
	http  *http.Client
	base  string // the public page's address: BASE/o/CODE
	token string // the form token the last page or answer gave
	at    time.Time
}

func newVisitor(t *testing.T, serverURL, code string) *publicVisitor {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &publicVisitor{http: &http.Client{Jar: jar, Timeout: waitLong}, base: serverURL + "/o/" + code}
}

// open reads a public page (path under /o/CODE) and keeps its form token
// and the cookies it sets.
func (v *publicVisitor) open(t *testing.T, path string) string {
	t.Helper()
	resp, err := v.http.Get(v.base + path)
	if err != nil {
		t.Fatalf("opening the public page %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the public page %s answered %d (%v): %.300s", path, resp.StatusCode, err, b)
	}
	m := formTokenRE.FindSubmatch(b)
	if m == nil {
		t.Fatalf("the public page %s has no form token", path)
	}
	v.token, v.at = string(m[1]), time.Now()
	return string(b)
}

// post sends a form of the public page (path under /o/CODE) once the form
// token is old enough, and returns the item id the server answers.
func (v *publicVisitor) post(t *testing.T, path string, form url.Values) string {
	t.Helper()
	if d := formTokenAge - time.Since(v.at); d > 0 {
		time.Sleep(d)
	}
	form.Set("form_token", v.token)
	req, err := http.NewRequest(http.MethodPost, v.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := v.http.Do(req)
	if err != nil {
		t.Fatalf("posting %s: %v", path, err)
	}
	defer resp.Body.Close()
	var answer struct {
		ItemID    string `json:"item_id"`
		FormToken string `json:"form_token"`
		Error     *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatalf("posting %s: the answer (%d) is not JSON: %v", path, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusCreated || answer.ItemID == "" {
		msg := ""
		if answer.Error != nil {
			msg = answer.Error.Message
		}
		t.Fatalf("posting %s: the server answered %d %q", path, resp.StatusCode, msg)
	}
	v.token, v.at = answer.FormToken, time.Now()
	return answer.ItemID
}

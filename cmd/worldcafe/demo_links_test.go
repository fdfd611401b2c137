package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
)

// demoLinkRe is one printed link: "  Label: http…".
var demoLinkRe = regexp.MustCompile(`(?m)^  ([A-Z][a-z ]+):\s+(https?://\S+)`)

// demoExportRe is one printed export command.
var demoExportRe = regexp.MustCompile(`(?m)worldcafe (export [^\n]+)$`)

// TestDemoPrintsLinksThatWork runs the demo, serves its data directory as a
// user would next, and follows every link and command it printed.
func TestDemoPrintsLinksThatWork(t *testing.T) {
	dir := t.TempDir()
	const printedBase = "http://cafe.example:8080"
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "-data", dir, "-public-url", printedBase}, &out, &errb); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errb.String())
	}
	links := map[string]string{}
	for _, m := range demoLinkRe.FindAllStringSubmatch(out.String(), -1) {
		links[m[1]] = m[2]
	}
	for _, label := range []string{"Facilitator", "Wall", "Scribe", "Join", "Public page", "Town hall"} {
		if !strings.HasPrefix(links[label], printedBase+"/") {
			t.Fatalf("no %s link under %s in:\n%s", label, printedBase, out.String())
		}
	}
	id := demoCreatedRe.FindStringSubmatch(out.String())[1]

	m := &Main{Stdout: io.Discard, Stderr: io.Discard}
	if err := m.ParseFlags([]string{"-addr", "127.0.0.1:0", "-data", dir}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			m.Close()
		}
	}()
	served := "http://" + m.ln.Addr().String()
	// here is a printed link on the server that runs: the printed base is
	// the public URL the demo was told, which this test cannot listen on.
	here := func(link string) string { return served + strings.TrimPrefix(link, printedBase) }
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	get := func(t *testing.T, link string) string {
		t.Helper()
		resp, err := http.Get(here(link))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", link, resp.StatusCode, b)
		}
		return string(b)
	}
	for label, role := range map[string]protocol.Role{"Facilitator": protocol.RoleFacilitator, "Wall": protocol.RoleWall, "Scribe": protocol.RoleScribe} {
		t.Run("the "+label+" link opens its view and its token connects as "+string(role), func(t *testing.T) {
			u, err := url.Parse(links[label])
			if err != nil {
				t.Fatal(err)
			}
			if page := get(t, u.Scheme+"://"+u.Host+u.Path); !strings.Contains(page, "<html") {
				t.Fatalf("%s is no page", u.Path)
			}
			cafeID, token, ok := strings.Cut(u.Fragment, ".")
			if !ok || cafeID != id {
				t.Fatalf("fragment %q does not name café %s and a token", u.Fragment, id)
			}
			c, err := client.Dial(ctx, "ws://"+m.ln.Addr().String()+"/ws", cafeID, token, client.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if w := c.Welcome(); w.Role != role || w.Cafe != id {
				t.Errorf("welcomed as %s in %s", w.Role, w.Cafe)
			}
			select {
			case env := <-c.Events():
				var snap protocol.Snapshot
				if env.Type != protocol.TypeSnapshot || json.Unmarshal(env.Data, &snap) != nil || snap.Title != demoTitle || snap.TownHall == nil {
					t.Errorf("first frame %s is not the consultation's snapshot", env.Type)
				}
			case <-ctx.Done():
				t.Fatal("no snapshot")
			}
		})
	}
	t.Run("the join link opens the join page of the demo café", func(t *testing.T) {
		get(t, links["Join"])
		code := links["Join"][strings.LastIndex(links["Join"], "/")+1:]
		var info struct{ Title string }
		if err := json.Unmarshal([]byte(get(t, printedBase+"/api/join/"+code)), &info); err != nil || info.Title != demoTitle {
			t.Errorf("the join code opens %q, %v", info.Title, err)
		}
	})
	t.Run("the public page shows the consultation, and says the space is closed", func(t *testing.T) {
		page := get(t, links["Public page"])
		if !strings.Contains(page, htmlEscape(demoTitle)) {
			t.Error("the public page does not show the title")
		}
		for _, q := range []int{1, 3} {
			if !strings.Contains(page, fmt.Sprintf("/q/%d", q)) {
				t.Errorf("the public page has no link to question %d", q)
			}
		}
		if !strings.Contains(page, "townhall") {
			t.Error("the public page has no link to the town hall")
		}
		if q := get(t, links["Public page"]+"/q/1"); !strings.Contains(q, htmlEscape(demoContributions[0].Text)) || strings.Contains(q, `id="contribute"`) {
			t.Error("the first question's page does not show its contributions read-only")
		}
	})
	t.Run("the public page counts each question as the outcome report does", func(t *testing.T) {
		u, err := url.Parse(links["Facilitator"])
		if err != nil {
			t.Fatal(err)
		}
		_, token, _ := strings.Cut(u.Fragment, ".")
		form := url.Values{"token": {token}, "format": {"json"}, "mode": {"consultation"}}
		resp, err := http.PostForm(here(printedBase+"/api/cafes/"+id+"/report"), form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var rep report.Consultation
		if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil || rep.Online == nil {
			t.Fatalf("the consultation report (%d): %v", resp.StatusCode, err)
		}
		page := get(t, links["Public page"])
		for _, q := range rep.Online.Questions {
			want := fmt.Sprintf("%d contributions · %d comment", q.Contributions, q.Comments)
			if q.Contributions == 1 {
				want = fmt.Sprintf("1 contribution · %d comment", q.Comments)
			}
			if !strings.Contains(page, want) {
				t.Errorf("the public page does not count question %d as %q", q.Question+1, want)
			}
		}
	})
	t.Run("the town hall page shows the presentation and the remote questions", func(t *testing.T) {
		page := get(t, links["Town hall"])
		for _, want := range []string{demoAgendaTitle, demoAgendaLink, demoRemoteQuestions[0].Text} {
			if !strings.Contains(page, htmlEscape(want)) {
				t.Errorf("the town hall page lacks %q", want)
			}
		}
	})
	// export reads the data file, which a running server holds.
	closed = true
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	t.Run("the printed export commands write the reports", func(t *testing.T) {
		cmds := demoExportRe.FindAllStringSubmatch(out.String(), -1)
		if len(cmds) != 2 {
			t.Fatalf("%d export commands in:\n%s", len(cmds), out.String())
		}
		for _, c := range cmds {
			args := strings.Fields(c[1])
			file := filepath.Join(t.TempDir(), "report.html")
			args[len(args)-1] = file // -o FILE is last
			var eout, eerr bytes.Buffer
			if code := run(context.Background(), args, &eout, &eerr); code != 0 {
				t.Fatalf("worldcafe %s: exit %d: %s", c[1], code, eerr.String())
			}
			b, err := os.ReadFile(file)
			if err != nil || !bytes.Contains(b, []byte("<html")) {
				t.Errorf("worldcafe %s wrote no HTML report: %v", c[1], err)
			}
		}
	})
}

// htmlEscape is s as html/template writes it in text.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

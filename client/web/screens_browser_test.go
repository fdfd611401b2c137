package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// TestEveryViewInEnglishArabicAndChinese writes screenshots of the views
// the other suites show in one language only: the landing page, the
// tablet's lobby and the printable report, each in English, Arabic and
// Chinese, and checks that each page says so (lang, and dir=rtl for
// Arabic).
func TestEveryViewInEnglishArabicAndChinese(t *testing.T) {
	root := t
	srv := startServer(t)
	browser := startBrowser(t, findChromium(t))
	shots := screenshotDir(t)
	api := client.API{BaseURL: srv.URL}
	ctx := context.Background()
	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Three languages", Tables: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Join(ctx, protocol.Join{Code: created.JoinCode, Name: "Ada", Group: "academia"}); err != nil {
		t.Fatal(err)
	}
	pageSays := func(t *testing.T, v *view, what, lang string) {
		t.Helper()
		wantDir := "ltr"
		if lang == "ar" {
			wantDir = "rtl"
		}
		waitFor(t, v, what+" in "+lang, `document.documentElement.lang + " " + (document.documentElement.dir || "ltr")`,
			waitLong, equals(lang+" "+wantDir))
	}
	for _, lang := range []string{"en", "ar", "zh"} {
		t.Run(lang, func(t *testing.T) {
			landing := newView(t, root, browser, "landing", 1180, 820, false)
			do(t, landing, chromedp.Navigate(srv.URL+"/"))
			do(t, landing, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`localStorage.setItem("worldcafe.lang", %q)`, lang)), chromedp.Reload())
			pageSays(t, landing, "the landing page", lang)
			waitFor(t, landing, "the create form", visibleJS("#create"), waitLong, isTrue)
			screenshot(t, landing, shots, "views-"+lang)

			fac := newView(t, root, browser, "tablet-lobby", 1180, 820, false)
			do(t, fac, chromedp.Navigate(fmt.Sprintf("%s/facilitate#%s.%s", srv.URL, created.Cafe, created.FacilitatorToken)))
			do(t, fac, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`localStorage.setItem("worldcafe.lang", %q)`, lang)), chromedp.Reload())
			pageSays(t, fac, "the tablet", lang)
			waitFor(t, fac, "the join code", textJS("#join-code"), waitLong, contains(created.JoinCode[:3]))
			screenshot(t, fac, shots, "views-"+lang)

			// The printable report, as the tablet's report form asks for it.
			resp, err := http.PostForm(srv.URL+"/api/cafes/"+created.Cafe+"/report",
				url.Values{"token": {created.FacilitatorToken}, "format": {"html"}, "lang": {lang}})
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("report: %d %v", resp.StatusCode, err)
			}
			if want := fmt.Sprintf(`lang="%s"`, lang); !strings.Contains(string(body), want) {
				t.Errorf("the %s report lacks %s", lang, want)
			}
			file := filepath.Join(t.TempDir(), "report.html")
			if err := os.WriteFile(file, body, 0o644); err != nil {
				t.Fatal(err)
			}
			rep := newView(t, root, browser, "report", 1000, 1200, false)
			do(t, rep, chromedp.Navigate("file://"+file))
			pageSays(t, rep, "the report", lang)
			screenshot(t, rep, shots, "views-"+lang)
		})
	}
}

package report_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/internal/browsertest"
	"github.com/worldcafe/worldcafe/report"
)

// TestConsultationHTMLReadsOnAPhoneAndPrintsAPagePerPart opens the HTML
// outcome report in headless Chromium under a style-only
// Content-Security-Policy, as a phone and as print.
func TestConsultationHTMLReadsOnAPhoneAndPrintsAPagePerPart(t *testing.T) {
	c := report.BuildConsultation(consultationRoom(t).s, reportAt)
	c.Online.Questions[1].Unthemed = append(c.Online.Questions[1].Unthemed, report.Contribution{ID: "c9", Question: 1, Text: arabic, Author: "سارة"})
	var page bytes.Buffer
	if err := report.WriteConsultation(&page, c, "html", report.Options{}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(report.ConsultationCSS))
	csp := "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", report.ContentType["html"])
		w.Header().Set("Content-Security-Policy", csp)
		w.Write(page.Bytes())
	}))
	t.Cleanup(srv.Close)
	tab := browsertest.Tab(t)

	t.Run("on a phone the page is laid out at the phone's width, styled under its policy", func(t *testing.T) {
		run(t, tab, chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait), chromedp.Navigate(srv.URL))
		if w := eval[int](t, tab, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("the report is %d px wide on a 375 px phone: the reader scrolls sideways", w)
		}
		if b := eval[string](t, tab, `getComputedStyle(document.querySelector("h2")).borderBottomStyle`); b != "solid" {
			t.Errorf("the headings have border %q: the style block did not pass the policy", b)
		}
		if n := eval[int](t, tab, `document.querySelectorAll("button, form, input, nav, script, img").length`); n != 0 {
			t.Errorf("the printable document has %d controls or scripts", n)
		}
		if dir := os.Getenv("WORLDCAFE_SCREENSHOTS"); dir != "" {
			os.WriteFile(dir+"/consultation-phone.png", get(t, tab, chromedp.FullScreenshot(90)), 0o644)
		}
	})

	t.Run("typed text takes its direction from itself", func(t *testing.T) {
		typed := []string{c.Title, c.Conclusion, c.TownHall.Presentation.Title, c.TownHall.Presentation.Presenter, arabic, "سارة"}
		for _, f := range c.TownHall.Findings {
			typed = append(typed, f.Text)
		}
		for _, q := range c.TownHall.TopQuestions {
			typed = append(typed, q.Text, q.Author)
		}
		for _, ct := range c.Online.MostCommented {
			typed = append(typed, ct.Title, ct.Text, ct.Author)
		}
		missing := eval[[]string](t, tab, `(() => {
			const typed = new Set(`+jsonOf(t, typed)+`.filter(s => s));
			const found = new Set();
			const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
			for (let n = walk.nextNode(); n; n = walk.nextNode()) {
				const s = n.data.trim();
				if (typed.has(s) && n.parentElement.closest("[dir=auto]")) found.add(s);
			}
			return [...typed].filter(s => !found.has(s));
		})()`)
		for _, s := range missing {
			t.Errorf("%q is not shown in an element with dir=\"auto\"", s)
		}
		if d := eval[string](t, tab, `getComputedStyle([...document.querySelectorAll(".text")].find(e => e.textContent === `+jsonOf(t, arabic)+`)).direction`); d != "rtl" {
			t.Errorf("the right-to-left contribution is laid out %s", d)
		}
	})

	t.Run("printed, each part starts a page and no heading ends one", func(t *testing.T) {
		run(t, tab, chromedp.EmulateViewport(1000, 800), chromedp.Navigate(srv.URL), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}))
		got := eval[map[string]string](t, tab, `(() => {
			const s = sel => getComputedStyle(document.querySelector(sel));
			return {background: s("section.background").breakBefore, cafe: s("section.cafe").breakBefore,
				townHall: s("section.town_hall").breakBefore, online: s("section.online").breakBefore,
				conclusion: s("section.conclusion").breakBefore, h4: s("h4").breakAfter, li: s("ul.notes li").breakInside};
		})()`)
		want := map[string]string{"background": "auto", "cafe": "page", "townHall": "page", "online": "page", "conclusion": "page", "h4": "avoid", "li": "avoid"}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("printed, %s has %q, want %q", k, got[k], w)
			}
		}
		pdf := get(t, tab, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
		if dir := os.Getenv("WORLDCAFE_SCREENSHOTS"); dir != "" {
			os.WriteFile(dir+"/consultation-print.pdf", pdf, 0o644)
		}
	})
}

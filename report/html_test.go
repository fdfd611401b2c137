package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/internal/browsertest"
	"github.com/worldcafe/worldcafe/report"
)

// arabic is a note in a right-to-left script, added to the fixture so that
// the test sees dir="auto" turn a note around, not just appear in the markup.
const arabic = "نشر البيانات للجميع"

// TestHTMLReportReadsOnAPhonePrintsCompactlyAndKeepsTextDirection opens the
// HTML report in headless Chromium as a phone, as a desktop and as print,
// and checks what a reader of each gets.
func TestHTMLReportReadsOnAPhonePrintsCompactlyAndKeepsTextDirection(t *testing.T) {
	rep := report.Build(reportRoom(t).s)
	rtl := report.Note{ID: "n7", Question: 1, Round: 2, Table: 1, Text: arabic, At: rep.Notes[len(rep.Notes)-1].At + 60_000}
	rep.Conversations[1].Unthemed = append(rep.Conversations[1].Unthemed, rtl)
	rep.Conversations[1].Count++
	rep.Notes = append(rep.Notes, rtl)
	rep.TotalNotes++
	var page bytes.Buffer
	if err := report.Write(&page, rep, "html"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", report.ContentType["html"])
		w.Write(page.Bytes())
	}))
	t.Cleanup(srv.Close)
	tab := browsertest.Tab(t)

	t.Run("on a phone the page is laid out at the phone's width", func(t *testing.T) {
		run(t, tab, chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait), chromedp.Navigate(srv.URL))
		if w := eval[int](t, tab, `window.innerWidth`); w != 375 {
			t.Errorf("the phone lays the report out %d px wide, want 375 (no viewport meta?)", w)
		}
		if w := eval[int](t, tab, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("the report is %d px wide on a 375 px phone: the reader scrolls sideways", w)
		}
		if w := eval[int](t, tab, `document.querySelector("table.ideas").offsetWidth`); w > 375 {
			t.Errorf("the all-ideas table is %d px wide on a 375 px phone", w)
		}
	})

	t.Run("every element holding typed text takes its direction from that text", func(t *testing.T) {
		var typed []string
		typed = append(typed, rep.Title)
		for _, c := range rep.Conversations {
			typed = append(typed, c.Text)
			for _, th := range c.Themes {
				typed = append(typed, th.Name)
			}
		}
		for _, n := range rep.Notes {
			typed = append(typed, n.Text)
			if n.Author != "" {
				typed = append(typed, n.Author)
			}
		}
		got := eval[map[string]int](t, tab, `(() => {
			const typed = `+jsonOf(t, typed)+`;
			const out = {};
			for (const s of typed) out[s] = 0;
			const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
			for (let n = walk.nextNode(); n; n = walk.nextNode()) {
				const s = n.data.trim();
				if (!(s in out)) continue;
				out[s] = n.parentElement.getAttribute("dir") === "auto" ? out[s] + 1 : -1000;
			}
			return out;
		})()`)
		for _, s := range typed {
			switch n := got[s]; {
			case n < 0:
				t.Errorf("%q is shown in an element without dir=\"auto\"", s)
			case n == 0:
				t.Errorf("%q is not shown on its own in any element", s)
			}
		}
		dirs := eval[[]string](t, tab, `[...document.querySelectorAll(".text")].filter(e => e.textContent === `+jsonOf(t, arabic)+`).map(e => getComputedStyle(e).direction)`)
		if len(dirs) < 2 {
			t.Fatalf("the right-to-left note is shown %d times, want in its conversation and in all ideas", len(dirs))
		}
		for _, d := range dirs {
			if d != "rtl" {
				t.Errorf("the right-to-left note is laid out %s", d)
			}
		}
	})

	t.Run("the all-ideas table gives the idea most of the width and shows times as hours and minutes", func(t *testing.T) {
		run(t, tab, chromedp.EmulateViewport(1000, 800), chromedp.Navigate(srv.URL))
		share := eval[float64](t, tab, `document.querySelector("table.ideas td.idea").offsetWidth / document.querySelector("table.ideas").offsetWidth`)
		if share < 0.5 {
			t.Errorf("the idea column is %.0f%% of the table, want at least half", share*100)
		}
		hhmm := regexp.MustCompile(`^\d\d:\d\d$`)
		times := eval[[]string](t, tab, `[...document.querySelectorAll("table.ideas time")].map(e => e.textContent)`)
		if len(times) != len(rep.Notes) {
			t.Errorf("the table shows %d times for %d ideas", len(times), len(rep.Notes))
		}
		for _, s := range times {
			if !hhmm.MatchString(s) {
				t.Errorf("a time reads %q, want hours:minutes", s)
			}
		}
	})

	t.Run("printed, a short report fills its pages instead of starting one per section", func(t *testing.T) {
		run(t, tab, chromedp.EmulateViewport(1000, 800), chromedp.Navigate(srv.URL), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}))
		avoid := eval[map[string]string](t, tab, `(() => {
			const s = sel => getComputedStyle(document.querySelector(sel));
			return {li: s("ul.notes li").breakInside, tr: s("table.ideas tbody tr").breakInside,
				h2: s("section.conversation h2").breakAfter, h3: s("section.conversation h3").breakAfter,
				section: s("section.conversation").breakBefore};
		})()`)
		want := map[string]string{"li": "avoid", "tr": "avoid", "h2": "avoid", "h3": "avoid", "section": "auto"}
		for k, w := range want {
			if avoid[k] != w {
				t.Errorf("printed, %s has %q, want %q", k, avoid[k], w)
			}
		}
		pdf := get(t, tab, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
		pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
		if pages < 1 || pages > 2 {
			t.Errorf("the short report prints on %d A4 pages, want 1 or 2", pages)
		}
		if dir := os.Getenv("WORLDCAFE_SCREENSHOTS"); dir != "" {
			os.WriteFile(dir+"/report-print.pdf", pdf, 0o644)
		}
	})
}

const browserWait = 20 * time.Second

func run(t *testing.T, tab context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, browserWait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func get[T any](t *testing.T, tab context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, browserWait)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func eval[T any](t *testing.T, tab context.Context, js string) T {
	t.Helper()
	return get(t, tab, chromedp.Evaluate[T](js))
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package web_test

// The attendee page on a cheap phone on a slow link: headless Chromium under
// Slow 3G (400 kbit/s each way, 400 ms round trips) with the CPU slowed four
// times. The test asserts what is deterministic, the bytes of the first
// load (at most 25 KB, gzip included), that every module the page loads is
// asked for in one wave (modulepreload) and that a repeat visit asks for
// nothing but the page; it logs the times (until
// the join form is usable, first visit and repeat visit) for BENCHMARKS.md,
// without asserting them: a shared machine's clock says little.

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

const (
	firstLoadBudget = 25_000 // bytes on the wire for the join page, first visit
	slow3GLatencyMs = 400
	slow3GBytesPerS = 400_000 / 8
	cpuSlowdown     = 4
)

// pageLoad is what one visit cost, as the page's Resource Timing saw it.
type pageLoad struct {
	UsableMs float64    `json:"usable"` // from navigation start until the join form shows
	Bytes    int        `json:"bytes"`  // on the wire: headers and (compressed) bodies
	Files    []loadFile `json:"files"`
	Preloads []string   `json:"preloads"` // the modulepreload links, as absolute URLs
	Entry    string     `json:"entry"`    // the page's module script
}

type loadFile struct {
	Name     string  `json:"name"`
	Bytes    int     `json:"bytes"`
	Body     int     `json:"body"` // the encoded (compressed) body
	StartMs  float64 `json:"start"`
	FinishMs float64 `json:"finish"`
}

// usableJS is the time since navigation started when the join form shows,
// or -1 before: the form is shown by the page's script once it can submit.
var usableJS = fmt.Sprintf(`(%s) ? performance.now() : -1`, visibleJS("#join-form"))

const loadJS = `(() => {
	const nav = performance.getEntriesByType("navigation")[0];
	const files = [nav, ...performance.getEntriesByType("resource")].map((e) => ({
		name: e.name, bytes: e.transferSize, body: e.encodedBodySize, start: e.startTime, finish: e.responseEnd }));
	return {
		usable: 0, files,
		bytes: files.reduce((n, f) => n + f.bytes, 0),
		preloads: [...document.querySelectorAll('link[rel="modulepreload"]')].map((l) => l.href),
		entry: document.querySelector('script[type="module"]')?.src ?? "",
	};
})()`

// slowPhone throttles v's network to Slow 3G and its CPU four times.
func slowPhone(t *testing.T, v *view) {
	t.Helper()
	do(t, v, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{
				Latency: slow3GLatencyMs, DownloadThroughput: slow3GBytesPerS, UploadThroughput: slow3GBytesPerS,
				ConnectionType: network.ConnectionTypeCellular3g,
			}},
		}); err != nil {
			return fmt.Errorf("emulating Slow 3G: %w", err)
		}
		if _, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: cpuSlowdown}); err != nil {
			return fmt.Errorf("slowing the CPU: %w", err)
		}
		return nil
	}))
}

// visit opens url on v and waits until the join form is usable and the
// page has finished loading.
func visit(t *testing.T, v *view, url string) pageLoad {
	t.Helper()
	do(t, v, chromedp.Navigate(url))
	usable, _ := waitFor(t, v, "the join form", usableJS, 30*time.Second, func(ms float64) bool { return ms >= 0 })
	waitFor(t, v, "the page loaded", `document.readyState === "complete"`, 30*time.Second, isTrue)
	l := eval[pageLoad](t, v, loadJS)
	l.UsableMs = usable
	return l
}

func logLoad(t *testing.T, what string, l pageLoad) {
	t.Helper()
	var b strings.Builder
	for _, f := range l.Files {
		fmt.Fprintf(&b, "\n\t%-22s %6d B on the wire (%6d B body), %5.0f–%5.0f ms", path.Base(f.Name), f.Bytes, f.Body, f.StartMs, f.FinishMs)
	}
	t.Logf("%s: join form usable after %.0f ms, %d B on the wire in %d files:%s", what, l.UsableMs, l.Bytes, len(l.Files), b.String())
}

func TestTheAttendeePageOnACheapPhoneOnSlow3G(t *testing.T) {
	chromium := findChromium(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	// No café is needed: the join form shows for any code, before it is
	// checked.
	url := srv.URL + "/join/K7QM3X"

	v := newView(t, t, browser, "cheap-phone", 360, 640, true) // a new browser context: an empty cache
	defer reportConsole(t, []*view{v})
	slowPhone(t, v)

	first := visit(t, v, url)
	logLoad(t, "first visit", first)
	if first.Bytes > firstLoadBudget {
		t.Errorf("the first visit moved %d bytes, over the budget of %d", first.Bytes, firstLoadBudget)
	}
	// Each file is counted: a transfer size of 0 would mean the browser
	// hid it (a cross-origin file without Timing-Allow-Origin, say).
	for _, f := range first.Files {
		if f.Bytes <= 0 {
			t.Errorf("%s: the first visit reports %d bytes on the wire", f.Name, f.Bytes)
		}
	}

	// One wave: every module the page loads besides its entry script is
	// named by a modulepreload link, so none waits for another to arrive.
	var modules []string
	for _, f := range first.Files {
		if strings.HasSuffix(f.Name, ".js") && f.Name != first.Entry {
			modules = append(modules, f.Name)
		}
	}
	slices.Sort(modules)
	preloads := slices.Sorted(slices.Values(first.Preloads))
	if !slices.Equal(modules, preloads) {
		t.Errorf("the page loads the modules %q but preloads %q", modules, preloads)
	}

	// A repeat visit asks again for the page only: the files it names
	// carry their version in the URL and come from the browser's cache.
	again := visit(t, v, url)
	logLoad(t, "repeat visit", again)
	for _, f := range again.Files[1:] {
		if f.Bytes != 0 {
			t.Errorf("%s: the repeat visit fetched it again (%d bytes on the wire), want it from the cache", f.Name, f.Bytes)
		}
	}
	t.Logf("Slow 3G (%d ms, %d kbit/s), CPU ÷%d: first visit %d B, join form usable %.0f ms; repeat visit %d B, %.0f ms",
		slow3GLatencyMs, slow3GBytesPerS*8/1000, cpuSlowdown, first.Bytes, first.UsableMs, again.Bytes, again.UsableMs)
}

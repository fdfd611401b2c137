// Package browsertest starts headless Chromium for tests that check what a
// person sees. It is imported only by tests. A machine without Chromium
// skips those tests, except under CI=true, where a browser test that cannot
// find its browser fails: CI must run them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Path is the Chromium binary on PATH, or "" when there is none.
func Path() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Require fails (under CI) or skips the test when Chromium is missing, and
// returns its path.
func Require(tb testing.TB) string {
	tb.Helper()
	path := Path()
	if path == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("chromium is not installed (apt-get install chromium); CI must run the browser tests")
		}
		tb.Skip("chromium is not installed; skipping the browser test")
	}
	return path
}

// Tab starts a headless Chromium of the test's own, with a fresh profile,
// and returns the context of its first tab; both end with the test.
func Tab(tb testing.TB) context.Context {
	tb.Helper()
	path := Require(tb)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(tb.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

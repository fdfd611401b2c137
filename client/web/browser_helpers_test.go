package web_test

// Helpers shared by the browser tests (browser_test.go, harvest_browser_test.go):
// the server and the headless Chromium they run against, views (one tab in
// its own browser context, like a separate device, with its console watched
// for exceptions and CSP violations), phones, waits and screenshots.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/client/web"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

const (
	// waitLong bounds waits for things that involve a page load or a
	// reconnect; waitShort bounds waits for a live update.
	waitLong  = 10 * time.Second
	waitShort = 5 * time.Second
	// liveBudget is how soon after its author sees a note as saved every
	// other screen must show it.
	liveBudget = time.Second
	pollEvery  = 20 * time.Millisecond
)

var tableRE = regexp.MustCompile(`^Table \d+`) // a host's card goes on with "You host this table"

// assertEverywhere checks that the note n, which p just saw saved, is on the
// wall and the tablet within liveBudget, on the phones at p's table, and not
// on the other phones.
func assertEverywhere(t *testing.T, n postedNote, p *phone, fac, wall *view, phones []*phone) {
	t.Helper()
	deadline := n.savedAt.Add(liveBudget)
	budget := func() time.Duration { return max(time.Until(deadline), pollEvery) }
	_, at := waitFor(t, wall, fmt.Sprintf("%s's note on the wall within %s of being saved", p.name, liveBudget),
		countJS(stickySel(n.id)), budget(), equals(1))
	if got := eval[string](t, wall, textJS(stickySel(n.id))); got != n.text {
		t.Errorf("wall: the note reads %q, want %q", got, n.text)
	}
	_, at2 := waitFor(t, fac, fmt.Sprintf("%s's note on the tablet within %s of being saved", p.name, liveBudget),
		countJS(facNoteSel(n.id)), budget(), equals(1))
	for _, m := range mates(p, phones) {
		waitFor(t, m.view, fmt.Sprintf("%s's note at the table within %s of being saved", p.name, liveBudget),
			countTextJS("#table-notes li", n.text), budget(), equals(1))
	}
	for _, o := range phones {
		if o != p && o.table != p.table {
			if got := eval[int](t, o.view, countTextJS("#table-notes li", n.text)); got != 0 {
				t.Errorf("%s at %s shows a note from %s at %s", o.name, o.table, p.name, p.table)
			}
		}
	}
	t.Logf("%s's note: on the wall %s and on the tablet %s after its author saw it saved",
		p.name, at.Sub(n.savedAt).Round(time.Millisecond), at2.Sub(n.savedAt).Round(time.Millisecond))
}

// A phone is an attendee's browser.
type phone struct {
	*view
	label string // short, for file names
	name  string // for messages
	pid   string
	table string // "Table N" as the phone shows it
}

type postedNote struct {
	id, text string
	savedAt  time.Time // when its author's phone first showed it saved
}

// joinPhone opens /join/CODE on a new phone, fills the form and waits for
// the table card. Nobody hosts by joining: see makeHost.
func joinPhone(t, root *testing.T, browser context.Context, base, code, label, name, group string, anonymous bool) *phone {
	t.Helper()
	v := newView(t, root, browser, "phone-"+label, 390, 844, true)
	p := &phone{view: v, label: label, name: "phone " + label}
	do(t, v, chromedp.Navigate(base+"/join/"+code))
	waitFor(t, v, "the join form", visibleJS("#join-form"), waitLong, isTrue)
	if got := eval[string](t, v, `document.querySelector("#code").value`); got != code {
		t.Errorf("%s: the code field holds %q, want %q from the link", p.name, got, code)
	}
	if anonymous {
		do(t, v, chromedp.Click(chromedp.CSS("#anonymous")))
		waitFor(t, v, "the name field disabled", `document.querySelector("#name").disabled`, waitShort, isTrue)
	} else {
		do(t, v, chromedp.SendKeys(chromedp.CSS("#name"), name))
	}
	do(t, v,
		chromedp.SetValue(chromedp.CSS("#group"), group),
		chromedp.Click(chromedp.CSS("#join-submit")),
	)
	card, _ := waitFor(t, v, "the table card", textJS("#table"), waitLong, tableRE.MatchString)
	p.table = tableRE.FindString(card)
	if eval[bool](t, v, visibleJS("#join")) {
		t.Errorf("%s: the join form still shows after joining", p.name)
	}
	p.pid = phonePID(t, v)
	if got := eval[string](t, v, `location.pathname`); got != "/join/"+code {
		t.Errorf("%s: after joining the address is %s", p.name, got)
	}
	return p
}

// makeHost makes p the host of their table with one tap on the tablet's
// list of people, and waits until p's phone says so.
func makeHost(t *testing.T, fac *view, p *phone) {
	t.Helper()
	btn := personSel(p.pid) + ` button[data-action="role"]`
	waitFor(t, fac, "the Make host button of "+p.name, textJS(btn), waitShort, equals("Make host"))
	do(t, fac, chromedp.Click(chromedp.CSS(btn)))
	waitFor(t, p.view, "the host's card", textJS("#table"), waitShort, contains("You host this table"))
	waitFor(t, fac, "the Not host button of "+p.name, textJS(btn), waitShort, equals("Not host"))
}

// personSel is the row of participant pid in the tablet's list of people.
func personSel(pid string) string { return fmt.Sprintf(`#people li[data-pid=%q]`, pid) }

func phonePID(t *testing.T, v *view) string {
	t.Helper()
	return eval[string](t, v, `(JSON.parse(localStorage.getItem("wc.me")) || {}).pid || ""`)
}

func outboxKey(cafeID, pid string) string { return "wc.outbox." + cafeID + "." + pid }

// post types a note on p and waits until p shows it saved.
func post(t *testing.T, p *phone, text string) postedNote {
	t.Helper()
	do(t, p.view,
		chromedp.SendKeys(chromedp.CSS("#note"), text),
		chromedp.Click(chromedp.CSS("#post")),
	)
	s, at := waitFor(t, p.view, "the note saved in My notes", mineJS(text), waitShort, func(s noteState) bool {
		return s.Found && strings.HasPrefix(s.State, "Saved")
	})
	if s.ID == "" {
		t.Fatalf("%s: the saved note has no data-note-id", p.name)
	}
	if got := eval[string](t, p.view, `document.querySelector("#note").value`); got != "" {
		t.Errorf("%s: the note field still holds %q after posting", p.name, got)
	}
	return postedNote{id: s.ID, text: text, savedAt: at}
}

// mates are the other phones at p's table.
func mates(p *phone, phones []*phone) []*phone {
	var out []*phone
	for _, o := range phones {
		if o != p && o.table == p.table {
			out = append(out, o)
		}
	}
	return out
}

// noteState is how a phone's "My notes" list shows one note.
type noteState struct {
	Found bool   `json:"found"`
	ID    string `json:"id"`
	State string `json:"state"`
}

// mineListJS lists a phone's "My notes" in the order shown.
const mineListJS = `[...document.querySelectorAll("#mine li[data-note-id]")].map((li) => ({
	found: true, id: li.dataset.noteId, state: li.querySelector(".state")?.textContent || "",
}))`

func mineJS(text string) string {
	return fmt.Sprintf(`(() => {
		const li = [...document.querySelectorAll("#mine li")].find((l) => l.querySelector(".note-text")?.textContent === %s);
		if (!li) return { found: false, id: "", state: "" };
		return { found: true, id: li.dataset.noteId || "", state: li.querySelector(".state")?.textContent || "" };
	})()`, jsString(text))
}

func stickySel(id string) string  { return fmt.Sprintf(`#tables li.sticky[data-note-id=%q]`, id) }
func facNoteSel(id string) string { return fmt.Sprintf(`#tables li[data-note-id=%q]`, id) }

func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func textJS(sel string) string {
	return fmt.Sprintf(`(document.querySelector(%s)?.textContent ?? "")`, jsString(sel))
}

func visibleJS(sel string) string {
	return fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && e.getClientRects().length > 0 })()`, jsString(sel))
}

func enabledJS(sel string) string {
	return fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && !e.disabled })()`, jsString(sel))
}

func countJS(sel string) string {
	return fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel))
}

func countTextJS(sel, text string) string {
	return fmt.Sprintf(`[...document.querySelectorAll(%s)].filter((e) => e.textContent === %s).length`, jsString(sel), jsString(text))
}

func isTrue(b bool) bool { return b }

// waitConnections waits until the server holds want open WebSocket
// connections: the marker that a page's socket is closed on both ends, so
// nothing more can come from it.
func waitConnections(t *testing.T, srv testServer, want int64) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for {
		got := srv.Metrics.Connections.Load()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server holds %d WebSocket connections after %s, want %d", got, waitLong, want)
		}
		time.Sleep(pollEvery)
	}
}

func equals[T comparable](want T) func(T) bool { return func(got T) bool { return got == want } }

func contains(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

// A view is one browser tab in its own browser context (its own storage),
// with its console watched for exceptions and CSP violations.
type view struct {
	name string
	ctx  context.Context

	mu       sync.Mutex
	problems []string // exceptions, console errors and CSP reports not yet reported
	console  []string // every message, for diagnosis
}

// newView opens a tab of width×height in a new browser context. It closes
// at the end of root, the whole test, not of t, the step that opens it.
func newView(t, root *testing.T, browser context.Context, name string, width, height int64, mobile bool) *view {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	root.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab, with no timeout bound to it
		t.Fatalf("%s: opening a tab: %v", name, err)
	}
	v := &view{name: name, ctx: ctx}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			v.record(m)
		}
	}()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	do(t, v, chromedp.EmulateViewport(width, height, opts...))
	return v
}

// attachView attaches to a tab that the page in parent opened, such as a
// form's target=_blank, and watches its console from the start: the log
// entries written while the tab loaded, before the attach, come too (the
// browser replays them when the log is enabled). Cancel ends the view.
func attachView(t, root *testing.T, parent context.Context, name string, id target.ID) (v *view, cancel context.CancelFunc) {
	t.Helper()
	v = &view{name: name}
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithTargetID(id), chromedp.WithListener(v.listen))
	root.Cleanup(cancel)
	v.ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: attaching to tab %s: %v", name, id, err)
	}
	return v, cancel
}

// listen records the log entries and exceptions of an attached tab. It runs
// in the loop that reads the tab's messages, so it only appends.
func (v *view) listen(ev any) {
	switch ev := ev.(type) {
	case *log.EventEntryAdded:
		en := ev.Entry
		typ := chromedp.ConsoleType(en.Level)
		if en.Level == log.EntryLevelVerbose {
			typ = chromedp.ConsoleDebug
		}
		v.record(chromedp.ConsoleMessage{Type: typ, Text: en.Text, Source: string(en.Source), URL: en.URL, Line: en.LineNumber})
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		v.record(chromedp.ConsoleMessage{Type: chromedp.ConsoleException, Text: text, URL: d.URL, Line: d.LineNumber})
	}
}

// dialogs answers the JavaScript dialogs (alert, confirm, prompt) of a view.
// An open dialog stalls its page, and with it every later action on the tab,
// so every view gets one. Prompts take the answers queued with answerPrompt;
// any other dialog is a problem, reported with the view's console, since
// the app uses alert only to show an error.
type dialogs struct {
	v *view

	mu      sync.Mutex
	answers []string
	seen    []page.EventJavascriptDialogOpening
}

func answerDialogs(t *testing.T, v *view) *dialogs {
	t.Helper()
	d := &dialogs{v: v}
	evs := chromedp.Events(v.ctx, page.JavascriptDialogOpening) // subscribed from here on
	go func() {
		for ev, err := range evs {
			if err != nil {
				return // the tab closed at the end of the test
			}
			accept, text := d.answer(ev)
			ctx, cancel := context.WithTimeout(v.ctx, waitLong)
			_, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept, PromptText: text})
			cancel()
			if err != nil && v.ctx.Err() == nil {
				v.problem(fmt.Sprintf("answering a %s dialog: %v", ev.Type, err))
			}
		}
	}()
	return d
}

// answerPrompt queues the text the next prompt gets.
func (d *dialogs) answerPrompt(text string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.answers = append(d.answers, text)
}

func (d *dialogs) answer(ev page.EventJavascriptDialogOpening) (accept bool, text string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen = append(d.seen, ev)
	if ev.Type == page.DialogTypePrompt && len(d.answers) > 0 {
		text, d.answers = d.answers[0], d.answers[1:]
		return true, text
	}
	d.v.problem(fmt.Sprintf("unexpected %s dialog: %q", ev.Type, ev.Message))
	return ev.Type == page.DialogTypeAlert, "" // an alert can only be accepted
}

// opened returns the dialogs seen so far.
func (d *dialogs) opened() []page.EventJavascriptDialogOpening {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.seen)
}

func (v *view) problem(line string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.console = append(v.console, line)
	v.problems = append(v.problems, line)
}

func (v *view) record(m chromedp.ConsoleMessage) {
	line := m.String()
	if m.Source != "" {
		line = "[" + m.Source + "] " + line
	}
	if m.URL != "" {
		line += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.console = append(v.console, line)
	if m.IsException() || strings.Contains(m.Text, "Content Security Policy") ||
		(m.Type == chromedp.ConsoleError && m.Source == "") { // console.error from the app
		v.problems = append(v.problems, line)
	}
}

// reportConsole fails t for every exception, console.error call and CSP
// violation the views logged since the last report.
func reportConsole(t *testing.T, views []*view) {
	t.Helper()
	for _, v := range views {
		if v == nil {
			continue
		}
		v.mu.Lock()
		problems := v.problems
		v.problems = nil
		v.mu.Unlock()
		for _, p := range problems {
			t.Errorf("%s logged: %s", v.name, p)
		}
	}
	if t.Failed() {
		for _, v := range views {
			if v == nil {
				continue
			}
			v.mu.Lock()
			if len(v.console) > 0 {
				t.Logf("%s console:\n\t%s", v.name, strings.Join(v.console, "\n\t"))
			}
			v.mu.Unlock()
		}
	}
}

func do(t *testing.T, v *view, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, waitLong)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", v.name, err)
	}
}

func tryEval[T any](v *view, js string) (T, error) {
	ctx, cancel := context.WithTimeout(v.ctx, waitLong)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js))
}

func eval[T any](t *testing.T, v *view, js string) T {
	t.Helper()
	got, err := tryEval[T](v, js)
	if err != nil {
		t.Fatalf("%s: evaluating %s: %v", v.name, js, err)
	}
	return got
}

// waitFor evaluates js on v until ok accepts the value, and returns the
// value and when it was read. Evaluation errors (a page that is loading)
// count as not yet.
func waitFor[T any](t *testing.T, v *view, what, js string, timeout time.Duration, ok func(T) bool) (T, time.Time) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last T
	var lastErr error
	for {
		got, err := tryEval[T](v, js)
		now := time.Now()
		if err == nil {
			if ok(got) {
				return got, now
			}
			last, lastErr = got, nil
		} else {
			lastErr = err
		}
		if now.After(deadline) {
			t.Fatalf("%s: waited %s for %s; last value %#v, last error %v", v.name, timeout, what, last, lastErr)
		}
		time.Sleep(pollEvery)
	}
}

func screenshot(t *testing.T, v *view, dir, phase string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, waitLong)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", v.name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, phase+"-"+v.name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// setOffline cuts v off the network (and tells the page so through
// navigator.onLine and the offline event), or reconnects it.
func setOffline(t *testing.T, v *view, offline bool) {
	t.Helper()
	do(t, v, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		conds := []*network.Conditions{}
		if offline {
			conds = append(conds, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conds}); err != nil {
			return fmt.Errorf("emulating network conditions: %w", err)
		}
		if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
			return fmt.Errorf("overriding the network state: %w", err)
		}
		return nil
	}))
}

type testServer struct {
	URL     string
	Store   *bolt.Store
	Metrics *server.Metrics
	Server  *server.Server
}

func startServer(t *testing.T) testServer {
	t.Helper()
	return startServerWith(t, server.Config{})
}

// startServerWith starts a server on a new bbolt file with the web app and
// cfg's settings; rate limits are off unless cfg sets them.
func startServerWith(t *testing.T, cfg server.Config) testServer {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "worldcafe.db"), bolt.Config{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Static = st, web.Handler()
	if cfg.MessageRate == 0 {
		cfg.MessageRate = -1
	}
	if cfg.IPRequestRate == 0 {
		cfg.IPRequestRate = -1
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
		st.Close()
	})
	return testServer{URL: hs.URL, Store: st, Metrics: srv.Metrics(), Server: srv}
}

// startBrowser starts one headless Chromium; every view opens its own
// browser context in it, which has its own storage, like a separate device.
func startBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (apt-get install chromium); CI must run the browser test")
	}
	t.Skip("chromium is not installed; skipping the browser test")
	return ""
}

func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("WORLDCAFE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "worldcafe-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots go to %s", dir)
	return dir
}

func rebuild(t *testing.T, s store.Store, cafeID string) *cafe.State {
	t.Helper()
	st, _, err := store.Rebuild(context.Background(), s, cafeID)
	if err != nil {
		t.Fatalf("rebuilding café %s: %v", cafeID, err)
	}
	return st
}

func waitForPhase(t *testing.T, s store.Store, cafeID, phase string) *cafe.State {
	t.Helper()
	return waitForState(t, s, cafeID, "phase "+phase, func(st *cafe.State) bool { return st.Phase == phase })
}

// waitForState rebuilds the café from the store until ok accepts it.
func waitForState(t *testing.T, s store.Store, cafeID, what string, ok func(*cafe.State) bool) *cafe.State {
	t.Helper()
	deadline := time.Now().Add(waitShort)
	for {
		st := rebuild(t, s, cafeID)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server's state never reached %s: phase %q, timer %+v", what, st.Phase, st.Timer)
		}
		time.Sleep(pollEvery)
	}
}

// postedEvents counts the note.posted events in the café's log by note id.
func postedEvents(t *testing.T, s store.Store, cafeID string) map[string]int {
	t.Helper()
	evs, err := store.AllEvents(context.Background(), s, cafeID)
	if err != nil {
		t.Fatalf("reading café %s's log: %v", cafeID, err)
	}
	out := map[string]int{}
	for _, ev := range evs {
		if ev.Type != protocol.EvNotePosted {
			continue
		}
		var np protocol.NotePosted
		if err := json.Unmarshal(ev.Data, &np); err != nil {
			t.Fatalf("decoding note.posted at seq %d: %v", ev.Seq, err)
		}
		out[np.NoteID]++
	}
	return out
}

// steps runs a suite's steps in order, each as a subtest: a step that fails
// stops the suite, since the next ones build on it, and every step ends by
// reporting the problems the views' consoles logged.
func steps(t *testing.T, views func() []*view) func(name string, f func(t *testing.T)) {
	return func(name string, f func(t *testing.T)) {
		t.Helper()
		if !t.Run(name, func(t *testing.T) {
			t.Cleanup(func() { reportConsole(t, views()) })
			f(t)
		}) {
			t.FailNow()
		}
	}
}

package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// contrastJS measures the contrast ratio (WCAG 2) of every visible piece of
// text against the first opaque background behind it. Disabled controls
// are exempt, as WCAG exempts inactive components.
const contrastJS = `(() => {
	const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
	const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
	const parse = (s) => {
		const m = s.match(/rgba?\(([^)]+)\)/);
		if (!m) return null;
		const p = m[1].split(',').map(parseFloat);
		return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 };
	};
	const bgOf = (el) => {
		for (let e = el; e; e = e.parentElement) {
			const c = parse(getComputedStyle(e).backgroundColor);
			if (c && c.a > 0.5) return c.rgb;
		}
		return [255, 255, 255];
	};
	const out = [];
	const seen = new Set();
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	while (walker.nextNode()) {
		const node = walker.currentNode;
		const el = node.parentElement;
		if (!node.textContent.trim() || seen.has(el)) continue;
		seen.add(el);
		const st = getComputedStyle(el);
		if (el.getClientRects().length === 0 || st.visibility === 'hidden') continue;
		if (el.closest('button:disabled, select:disabled, input:disabled, .visually-hidden, option')) continue;
		const fg = parse(st.color).rgb, bg = bgOf(el);
		const a = lum(fg), b = lum(bg);
		out.push({ text: node.textContent.trim().slice(0, 40), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
	}
	return out;
})()`

type contrast struct {
	Text  string  `json:"text"`
	Ratio float64 `json:"ratio"`
}

func assertContrast(t *testing.T, v *view, min float64) {
	t.Helper()
	got := eval[[]contrast](t, v, contrastJS)
	if len(got) < 5 {
		t.Fatalf("%s: only %d pieces of text measured; the page did not render", v.name, len(got))
	}
	for _, c := range got {
		if c.Ratio < min {
			t.Errorf("%s: %q has contrast %.2f:1, want at least %.1f:1", v.name, c.Text, c.Ratio, min)
		}
	}
}

// TestTextIsReadable checks the contrast the views promise: 4.5:1 on the
// tablet and phones, 7:1 on the wall (read from the back of the room), in
// a round and in a town hall with a vote.
func TestTextIsReadable(t *testing.T) {
	chromium := findChromium(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	ctx := context.Background()
	api := client.API{BaseURL: srv.URL}
	created, err := api.CreateCafe(ctx, protocol.CreateCafe{Title: "Contrast", Tables: 2})
	if err != nil {
		t.Fatal(err)
	}
	ws := "ws" + srv.URL[len("http"):] + "/ws"
	fac, err := client.Dial(ctx, ws, created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fac.Kill)
	go func() {
		for range fac.Events() {
		}
	}()

	tablet := newView(t, t, browser, "facilitator", 1280, 800, false)
	wall := newView(t, t, browser, "wall", 1920, 1080, false)
	phone := newView(t, t, browser, "phone", 390, 844, true)
	do(t, tablet, chromedp.Navigate(fmt.Sprintf("%s/facilitate#%s.%s", srv.URL, created.Cafe, created.FacilitatorToken)))
	do(t, wall, chromedp.Navigate(fmt.Sprintf("%s/wall#%s.%s", srv.URL, created.Cafe, created.WallToken)))
	do(t, phone, chromedp.Navigate(srv.URL+"/join/"+created.JoinCode))
	waitFor(t, phone, "the join form", visibleJS("#join-form"), waitLong, isTrue)
	do(t, phone, chromedp.SetValue(chromedp.CSS("#name"), "Ana"), chromedp.Click(chromedp.CSS("#join-submit")))
	waitFor(t, phone, "the table card", textJS("#table"), waitLong, contains("Table"))

	mustSend := func(typ string, data any) {
		t.Helper()
		if _, err := fac.Send(ctx, typ, data); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	mustSend(protocol.CmdRoundStart, nil)
	mustSend(protocol.CmdBroadcast, protocol.Broadcast{Text: "Two minutes left"})
	do(t, phone, chromedp.SetValue(chromedp.CSS("#note"), "Open standards for everyone"), chromedp.Click(chromedp.CSS("#post")))
	waitFor(t, wall, "the note", countJS("li.sticky"), waitLong, equals(1))
	waitFor(t, phone, "the saved note", textJS("#mine"), waitLong, contains("Saved"))
	t.Run("in a round", func(t *testing.T) {
		assertContrast(t, tablet, 4.5)
		assertContrast(t, phone, 4.5)
		assertContrast(t, wall, 7)
	})

	mustSend(protocol.CmdRoundEnd, nil)
	mustSend(protocol.CmdVoteOpen, protocol.VoteOpen{VoteID: "v1", On: protocol.VoteOnNotes, Dots: 2, Live: true})
	waitFor(t, phone, "the vote", visibleJS("#vote-box"), waitLong, isTrue)
	waitFor(t, wall, "the vote", visibleJS("#results"), waitLong, isTrue)
	t.Run("in a town hall with a vote", func(t *testing.T) {
		assertContrast(t, tablet, 4.5)
		assertContrast(t, phone, 4.5)
		assertContrast(t, wall, 7)
	})
}

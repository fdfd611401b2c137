package web_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// chooseLang picks a language from v's menu, which reloads the page in it,
// and waits for the page to be in that language.
func chooseLang(t *testing.T, v *view, lang, dir string) {
	t.Helper()
	eval[bool](t, v, `(() => { const s = document.querySelector("#lang-select"); s.value = `+jsString(lang)+`; s.dispatchEvent(new Event("change")); return true; })()`)
	waitFor(t, v, "the page in "+lang, `document.documentElement.lang + " " + document.documentElement.dir + " " + (document.querySelector("#lang-select")?.value || "")`,
		waitLong, equals(lang+" "+dir+" "+lang))
}

// wallShot saves what the projector shows: the viewport. (A full-page
// capture of a right-to-left page that never scrolls comes out shifted.)
func wallShot(t *testing.T, v *view, dir, phase string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, waitLong)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("%s: screenshot: %v", v.name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, phase+"-"+v.name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// htmlLang is the page's language, direction and computed direction.
const htmlLang = `document.documentElement.lang + " " + document.documentElement.dir + " " + getComputedStyle(document.body).direction`

// digitsJS is how this page's language writes the digits 0 to 9.
const digitsJS = `new Intl.NumberFormat(document.documentElement.lang, { useGrouping: false }).format(1234567890)`

// Each device keeps its own language: a phone in Arabic (right to left,
// kept over a reload), the wall in French and then Chinese, while the
// tablet stays in English. Screenshots of the phone and the wall in Arabic
// and Chinese go with the others.
func TestEachDeviceInItsOwnLanguage(t *testing.T) {
	chromium := findChromium(t)
	shots := screenshotDir(t)
	srv := startServer(t)
	browser := startBrowser(t, chromium)
	root := t

	var (
		fac, wall *view
		ph        *phone
		code      string
	)
	all := func() []*view {
		vs := []*view{}
		for _, v := range []*view{fac, wall} {
			if v != nil {
				vs = append(vs, v)
			}
		}
		if ph != nil {
			vs = append(vs, ph.view)
		}
		return vs
	}
	step := steps(t, all)

	step("the tablet opens in the browser's language, English", func(t *testing.T) {
		fac = newView(t, root, browser, "facilitator", 1280, 800, false)
		do(t, fac, chromedp.Navigate(srv.URL+"/"))
		waitFor(t, fac, "the create form", visibleJS("#create"), waitLong, isTrue)
		waitFor(t, fac, "the landing page in English, left to right", htmlLang, waitLong, equals("en ltr ltr"))
		if got := eval[string](t, fac, textJS("#create-submit")); got != "Create café" {
			t.Errorf("the create button says %q", got)
		}
		names := eval[[]string](t, fac, `[...document.querySelectorAll("#lang-select option")].map((o) => o.textContent)`)
		if strings.Join(names, "|") != "English|Français|Español|Русский|中文|العربية" {
			t.Errorf("the language menu offers %q: each language should be named in itself", names)
		}
		do(t, fac,
			chromedp.SetValue(chromedp.CSS("#title"), "Café des langues"),
			chromedp.SetValue(chromedp.CSS("#tables"), "2"),
			chromedp.SetValue(chromedp.CSS("#minutes"), "5"),
			chromedp.Click(chromedp.CSS("#create-submit")),
		)
		code, _ = waitFor(t, fac, "the join code", textJS("#join-code"), waitLong, regexp.MustCompile(`^[A-HJ-NP-Z2-9]{6}$`).MatchString)
		waitFor(t, fac, "the wall link", visibleJS("#wall-link"), waitShort, isTrue)
	})

	step("the wall switches to French", func(t *testing.T) {
		wall = newView(t, root, browser, "wall", 1920, 1080, false)
		do(t, wall, chromedp.Navigate(eval[string](t, fac, `document.querySelector("#wall-link").href`)))
		waitFor(t, wall, "the lobby in English", textJS("#question"), waitLong, equals("Welcome! Join with your phone."))
		chooseLang(t, wall, "fr", "ltr")
		waitFor(t, wall, "the lobby in French", textJS("#question"), waitLong, equals("Bienvenue ! Rejoignez-nous avec votre téléphone."))
		waitFor(t, wall, "the join corner in French", textJS("#join"), waitShort, contains("Rejoignez-nous sur"))
		waitFor(t, wall, "the phase in French", textJS("#phase"), waitShort, contains("En attente du début"))
		if got := eval[string](t, wall, `document.querySelector("#join-qr").alt`); got != "QR code pour rejoindre" {
			t.Errorf("the QR code's text is %q", got)
		}
	})

	step("a phone switches to Arabic, right to left, and keeps it over a reload", func(t *testing.T) {
		v := newView(t, root, browser, "phone-ar", 390, 844, true)
		ph = &phone{view: v, label: "ar", name: "the Arabic phone"}
		do(t, v, chromedp.Navigate(srv.URL+"/join/"+code))
		waitFor(t, v, "the join form", visibleJS("#join-form"), waitLong, isTrue)
		chooseLang(t, v, "ar", "rtl")
		waitFor(t, v, "the join form in Arabic", textJS("#join h1"), waitLong, equals("انضم إلى المقهى"))
		if got := eval[string](t, v, htmlLang); got != "ar rtl rtl" {
			t.Errorf("the join page is %q, want ar rtl rtl", got)
		}
		if got := eval[string](t, v, `document.querySelector("#group option[value=academia]").textContent`); got != "الأوساط الأكاديمية" {
			t.Errorf("the group academia reads %q", got)
		}
		// The form reads from the right: the label starts at the right edge.
		if got := eval[bool](t, v, `(() => { const l = document.querySelector("label[for=code]").getBoundingClientRect(); return l.right > innerWidth - 40 && getComputedStyle(document.querySelector("main")).direction === "rtl"; })()`); !got {
			t.Error("the Arabic form's labels do not start at the right")
		}
		do(t, v,
			chromedp.SendKeys(chromedp.CSS("#name"), "ليلى"),
			chromedp.Click(chromedp.CSS("#join-submit")),
		)
		waitFor(t, v, "the table card in Arabic", textJS("#table"), waitLong, contains("الطاولة"))
		ph.pid = phonePID(t, v)
		waitFor(t, v, "the lobby welcome in Arabic", textJS("#question"), waitShort, contains("أهلًا بك"))
		do(t, v, chromedp.Reload())
		waitFor(t, v, "the live page after a reload", visibleJS("#live"), waitLong, isTrue)
		if got := eval[string](t, v, htmlLang); got != "ar rtl rtl" {
			t.Errorf("after a reload the phone is %q, want ar rtl rtl", got)
		}
		if got := eval[string](t, v, `localStorage.getItem("worldcafe.lang")`); got != "ar" {
			t.Errorf("the phone keeps the language %q", got)
		}
		waitFor(t, v, "the phase in Arabic", textJS("#phase"), waitShort, equals("بانتظار البدء"))
	})

	step("the tablet stays in English", func(t *testing.T) {
		if got := eval[string](t, fac, htmlLang); got != "en ltr ltr" {
			t.Errorf("the tablet is %q, want en ltr ltr", got)
		}
		waitFor(t, fac, "the phase in English", textJS("#phase"), waitShort, equals("Waiting to start"))
		waitFor(t, fac, "one person joined", textJS("#people-count"), waitShort, equals("1"))
		do(t, fac, chromedp.Click(chromedp.CSS("#btn-start")))
		waitFor(t, fac, "the round in English", textJS("#phase"), waitLong, equals("Round 1 of 3"))
	})

	step("during the round numbers and the clock are in each device's language", func(t *testing.T) {
		waitFor(t, wall, "the round in French", textJS("#phase"), waitLong, contains("Tour 1 sur 3"))
		waitFor(t, ph.view, "the round in Arabic", textJS("#phase"), waitLong, contains("الجولة"))
		digits := eval[string](t, ph.view, digitsJS)
		clock, _ := waitFor(t, ph.view, "the clock running", textJS("#clock"), waitShort, func(s string) bool { return strings.Contains(s, ":") })
		for _, r := range strings.ReplaceAll(clock, ":", "") {
			if !strings.ContainsRune(digits, r) {
				t.Errorf("the Arabic clock %q has %q, which is not one of the language's digits %q", clock, r, digits)
			}
		}
		// A note typed in Arabic, and one in English, each in its own
		// direction (dir=auto) on the phone and the wall.
		for _, text := range []string{"نحتاج إلى إنترنت أفضل في القرى؟", "Better Wi-Fi in villages?"} {
			do(t, ph.view, chromedp.SendKeys(chromedp.CSS("#note"), text), chromedp.Click(chromedp.CSS("#post")))
			waitFor(t, ph.view, "the note saved", `[...document.querySelectorAll("#mine li.saved .note-text")].map((e) => e.textContent).join("|")`, waitShort, contains(text))
			waitFor(t, wall, "the note on the wall", `[...document.querySelectorAll("#tables li.sticky .t")].map((e) => e.textContent).join("|")`, waitShort, contains(text))
		}
		for _, v := range []*view{ph.view, wall} {
			dirs := eval[[]string](t, v, `[...document.querySelectorAll("#mine .note-text, #tables .t")].map((e) => e.dir)`)
			if len(dirs) < 2 {
				t.Errorf("%s: %d notes found", v.name, len(dirs))
			}
			for _, d := range dirs {
				if d != "auto" {
					t.Errorf("%s: a note has dir=%q, want auto", v.name, d)
				}
			}
		}
		waitFor(t, ph.view, "the saved state in Arabic", textJS("#mine li.saved .state"), waitShort, contains("محفوظة"))
		waitFor(t, fac, "the tablet in English", textJS("#tables .count"), waitShort, contains("note"))
		screenshot(t, ph.view, shots, "i18n-ar-round")
		chooseLang(t, wall, "ar", "rtl")
		waitFor(t, wall, "the wall in Arabic", textJS("#tables h2"), waitLong, contains("الطاولة"))
		waitFor(t, wall, "the clock", textJS("#clock"), waitShort, contains(":"))
		wallShot(t, wall, shots, "i18n-ar-round")
	})

	step("the phone and the wall in Chinese", func(t *testing.T) {
		chooseLang(t, ph.view, "zh", "ltr")
		waitFor(t, ph.view, "the phase in Chinese", textJS("#phase"), waitLong, equals("第 1 轮，共 3 轮"))
		waitFor(t, ph.view, "my notes in Chinese", textJS("#mine-h"), waitShort, equals("我的便签"))
		screenshot(t, ph.view, shots, "i18n-zh-round")
		chooseLang(t, wall, "zh", "ltr")
		waitFor(t, wall, "the wall in Chinese", textJS("#tables h2"), waitLong, contains("号桌"))
		waitFor(t, wall, "the clock", textJS("#clock"), waitShort, contains(":"))
		wallShot(t, wall, shots, "i18n-zh-round")
		if got := eval[string](t, fac, htmlLang); got != "en ltr ltr" {
			t.Errorf("the tablet is %q after the others changed, want en ltr ltr", got)
		}
	})
}

package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/worldcafe/worldcafe/i18n"
)

// The scanner below finds words a person would read that do not go through
// the catalogues: text in the HTML not marked data-i18n, readable
// attributes not marked data-i18n-ATTR, and string or template literals in
// the JavaScript that read as prose and are not a t() key. It reads the
// files as text (no parser), so it is a net, not a proof; what it lets
// through by design is a lower-case single word outside a display sink.
//
// allowed lists what is shown as it is, in every language, and why.
var allowed = map[string]string{
	"World Café":    "the method's name and the café's default title, which is the café's own text",
	"Bearer":        "an HTTP authorisation scheme",
	"Authorization": "an HTTP header",
	"Content-Type":  "an HTTP header",
	"English":       "LANGS: each language is named in itself",
	"Français":      "LANGS",
	"Español":       "LANGS",
	"Русский":       "LANGS",
	"中文":            "LANGS",
	"العربية":       "LANGS",
}

func TestNoHardCodedWordsInTheViews(t *testing.T) {
	root := "static"
	var findings []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch filepath.Ext(path) {
		case ".html":
			for _, f := range scanHTML(string(b)) {
				findings = append(findings, path+": "+f)
			}
		case ".js":
			for _, f := range scanJS(string(b)) {
				findings = append(findings, path+": "+f)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Error(f)
	}
}

// The scanner finds what it is meant to find.
func TestTheScannerFindsHardCodedWords(t *testing.T) {
	for _, c := range []struct{ src, kind string }{
		{`<p>Hello there</p>`, "html"},
		{`<p data-i18n="x">Hi</p><button>Send</button>`, "html"},
		{`<input placeholder="Your name">`, "html"},
		{`<img alt="QR code" data-i18n-title="x">`, "html"},
		{`x.textContent = 'Hello there';`, "js"},
		{`x.textContent = ok ? t('a') : 'host';`, "js"},
		{`el('button', {}, 'Hide')`, "js"},
		{"el('p', { text: `Table ${n}` })", "js"},
		{`alert("Nobody is here.")`, "js"},
		{`const s = 'جدول';`, "js"},
	} {
		var got []string
		if c.kind == "html" {
			got = scanHTML(c.src)
		} else {
			got = scanJS(c.src)
		}
		if len(got) == 0 {
			t.Errorf("the scanner misses the words in %s", c.src)
		}
	}
	for _, ok := range []string{
		`<p data-i18n="a.b">Hello</p><span id="x"></span>`,
		`<label for="n"><span data-i18n="a">Name</span> <span data-i18n="b">(optional)</span></label>`,
		`<input placeholder="Name" data-i18n-placeholder="a">`,
	} {
		if got := scanHTML(ok); len(got) > 0 {
			t.Errorf("the scanner flags marked text in %s: %v", ok, got)
		}
	}
	for _, ok := range []string{
		`x.textContent = t('phone.hand.next');`,
		`el('li', { class: 'note saved hidden-note', 'data-action': 'edit' }, t('action.edit'))`,
		"const u = `/api/cafes/${cafe}/wall`; // A comment With Words.",
		`const re = /^Table (\d+)$/; if (b.dataset.dot === 'add') go();`,
		`x.textContent = t(hidden ? 'fac.note.show' : 'fac.note.hide', { text: n.text });`,
	} {
		if got := scanJS(ok); len(got) > 0 {
			t.Errorf("the scanner flags code that shows no words in %s: %v", ok, got)
		}
	}
}

// Every key the views use is in the catalogues.
func TestEveryKeyTheViewsUseExists(t *testing.T) {
	en := i18n.Catalogue("en")
	has := func(k string) bool {
		if _, ok := en[k]; ok {
			return true
		}
		_, ok := en[k+".other"]
		return ok
	}
	n := 0
	err := filepath.WalkDir("static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var keys []string
		switch filepath.Ext(path) {
		case ".html":
			for _, m := range dataI18nRE.FindAllStringSubmatch(string(b), -1) {
				keys = append(keys, m[2])
			}
		case ".js":
			keys = tKeys(string(b))
		}
		for _, k := range keys {
			n++
			if !has(k) {
				t.Errorf("%s uses the key %q, which the English catalogue does not have", path, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 150 {
		t.Errorf("found only %d uses of keys: is the scanner reading the views?", n)
	}
}

var (
	tagRE      = regexp.MustCompile(`(?s)<(/?)([a-zA-Z0-9!-]+)([^>]*)>`)
	attrRE     = regexp.MustCompile(`([a-zA-Z0-9-]+)="([^"]*)"`)
	dataI18nRE = regexp.MustCompile(`data-i18n(-[a-z-]+)?="([^"]+)"`)
	voidTags   = []string{"!doctype", "meta", "link", "input", "img", "br", "hr", "source"}
	shownAttrs = []string{"placeholder", "aria-label", "alt", "title"}
)

// scanHTML reports text with letters whose element is not marked
// data-i18n, and readable attributes not marked data-i18n-ATTR.
func scanHTML(src string) []string {
	var out []string
	type open struct {
		tag    string
		marked bool
	}
	var stack []open
	pos := 0
	text := func(s string) {
		s = strings.TrimSpace(s)
		if !hasLetter(s) || allowed[s] != "" {
			return
		}
		if len(stack) == 0 || !stack[len(stack)-1].marked {
			out = append(out, "text not marked data-i18n: "+s)
		}
	}
	for _, m := range tagRE.FindAllStringSubmatchIndex(src, -1) {
		text(src[pos:m[0]])
		pos = m[1]
		closing, tag, attrs := src[m[2]:m[3]] == "/", strings.ToLower(src[m[4]:m[5]]), src[m[6]:m[7]]
		if closing {
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].tag == tag {
					stack = stack[:i]
					break
				}
			}
			continue
		}
		a := map[string]string{}
		for _, am := range attrRE.FindAllStringSubmatch(attrs, -1) {
			a[am[1]] = am[2]
		}
		for _, name := range shownAttrs {
			if v, ok := a[name]; ok && hasLetter(v) && a["data-i18n-"+name] == "" && allowed[v] == "" {
				out = append(out, name+` not marked data-i18n-`+name+`: `+v)
			}
		}
		if !slices.Contains(voidTags, tag) && !strings.HasSuffix(attrs, "/") {
			_, marked := a["data-i18n"]
			stack = append(stack, open{tag, marked})
		}
	}
	text(src[pos:])
	return out
}

// literal is a string or template literal in a script: its text (a
// template's fixed parts, joined) and whether it is a key given to t().
type literal struct {
	text  string
	key   bool
	start int
}

var sinkRE = regexp.MustCompile(`(?:\.textContent|\.title|\.innerText)\s*=[^=]|\btext:`)

// notShownRE is what comes just before a literal that is compared or
// used as a selector, not shown: ===, !==, $(.
var notShownRE = regexp.MustCompile(`(?:[!=]==|\$\()\s*$`)

// sinks are the stretches of a script that go straight to the screen: the
// expression after textContent =, title = or text:, up to its end (a comma
// or semicolon at its own depth, a closing bracket, or a line end that no
// ? or : carries on).
func sinks(src string) [][2]int {
	var out [][2]int
	for _, m := range sinkRE.FindAllStringIndex(src, -1) {
		depth, i := 0, m[1]
	scan:
		for ; i < len(src); i++ {
			switch c := src[i]; c {
			case '\'', '"', '`':
				j := strings.IndexByte(src[i+1:], c)
				if j < 0 {
					break scan
				}
				i += j + 1
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth--; depth < 0 {
					break scan
				}
			case ',', ';':
				if depth == 0 {
					break scan
				}
			case '\n':
				if rest := strings.TrimLeft(src[i+1:], " \t"); depth == 0 && !strings.HasPrefix(rest, "?") && !strings.HasPrefix(rest, ":") {
					break scan
				}
			}
		}
		out = append(out, [2]int{m[1], i})
	}
	return out
}

// scanJS reports literals that read as words for a person: prose, or any
// letters at all when they go straight to the screen.
func scanJS(src string) []string {
	var out []string
	shown := sinks(src)
	for _, l := range jsLiterals(src) {
		s := l.text
		if l.key || !hasLetter(s) || allowed[s] != "" {
			continue
		}
		sink := false
		for _, r := range shown {
			sink = sink || (l.start >= r[0] && l.start < r[1])
		}
		// A path ("/join" after the host) is an address, not words; a
		// compared value or a selector is never shown.
		sink = sink && !strings.HasPrefix(s, "/") && !notShownRE.MatchString(src[:l.start])
		if sink || prose(s) {
			out = append(out, "words not from the catalogue: "+strings.TrimSpace(s))
		}
	}
	return out
}

func tKeys(src string) []string {
	var out []string
	for _, l := range jsLiterals(src) {
		if l.key {
			out = append(out, l.text)
		}
	}
	return out
}

var (
	keyRE       = regexp.MustCompile(`^[a-z]+(\.[a-zA-Z0-9]+)+$`)
	sentenceRE  = regexp.MustCompile(`[A-Za-z]{2,}[ ,;:]+[A-Za-z]`)
	capWordRE   = regexp.MustCompile(`^[A-Z][a-z]+[.…!?]?$`)
	punctEndRE  = regexp.MustCompile(`[a-z][.?!…:]\s*$`)
	upperStrtRE = regexp.MustCompile(`^\s*[A-Z][a-z]`)
)

// prose is text a person would read: a non-ASCII letter, a capitalised
// word, or words with a space between them that start with a capital or
// end like a sentence. Class lists ("note saved") and selectors are not.
func prose(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			return true
		}
	}
	if capWordRE.MatchString(s) {
		return true
	}
	return sentenceRE.MatchString(s) && (upperStrtRE.MatchString(s) || punctEndRE.MatchString(s))
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// jsLiterals walks a script: comments are skipped, regular expression
// literals are skipped, strings and templates are collected (a template's
// ${…} parts are walked as code). A literal is a key when it sits in the
// first argument of a call to t().
func jsLiterals(src string) []literal {
	var out []literal
	// tArgs tracks the open t( calls: the bracket depth at which each
	// began, and whether its first argument is still being read.
	type call struct {
		depth int
		first bool
	}
	var calls []call
	depth := 0
	inKey := func() bool {
		for _, c := range calls {
			if c.first {
				return true
			}
		}
		return false
	}
	prevSignificant := func(i int) byte {
		for j := i - 1; j >= 0; j-- {
			if c := src[j]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return c
			}
		}
		return 0
	}
	var walk func(i int, end byte) int
	walk = func(i int, end byte) int {
		for i < len(src) {
			c := src[i]
			switch {
			case end != 0 && c == end && depth == 0:
				return i
			case c == '/' && i+1 < len(src) && src[i+1] == '/':
				for i < len(src) && src[i] != '\n' {
					i++
				}
				continue
			case c == '/' && i+1 < len(src) && src[i+1] == '*':
				j := strings.Index(src[i+2:], "*/")
				if j < 0 {
					return len(src)
				}
				i += j + 4
				continue
			case c == '/' && strings.IndexByte("(,=:[!&|?{};+", prevSignificant(i)) >= 0:
				// A regular expression literal.
				i++
				inClass := false
				for i < len(src) && (src[i] != '/' || inClass) && src[i] != '\n' {
					if src[i] == '\\' {
						i++
					} else if src[i] == '[' {
						inClass = true
					} else if src[i] == ']' {
						inClass = false
					}
					i++
				}
			case c == '\'' || c == '"':
				start := i
				var b strings.Builder
				i++
				for i < len(src) && src[i] != c {
					if src[i] == '\\' && i+1 < len(src) {
						i++
					}
					b.WriteByte(src[i])
					i++
				}
				out = append(out, literal{text: b.String(), key: inKey() && keyRE.MatchString(b.String()), start: start})
			case c == '`':
				start := i
				var b strings.Builder
				i++
				for i < len(src) && src[i] != '`' {
					if src[i] == '\\' && i+1 < len(src) {
						i++
						b.WriteByte(src[i])
					} else if src[i] == '$' && i+1 < len(src) && src[i+1] == '{' {
						saved := depth
						depth = 0
						i = walk(i+2, '}')
						depth = saved
						b.WriteByte(' ')
					} else {
						b.WriteByte(src[i])
					}
					i++
				}
				out = append(out, literal{text: strings.TrimSpace(b.String()), start: start})
			case c == '(' || c == '[' || c == '{':
				depth++
				if c == '(' && i > 0 && src[i-1] == 't' && (i < 2 || !isIdent(src[i-2])) {
					calls = append(calls, call{depth: depth, first: true})
				}
			case c == ')' || c == ']' || c == '}':
				if len(calls) > 0 && calls[len(calls)-1].depth == depth && c == ')' {
					calls = calls[:len(calls)-1]
				}
				depth--
			case c == ',':
				if len(calls) > 0 && calls[len(calls)-1].depth == depth {
					calls[len(calls)-1].first = false
				}
			}
			i++
		}
		return i
	}
	walk(0, 0)
	return out
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || c == '.' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

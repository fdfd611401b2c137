package server_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/protocol"
)

// keyLiteral is a catalogue key written out in the public pages' templates
// or their Go code: a quoted "public.…" or "group.…". One that ends in a
// dot is the start of a key the code completes (keyEndings).
var keyLiteral = regexp.MustCompile(`"((?:public|group)\.[A-Za-z0-9.]*)"`)

// keyEndings are the ways the code completes each key start.
var keyEndings = map[string][]string{
	"public.month.":    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
	"public.th.stage.": {protocol.StagePresentation, protocol.StageFloor, protocol.StageEnded, "none"},
	// The default groups (a café's own are shown as written).
	"group.": func() []string {
		var out []string
		for _, id := range protocol.Groups {
			out = append(out, id+".name")
		}
		return out
	}(),
}

// The public pages' files: their templates and the Go code that draws them
// and words their refusals. (public.js is the views' scanner's: its keys
// are checked with the web app's.)
func publicPageSources(t *testing.T) []string {
	t.Helper()
	html, err := filepath.Glob("public/*.html")
	if err != nil || len(html) == 0 {
		t.Fatalf("no templates under public/ (%v)", err)
	}
	code, err := filepath.Glob("public*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := append(html, "errors.go")
	for _, f := range code {
		if !strings.HasSuffix(f, "_test.go") {
			out = append(out, f)
		}
	}
	return out
}

func TestEveryKeyOfThePublicPagesIsInEveryCatalogue(t *testing.T) {
	has := func(c map[string]string, k string) bool {
		if _, ok := c[k]; ok {
			return true
		}
		_, ok := c[k+".other"] // a counted message
		return ok
	}
	uses := map[string]string{} // key → the file that uses it
	for _, f := range publicPageSources(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyLiteral.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			if !strings.HasSuffix(key, ".") {
				uses[key] = f
				continue
			}
			endings, ok := keyEndings[key]
			if !ok {
				t.Errorf("%s completes the key %q in a way this test does not know: add its endings to keyEndings", f, key)
			}
			for _, e := range endings {
				uses[key+e] = f
			}
		}
	}
	// The templates name these, among others: a scan that misses them
	// reads the wrong files.
	for _, k := range []string{"public.hidden", "public.flag.open", "public.th.stage.none", "public.sent.contribute", "public.error.closed"} {
		if _, ok := uses[k]; !ok {
			t.Errorf("the scan did not find the key %q", k)
		}
	}
	if len(uses) < 80 {
		t.Errorf("found only %d keys: is the scan reading the pages?", len(uses))
	}
	for _, lang := range i18n.Langs {
		c := i18n.Catalogue(lang)
		for k, f := range uses {
			if !has(c, k) {
				t.Errorf("%s uses the key %q, which the %s catalogue does not have", f, k, lang)
			}
		}
	}
	if testing.Verbose() {
		t.Logf("%d keys, in all %d catalogues", len(uses), len(i18n.Langs))
	}
}

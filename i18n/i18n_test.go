package i18n_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/i18n"
)

var pluralSuffixes = []string{"zero", "one", "two", "few", "many", "other"}

// base splits a catalogue key into the message it belongs to and its
// plural form ("" for a plain message).
func base(key string) (string, string) {
	i := strings.LastIndexByte(key, '.')
	if i >= 0 && slices.Contains(pluralSuffixes, key[i+1:]) {
		return key[:i], key[i+1:]
	}
	return key, ""
}

// messages groups a catalogue by message: plain ones have the form "".
func messages(c map[string]string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for k, v := range c {
		b, form := base(k)
		if out[b] == nil {
			out[b] = map[string]string{}
		}
		out[b][form] = v
	}
	return out
}

func placeholders(msg string) []string {
	p := i18n.Placeholders(msg)
	sort.Strings(p)
	return slices.Compact(p)
}

// Every catalogue has every message of the English one and nothing else,
// no empty text, the same placeholders, and for a counted message every
// plural form its language needs.
func TestEveryCatalogueHasEveryKey(t *testing.T) {
	en := messages(i18n.Catalogue("en"))
	if len(en) < 100 {
		t.Fatalf("the English catalogue has %d messages; the views need more", len(en))
	}
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			c := i18n.Catalogue(lang)
			got := messages(c)
			for k, v := range c {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: %q is empty", lang, k)
				}
			}
			for b, forms := range en {
				mine, ok := got[b]
				if !ok {
					t.Errorf("%s: %q is missing", lang, b)
					continue
				}
				want := placeholders(forms[""] + forms["other"])
				if _, plain := forms[""]; plain {
					if _, ok := mine[""]; !ok || len(mine) != 1 {
						t.Errorf("%s: %q should be one plain message, has forms %v", lang, b, keys(mine))
						continue
					}
					if p := placeholders(mine[""]); !slices.Equal(p, want) {
						t.Errorf("%s: %q has placeholders %v, English has %v", lang, b, p, want)
					}
					continue
				}
				for _, f := range i18n.PluralForms[lang] {
					if _, ok := mine[f]; !ok {
						t.Errorf("%s: %q lacks the plural form %q", lang, b, f)
					}
				}
				for f, v := range mine {
					if f == "" || !slices.Contains(i18n.PluralForms[lang], f) {
						t.Errorf("%s: %q has a form %q the language does not use", lang, b, f)
						continue
					}
					// A form for one exact number may spell it out ("one
					// note", "نقطتان"); every other placeholder must stay.
					p := placeholders(v)
					if f == "other" || f == "many" || f == "few" {
						if !slices.Equal(p, want) {
							t.Errorf("%s: %q.%s has placeholders %v, English has %v", lang, b, f, p, want)
						}
					} else if extra := without(p, want); len(extra) > 0 {
						t.Errorf("%s: %q.%s has placeholders %v that English does not", lang, b, f, extra)
					}
				}
			}
			for b := range got {
				if _, ok := en[b]; !ok {
					t.Errorf("%s: %q is not in the English catalogue", lang, b)
				}
			}
		})
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func without(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// The plural rules agree with CLDR (what Intl.PluralRules says in the
// browser) on the numbers that tell the rules apart.
func TestPluralForm(t *testing.T) {
	cases := map[string]map[int]string{
		"en": {0: "other", 1: "one", 2: "other", 11: "other", 21: "other"},
		"fr": {0: "one", 1: "one", 2: "other", 1000000: "many"},
		"es": {0: "other", 1: "one", 2: "other", 1000000: "many"},
		"ru": {1: "one", 2: "few", 4: "few", 5: "many", 11: "many", 12: "many", 21: "one", 22: "few", 25: "many", 111: "many"},
		"zh": {0: "other", 1: "other", 2: "other"},
		"ar": {0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many", 100: "other", 102: "other", 103: "few"},
	}
	for lang, want := range cases {
		for n, form := range want {
			if got := i18n.PluralForm(lang, n); got != form {
				t.Errorf("PluralForm(%s, %d) = %s, want %s", lang, n, got, form)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	for header, want := range map[string]string{
		"":                          "en",
		"fr-CH, fr;q=0.9, en;q=0.8": "fr",
		"de-DE, de;q=0.9, es;q=0.5": "es",
		"en;q=0.3, ar;q=0.7":        "ar",
		"zh-TW":                     "zh",
		"ru_RU":                     "ru",
		"de, it":                    "en",
		"fr;q=0, es":                "es",
		"ar;q=bogus, zh;q=0.1":      "zh",
		"AR":                        "ar",
	} {
		if got := i18n.Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"en", "report.dots", []any{"n", 1}, "1 dot"},
		{"en", "report.dots", []any{"n", 3}, "3 dots"},
		{"ru", "report.dots", []any{"n", 3}, "3 точки"},
		{"ru", "report.dots", []any{"n", 5}, "5 точек"},
		{"ar", "report.dots", []any{"n", 2}, "نقطتان"},
		{"fr", "report.table", []any{"table", 4}, "table 4"},
		{"xx", "report.table", []any{"table", 4}, "table 4"}, // unknown language: English
		{"en", "no.such.key", nil, "no.such.key"},
		{"en", "table.n", nil, "Table {table}"}, // a missing parameter shows
	} {
		if got := i18n.Format(c.lang, c.key, c.args...); got != c.want {
			t.Errorf("Format(%s, %s, %v) = %q, want %q", c.lang, c.key, c.args, got, c.want)
		}
	}
}

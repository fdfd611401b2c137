// Package i18n holds the words of worldcafe in the six official languages
// of the United Nations: English, French, Spanish, Russian, Chinese and
// Arabic. One JSON file per language, embedded, is the single source: the
// web app fetches the same files (served under /static/i18n/), and the Go
// side uses them for the report's headings.
//
// A language's catalogue may be split by area: lang.json holds the views'
// words, and lang.AREA.json (lang.public.json, lang.report.json …) the words
// of one area; the files of a language are merged, and a key in two of them
// is a mistake the package refuses at start.
//
// A catalogue is a flat object of key → message. A message names its
// parameters in braces ("Table {n}"). A key that depends on a count has one
// entry per plural form of the language, "notes.one", "notes.other", and so
// on, picked by the same rules as the browser's Intl.PluralRules.
//
// The package never logs and never fails at run time: a missing message
// falls back to English, then to the key itself.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"strings"
)

//go:embed *.json
var files embed.FS

// Langs are the supported languages, English first (the default).
var Langs = []string{"en", "fr", "es", "ru", "zh", "ar"}

// Default is the language used when nothing better matches.
const Default = "en"

// parts are the files of each language by area ("" for LANG.json), and
// catalogues each language's files merged.
var parts, catalogues = func() (map[string]map[string]map[string]string, map[string]map[string]string) {
	parts := map[string]map[string]map[string]string{}
	out := map[string]map[string]string{}
	for _, l := range Langs {
		names, err := fs.Glob(files, l+".*json")
		if err != nil || len(names) == 0 {
			panic(fmt.Sprintf("i18n: no catalogue for %s", l)) // the embed directive guarantees the files
		}
		parts[l] = map[string]map[string]string{}
		m := map[string]string{}
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				panic(err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				panic(fmt.Sprintf("i18n: %s: %v", name, err)) // caught by the package's tests
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("i18n: %s: key %q is in another file of %s too", name, k, l))
				}
				m[k] = v
			}
			area := strings.TrimSuffix(strings.TrimPrefix(name, l+"."), "json")
			parts[l][strings.TrimSuffix(area, ".")] = part
		}
		out[l] = m
	}
	return parts, out
}()

// JSON is the messages of the given areas of one language ("" is LANG.json,
// "wall" LANG.wall.json …) as one JSON object: what the web app fetches
// under /static/i18n/. Nil for a language that is not supported.
func JSON(lang string, areas ...string) []byte {
	p, ok := parts[lang]
	if !ok {
		return nil
	}
	m := map[string]string{}
	for _, a := range areas {
		maps.Copy(m, p[a])
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // a map of strings always encodes
	}
	return b
}

// Catalogue returns a copy of one language's messages (nil for a language
// that is not supported).
func Catalogue(lang string) map[string]string {
	c, ok := catalogues[lang]
	if !ok {
		return nil
	}
	out := make(map[string]string, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// Supported reports whether lang is one of Langs.
func Supported(lang string) bool {
	_, ok := catalogues[lang]
	return ok
}

// Lookup returns the message for key in lang, falling back to English and
// then to the key itself.
func Lookup(lang, key string) string {
	if m, ok := catalogues[lang][key]; ok {
		return m
	}
	if m, ok := catalogues[Default][key]; ok {
		return m
	}
	return key
}

// Format looks key up and fills its parameters from args, given as name,
// value pairs. When args has a count "n" and key has plural forms, the form
// for that count in lang is used.
func Format(lang, key string, args ...any) string {
	params := map[string]string{}
	n, counted := 0, false
	for i := 0; i+1 < len(args); i += 2 {
		name := fmt.Sprint(args[i])
		params[name] = fmt.Sprint(args[i+1])
		if c, ok := args[i+1].(int); ok && name == "n" {
			n, counted = c, true
		}
	}
	msg := Lookup(lang, key)
	if counted && msg == key {
		msg = pluralMessage(lang, key, n)
	}
	return fill(msg, params)
}

func pluralMessage(lang, key string, n int) string {
	for _, l := range []string{lang, Default} {
		c := catalogues[l]
		if c == nil {
			continue
		}
		if m, ok := c[key+"."+PluralForm(l, n)]; ok {
			return m
		}
		if m, ok := c[key+".other"]; ok {
			return m
		}
	}
	return key
}

// fill replaces {name} with params[name]; an unknown name stays as it is,
// so a mistake shows instead of vanishing.
func fill(msg string, params map[string]string) string {
	if !strings.Contains(msg, "{") {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			break
		}
		name := msg[i+1 : i+j]
		b.WriteString(msg[:i])
		if v, ok := params[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(msg[i : i+j+1])
		}
		msg = msg[i+j+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// Placeholders lists the parameter names a message uses, in order.
func Placeholders(msg string) []string {
	var out []string
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, msg[i+1:i+j])
		msg = msg[i+j+1:]
	}
}

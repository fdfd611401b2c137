package server

import (
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// People's texts on the public pages are text: nothing in them is
// interpreted (no markup, no markdown), html/template escapes them, and
// the only thing made of them is a link, for a plain http or https URL,
// which the page marks as the writer's, not the site's.

// linkRel is what every link out of people's texts carries: search engines
// give it no weight, and the page it opens cannot reach back.
const linkRel = "nofollow ugc noopener"

// urlInText finds candidates; safeLink decides.
var urlInText = regexp.MustCompile(`https?://[^\s<>"']+`)

// safeLink says whether s is a plain http or https URL with a host, the
// only links the public pages make.
func safeLink(s string) bool {
	if s == "" || len(s) > 2000 || strings.ContainsAny(s, " \t\r\n<>\"'`\\") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// linkify escapes text and makes its plain http(s) URLs links. Closing
// punctuation at a URL's end is left out of it ("see https://a.org/x.").
func linkify(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range urlInText.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		for end > start && strings.ContainsRune(".,;:!?)]}", rune(text[end-1])) {
			end--
		}
		link := text[start:end]
		if !safeLink(link) {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[last:start]))
		b.WriteString(`<a href="`)
		b.WriteString(template.HTMLEscapeString(link))
		b.WriteString(`" rel="` + linkRel + `">`)
		b.WriteString(template.HTMLEscapeString(link))
		b.WriteString(`</a>`)
		last = end
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

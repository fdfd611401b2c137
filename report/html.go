package report

import (
	_ "embed"
	"html/template"
	"io"
	"time"

	"github.com/worldcafe/worldcafe/i18n"
)

//go:embed report.html.tmpl
var htmlTemplate string

// CSS is the style block of the HTML report, inline so the file is whole on
// its own; a server sending it under a Content-Security-Policy allows
// exactly this block by its hash.
//
//go:embed report.css
var CSS string

var reportHTML = template.Must(template.New("report").Funcs(langFuncs(Report{}, i18n.Default)).Funcs(template.FuncMap{
	"counts": counts,
	"inc":    func(i int) int { return i + 1 },
	"groups": sortedGroups,
	"iso":    func(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339) },
	"clock":  func(ms int64) string { return time.UnixMilli(ms).UTC().Format("15:04") },
	"css":    func() template.CSS { return template.CSS(CSS) },
}).Parse(htmlTemplate))

// langFuncs are the template's words, in lang: the headings from the
// catalogues, the page's language and direction, and group names.
func langFuncs(r Report, lang string) template.FuncMap {
	dir := "ltr"
	if lang == "ar" {
		dir = "rtl"
	}
	return template.FuncMap{
		"tr":    func(key string, args ...any) string { return i18n.Format(lang, key, args...) },
		"lang":  func() string { return lang },
		"dir":   func() string { return dir },
		"group": func(g string) string { return r.groupIn(lang, g) },
	}
}

func writeHTML(w io.Writer, r Report, lang string) error {
	t, err := reportHTML.Clone()
	if err != nil {
		return err
	}
	return t.Funcs(langFuncs(r, lang)).Execute(w, r)
}

package report

import (
	_ "embed"
	"html/template"
	"io"
	"time"
)

//go:embed report.html.tmpl
var htmlTemplate string

// CSS is the style block of the HTML report, inline so the file is whole on
// its own; a server sending it under a Content-Security-Policy allows
// exactly this block by its hash.
//
//go:embed report.css
var CSS string

var reportHTML = template.Must(template.New("report").Funcs(template.FuncMap{
	"group":  groupLabel,
	"plural": plural,
	"counts": counts,
	"inc":    func(i int) int { return i + 1 },
	"groups": sortedGroups,
	"iso":    func(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339) },
	"clock":  func(ms int64) string { return time.UnixMilli(ms).UTC().Format("15:04") },
	"css":    func() template.CSS { return template.CSS(CSS) },
}).Parse(htmlTemplate))

func writeHTML(w io.Writer, r Report) error { return reportHTML.Execute(w, r) }

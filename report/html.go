package report

import (
	_ "embed"
	"html/template"
	"io"
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
	"utc":    utc,
	"css":    func() template.CSS { return template.CSS(CSS) },
}).Parse(htmlTemplate))

func writeHTML(w io.Writer, r Report) error { return reportHTML.Execute(w, r) }

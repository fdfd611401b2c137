package report

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/worldcafe/worldcafe/i18n"
)

//go:embed consultation.html.tmpl
var consultationTemplate string

//go:embed consultation.css
var consultationCSS string

// ConsultationCSS is the style block of the HTML outcome report: the
// café's report's style and the outcome document's own (numbered parts, a
// page per part in print). A server sending the page under a
// Content-Security-Policy allows exactly this block by its hash.
var ConsultationCSS = CSS + consultationCSS

var consultationHTML = template.Must(template.New("consultation").
	Funcs(consultationFuncs(words{lang: i18n.Default})).Parse(consultationTemplate))

// groupTable is a part's table of stakeholder groups: its two count
// columns' headings and its rows.
type groupTable struct {
	A, B string
	Rows []groupRow
}

// consultationFuncs are the template's words in wd's language and the
// helpers it lays the report out with.
func consultationFuncs(wd words) template.FuncMap {
	dir := "ltr"
	if wd.lang == "ar" {
		dir = "rtl"
	}
	return template.FuncMap{
		"tr":   wd.tr,
		"lang": func() string { return wd.lang },
		"dir":  func() string { return dir },
		"css":  func() template.CSS { return template.CSS(ConsultationCSS) },
		"add":  func(a, b int) int { return a + b },
		"date": date,
		// around is a message split at its one parameter, so the
		// parameter's typed text can have an element of its own.
		"around": func(key, param string) [2]string {
			before, after, _ := strings.Cut(wd.tr(key), "{"+param+"}")
			return [2]string{before, after}
		},
		"themed":         themed,
		"hiddenOf":       hiddenOf,
		"format":         wd.format,
		"when":           wd.when,
		"cafeCounts":     wd.cafeCounts,
		"townHallCounts": wd.townHallCounts,
		"onlineCounts":   wd.onlineCounts,
		"questionCounts": wd.onlineQuestionCounts,
		"groups": func(a, b string, ma, mb map[string]int) groupTable {
			return groupTable{A: a, B: b, Rows: wd.groupRows(ma, mb)}
		},
	}
}

func writeConsultationHTML(w io.Writer, c Consultation, lang string) error {
	t, err := consultationHTML.Clone()
	if err != nil {
		return err
	}
	return t.Funcs(consultationFuncs(words{lang: lang, c: c})).Execute(w, c)
}

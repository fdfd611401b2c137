package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/worldcafe/worldcafe/i18n"
)

// WriteConsultation writes the outcome report c in format (one of
// Formats), with the headings in opt.Lang. JSON is the model itself, one
// object with stable field names; CSV is one row per item.
func WriteConsultation(w io.Writer, c Consultation, format string, opt Options) error {
	lang := opt.Lang
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	case "csv":
		return writeConsultationCSV(w, c)
	case "md":
		return writeConsultationMarkdown(w, c, lang)
	case "html":
		return writeConsultationHTML(w, c, lang)
	}
	return fmt.Errorf("unknown report format %q (have %s)", format, strings.Join(Formats, ", "))
}

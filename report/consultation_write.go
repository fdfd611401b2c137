package report

import "io"

// WriteConsultation writes the outcome report c in format (one of
// Formats), with the headings in opt.Lang. JSON is the model itself, one
// object with stable field names; CSV is one row per item.
func WriteConsultation(w io.Writer, c Consultation, format string, opt Options) error {
	return writeIn(w, c, format, opt, writers[Consultation]{csv: writeConsultationCSV, md: writeConsultationMarkdown, html: writeConsultationHTML})
}

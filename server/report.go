package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
	"github.com/worldcafe/worldcafe/store"
)

// reportCSP allows the HTML report's one inline style block by its hash and
// nothing else.
var reportCSP = func() string {
	sum := sha256.Sum256([]byte(report.CSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; frame-ancestors 'none'"
}()

// handleReport sends a café's report to its facilitator. The token comes in
// a POSTed form field (what the tablet's "Report" button sends, so it never
// lands in a URL or a log) or as "Authorization: Bearer".
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		token = r.PostFormValue("token")
	}
	format := r.PostFormValue("format")
	if format == "" {
		format = "html"
	}
	if !slices.Contains(report.Formats, format) {
		s.writeError(w, protocol.Errorf(protocol.CodeInvalid, "format must be one of %s", strings.Join(report.Formats, ", ")))
		return
	}
	// The headings' language: the tablet sends its own; otherwise the
	// browser's.
	lang := r.PostFormValue("lang")
	if !i18n.Supported(lang) {
		lang = i18n.Match(r.Header.Get("Accept-Language"))
	}
	id := r.PathValue("cafe")
	g, err := s.store.Grant(r.Context(), hashToken(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (g.Cafe != id || g.Role != protocol.RoleFacilitator)) {
		s.writeError(w, protocol.Errorf(protocol.CodeUnauthorized, "only this café's facilitator can download its report"))
		return
	}
	if err != nil {
		s.writeError(w, err)
		return
	}
	rn, err := s.runner(r.Context(), id)
	if err != nil {
		s.writeError(w, err)
		return
	}
	rep, err := rn.report(r.Context())
	if err != nil {
		s.writeError(w, err)
		return
	}
	var buf bytes.Buffer
	if err := report.WriteWith(&buf, rep, format, report.Options{Lang: lang}); err != nil {
		s.writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", report.ContentType[format])
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", reportCSP)
	if format != "html" {
		h.Set("Content-Disposition", `attachment; filename="worldcafe-report.`+format+`"`)
	}
	w.Write(buf.Bytes())
}

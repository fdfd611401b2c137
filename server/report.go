package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
	"github.com/worldcafe/worldcafe/store"
)

// reportCSP and consultationCSP allow the HTML report's one inline style
// block by its hash and nothing else.
var (
	reportCSP       = styleOnlyCSP(report.CSS)
	consultationCSP = styleOnlyCSP(report.ConsultationCSS)
)

func styleOnlyCSP(css string) string {
	sum := sha256.Sum256([]byte(css))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; frame-ancestors 'none'"
}

// modeConsultation is the report form's mode for the consultation's
// outcome report; no mode is the café's report.
const modeConsultation = "consultation"

// handleReport sends a café's report to its facilitator, or with
// mode=consultation the outcome report of the consultation around it. The
// token comes in a POSTed form field (what the tablet's "Report" button
// sends, so it never lands in a URL or a log) or as "Authorization: Bearer".
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
	mode := r.PostFormValue("mode")
	if mode != "" && mode != modeConsultation {
		s.writeError(w, protocol.Errorf(protocol.CodeInvalid, "mode must be %s, or left out for the café's report", modeConsultation))
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
	var buf bytes.Buffer
	opt, csp, name := report.Options{Lang: lang}, reportCSP, "worldcafe-report."
	if mode == modeConsultation {
		csp, name = consultationCSP, "worldcafe-consultation."
		var c report.Consultation
		now := s.cfg.Now()
		if err := rn.peek(r.Context(), func(st *cafe.State) { c = report.BuildConsultation(st, now) }); err != nil {
			s.writeError(w, err)
			return
		}
		err = report.WriteConsultation(&buf, c, format, opt)
	} else {
		var rep report.Report
		if rep, err = rn.report(r.Context()); err != nil {
			s.writeError(w, err)
			return
		}
		err = report.WriteWith(&buf, rep, format, opt)
	}
	if err != nil {
		s.writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", report.ContentType[format])
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", csp)
	if format != "html" {
		h.Set("Content-Disposition", `attachment; filename="`+name+format+`"`)
	}
	w.Write(buf.Bytes())
}

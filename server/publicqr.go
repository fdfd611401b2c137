package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// handlePublicQR draws the QR code of a consultation's public address, as
// an SVG (sharp at any size, for print) or a PNG. The address is always
// the public URL's, never the Host of whoever asked. The drawing is kept
// in the join codes' QR cache.
func (s *Server) handlePublicQR(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := s.resolve(r.Context(), r, pageConsultation)
		if err != nil {
			s.writeError(w, err)
			return
		}
		link := s.baseURL(r) + "/o/" + t.code
		img, ok := s.edge.qr.get(format + " " + link)
		if !ok {
			q, err := qrcode.New(link, qrcode.Medium)
			if err != nil {
				s.writeError(w, fmt.Errorf("drawing a QR code: %w", err))
				return
			}
			if format == "svg" {
				img = qrSVG(q.Bitmap())
			} else if img, err = q.PNG(512); err != nil {
				s.writeError(w, fmt.Errorf("drawing a QR code: %w", err))
				return
			}
			s.edge.qr.put(format+" "+link, img)
		}
		ct := "image/png"
		if format == "svg" {
			ct = "image/svg+xml"
			// An SVG is a document: it may run nothing and load nothing.
			w.Header().Set("Content-Security-Policy", "default-src 'none'")
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(img)
	}
}

// qrSVG draws a QR bitmap (its quiet zone included) as one SVG path, one
// unit per module.
func qrSVG(bits [][]bool) []byte {
	n := strconv.Itoa(len(bits))
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + ` ` + n + `" shape-rendering="crispEdges">`)
	b.WriteString(`<rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bits {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String())
}

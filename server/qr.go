package server

import (
	"net/http"

	qrcode "github.com/skip2/go-qrcode"
)

// handleQR draws the QR code of a café's join link, so phones can join by
// scanning the tablet or the wall. It is made here, not by an outside
// service: the room may have no internet. The code is public (it is on the
// wall), so the image needs no token.
func (s *Server) handleQR(w http.ResponseWriter, r *http.Request) {
	code := NormalizeJoinCode(r.PathValue("code"))
	if code == "" || len(code) > 16 {
		writeError(w, errBadCode)
		return
	}
	png, err := qrcode.Encode(s.baseURL(r)+"/join/"+code, qrcode.Medium, 512)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(png)
}

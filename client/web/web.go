// Package web is the embedded web app: the facilitator's tablet, the
// attendees' phones and the projector wall. Plain HTML, CSS and ES modules
// served from the binary: no build step, nothing loaded from elsewhere
// (meeting rooms are often offline), and a strict Content-Security-Policy
// (no inline script, no eval).
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed static
var files embed.FS

// pages maps the app's paths to their HTML files. Everything else under
// /static/ is an asset.
var pages = map[string]string{
	"/":           "static/index.html",
	"/facilitate": "static/facilitate.html",
	"/join":       "static/join.html",
	"/wall":       "static/wall.html",
}

// Handler serves the pages and assets with security headers.
func Handler() http.Handler {
	static, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	assets := http.StripPrefix("/static/", http.FileServerFS(static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w, r)
		path := r.URL.Path
		if strings.HasPrefix(path, "/join/") { // /join/CODE from the QR code
			path = "/join"
		}
		if page, ok := pages[path]; ok {
			b, err := files.ReadFile(page)
			if err != nil {
				http.Error(w, "page missing", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Write(b)
			return
		}
		if strings.HasPrefix(path, "/static/") {
			w.Header().Set("Cache-Control", "no-cache")
			assets.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
}

// setSecurityHeaders sets a CSP that allows only this server's own scripts,
// styles and images, and WebSockets to this host.
func setSecurityHeaders(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	csp := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self' ws://" + host + " wss://" + host + "; manifest-src 'self'; " +
		"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

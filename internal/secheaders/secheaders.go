// Package secheaders sets the security headers of every page the server
// sends a browser: the web app's views and the online space's public
// pages. One place, so that the pages can never drift apart: a public
// page is read by anyone on the internet and shows text anyone typed.
//
// The policy allows only this server's own scripts, styles and images, no
// inline script or style and no eval, WebSockets to this host only, forms
// posted only to this server, and no framing. It must never allow another
// origin: the rooms the app serves are often offline, and the pages load
// nothing from elsewhere.
package secheaders

import "net/http"

// Set sets the Content-Security-Policy and the headers that go with it.
// The WebSocket sources name the host the browser asked for, since that is
// where its page's script connects.
func Set(w http.ResponseWriter, r *http.Request) {
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

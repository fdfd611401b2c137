package secheaders_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/internal/secheaders"
)

func TestPagesMayLoadOnlyTheirOwnServersFilesAndNoInlineCode(t *testing.T) {
	rec := httptest.NewRecorder()
	secheaders.Set(rec, httptest.NewRequest("GET", "http://cafe.example:8080/o/ABCDEFGH", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "style-src 'self';", "form-action 'self'", "frame-ancestors 'none'", "ws://cafe.example:8080", "wss://cafe.example:8080"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q allows inline code", csp)
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
		if got := rec.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
}

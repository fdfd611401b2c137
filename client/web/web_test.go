package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(h http.Handler, path string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAssetsAreGzippedAndARepeatVisitCostsA304(t *testing.T) {
	h := Handler()
	want, err := files.ReadFile("static/js/ui.js")
	if err != nil {
		t.Fatal(err)
	}
	plain := get(h, "/static/js/ui.js", nil)
	if plain.Code != 200 || plain.Body.String() != string(want) || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("plain GET: %d, encoding %q", plain.Code, plain.Header().Get("Content-Encoding"))
	}
	zipped := get(h, "/static/js/ui.js", map[string]string{"Accept-Encoding": "br, gzip"})
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Body.Len() >= len(want) {
		t.Fatalf("gzip GET: encoding %q, %d bytes of %d", zipped.Header().Get("Content-Encoding"), zipped.Body.Len(), len(want))
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != string(want) {
		t.Fatal("the gzipped body is not the file")
	}
	etag := plain.Header().Get("ETag")
	if etag == "" || zipped.Header().Get("ETag") != etag {
		t.Fatalf("ETags %q and %q", etag, zipped.Header().Get("ETag"))
	}
	if cc := plain.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Fatalf("Cache-Control %q: unversioned URLs must be revalidated", cc)
	}
	again := get(h, "/static/js/ui.js", map[string]string{"If-None-Match": etag})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Fatalf("a repeat visit answered %d with %d bytes, want a bodiless 304", again.Code, again.Body.Len())
	}
	if other := get(h, "/static/css/app.css", map[string]string{"If-None-Match": etag}); other.Code != 200 {
		t.Fatalf("another file with ui.js's ETag answered %d", other.Code)
	}
	if page := get(h, "/join/K7QM3X", nil); page.Code != 200 || page.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("the join page answered %d %q", page.Code, page.Header().Get("Content-Type"))
	}
}

func TestThePagesNameVersionedFilesThatAreKeptForAYear(t *testing.T) {
	h := Handler()
	page := get(h, "/join/K7QM3X", nil).Body.String()
	m := regexp.MustCompile(`"(/static/v/[A-Za-z0-9_-]+/)js/attend\.js"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the join page names no versioned attend.js:\n%s", page)
	}
	if strings.Contains(page, `"/static/js/`) || strings.Contains(page, `"/static/css/`) {
		t.Errorf("the join page still names an unversioned file")
	}
	want, err := files.ReadFile("static/js/attend.js")
	if err != nil {
		t.Fatal(err)
	}
	kept := get(h, m[1]+"js/attend.js", nil)
	if kept.Code != 200 || kept.Body.String() != string(want) {
		t.Fatalf("the versioned file answered %d", kept.Code)
	}
	if cc := kept.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("the versioned file has Cache-Control %q", cc)
	}
	if cc := get(h, "/static/v/older/js/attend.js", nil).Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("another version's file has Cache-Control %q, want no-cache: its content is today's", cc)
	}
	if cc := get(h, "/", nil).Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("a page has Cache-Control %q, want no-cache", cc)
	}
}

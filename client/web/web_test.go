package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
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

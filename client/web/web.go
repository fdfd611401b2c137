// Package web is the embedded web app: the facilitator's tablet, the
// attendees' phones and the projector wall. Plain HTML, CSS and ES modules
// served from the binary: no build step, nothing loaded from elsewhere
// (meeting rooms are often offline), and a strict Content-Security-Policy
// (no inline script, no eval).
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/internal/acceptenc"
	"github.com/worldcafe/worldcafe/internal/secheaders"
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
	"/scribe":     "static/scribe.html",
}

// asset is one embedded file, ready to send: its bytes, a gzip copy when
// that is smaller, and an ETag over the content.
type asset struct {
	body, gz    []byte
	contentType string
	etag        string
}

// Handler serves the pages and assets with security headers. Every file is
// read, hashed and compressed once, here. The pages are revalidated on every
// visit (Cache-Control: no-cache), so a new binary is picked up at once. The
// files they name carry the version of the whole set in their URLs
// (/static/v/VERSION/...): a browser keeps those for a year without asking
// again, which spares a phone on a slow link a round trip of 304s on every
// visit, and a new binary, with other files, names other URLs. The same
// files under plain /static/ are revalidated like the pages.
func Handler() http.Handler {
	assets := map[string]*asset{} // by URL path
	all := sha256.New()           // over every file: the version
	err := fs.WalkDir(files, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		assets["/"+name] = newAsset(name, b)
		all.Write([]byte(name))
		all.Write(b)
		return nil
	})
	if err != nil {
		panic(err) // the embed directive guarantees the files
	}
	// The message catalogues live in package i18n (the report and the
	// public pages use them too). Every view fetches LANG.json: the words
	// all views share; the tablet also LANG.facilitate.json (its page says
	// so with data-catalogue). The words only the server draws (the
	// public pages, the report) are not sent: a phone on a slow link pays
	// for every byte of its first visit.
	for _, lang := range i18n.Langs {
		for name, areas := range map[string][]string{
			lang + ".json":            {"", "wall", "publive"},
			lang + ".facilitate.json": {"facilitate"},
		} {
			b := i18n.JSON(lang, areas...)
			assets["/static/i18n/"+name] = newAsset(name, b)
			all.Write([]byte("i18n/" + name))
			all.Write(b)
		}
	}
	version := base64.RawURLEncoding.EncodeToString(all.Sum(nil)[:9])
	for p, name := range pages {
		a := assets["/"+name]
		assets[p] = newAsset(name, bytes.ReplaceAll(a.body, []byte(`"/static/`), []byte(`"/static/v/`+version+`/`)))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secheaders.Set(w, r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		if strings.HasPrefix(p, "/join/") { // /join/CODE from the QR code
			p = "/join"
		}
		cache := "no-cache"
		if rest, ok := strings.CutPrefix(p, "/static/v/"); ok {
			// A page of an older binary still open may ask for its
			// version: it gets today's files, revalidated.
			v, file, _ := strings.Cut(rest, "/")
			p = "/static/" + file
			if v == version {
				cache = "public, max-age=31536000, immutable"
			}
		}
		// Only files are served: no directory listings, and a path that is
		// not clean, valid text (an overlong UTF-8 sequence, say) is simply
		// not there.
		a, ok := assets[p]
		if !ok || path.Clean(p) != p {
			http.NotFound(w, r)
			return
		}
		a.serve(w, r, cache)
	})
}

func newAsset(name string, b []byte) *asset {
	sum := sha256.Sum256(b)
	a := &asset{
		body:        b,
		contentType: mime.TypeByExtension(path.Ext(name)),
		etag:        `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
	}
	if a.contentType == "" {
		a.contentType = "application/octet-stream"
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	if buf.Len() < len(b) {
		a.gz = buf.Bytes()
	}
	return a
}

func (a *asset) serve(w http.ResponseWriter, r *http.Request, cache string) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", cache)
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	if etagMatches(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptenc.Gzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// etagMatches reads If-None-Match: a list of tags, weak or strong, or *.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

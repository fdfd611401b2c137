package server

import (
	"errors"
	"fmt"
	"net/http"
	"sync"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
)

// qrCacheSize bounds the rendered QR codes kept: a few per café in use (one
// per public address it is reached at) for a few hundred cafés.
const qrCacheSize = 512

// handleQR draws the QR code of a café's join link, so phones can join by
// scanning the tablet or the wall. It is made here, not by an outside
// service: the room may have no internet. The code is public (it is on the
// wall), so the image needs no token; it is drawn only for codes that
// exist, once, and the request budget of the address pays for it.
func (s *Server) handleQR(w http.ResponseWriter, r *http.Request) {
	code := NormalizeJoinCode(r.PathValue("code"))
	if code == "" || len(code) > maxTypedCode {
		s.writeError(w, errBadCode)
		return
	}
	link := s.baseURL(r) + "/join/" + code
	png, ok := s.edge.qr.get(link)
	if !ok {
		_, err := s.store.CafeByCode(r.Context(), code)
		if errors.Is(err, store.ErrNotFound) {
			s.writeError(w, protocol.Errorf(protocol.CodeNotFound, "no café has the code %s", code))
			return
		}
		if err == nil {
			png, err = qrcode.Encode(link, qrcode.Medium, 512)
		}
		if err != nil {
			err = fmt.Errorf("drawing a QR code: %w", err)
			s.writeError(w, err)
			return
		}
		s.edge.qr.put(link, png)
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(png)
}

// qrCache keeps rendered QR codes by link, dropping the oldest when full.
type qrCache struct {
	mu    sync.Mutex
	max   int
	m     map[string][]byte
	order []string // insertion order, oldest first
}

func newQRCache(max int) *qrCache {
	return &qrCache{max: max, m: map[string][]byte{}}
}

func (c *qrCache) get(link string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	png, ok := c.m[link]
	return png, ok
}

func (c *qrCache) put(link string, png []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[link]; ok {
		return
	}
	if len(c.order) >= c.max {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.m[link] = png
	c.order = append(c.order, link)
}

// len is the number of codes kept.
func (c *qrCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

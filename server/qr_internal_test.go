package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store/bolt"
)

func TestQRCodesAreDrawnOnceAndTheCacheStaysBounded(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "worldcafe.db"), bolt.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := New(Config{Store: st, IPRequestRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCafe(context.Background(), protocol.CreateCafe{Title: "QR"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	get := func(code string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/api/qr/"+code, nil))
		return rec
	}
	first, second := get(c.JoinCode), get(c.JoinCode)
	if first.Code != http.StatusOK || second.Body.String() != first.Body.String() {
		t.Fatalf("answers %d and %d differ", first.Code, second.Code)
	}
	if n := s.edge.qr.len(); n != 1 {
		t.Fatalf("%d QR codes kept after two requests for one code, want 1", n)
	}
	if get("ZZZZZZ").Code != http.StatusNotFound || s.edge.qr.len() != 1 {
		t.Fatal("a code no café has was drawn or kept")
	}
	for i := range qrCacheSize + 50 {
		s.edge.qr.put(fmt.Sprintf("http://x/join/%d", i), []byte{1})
	}
	if n := s.edge.qr.len(); n != qrCacheSize {
		t.Fatalf("%d QR codes kept, want the bound %d", n, qrCacheSize)
	}
}

func TestJoinCodeCharactersAreUniform(t *testing.T) {
	counts := map[rune]int{}
	const draws = 20_000
	for range draws {
		code := NewJoinCode()
		if len(code) != JoinCodeLength {
			t.Fatalf("code %q has %d characters", code, len(code))
		}
		for _, r := range code {
			counts[r]++
		}
	}
	if len(counts) != len(joinAlphabet) {
		t.Fatalf("%d distinct characters drawn, want %d", len(counts), len(joinAlphabet))
	}
	// With a plain modulo, the first 8 letters come up 9/8 as often as the
	// rest (256 = 8·31 + 8): 12.5% more, far beyond the noise of 120,000
	// draws (a few percent per character at 4 σ).
	want := float64(draws*JoinCodeLength) / float64(len(joinAlphabet))
	var first, rest float64
	for i, r := range joinAlphabet {
		if i < 256%len(joinAlphabet) {
			first += float64(counts[r])
		} else {
			rest += float64(counts[r])
		}
	}
	first /= float64(256 % len(joinAlphabet))
	rest /= float64(len(joinAlphabet) - 256%len(joinAlphabet))
	if ratio := first / rest; ratio > 1.05 || ratio < 0.95 {
		t.Fatalf("the first characters come up %.3f times as often as the rest (want 1; a modulo draw gives 1.125; expected %.0f each)", ratio, want)
	}
}

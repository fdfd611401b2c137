package acceptenc_test

import (
	"testing"

	"github.com/worldcafe/worldcafe/internal/acceptenc"
)

func TestGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "br, gzip;q=0.8": true, "GZIP": true, "gzip;q=0": false, "gzip; q = 0": false, "deflate": false,
	} {
		if got := acceptenc.Gzip(header); got != want {
			t.Errorf("Gzip(%q) = %v, want %v", header, got, want)
		}
	}
}

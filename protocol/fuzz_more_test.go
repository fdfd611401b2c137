package protocol_test

import (
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
)

// FuzzFrameID: reading the id of a refused frame never panics and never
// returns an id longer than the limit.
func FuzzFrameID(f *testing.F) {
	for _, s := range seedFrames {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if id := protocol.FrameID(b); len(id) > protocol.MaxIDBytes {
			t.Fatalf("id of %d bytes", len(id))
		}
	})
}

// FuzzDecodeHello: a hello either decodes with a token and a café, or is
// refused with a protocol error.
func FuzzDecodeHello(f *testing.F) {
	f.Add([]byte(`{"token":"t","cafe":"c","epoch":1,"seq":2}`))
	f.Add([]byte(`{"token":"","cafe":"c"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := protocol.DecodeHello(&protocol.Envelope{V: protocol.Version, Type: protocol.TypeHello, Data: data})
		if err != nil {
			if protocol.ErrorCode(err) == protocol.CodeInternal {
				t.Fatalf("non-protocol error %v", err)
			}
			return
		}
		if h.Token == "" || h.Cafe == "" {
			t.Fatalf("accepted hello without token or café: %+v", h)
		}
	})
}

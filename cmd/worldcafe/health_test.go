package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
)

// The container's HEALTHCHECK is `worldcafe health`: it must say yes to a
// serving server and no, with a non-zero exit, to anything else.
func TestHealthExitsZeroOnlyForAServerThatAnswers(t *testing.T) {
	m := &Main{Stdout: io.Discard, Stderr: io.Discard}
	if err := m.ParseFlags([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	base := "http://" + m.ln.Addr().String()

	for _, path := range []string{"/healthz", "/readyz"} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"health", "-url", base + path}, &out, &errOut); code != 0 {
			t.Fatalf("health of %s exited %d: %s", path, code, errOut.String())
		}
		if strings.TrimSpace(out.String()) == "" {
			t.Errorf("health of %s printed nothing", path)
		}
	}

	// Not a 200: a path the server answers with 404.
	var errOut bytes.Buffer
	if code := run(context.Background(), []string{"health", "-url", base + "/api/no-such-thing"}, io.Discard, &errOut); code != 1 {
		t.Errorf("health of a 404 exited %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "404") {
		t.Errorf("health of a 404 said %q, want the status", errOut.String())
	}

	// Nobody listening: a port that was free a moment ago.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/healthz"
	ln.Close()
	if code := run(context.Background(), []string{"health", "-url", closed, "-timeout", "2s"}, io.Discard, io.Discard); code != 1 {
		t.Errorf("health of a closed port exited %d, want 1", code)
	}

	if code := run(context.Background(), []string{"health", "extra"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("health with an extra argument exited %d, want 2", code)
	}
}

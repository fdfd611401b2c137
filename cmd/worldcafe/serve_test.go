package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serveOnce starts worldcafe serve on a free port and returns what it
// printed.
func serveOnce(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: io.Discard}
	if err := m.ParseFlags(append([]string{"-addr", "127.0.0.1:0"}, args...)); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestServeKeepsItsAdminKeyAndPrintsTheCreateLink(t *testing.T) {
	dir := t.TempDir()
	first := serveOnce(t, "-data", dir)
	fi, err := os.Stat(filepath.Join(dir, "admin-token"))
	if err != nil {
		t.Fatalf("no admin key kept: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin-token has mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(filepath.Join(dir, "admin-token"))
	key := strings.TrimSpace(string(b))
	if len(key) < 32 || !strings.Contains(first, "/#key="+key) {
		t.Fatalf("key %q not in the printed links:\n%s", key, first)
	}
	if again := serveOnce(t, "-data", dir); !strings.Contains(again, "/#key="+key) {
		t.Fatalf("after a restart the link changed:\n%s", again)
	}
	if given := serveOnce(t, "-data", dir, "-admin-token", "chosen-by-the-operator"); !strings.Contains(given, "/#key=chosen-by-the-operator") {
		t.Fatalf("-admin-token was not used:\n%s", given)
	}
}

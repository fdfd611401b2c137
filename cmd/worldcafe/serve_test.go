package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
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

func TestLinksNameTheLANAddressEvenWhenTheTabletOpenedLocalhost(t *testing.T) {
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: io.Discard}
	if err := m.ParseFlags([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, port, _ := net.SplitHostPort(m.ln.Addr().String())
	want := "http://" + net.JoinHostPort(lanAddress(), port) + "/join/"
	// The facilitator's tablet is this machine, opened as localhost.
	req, err := http.NewRequest("POST", "http://"+m.ln.Addr().String()+"/api/cafes", strings.NewReader(`{"title":"Here"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "localhost:" + port
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var created protocol.Created
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %v", resp.StatusCode, err)
	}
	if !strings.HasPrefix(created.JoinURL, want) {
		t.Errorf("join link %s, want it under %s", created.JoinURL, want)
	}
	if !strings.Contains(out.String(), want[:len(want)-len("/join/")]) {
		t.Errorf("the printed links do not name %s:\n%s", want, out.String())
	}
}

func TestAnEnvironmentNumberThatDoesNotParseIsRefused(t *testing.T) {
	for name, value := range map[string]string{"WORLDCAFE_IP_MAX_CONNS": "abc", "WORLDCAFE_LEASE": "3"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, value)
			m := &Main{Stdout: io.Discard, Stderr: io.Discard}
			err := m.ParseFlags(nil)
			if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), name) {
				t.Fatalf("ParseFlags with %s=%q = %v, want a usage error naming it", name, value, err)
			}
		})
	}
}

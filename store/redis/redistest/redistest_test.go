package redistest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestWithoutRedisServer runs this test binary again with a PATH that holds
// no redis-server: a test that needs it is skipped locally and fails under
// CI=true.
func TestWithoutRedisServer(t *testing.T) {
	if os.Getenv("REDISTEST_CHILD") == "1" {
		StartServer(t)
		t.Fatal("StartServer returned without redis-server on PATH")
	}
	tests := []struct {
		ci       string
		wantFail bool
		wantText string
	}{
		{"", false, "--- SKIP"},
		{"true", true, "CI=true"},
	}
	for _, tt := range tests {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^TestWithoutRedisServer$", "-test.v")
			cmd.Env = append(os.Environ(), "REDISTEST_CHILD=1", "PATH="+t.TempDir(), "CI="+tt.ci)
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tt.wantFail {
				t.Errorf("child failed = %v (%v), want %v; output:\n%s", failed, err, tt.wantFail, out)
			}
			if !strings.Contains(string(out), tt.wantText) {
				t.Errorf("child output does not contain %q:\n%s", tt.wantText, out)
			}
		})
	}
}

func TestKillNineAndRestartKeepThePortAndFiles(t *testing.T) {
	s := StartServer(t)
	pid, url := s.Pid(), s.URL
	if pid == 0 {
		t.Fatal("Pid of a running server is 0")
	}
	s.Kill9(t)
	if s.Pid() != 0 {
		t.Error("Pid after Kill9 is not 0")
	}
	if err := exec.Command("redis-cli", "-u", url, "PING").Run(); err == nil {
		t.Error("the server still answers after Kill9")
	}
	s.Restart(t)
	if s.URL != url || s.Pid() == pid || s.Pid() == 0 {
		t.Errorf("after Restart: URL %s pid %d, want URL %s and a new pid (was %d)", s.URL, s.Pid(), url, pid)
	}
	out, err := exec.Command("redis-cli", "-u", url, "PING").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "PONG" {
		t.Errorf("PING after Restart = %q, %v", out, err)
	}
}

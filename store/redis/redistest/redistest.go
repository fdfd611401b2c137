// Package redistest starts real redis-server processes for tests: on a free
// loopback port, in a temp dir, with the append-only file fsynced before
// every reply, and killed when the test ends. A test can kill the server with
// SIGKILL and start it again on the same files, to check what survives a
// crash.
//
// When redis-server is not on PATH the test is skipped, except under
// CI=true, where a test that cannot find its real part must fail.
//
// The package is imported only by tests.
package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// startTimeout bounds how long a server may take to say it is ready (loading
// a large append-only file after a restart included).
const startTimeout = 30 * time.Second

// Server is one redis-server process and the files it keeps.
type Server struct {
	// URL is what store/redis and go-redis take: redis://127.0.0.1:PORT/0.
	URL  string
	Addr string
	// Dir holds the append-only file; it outlives Kill9 and Restart.
	Dir string

	bin   string
	port  int
	extra []string // more redis-server arguments (a replica's --replicaof)
	ready string   // the log line that says the server is ready

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
}

// Start starts a server and returns its URL and a stop function (also run
// when the test ends; calling it twice is harmless).
func Start(tb testing.TB) (url string, stop func()) {
	tb.Helper()
	s := StartServer(tb)
	return s.URL, s.Stop
}

// StartServer starts a server for tb and stops it when tb ends.
func StartServer(tb testing.TB) *Server {
	tb.Helper()
	bin := Binary(tb)
	dir := tb.TempDir()
	var lastErr error
	// A free port found by listening can be taken by someone else before
	// redis-server binds it; a few tries make that race harmless.
	for range 5 {
		port, err := freePort()
		if err != nil {
			tb.Fatalf("redistest: find a free port: %v", err)
		}
		s := &Server{
			URL:   fmt.Sprintf("redis://127.0.0.1:%d/0", port),
			Addr:  net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
			Dir:   dir,
			bin:   bin,
			port:  port,
			ready: "Ready to accept connections",
		}
		if lastErr = s.start(); lastErr == nil {
			tb.Cleanup(s.Stop)
			return s
		}
	}
	tb.Fatalf("redistest: start redis-server: %v", lastErr)
	return nil
}

// StartReplica starts a server that replicates primary, and returns once it
// holds the primary's data set and follows its writes.
func StartReplica(tb testing.TB, primary *Server) *Server {
	tb.Helper()
	port, err := freePort()
	if err != nil {
		tb.Fatalf("redistest: find a free port: %v", err)
	}
	s := &Server{
		URL:   fmt.Sprintf("redis://127.0.0.1:%d/0", port),
		Addr:  net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Dir:   tb.TempDir(),
		bin:   Binary(tb),
		port:  port,
		extra: []string{"--replicaof", "127.0.0.1", strconv.Itoa(primary.port)},
		ready: "MASTER <-> REPLICA sync: Finished with success",
	}
	if err := s.start(); err != nil {
		tb.Fatalf("redistest: start replica: %v", err)
	}
	tb.Cleanup(s.Stop)
	// The replica's log says it has synced before the primary counts it as
	// online for WAIT: wait for the primary to say so too.
	rdb := goredis.NewClient(&goredis.Options{Addr: primary.Addr})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		info, err := rdb.Info(context.Background(), "replication").Result()
		if err == nil && strings.Contains(info, "state=online") {
			return s
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redistest: the primary never saw its replica online: %v\n%s", err, info)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Binary returns the path of redis-server, skipping tb when it is missing
// (failing it under CI=true).
func Binary(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err == nil {
		return bin
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("redistest: redis-server is not installed (CI=true, so this fails rather than skips): %v", err)
	}
	tb.Skipf("redistest: redis-server is not installed: %v", err)
	return ""
}

// Kill9 kills the server with SIGKILL and waits for it to be gone: whatever
// it had not written to its append-only file is lost, as in a crash.
func (s *Server) Kill9(tb testing.TB) {
	tb.Helper()
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		tb.Fatal("redistest: Kill9 of a server that is not running")
	}
	if err := cmd.Process.Kill(); err != nil {
		tb.Fatalf("redistest: kill redis-server: %v", err)
	}
	<-done
}

// Restart starts the server again on the same port and files, after Kill9
// or Stop, and returns once it has loaded its append-only file and accepts
// connections.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.mu.Lock()
	running := s.cmd != nil
	s.mu.Unlock()
	if running {
		tb.Fatal("redistest: Restart of a server that is running")
	}
	if err := s.start(); err != nil {
		tb.Fatalf("redistest: restart redis-server: %v", err)
	}
}

// Stop kills the server if it runs.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill() // it may have died already; Wait tells
	<-done
}

// Pid is the running server's process id, 0 when it is not running.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// start runs redis-server and waits for its ready line: "Ready to accept
// connections", logged only after loading the append-only file and binding
// the port, or for a replica the end of its first sync.
func (s *Server) start() error {
	args := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.Dir,
		"--appendonly", "yes",
		"--appendfsync", "always",
		"--save", "",
		"--logfile", "",
		"--daemonize", "no",
		// A replica gets its first copy at once rather than after 5s.
		"--repl-diskless-sync-delay", "0",
	}
	cmd := exec.Command(s.bin, append(args, s.extra...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("stdout pipe: %w", err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	ready := make(chan error, 1)
	go func() {
		ready <- waitReady(out, s.ready)
		// Keep reading so the server never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, out)
		_ = cmd.Wait() // the exit status of a killed server says nothing
		close(done)
	}()
	select {
	case err = <-ready:
	case <-time.After(startTimeout):
		err = fmt.Errorf("not ready after %s", startTimeout)
	}
	if err != nil {
		_ = cmd.Process.Kill()
		<-done
		return err
	}
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	return nil
}

// waitReady reads the server's log until it is ready or has failed; the
// last lines go into the error, since they say why.
func waitReady(r io.Reader, ready string) error {
	sc := bufio.NewScanner(r)
	var tail []string
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, ready) {
			return nil
		}
		if tail = append(tail, line); len(tail) > 5 {
			tail = tail[1:]
		}
	}
	return errors.New("redis-server exited before it was ready: " + strings.Join(tail, " | "))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

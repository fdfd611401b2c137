package loadgen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// RedisServer is a redis-server process the cluster bench starts for its
// nodes: loopback, a directory of its own, and the append-only file fsynced
// before every reply (appendfsync always), the durability the cluster's
// acknowledgement promises. It is a small copy of store/redis/redistest,
// which belongs to tests and imports package testing.
type RedisServer struct {
	URL  string // redis://127.0.0.1:PORT/0
	Addr string
	cmd  *exec.Cmd
	done chan struct{}
}

// StartRedis starts redis-server with its files in dir and returns once it
// accepts connections. A missing redis-server is an error that says so.
func StartRedis(dir string) (*RedisServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("the cluster bench needs redis-server on PATH: %w", err)
	}
	var lastErr error
	// A port found free can be taken before redis-server binds it.
	for range 5 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port for redis-server: %w", err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		s := &RedisServer{URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
		if lastErr = s.start(bin, port, dir); lastErr == nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("starting redis-server: %w", lastErr)
}

func (s *RedisServer) start(bin string, port int, dir string) error {
	s.cmd = exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "",
		"--logfile", "", "--daemonize", "no",
		// 3 nodes hold a few connections each, the holders none: the
		// default limit of 10,000 clients is plenty, but say it.
		"--maxclients", "10000")
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	s.cmd.Stderr = s.cmd.Stdout
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	s.done = make(chan struct{})
	ready := make(chan error, 1)
	go func() {
		ready <- waitRedisReady(out)
		_, _ = io.Copy(io.Discard, out) // never let the server block on its log
		_ = s.cmd.Wait()
		close(s.done)
	}()
	select {
	case err = <-ready:
	case <-time.After(30 * time.Second):
		err = errors.New("not ready after 30s")
	}
	if err != nil {
		s.Stop()
		return err
	}
	return nil
}

// Pid is the server's process id.
func (s *RedisServer) Pid() int { return s.cmd.Process.Pid }

// Stop kills the server and waits for it to be gone.
func (s *RedisServer) Stop() {
	_ = s.cmd.Process.Kill() // it may have died already
	<-s.done
}

// waitRedisReady reads the log until "Ready to accept connections" (logged
// after the append-only file is loaded and the port bound).
func waitRedisReady(r io.Reader) error {
	sc := bufio.NewScanner(r)
	var tail []string
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "Ready to accept connections") {
			return nil
		}
		if tail = append(tail, line); len(tail) > 5 {
			tail = tail[1:]
		}
	}
	return errors.New("redis-server exited before it was ready: " + strings.Join(tail, " | "))
}

package deploy

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// needTool finds a program the cluster needs: missing, the test skips,
// except under CI=true, where it fails.
func needTool(t *testing.T, name string, alt ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	for _, p := range alt {
		if _, err := os.Stat(p); err == nil {
			return
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (CI=true, so this fails rather than skips)", name)
	}
	t.Skipf("%s is not installed", name)
}

// freePorts returns n loopback ports that were free a moment ago, all
// held at once so that no two are the same.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var ports []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		_, p, _ := net.SplitHostPort(ln.Addr().String())
		ports = append(ports, p)
	}
	return ports
}

// script is cluster.sh running in a process group of its own, so that the
// test can see whether anything it started outlives it.
type script struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    strings.Builder
	line   chan string
	done   chan struct{} // closed when the output has ended
	exited chan struct{} // closed when the script has been waited for
}

func startScript(t *testing.T, env ...string) *script {
	t.Helper()
	cmd := exec.Command("bash", "cluster.sh")
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	s := &script{cmd: cmd, line: make(chan string, 100), done: make(chan struct{}), exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	go func() {
		cmd.Wait()
		close(s.exited)
		pw.Close()
	}()
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.mu.Lock()
			s.out.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			select {
			case s.line <- sc.Text():
			default:
			}
		}
	}()
	t.Cleanup(func() {
		// When the test failed with the cluster up: let the script stop
		// it and remove its files, then kill whatever is left (the group
		// is the script's own).
		select {
		case <-s.exited:
		default:
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-s.exited:
			case <-time.After(30 * time.Second):
			}
		}
		syscall.Kill(-pgid, syscall.SIGKILL)
		if t.Failed() {
			t.Logf("cluster.sh said:\n%s", s.output())
		}
	})
	return s
}

func (s *script) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// waitLine waits for a line of output that contains want.
func (s *script) waitLine(t *testing.T, want string, d time.Duration) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case l := <-s.line:
			if strings.Contains(l, want) {
				return
			}
		case <-s.done:
			t.Fatalf("cluster.sh ended before saying %q", want)
		case <-timeout:
			t.Fatalf("cluster.sh did not say %q within %v", want, d)
		}
	}
}

// noteSeen waits until c has received note.posted for every id in want.
func noteSeen(t *testing.T, who string, c *client.Conn, want []string, d time.Duration) {
	t.Helper()
	missing := map[string]bool{}
	for _, id := range want {
		missing[id] = true
	}
	timeout := time.After(d)
	for len(missing) > 0 {
		select {
		case env, ok := <-c.Events():
			if !ok {
				t.Fatalf("%s: connection ended (%v) before notes %v", who, c.Err(), missing)
			}
			if env.Type == protocol.EvNotePosted {
				var n protocol.NotePosted
				if err := json.Unmarshal(env.Data, &n); err != nil {
					t.Fatal(err)
				}
				delete(missing, n.NoteID)
			}
		case <-timeout:
			t.Fatalf("%s did not see notes %v within %v", who, missing, d)
		}
	}
}

func TestTheNativeClusterServesACafeThroughNginx(t *testing.T) {
	needTool(t, "redis-server")
	needTool(t, "nginx", "/usr/sbin/nginx")
	ports := freePorts(t, 5)
	lb, nodes, redisPort := ports[0], ports[1:4], ports[4]
	s := startScript(t,
		"CLUSTER_PORT="+lb, "CLUSTER_NODE_PORTS="+strings.Join(nodes, " "), "CLUSTER_REDIS_PORT="+redisPort)
	// The build is part of the script: a cold cache takes a while.
	s.waitLine(t, "Press Ctrl+C to stop.", 5*time.Minute)

	out := s.output()
	base := "http://127.0.0.1:" + lb
	for _, link := range []string{base + "/#key=", base + "/join\n", base + "/wall\n"} {
		if !strings.Contains(out, link) {
			t.Errorf("the links through the load balancer lack %q:\n%s", strings.TrimSpace(link), out)
		}
	}
	m := regexp.MustCompile(`Logs in (\S+)\. `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no log directory printed:\n%s", out)
	}
	dir := m[1]

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Through a proxy, even one on this machine, creating needs the key
	// the script printed.
	km := regexp.MustCompile(`/#key=(\S+)`).FindStringSubmatch(out)
	if km == nil {
		t.Fatalf("no admin key link printed:\n%s", out)
	}
	lbAPI := client.API{BaseURL: base, AdminKey: km[1]}
	lbWS := "ws://127.0.0.1:" + lb + "/ws"

	// Created through nginx, with the printed key.
	created, err := lbAPI.CreateCafe(ctx, protocol.CreateCafe{Title: "Through nginx", Tables: 2, RoundSeconds: 600})
	if err != nil {
		t.Fatalf("create through the load balancer: %v", err)
	}
	if !strings.HasPrefix(created.JoinURL, base+"/join/") {
		t.Errorf("join link %q is not the load balancer's", created.JoinURL)
	}
	fac, err := client.Dial(ctx, lbWS, created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatalf("facilitator through the load balancer: %v", err)
	}
	defer fac.Kill()
	if _, err := fac.Send(ctx, protocol.CmdRoundStart, nil); err != nil {
		t.Fatal(err)
	}

	// A phone and the wall through nginx.
	joined, err := lbAPI.Join(ctx, protocol.Join{Code: created.JoinCode, Name: "Phone"})
	if err != nil {
		t.Fatalf("join through the load balancer: %v", err)
	}
	phone, err := client.Dial(ctx, lbWS, created.Cafe, joined.Token, client.Options{})
	if err != nil {
		t.Fatalf("phone through the load balancer: %v", err)
	}
	defer phone.Kill()
	wall, err := client.Dial(ctx, lbWS, created.Cafe, created.WallToken, client.Options{})
	if err != nil {
		t.Fatalf("wall through the load balancer: %v", err)
	}
	defer wall.Kill()

	// Another attendee posts one note straight on each node: whichever
	// nodes nginx gave the phone and the wall, notes from the other nodes
	// must reach them.
	poster, err := lbAPI.Join(ctx, protocol.Join{Code: created.JoinCode, Name: "Poster"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, port := range nodes {
		c, err := client.Dial(ctx, "ws://127.0.0.1:"+port+"/ws", created.Cafe, poster.Token, client.Options{})
		if err != nil {
			t.Fatalf("poster on node%d: %v", i+1, err)
		}
		id := fmt.Sprintf("on-node%d", i+1)
		if _, err := c.Post(ctx, id, "An idea posted on node "+port); err != nil {
			t.Fatalf("post on node%d: %v", i+1, err)
		}
		c.Close()
		ids = append(ids, id)
	}
	noteSeen(t, "the phone", phone, ids, 15*time.Second)
	noteSeen(t, "the wall", wall, ids, 15*time.Second)
	phone.Close()
	wall.Close()
	fac.Close()

	// Ctrl-C: the script stops everything it started and removes its files.
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.exited:
	case <-time.After(60 * time.Second):
		t.Fatal("cluster.sh did not stop within 60s of Ctrl-C")
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("cluster.sh exited %d after Ctrl-C, want 130", code)
	}
	if err := syscall.Kill(-s.cmd.Process.Pid, 0); !errors.Is(err, syscall.ESRCH) {
		ps, _ := exec.Command("ps", "-o", "pid,cmd", "-g", fmt.Sprint(s.cmd.Process.Pid)).CombinedOutput()
		t.Errorf("processes of the cluster are still running after it stopped (%v):\n%s", err, ps)
	}
	for _, p := range ports {
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+p, time.Second); err == nil {
			c.Close()
			t.Errorf("something still listens on 127.0.0.1:%s", p)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the cluster's directory %s is still there (%v)", dir, err)
	}
}

// Without nginx or redis-server the script says how to get them, and fails.
func TestTheNativeClusterSaysHowToInstallWhatIsMissing(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	// A PATH with only what the script runs before it looks (dirname), and
	// an nginx that is not there.
	bin := t.TempDir()
	dirname, err := exec.LookPath("dirname")
	if err != nil {
		t.Skip("no dirname")
	}
	if err := os.Symlink(dirname, filepath.Join(bin, "dirname")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "cluster.sh")
	cmd.Env = []string{"PATH=" + bin, "CLUSTER_NGINX=" + filepath.Join(bin, "nginx")}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("cluster.sh without nginx: %v, want exit status 1\n%s", err, out)
	}
	if !strings.Contains(string(out), "apt-get install redis-server nginx") {
		t.Errorf("cluster.sh without nginx and redis-server did not say how to install them:\n%s", out)
	}
}

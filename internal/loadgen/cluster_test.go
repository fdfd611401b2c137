package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestTheClusterBenchRunsEveryClusterScenario runs `worldcafe bench
// -cluster 3`, tiny, as a user runs it: the built binary starts a real
// redis-server, three nodes and one server of its own, holds idle
// connections in child processes and kills the owner with SIGKILL. Every
// scenario must come back clean with its measurements.
func TestTheClusterBenchRunsEveryClusterScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a redis-server and four servers")
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is not installed (CI=true, so this fails rather than skips): %v", err)
		}
		t.Skipf("redis-server is not installed: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "worldcafe")
	if out, err := exec.Command("go", "build", "-race", "-o", bin, "../../cmd/worldcafe").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	const attendees, idleConns, phones = 9, 60, 6
	cmd := exec.CommandContext(ctx, bin, "bench", "-cluster", "3", "-lease", "1s", "-json",
		"-scenario", "idle,room@9,durable,failover", "-attendees", "9", "-tables", "3", "-walls", "1",
		"-duration", "500ms", "-idle-conns", "60", "-failover-devices", "6",
		"-cafes", "3", "-posters", "1", "-in-flight", "1", "-sources", "2")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench: %v\n%s", err, stderr.String())
	}
	t.Logf("bench said:\n%s", stderr.String())
	var results []Result
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		t.Fatalf("bench -json: %v\n%s", err, stdout.String())
	}
	seen := map[string]Result{}
	for _, r := range results {
		key := r.Scenario + "/" + r.Target
		seen[key] = r
		if r.ErrorCount != 0 || r.Missing != 0 {
			t.Errorf("%s: %d errors (first: %s), %d missing", key, r.ErrorCount, r.FirstError, r.Missing)
		}
	}
	if r := seen["idle/cluster"]; r.Conns != idleConns || r.ServerRSS == 0 {
		t.Errorf("idle: %d of %d connections over the nodes, RSS %d", r.Conns, idleConns, r.ServerRSS)
	}
	for _, target := range []string{"worldcafe", "cluster"} {
		r := seen["room@9/"+target]
		if r.Notes == 0 || r.Conns != attendees+1 || r.Delivered != r.Notes*r.Conns || r.Ack.N != r.Notes {
			t.Errorf("room@9/%s: %d notes, %d devices, %d deliveries, %d acks", target, r.Notes, r.Conns, r.Delivered, r.Ack.N)
		}
		if r := seen["durable/"+target]; r.Notes == 0 || r.Ack.N != r.Notes {
			t.Errorf("durable/%s: %d notes, %d acks", target, r.Notes, r.Ack.N)
		}
	}
	// Two thirds of a cluster room's devices are on other nodes than a
	// note's poster; one server has no other node.
	if r := seen["room@9/cluster"]; r.CrossNode.N == 0 || r.CrossNode.N >= r.Delivery.N {
		t.Errorf("room@9/cluster: %d cross-node deliveries of %d", r.CrossNode.N, r.Delivery.N)
	}
	if r := seen["room@9/worldcafe"]; r.CrossNode.N != 0 {
		t.Errorf("room@9/worldcafe: %d cross-node deliveries on one server", r.CrossNode.N)
	}
	r, ok := seen["failover/cluster"]
	if !ok {
		t.Fatal("no failover result")
	}
	if r.Conns != phones || r.Notes == 0 || r.Lost != 0 || r.Duplicated != 0 {
		t.Errorf("failover: %d phones, %d acknowledged notes, %d lost, %d twice", r.Conns, r.Notes, r.Lost, r.Duplicated)
	}
	// The lease is 1 s: the new owner cannot write before it lapses.
	if r.TakeOver < 500*time.Millisecond || r.Resumed < r.TakeOver {
		t.Errorf("failover: takeover %v, every phone back %v", r.TakeOver, r.Resumed)
	}
}

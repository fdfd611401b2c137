// Package deploy holds the files that run worldcafe elsewhere than `go run`:
// a container image, a compose file, Kubernetes manifests, a systemd unit,
// nginx's configuration and the native cluster script. Its tests check them
// against the real binary.
package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// buildBinary builds worldcafe once per test run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "worldcafe-deploy-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "worldcafe")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/worldcafe").CombinedOutput()
	if err != nil {
		return "", &buildError{err: err, out: string(out)}
	}
	return bin, nil
})

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// help is what `worldcafe <sub> -h` says: its flags and the environment
// variables it names.
type help struct {
	flags, env []string
}

var (
	helpFlag = regexp.MustCompile(`(?m)^\s+-([a-z][a-z0-9-]*)`)
	envName  = regexp.MustCompile(`\bWORLDCAFE_[A-Z0-9_]+\b`)
	// A flag as written on a command line: -name, --name or -name=value;
	// not a negative number such as the -1 that turns a limit off.
	cmdFlag = regexp.MustCompile(`^--?([a-z][a-z0-9-]*)(=.*)?$`)
	// A one-line list of quoted strings: compose and Kubernetes commands
	// and the Dockerfile's exec forms are written so.
	jsonList = regexp.MustCompile(`\[\s*"(?:[^"\\]|\\.)*"(?:\s*,\s*"(?:[^"\\]|\\.)*")*\s*\]`)
)

func helpOf(t *testing.T, sub string) help {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, sub, "-h").CombinedOutput()
	if err != nil {
		t.Fatalf("worldcafe %s -h: %v\n%s", sub, err, out)
	}
	var h help
	for _, m := range helpFlag.FindAllStringSubmatch(string(out), -1) {
		h.flags = append(h.flags, m[1])
	}
	h.env = envName.FindAllString(string(out), -1)
	if len(h.flags) == 0 {
		t.Fatalf("no flags found in worldcafe %s -h:\n%s", sub, out)
	}
	return h
}

// command is a worldcafe command line found in a deployment file.
type command struct {
	sub   string // serve or health
	flags []string
	line  string
}

// commandsIn finds the worldcafe command lines in a file: the quoted lists
// of YAML and the Dockerfile, and systemd's ExecStart lines. A list is a
// worldcafe command when it holds the word serve or health.
func commandsIn(text string) []command {
	var lines [][]string
	for _, l := range jsonList.FindAllString(text, -1) {
		var words []string
		if err := json.Unmarshal([]byte(l), &words); err == nil {
			lines = append(lines, words)
		}
	}
	for l := range strings.Lines(text) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "ExecStart="); ok {
			lines = append(lines, strings.Fields(rest))
		}
	}
	var cmds []command
	for _, words := range lines {
		i := slices.IndexFunc(words, func(w string) bool { return w == "serve" || w == "health" })
		if i < 0 {
			continue
		}
		c := command{sub: words[i], line: strings.Join(words, " ")}
		for _, w := range words[i+1:] {
			if m := cmdFlag.FindStringSubmatch(w); m != nil {
				c.flags = append(c.flags, m[1])
			}
		}
		cmds = append(cmds, c)
	}
	return cmds
}

func TestDeployFilesNameOnlyFlagsAndVariablesThatExist(t *testing.T) {
	helps := map[string]help{"serve": helpOf(t, "serve"), "health": helpOf(t, "health")}
	// The parse itself must see what the files use, or every check below
	// would pass on nothing.
	for _, f := range []string{"redis", "node", "lease", "admin-token", "public-url", "data"} {
		if !slices.Contains(helps["serve"].flags, f) {
			t.Fatalf("worldcafe serve -h does not list -%s (parsed %v)", f, helps["serve"].flags)
		}
	}
	if !slices.Contains(helps["serve"].env, "WORLDCAFE_REDIS") {
		t.Fatalf("worldcafe serve -h does not name WORLDCAFE_REDIS (parsed %v)", helps["serve"].env)
	}

	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "compose.yaml", "worldcafe.service", "Dockerfile")
	// Where each kind of command must be found at least once: a file whose
	// commands the parse missed would otherwise be checked for nothing.
	want := map[string][]string{
		"compose.yaml":        {"serve", "health"},
		"k8s/deployment.yaml": {"serve"},
		"worldcafe.service":   {"serve"},
		"Dockerfile":          {"serve", "health"},
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, v := range envName.FindAllString(text, -1) {
			if !slices.Contains(helps["serve"].env, v) {
				t.Errorf("%s names %s, which worldcafe serve -h does not", name, v)
			}
		}
		found := map[string]bool{}
		for _, c := range commandsIn(text) {
			found[c.sub] = true
			for _, f := range c.flags {
				if !slices.Contains(helps[c.sub].flags, f) {
					t.Errorf("%s: worldcafe %s has no flag -%s (in %q)", name, c.sub, f, c.line)
				}
			}
		}
		for _, sub := range want[name] {
			if !found[sub] {
				t.Errorf("%s: no worldcafe %s command found", name, sub)
			}
		}
	}
}

// The durability the README states holds only when Redis fsyncs its
// append-only file before it replies: every Redis the deployment files
// start must be configured so.
func TestEveryRedisKeepsAnAppendOnlyFileFsyncedOnEveryWrite(t *testing.T) {
	for _, name := range []string{"compose.yaml", "k8s/redis.yaml", "cluster.sh"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.NewReplacer(`"`, "", ",", "").Replace(string(b))
		for _, setting := range []string{"--appendonly yes", "--appendfsync always"} {
			if !strings.Contains(text, setting) {
				t.Errorf("%s starts Redis without %s", name, setting)
			}
		}
	}
}

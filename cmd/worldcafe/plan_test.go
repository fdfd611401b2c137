package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// planOutput is the JSON that `worldcafe plan -json` prints.
type planOutput struct {
	Rounds []struct {
		Round  int `json:"round"`
		Tables []struct {
			Table        int      `json:"table"`
			Host         string   `json:"host"`
			Participants []string `json:"participants"`
		} `json:"tables"`
	} `json:"rounds"`
	Stats struct {
		RepeatPairs           int                `json:"repeat_pairs"`
		Revisits              int                `json:"revisits"`
		Diversity             float64            `json:"diversity"`
		RepeatPairsLowerBound int                `json:"repeat_pairs_lower_bound"`
		GroupsPerTable        [][]map[string]int `json:"groups_per_table"`
	} `json:"stats"`
}

// runPlanCmd runs `worldcafe plan args…` and returns its exit code and output.
func runPlanCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"plan"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustPlanJSON(t *testing.T, args ...string) planOutput {
	t.Helper()
	code, stdout, stderr := runPlanCmd(t, append(args, "-json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out planOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	return out
}

// wantSeatedOnce checks that every round seats ids exactly once, with each
// table's host first and at the same table every round.
func wantSeatedOnce(t *testing.T, out planOutput, ids []string) {
	t.Helper()
	hostAt := map[string]int{}
	for _, r := range out.Rounds {
		var seated []string
		for _, table := range r.Tables {
			seated = append(seated, table.Participants...)
			if table.Host == "" {
				continue
			}
			if table.Participants[0] != table.Host {
				t.Errorf("round %d table %d: host %s is not listed first in %v", r.Round, table.Table, table.Host, table.Participants)
			}
			if at, ok := hostAt[table.Host]; ok && at != table.Table {
				t.Errorf("host %s moved from table %d to %d", table.Host, at, table.Table)
			}
			hostAt[table.Host] = table.Table
		}
		slices.Sort(seated)
		want := slices.Clone(ids)
		slices.Sort(want)
		if !slices.Equal(seated, want) {
			t.Errorf("round %d seats %v, want %v", r.Round, seated, want)
		}
	}
}

func TestPlanCommand(t *testing.T) {
	t.Run("fifty people at ten tables get three rounds without a repeat", func(t *testing.T) {
		out := mustPlanJSON(t, "--participants", "50", "--tables", "10")
		if len(out.Rounds) != 3 {
			t.Fatalf("%d rounds, want the default 3", len(out.Rounds))
		}
		var ids []string
		for i := 1; i <= 50; i++ {
			ids = append(ids, "p"+strconv.Itoa(i))
		}
		wantSeatedOnce(t, out, ids)
		for _, r := range out.Rounds {
			if len(r.Tables) != 10 {
				t.Fatalf("round %d has %d tables", r.Round, len(r.Tables))
			}
			for _, table := range r.Tables {
				if want := "p" + strconv.Itoa(table.Table); table.Host != want {
					t.Errorf("round %d table %d hosted by %q, want %s", r.Round, table.Table, table.Host, want)
				}
				if len(table.Participants) != 5 {
					t.Errorf("round %d table %d seats %d, want 5", r.Round, table.Table, len(table.Participants))
				}
			}
		}
		st := out.Stats
		if st.RepeatPairs != 0 || st.Revisits != 0 || st.RepeatPairsLowerBound != 0 {
			t.Errorf("repeat pairs %d, revisits %d, bound %d; want 0, 0, 0", st.RepeatPairs, st.Revisits, st.RepeatPairsLowerBound)
		}
		if st.Diversity < 0.95 || st.Diversity > 1 {
			t.Errorf("diversity %v", st.Diversity)
		}
		if len(st.GroupsPerTable) != 3 || len(st.GroupsPerTable[0]) != 10 {
			t.Errorf("groups per table: %d rounds", len(st.GroupsPerTable))
		}
	})

	t.Run("hosts, seats and rounds may be chosen", func(t *testing.T) {
		out := mustPlanJSON(t, "--participants", "18", "--tables", "4", "--hosts", "2", "--seats", "6", "--rounds", "2", "--seed", "7")
		if len(out.Rounds) != 2 {
			t.Fatalf("%d rounds, want 2", len(out.Rounds))
		}
		for _, r := range out.Rounds {
			for _, table := range r.Tables {
				if (table.Table <= 2) != (table.Host != "") {
					t.Errorf("round %d table %d host %q: want hosts at tables 1 and 2 only", r.Round, table.Table, table.Host)
				}
				if n := len(table.Participants); n < 4 || n > 5 {
					t.Errorf("round %d table %d seats %d; 18 people at 4 tables sit 4 or 5", r.Round, table.Table, n)
				}
			}
		}
	})

	t.Run("the same seed gives the same plan", func(t *testing.T) {
		args := []string{"--participants", "40", "--tables", "8", "--rounds", "4", "--seed", "3", "--json"}
		_, a, _ := runPlanCmd(t, args...)
		_, b, _ := runPlanCmd(t, args...)
		if a != b {
			t.Error("two runs with the same seed differ")
		}
	})

	t.Run("a groups file names the people, their groups and the hosts", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "people.csv")
		csv := "id,group,host\n# the hosts\nana,government,host\nbo,academia,yes\n" +
			"cy,civil_society\ndee,private_sector,\ned,technical_community,no\nfay,,\ngus,government\nhal,other\n"
		if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		out := mustPlanJSON(t, "--tables", "2", "--groups", path)
		wantSeatedOnce(t, out, []string{"ana", "bo", "cy", "dee", "ed", "fay", "gus", "hal"})
		for _, r := range out.Rounds {
			if r.Tables[0].Host != "ana" || r.Tables[1].Host != "bo" {
				t.Errorf("round %d hosts %q and %q, want ana and bo", r.Round, r.Tables[0].Host, r.Tables[1].Host)
			}
		}
		total := 0
		for _, table := range out.Stats.GroupsPerTable[0] {
			total += table["government"]
		}
		if total != 2 {
			t.Errorf("round 1 counts %d from government, want ana and gus", total)
		}
	})

	t.Run("without -json the plan is a readable table", func(t *testing.T) {
		code, stdout, stderr := runPlanCmd(t, "--participants", "12", "--tables", "3")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"Round 1", "Round 3", "table 3", "p1*", "repeat pairs", "offset rule", "diversity"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
	})

	t.Run("-h prints the flags and succeeds", func(t *testing.T) {
		code, _, stderr := runPlanCmd(t, "-h")
		if code != 0 || !strings.Contains(stderr, "-groups") || !strings.Contains(stderr, "id,group[,host]") {
			t.Errorf("exit %d, help:\n%s", code, stderr)
		}
	})
}

func TestPlanCommandRejectsBadArguments(t *testing.T) {
	dir := t.TempDir()
	file := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	unknown := file("unknown.csv", "a,government\nb,astronauts\n")
	badHost := file("badhost.csv", "a,government,maybe\n")
	twice := file("twice.csv", "a,government\na,academia\n")
	twoHosts := file("hosts.csv", "a,government,host\nb,academia,host\nc,other\n")
	empty := file("empty.csv", "id,group\n")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"more hosts than tables", []string{"--participants", "20", "--tables", "4", "--hosts", "5"}, "5 hosts but only 4 tables"},
		{"more people than seats", []string{"--participants", "21", "--tables", "4", "--seats", "5"}, "21 participants do not fit at 4 tables of 5 seats"},
		{"zero tables", []string{"--participants", "20", "--tables", "0"}, "-tables must be at least 1"},
		{"no tables given", []string{"--participants", "20"}, "-tables must be at least 1"},
		{"negative participants", []string{"--participants", "-3", "--tables", "2"}, "-participants must be at least 1"},
		{"no participants given", []string{"--tables", "2"}, "-participants (or -groups) is required"},
		{"negative hosts", []string{"--participants", "8", "--tables", "2", "--hosts", "-1"}, "-hosts must not be negative"},
		{"negative seats", []string{"--participants", "8", "--tables", "2", "--seats", "-4"}, "-seats must be at least 1"},
		{"zero rounds", []string{"--participants", "8", "--tables", "2", "--rounds", "0"}, "-rounds must be at least 1"},
		{"more hosts than people", []string{"--participants", "2", "--tables", "4", "--hosts", "3"}, "3 hosts but only 2 participants"},
		{"a number that is not one", []string{"--participants", "many", "--tables", "2"}, "invalid value"},
		{"an unknown flag", []string{"--participants", "8", "--tables", "2", "--colour"}, "flag provided but not defined"},
		{"a stray argument", []string{"--participants", "8", "--tables", "2", "extra"}, "unexpected argument"},
		{"an unreadable groups file", []string{"--tables", "2", "--groups", filepath.Join(dir, "missing.csv")}, "missing.csv"},
		{"an unknown group", []string{"--tables", "2", "--groups", unknown}, `unknown.csv:2: unknown group "astronauts"`},
		{"a host column that says neither", []string{"--tables", "2", "--groups", badHost}, `host column "maybe"`},
		{"an id listed twice", []string{"--tables", "2", "--groups", twice}, `"a" is listed twice`},
		{"a file with nobody", []string{"--tables", "2", "--groups", empty}, "no participants"},
		{"a head count that disagrees with the file", []string{"--participants", "4", "--tables", "2", "--groups", twoHosts}, "-participants 4, but"},
		{"hosts both marked and counted", []string{"--tables", "2", "--hosts", "1", "--groups", twoHosts}, "leave out -hosts"},
		{"file hosts beyond the tables", []string{"--tables", "1", "--groups", twoHosts}, "2 hosts but only 1 tables"},
		{"fewer than two people a table", []string{"--participants", "10", "--tables", "20"}, "10 participants at 20 tables would leave people alone; a table needs at least two people, so use at most 5 tables"},
		{"one short of two a table", []string{"--participants", "19", "--tables", "10"}, "use at most 9 tables"},
		{"one person alone", []string{"--participants", "1", "--tables", "1"}, "1 participant cannot have a conversation"},
		{"a groups file too short for its tables", []string{"--tables", "2", "--groups", twoHosts}, "3 participants at 2 tables would leave people alone"},
		{"tables of one seat", []string{"--participants", "8", "--tables", "4", "--seats", "1"}, "8 participants do not fit at 4 tables of 1 seats"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runPlanCmd(t, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not say %q", stderr, c.want)
			}
			if stdout != "" {
				t.Errorf("printed a plan anyway: %q", stdout)
			}
		})
	}
}

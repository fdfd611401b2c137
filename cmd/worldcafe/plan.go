package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/worldcafe/worldcafe/cafe/rotation"
	"github.com/worldcafe/worldcafe/protocol"
)

const groupsHelp = `CSV file of the participants, one line per participant: id,group[,host]
  group is one of ` + "%s" + ` or empty (prefer not to say);
  host is "host", "yes", "true" or "1" for a table host, empty or "no" otherwise.
  An optional first line "id,group,host" is a header; lines starting with # are comments.
  Hosts take tables 1, 2, … in file order. Without -groups, participants are p1…pN,
  the first -hosts of them host, and groups go round-robin over the list above`

// runPlan plans the rotation of a room described by flags and prints it with
// its quality, next to the classic offset rule: a facilitator can try table
// counts and rounds before the day. It needs no data directory or server.
func runPlan(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("worldcafe plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	participants := fs.Int("participants", 0, "number of participants (required without -groups)")
	tables := fs.Int("tables", 0, "number of tables (required)")
	hosts := fs.Int("hosts", 0, "number of table hosts, at tables 1…H (default: one per table)")
	seats := fs.Int("seats", 0, "seats per table (default: participants ÷ tables, rounded up)")
	rounds := fs.Int("rounds", 3, "number of rounds")
	groups := fs.String("groups", "", fmt.Sprintf(groupsHelp, strings.Join(protocol.Groups, ", ")))
	seed := fs.Uint64("seed", 1, "seed of the planner's random choices: the same seed gives the same plan")
	asJSON := fs.Bool("json", false, "print JSON instead of readable tables")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	switch {
	case *tables < 1:
		return fmt.Errorf("%w: -tables must be at least 1", errUsage)
	case *tables > protocol.MaxTables:
		return fmt.Errorf("%w: -tables must be at most %d", errUsage, protocol.MaxTables)
	case *rounds < 1:
		return fmt.Errorf("%w: -rounds must be at least 1", errUsage)
	case *hosts < 0:
		return fmt.Errorf("%w: -hosts must not be negative", errUsage)
	case set["seats"] && *seats < 1:
		return fmt.Errorf("%w: -seats must be at least 1", errUsage)
	case set["participants"] && *participants < 1:
		return fmt.Errorf("%w: -participants must be at least 1", errUsage)
	case *participants > protocol.MaxParticipants:
		return fmt.Errorf("%w: -participants must be at most %d", errUsage, protocol.MaxParticipants)
	}

	var people []rotation.Person
	if *groups != "" {
		var marked bool
		var err error
		people, marked, err = readGroups(*groups)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		if set["participants"] && *participants != len(people) {
			return fmt.Errorf("%w: -participants %d, but %s lists %d", errUsage, *participants, *groups, len(people))
		}
		if marked && set["hosts"] {
			return fmt.Errorf("%w: %s marks the hosts; leave out -hosts", errUsage, *groups)
		}
		if marked {
			*hosts = 0
			for _, p := range people {
				if p.Host {
					*hosts++
				}
			}
		}
	} else {
		if !set["participants"] {
			return fmt.Errorf("%w: -participants (or -groups) is required", errUsage)
		}
		for i := range *participants {
			people = append(people, rotation.Person{
				ID: "p" + strconv.Itoa(i+1), Group: protocol.Groups[i%len(protocol.Groups)],
			})
		}
	}
	n := len(people)
	if n > protocol.MaxParticipants {
		return fmt.Errorf("%w: %d participants; at most %d", errUsage, n, protocol.MaxParticipants)
	}
	if !set["hosts"] && !hostsMarked(people) {
		*hosts = min(*tables, n)
	}
	if *hosts > *tables {
		return fmt.Errorf("%w: %d hosts but only %d tables (one host per table)", errUsage, *hosts, *tables)
	}
	if *hosts > n {
		return fmt.Errorf("%w: %d hosts but only %d participants", errUsage, *hosts, n)
	}
	// A table of one is no conversation: refuse rather than plan people alone.
	if n < 2 {
		return fmt.Errorf("%w: 1 participant cannot have a conversation; a table needs at least two people", errUsage)
	}
	if n < 2**tables {
		return fmt.Errorf("%w: %d participants at %d tables would leave people alone; a table needs at least two people, so use at most %d tables", errUsage, n, *tables, n/2)
	}
	if !set["seats"] {
		*seats = (n + *tables - 1) / *tables
	}
	if n > *tables**seats {
		return fmt.Errorf("%w: %d participants do not fit at %d tables of %d seats", errUsage, n, *tables, *seats)
	}
	marked := hostsMarked(people)
	table := 0
	for i := range people {
		people[i].Present = true
		if !marked && i < *hosts {
			people[i].Host = true
		}
		if people[i].Host {
			table++
			people[i].Home = table
		}
	}

	in := rotation.Input{People: people, Tables: slices.Repeat([]int{*seats}, *tables), Rounds: *rounds, Seed: *seed}
	plan, err := rotation.Plan(in)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	st := rotation.Measure(in, plan)
	st.Diversity = math.Round(st.Diversity*1000) / 1000
	if *asJSON {
		return writePlanJSON(stdout, in, plan, st)
	}
	offset, err := rotation.OffsetPlan(in)
	if err != nil {
		return err
	}
	return writePlanText(stdout, in, plan, st, rotation.Measure(in, offset))
}

// hostsMarked reports whether any person is already a host (from -groups).
func hostsMarked(people []rotation.Person) bool {
	return slices.ContainsFunc(people, func(p rotation.Person) bool { return p.Host })
}

// readGroups reads the -groups CSV; marked reports whether it names hosts.
func readGroups(path string) (people []rotation.Person, marked bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.Comment = '#'
	r.TrimLeadingSpace = true
	seen := map[string]bool{}
	for first := true; ; first = false {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false, fmt.Errorf("%s: %v", path, err)
		}
		line, _ := r.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if first && strings.EqualFold(rec[0], "id") {
			continue // header
		}
		if len(rec) < 2 || len(rec) > 3 {
			return nil, false, fmt.Errorf("%s:%d: want id,group[,host], got %d fields", path, line, len(rec))
		}
		id, group := rec[0], rec[1]
		if id == "" {
			return nil, false, fmt.Errorf("%s:%d: empty id", path, line)
		}
		if seen[id] {
			return nil, false, fmt.Errorf("%s:%d: %q is listed twice", path, line, id)
		}
		seen[id] = true
		if !protocol.ValidGroup(group) {
			return nil, false, fmt.Errorf("%s:%d: unknown group %q (want one of %s, or empty)", path, line, group, strings.Join(protocol.Groups, ", "))
		}
		host := false
		if len(rec) == 3 {
			switch strings.ToLower(rec[2]) {
			case "host", "yes", "true", "1":
				host, marked = true, true
			case "", "no", "false", "0":
			default:
				return nil, false, fmt.Errorf("%s:%d: host column %q: want host, yes, true, 1 or empty", path, line, rec[2])
			}
		}
		people = append(people, rotation.Person{ID: id, Group: group, Host: host})
	}
	if len(people) == 0 {
		return nil, false, fmt.Errorf("%s: no participants", path)
	}
	return people, marked, nil
}

type planJSON struct {
	Rounds []planRoundJSON `json:"rounds"`
	Stats  rotation.Stats  `json:"stats"`
}

type planRoundJSON struct {
	Round  int             `json:"round"`
	Tables []planTableJSON `json:"tables"`
}

type planTableJSON struct {
	Table        int      `json:"table"`
	Host         string   `json:"host,omitempty"`
	Participants []string `json:"participants"` // the host first, then in input order
}

// tablesOf lays out one round: per table its host and participants.
func tablesOf(in rotation.Input, seats map[string]int) []planTableJSON {
	out := make([]planTableJSON, len(in.Tables))
	for t := range out {
		out[t] = planTableJSON{Table: t + 1, Participants: []string{}}
	}
	for _, p := range in.People {
		if t, ok := seats[p.ID]; ok && p.Host {
			out[t-1].Host = p.ID
			out[t-1].Participants = append(out[t-1].Participants, p.ID)
		}
	}
	for _, p := range in.People {
		if t, ok := seats[p.ID]; ok && !p.Host {
			out[t-1].Participants = append(out[t-1].Participants, p.ID)
		}
	}
	return out
}

func writePlanJSON(w io.Writer, in rotation.Input, plan rotation.Schedule, st rotation.Stats) error {
	out := planJSON{Stats: st}
	for i, seats := range plan.Seats {
		out.Rounds = append(out.Rounds, planRoundJSON{Round: plan.From + i, Tables: tablesOf(in, seats)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writePlanText(w io.Writer, in rotation.Input, plan rotation.Schedule, st, offset rotation.Stats) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, seats := range plan.Seats {
		fmt.Fprintf(tw, "Round %d\n", plan.From+i)
		for _, t := range tablesOf(in, seats) {
			names := slices.Clone(t.Participants)
			if t.Host != "" {
				names[0] += "*"
			}
			fmt.Fprintf(tw, "  table %d\t%d people\t%d groups\t%s\n", t.Table, len(names), len(st.GroupsPerTable[plan.From+i-1][t.Table-1]), strings.Join(names, " "))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "* hosts the table and stays there.\n\n")
	fmt.Fprintf(tw, "\tplanner\toffset rule\n")
	fmt.Fprintf(tw, "repeat pairs\t%d\t%d\t(no plan can have fewer than %d)\n", st.RepeatPairs, offset.RepeatPairs, st.RepeatPairsLowerBound)
	fmt.Fprintf(tw, "revisits\t%d\t%d\n", st.Revisits, offset.Revisits)
	fmt.Fprintf(tw, "diversity\t%.3f\t%.3f\t(1 = every table hears as many groups as it can)\n", st.Diversity, offset.Diversity)
	return tw.Flush()
}

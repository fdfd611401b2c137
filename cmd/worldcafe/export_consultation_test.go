package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// consultationData writes a small consultation (a café, a town hall with
// a finding, an online space that closed, a conclusion) to a data file in
// dir, through the domain's Decide, as a server would.
func consultationData(t *testing.T, dir string) string {
	t.Helper()
	st, err := bolt.Open(filepath.Join(dir, "worldcafe.db"), bolt.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const id = "cafe-c"
	s, now := cafe.New(id), time.Date(2025, time.March, 11, 9, 0, 0, 0, time.UTC)
	fac := cafe.Actor{Role: protocol.RoleFacilitator}
	for _, c := range []cafe.Command{
		{Type: protocol.CmdCafeCreate, Actor: cafe.System, Data: cafe.Create{Request: protocol.CreateCafe{Title: "Open talks", Questions: []string{"Q1"}, Tables: 1}, JoinCode: "KX7Q2M"}},
		{Type: protocol.CmdOnlineOpen, Actor: fac, Data: protocol.OnlineOpen{ClosesAt: now.Add(time.Hour).UnixMilli()}},
		{Type: protocol.CmdJoin, Actor: cafe.System, Data: cafe.Join{Request: protocol.Join{Name: "Ana"}, ParticipantID: "p1"}},
		{Type: protocol.CmdRoundStart, Actor: fac},
		{Type: protocol.CmdNotePost, Actor: cafe.Actor{Role: protocol.RoleAttendee, ParticipantID: "p1"}, Data: protocol.NotePost{NoteID: "n1", Text: "Convene, then listen"}},
		{Type: protocol.CmdRoundEnd, Actor: fac},
		{Type: protocol.CmdTownHallStage, Actor: fac, Data: protocol.TownHallStage{Stage: protocol.StageFloor}},
		{Type: protocol.CmdFindingAdd, Actor: cafe.Actor{Role: protocol.RoleScribe}, Data: protocol.Finding{FindingID: "f1", Text: "Trust needs a standing dialogue."}},
		{Type: protocol.CmdConclude, Actor: fac, Data: protocol.Conclusion{Text: "Governments convene."}},
	} {
		d, err := cafe.Decide(s, c, now)
		if err != nil {
			t.Fatalf("%s: %v", c.Type, err)
		}
		for _, ev := range d.Events {
			if err := cafe.Apply(s, ev); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Append(context.Background(), id, d.Events, time.Time{}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	return id
}

// export -consultation writes the outcome report in the chosen format and
// language; its help says what it does.
func TestExportConsultation(t *testing.T) {
	dir := t.TempDir()
	id := consultationData(t, dir)
	export := func(args ...string) string {
		t.Helper()
		file := filepath.Join(t.TempDir(), "out")
		var out, errb bytes.Buffer
		args = append([]string{"export", "-data", dir, "-cafe", id, "-consultation", "-o", file}, args...)
		if code := run(context.Background(), args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	md := export("-format", "md")
	for _, want := range []string{"## 1. Background", "## 2. World Café", "## 3. Town hall", "## 4. Online space", "(closed)",
		"Trust needs a standing dialogue.", "## 5. Conclusion", "Governments convene."} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown outcome report lacks %q:\n%s", want, md)
		}
	}
	var c report.Consultation
	if err := json.Unmarshal([]byte(export("-format", "json")), &c); err != nil {
		t.Fatal(err)
	}
	if c.Online == nil || c.Online.Open || c.WorldCafe.Ideas != 1 {
		t.Errorf("the JSON outcome report: %+v", c)
	}
	if csv := export("-format", "csv"); !strings.Contains(csv, "town_hall,finding,f1") || !strings.Contains(csv, "cafe,note,n1") {
		t.Errorf("the CSV outcome report lacks the finding's or the note's row:\n%s", csv)
	}
	if html := export("-format", "html", "-lang", "ar"); !strings.Contains(html, `<html lang="ar" dir="rtl">`) || !strings.Contains(html, "الخلفية") {
		t.Errorf("the Arabic HTML outcome report:\n%.600s", html)
	}

	var out, errb bytes.Buffer
	run(context.Background(), []string{"export", "-h"}, &out, &errb)
	if help := errb.String() + out.String(); !strings.Contains(help, "-consultation") || !strings.Contains(help, "outcome report") {
		t.Errorf("export -h does not say what -consultation does:\n%s", help)
	}
	// Without the flag, the café's report as before.
	file := filepath.Join(t.TempDir(), "cafe.md")
	if code := run(context.Background(), []string{"export", "-data", dir, "-cafe", id, "-format", "md", "-o", file}, &out, &errb); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errb.String())
	}
	if b, _ := os.ReadFile(file); strings.Contains(string(b), "Background") {
		t.Errorf("export without -consultation wrote the outcome report:\n%s", b)
	}
}

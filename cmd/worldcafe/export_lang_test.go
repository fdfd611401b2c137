package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// export -lang writes the headings in that language; an unknown one is a
// usage error that names the choices.
func TestExportLang(t *testing.T) {
	dir := t.TempDir()
	l := mustDemo(t, dir, true)
	file := filepath.Join(t.TempDir(), "report.md")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"export", "-data", dir, "-cafe", l.ID, "-format", "md", "-lang", "fr", "-o", file}, &out, &errb); code != 0 {
		t.Fatalf("export -lang fr: exit %d: %s", code, errb.String())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "| Partie prenante | Participants | Idées |") || strings.Contains(string(b), "Stakeholder group") {
		t.Errorf("the French report's headings are not French:\n%.400s", b)
	}
	if en := mustExport(t, dir, l.ID, "md"); !strings.Contains(string(en), "| Stakeholder group |") {
		t.Errorf("without -lang the report is not in English:\n%.400s", en)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"export", "-data", dir, "-cafe", l.ID, "-lang", "de"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "en, fr, es, ru, zh, ar") {
		t.Errorf("export -lang de: exit %d, %q; want a usage error naming the languages", code, errb.String())
	}
}

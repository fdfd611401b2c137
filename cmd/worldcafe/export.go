package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// runExport writes a café's report from the data directory. It opens the
// data file read-only, so it needs no running server (and refuses with a
// clear message while one holds the file).
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("worldcafe export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("WORLDCAFE_DATA", "./data"), "directory of the data file")
	id := fs.String("cafe", "", "id of the café to export (required)")
	format := fs.String("format", "md", "json, csv or md")
	out := fs.String("o", "", "write to this file instead of standard output")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *id == "" {
		return fmt.Errorf("%w: -cafe is required", errUsage)
	}
	write, ok := exporters[*format]
	if !ok {
		return fmt.Errorf("%w: -format must be json, csv or md", errUsage)
	}
	path := filepath.Join(*data, "worldcafe.db")
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no data file at %s: %w", path, err)
	}
	st, err := bolt.Open(path, bolt.Config{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	state, _, err := store.Rebuild(ctx, st, *id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no café %q in %s", *id, path)
	}
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return write(w, cafe.BuildReport(state))
}

var exporters = map[string]func(io.Writer, cafe.Report) error{
	"json": exportJSON,
	"csv":  exportCSV,
	"md":   exportMarkdown,
}

func exportJSON(w io.Writer, r cafe.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// exportCSV writes one row per note (RFC 4180, UTF-8), ready for a
// spreadsheet.
func exportCSV(w io.Writer, r cafe.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"question_number", "question", "round", "table", "author", "group", "time", "note"})
	for _, n := range r.Notes {
		q := ""
		if n.Question < len(r.Conversations) {
			q = r.Conversations[n.Question].Text
		}
		cw.Write([]string{
			strconv.Itoa(n.Question + 1), q, strconv.Itoa(n.Round), strconv.Itoa(n.Table),
			n.Author, n.Group, time.UnixMilli(n.At).UTC().Format(time.RFC3339), n.Text,
		})
	}
	cw.Flush()
	return cw.Error()
}

func exportMarkdown(w io.Writer, r cafe.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(r.Title))
	counts := make([]string, len(r.Conversations))
	for i, c := range r.Conversations {
		counts[i] = strconv.Itoa(c.Count)
	}
	fmt.Fprintf(&b, "%d ideas from %d participants (%s per conversation).\n\n", r.TotalNotes, r.Participants, strings.Join(counts, " / "))
	for _, c := range r.Conversations {
		fmt.Fprintf(&b, "## Conversation %d: %s\n\n%d ideas.\n\n", c.Question+1, mdEscape(c.Text), c.Count)
		for _, n := range c.Notes {
			by := "table " + strconv.Itoa(n.Table)
			if n.Author != "" {
				by = mdEscape(n.Author) + ", " + by
			}
			fmt.Fprintf(&b, "- %s (%s)\n", mdEscape(strings.ReplaceAll(n.Text, "\n", " ")), by)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape keeps user text from being read as Markdown or HTML.
func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
		"<", "&lt;", ">", "&gt;", "#", `\#`, "|", `\|`)
	return r.Replace(s)
}

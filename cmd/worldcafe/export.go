package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/worldcafe/worldcafe/i18n"
	"github.com/worldcafe/worldcafe/report"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
	"github.com/worldcafe/worldcafe/store/redis"
)

// runExport writes a café's report, or with -consultation the outcome
// report of the consultation around it, from the data directory, or from
// the Redis server a cluster shares (-redis). It opens the data file
// read-only, so it needs no running server (and refuses with a clear
// message while one holds the file); Redis it only reads.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("worldcafe export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("WORLDCAFE_DATA", "./data"), "directory of the data file")
	redisURL := fs.String("redis", envOr("WORLDCAFE_REDIS", ""), "read the café from the Redis server a cluster shares, e.g. redis://10.0.0.5:6379/0 (WORLDCAFE_REDIS)")
	id := fs.String("cafe", "", "id of the café to export (required)")
	format := fs.String("format", "md", "md, csv, json or html")
	out := fs.String("o", "", "write to this file instead of standard output")
	lang := fs.String("lang", i18n.Default, "language of the headings: "+strings.Join(i18n.Langs, ", "))
	consultation := fs.Bool("consultation", false, "write the consultation's outcome report instead of the café's: the background with the dates, "+
		"then the café, the town hall and the online space (those that ran), each with its discussion and key findings, then the conclusion")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *id == "" {
		return fmt.Errorf("%w: -cafe is required", errUsage)
	}
	if !slices.Contains(report.Formats, *format) {
		return fmt.Errorf("%w: -format must be one of %s", errUsage, strings.Join(report.Formats, ", "))
	}
	if !i18n.Supported(*lang) {
		return fmt.Errorf("%w: -lang must be one of %s", errUsage, strings.Join(i18n.Langs, ", "))
	}
	st, where, err := openForExport(ctx, *data, *redisURL)
	if err != nil {
		return err
	}
	defer st.Close()
	state, _, err := store.Rebuild(ctx, st, *id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no café %q in %s", *id, where)
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
	opt := report.Options{Lang: *lang}
	if *consultation {
		// The report says whether the online space is still open now.
		return report.WriteConsultation(w, report.BuildConsultation(state, time.Now()), *format, opt)
	}
	return report.WriteWith(w, report.Build(state), *format, opt)
}

// openForExport opens the store export reads, and says where it is.
func openForExport(ctx context.Context, data, redisURL string) (store.Store, string, error) {
	if redisURL != "" {
		st, err := redis.Open(ctx, redis.Config{URL: redisURL})
		return st, "the Redis server", err
	}
	path := filepath.Join(data, "worldcafe.db")
	if _, err := os.Stat(path); err != nil {
		return nil, "", fmt.Errorf("no data file at %s: %w", path, err)
	}
	st, err := bolt.Open(path, bolt.Config{ReadOnly: true})
	return st, path, err
}

// Command worldcafe runs a World Café: `worldcafe serve` starts the server
// (embedded store under ./data, nothing else needed), `worldcafe export`
// writes a café's report from the data directory while no server runs.
//
// Flags and environment variables are read here and nowhere else.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `worldcafe runs a World Café: timed rounds, rotating tables, live sticky notes.

Usage:
  worldcafe serve  [flags]   run the server (default :8080, data in ./data)
  worldcafe export [flags]   write a café's report (md, csv, json or html) from the data directory;
                             -consultation: the outcome report of the whole consultation
  worldcafe plan   [flags]   plan who sits where each round, and show how well people mix
  worldcafe demo   [flags]   create a finished demo café (the consultation it is modelled on) in the data directory
  worldcafe bench  [flags]   load generator: measure a server against a minimal broadcast baseline
  worldcafe baseline [flags] the minimal broadcast server that bench compares with
  worldcafe health [flags]   ask a running server whether it is alive: exit 0 if so (for container health checks)

Run 'worldcafe <command> -h' for the flags of a command.
`

// errUsage marks errors in the command line: exit status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: tests call it with their own arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr)
	case "export":
		err = runExport(ctx, args[1:], stdout, stderr)
	case "plan":
		err = runPlan(ctx, args[1:], stdout, stderr)
	case "demo":
		err = runDemo(ctx, args[1:], stdout, stderr)
	case "bench":
		err = runBench(ctx, args[1:], stdout, stderr)
	case "baseline":
		err = runBaseline(ctx, args[1:], stdout, stderr)
	case "health":
		err = runHealth(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "worldcafe: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "worldcafe: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "worldcafe: %v\n", err)
		return 1
	}
}

// envOr returns the environment variable's value, or def when unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

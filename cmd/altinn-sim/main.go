// Command altinn-sim is a local emulator of Altinn 3 and Maskinporten for
// system users. Subcommands: serve (default), migrate, seed (cli_seed.go),
// healthcheck, version, and the vendor-side keys, grant and token
// (cli_tokens.go) and certs (cli_certs.go).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/altinn-sim/altinn-sim/internal/app"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/seed"
)

const usage = `altinn-sim: a local Altinn 3 / Maskinporten emulator for system users.

Usage:
  altinn-sim [serve] [flags]   start the server (default)
  altinn-sim migrate [flags]   apply database migrations and exit
  altinn-sim seed --file seed.yaml [flags]
                               preload parties, clients, resources, systems
                               and approved system users (idempotent)
  altinn-sim healthcheck [--url URL]
                               exit 0 when the server's /ready answers 200
                               (for container healthchecks; no curl needed)
  altinn-sim keys new --out key.json [--format pem]
                               make a client key pair (JWK or PEM)
  altinn-sim certs new --org ORGNO --out DIR
                               a test enterprise certificate (cert.pem,
                               key.pem) from the running emulator's test CA
  altinn-sim grant ...         print a signed Maskinporten grant
  altinn-sim token ...         post a grant to /token and print the token
  altinn-sim version           print the version and source revision
  altinn-sim help [command]    this text, or the flags of a command

Run 'altinn-sim help <command>' or 'altinn-sim <command> --help' for the
flags of a command. Exit codes: 0 done, 1 failed while running, 2 bad
usage or configuration (one line on stderr naming the setting).
`

const serveUsage = `Usage: altinn-sim [serve] [flags]

Starts the server. Without --database-url it runs a private PostgreSQL
from the machine's installed binaries in --data-dir.

`

const migrateUsage = `Usage: altinn-sim migrate [flags]

Applies the database migrations and exits (serve and seed also migrate
before they start).

`

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// commands is every command run knows, for the unknown-command message.
var commands = []string{"serve", "migrate", "seed", "healthcheck", "keys", "certs", "grant", "token", "version", "help"}

func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" }

// run is main without the process: it returns the exit code (2 for bad
// usage or configuration, 1 for a failure while running).
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	switch {
	case len(args) > 0 && isHelp(args[0]):
		fmt.Fprint(stdout, usage)
		return 0
	case len(args) > 0 && (args[0] == "--version" || args[0] == "-version"):
		return runVersion(nil, stdout, stderr)
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve", "migrate":
		return runServer(cmd, args, getenv, stdout, stderr)
	case "keys", "certs", "grant", "token":
		return runClientCommand(cmd, args, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheck(args, getenv, stdout, stderr)
	case "seed":
		return runSeed(args, getenv, stdout, stderr)
	case "version":
		return runVersion(args, stdout, stderr)
	case "help":
		return runHelp(args, getenv, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "altinn-sim: unknown command %q (want one of %s; see altinn-sim help)\n", cmd, strings.Join(commands, ", "))
		return 2
	}
}

// runHelp is `altinn-sim help [command]`: a command's help is what its
// --help prints.
func runHelp(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		fmt.Fprint(stdout, usage)
		return 0
	case len(args) > 1:
		fmt.Fprintf(stderr, "altinn-sim help: want at most one command, got %q\n", strings.Join(args, " "))
		return 2
	case args[0] == "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	for _, c := range commands {
		if c == args[0] {
			return run([]string{args[0], "--help"}, getenv, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "altinn-sim help: unknown command %q (want one of %s)\n", args[0], strings.Join(commands, ", "))
	return 2
}

// runServer is serve and migrate.
func runServer(cmd string, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	header := serveUsage
	if cmd == "migrate" {
		header = migrateUsage
	}
	cfg, err := config.LoadWith(cmd, header, args, getenv, stdout, nil)
	if errors.Is(err, config.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim: %v\n", err)
		return 2
	}
	// A seed file is read and checked whole before anything starts.
	var seedFile *seed.File
	if cfg.SeedFile != "" {
		f, err := seed.ReadFile(cfg.SeedFile)
		if err != nil {
			fmt.Fprintf(stderr, "altinn-sim: ALTINN_SIM_SEED_FILE / --seed-file: %v\n", err)
			return 2
		}
		seedFile = &f
	}
	log := newLogger(cfg, stderr)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch {
	case cmd == "migrate":
		err = migrate(ctx, cfg, log)
	case seedFile != nil:
		var rep seed.Report
		if rep, err = seedDatabase(ctx, cfg, *seedFile); err == nil {
			log.Info("seeded", "file", cfg.SeedFile, "report", rep.String())
			err = app.Run(ctx, cfg, log)
		} else if errors.Is(err, seed.ErrInvalid) {
			fmt.Fprintf(stderr, "altinn-sim: ALTINN_SIM_SEED_FILE / --seed-file: %v\n", seed.InFile(err, cfg.SeedFile))
			return 2
		}
	default:
		err = app.Run(ctx, cfg, log)
	}
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim: %v\n", err)
		if errors.Is(err, db.ErrNoPostgres) || errors.Is(err, db.ErrDataDir) {
			return 2
		}
		return 1
	}
	return 0
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	url, stop, err := app.Database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	if err := db.Migrate(ctx, url); err != nil {
		return err
	}
	log.Info("migrations applied", "version", db.HeadVersion())
	return nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		opts.ReplaceAttr = millisecondDurations
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// millisecondDurations writes a duration in the JSON log as a number of
// milliseconds under <key>_ms ("duration_ms": 1.234): slog's JSON handler
// would write nanoseconds, which log tools then show as huge numbers. The
// text log keeps Go's own form (1.234ms).
func millisecondDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindDuration {
		return a
	}
	ms := float64(a.Value.Duration().Microseconds()) / 1000
	return slog.Float64(a.Key+"_ms", ms)
}

// Command altinn-sim is a local emulator of Altinn 3 and Maskinporten for
// system users. Subcommands: serve (default), migrate, seed (cli_seed.go),
// and the vendor-side keys, grant and token (cli_tokens.go).
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
  altinn-sim keys new --out key.json
                               make a client key pair (JWK)
  altinn-sim grant ...         print a signed Maskinporten grant
  altinn-sim token ...         post a grant to /token and print the token

Run 'altinn-sim <command> --help' for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code (2 for bad
// usage or configuration, 1 for a failure while running).
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve", "migrate":
	case "keys", "grant", "token":
		return runClientCommand(cmd, args, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheck(args, getenv, stderr)
	case "seed":
		return runSeed(args, getenv, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "altinn-sim: unknown command %q (want serve, migrate, seed, keys, grant or token; see altinn-sim help)\n", cmd)
		return 2
	}
	cfg, err := config.Load(cmd, args, getenv, stdout)
	if errors.Is(err, config.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "migrate":
		err = migrate(ctx, cfg, log)
	default:
		err = app.Run(ctx, cfg, log)
	}
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim: %v\n", err)
		if errors.Is(err, db.ErrNoPostgres) {
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
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

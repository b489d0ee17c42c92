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

	"github.com/altinn-sim/altinn-sim/internal/app"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/seed"
	"github.com/altinn-sim/altinn-sim/internal/sim"
)

const seedUsage = `Usage: altinn-sim seed --file seed.yaml [flags]

Preloads organisations, persons, roles, Maskinporten clients, resources and
policies, systems, approved system users and agent system users with their
client delegations from one YAML file (see examples/training/seed.yaml).
Safe to run again: what is already as the file says is left alone, and an
agent system user's delegations are made to match its clients list. A bad
file changes nothing and exits 2 with one line saying what is wrong.

It connects as 'serve' does (--database-url, or the embedded PostgreSQL in
--data-dir, attaching to it when a server is already running there), and
may run while servers are up: they see the new data at once.
('altinn-sim serve --seed-file seed.yaml' seeds, then serves.)

`

// runSeed is `altinn-sim seed`: exit 0 when seeded, 2 for bad usage,
// configuration or a bad file, 1 when seeding failed for another reason.
func runSeed(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var file string
	cfg, err := config.LoadWith("seed", seedUsage, args, getenv, stdout, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "file", "", "the seed YAML file (required)")
		fs.StringVar(&file, "f", "", "short for --file")
	})
	if errors.Is(err, config.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim seed: %v\n", err)
		return 2
	}
	if file == "" {
		fmt.Fprintf(stderr, "altinn-sim seed: --file is required (a seed YAML file; see altinn-sim seed --help)\n")
		return 2
	}
	// The whole file is read and checked before the database is touched.
	f, err := seed.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim seed: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := seedDatabase(ctx, cfg, f)
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim seed: %v\n", seed.InFile(err, file))
		if errors.Is(err, seed.ErrInvalid) || errors.Is(err, db.ErrNoPostgres) || errors.Is(err, db.ErrDataDir) {
			return 2
		}
		return 1
	}
	log.Debug("seeded", "file", file)
	fmt.Fprintf(stdout, "seeded %s: %s\n", file, rep)
	return 0
}

// seedDatabase opens the database as serve does (migrating it first),
// builds the services and applies the file through them.
func seedDatabase(ctx context.Context, cfg config.Config, f seed.File) (seed.Report, error) {
	log := newLogger(cfg, io.Discard)
	url, stopDB, err := app.Database(ctx, cfg, log)
	if err != nil {
		return seed.Report{}, err
	}
	defer stopDB()
	if err := db.Migrate(ctx, url); err != nil {
		return seed.Report{}, err
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		return seed.Report{}, err
	}
	defer pool.Close()
	a, err := app.New(ctx, cfg, pool, log)
	if err != nil {
		return seed.Report{}, err
	}
	defer a.Close()
	rep, err := seed.Apply(ctx, seed.Deps{
		Pool: pool, Parties: a.Parties, Clients: a.Clients, Resources: a.Resources,
		Registry: a.Registry, SystemUsers: a.SystemUsers, Requests: a.Requests,
		Scopes: a.Scopes, APIDelegation: a.APIDelegation, AccessLists: a.AccessLists,
	}, f)
	if err != nil {
		return rep, err
	}
	// The seeded state is what POST /sim/api/v1/reset returns to.
	if err := sim.TakeSnapshot(ctx, pool); err != nil {
		return rep, fmt.Errorf("record the seed for /sim/api/v1/reset: %w", err)
	}
	return rep, nil
}

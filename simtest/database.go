package simtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/app"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/sim"
)

// database is one server's own fresh, migrated database and what removes
// it again. newDatabase is the one place that decides how a database is
// made, so a faster way (cloning a prepared template database or cluster
// instead of CREATE DATABASE or initdb, then migrating) slots in here
// without touching the rest of the package.
type database struct {
	url  string
	pool *pgxpool.Pool // the app's pool, closed before the database goes
	drop func() error
}

// embeddedPrefix starts the name of every private cluster's folder under
// the temp folder, so a later run can find those whose test binary died.
const embeddedPrefix = "altinn-sim-simtest-"

// newDatabase makes the database: a new one on the server at serverURL,
// or, with no URL, on a private PostgreSQL started for this server alone.
func newDatabase(ctx context.Context, serverURL string, log *slog.Logger) (*database, error) {
	var (
		d   *database
		err error
	)
	if serverURL != "" {
		d, err = createOn(ctx, serverURL)
	} else {
		d, err = startEmbedded(ctx, log)
	}
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, d.url); err != nil {
		return nil, errors.Join(fmt.Errorf("migrate the new database: %w", err), d.close())
	}
	return d, nil
}

func (d *database) close() error {
	if d.pool != nil {
		d.pool.Close()
	}
	return d.drop()
}

// createOn creates a database with a fresh name on the server at
// serverURL; drop removes it, ending any session still on it.
func createOn(ctx context.Context, serverURL string) (*database, error) {
	name := "altinn_sim_simtest_" + randHex(6)
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return nil, fmt.Errorf("connect to the database server (%s or WithDatabaseURL): %w", EnvDatabaseURL, err)
	}
	defer conn.Close(ctx)
	// A copy of a template database on the server, migrated and given
	// its seed snapshot once per set of migrations, instead of a new
	// database migrated from scratch (seconds).
	tpl := "altinn_sim_simtest_tpl_" + db.MigrationsDigest() + "_" + strings.ReplaceAll(sim.SnapshotTag, "-", "_")
	if err := db.EnsureTemplateDB(ctx, serverURL, tpl, sim.PrepareTemplate); err != nil {
		return nil, err
	}
	if err := db.CreateFromTemplate(ctx, conn, name, tpl); err != nil {
		return nil, err
	}
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	return &database{url: db.WithDatabase(serverURL, name), drop: drop}, nil
}

// startEmbedded initialises and starts a private cluster in a new temp
// folder; drop stops it and deletes the folder. The postmaster dies with
// the test binary even when that is killed (see internal/db), and the
// folder of a killed run is deleted by the next embedded start.
func startEmbedded(ctx context.Context, log *slog.Logger) (*database, error) {
	reapEmbedded()
	dir, err := os.MkdirTemp("", embeddedPrefix)
	if err != nil {
		return nil, fmt.Errorf("temp folder for PostgreSQL: %w", err)
	}
	// As root the cluster runs as the postgres user, which must be able
	// to pass through the folder (not list it).
	if err := os.Chmod(dir, 0o711); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	e, err := app.NewEmbedded(filepath.Join(dir, "pg"), log)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("embedded PostgreSQL (or set %s or WithDatabaseURL): %w", EnvDatabaseURL, err), os.RemoveAll(dir))
	}
	// A throwaway cluster needs no durability.
	e.Fast = true
	u, err := e.Start(ctx)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start embedded PostgreSQL: %w", err), os.RemoveAll(dir))
	}
	drop := func() error {
		err := e.Stop()
		return errors.Join(err, os.RemoveAll(dir))
	}
	return &database{url: u, drop: drop}, nil
}

// reapEmbedded deletes the folders (and stops any cluster still running
// there) of earlier embedded starts whose process has died.
func reapEmbedded() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), embeddedPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue // still being set up, or not ours
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid == os.Getpid() || syscall.Kill(pid, 0) == nil {
			continue // its owner is alive
		}
		if e, err := db.NewEmbedded(filepath.Join(d, "pg"), slog.New(slog.DiscardHandler)); err == nil {
			_ = e.StopAny()
		}
		_ = os.RemoveAll(d)
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

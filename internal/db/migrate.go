package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/altinn-sim/altinn-sim/migrations"
)

// Migrate applies every embedded migration to the database at url. It is
// safe to run twice and from several processes at once: golang-migrate
// holds a PostgreSQL advisory lock while it works.
func Migrate(ctx context.Context, url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("parse database url: %w", err)
	}
	if atHead(ctx, cfg) {
		return nil
	}
	sqlDB := stdlib.OpenDB(*cfg)
	defer sqlDB.Close()
	return migrateDB(ctx, sqlDB)
}

// atHead reports whether the database is already at the newest migration,
// with one query: golang-migrate's own check (a session, its table, an
// advisory lock) is a good part of a restart's time. Anything else
// (no table yet, a dirty or older version, no connection) is left to
// golang-migrate, which says what is wrong.
func atHead(ctx context.Context, cfg *pgx.ConnConfig) bool {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	return AtHead(ctx, conn) == nil
}

func migrateDB(ctx context.Context, sqlDB *sql.DB) error {
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("migrate: connect: %w", Map(err))
	}
	drv, err := pgxmigrate.WithInstance(sqlDB, &pgxmigrate.Config{})
	if err != nil {
		return fmt.Errorf("migrate: driver: %w", err)
	}
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return fmt.Errorf("migrate: source: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", drv)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Close releases the driver's dedicated connection; without it the
	// database keeps a session open (and cannot serve as a template).
	defer m.Close()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate: up: %w", err)
	}
	return nil
}

// HeadVersion is the highest embedded migration version.
func HeadVersion() uint {
	var head uint
	entries, _ := fs.ReadDir(migrations.FS, ".")
	for _, e := range entries {
		n, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".up.sql") {
			continue
		}
		if v, err := strconv.ParseUint(n, 10, 64); err == nil && uint(v) > head {
			head = uint(v)
		}
	}
	return head
}

// MigrationsDigest names the current set of migrations; the test helper
// keys its template database by it.
func MigrationsDigest() string {
	entries, _ := fs.ReadDir(migrations.FS, ".")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		data, _ := fs.ReadFile(migrations.FS, n)
		b.WriteString(n)
		b.Write(data)
	}
	return digest(b.String())
}

// AtHead reports whether the database has every embedded migration applied
// and is not marked dirty.
func AtHead(ctx context.Context, q Querier) error {
	var (
		v     int64
		dirty bool
	)
	if err := q.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&v, &dirty); err != nil {
		return fmt.Errorf("read migration version: %w", Map(err))
	}
	if dirty {
		return fmt.Errorf("migration %d is dirty", v)
	}
	if uint(v) != HeadVersion() {
		return fmt.Errorf("database at migration %d, want %d", v, HeadVersion())
	}
	return nil
}

package scopes

import (
	"context"
	"database/sql"
	"testing"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/migrations"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// beforeScopes is the last migration before the scope register's and
// the self-service API's (0060 scopes, 0061 the clients' new columns).
const beforeScopes = 55

// TestMigrationsDownAndUp: the scope and self-service migrations go down to the schema
// before them, with nothing of theirs left, and up again to the same seed.
func TestMigrationsDownAndUp(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewURL(t)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { _ = sqlDB.Close() })
	m := newMigrate(t, sqlDB)

	tables := []string{"maskinporten_scope_prefixes", "maskinporten_scopes", "maskinporten_scope_access"}
	exists := func(name string) bool {
		t.Helper()
		var ok bool
		if err := sqlDB.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, "public."+name).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	seeded := func() int {
		t.Helper()
		var n int
		if err := sqlDB.QueryRowContext(ctx, `SELECT count(*) FROM maskinporten_scopes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	hasColumn := func() bool {
		t.Helper()
		var ok bool
		if err := sqlDB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns
			WHERE table_name = 'maskinporten_clients' AND column_name = 'integration_type')`).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	before := seeded()
	if before == 0 {
		t.Fatal("the migration seeds no scopes")
	}

	if err := m.Migrate(beforeScopes); err != nil {
		t.Fatalf("down: %v", err)
	}
	for _, n := range tables {
		if exists(n) {
			t.Errorf("%s is still there after down", n)
		}
	}
	if hasColumn() {
		t.Error("maskinporten_clients.integration_type is still there after down")
	}
	if err := m.Up(); err != nil {
		t.Fatalf("up: %v", err)
	}
	for _, n := range tables {
		if !exists(n) {
			t.Errorf("%s is missing after up", n)
		}
	}
	if !hasColumn() {
		t.Error("maskinporten_clients.integration_type is missing after up")
	}
	if after := seeded(); after != before {
		t.Fatalf("%d scopes after down and up, %d before", after, before)
	}
	pool := dbtest.OpenURL(t, url)
	if err := db.AtHead(ctx, pool); err != nil {
		t.Fatal(err)
	}
}

func newMigrate(t *testing.T, sqlDB *sql.DB) *migrate.Migrate {
	t.Helper()
	drv, err := pgxmigrate.WithInstance(sqlDB, &pgxmigrate.Config{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", drv)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

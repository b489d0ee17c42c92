package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/app"
)

// TestEmbeddedTemplateHoldsTheSeedSnapshot: a fresh embedded cluster comes
// from a template that already holds the seed snapshot (a start would
// otherwise copy every table), and that snapshot is the seed: every
// table a reset restores, with the rows it had after the migrations.
func TestEmbeddedTemplateHoldsTheSeedSnapshot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_ = os.Chmod(dir, 0o755) // the cluster runs as postgres under root
	_ = os.Chmod(filepath.Dir(dir), 0o711)
	e, err := app.NewEmbedded(filepath.Join(dir, "pg"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e.Fast = true
	e.TemplateDir = t.TempDir()
	url, err := e.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.StopAny() })
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Every public table but the three a reset leaves alone has its copy,
	// with as many rows.
	rows, err := conn.Query(ctx, `SELECT t.tablename, s.tablename IS NOT NULL
		FROM pg_tables t LEFT JOIN pg_tables s ON s.schemaname = 'sim_seed' AND s.tablename = t.tablename
		WHERE t.schemaname = 'public' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		name   string
		copied bool
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (tb table, err error) {
		return tb, r.Scan(&tb.name, &tb.copied)
	})
	if err != nil {
		t.Fatal(err)
	}
	notReset := map[string]bool{"schema_migrations": true, "signing_keys": true, "test_ca": true}
	seeded := 0
	for _, tb := range tables {
		if tb.copied == notReset[tb.name] {
			t.Errorf("table %s: snapshot copy %v, want %v", tb.name, tb.copied, !notReset[tb.name])
			continue
		}
		if !tb.copied {
			continue
		}
		var live, saved int
		id := pgx.Identifier{tb.name}.Sanitize()
		if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM public.`+id+`), (SELECT count(*) FROM sim_seed.`+id+`)`).Scan(&live, &saved); err != nil {
			t.Fatal(err)
		}
		if live != saved {
			t.Errorf("table %s: %d rows, snapshot %d", tb.name, live, saved)
		}
		seeded += saved
	}
	if seeded == 0 {
		t.Fatal("the snapshot holds no rows: the seed (organisations, access packages) is missing")
	}
}

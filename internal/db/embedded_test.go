package db_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// TestEmbeddedKeepsDataAcrossRestarts starts a private cluster the way
// `altinn-sim serve` does with no database URL, writes, stops, starts again
// and reads the row back.
func TestEmbeddedKeepsDataAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// The cluster runs as postgres when the test runs as root; the
	// test's own temp folders must let it through.
	_ = os.Chmod(dir, 0o755)
	_ = os.Chmod(filepath.Dir(dir), 0o711)
	start := func() (*db.Embedded, string) {
		e, err := db.NewEmbedded(filepath.Join(dir, "pg"), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		e.Fast = true
		u, err := e.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return e, u
	}
	e, u := start()
	t.Cleanup(func() { _ = e.StopAny() })
	if err := db.Migrate(ctx, u); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE organizations SET name = 'Kept AS' WHERE org_no = '313725138'`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if err := e.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := pgx.Connect(ctx, u); err == nil {
		t.Fatal("cluster still answers after Stop")
	}

	e2, u2 := start()
	t.Cleanup(func() { _ = e2.Stop() })
	conn, err = pgx.Connect(ctx, u2)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var name string
	if err := conn.QueryRow(ctx, `SELECT name FROM organizations WHERE org_no = '313725138'`).Scan(&name); err != nil || name != "Kept AS" {
		t.Fatalf("after restart: %q, %v", name, err)
	}
}

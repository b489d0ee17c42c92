package db_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// TestTemplateDatabaseMadeOnceAndCloned: a template database is migrated
// and prepared once; a clone holds what both put there; a second ensure
// of the same template prepares nothing again; a half-migrated template
// is made again.
func TestTemplateDatabaseMadeOnceAndCloned(t *testing.T) {
	ctx := context.Background()
	admin := dbtest.AdminURL(t)
	tpl := fmt.Sprintf("altinn_sim_test_tpl_%d", rand.Uint32())
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	drop := func(name string) {
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	}
	t.Cleanup(func() { drop(tpl) })
	prepared := 0
	prepare := func(ctx context.Context, u string) error {
		prepared++
		c, err := pgx.Connect(ctx, u)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, `CREATE TABLE prepared_here (n int)`)
		return err
	}
	for range 2 {
		if err := db.EnsureTemplateDB(ctx, admin, tpl, prepare); err != nil {
			t.Fatal(err)
		}
	}
	if prepared != 1 {
		t.Fatalf("prepared %d times, want once", prepared)
	}
	clone := tpl + "_clone"
	t.Cleanup(func() { drop(clone) })
	if err := db.CreateFromTemplate(ctx, conn, clone, tpl); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, db.WithDatabase(admin, clone))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AtHead(ctx, c); err != nil {
		t.Fatalf("clone not migrated: %v", err)
	}
	if _, err := c.Exec(ctx, `SELECT n FROM prepared_here`); err != nil {
		t.Fatalf("clone lacks what prepare made: %v", err)
	}
	c.Close(ctx)

	// A maker that died half way: the template is made again.
	c, err = pgx.Connect(ctx, db.WithDatabase(admin, tpl))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `UPDATE schema_migrations SET dirty = true`); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	if err := db.EnsureTemplateDB(ctx, admin, tpl, prepare); err != nil {
		t.Fatal(err)
	}
	if prepared != 2 {
		t.Fatalf("a dirty template was kept (prepared %d times)", prepared)
	}
}

func TestWithDatabase(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u@h:5432/postgres?sslmode=disable": "postgres://u@h:5432/x?sslmode=disable",
		"postgresql://u@h/":                            "postgresql://u@h/x",
		"host=h user=u dbname=postgres":                "host=h user=u dbname=postgres dbname=x",
	} {
		got := db.WithDatabase(in, "x")
		if got != want {
			t.Errorf("WithDatabase(%q) = %q, want %q", in, got, want)
		}
		if c, err := pgx.ParseConfig(got); err != nil || c.Database != "x" {
			t.Errorf("%q connects to database %v (%v), want x", got, c, err)
		}
	}
}

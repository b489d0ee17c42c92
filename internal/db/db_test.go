package db_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// emptyDB creates an unmigrated database and returns its URL.
func emptyDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	admin := dbtest.AdminURL(t)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("empty_%x", rand.Uint64())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	u, err := url.Parse(admin)
	if err != nil || u.Scheme == "" {
		return admin + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func TestMigrateTwiceAndConcurrently(t *testing.T) {
	ctx := context.Background()
	u := emptyDB(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = db.Migrate(ctx, u) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent migrate: %v", err)
		}
	}
	if err := db.Migrate(ctx, u); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	pool, err := db.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := db.AtHead(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM organizations`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("seeded organisations: %d, %v", n, err)
	}
}

func TestAtHeadOnUnmigratedDatabase(t *testing.T) {
	ctx := context.Background()
	pool, err := db.Open(ctx, emptyDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := db.AtHead(ctx, pool); err == nil {
		t.Fatal("an empty database is not at head")
	}
}

func TestInTxRollsBackAndMapsErrors(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	err := db.InTx(ctx, pool, func(q db.Querier) error {
		if _, err := q.Exec(ctx, `INSERT INTO organizations (org_no, name, party_id, party_uuid) VALUES ('312605031', 'dup', 1, gen_random_uuid())`); err != nil {
			return err
		}
		return nil
	})
	if !errors.Is(err, dberr.ErrConflict) {
		t.Fatalf("duplicate key: %v, want ErrConflict", err)
	}
	boom := errors.New("boom")
	err = db.InTx(ctx, pool, func(q db.Querier) error {
		if _, err := q.Exec(ctx, `UPDATE organizations SET name = 'changed' WHERE org_no = '991825827'`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	var name string
	if err := pool.QueryRow(ctx, `SELECT name FROM organizations WHERE org_no = '991825827'`).Scan(&name); err != nil || name == "changed" {
		t.Fatalf("write survived a failed transaction: %q %v", name, err)
	}
	err = db.Map(pool.QueryRow(ctx, `SELECT name FROM organizations WHERE org_no = 'x'`).Scan(&name))
	if !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("no rows: %v", err)
	}
}

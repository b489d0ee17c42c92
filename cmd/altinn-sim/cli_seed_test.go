package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/sim"
)

// dbState is every row of every table as text.
func dbState(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	ctx := context.Background()
	var s string
	err := pool.QueryRow(ctx, `SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tb := range strings.Split(s, ",") {
		var rows string
		if err := pool.QueryRow(ctx, `SELECT coalesce(json_agg(x ORDER BY x::text), '[]')::text FROM "`+tb+`" x`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		b.WriteString(tb + "=" + rows + "\n")
	}
	return b.String()
}

func runSeedCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, func(string) string { return "" }, &out, &errb)
	return code, out.String(), errb.String()
}

// TestSeedCommand: the training file seeds a fresh database, a second run
// changes nothing, and a bad file exits 2 with one line and no change.
func TestSeedCommand(t *testing.T) {
	pool := dbtest.New(t)
	dbURL := pool.Config().ConnString()
	file := filepath.Join("..", "..", "examples", "training", "seed.yaml")

	code, out, errs := runSeedCLI(t, "seed", "--file", file, "--database-url", dbURL)
	if code != 0 || !strings.Contains(out, "systemUsers 1 created") || !strings.Contains(out, "agentSystemUsers 1 created; clientDelegations 2 created") {
		t.Fatalf("first seed: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	after := dbState(t, pool)
	code, out, errs = runSeedCLI(t, "seed", "--database-url="+dbURL, "--file="+file)
	if code != 0 || strings.Contains(out, "created") || strings.Contains(out, "updated") || strings.Contains(out, "removed") ||
		!strings.Contains(out, "systemUsers 1 unchanged") || !strings.Contains(out, "clientDelegations 2 unchanged") {
		t.Fatalf("second seed: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if dbState(t, pool) != after {
		t.Error("the second seed changed the database")
	}
	// A reset returns to the seeded state, not to the bare migrations.
	if _, err := pool.Exec(context.Background(), `DELETE FROM system_users`); err != nil {
		t.Fatal(err)
	}
	if err := sim.Reset(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	if dbState(t, pool) != after {
		t.Error("a reset after seeding did not return to the seeded state")
	}

	// A file that is only wrong against the database (a system user for a
	// system nobody registered) and one that is wrong in itself.
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown-system.yaml": "organizations:\n  - {orgNo: \"315555043\", name: Ny AS}\nsystemUsers:\n  - {system: 991825827_nope, org: \"313725138\"}\n",
		"bad-yaml.yaml":       "organizations: [\n",
		"bad-org.yaml":        "organizations:\n  - {orgNo: \"123\", name: X}\n",
		// A client the accounting firm holds no ER role on.
		"not-a-client.yaml": "agentSystemUsers:\n  - {system: 315555000_byraa, facilitator: \"312605031\", clients: [\"313725138\"]}\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errs = runSeedCLI(t, "seed", "--file", path, "--database-url", dbURL)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "altinn-sim seed: "+path+":") {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want exit 2 and one line naming the file", name, code, errs, out)
		}
		if dbState(t, pool) != after {
			t.Errorf("%s changed the database", name)
		}
	}
	if code, _, errs = runSeedCLI(t, "seed", "--database-url", dbURL); code != 2 || !strings.Contains(errs, "--file is required") {
		t.Errorf("seed without --file: exit %d, %q", code, errs)
	}
	if code, _, errs = runSeedCLI(t, "seed", "--file", filepath.Join(dir, "missing.yaml"), "--database-url", dbURL); code != 2 || strings.Count(errs, "\n") != 1 {
		t.Errorf("seed with a missing file: exit %d, %q", code, errs)
	}
}

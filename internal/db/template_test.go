package db

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// clusterIn makes a fast cluster in a new temp folder that takes its
// templates from tplDir.
func clusterIn(t *testing.T, tplDir string) *Embedded {
	t.Helper()
	dir := t.TempDir()
	// The cluster runs as postgres when the test runs as root.
	_ = os.Chmod(dir, 0o755)
	_ = os.Chmod(filepath.Dir(dir), 0o711)
	e := newFast(t, filepath.Join(dir, "pg"))
	e.TemplateDir = tplDir
	t.Cleanup(func() { _ = e.StopAny() })
	return e
}

func systemID(t *testing.T, u string) (id int64) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT system_identifier FROM pg_control_system()`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestFreshClusterFromTemplate: the first fresh start leaves a template (a
// cluster with altinn_sim at the newest migration); the next fresh start
// is a copy of it (same system identifier, already migrated) and sees
// nothing the first cluster wrote after it was taken.
func TestFreshClusterFromTemplate(t *testing.T) {
	ctx := context.Background()
	tplDir := t.TempDir()
	a := clusterIn(t, tplDir)
	ua, err := a.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tpl := a.templatePath()
	if _, err := os.Stat(filepath.Join(tpl, "PG_VERSION")); err != nil {
		t.Fatalf("no template after the first fresh start: %v", err)
	}
	if _, err := os.Stat(filepath.Join(tpl, "postmaster.pid")); err == nil {
		t.Fatal("the template holds a postmaster.pid")
	}
	conn, err := pgx.Connect(ctx, ua)
	if err != nil {
		t.Fatal(err)
	}
	if err := AtHead(ctx, conn); err != nil {
		t.Fatalf("first cluster not migrated by its start: %v", err)
	}
	if _, err := conn.Exec(ctx, `UPDATE organizations SET name = 'Only in A' WHERE org_no = '313725138'`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	b := clusterIn(t, tplDir)
	ub, err := b.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ida, idb := systemID(t, ua), systemID(t, ub); ida != idb {
		t.Fatalf("second cluster not copied from the template: system identifiers %d and %d", ida, idb)
	}
	conn, err = pgx.Connect(ctx, ub)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := AtHead(ctx, conn); err != nil {
		t.Fatalf("copied cluster not at the newest migration: %v", err)
	}
	var name string
	if err := conn.QueryRow(ctx, `SELECT name FROM organizations WHERE org_no = '313725138'`).Scan(&name); err != nil || name == "Only in A" {
		t.Fatalf("copied cluster sees the first cluster's later write: %q, %v", name, err)
	}
}

// TestTemplateBuiltOnceUnderConcurrentStarts: fresh starts at once on an
// empty cache all come up, one template results, and no half-made copy
// is left beside it.
func TestTemplateBuiltOnceUnderConcurrentStarts(t *testing.T) {
	ctx := context.Background()
	tplDir := t.TempDir()
	const n = 3
	es := make([]*Embedded, n)
	for i := range es {
		es[i] = clusterIn(t, tplDir)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, e := range es {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.Start(ctx)
		}()
	}
	wg.Wait()
	ids := map[int64]bool{}
	for i, e := range es {
		if errs[i] != nil {
			t.Fatalf("start %d: %v", i, errs[i])
		}
		ids[systemID(t, e.URL("altinn_sim"))] = true
	}
	entries, err := os.ReadDir(tplDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, en := range entries {
		if !strings.HasSuffix(en.Name(), ".lock") && !strings.Contains(en.Name(), ".spare") {
			names = append(names, en.Name())
		}
	}
	if len(names) != 1 || filepath.Join(tplDir, names[0]) != es[0].templatePath() {
		t.Fatalf("cache holds %v, want only %s", names, filepath.Base(es[0].templatePath()))
	}
	if len(ids) != 1 {
		t.Fatalf("%d different clusters, want every one copied from the one template (or the one that made it)", len(ids))
	}
}

// TestFreshClusterWithoutUsableCache: a cache folder that cannot be made
// (a file is in the way) costs only the speed-up: the cluster is made
// with initdb and starts.
func TestFreshClusterWithoutUsableCache(t *testing.T) {
	ctx := context.Background()
	blocker := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e := clusterIn(t, filepath.Join(blocker, "cache"))
	u, err := e.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
}

// TestTemplateNameFollowsMigrations: a template is named by the
// binaries and the migrations, so a new migration never starts from an
// old template.
func TestTemplateNameFollowsMigrations(t *testing.T) {
	e := clusterIn(t, "/cache")
	name := filepath.Base(e.templatePath())
	if !strings.HasPrefix(name, "pg-template-"+e.pgVersion()+"-") || e.pgVersion() == "pg" {
		t.Fatalf("template %s does not name the PostgreSQL major version", name)
	}
	if e.templateFor("a") == e.templateFor("b") {
		t.Fatal("other migrations, same template")
	}
	other := &Embedded{bin: "/elsewhere/bin", TemplateDir: e.TemplateDir}
	if other.templateFor("a") == e.templateFor("a") {
		t.Fatal("other binaries, same template")
	}
}

// TestPruneKeepsTheMostRecentlyUsed: building a template deletes other
// templates beyond the two most recently used, with their lock files, and
// leaves copies under way alone.
func TestPruneKeepsTheMostRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	e := &Embedded{TemplateDir: dir, log: slog.New(slog.DiscardHandler)}
	now := time.Now()
	for i, name := range []string{"pg-template-15-a", "pg-template-15-b", "pg-template-15-c", "pg-template-15-d", "pg-template-15-new"} {
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		_ = os.WriteFile(d+".lock", nil, 0o600)
		used := now.Add(-time.Duration(i) * time.Hour) // a is the most recent
		if err := os.Chtimes(d, used, used); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "pg-template-15-e.tmp-123"), 0o700); err != nil {
		t.Fatal(err)
	}
	// A pruned template's spares go with it.
	for _, spare := range []string{"pg-template-15-d.spare", "pg-template-15-d.spare-fast-1"} {
		if err := os.Mkdir(filepath.Join(dir, spare), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	e.pruneTemplates(filepath.Join(dir, "pg-template-15-new"))
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	var names []string
	for _, l := range left {
		names = append(names, filepath.Base(l))
	}
	want := []string{"pg-template-15-a", "pg-template-15-a.lock", "pg-template-15-b", "pg-template-15-b.lock",
		"pg-template-15-e.tmp-123", "pg-template-15-new", "pg-template-15-new.lock"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("left %v, want %v", names, want)
	}
}

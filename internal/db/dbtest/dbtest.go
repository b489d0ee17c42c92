// Package dbtest gives every test its own fresh, migrated database on a real
// PostgreSQL: the server at ALTINN_SIM_TEST_DATABASE_URL when set, else a
// throwaway cluster this test binary starts and stops. Each database is
// cloned from a template migrated once per set of migrations, so tests run
// in parallel and never see each other's rows.
//
// A package that uses it declares
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// EnvURL names the variable pointing at a PostgreSQL server for tests.
const EnvURL = "ALTINN_SIM_TEST_DATABASE_URL"

var (
	mu         sync.Mutex
	mainCalled bool
	adminURL   string
	cluster    *db.Embedded
	template   string
	setupErr   error
	setupOnce  sync.Once
)

// Main runs the package's tests and stops the throwaway cluster, if one
// was started, before exiting.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main without the exit: it returns the tests' exit code, for a
// TestMain that has more to do (and to report) after the tests ran.
func Run(m *testing.M) int {
	mu.Lock()
	mainCalled = true
	mu.Unlock()
	code := m.Run()
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "dbtest:", err)
		}
		_ = os.RemoveAll(strings.TrimSuffix(cluster.Dir, "/pg"))
	}
	return code
}

// New returns a pool on a fresh migrated database, dropped when t ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return OpenURL(t, NewURL(t))
}

// NewURL creates a fresh migrated database and returns its URL, for tests
// that start a server process of their own. The database is dropped when t
// ends.
func NewURL(t testing.TB) string {
	t.Helper()
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("dbtest: %v", setupErr)
	}
	name := "t_" + randHex(8)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatalf("dbtest: connect admin: %v", err)
	}
	defer conn.Close(ctx)
	if err := db.CreateFromTemplate(ctx, conn, name, template); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), adminURL)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return db.WithDatabase(adminURL, name)
}

// AdminURL is the URL of the server's maintenance database, for tests
// that need to act on the server (e.g. terminate connections).
func AdminURL(t testing.TB) string {
	t.Helper()
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("dbtest: %v", setupErr)
	}
	return adminURL
}

func setup() error {
	ctx := context.Background()
	adminURL = os.Getenv(EnvURL)
	if adminURL == "" {
		mu.Lock()
		called := mainCalled
		mu.Unlock()
		if !called {
			return fmt.Errorf("no %s set and this package's TestMain does not call dbtest.Main, so a throwaway cluster could not be stopped", EnvURL)
		}
		reapOrphans()
		dir, err := os.MkdirTemp("", "altinn-sim-test-")
		if err != nil {
			return err
		}
		// The owner's pid lets a later run stop this cluster if this
		// binary dies before Main can (a test timeout panics past it).
		if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			return err
		}
		_ = os.Chmod(dir, 0o755)
		e, err := db.NewEmbedded(dir+"/pg", slog.New(slog.DiscardHandler))
		if err != nil {
			return err
		}
		e.Fast = true
		if _, err := e.Start(ctx); err != nil {
			return fmt.Errorf("start throwaway cluster: %w", err)
		}
		cluster = e
		adminURL = e.URL("postgres")
	}
	template = "altinn_sim_tmpl_" + db.MigrationsDigest()
	return db.EnsureTemplateDB(ctx, adminURL, template, nil)
}

// reapOrphans stops throwaway clusters whose test binary has died.
func reapOrphans() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "altinn-sim-test-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || syscall.Kill(pid, 0) == nil {
			continue // owner still alive
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

// ReleaseWait is how long a test's pool may take, once the test is done,
// to have every connection back.
const ReleaseWait = 10 * time.Second

// OpenURL opens a pool on url that, when t ends, must have every
// connection back within ReleaseWait, and is then closed. One still held
// (a query whose rows were never closed) fails the test and the pool is
// left open — the database's drop ends its connections: pgxpool's Close
// waits for every connection, so closing such a pool would hang the test
// binary until its timeout (and a mutation run would count the mutant
// TIMED OUT instead of KILLED).
func OpenURL(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("dbtest: open: %v", err)
	}
	t.Cleanup(func() {
		if n := waitReleased(pool, ReleaseWait); n > 0 {
			t.Errorf("dbtest: %d database connection(s) still held %v after the test: some query's rows were never closed", n, ReleaseWait)
			return
		}
		pool.Close()
	})
	return pool
}

// waitReleased waits up to wait for p to have no connection acquired and
// returns how many still are.
func waitReleased(p *pgxpool.Pool, wait time.Duration) int32 {
	deadline := time.Now().Add(wait)
	for {
		n := p.Stat().AcquiredConns()
		if n == 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}

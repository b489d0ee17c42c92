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
	"net/url"
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
	u := NewURL(t)
	pool, err := db.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("dbtest: open: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
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
	// Concurrent clones of one template can briefly collide, and a clone
	// can queue behind another process's work on the server; time out and
	// retry rather than hang the test binary.
	if _, err := conn.Exec(ctx, "SET statement_timeout = '30s'"); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	for i := 0; ; i++ {
		_, err = conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, pgx.Identifier{template}.Sanitize()))
		if err == nil || i > 50 || !(strings.Contains(err.Error(), "being accessed by other users") || strings.Contains(err.Error(), "statement timeout")) {
			break
		}
		time.Sleep(time.Duration(20+i*10) * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), adminURL)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return withDB(adminURL, name)
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
	return ensureTemplate(ctx)
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

// ensureTemplate creates and migrates the template once per server, guarded
// by an advisory lock because several test binaries start at once.
func ensureTemplate(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect %s: %w", EnvURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(74210001)`); err != nil {
		return err
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock(74210001)`) //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, template).Scan(&exists); err != nil {
		return err
	}
	if exists && templateReady(ctx) {
		return nil
	}
	if exists {
		if _, err := conn.Exec(ctx, "DROP DATABASE "+template+" WITH (FORCE)"); err != nil {
			return err
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+template); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	if err := db.Migrate(ctx, withDB(adminURL, template)); err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	return nil
}

func templateReady(ctx context.Context) bool {
	c, err := pgx.Connect(ctx, withDB(adminURL, template))
	if err != nil {
		return false
	}
	defer c.Close(ctx)
	return db.AtHead(ctx, c) == nil
}

// withDB swaps the database name in a postgres URL.
func withDB(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return raw + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// OpenURL opens a pool on url, closed when t ends.
func OpenURL(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("dbtest: open: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

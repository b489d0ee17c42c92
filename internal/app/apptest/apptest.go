// Package apptest starts a whole altinn-sim on a fresh database inside a
// test, served over real HTTP, for end-to-end tests of any package.
//
// A package that uses it declares
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// Server is a running emulator.
type Server struct {
	*app.App
	HTTP *httptest.Server
	URL  string // base URL, no trailing slash
}

// Option changes the config before the app is built.
type Option func(*config.Config)

// Start builds an app on a fresh migrated database and serves it.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	pool := dbtest.New(t)
	return StartOn(t, pool.Config().ConnString(), opts...)
}

// StartOn serves an app on an existing database URL (for scale-out tests
// that run two instances on one database).
func StartOn(t testing.TB, dbURL string, opts ...Option) *Server {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.OpenURL(t, dbURL)
	srv := httptest.NewUnstartedServer(nil)
	cfg := config.Config{
		Listen:        srv.Listener.Addr().String(),
		PublicURL:     "http://" + srv.Listener.Addr().String(),
		DatabaseURL:   dbURL,
		DataDir:       t.TempDir(),
		SigningAlg:    "RS256",
		TokenLifetime: 120 * time.Second,
		LogFormat:     "text",
	}
	for _, o := range opts {
		o(&cfg)
	}
	var w io.Writer = io.Discard
	if os.Getenv("ALTINN_SIM_TEST_LOG") != "" {
		w = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.New(ctx, cfg, pool, log)
	if err != nil {
		t.Fatalf("apptest: build app: %v", err)
	}
	srv.Config.Handler = a.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(a.Close)
	return &Server{App: a, HTTP: srv, URL: srv.URL}
}

// Client is an HTTP client that does not follow redirects, so tests see
// them.
func Client() *http.Client {
	return &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

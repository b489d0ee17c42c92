// Package simtest starts a whole altinn-sim inside a Go test, so a vendor's
// own tests can run the system-user journey against it: a Maskinporten
// client and key, a JWT-bearer grant, a token, a system in the system
// register, a system-user request, its approval by a test person in the
// portal, a system-user token and a PDP decision — plus the emulator's
// controls (clock, faults, reset).
//
//	func TestMyIntegration(t *testing.T) {
//		s := simtest.Start(t) // stopped by t.Cleanup
//		vendor := s.NewClient(t, simtest.VendorOrg, simtest.VendorScopes()...)
//		...
//	}
//
// Start needs no TestMain. Each server gets a fresh database: on the
// PostgreSQL server named by WithDatabaseURL or ALTINN_SIM_TEST_DATABASE_URL
// (a new database, dropped at the end), else a private PostgreSQL run from
// the machine's installed server binaries, as `altinn-sim serve` does
// without a database URL (stopped and deleted at the end).
//
// The helpers talk to the server over HTTP, through the same public APIs
// and /sim/api/v1 control endpoints a vendor's code and a tester use, and
// fail the calling test with t.Fatalf and a message naming the call and
// the server's answer.
package simtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/seed"
	"github.com/altinn-sim/altinn-sim/internal/signing"
	"github.com/altinn-sim/altinn-sim/internal/sim"
)

// EnvDatabaseURL names the environment variable Start reads when no
// WithDatabaseURL option is given: a PostgreSQL server on which each
// server creates (and at the end drops) a database of its own.
const EnvDatabaseURL = "ALTINN_SIM_TEST_DATABASE_URL"

// Server is a running emulator. Its helpers take the calling test's t, so
// one Server (say from TestMain, see New) can serve many tests, also in
// parallel: the helpers keep no state between calls.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:43617 (no
	// trailing slash): the Altinn base URL to give the code under test.
	// Every platform API, the portal and /sim are under it.
	URL string
	// Issuer is Maskinporten's issuer, URL plus "/": a grant's aud and
	// the iss of every token. Its token endpoint is URL + "/token", its
	// keys URL + "/jwk", its metadata
	// URL + "/.well-known/oauth-authorization-server".
	Issuer string
	// AdminToken is the bearer token /sim/api needs ("" when open); the
	// helpers send it.
	AdminToken string
	// DatabaseURL is the server's own database (for a test that wants to
	// look at rows; the helpers never do).
	DatabaseURL string

	app       *app.App
	http      *http.Server
	served    chan struct{}
	transport *http.Transport
	client    *http.Client
	database  *database
	closeOnce sync.Once
	closeErr  error
}

// Option changes how Start and New build the server.
type Option func(*settings)

type settings struct {
	databaseURL   string
	adminToken    string
	log           *slog.Logger
	signingAlg    string
	tokenLifetime time.Duration
	seedFile      string
}

// WithDatabaseURL runs the server on a fresh database created on the
// PostgreSQL server at url (which must allow CREATE DATABASE), dropped when
// the server stops. It wins over ALTINN_SIM_TEST_DATABASE_URL.
func WithDatabaseURL(url string) Option { return func(s *settings) { s.databaseURL = url } }

// WithAdminToken protects /sim/api with a bearer token, as
// ALTINN_SIM_ADMIN_TOKEN does; the helpers send it.
func WithAdminToken(token string) Option { return func(s *settings) { s.adminToken = token } }

// WithLogger sends the server's log to l. By default it is discarded
// (written to stderr when ALTINN_SIM_TEST_LOG is set).
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.log = l } }

// WithSigningAlg makes the server sign tokens with "RS256" (the default)
// or "ES256".
func WithSigningAlg(alg string) Option { return func(s *settings) { s.signingAlg = alg } }

// WithTokenLifetime sets the Maskinporten token lifetime (default 120 s).
func WithTokenLifetime(d time.Duration) Option { return func(s *settings) { s.tokenLifetime = d } }

// WithSeedFile preloads a seed file (the format of `altinn-sim seed`; see
// examples/training in the repository) before the server serves. The
// seeded state is what Reset returns to.
func WithSeedFile(path string) Option { return func(s *settings) { s.seedFile = path } }

// Start starts an emulator for the test and stops it (and its database)
// when the test and its subtests end. It fails the test when the server
// cannot start (no PostgreSQL binaries and no database URL, say).
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("simtest: start altinn-sim: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("simtest: stop altinn-sim: %v", err)
		}
	})
	return s
}

// New starts an emulator outside any one test — from TestMain, to share
// one server among a package's tests — and leaves stopping it to Close.
// Most tests want Start.
func New(opts ...Option) (*Server, error) {
	set := settings{signingAlg: "RS256", tokenLifetime: 120 * time.Second, databaseURL: os.Getenv(EnvDatabaseURL)}
	for _, o := range opts {
		o(&set)
	}
	if set.log == nil {
		var w io.Writer = io.Discard
		if os.Getenv("ALTINN_SIM_TEST_LOG") != "" {
			w = os.Stderr
		}
		set.log = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	var seedFile *seed.File
	if set.seedFile != "" {
		f, err := seed.ReadFile(set.seedFile)
		if err != nil {
			return nil, fmt.Errorf("seed file: %w", err)
		}
		seedFile = &f
	}
	ctx := context.Background()
	s := &Server{AdminToken: set.adminToken, served: make(chan struct{})}
	// The new database has no signing keys: make them while it is made.
	keygen := signing.StartKeygen(set.signingAlg)
	var err error
	if s.database, err = newDatabase(ctx, set.databaseURL, set.log); err != nil {
		return nil, err
	}
	s.DatabaseURL = s.database.url
	if err := s.serve(ctx, set, seedFile, keygen); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// serve builds the app on the server's database and serves it on a free
// loopback port.
func (s *Server) serve(ctx context.Context, set settings, seedFile *seed.File, keygen *signing.Keygen) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		close(s.served)
		return fmt.Errorf("listen: %w", err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.Issuer = s.URL + "/"
	cfg := config.Config{
		Listen:        ln.Addr().String(),
		PublicURL:     s.URL,
		DatabaseURL:   s.database.url,
		AdminToken:    set.adminToken,
		SigningAlg:    set.signingAlg,
		TokenLifetime: set.tokenLifetime,
		LogFormat:     "text",
	}
	pool, err := db.Open(ctx, s.database.url)
	if err != nil {
		ln.Close()
		close(s.served)
		return err
	}
	s.database.pool = pool
	a, err := app.New(ctx, cfg, pool, set.log, app.WithKeygen(keygen))
	if err != nil {
		ln.Close()
		close(s.served)
		return fmt.Errorf("build the server: %w", err)
	}
	s.app = a
	if seedFile != nil {
		if err := applySeed(ctx, a, *seedFile); err != nil {
			ln.Close()
			close(s.served)
			return fmt.Errorf("seed %s: %w", set.seedFile, seed.InFile(err, set.seedFile))
		}
	}
	s.transport = &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second}
	s.client = &http.Client{
		Transport: s.transport,
		Timeout:   60 * time.Second,
		// Helpers look at redirects themselves (the portal's answers are
		// redirects to the vendor's redirectUrl).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	s.http = &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(set.log.Handler(), slog.LevelWarn),
	}
	go func() {
		defer close(s.served)
		_ = s.http.Serve(ln)
	}()
	return nil
}

// applySeed applies a seed file through the app's services, as `altinn-sim
// seed` does, and records it as the state reset returns to.
func applySeed(ctx context.Context, a *app.App, f seed.File) error {
	if _, err := seed.Apply(ctx, seed.Deps{
		Pool: a.Pool, Parties: a.Parties, Clients: a.Clients, Resources: a.Resources,
		Registry: a.Registry, SystemUsers: a.SystemUsers, Requests: a.Requests,
		Scopes: a.Scopes, APIDelegation: a.APIDelegation, AccessLists: a.AccessLists,
	}, f); err != nil {
		return err
	}
	return sim.TakeSnapshot(ctx, a.Pool)
}

// Close stops the server: the HTTP server, the app's background work, its
// database connections, and then its database (dropped) or its private
// PostgreSQL (stopped and deleted). It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.http != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := s.http.Shutdown(ctx); err != nil {
				_ = s.http.Close()
			}
			cancel()
		}
		<-s.served
		if s.transport != nil {
			s.transport.CloseIdleConnections()
		}
		if s.app != nil {
			s.app.Close()
		}
		if s.database != nil {
			if err := s.database.close(); err != nil {
				errs = append(errs, err)
			}
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// path joins the base URL and an absolute path.
func (s *Server) path(p string) string {
	return s.URL + "/" + strings.TrimLeft(p, "/")
}

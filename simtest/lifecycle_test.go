package simtest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/simtest"
)

// TestStopLeavesNothing: a server started by Start is gone when its test
// ends — no postmaster, no data folder, no database, no goroutine —
// with the embedded PostgreSQL and with a database server alike.
func TestStopLeavesNothing(t *testing.T) {
	serverURL := os.Getenv(simtest.EnvDatabaseURL)
	t.Run("embedded", func(t *testing.T) {
		t.Setenv(simtest.EnvDatabaseURL, "")
		before := runtime.NumGoroutine()
		var dbURL string
		start := time.Now()
		t.Run("server", func(t *testing.T) {
			s := simtest.Start(t)
			t.Logf("embedded start (cluster from the template or initdb, start, migrate, serve) took %v", time.Since(start).Round(time.Millisecond))
			dbURL = s.DatabaseURL
			if r := s.Do(t, http.MethodGet, "/ready", "", nil); r.Status != http.StatusOK {
				t.Fatalf("/ready: %d %s", r.Status, r.Body)
			}
		})
		u, err := url.Parse(dbURL)
		if err != nil || u.Query().Get("host") == "" {
			t.Fatalf("embedded database URL %q names no socket folder", dbURL)
		}
		dir := filepath.Dir(u.Query().Get("host"))
		if !strings.Contains(filepath.Base(dir), "altinn-sim-simtest-") {
			t.Fatalf("embedded cluster in %s, not a folder of simtest's own", dir)
		}
		if pids := processesMentioning(dir); len(pids) > 0 {
			t.Errorf("processes still running on %s after the test: %v", dir, pids)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the cluster's folder %s is still there (%v)", dir, err)
		}
		goroutinesBackTo(t, before)
	})
	t.Run("database URL", func(t *testing.T) {
		if serverURL == "" {
			t.Skip(simtest.EnvDatabaseURL + " not set")
		}
		before := runtime.NumGoroutine()
		var dbURL string
		t.Run("server", func(t *testing.T) {
			s := simtest.Start(t, simtest.WithDatabaseURL(serverURL))
			dbURL = s.DatabaseURL
			if !databaseExists(t, serverURL, dbName(t, dbURL)) {
				t.Fatalf("the server's database %s does not exist while it runs", dbName(t, dbURL))
			}
		})
		if databaseExists(t, serverURL, dbName(t, dbURL)) {
			t.Errorf("database %s is still there after the test", dbName(t, dbURL))
		}
		goroutinesBackTo(t, before)
	})
}

// TestControls: the clock and faults helpers move the emulator's clock
// and make /token and the PDP fail, and grants follow the moved clock.
func TestControls(t *testing.T) {
	t.Parallel()
	s := simtest.Start(t)
	vendor := s.NewClient(t, simtest.VendorOrg, simtest.VendorScopes()...)

	wall := time.Now()
	now := s.AdvanceClock(t, 48*time.Hour)
	if d := now.Sub(wall); d < 48*time.Hour || d > 49*time.Hour {
		t.Fatalf("after AdvanceClock(48h) the clock is %v ahead", d)
	}
	tok := s.Token(t, vendor, simtest.ScopeRequestRead)
	if iat, _ := tok.Claims()["iat"].(float64); time.Unix(int64(iat), 0).Before(wall.Add(47 * time.Hour)) {
		t.Fatalf("token issued at %v on a clock 48 h ahead", time.Unix(int64(iat), 0))
	}
	// A grant dated on the wall clock is stale for the moved clock.
	_, err := s.PostGrant(t, s.SignGrant(t, vendor, simtest.Grant{Scopes: []string{simtest.ScopeRequestRead}, IssuedAt: wall}))
	var te *simtest.TokenError
	if !errors.As(err, &te) || te.Status != http.StatusBadRequest {
		t.Fatalf("a wall-clock grant on a clock 48 h ahead: %v, want refused", err)
	}
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s.SetClock(t, at)
	if got := s.Now(t); got.Before(at) || got.After(at.Add(time.Minute)) {
		t.Fatalf("after SetClock(%v) the clock says %v", at, got)
	}
	s.ResetClock(t)
	if d := time.Since(s.Now(t)); d > time.Minute || d < -time.Minute {
		t.Fatalf("after ResetClock the clock is %v off the wall clock", d)
	}

	s.ArmFault(t, simtest.Fault{Target: simtest.FaultToken, Status: http.StatusServiceUnavailable, Count: 1})
	_, err = s.PostGrant(t, s.SignGrant(t, vendor, simtest.Grant{Scopes: []string{simtest.ScopeRequestRead}}))
	if !errors.As(err, &te) || te.Status != http.StatusServiceUnavailable {
		t.Fatalf("with a 503 fault armed on /token: %v", err)
	}
	s.Token(t, vendor, simtest.ScopeRequestRead) // the fault was for one call
	s.ArmFault(t, simtest.Fault{Target: simtest.FaultPDP, Status: http.StatusInternalServerError, Count: 5})
	msg := fatalOf(t, func(tb testing.TB) {
		s.Authorize(tb, simtest.AuthzRequest{SystemUserID: "6f0ab4e4-2a1a-4f43-9ac4-8e3b1e6a2b64", Resource: simtest.Resource, PartyOrgNo: simtest.CustomerOrg})
	})
	if !strings.Contains(msg, "ask the PDP") || !strings.Contains(msg, "500") {
		t.Fatalf("PDP call with a 500 fault armed failed with %q", msg)
	}
	// An OAuth error and a delay are armed as given.
	s.ArmFault(t, simtest.Fault{Target: simtest.FaultToken, Status: http.StatusBadRequest, Error: "invalid_client", ErrorDescription: "armed by simtest", Count: 1})
	_, err = s.PostGrant(t, s.SignGrant(t, vendor, simtest.Grant{Scopes: []string{simtest.ScopeRequestRead}}))
	if !errors.As(err, &te) || te.Code != "invalid_client" || te.Description != "armed by simtest" {
		t.Fatalf("with an invalid_client fault armed: %v", err)
	}
	s.ArmFault(t, simtest.Fault{Target: simtest.FaultPDP, Delay: 250 * time.Millisecond, Count: 2})
	var armed []struct {
		Target  string `json:"target"`
		DelayMs int    `json:"delayMs"`
		Count   int    `json:"count"`
	}
	s.Do(t, http.MethodGet, "/sim/api/v1/faults", "", nil).JSON(t, &armed)
	if len(armed) != 1 || armed[0].Target != "pdp" || armed[0].DelayMs != 250 || armed[0].Count != 2 {
		t.Fatalf("armed faults %+v, want the PDP delayed 250 ms twice", armed)
	}
	s.ClearFaults(t)
	if d := s.Authorize(t, simtest.AuthzRequest{SystemUserID: "6f0ab4e4-2a1a-4f43-9ac4-8e3b1e6a2b64", Resource: simtest.Resource, PartyOrgNo: simtest.CustomerOrg}); d.Decision == simtest.Permit {
		t.Fatalf("an unknown system user permitted: %s", d.Raw)
	}
}

// TestResetAndSeed: WithSeedFile preloads a seed, and Reset returns to it:
// what the test made is gone, the seed is there.
func TestResetAndSeed(t *testing.T) {
	t.Parallel()
	s := simtest.Start(t, simtest.WithSeedFile("../examples/training/seed.yaml"))
	const seeded = "/sim/api/v1/clients/treningsleverandoren-timeforer"
	if r := s.Do(t, http.MethodGet, seeded, "", nil); r.Status != http.StatusOK {
		t.Fatalf("seeded client: %d %s", r.Status, r.Body)
	}
	c := s.NewClient(t, simtest.VendorOrg, simtest.ScopeRequestRead)
	s.AdvanceClock(t, time.Hour)
	s.Reset(t)
	if r := s.Do(t, http.MethodGet, "/sim/api/v1/clients/"+c.ID, "", nil); r.Status != http.StatusNotFound {
		t.Fatalf("a client made before Reset: %d, want 404", r.Status)
	}
	if r := s.Do(t, http.MethodGet, seeded, "", nil); r.Status != http.StatusOK {
		t.Fatalf("seeded client after Reset: %d", r.Status)
	}
	if d := time.Since(s.Now(t)); d > time.Minute || d < -time.Minute {
		t.Fatalf("after Reset the clock is %v off the wall clock", d)
	}
}

// TestAdminToken: with an admin token the control API refuses callers
// without it, and the helpers send it. Two servers share no rows.
func TestAdminToken(t *testing.T) {
	t.Parallel()
	s := simtest.Start(t, simtest.WithAdminToken("s3cret"))
	if r := s.Do(t, http.MethodGet, "/sim/api/v1/clock", "", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("control API without the token: %d", r.Status)
	}
	c := s.NewClient(t, simtest.VendorOrg, simtest.ScopeRequestRead)
	s.Token(t, c)
	s.AdvanceClock(t, time.Minute)

	// Every server has a database of its own: this one's client is not
	// on the shared server.
	if s.DatabaseURL == srv.DatabaseURL {
		t.Fatalf("two servers on one database %s", s.DatabaseURL)
	}
	if r := srv.Do(t, http.MethodGet, "/sim/api/v1/clients/"+c.ID, "", nil); r.Status != http.StatusNotFound {
		t.Fatalf("a client of one server on another: %d %s", r.Status, r.Body)
	}
}

// TestSeedConstants: the package's test-data constants are what the
// server seeds.
func TestSeedConstants(t *testing.T) {
	t.Parallel()
	var persons []struct {
		PID   string `json:"pid"`
		Roles []struct {
			Organization struct {
				OrgNo string `json:"orgNo"`
			} `json:"organization"`
			RoleCode string `json:"roleCode"`
		} `json:"roles"`
	}
	srv.Do(t, http.MethodGet, "/sim/api/v1/parties/persons", "", nil).JSON(t, &persons)
	roles := map[string][]string{}
	for _, p := range persons {
		roles[p.PID] = []string{}
		for _, r := range p.Roles {
			roles[p.PID] = append(roles[p.PID], r.Organization.OrgNo+":"+r.RoleCode)
		}
	}
	want := map[string]string{simtest.CustomerManagerPID: simtest.CustomerOrg + ":DAGL", simtest.AccountingFirmManagerPID: simtest.AccountingFirmOrg + ":DAGL"}
	for pid, role := range want {
		if !strings.Contains(strings.Join(roles[pid], " "), role) {
			t.Errorf("person %s has roles %v, want %s", pid, roles[pid], role)
		}
	}
	if r, ok := roles[simtest.NoRolesPID]; !ok || len(r) != 0 {
		t.Errorf("person %s (no roles) has roles %v (known: %v)", simtest.NoRolesPID, r, ok)
	}
	var orgs []struct {
		OrgNo string `json:"orgNo"`
	}
	srv.Do(t, http.MethodGet, "/sim/api/v1/parties/organizations", "", nil).JSON(t, &orgs)
	have := map[string]bool{}
	for _, o := range orgs {
		have[o.OrgNo] = true
	}
	for _, o := range []string{simtest.VendorOrg, simtest.CustomerOrg, simtest.AccountingFirmOrg, simtest.ServiceOwnerOrg} {
		if !have[o] {
			t.Errorf("organisation %s is not seeded", o)
		}
	}
	if r := srv.Do(t, http.MethodGet, "/resourceregistry/api/v1/resource/"+simtest.Resource, "", nil); r.Status != http.StatusOK {
		t.Errorf("resource %s: %d", simtest.Resource, r.Status)
	}
}

// processesMentioning lists the pids of processes whose command line
// names dir (a postmaster runs with -D <dir>/pg).
func processesMentioning(dir string) []string {
	var pids []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if strings.Trim(e.Name(), "0123456789") != "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), dir) {
			pids = append(pids, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return pids
}

// goroutinesBackTo waits (up to 10 s, for goroutines that are on their
// way out) until no more goroutines run than before, and fails listing
// them if some stay.
func goroutinesBackTo(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left running (before: %d):\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func dbName(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("database URL %q: %v", dbURL, err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func databaseExists(t *testing.T, serverURL, name string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("connect %s: %v", simtest.EnvDatabaseURL, err)
	}
	defer c.Close(ctx)
	var ok bool
	if err := c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&ok); err != nil {
		t.Fatalf("look up database %s: %v", name, err)
	}
	return ok
}

package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

func do(t *testing.T, method, url string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := apptest.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func TestClockControl(t *testing.T) {
	s := apptest.Start(t)
	st, b := do(t, "POST", s.URL+"/sim/api/v1/clock", map[string]any{"offset": "2h"})
	if st != 200 {
		t.Fatalf("%d %s", st, b)
	}
	if d := s.Clock.Now().Sub(time.Now()); d < 2*time.Hour-time.Minute || d > 2*time.Hour+time.Minute {
		t.Fatalf("clock offset %v after setting 2h", d)
	}
	if st, b := do(t, "POST", s.URL+"/sim/api/v1/clock", map[string]any{"offset": "later"}); st != 400 {
		t.Fatalf("bad offset: %d %s", st, b)
	}
	if st, _ := do(t, "DELETE", s.URL+"/sim/api/v1/clock", nil); st != 200 || s.Clock.Get() != 0 {
		t.Fatalf("reset clock: %d %v", st, s.Clock.Get())
	}
}

func TestFaultsControl(t *testing.T) {
	s := apptest.Start(t)
	if st, b := do(t, "POST", s.URL+"/sim/api/v1/faults", map[string]any{"target": "token", "status": 503, "count": 1}); st != 201 {
		t.Fatalf("arm: %d %s", st, b)
	}
	st, b := do(t, "POST", s.URL+"/token", nil)
	var e map[string]string
	_ = json.Unmarshal(b, &e)
	if st != 503 || e["error"] != "temporarily_unavailable" {
		t.Fatalf("faulted /token: %d %s", st, b)
	}
	// The fault is used up: /token answers as itself again (a 400 for no form).
	if st, b := do(t, "POST", s.URL+"/token", nil); st != 400 {
		t.Fatalf("after the fault: %d %s", st, b)
	}
	if st, b := do(t, "POST", s.URL+"/sim/api/v1/faults", map[string]any{"target": "database", "status": 503, "count": 1}); st != 400 {
		t.Fatalf("bad target: %d %s", st, b)
	}
}

// TestResetReturnsToSeed changes data through the APIs, resets, and finds
// the seed again.
func TestResetReturnsToSeed(t *testing.T) {
	ctx := context.Background()
	s := apptest.Start(t)
	st, b := do(t, "POST", s.URL+"/sim/api/v1/clients", map[string]any{"orgNo": "991825827", "name": "temp", "scopes": []string{"altinn:authentication/systemregister.write"}, "jwks": map[string]any{"keys": []any{}}})
	if st != 201 {
		t.Fatalf("create client: %d %s", st, b)
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE organizations SET name = 'Renamed' WHERE org_no = '313725138'`); err != nil {
		t.Fatal(err)
	}
	var keysBefore int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM signing_keys`).Scan(&keysBefore); err != nil {
		t.Fatal(err)
	}
	if st, b := do(t, "POST", s.URL+"/sim/api/v1/reset", nil); st != 204 {
		t.Fatalf("reset: %d %s", st, b)
	}
	var clients, keys int
	var name string
	if err := s.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM maskinporten_clients), (SELECT count(*) FROM signing_keys), (SELECT name FROM organizations WHERE org_no = '313725138')`).Scan(&clients, &keys, &name); err != nil {
		t.Fatal(err)
	}
	if clients != 0 || name != "Rakrygget Spesifikk Tiger AS" {
		t.Fatalf("after reset: %d clients, org name %q", clients, name)
	}
	if keys != keysBefore || keys == 0 {
		t.Fatalf("signing keys %d → %d: a reset keeps them so issued tokens still verify", keysBefore, keys)
	}
	// Seeded catalogue data is back too.
	var pkgs int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM access_packages`).Scan(&pkgs); err != nil || pkgs == 0 {
		t.Fatalf("access packages after reset: %d %v", pkgs, err)
	}
}

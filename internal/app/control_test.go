package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// doOn sends a request and returns status and body.
func doOn(s *apptest.Server, t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	st, _, b := s.Do(t, method, path, "", body)
	return st, b
}

func TestClockControl(t *testing.T) {
	s := apptest.Start(t)
	st, b := doOn(s, t, "POST", "/sim/api/v1/clock", map[string]any{"offset": "2h"})
	if st != 200 {
		t.Fatalf("%d %s", st, b)
	}
	if d := s.Clock.Now().Sub(time.Now()); d < 2*time.Hour-time.Minute || d > 2*time.Hour+time.Minute {
		t.Fatalf("clock offset %v after setting 2h", d)
	}
	if st, b := doOn(s, t, "POST", "/sim/api/v1/clock", map[string]any{"offset": "later"}); st != 400 {
		t.Fatalf("bad offset: %d %s", st, b)
	}
	if st, _ := doOn(s, t, "DELETE", "/sim/api/v1/clock", nil); st != 200 || s.Clock.Get() != 0 {
		t.Fatalf("reset clock: %d %v", st, s.Clock.Get())
	}
}

func TestFaultsControl(t *testing.T) {
	s := apptest.Start(t)
	if st, b := doOn(s, t, "POST", "/sim/api/v1/faults", map[string]any{"target": "token", "status": 503, "count": 1}); st != 201 {
		t.Fatalf("arm: %d %s", st, b)
	}
	st, b := doOn(s, t, "POST", "/token", nil)
	var e map[string]string
	_ = json.Unmarshal(b, &e)
	if st != 503 || e["error"] != "temporarily_unavailable" {
		t.Fatalf("faulted /token: %d %s", st, b)
	}
	// The fault is used up: /token answers as itself again (a 400 for no form).
	if st, b := doOn(s, t, "POST", "/token", nil); st != 400 {
		t.Fatalf("after the fault: %d %s", st, b)
	}
	if st, b := doOn(s, t, "POST", "/sim/api/v1/faults", map[string]any{"target": "database", "status": 503, "count": 1}); st != 400 {
		t.Fatalf("bad target: %d %s", st, b)
	}
	// Listed while armed, gone after DELETE.
	if st, _ := doOn(s, t, "POST", "/sim/api/v1/faults", map[string]any{"target": "pdp", "status": 500, "count": 5}); st != 201 {
		t.Fatalf("arm pdp: %d", st)
	}
	var armed []map[string]any
	if st := s.DoJSON(t, "GET", "/sim/api/v1/faults", "", nil, &armed); st != 200 || len(armed) != 1 || armed[0]["target"] != "pdp" || armed[0]["count"] != 5.0 {
		t.Fatalf("armed faults: %d %v", st, armed)
	}
	if st, _ := doOn(s, t, "DELETE", "/sim/api/v1/faults", nil); st != 204 {
		t.Fatalf("clear: %d", st)
	}
	if st := s.DoJSON(t, "GET", "/sim/api/v1/faults", "", nil, &armed); st != 200 || len(armed) != 0 {
		t.Fatalf("after clear: %d %v", st, armed)
	}
}

// TestResetReturnsToSeed changes data through the APIs, resets, and finds
// the seed again.
func TestResetReturnsToSeed(t *testing.T) {
	ctx := context.Background()
	s := apptest.Start(t)
	st, b := doOn(s, t, "POST", "/sim/api/v1/clients", map[string]any{"orgNo": "991825827", "name": "temp", "scopes": []string{"altinn:authentication/systemregister.write"}, "jwks": map[string]any{"keys": []any{}}})
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
	if st, b := doOn(s, t, "POST", "/sim/api/v1/reset", nil); st != 204 {
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

// TestResetForgetsCachedClients: a client used before a reset (and so
// cached by /token) is gone after it, on every instance.
func TestResetForgetsCachedClients(t *testing.T) {
	s := apptest.Start(t)
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := mpgrant.PublicJWKS(key)
	clientID := "0b4f6f0e-8a0a-4b8e-9c1e-5d2f7a6b3c21"
	if st, b := doOn(s, t, "POST", "/sim/api/v1/clients", map[string]any{"clientId": clientID, "orgNo": "991825827", "name": "before reset", "scopes": []string{"test:read"}, "jwks": jwks}); st != 201 {
		t.Fatalf("client: %d %s", st, b)
	}
	grant := func() (int, map[string]any) {
		g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: s.Config.Issuer(), Scopes: []string{"test:read"}}))
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		st := s.DoJSON(t, "POST", "/token", "", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {g}}, &out)
		return st, out
	}
	for deadline := time.Now().Add(10 * time.Second); !s.Clients.CacheLive(); {
		if time.Now().After(deadline) {
			t.Fatal("client cache never went live")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Two grants: the second surely reads the client from the cache (the
	// first may race with the notification of the client's creation).
	for i := 0; i < 2; i++ {
		if st, out := grant(); st != 200 {
			t.Fatalf("grant before reset: %d %v", st, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st, b := doOn(s, t, "POST", "/sim/api/v1/reset", nil); st != 204 {
		t.Fatalf("reset: %d %s", st, b)
	}
	var st int
	var out map[string]any
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if st, out = grant(); st == 400 && strings.Contains(fmt.Sprint(out["error_description"]), "Client not found") {
			return
		}
	}
	t.Fatalf("grant with a client the reset removed: %d %v", st, out)
}

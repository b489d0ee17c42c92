package scopes_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
)

const (
	digdir   = "991825827" // owns altinn: and idporten:
	skatt    = "974761076" // the seeded service owner
	customer = "313725138"
)

type problemBody struct {
	Status           int                       `json:"status"`
	Code             string                    `json:"code"`
	ValidationErrors []problem.ValidationError `json:"validationErrors"`
}

// TestShortcutClientsObeyScopeAccess: POST /sim/api/v1/clients takes only
// scopes the organisation may use; nothing is written when it refuses.
func TestShortcutClientsObeyScopeAccess(t *testing.T) {
	s := apptest.Start(t)
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := mpgrant.PublicJWKS(key)
	cases := []struct {
		name   string
		org    string
		scopes []string
		status int
		path   string // the refused scope's JSON path
	}{
		{"accessible for all", customer, []string{"altinn:authentication/systemregister.write", "idporten:dcr.write"}, 201, ""},
		{"nobody owns the prefix", customer, []string{"test:read", "kursetaten:timeliste"}, 201, ""},
		{"the owner's own restricted scope", digdir, []string{"altinn:maskinporten/systemuser.read"}, 201, ""},
		{"granted in the seed", skatt, []string{"altinn:serviceowner"}, 201, ""},
		{"never granted", customer, []string{"test:read", "altinn:serviceowner"}, 400, "/scopes/1"},
		{"unknown under an owned prefix", customer, []string{"altinn:no/such.scope"}, 400, "/scopes/0"},
		{"unknown, even for the owner", digdir, []string{"altinn:no/such.scope"}, 400, "/scopes/0"},
		{"an ID-porten scope", customer, []string{"altinn:portal/enduser"}, 400, "/scopes/0"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := "scope-access-" + string(rune('a'+i))
			var p problemBody
			st := s.DoJSON(t, "POST", "/sim/api/v1/clients", "", map[string]any{"clientId": id, "orgNo": c.org, "name": c.name, "scopes": c.scopes, "jwks": jwks}, &p)
			if st != c.status {
				t.Fatalf("status %d, want %d: %+v", st, c.status, p)
			}
			if c.status == 201 {
				return
			}
			if len(p.ValidationErrors) != 1 || p.ValidationErrors[0].Code != "SIM.VLD-00306" || p.ValidationErrors[0].Paths[0] != c.path {
				t.Fatalf("validation errors %+v, want SIM.VLD-00306 at %s", p.ValidationErrors, c.path)
			}
			if st := s.DoJSON(t, "GET", "/sim/api/v1/clients/"+id, "", nil, nil); st != 404 {
				t.Fatalf("a refused client was written: GET %d", st)
			}
		})
	}
}

// TestTokenRefusesWithdrawnAccess: a client keeps a scope whose access
// the owner withdrew, but /token refuses it (MP-250) until the owner
// grants it again; a deactivated scope is refused as invalid (MP-200).
func TestTokenRefusesWithdrawnAccess(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	const scope = "altinn:serviceowner/instances.read"
	if _, err := s.Scopes.GrantAccess(ctx, digdir, scope, customer); err != nil {
		t.Fatal(err)
	}
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := mpgrant.PublicJWKS(key)
	const clientID = "withdrawn-access"
	if st := s.DoJSON(t, "POST", "/sim/api/v1/clients", "", map[string]any{"clientId": clientID, "orgNo": customer, "scopes": []string{scope, "test:read"}, "jwks": jwks}, nil); st != 201 {
		t.Fatalf("client: %d", st)
	}
	token := func(scopes ...string) (int, map[string]string) {
		t.Helper()
		g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: s.URL + "/", Scopes: scopes}))
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]string
		st, _, raw := s.Do(t, "POST", "/token", "", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {g}})
		_ = json.Unmarshal(raw, &out)
		return st, out
	}
	if st, out := token(scope); st != 200 {
		t.Fatalf("granted: %d %v", st, out)
	}
	if _, err := s.Scopes.WithdrawAccess(ctx, digdir, scope, customer); err != nil {
		t.Fatal(err)
	}
	st, out := token(scope)
	if st != 400 || out["error"] != "invalid_scope" || out["error_uri"] != s.URL+"/errors/MP-250" ||
		!strings.HasPrefix(out["error_description"], "Consumer has not been granted access to the scope "+scope+". (trace_id: ") {
		t.Fatalf("withdrawn: %d %v", st, out)
	}
	if st, out := token("test:read"); st != 200 {
		t.Fatalf("the client's other scope: %d %v", st, out)
	}
	if _, err := s.Scopes.GrantAccess(ctx, digdir, scope, customer); err != nil {
		t.Fatal(err)
	}
	if st, out := token(scope); st != 200 {
		t.Fatalf("granted again: %d %v", st, out)
	}
	if _, err := s.Scopes.UpdateScope(ctx, digdir, scope, func(sc scopes.Scope) (scopes.Scope, error) { sc.Active = false; return sc, nil }); err != nil {
		t.Fatal(err)
	}
	st, out = token(scope, "test:read")
	if st != 400 || out["error"] != "invalid_scope" || out["error_uri"] != s.URL+"/errors/MP-200" {
		t.Fatalf("inactive: %d %v", st, out)
	}
}

// TestWithdrawalReachesEveryInstance: a withdrawal answered by one
// instance is refused at once by another's /token (its verdict cache is
// emptied before the withdrawal answers), and a new grant is seen there
// as fast.
func TestWithdrawalReachesEveryInstance(t *testing.T) {
	dbURL := dbtest.NewURL(t)
	shared := func(c *config.Config) { c.PublicURL = "http://altinn-sim.scopes.test" }
	a := apptest.StartOn(t, dbURL, shared)
	b := apptest.StartOn(t, dbURL, shared)
	ctx := t.Context()
	const scope = "altinn:serviceowner/instances.write"
	if _, err := a.Scopes.GrantAccess(ctx, digdir, scope, customer); err != nil {
		t.Fatal(err)
	}
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := mpgrant.PublicJWKS(key)
	if st := a.DoJSON(t, "POST", "/sim/api/v1/clients", "", map[string]any{"clientId": "two-instances", "orgNo": customer, "scopes": []string{scope}, "jwks": jwks}, nil); st != 201 {
		t.Fatalf("client: %d", st)
	}
	tokenAtB := func() int {
		t.Helper()
		g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: "two-instances", Audience: "http://altinn-sim.scopes.test/", Scopes: []string{scope}}))
		if err != nil {
			t.Fatal(err)
		}
		st, _, _ := b.Do(t, "POST", "/token", "", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {g}})
		return st
	}
	for range 3 {
		if st := tokenAtB(); st != 200 {
			t.Fatalf("granted, at B: %d", st)
		}
		if _, err := a.Scopes.WithdrawAccess(ctx, digdir, scope, customer); err != nil {
			t.Fatal(err)
		}
		if st := tokenAtB(); st != 400 {
			t.Fatalf("withdrawn at A, token at B: %d", st)
		}
		if _, err := a.Scopes.GrantAccess(ctx, digdir, scope, customer); err != nil {
			t.Fatal(err)
		}
	}
}

// TestResetEmptiesTheVerdictCache: after POST /sim/api/v1/reset, access
// granted since the seed is gone for /token at once.
func TestResetEmptiesTheVerdictCache(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	for deadline := time.Now().Add(10 * time.Second); !s.Scopes.CacheLive(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the verdict cache never went live")
		}
	}
	const scope = "altinn:serviceowner"
	if _, err := s.Scopes.GrantAccess(ctx, digdir, scope, customer); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Scopes.Check(ctx, customer, scope); err != nil || v != scopes.Allowed {
		t.Fatalf("granted: %v %v", v, err)
	}
	if st := s.DoJSON(t, "POST", "/sim/api/v1/reset", "", nil, nil); st != 200 && st != 204 {
		t.Fatalf("reset: %d", st)
	}
	if v, err := s.Scopes.Check(ctx, customer, scope); err != nil || v != scopes.NotGranted {
		t.Fatalf("after the reset: %v %v, want not granted", v, err)
	}
}

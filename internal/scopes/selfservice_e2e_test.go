package scopes_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
)

// TestSelfServiceScopes: a provider creates a scope under a prefix of its
// own, grants a consumer access, the consumer's client gets tokens for it;
// the provider withdraws the access and /token refuses it while the
// client keeps it; other organisations cannot touch the provider's
// scopes.
func TestSelfServiceScopes(t *testing.T) {
	s := apptest.Start(t)
	tokenFor := func(org string, sc ...string) string {
		return s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": org, "scopes": sc})
	}
	provider := tokenFor(skatt, "idporten:scopes.write")
	providerRead := tokenFor(skatt, "idporten:scopes.read")
	intruder := tokenFor(customer, "idporten:scopes.write")
	consumer := tokenFor(customer, "idporten:dcr.write")
	const name = "skatteetaten:testapi.read"

	var sc scopes.Scope
	if st := s.DoJSON(t, "POST", "/api/v1/scopes", provider, map[string]any{"prefix": "skatteetaten", "subscope": "testapi.read", "description": "Test API"}, &sc); st != 201 {
		t.Fatalf("create: %d", st)
	}
	if sc.Name != name || sc.OwnerOrgNo != skatt || !sc.Active || sc.AccessibleForAll || !slices.Equal(sc.AllowedIntegrationTypes, []string{"maskinporten"}) ||
		sc.Visibility != "PUBLIC" || sc.TokenType != "SELF_CONTAINED" {
		t.Fatalf("created %+v", sc)
	}

	t.Run("owners only", func(t *testing.T) {
		cases := []struct {
			name, method, path, bearer string
			body                       any
			want                       int
		}{
			{"no token", "GET", "/api/v1/scopes", "", nil, 401},
			{"a client administrator's token", "POST", "/api/v1/scopes", consumer, map[string]any{"prefix": "x", "subscope": "y", "description": "d"}, 403},
			{"read may read", "GET", "/api/v1/scopes?scope=" + name, providerRead, nil, 200},
			{"read may not create", "POST", "/api/v1/scopes", providerRead, map[string]any{"prefix": "skatteetaten", "subscope": "y", "description": "d"}, 403},
			{"read may not grant", "PUT", "/api/v1/scopes/access/" + customer + "?scope=" + name, providerRead, nil, 403},
			{"another's prefix", "POST", "/api/v1/scopes", intruder, map[string]any{"prefix": "skatteetaten", "subscope": "mine", "description": "d"}, 403},
			{"Digdir's prefix", "POST", "/api/v1/scopes", intruder, map[string]any{"prefix": "altinn", "subscope": "mine", "description": "d"}, 403},
			{"another's scope", "GET", "/api/v1/scopes?scope=" + name, intruder, nil, 403},
			{"change another's scope", "PUT", "/api/v1/scopes?scope=" + name, intruder, map[string]any{"accessible_for_all": true}, 403},
			{"deactivate another's scope", "DELETE", "/api/v1/scopes?scope=" + name, intruder, nil, 403},
			{"grant access to another's scope", "PUT", "/api/v1/scopes/access/" + customer + "?scope=" + name, intruder, nil, 403},
			{"list access to another's scope", "GET", "/api/v1/scopes/access?scope=" + name, intruder, nil, 403},
			{"an unknown scope", "GET", "/api/v1/scopes?scope=skatteetaten:nope", provider, nil, 404},
			{"the same scope again", "POST", "/api/v1/scopes", provider, map[string]any{"prefix": "skatteetaten", "subscope": "testapi.read", "description": "d"}, 409},
			{"withdraw access never granted", "DELETE", "/api/v1/scopes/access/" + customer + "?scope=" + name, provider, nil, 404},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if st := s.DoJSON(t, c.method, c.path, c.bearer, c.body, nil); st != c.want {
					t.Fatalf("%s %s: %d, want %d", c.method, c.path, st, c.want)
				}
			})
		}
		var own []scopes.Scope
		if st := s.DoJSON(t, "GET", "/api/v1/scopes", intruder, nil, &own); st != 200 || len(own) != 0 {
			t.Fatalf("the intruder's own scopes: %d %+v", st, own)
		}
	})

	t.Run("bad bodies", func(t *testing.T) {
		cases := []struct {
			name, method, path string
			body               any
			code, at           string
		}{
			{"a bad prefix", "POST", "/api/v1/scopes", map[string]any{"prefix": "Skatt!", "subscope": "x", "description": "d"}, "SIM.VLD-00310", "/prefix"},
			{"a bad subscope", "POST", "/api/v1/scopes", map[string]any{"prefix": "skatteetaten", "subscope": "a b", "description": "d"}, "SIM.VLD-00311", "/subscope"},
			{"no description", "POST", "/api/v1/scopes", map[string]any{"prefix": "skatteetaten", "subscope": "x"}, "SIM.VLD-00312", "/description"},
			{"a description of 256", "POST", "/api/v1/scopes", map[string]any{"prefix": "skatteetaten", "subscope": "x", "description": strings.Repeat("d", 256)}, "SIM.VLD-00312", "/description"},
			{"a bad visibility", "POST", "/api/v1/scopes", map[string]any{"prefix": "skatteetaten", "subscope": "x", "description": "d", "visibility": "SECRET"}, "SIM.VLD-00313", "/visibility"},
			{"a bad integration type", "POST", "/api/v1/scopes", map[string]any{"prefix": "skatteetaten", "subscope": "x", "description": "d", "allowed_integration_types": []string{"maskinporten", "fax"}}, "SIM.VLD-00313", "/allowed_integration_types/1"},
			{"a negative max age", "POST", "/api/v1/scopes", map[string]any{"prefix": "skatteetaten", "subscope": "x", "description": "d", "at_max_age": -1}, "SIM.VLD-00314", "/at_max_age"},
			{"a new subscope", "PUT", "/api/v1/scopes?scope=" + name, map[string]any{"subscope": "other"}, "SIM.VLD-00315", "/subscope"},
			{"no scope named", "PUT", "/api/v1/scopes", map[string]any{"description": "d"}, "SIM.VLD-00317", "scope"},
			{"a bad consumer", "PUT", "/api/v1/scopes/access/123?scope=" + name, nil, "SIM.VLD-00316", "/consumer_orgno"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var p problemBody
				if st := s.DoJSON(t, c.method, c.path, provider, c.body, &p); st != 400 {
					t.Fatalf("%d %+v", st, p)
				}
				if len(p.ValidationErrors) != 1 || p.ValidationErrors[0].Code != c.code || p.ValidationErrors[0].Paths[0] != c.at {
					t.Fatalf("%+v, want %s at %s", p.ValidationErrors, c.code, c.at)
				}
			})
		}
		var own []scopes.Scope
		if st := s.DoJSON(t, "GET", "/api/v1/scopes", provider, nil, &own); st != 200 || len(own) != 1 || own[0].Subscope != "testapi.read" {
			t.Fatalf("a refused body was written: %+v", own)
		}
		var long scopes.Scope
		if st := s.DoJSON(t, "POST", "/api/v1/scopes", provider, map[string]any{"prefix": "skatteetaten", "subscope": "long", "description": strings.Repeat("d", 255), "active": false}, &long); st != 201 {
			t.Fatalf("a description of 255: %d", st)
		}
	})

	t.Run("access", func(t *testing.T) {
		key, err := mpgrant.NewClientKey()
		if err != nil {
			t.Fatal(err)
		}
		jwks, _ := mpgrant.PublicJWKS(key)
		body := map[string]any{"integration_type": "maskinporten", "client_name": "Skatt-klient", "scopes": []string{name}}
		var p problemBody
		if st := s.DoJSON(t, "POST", "/api/v1/clients", consumer, body, &p); st != 400 || p.ValidationErrors[0].Code != "SIM.VLD-00306" {
			t.Fatalf("a client with a scope not granted: %d %+v", st, p)
		}
		var a scopes.Access
		if st := s.DoJSON(t, "PUT", "/api/v1/scopes/access/"+customer+"?scope="+url.QueryEscape(name), provider, nil, &a); st != 200 ||
			a.State != "APPROVED" || a.ConsumerOrgNo != customer || a.OwnerOrgNo != skatt || a.Scope != name {
			t.Fatalf("grant: %d %+v", st, a)
		}
		var reg mpclient.Registration
		if st := s.DoJSON(t, "POST", "/api/v1/clients", consumer, body, &reg); st != 201 {
			t.Fatalf("a client with the granted scope: %d", st)
		}
		if st := s.DoJSON(t, "POST", "/api/v1/clients/"+reg.ClientID+"/jwks", consumer, jwks, nil); st != 200 {
			t.Fatalf("keys: %d", st)
		}
		get := func() (int, map[string]string) {
			g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: reg.ClientID, Audience: s.URL + "/", Scopes: []string{name}}))
			if err != nil {
				t.Fatal(err)
			}
			var out map[string]string
			st, _, raw := s.Do(t, "POST", "/token", "", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {g}})
			_ = json.Unmarshal(raw, &out)
			return st, out
		}
		if st, out := get(); st != 200 {
			t.Fatalf("token: %d %v", st, out)
		}
		var list []scopes.Access
		if st := s.DoJSON(t, "GET", "/api/v1/scopes/access?scope="+name, providerRead, nil, &list); st != 200 || len(list) != 1 || list[0].State != "APPROVED" {
			t.Fatalf("the owner's listing: %d %+v", st, list)
		}
		if st := s.DoJSON(t, "GET", "/api/v1/scopes/access/all", consumer, nil, &list); st != 200 || len(list) != 1 || list[0].Scope != name {
			t.Fatalf("the consumer's view: %d %+v", st, list)
		}
		if st := s.DoJSON(t, "GET", "/api/v1/scopes/access/all?accessible_for_all=TRUE", consumer, nil, &list); st != 200 ||
			!slices.ContainsFunc(list, func(a scopes.Access) bool { return a.Scope == "altinn:authentication/systemregister.write" }) ||
			slices.ContainsFunc(list, func(a scopes.Access) bool { return a.Scope == "altinn:serviceowner" }) {
			t.Fatalf("the consumer's view with the scopes open to all: %d %+v", st, list)
		}
		if !slices.IsSortedFunc(list, func(a, b scopes.Access) int { return strings.Compare(a.Scope, b.Scope) }) {
			t.Fatalf("the consumer's view is not in scope order: %+v", list)
		}

		if st := s.DoJSON(t, "DELETE", "/api/v1/scopes/access/"+customer+"?scope="+name, provider, nil, &a); st != 200 || a.State != "DENIED" {
			t.Fatalf("withdraw: %d %+v", st, a)
		}
		st, out := get()
		if st != 400 || out["error"] != "invalid_scope" || !strings.HasSuffix(out["error_uri"], "/errors/MP-250") {
			t.Fatalf("token after the withdrawal: %d %v", st, out)
		}
		if st := s.DoJSON(t, "GET", "/api/v1/scopes/access/all", consumer, nil, &list); st != 200 || len(list) != 1 || list[0].State != "DENIED" {
			t.Fatalf("the consumer's view after the withdrawal: %d %+v", st, list)
		}
		// The client keeps the scope and may still be changed.
		reg.ClientName = "Skatt-klient 2"
		var upd mpclient.Registration
		if st := s.DoJSON(t, "PUT", "/api/v1/clients/"+reg.ClientID, consumer, reg, &upd); st != 200 || !slices.Contains(upd.Scopes, name) {
			t.Fatalf("update keeping a withdrawn scope: %d %+v", st, upd)
		}

		// Open to all: no grant needed.
		if st := s.DoJSON(t, "PUT", "/api/v1/scopes?scope="+name, provider, map[string]any{"accessible_for_all": true, "description": "Test API for all"}, &sc); st != 200 ||
			!sc.AccessibleForAll || sc.Description != "Test API for all" || sc.Subscope != "testapi.read" {
			t.Fatalf("update: %d %+v", st, sc)
		}
		var read scopes.Scope
		if st := s.DoJSON(t, "GET", "/api/v1/scopes?scope="+name, providerRead, nil, &read); st != 200 || !read.AccessibleForAll ||
			!slices.Equal(read.AllowedIntegrationTypes, []string{"maskinporten"}) || read.Description != "Test API for all" {
			t.Fatalf("read back: %d %+v", st, read)
		}
		// null allowed_integration_types: any integration type.
		if st := s.DoJSON(t, "PUT", "/api/v1/scopes?scope="+name, provider, map[string]any{"allowed_integration_types": nil}, &read); st != 200 ||
			read.AllowedIntegrationTypes == nil || len(read.AllowedIntegrationTypes) != 0 {
			t.Fatalf("no integration types: %d %+v", st, read)
		}
		if st, out := get(); st != 200 {
			t.Fatalf("token once the scope is open to all: %d %v", st, out)
		}
		// Deactivated: gone from the lists and from /token.
		if st := s.DoJSON(t, "DELETE", "/api/v1/scopes?scope="+name, provider, nil, &sc); st != 200 || sc.Active {
			t.Fatalf("deactivate: %d %+v", st, sc)
		}
		if st, out := get(); st != 400 || !strings.HasSuffix(out["error_uri"], "/errors/MP-200") {
			t.Fatalf("token for a deactivated scope: %d %v", st, out)
		}
		var own, all []scopes.Scope
		if st := s.DoJSON(t, "GET", "/api/v1/scopes", provider, nil, &own); st != 200 || len(own) != 0 {
			t.Fatalf("own scopes without inactive: %+v", own)
		}
		// Both deactivated: this one and the one with the long description.
		if st := s.DoJSON(t, "GET", "/api/v1/scopes?inactive=true", provider, nil, &own); st != 200 || len(own) != 2 {
			t.Fatalf("own scopes with inactive: %+v", own)
		}
		if st := s.DoJSON(t, "GET", "/api/v1/scopes/all", "", nil, &all); st != 200 || slices.ContainsFunc(all, func(s scopes.Scope) bool { return s.Name == name }) ||
			!slices.ContainsFunc(all, func(s scopes.Scope) bool { return s.Name == "altinn:authentication/systemregister.write" }) {
			t.Fatalf("the public catalogue: %d", st)
		}
	})
}

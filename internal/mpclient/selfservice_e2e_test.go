package mpclient_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

const (
	vendor   = "991825827"
	customer = "313725138"
)

type problemBody struct {
	Status           int                       `json:"status"`
	Code             string                    `json:"code"`
	Detail           string                    `json:"detail"`
	ValidationErrors []problem.ValidationError `json:"validationErrors"`
}

// token gets a real Maskinporten token for clientID, signed with key.
func token(t *testing.T, s *apptest.Server, clientID string, key jwk.Key, scopes ...string) (int, map[string]any) {
	t.Helper()
	g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: s.URL + "/", Scopes: scopes}))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	st, _, raw := s.Do(t, "POST", "/token", "", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {g}})
	_ = json.Unmarshal(raw, &out)
	return st, out
}

func newKey(t *testing.T) (jwk.Key, mpgrant.JWKS) {
	t.Helper()
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := mpgrant.PublicJWKS(key)
	if err != nil {
		t.Fatal(err)
	}
	return key, jwks
}

// TestSelfServiceJourney: a vendor's administration client (made with the
// control API's shortcut) gets a real token with idporten:dcr.write, then
// creates an integration, gives it a key, and that integration gets a
// token; it renames it and deletes it.
func TestSelfServiceJourney(t *testing.T) {
	s := apptest.Start(t)
	adminKey, adminJWKS := newKey(t)
	if st := s.DoJSON(t, "POST", "/sim/api/v1/clients", "", map[string]any{"clientId": "vendor-admin", "orgNo": vendor,
		"scopes": []string{"idporten:dcr.read", "idporten:dcr.write"}, "jwks": adminJWKS}, nil); st != 201 {
		t.Fatalf("admin client: %d", st)
	}
	st, tok := token(t, s, "vendor-admin", adminKey, "idporten:dcr.write", "idporten:dcr.read")
	if st != 200 {
		t.Fatalf("admin token: %d %v", st, tok)
	}
	admin := tok["access_token"].(string)

	var reg mpclient.Registration
	if st := s.DoJSON(t, "POST", "/api/v1/clients", admin, map[string]any{
		"integration_type": "maskinporten", "application_type": "web", "client_name": "SmartCloud",
		"description": "Fagsystemet", "token_endpoint_auth_method": "private_key_jwt",
		"grant_types": []string{"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"scopes":      []string{"altinn:authentication/systemregister.write", "altinn:authentication/systemregister.write"},
	}, &reg); st != 201 {
		t.Fatalf("create: %d", st)
	}
	if _, err := uuid.Parse(reg.ClientID); err != nil || reg.ClientOrgNo != vendor || reg.ClientName != "SmartCloud" ||
		reg.IntegrationType != "maskinporten" || reg.TokenEndpointAuthMethod != "private_key_jwt" || reg.ApplicationType != "web" ||
		len(reg.Scopes) != 1 || reg.Description != "Fagsystemet" {
		t.Fatalf("created %+v", reg)
	}
	key, jwks := newKey(t)
	if st, _ := token(t, s, reg.ClientID, key, "altinn:authentication/systemregister.write"); st != 400 {
		t.Fatalf("a token before the client has keys: %d", st)
	}
	var set mpclient.KeySet
	if st := s.DoJSON(t, "POST", "/api/v1/clients/"+reg.ClientID+"/jwks", admin, jwks, &set); st != 200 || len(set.Keys) != 1 {
		t.Fatalf("keys: %d %+v", st, set)
	}
	if st, out := token(t, s, reg.ClientID, key, "altinn:authentication/systemregister.write"); st != 200 {
		t.Fatalf("the new client's token: %d %v", st, out)
	}
	var list []mpclient.Registration
	if st := s.DoJSON(t, "GET", "/api/v1/clients", admin, nil, &list); st != 200 || len(list) != 2 {
		t.Fatalf("list: %d %+v", st, list)
	}
	reg.ClientName, reg.Scopes = "SmartCloud 2", append(reg.Scopes, "altinn:authentication/systemuser.request.write")
	var upd mpclient.Registration
	if st := s.DoJSON(t, "PUT", "/api/v1/clients/"+reg.ClientID, admin, reg, &upd); st != 200 || upd.ClientName != "SmartCloud 2" || len(upd.Scopes) != 2 {
		t.Fatalf("update: %d %+v", st, upd)
	}
	if st, out := token(t, s, reg.ClientID, key, "altinn:authentication/systemuser.request.write"); st != 200 {
		t.Fatalf("token for the added scope: %d %v", st, out)
	}
	if st := s.DoJSON(t, "DELETE", "/api/v1/clients/"+reg.ClientID+"/jwks", admin, nil, nil); st != 204 {
		t.Fatalf("delete keys: %d", st)
	}
	if st := s.DoJSON(t, "GET", "/api/v1/clients/"+reg.ClientID+"/jwks", admin, nil, &set); st != 200 || len(set.Keys) != 0 {
		t.Fatalf("keys after delete: %d %+v", st, set)
	}
	if st := s.DoJSON(t, "DELETE", "/api/v1/clients/"+reg.ClientID, admin, nil, nil); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	if st := s.DoJSON(t, "GET", "/api/v1/clients/"+reg.ClientID, admin, nil, nil); st != 404 {
		t.Fatalf("after delete: %d", st)
	}
}

// TestSelfServiceClientRules: the token's scopes, the organisation's own
// clients only, and every bad body a clear 400 that writes nothing.
func TestSelfServiceClientRules(t *testing.T) {
	s := apptest.Start(t)
	tokenFor := func(org string, scopes ...string) string {
		return s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": org, "scopes": scopes})
	}
	write := tokenFor(customer, "idporten:dcr.write")
	readOnly := tokenFor(customer, "idporten:dcr.read")
	modify := tokenFor(customer, "idporten:dcr.modify")
	other := tokenFor(vendor, "idporten:dcr.write")
	body := func(f func(m map[string]any)) map[string]any {
		m := map[string]any{"integration_type": "maskinporten", "client_name": "x", "scopes": []string{"test:read"}}
		if f != nil {
			f(m)
		}
		return m
	}
	var reg mpclient.Registration
	if st := s.DoJSON(t, "POST", "/api/v1/clients", write, body(nil), &reg); st != 201 {
		t.Fatalf("create: %d", st)
	}
	_, jwks := newKey(t)

	t.Run("guard", func(t *testing.T) {
		cases := []struct {
			name, method, path, bearer string
			body                       any
			want                       int
		}{
			{"no token", "GET", "/api/v1/clients", "", nil, 401},
			{"no self-service scope", "GET", "/api/v1/clients", tokenFor(customer, "altinn:authentication/systemregister.write"), nil, 403},
			{"read may read", "GET", "/api/v1/clients/" + reg.ClientID, readOnly, nil, 200},
			{"read may not create", "POST", "/api/v1/clients", readOnly, body(nil), 403},
			{"read may not change", "PUT", "/api/v1/clients/" + reg.ClientID, readOnly, body(nil), 403},
			{"read may not add keys", "POST", "/api/v1/clients/" + reg.ClientID + "/jwks", readOnly, jwks, 403},
			{"modify may change", "PUT", "/api/v1/clients/" + reg.ClientID, modify, body(nil), 200},
			{"modify may replace keys", "PUT", "/api/v1/clients/" + reg.ClientID + "/jwks", modify, jwks, 200},
			{"modify may not create", "POST", "/api/v1/clients", modify, body(nil), 403},
			{"modify may not delete", "DELETE", "/api/v1/clients/" + reg.ClientID, modify, nil, 403},
			{"another organisation's client is not found", "GET", "/api/v1/clients/" + reg.ClientID, other, nil, 404},
			{"nor its keys", "GET", "/api/v1/clients/" + reg.ClientID + "/jwks", other, nil, 404},
			{"nor may it change it", "PUT", "/api/v1/clients/" + reg.ClientID, other, body(nil), 404},
			{"nor replace its keys", "POST", "/api/v1/clients/" + reg.ClientID + "/jwks", other, jwks, 404},
			{"nor delete it", "DELETE", "/api/v1/clients/" + reg.ClientID, other, nil, 404},
			{"unknown client", "GET", "/api/v1/clients/" + uuid.NewString(), write, nil, 404},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if st := s.DoJSON(t, c.method, c.path, c.bearer, c.body, nil); st != c.want {
					t.Fatalf("%s %s: %d, want %d", c.method, c.path, st, c.want)
				}
			})
		}
		var list []mpclient.Registration
		if st := s.DoJSON(t, "GET", "/api/v1/clients", other, nil, &list); st != 200 || len(list) != 0 {
			t.Fatalf("another organisation's list: %d %+v", st, list)
		}
	})

	t.Run("bad bodies", func(t *testing.T) {
		cases := []struct {
			name string
			body any
			code string // the validation error's code, or the problem's
			path string
		}{
			{"no integration type", body(func(m map[string]any) { delete(m, "integration_type") }), "SIM.VLD-00320", "/integration_type"},
			{"another integration type", body(func(m map[string]any) { m["integration_type"] = "krr" }), "SIM.VLD-00320", "/integration_type"},
			{"an ID-porten client without redirect_uris", body(func(m map[string]any) { m["integration_type"] = "idporten" }), "SIM.VLD-00330", "/redirect_uris"},
			{"redirect_uris on a Maskinporten client", body(func(m map[string]any) { m["redirect_uris"] = []string{"https://x.example/cb"} }), "SIM.VLD-00332", "/redirect_uris"},
			{"a client secret", body(func(m map[string]any) { m["token_endpoint_auth_method"] = "client_secret_basic" }), "SIM.VLD-00321", "/token_endpoint_auth_method"},
			{"a native app", body(func(m map[string]any) { m["application_type"] = "native" }), "SIM.VLD-00322", "/application_type"},
			{"another grant type", body(func(m map[string]any) { m["grant_types"] = []string{"authorization_code"} }), "SIM.VLD-00323", "/grant_types"},
			{"another organisation", body(func(m map[string]any) { m["client_orgno"] = vendor }), "SIM.VLD-00324", "/client_orgno"},
			{"no name", body(func(m map[string]any) { delete(m, "client_name") }), "SIM.VLD-00326", "/client_name"},
			{"a long description", body(func(m map[string]any) { m["description"] = strings.Repeat("x", 501) }), "SIM.VLD-00325", "/description"},
			{"a malformed scope", body(func(m map[string]any) { m["scopes"] = []string{"test:read", "no scope"} }), "SIM.VLD-00303", "/scopes/1"},
			{"a scope not granted", body(func(m map[string]any) { m["scopes"] = []string{"test:read", "altinn:serviceowner"} }), "SIM.VLD-00306", "/scopes/1"},
			{"an unknown altinn scope", body(func(m map[string]any) { m["scopes"] = []string{"altinn:nope"} }), "SIM.VLD-00306", "/scopes/0"},
			{"an ID-porten scope on a Maskinporten client", body(func(m map[string]any) { m["scopes"] = []string{"test:read", "openid"} }), "SIM.VLD-00303", "/scopes/1"},
			{"not JSON", "{", "STD-00000", ""},
			{"scopes not an array", `{"integration_type":"maskinporten","client_name":"x","scopes":"test:read"}`, "STD-00000", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var p problemBody
				if st := s.DoJSON(t, "POST", "/api/v1/clients", write, c.body, &p); st != 400 {
					t.Fatalf("%d %+v", st, p)
				}
				if c.path == "" {
					if p.Code != c.code {
						t.Fatalf("code %q, want %q", p.Code, c.code)
					}
					return
				}
				if len(p.ValidationErrors) != 1 || p.ValidationErrors[0].Code != c.code || p.ValidationErrors[0].Paths[0] != c.path {
					t.Fatalf("%+v, want %s at %s", p.ValidationErrors, c.code, c.path)
				}
			})
		}
		var list []mpclient.Registration
		if st := s.DoJSON(t, "GET", "/api/v1/clients", write, nil, &list); st != 200 || len(list) != 1 {
			t.Fatalf("a refused body was written: %+v", list)
		}
	})

	t.Run("updates", func(t *testing.T) {
		cur := reg
		cur.Scopes = []string{"test:read", "altinn:serviceowner"}
		var p problemBody
		if st := s.DoJSON(t, "PUT", "/api/v1/clients/"+reg.ClientID, write, cur, &p); st != 400 || p.ValidationErrors[0].Code != "SIM.VLD-00306" {
			t.Fatalf("adding a scope not granted: %d %+v", st, p)
		}
		cur = reg
		cur.IntegrationType = "idporten"
		if st := s.DoJSON(t, "PUT", "/api/v1/clients/"+reg.ClientID, write, cur, &p); st != 400 {
			t.Fatalf("changing the integration type: %d", st)
		}
		var got mpclient.Registration
		if st := s.DoJSON(t, "GET", "/api/v1/clients/"+reg.ClientID, write, nil, &got); st != 200 || len(got.Scopes) != 1 || got.IntegrationType != "maskinporten" {
			t.Fatalf("a refused update was written: %+v", got)
		}
	})

	t.Run("keys", func(t *testing.T) {
		key, _ := newKey(t)
		pub, _ := key.PublicKey()
		noUse, _ := json.Marshal(pub)
		var m map[string]any
		_ = json.Unmarshal(noUse, &m)
		delete(m, "use")
		private, _ := json.Marshal(key)
		cases := []struct {
			name string
			body any
		}{
			{"a key without use", map[string]any{"keys": []any{m}}},
			{"a private key", `{"keys":[` + string(private) + `]}`},
			{"no keys member", `{}`},
			{"six keys", map[string]any{"keys": []any{m, m, m, m, m, m}}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var p problemBody
				if st := s.DoJSON(t, "POST", "/api/v1/clients/"+reg.ClientID+"/jwks", write, c.body, &p); st != 400 || p.ValidationErrors[0].Code != "SIM.VLD-00304" {
					t.Fatalf("%d %+v", st, p)
				}
			})
		}
	})
}

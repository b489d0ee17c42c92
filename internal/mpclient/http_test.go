package mpclient_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

func TestClientsControlAPI(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	base := srv.URL + "/sim/api/v1/clients"
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	set, _ := mpgrant.PublicJWKS(key)

	// PascalCase keys as in the platform docs, explicit client id.
	var c mpclient.Client
	resp := apptest.PostJSON(t, base, map[string]any{"ClientId": "6a1b9a2e-51f4-4d6b-9a3c-0f5a1c2b3d4e", "OrgNo": "991825827", "Name": "vendor app", "Scopes": []string{"test:read"}, "Jwks": set}, &c)
	if resp.StatusCode != 201 || c.ClientID != "6a1b9a2e-51f4-4d6b-9a3c-0f5a1c2b3d4e" || c.OrgNo != "991825827" || c.Name != "vendor app" || len(c.JWKS.Keys) != 1 {
		t.Fatalf("create: %d %+v", resp.StatusCode, c)
	}
	var got mpclient.Client
	if resp := apptest.Request(t, http.MethodGet, base+"/"+c.ClientID, "", nil, "", &got); resp.StatusCode != 200 || got.ClientID != c.ClientID || got.Scopes[0] != "test:read" {
		t.Fatalf("get: %d %+v", resp.StatusCode, got)
	}
	var prob map[string]any
	if resp := apptest.PostJSON(t, base, map[string]any{"clientId": c.ClientID, "orgNo": "991825827", "jwks": set}, &prob); resp.StatusCode != 409 {
		t.Fatalf("duplicate: %d %v", resp.StatusCode, prob)
	}
	if resp := apptest.Request(t, http.MethodGet, base+"/nope", "", nil, "", nil); resp.StatusCode != 404 {
		t.Fatalf("unknown: %d", resp.StatusCode)
	}

	// Refused key sets.
	privRaw, _ := json.Marshal(key)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	smallKey, _ := mpgrant.ClientKeyFromRSA(small)
	smallSet, _ := mpgrant.PublicJWKS(smallKey)
	noKid, _ := key.PublicKey()
	_ = noKid.Remove(jwk.KeyIDKey)
	noKidRaw, _ := json.Marshal(noKid)
	six := mpclient.JWKS{}
	for range 6 {
		k, _ := mpgrant.NewClientKey()
		s, _ := mpgrant.PublicJWKS(k)
		six.Keys = append(six.Keys, s.Keys[0])
	}
	bad := map[string]struct {
		body   map[string]any
		detail string
	}{
		"private key":  {map[string]any{"orgNo": "991825827", "jwks": map[string]any{"keys": []json.RawMessage{privRaw}}}, "private key"},
		"1024 bits":    {map[string]any{"orgNo": "991825827", "jwks": smallSet}, "1024 bits"},
		"no kid":       {map[string]any{"orgNo": "991825827", "jwks": map[string]any{"keys": []json.RawMessage{noKidRaw}}}, "kid is required"},
		"six keys":     {map[string]any{"orgNo": "991825827", "jwks": six}, "at most 5 keys"},
		"bad org":      {map[string]any{"orgNo": "991825828", "jwks": set}, ""},
		"bad scope":    {map[string]any{"orgNo": "991825827", "scopes": []string{"no scope"}, "jwks": set}, ""},
		"bad clientId": {map[string]any{"clientId": "a b", "orgNo": "991825827", "jwks": set}, ""},
	}
	for name, b := range bad {
		var p struct {
			Code             string `json:"code"`
			ValidationErrors []struct {
				Code   string   `json:"code"`
				Detail string   `json:"detail"`
				Paths  []string `json:"paths"`
			} `json:"validationErrors"`
		}
		resp := apptest.PostJSON(t, base, b.body, &p)
		if resp.StatusCode != 400 || p.Code != "STD-00000" || len(p.ValidationErrors) == 0 || !strings.Contains(p.ValidationErrors[0].Detail, b.detail) {
			t.Errorf("%s: %d %+v", name, resp.StatusCode, p)
		}
	}

	// A grant works; after replacing the keys only the new key does.
	issuer := srv.URL + "/"
	grant := func(k jwk.Key) int {
		g, _ := mpgrant.Sign(k, mpgrant.Claims(mpgrant.Options{ClientID: c.ClientID, Audience: issuer, Scopes: []string{"test:read"}}))
		return apptest.PostGrant(t, srv.URL, g, nil).StatusCode
	}
	if st := grant(key); st != 200 {
		t.Fatalf("grant: %d", st)
	}
	key2, _ := mpgrant.NewClientKey()
	set2, _ := mpgrant.PublicJWKS(key2)
	b, _ := json.Marshal(set2)
	if resp := apptest.Request(t, http.MethodPut, base+"/"+c.ClientID+"/jwks", "application/json", bytes.NewReader(b), "", &got); resp.StatusCode != 200 || len(got.JWKS.Keys) != 1 {
		t.Fatalf("put jwks: %d", resp.StatusCode)
	}
	if st := grant(key); st != 400 {
		t.Fatalf("old key after replace: %d", st)
	}
	if st := grant(key2); st != 200 {
		t.Fatalf("new key: %d", st)
	}
	// A body that is not a JWK Set does not wipe the keys.
	for _, bad := range []string{`{}`, `{"keys":null}`, `{"rights":[]}`} {
		if resp := apptest.Request(t, http.MethodPut, base+"/"+c.ClientID+"/jwks", "application/json", strings.NewReader(bad), "", nil); resp.StatusCode != 400 {
			t.Fatalf("put jwks %s: %d, want 400", bad, resp.StatusCode)
		}
	}
	if st := grant(key2); st != 200 {
		t.Fatalf("key after refused replacements: %d", st)
	}
	if resp := apptest.Request(t, http.MethodPut, base+"/nope/jwks", "application/json", bytes.NewReader(b), "", nil); resp.StatusCode != 404 {
		t.Fatalf("put jwks unknown: %d", resp.StatusCode)
	}
	// Delete: gone, and its grants are refused as an unknown client.
	if resp := apptest.Request(t, http.MethodDelete, base+"/"+c.ClientID, "", nil, "", nil); resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp := apptest.Request(t, http.MethodGet, base+"/"+c.ClientID, "", nil, "", nil); resp.StatusCode != 404 {
		t.Fatalf("get after delete: %d", resp.StatusCode)
	}
	if resp := apptest.Request(t, http.MethodDelete, base+"/"+c.ClientID, "", nil, "", nil); resp.StatusCode != 404 {
		t.Fatalf("delete again: %d", resp.StatusCode)
	}
	var oe map[string]string
	g, _ := mpgrant.Sign(key2, mpgrant.Claims(mpgrant.Options{ClientID: c.ClientID, Audience: issuer, Scopes: []string{"test:read"}}))
	if resp := apptest.PostGrant(t, srv.URL, g, &oe); resp.StatusCode != 400 || oe["error_uri"] != issuer+"errors/MP-100" {
		t.Fatalf("grant after delete: %d %v", resp.StatusCode, oe)
	}
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, func(c *config.Config) { c.AdminToken = "s3cret" })
	key, _ := mpgrant.NewClientKey()
	set, _ := mpgrant.PublicJWKS(key)
	b, _ := json.Marshal(map[string]any{"orgNo": "991825827", "jwks": set})
	if resp := apptest.Request(t, http.MethodPost, srv.URL+"/sim/api/v1/clients", "application/json", bytes.NewReader(b), "", nil); resp.StatusCode != 401 {
		t.Fatalf("without admin token: %d", resp.StatusCode)
	}
	if resp := apptest.Request(t, http.MethodPost, srv.URL+"/sim/api/v1/tokens", "application/json", strings.NewReader(`{"type":"enterprise","orgNo":"991825827","scopes":["a:b"]}`), "wrong", nil); resp.StatusCode != 401 {
		t.Fatalf("wrong admin token: %d", resp.StatusCode)
	}
	if resp := apptest.Request(t, http.MethodPost, srv.URL+"/sim/api/v1/clients", "application/json", bytes.NewReader(b), "s3cret", nil); resp.StatusCode != 201 {
		t.Fatalf("with admin token: %d", resp.StatusCode)
	}
}

// With the client cache on, a key replaced or a client deleted at one
// instance is refused at another within moments (notification), and at
// the same instance at once.
func TestClientCacheAcrossInstances(t *testing.T) {
	t.Parallel()
	s1, s2 := apptest.TwoInstances(t, "http://sim.cache.test")
	waitLive := func(s *apptest.Server) {
		for i := 0; !s.Clients.CacheLive(); i++ {
			if i > 200 {
				t.Fatal("client cache listener not connected")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitLive(s1)
	waitLive(s2)
	clientID, key := apptest.RegisterClient(t, s1.URL, "991825827", "test:read")
	grant := func(s *apptest.Server, k jwk.Key) int {
		g, _ := mpgrant.Sign(k, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: "http://sim.cache.test/", Scopes: []string{"test:read"}}))
		return apptest.PostGrant(t, s.URL, g, nil).StatusCode
	}
	// Both instances now have the client cached.
	if grant(s1, key) != 200 || grant(s2, key) != 200 {
		t.Fatal("first grants refused")
	}
	eventually := func(s *apptest.Server, k jwk.Key, want int) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for grant(s, k) != want {
			if time.Now().After(deadline) {
				t.Fatalf("grant at %s did not become %d", s.URL, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	key2, _ := mpgrant.NewClientKey()
	set2, _ := mpgrant.PublicJWKS(key2)
	b, _ := json.Marshal(set2)
	if resp := apptest.Request(t, http.MethodPut, s1.URL+"/sim/api/v1/clients/"+clientID+"/jwks", "application/json", bytes.NewReader(b), "", nil); resp.StatusCode != 200 {
		t.Fatalf("put jwks: %d", resp.StatusCode)
	}
	if grant(s1, key) != 400 {
		t.Fatal("old key accepted at the writing instance")
	}
	eventually(s2, key, 400)
	eventually(s2, key2, 200)
	if resp := apptest.Request(t, http.MethodDelete, s2.URL+"/sim/api/v1/clients/"+clientID, "", nil, "", nil); resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if grant(s2, key2) != 400 {
		t.Fatal("deleted client accepted at the writing instance")
	}
	eventually(s1, key2, 400)
}

// TestClientsControlAPIUpdateAndInUse: PUT /sim/api/v1/clients/{id}
// replaces a client's name and scopes (only scopes its organisation may
// use; a bad body changes nothing); DELETE is refused with 409 while a
// live system in the system register names the client, and works once the
// system no longer does.
func TestClientsControlAPIUpdateAndInUse(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	const vendor = "310385980" // not Digdir, which may use every altinn: scope it owns
	id, _ := apptest.RegisterClient(t, srv.URL, vendor, "altinn:authentication/systemregister.write")
	path := "/sim/api/v1/clients/" + id

	st, _, body := srv.Do(t, "PUT", path, "", map[string]any{"name": "Renamed", "scopes": []string{"altinn:authentication/systemregister.write", "altinn:authentication/systemuser.request.write", "test:read"}})
	var c mpclient.Client
	if st != 200 || json.Unmarshal(body, &c) != nil || c.Name != "Renamed" || len(c.Scopes) != 3 {
		t.Fatalf("update: %d %s", st, body)
	}
	for name, b := range map[string]map[string]any{
		"no scopes list":    {"name": "x"},
		"malformed scope":   {"name": "x", "scopes": []string{"no scope"}},
		"scope not allowed": {"name": "x", "scopes": []string{"altinn:authentication/systemregister.admin"}},
		"name too long":     {"name": strings.Repeat("n", 201), "scopes": []string{}},
	} {
		if st, _, body := srv.Do(t, "PUT", path, "", b); st != 400 {
			t.Errorf("%s: %d %s, want 400", name, st, body)
		}
	}
	if st, _, body := srv.Do(t, "PUT", "/sim/api/v1/clients/nope", "", map[string]any{"scopes": []string{}}); st != 404 {
		t.Errorf("unknown client: %d %s", st, body)
	}
	if st, _, body := srv.Do(t, "GET", path, "", nil); st != 200 || json.Unmarshal(body, &c) != nil || c.Name != "Renamed" || len(c.Scopes) != 3 {
		t.Errorf("after refused updates: %d %s", st, body)
	}

	// A system names the client: deleting it is refused, saying which.
	tok := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": vendor, "scopes": []string{"altinn:authentication/systemregister.write"}})
	sys := map[string]any{"id": vendor + "_inuse", "vendor": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:" + vendor},
		"name": map[string]string{"nb": "I bruk", "nn": "I bruk", "en": "In use"}, "description": map[string]string{"nb": "d", "nn": "d", "en": "d"},
		"clientId": []string{id}, "isVisible": false}
	if st, _, body := srv.Do(t, "POST", "/authentication/api/v1/systemregister/vendor", tok, sys); st != 200 {
		t.Fatalf("register system: %d %s", st, body)
	}
	st, _, body = srv.Do(t, "DELETE", path, "", nil)
	if st != 409 || !strings.Contains(string(body), `"code":"SIM-00307"`) || !strings.Contains(string(body), vendor+"_inuse") {
		t.Fatalf("delete a client a system names: %d %s, want 409 SIM-00307 naming the system", st, body)
	}
	if st, _, _ := srv.Do(t, "GET", path, "", nil); st != 200 {
		t.Fatalf("the refused delete removed the client: %d", st)
	}
	if st, _, body := srv.Do(t, "DELETE", "/authentication/api/v1/systemregister/vendor/"+vendor+"_inuse", tok, nil); st != 200 {
		t.Fatalf("delete system: %d %s", st, body)
	}
	if st, _, body := srv.Do(t, "DELETE", path, "", nil); st != 204 {
		t.Fatalf("delete once no system names it: %d %s", st, body)
	}
}

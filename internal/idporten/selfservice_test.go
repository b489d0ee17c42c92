package idporten_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// TestSelfServiceIntegration: an ID-porten integration created, changed
// and deleted through Digdir's self-service clients API is what the
// authorization and token endpoints use at once; Maskinporten's /token
// does not take it.
func TestSelfServiceIntegration(t *testing.T) {
	s := apptest.Start(t)
	admin := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"idporten:dcr.write"}})
	bad := []struct {
		name, code string
		body       map[string]any
	}{
		{"no redirect_uris", "SIM.VLD-00330", map[string]any{}},
		{"a redirect URI with a fragment", "SIM.VLD-00330", map[string]any{"redirect_uris": []string{"https://x.example/cb#f"}}},
		{"a relative redirect URI", "SIM.VLD-00330", map[string]any{"redirect_uris": []string{"/cb"}}},
		{"auth method none", "SIM.VLD-00328", map[string]any{"redirect_uris": []string{regURI}, "token_endpoint_auth_method": "none"}},
		{"client_credentials", "SIM.VLD-00329", map[string]any{"redirect_uris": []string{regURI}, "grant_types": []string{"client_credentials"}}},
		{"a bad post-logout URI", "SIM.VLD-00331", map[string]any{"redirect_uris": []string{regURI}, "post_logout_redirect_uris": []string{"javascript:alert(1)"}}},
	}
	for _, c := range bad {
		c.body["client_name"], c.body["integration_type"] = "x", "idporten"
		var p struct {
			ValidationErrors []struct{ Code string } `json:"validationErrors"`
		}
		if st := s.DoJSON(t, "POST", "/api/v1/clients", admin, c.body, &p); st != 400 || len(p.ValidationErrors) == 0 || p.ValidationErrors[0].Code != c.code {
			t.Errorf("%s: %d %+v, want %s", c.name, st, p, c.code)
		}
	}

	id, secret := register(t, s, map[string]any{"redirect_uris": []string{regURI}, "post_logout_redirect_uris": []string{regLogout},
		"scopes": []string{"openid", "altinn:clientdelegations.read"}})
	if secret == "" {
		t.Fatal("no client_secret in the answer that created the client")
	}
	var got map[string]any
	if st := s.DoJSON(t, "GET", "/api/v1/clients/"+id, admin, nil, &got); st != 200 || got["client_secret"] != nil ||
		got["token_endpoint_auth_method"] != "client_secret_basic" || got["redirect_uris"].([]any)[0] != regURI {
		t.Fatalf("read back: %d %v", st, got)
	}

	q := with(authQuery(), "client_id", id, "redirect_uri", regURI)
	b := newBrowser(t)
	back := b.login(s.URL, s.URL+"/idporten/authorize?"+q.Encode(), firmDAGL)
	st, tok := tokenForm(t, s, redeem(back.Query().Get("code"), "redirect_uri", regURI), id, secret)
	if st != 200 {
		t.Fatalf("token: %d %v", st, tok)
	}
	if c := claimsOf(t, tok["access_token"].(string)); c["client_id"] != id || c["consumer"].(map[string]any)["ID"] != "0192:991825827" {
		t.Errorf("access token %v", c)
	}

	// Maskinporten's /token refuses it, whatever key it has.
	key, _ := mpgrant.NewClientKey()
	_ = key.Set("alg", "RS256")
	jwks, _ := mpgrant.PublicJWKS(key)
	var pub map[string]any
	_ = jsonUnmarshal(jwks.Keys[0], &pub)
	pub["use"] = "sig"
	if st, _, body := s.Do(t, "POST", "/api/v1/clients/"+id+"/jwks", admin, map[string]any{"keys": []any{pub}}); st != 200 {
		t.Fatalf("keys: %d %s", st, body)
	}
	grant, _ := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: id, Audience: s.URL + "/", Scopes: []string{"altinn:clientdelegations.read"}, Now: s.Clock.Now(), Lifetime: 30 * time.Second}))
	st, _, body := s.Do(t, "POST", "/token", "", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {grant}})
	if st != 400 || !strings.Contains(string(body), "ID-porten integration") {
		t.Errorf("/token with an ID-porten client: %d %s", st, body)
	}

	// A change of redirect URIs applies at once.
	const moved = "https://vendor.example/idporten/moved"
	got["redirect_uris"] = []string{moved}
	if st, _, body := s.Do(t, "PUT", "/api/v1/clients/"+id, admin, got); st != 200 {
		t.Fatalf("update: %d %s", st, body)
	}
	if st, hdr, _ := s.Do(t, "GET", "/idporten/authorize?"+q.Encode(), "", nil); st != 400 || hdr.Get("Location") != "" {
		t.Errorf("the old redirect URI after the update: %d %v", st, hdr)
	}
	if st, hdr, _ := s.Do(t, "GET", "/idporten/authorize?"+with(q, "redirect_uri", moved).Encode(), "", nil); st != http.StatusFound {
		t.Errorf("the new redirect URI: %d %v", st, hdr)
	}
	// The secret survives an update that keeps a secret method.
	back = b.login(s.URL, s.URL+"/idporten/authorize?"+with(q, "redirect_uri", moved, "prompt", "login").Encode(), firmDAGL)
	if st, out := tokenForm(t, s, redeem(back.Query().Get("code"), "redirect_uri", moved), id, secret); st != 200 {
		t.Errorf("token after the update: %d %v", st, out)
	}

	if st, _, _ := s.Do(t, "DELETE", "/api/v1/clients/"+id, admin, nil); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	if st, _, body := s.Do(t, "GET", "/idporten/authorize?"+with(q, "redirect_uri", moved).Encode(), "", nil); st != 400 || !strings.Contains(string(body), id) {
		t.Errorf("a deleted client: %d", st)
	}
}

package idporten_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

const (
	loopback  = "http://localhost:8765/cb"
	verifier  = "a-code-verifier-that-is-long-enough-0123456789abcdef"
	regURI    = "https://vendor.example/idporten/callback"
	regLogout = "https://vendor.example/idporten/logged-out"
)

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authQuery is a good authorization request for the demo client.
func authQuery() url.Values {
	return url.Values{"client_id": {demoID}, "redirect_uri": {loopback}, "response_type": {"code"}, "scope": {"openid altinn:clientdelegations.read"},
		"state": {"s1"}, "nonce": {"n1"}, "code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"}}
}

func with(q url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<del>" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out
}

// register creates an ID-porten integration of Digdir (991825827)
// through the self-service clients API, as a vendor does, and returns its
// client id and (for a secret auth method) its secret. body holds the
// fields besides client_name and integration_type.
func register(t *testing.T, s *apptest.Server, body map[string]any) (id, secret string) {
	t.Helper()
	body["client_name"], body["integration_type"] = "Vendor web app", "idporten"
	tok := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"idporten:dcr.write"}})
	var out map[string]any
	if st := s.DoJSON(t, "POST", "/api/v1/clients", tok, body, &out); st != 201 {
		t.Fatalf("register: %d %v", st, out)
	}
	secret, _ = out["client_secret"].(string)
	return out["client_id"].(string), secret
}

// TestAuthorizeBadInput: a request without a known client and one of its
// redirect URIs is an error page and never a redirect; every later fault
// goes back to the redirect URI with error, error_description and state.
func TestAuthorizeBadInput(t *testing.T) {
	s := apptest.Start(t)
	regClient, _ := register(t, s, map[string]any{"redirect_uris": []string{regURI}, "token_endpoint_auth_method": "client_secret_post"})
	pages := []struct {
		name string
		q    url.Values
		text string
	}{
		{"no client", with(authQuery(), "client_id", "<del>"), "client_id"},
		{"unknown client", with(authQuery(), "client_id", "nobody"), "nobody"},
		{"no redirect_uri", with(authQuery(), "redirect_uri", "<del>"), "redirect_uri"},
		{"redirect_uri not loopback for the demo client", with(authQuery(), "redirect_uri", "https://evil.example/cb"), "evil.example"},
		{"redirect_uri not registered", with(authQuery(), "client_id", regClient, "redirect_uri", regURI+"/other"), "not registered"},
		{"registered redirect_uri with another query", with(authQuery(), "client_id", regClient, "redirect_uri", regURI+"?x=1"), "not registered"},
		{"loopback with user info", with(authQuery(), "redirect_uri", "http://user@127.0.0.1:8080/cb"), "redirect_uri"},
	}
	for _, c := range pages {
		t.Run(c.name, func(t *testing.T) {
			st, hdr, body := s.Do(t, "GET", "/idporten/authorize?"+c.q.Encode()+"&ui_locales=en", "", nil)
			if st != 400 || hdr.Get("Location") != "" || !strings.Contains(hdr.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %v %s, want a 400 page and no redirect", st, hdr, body)
			}
			if !strings.Contains(string(body), c.text) || !strings.Contains(string(body), `lang="en"`) {
				t.Errorf("the page does not say %q in English: %s", c.text, body)
			}
		})
	}
	redirects := []struct {
		name, code string
		q          url.Values
	}{
		{"response_type token", "unsupported_response_type", with(authQuery(), "response_type", "token")},
		{"no response_type", "unsupported_response_type", with(authQuery(), "response_type", "<del>")},
		{"response_mode fragment", "invalid_request", with(authQuery(), "response_mode", "fragment")},
		{"missing PKCE", "invalid_request", with(authQuery(), "code_challenge", "<del>", "code_challenge_method", "<del>")},
		{"PKCE plain", "invalid_request", with(authQuery(), "code_challenge_method", "plain")},
		{"PKCE method missing", "invalid_request", with(authQuery(), "code_challenge_method", "<del>")},
		{"short code_challenge", "invalid_request", with(authQuery(), "code_challenge", "abc")},
		{"bad acr_values", "invalid_request", with(authQuery(), "acr_values", "Level4")},
		{"one bad acr value of two", "invalid_request", with(authQuery(), "acr_values", "idporten-loa-high idporten-loa-low")},
		{"no scope", "invalid_scope", with(authQuery(), "scope", "<del>")},
		{"scope not on the client", "invalid_scope", with(authQuery(), "scope", "openid skatteetaten:secret")},
		{"registered client asks for an altinn scope it lacks", "invalid_scope", with(authQuery(), "client_id", regClient, "redirect_uri", regURI, "scope", "openid altinn:clientdelegations.read")},
		{"prompt=none without a login", "login_required", with(authQuery(), "prompt", "none")},
		{"prompt=consent", "invalid_request", with(authQuery(), "prompt", "consent")},
		{"request object", "request_not_supported", with(authQuery(), "request", "eyJ.x.y")},
	}
	for _, c := range redirects {
		t.Run(c.name, func(t *testing.T) {
			st, hdr, body := s.Do(t, "GET", "/idporten/authorize?"+c.q.Encode(), "", nil)
			if st != http.StatusFound {
				t.Fatalf("%d %s, want a redirect", st, body)
			}
			u, _ := url.Parse(hdr.Get("Location"))
			want, _ := url.Parse(c.q.Get("redirect_uri"))
			if u.Host != want.Host || u.Path != want.Path {
				t.Fatalf("redirected to %s, not the redirect URI", u)
			}
			q := u.Query()
			if q.Get("error") != c.code || q.Get("error_description") == "" || q.Get("state") != "s1" || q.Get("iss") != s.URL+"/idporten" || q.Has("code") {
				t.Errorf("redirect query %v, want error %s with state", q, c.code)
			}
		})
	}
}

// codeFor logs firmDAGL in (or uses the browser's session) and returns a
// fresh code for q.
func codeFor(t *testing.T, s *apptest.Server, b *browser, q url.Values) string {
	t.Helper()
	res, body := b.get(s.URL + "/idporten/authorize?" + q.Encode())
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %s", res.StatusCode, body)
	}
	loc := res.Header.Get("Location")
	var back *url.URL
	if strings.HasPrefix(loc, "/idporten/login?") {
		_, page := b.get(s.URL + loc)
		back = b.pickPerson(s.URL, page, firmDAGL)
	} else {
		back, _ = url.Parse(loc)
	}
	code := back.Query().Get("code")
	if code == "" {
		t.Fatalf("no code: %s", back)
	}
	return code
}

func redeem(code string, kv ...string) url.Values {
	return with(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {loopback}, "code_verifier": {verifier}}, kv...)
}

// TestTokenBadInput: the token endpoint's refusals, each with ID-porten's
// OAuth error, and none of them leaving a token behind.
func TestTokenBadInput(t *testing.T) {
	s := apptest.Start(t)
	regClient, regSecret := register(t, s, map[string]any{"redirect_uris": []string{loopback}})
	b := newBrowser(t)
	fresh := func() string { return codeFor(t, s, b, authQuery()) }
	cases := []struct {
		name     string
		form     url.Values
		id, sec  string
		status   int
		code     string
		describe string
	}{
		{"wrong client secret", redeem(fresh()), demoID, "wrong", 401, "invalid_client", "wrong client secret"},
		{"wrong secret in the form", redeem(fresh(), "client_id", demoID, "client_secret", "wrong"), "", "", 401, "invalid_client", "wrong client secret"},
		{"unknown client", redeem(fresh()), "nobody", "x", 401, "invalid_client", "unknown client"},
		{"no client authentication", redeem(fresh(), "client_id", demoID), "", "", 401, "invalid_client", "did not authenticate"},
		{"two methods at once", redeem(fresh(), "client_secret", demoSecret), demoID, demoSecret, 401, "invalid_client", "one client authentication"},
		{"a method the client is not registered for", redeem(fresh(), "client_id", regClient, "client_secret", regSecret), "", "", 401, "invalid_client", "not registered for client_secret_post"},
		{"wrong verifier", redeem(fresh(), "code_verifier", verifier+"x"), demoID, demoSecret, 400, "invalid_grant", "does not match"},
		{"no verifier", redeem(fresh(), "code_verifier", "<del>"), demoID, demoSecret, 400, "invalid_grant", "code_verifier is missing"},
		{"other redirect_uri", redeem(fresh(), "redirect_uri", "http://localhost:8765/other"), demoID, demoSecret, 400, "invalid_grant", "redirect_uri"},
		{"code of another client", redeem(fresh()), regClient, regSecret, 400, "invalid_grant", "another client"},
		{"unknown code", redeem("nope"), demoID, demoSecret, 400, "invalid_grant", "unknown"},
		{"no code", redeem("", "code", "<del>"), demoID, demoSecret, 400, "invalid_request", "code is missing"},
		{"unsupported grant_type", redeem(fresh(), "grant_type", "password"), demoID, demoSecret, 400, "unsupported_grant_type", "password"},
		{"no grant_type", redeem(fresh(), "grant_type", "<del>"), demoID, demoSecret, 400, "invalid_request", "grant_type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, out := tokenForm(t, s, c.form, c.id, c.sec)
			if st != c.status || out["error"] != c.code || !strings.Contains(out["error_description"].(string), c.describe) {
				t.Errorf("%d %v, want %d %s (%q)", st, out, c.status, c.code, c.describe)
			}
			if _, ok := out["access_token"]; ok {
				t.Error("a token was issued")
			}
		})
	}

	t.Run("reused code revokes the first redemption's refresh token", func(t *testing.T) {
		code := fresh()
		st, first := tokenForm(t, s, redeem(code), demoID, demoSecret)
		if st != 200 {
			t.Fatalf("first redemption: %d %v", st, first)
		}
		st, again := tokenForm(t, s, redeem(code), demoID, demoSecret)
		if st != 400 || again["error"] != "invalid_grant" || !strings.Contains(again["error_description"].(string), "already been used") {
			t.Errorf("second redemption: %d %v", st, again)
		}
		st, out := tokenForm(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first["refresh_token"].(string)}}, demoID, demoSecret)
		if st != 400 || out["error"] != "invalid_grant" {
			t.Errorf("refresh after the code was reused: %d %v", st, out)
		}
	})

	t.Run("expired code on the app clock", func(t *testing.T) {
		code := fresh()
		s.Clock.Set(61 * time.Second)
		defer s.Clock.Set(0)
		st, out := tokenForm(t, s, redeem(code), demoID, demoSecret)
		if st != 400 || out["error"] != "invalid_grant" || !strings.Contains(out["error_description"].(string), "expired") {
			t.Errorf("%d %v", st, out)
		}
	})

	t.Run("a code just inside its lifetime", func(t *testing.T) {
		code := fresh()
		s.Clock.Set(59 * time.Second)
		defer s.Clock.Set(0)
		if st, out := tokenForm(t, s, redeem(code), demoID, demoSecret); st != 200 {
			t.Errorf("%d %v", st, out)
		}
	})

	t.Run("client_secret_post", func(t *testing.T) {
		st, out := tokenForm(t, s, redeem(fresh(), "client_id", demoID, "client_secret", demoSecret), "", "")
		if st != 200 || claimsOf(t, out["access_token"].(string))["client_amr"] != "client_secret_post" {
			t.Errorf("%d %v", st, out)
		}
	})
}

// TestRefreshRotation: each refresh token works once and is replaced; a
// used one presented again revokes its whole chain.
func TestRefreshRotation(t *testing.T) {
	s := apptest.Start(t)
	b := newBrowser(t)
	st, first := tokenForm(t, s, redeem(codeFor(t, s, b, authQuery())), demoID, demoSecret)
	if st != 200 {
		t.Fatalf("%d %v", st, first)
	}
	refresh := func(tok string) (int, map[string]any) {
		return tokenForm(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok}}, demoID, demoSecret)
	}
	r1 := first["refresh_token"].(string)
	st, second := refresh(r1)
	if st != 200 || second["refresh_token"] == r1 || second["access_token"] == "" || second["id_token"] == "" {
		t.Fatalf("refresh: %d %v", st, second)
	}
	if c := claimsOf(t, second["id_token"].(string)); c["nonce"] != nil || c["pid"] != firmDAGL {
		t.Errorf("refreshed id token %v", c)
	}
	r2 := second["refresh_token"].(string)
	if st, out := refresh(r1); st != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("reused refresh token: %d %v", st, out)
	}
	if st, out := refresh(r2); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("the chain's newest token after a reuse: %d %v, want revoked", st, out)
	}
	// Another client cannot use this client's refresh token.
	regClient, regSecret := register(t, s, map[string]any{"redirect_uris": []string{loopback}})
	_, third := tokenForm(t, s, redeem(codeFor(t, s, b, authQuery())), demoID, demoSecret)
	st, out := tokenForm(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {third["refresh_token"].(string)}}, regClient, regSecret)
	if st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("another client's refresh token: %d %v", st, out)
	}
}

// TestPrivateKeyJWT: a registered integration authenticates with a signed
// client assertion; a replayed or wrongly addressed one is refused.
func TestPrivateKeyJWT(t *testing.T) {
	s := apptest.Start(t)
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	regClient, secret := register(t, s, map[string]any{"redirect_uris": []string{loopback},
		"scopes": []string{"openid", "altinn:clientdelegations.read"}, "token_endpoint_auth_method": "private_key_jwt"})
	if secret != "" {
		t.Error("a private_key_jwt client got a secret")
	}
	// Its key, as the self-service API takes keys: alg and use required.
	_ = key.Set("alg", "RS256")
	jwks, _ := mpgrant.PublicJWKS(key)
	var pub map[string]any
	_ = json.Unmarshal(jwks.Keys[0], &pub)
	pub["use"] = "sig"
	tok := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"idporten:dcr.write"}})
	if st, _, body := s.Do(t, "POST", "/api/v1/clients/"+regClient+"/jwks", tok, map[string]any{"keys": []any{pub}}); st != 200 {
		t.Fatalf("keys: %d %s", st, body)
	}
	assertion := func(aud, jti string) string {
		now := s.Clock.Now()
		tok, err := mpgrant.Sign(key, map[string]any{"iss": regClient, "sub": regClient, "aud": aud, "iat": now.Unix(),
			"exp": now.Add(60 * time.Second).Unix(), "jti": jti})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	b := newBrowser(t)
	q := with(authQuery(), "client_id", regClient)
	form := func(a string) url.Values {
		return redeem(codeFor(t, s, b, q), "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", a)
	}
	good := assertion(s.URL+"/idporten", "jti-1")
	st, out := tokenForm(t, s, form(good), "", "")
	if st != 200 {
		t.Fatalf("%d %v", st, out)
	}
	at := claimsOf(t, out["access_token"].(string))
	if at["client_amr"] != "private_key_jwt" || at["client_id"] != regClient {
		t.Errorf("access token %v", at)
	}
	if c, _ := at["consumer"].(map[string]any); c["ID"] != "0192:991825827" {
		t.Errorf("consumer %v", at["consumer"])
	}
	for name, a := range map[string]string{
		"replayed jti": good,
		"wrong aud":    assertion("https://elsewhere.example", "jti-2"),
		"not a JWT":    "abc",
	} {
		if st, out := tokenForm(t, s, form(a), "", ""); st != 401 || out["error"] != "invalid_client" {
			t.Errorf("%s: %d %v", name, st, out)
		}
	}
	// A secret is not accepted from a private_key_jwt client.
	if st, out := tokenForm(t, s, redeem(codeFor(t, s, b, q)), regClient, "anything"); st != 401 || out["error"] != "invalid_client" {
		t.Errorf("basic for a private_key_jwt client: %d %v", st, out)
	}
}

package maskinporten_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"golang.org/x/oauth2/jwt"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/signing"
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
	resp := postJSON(t, base, map[string]any{"ClientId": "6a1b9a2e-51f4-4d6b-9a3c-0f5a1c2b3d4e", "OrgNo": "991825827", "Name": "vendor app", "Scopes": []string{"test:read"}, "Jwks": set}, &c)
	if resp.StatusCode != 201 || c.ClientID != "6a1b9a2e-51f4-4d6b-9a3c-0f5a1c2b3d4e" || c.OrgNo != "991825827" || c.Name != "vendor app" || len(c.JWKS.Keys) != 1 {
		t.Fatalf("create: %d %+v", resp.StatusCode, c)
	}
	var got mpclient.Client
	if resp := do(t, http.MethodGet, base+"/"+c.ClientID, "", nil, "", &got); resp.StatusCode != 200 || got.ClientID != c.ClientID || got.Scopes[0] != "test:read" {
		t.Fatalf("get: %d %+v", resp.StatusCode, got)
	}
	var prob map[string]any
	if resp := postJSON(t, base, map[string]any{"clientId": c.ClientID, "orgNo": "991825827", "jwks": set}, &prob); resp.StatusCode != 409 {
		t.Fatalf("duplicate: %d %v", resp.StatusCode, prob)
	}
	if resp := do(t, http.MethodGet, base+"/nope", "", nil, "", nil); resp.StatusCode != 404 {
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
		resp := postJSON(t, base, b.body, &p)
		if resp.StatusCode != 400 || p.Code != "STD-00000" || len(p.ValidationErrors) == 0 || !strings.Contains(p.ValidationErrors[0].Detail, b.detail) {
			t.Errorf("%s: %d %+v", name, resp.StatusCode, p)
		}
	}

	// A grant works; after replacing the keys only the new key does.
	issuer := srv.URL + "/"
	grant := func(k jwk.Key) int {
		g, _ := mpgrant.Sign(k, mpgrant.Claims(mpgrant.Options{ClientID: c.ClientID, Audience: issuer, Scopes: []string{"test:read"}}))
		return postGrant(t, srv.URL, g, nil).StatusCode
	}
	if st := grant(key); st != 200 {
		t.Fatalf("grant: %d", st)
	}
	key2, _ := mpgrant.NewClientKey()
	set2, _ := mpgrant.PublicJWKS(key2)
	b, _ := json.Marshal(set2)
	if resp := do(t, http.MethodPut, base+"/"+c.ClientID+"/jwks", "application/json", bytes.NewReader(b), "", &got); resp.StatusCode != 200 || len(got.JWKS.Keys) != 1 {
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
		if resp := do(t, http.MethodPut, base+"/"+c.ClientID+"/jwks", "application/json", strings.NewReader(bad), "", nil); resp.StatusCode != 400 {
			t.Fatalf("put jwks %s: %d, want 400", bad, resp.StatusCode)
		}
	}
	if st := grant(key2); st != 200 {
		t.Fatalf("key after refused replacements: %d", st)
	}
	if resp := do(t, http.MethodPut, base+"/nope/jwks", "application/json", bytes.NewReader(b), "", nil); resp.StatusCode != 404 {
		t.Fatalf("put jwks unknown: %d", resp.StatusCode)
	}
	// Delete: gone, and its grants are refused as an unknown client.
	if resp := do(t, http.MethodDelete, base+"/"+c.ClientID, "", nil, "", nil); resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp := do(t, http.MethodGet, base+"/"+c.ClientID, "", nil, "", nil); resp.StatusCode != 404 {
		t.Fatalf("get after delete: %d", resp.StatusCode)
	}
	if resp := do(t, http.MethodDelete, base+"/"+c.ClientID, "", nil, "", nil); resp.StatusCode != 404 {
		t.Fatalf("delete again: %d", resp.StatusCode)
	}
	var oe map[string]string
	g, _ := mpgrant.Sign(key2, mpgrant.Claims(mpgrant.Options{ClientID: c.ClientID, Audience: issuer, Scopes: []string{"test:read"}}))
	if resp := postGrant(t, srv.URL, g, &oe); resp.StatusCode != 400 || oe["error_uri"] != issuer+"errors/MP-100" {
		t.Fatalf("grant after delete: %d %v", resp.StatusCode, oe)
	}
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, func(c *config.Config) { c.AdminToken = "s3cret" })
	key, _ := mpgrant.NewClientKey()
	set, _ := mpgrant.PublicJWKS(key)
	b, _ := json.Marshal(map[string]any{"orgNo": "991825827", "jwks": set})
	if resp := do(t, http.MethodPost, srv.URL+"/sim/api/v1/clients", "application/json", bytes.NewReader(b), "", nil); resp.StatusCode != 401 {
		t.Fatalf("without admin token: %d", resp.StatusCode)
	}
	if resp := do(t, http.MethodPost, srv.URL+"/sim/api/v1/tokens", "application/json", strings.NewReader(`{"type":"enterprise","orgNo":"991825827","scopes":["a:b"]}`), "wrong", nil); resp.StatusCode != 401 {
		t.Fatalf("wrong admin token: %d", resp.StatusCode)
	}
	if resp := do(t, http.MethodPost, srv.URL+"/sim/api/v1/clients", "application/json", bytes.NewReader(b), "s3cret", nil); resp.StatusCode != 201 {
		t.Fatalf("with admin token: %d", resp.StatusCode)
	}
}

func TestTokenEndpointForm(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	var oe map[string]string
	resp := do(t, http.MethodPost, srv.URL+"/token", "application/json", strings.NewReader(`{"grant_type":"x"}`), "", &oe)
	if resp.StatusCode != 400 || oe["error"] != "invalid_request" || !strings.Contains(oe["error_description"], "form post") {
		t.Fatalf("json body: %d %v", resp.StatusCode, oe)
	}
	resp = do(t, http.MethodPost, srv.URL+"/token", "application/x-www-form-urlencoded", strings.NewReader("grant_type=client_credentials"), "", &oe)
	if resp.StatusCode != 400 || oe["error"] != "unsupported_grant_type" || oe["error_uri"] != "" {
		t.Fatalf("grant type: %d %v", resp.StatusCode, oe)
	}
	if resp := do(t, http.MethodGet, srv.URL+"/token", "", nil, "", nil); resp.StatusCode != 405 {
		t.Fatalf("GET /token: %d", resp.StatusCode)
	}
}

// A token verifies with a JWKS fetched over HTTP by go-oidc (go-jose),
// not jwx; so does an exchanged Altinn token through the platform's OIDC
// metadata.
func TestVerifyWithGoOIDC(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"RS256", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			srv := apptest.Start(t, func(c *config.Config) { c.SigningAlg = alg; c.TokenLifetime = 300 * time.Second })
			ctx := context.Background()
			clientID, key := registerClient(t, srv.URL, "991825827", "test:read")
			tok := mustGrantToken(t, srv.URL, clientID, key, "test:read")
			if h := decodeHeader(t, tok); h["alg"] != alg {
				t.Fatalf("header %v", h)
			}
			v := oidc.NewVerifier(srv.URL+"/", oidc.NewRemoteKeySet(ctx, srv.URL+"/jwk"), &oidc.Config{SkipClientIDCheck: true, SupportedSigningAlgs: []string{alg}})
			idt, err := v.Verify(ctx, tok)
			if err != nil {
				t.Fatalf("go-oidc: %v", err)
			}
			var claims struct {
				ClientID string `json:"client_id"`
				Consumer struct {
					ID string `json:"ID"`
				} `json:"consumer"`
			}
			if err := idt.Claims(&claims); err != nil || claims.ClientID != clientID || claims.Consumer.ID != "0192:991825827" {
				t.Fatalf("claims %+v %v", claims, err)
			}
			if idt.Expiry.Sub(idt.IssuedAt) != 300*time.Second {
				t.Fatalf("lifetime %v", idt.Expiry.Sub(idt.IssuedAt))
			}
			// A tampered token fails there too.
			parts := strings.Split(tok, ".")
			if _, err := v.Verify(ctx, parts[0]+"."+parts[1]+"x."+parts[2]); err == nil {
				t.Fatal("tampered token verified")
			}

			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/authentication/api/v1/exchange/maskinporten", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			alt, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			p, err := oidc.NewProvider(ctx, srv.URL+"/authentication/api/v1/openid/")
			if err != nil {
				t.Fatalf("altinn metadata: %v", err)
			}
			if _, err := p.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, string(alt)); err != nil {
				t.Fatalf("altinn token with go-oidc: %v", err)
			}
		})
	}
}

// The golang.org/x/oauth2/jwt client's grant (no jti, iat 10 s back,
// typ JWT) is accepted as is once its lifetime is within 120 s; with its
// default one-hour lifetime Maskinporten refuses it, and so do we.
func TestOAuth2JWTClient(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	clientID, key := registerClient(t, srv.URL, "991825827", "test:read", "test:write")
	var rk rsa.PrivateKey
	if err := key.Raw(&rk); err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(&rk)})
	conf := &jwt.Config{Email: clientID, PrivateKey: pemKey, PrivateKeyID: key.KeyID(), Scopes: []string{"test:read", "test:write"},
		TokenURL: srv.URL + "/token", Audience: srv.URL + "/", Expires: 100 * time.Second}
	tok, err := conf.TokenSource(context.Background()).Token()
	if err != nil {
		t.Fatalf("x/oauth2/jwt: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.AccessToken == "" || time.Until(tok.Expiry) < 100*time.Second {
		t.Fatalf("token %+v", tok)
	}
	if c := decodePayload(t, tok.AccessToken); c["scope"] != "test:read test:write" || c["client_id"] != clientID {
		t.Fatalf("claims %v", c)
	}
	conf.Expires = 0
	_, err = conf.TokenSource(context.Background()).Token()
	if err == nil || !strings.Contains(err.Error(), "at most 120 s is allowed") {
		t.Fatalf("one-hour grant: %v", err)
	}
}

// Two instances on one database share the signing key, and a grant sent
// to both at once is used exactly once.
func TestTwoInstances(t *testing.T) {
	t.Parallel()
	s1, s2 := twoInstances(t, "http://sim.shared.test")
	var j1, j2 json.RawMessage
	do(t, http.MethodGet, s1.URL+"/jwk", "", nil, "", &j1)
	do(t, http.MethodGet, s2.URL+"/jwk", "", nil, "", &j2)
	if !bytes.Equal(j1, j2) {
		t.Fatalf("JWKS differ:\n%s\n%s", j1, j2)
	}
	clientID, key := registerClient(t, s1.URL, "991825827", "test:read")
	for round := range 5 {
		g, _ := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: "http://sim.shared.test/", Scopes: []string{"test:read"}}))
		var wg sync.WaitGroup
		codes := make([]int, 2)
		toks := make([]maskinporten.TokenResponse, 2)
		for i, s := range []*apptest.Server{s1, s2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = postGrant(t, s.URL, g, &toks[i]).StatusCode
			}()
		}
		wg.Wait()
		if codes[0]+codes[1] != 600 {
			t.Fatalf("round %d: codes %v, want one 200 and one 400", round, codes)
		}
		// The token from either instance verifies at the other.
		winner := toks[0].AccessToken
		if codes[1] == 200 {
			winner = toks[1].AccessToken
		}
		if _, err := s1.Verifier.Verify(context.Background(), winner); err != nil {
			t.Fatal(err)
		}
		if _, err := s2.Verifier.Verify(context.Background(), winner); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTestTokens(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	ctx := context.Background()
	var tr maskinporten.TokenResponse
	resp := postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"altinn:authentication/systemregister.write"}}, &tr)
	if resp.StatusCode != 200 || tr.TokenType != "Bearer" || tr.ExpiresIn != 120 || tr.Scope != "altinn:authentication/systemregister.write" {
		t.Fatalf("enterprise: %d %+v", resp.StatusCode, tr)
	}
	c := decodePayload(t, tr.AccessToken)
	for _, k := range []string{"scope", "iss", "client_amr", "token_type", "exp", "iat", "client_id", "jti", "consumer"} {
		if _, ok := c[k]; !ok {
			t.Errorf("enterprise token lacks %s", k)
		}
	}
	caller, err := srv.Verifier.Verify(ctx, tr.AccessToken)
	if err != nil || caller.ConsumerOrgNo != "991825827" || caller.Kind != auth.KindMaskinporten || !caller.HasScope("altinn:authentication/systemregister.write") {
		t.Fatalf("enterprise caller %+v %v", caller, err)
	}

	suID := "ebe4a681-0a8c-429e-a36f-8f9ca942b59f"
	resp = postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "systemuser", "orgNo": "991825827", "systemUserOrg": "313725138", "systemId": "991825827_app", "scopes": []string{"test:read"}, "systemUserId": suID}, &tr)
	if resp.StatusCode != 200 {
		t.Fatalf("systemuser: %d", resp.StatusCode)
	}
	caller, err = srv.Verifier.Verify(ctx, tr.AccessToken)
	if err != nil || caller.SystemUserID != suID || caller.SystemUserOrgNo != "313725138" || caller.SystemID != "991825827_app" || caller.ConsumerOrgNo != "991825827" {
		t.Fatalf("systemuser caller %+v %v", caller, err)
	}
	if ad, _ := decodePayload(t, tr.AccessToken)["authorization_details"].([]any); len(ad) != 1 {
		t.Fatalf("authorization_details %v", ad)
	}

	// exchange: the Altinn form, authorization_details as one object.
	resp = postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "systemuser", "orgNo": "991825827", "scopes": []string{"test:read"}, "systemUserId": suID, "exchange": true}, &tr)
	if resp.StatusCode != 200 || tr.ExpiresIn != 1800 {
		t.Fatalf("exchanged systemuser: %d %+v", resp.StatusCode, tr)
	}
	ac := decodePayload(t, tr.AccessToken)
	if _, isObj := ac["authorization_details"].(map[string]any); !isObj || ac["urn:altinn:orgNumber"] != "991825827" {
		t.Fatalf("exchanged claims %v", ac)
	}
	caller, err = srv.Verifier.Verify(ctx, tr.AccessToken)
	if err != nil || caller.Kind != auth.KindAltinn || caller.SystemUserID != suID || caller.SystemUserOrgNo != "991825827" {
		t.Fatalf("exchanged caller %+v %v", caller, err)
	}

	resp = postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "person", "pid": "10857841048"}, &tr)
	if resp.StatusCode != 200 {
		t.Fatalf("person: %d", resp.StatusCode)
	}
	caller, err = srv.Verifier.Verify(ctx, tr.AccessToken)
	if err != nil || caller.PID != "10857841048" || caller.UserID != 20000001 || caller.PartyID != 50100001 || !caller.HasScope("altinn:portal/enduser") || caller.Kind != auth.KindAltinn {
		t.Fatalf("person caller %+v %v", caller, err)
	}

	for name, body := range map[string]map[string]any{
		"bad type":              {"type": "robot", "orgNo": "991825827", "scopes": []string{"a:b"}},
		"no scopes":             {"type": "enterprise", "orgNo": "991825827"},
		"bad org":               {"type": "enterprise", "orgNo": "12", "scopes": []string{"a:b"}},
		"systemuser without id": {"type": "systemuser", "orgNo": "991825827", "scopes": []string{"a:b"}},
		"unknown person":        {"type": "person", "pid": "01010112345"},
		"invalid pid":           {"type": "person", "pid": "123"},
	} {
		if resp := postJSON(t, srv.URL+"/sim/api/v1/tokens", body, nil); resp.StatusCode != 400 {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
	}
}

func TestExchangeRefusals(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	var mp, alt maskinporten.TokenResponse
	postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"altinn:serviceowner"}}, &mp)
	postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"a:b"}, "exchange": true}, &alt)
	exchange := func(path, bearer string, hdr map[string]string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const p = "/authentication/api/v1/exchange/"
	if st, body := exchange(p+"Maskinporten?test=true", mp.AccessToken, nil); st != 200 || decodePayload(t, body)["urn:altinn:org"] != "ttd" {
		t.Fatalf("serviceowner test: %d %s", st, body)
	}
	if st, body := exchange(p+"maskinporten", mp.AccessToken, nil); st != 200 || decodePayload(t, body)["urn:altinn:org"] != "digdir" {
		t.Fatalf("serviceowner: %d %s", st, body)
	}
	if st, body := exchange(p+"maskinporten", mp.AccessToken, map[string]string{"Accept": "application/json"}); st != 200 || !strings.HasPrefix(body, `"ey`) {
		t.Fatalf("json accept: %d %s", st, body)
	}
	cases := []struct {
		name, path, bearer string
		hdr                map[string]string
		status             int
	}{
		{"no bearer", p + "maskinporten", "", nil, 401},
		{"garbage", p + "maskinporten", "abc.def.ghi", nil, 401},
		{"an Altinn token", p + "maskinporten", alt.AccessToken, nil, 401},
		{"unknown provider", p + "foo", mp.AccessToken, nil, 400},
		{"id-porten", p + "id-porten", mp.AccessToken, nil, 401},
		{"enterprise user", p + "maskinporten", mp.AccessToken, map[string]string{"X-Altinn-EnterpriseUser-Authentication": "x"}, 410},
	}
	for _, c := range cases {
		if st, body := exchange(c.path, c.bearer, c.hdr); st != c.status {
			t.Errorf("%s: %d %s", c.name, st, body)
		}
	}
	// Once expired (clock moved past exp + skew), the token is refused by
	// the exchange and by the auth middleware.
	srv.Clock.Set(131 * time.Second)
	if st, _ := exchange(p+"maskinporten", mp.AccessToken, nil); st != 401 {
		t.Fatalf("expired: %d", st)
	}
	h := auth.Authenticate(srv.Verifier)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set("Authorization", "Bearer "+mp.AccessToken)
	h.ServeHTTP(rec, req)
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "expired") {
		t.Fatalf("middleware on expired token: %d %s", rec.Code, rec.Body)
	}
}

// The auth middleware accepts both token kinds, enforces scopes and puts
// the caller in the context.
func TestAuthMiddlewareWithRealTokens(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	var mp, alt maskinporten.TokenResponse
	postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"x:read"}}, &mp)
	postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "313725138", "scopes": []string{"x:write"}, "exchange": true}, &alt)
	var seen auth.Caller
	h := auth.Authenticate(srv.Verifier)(auth.RequireScope("x:read", "x:write")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = auth.CallerFrom(r.Context())
	})))
	call := func(tok string) int {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if st := call(mp.AccessToken); st != 200 || seen.ConsumerOrgNo != "991825827" {
		t.Fatalf("maskinporten: %d %+v", st, seen)
	}
	if st := call(alt.AccessToken); st != 200 || seen.ConsumerOrgNo != "313725138" || seen.Kind != auth.KindAltinn {
		t.Fatalf("altinn: %d %+v", st, seen)
	}
	var other maskinporten.TokenResponse
	postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"y:read"}}, &other)
	if st := call(other.AccessToken); st != 403 {
		t.Fatalf("wrong scope: %d", st)
	}
	// A token signed by a key of another emulator is refused.
	srv2 := apptest.Start(t)
	postJSON(t, srv2.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"x:read"}}, &other)
	if st := call(other.AccessToken); st != 401 {
		t.Fatalf("foreign token: %d", st)
	}
	// Our own key but a forged payload.
	parts := strings.Split(mp.AccessToken, ".")
	forged := decodePayload(t, mp.AccessToken)
	forged["consumer"] = map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:313725138"}
	fb, _ := json.Marshal(forged)
	if st := call(parts[0] + "." + b64s(string(fb)) + "." + parts[2]); st != 401 {
		t.Fatalf("forged: %d", st)
	}
}

// Rotation: new tokens get the new kid, old tokens still verify (also at
// another instance), the retired key stays in the JWKS until every token
// it signed has expired.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	s1, s2 := twoInstances(t, "http://sim.rotate.test")
	mint := func(s *apptest.Server) string {
		var tr maskinporten.TokenResponse
		postJSON(t, s.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"a:b"}}, &tr)
		return tr.AccessToken
	}
	old := mint(s1)
	var rot signing.RotatedKeys
	if resp := postJSON(t, s1.URL+"/sim/api/v1/keys/rotate", map[string]any{}, &rot); resp.StatusCode != 200 || rot.Maskinporten == "" || rot.Altinn == "" {
		t.Fatalf("rotate: %d %+v", resp.StatusCode, rot)
	}
	fresh := mint(s1)
	if decodeHeader(t, fresh)["kid"] != rot.Maskinporten || decodeHeader(t, old)["kid"] == rot.Maskinporten {
		t.Fatalf("kids: old %v new %v rotated %v", decodeHeader(t, old)["kid"], decodeHeader(t, fresh)["kid"], rot)
	}
	for _, s := range []*apptest.Server{s1, s2} {
		for _, tok := range []string{old, fresh} {
			if _, err := s.Verifier.Verify(context.Background(), tok); err != nil {
				t.Fatalf("verify at %s: %v", s.URL, err)
			}
		}
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	do(t, http.MethodGet, s1.URL+"/jwk", "", nil, "", &set)
	if len(set.Keys) != 2 {
		t.Fatalf("jwks after rotation: %v", set.Keys)
	}
	s1.Clock.Set(31 * time.Minute)
	do(t, http.MethodGet, s1.URL+"/jwk", "", nil, "", &set)
	if len(set.Keys) != 1 || set.Keys[0]["kid"] != rot.Maskinporten {
		t.Fatalf("jwks after the old key's tokens expired: %v", set.Keys)
	}
}

// The Altinn signing key is published like the platform's: with its
// certificate (x5c), named by the certificate's SHA-1 thumbprint, and the
// token header carries that kid and x5t.
func TestAltinnKeyCertificate(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	var tr maskinporten.TokenResponse
	postJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"a:b"}, "exchange": true}, &tr)
	var set struct {
		Keys []struct {
			Kid string   `json:"kid"`
			N   string   `json:"n"`
			X5c []string `json:"x5c"`
		} `json:"keys"`
	}
	do(t, http.MethodGet, srv.URL+"/authentication/api/v1/openid/.well-known/openid-configuration/jwks", "", nil, "", &set)
	if len(set.Keys) != 1 || len(set.Keys[0].X5c) != 1 {
		t.Fatalf("altinn jwks %+v", set)
	}
	der, err := base64.StdEncoding.DecodeString(set.Keys[0].X5c[0])
	if err != nil {
		t.Fatal(err)
	}
	crt, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(der)
	h := decodeHeader(t, tr.AccessToken)
	if h["kid"] != strings.ToUpper(hex.EncodeToString(sum[:])) || h["kid"] != set.Keys[0].Kid || h["x5t"] != base64.RawURLEncoding.EncodeToString(sum[:]) {
		t.Fatalf("header %v, thumbprint %X", h, sum)
	}
	pub, ok := crt.PublicKey.(*rsa.PublicKey)
	if !ok || base64.RawURLEncoding.EncodeToString(pub.N.Bytes()) != set.Keys[0].N {
		t.Fatal("certificate key is not the published key")
	}
	// Maskinporten keys have no certificate here (whether the real /jwk has
	// x5c is unverified; clients resolve by kid either way).
	var mp map[string][]map[string]any
	do(t, http.MethodGet, srv.URL+"/jwk", "", nil, "", &mp)
	if _, has := mp["keys"][0]["x5c"]; has {
		t.Fatalf("maskinporten jwks %v", mp)
	}
}

// With the client cache on, a key replaced or a client deleted at one
// instance is refused at another within moments (notification), and at
// the same instance at once.
func TestClientCacheAcrossInstances(t *testing.T) {
	t.Parallel()
	s1, s2 := twoInstances(t, "http://sim.cache.test")
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
	clientID, key := registerClient(t, s1.URL, "991825827", "test:read")
	grant := func(s *apptest.Server, k jwk.Key) int {
		g, _ := mpgrant.Sign(k, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: "http://sim.cache.test/", Scopes: []string{"test:read"}}))
		return postGrant(t, s.URL, g, nil).StatusCode
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
	if resp := do(t, http.MethodPut, s1.URL+"/sim/api/v1/clients/"+clientID+"/jwks", "application/json", bytes.NewReader(b), "", nil); resp.StatusCode != 200 {
		t.Fatalf("put jwks: %d", resp.StatusCode)
	}
	if grant(s1, key) != 400 {
		t.Fatal("old key accepted at the writing instance")
	}
	eventually(s2, key, 400)
	eventually(s2, key2, 200)
	if resp := do(t, http.MethodDelete, s2.URL+"/sim/api/v1/clients/"+clientID, "", nil, "", nil); resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if grant(s2, key2) != 400 {
		t.Fatal("deleted client accepted at the writing instance")
	}
	eventually(s1, key2, 400)
}

// twoInstances starts two servers on one fresh database with the same
// public URL, as two replicas behind one name would run.
func twoInstances(t *testing.T, publicURL string) (*apptest.Server, *apptest.Server) {
	t.Helper()
	dbURL := dbtest.NewURL(t)
	shared := func(c *config.Config) { c.PublicURL = publicURL }
	return apptest.StartOn(t, dbURL, shared), apptest.StartOn(t, dbURL, shared)
}

package maskinporten_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// do sends a JSON (or form) request and decodes the JSON answer into out.
func do(t testing.TB, method, u, contentType string, body io.Reader, bearer string, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := apptest.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, u, b, err)
		}
	}
	return resp
}

func postJSON(t testing.TB, u string, v any, out any) *http.Response {
	t.Helper()
	b, _ := json.Marshal(v)
	return do(t, http.MethodPost, u, "application/json", bytes.NewReader(b), "", out)
}

func postGrant(t testing.TB, base, assertion string, out any) *http.Response {
	t.Helper()
	form := url.Values{"grant_type": {maskinporten.GrantType}, "assertion": {assertion}}
	return do(t, http.MethodPost, base+"/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), "", out)
}

// registerClient creates a client with a fresh key over the control API.
func registerClient(t testing.TB, base, orgNo string, scopes ...string) (string, jwk.Key) {
	t.Helper()
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	set, err := mpgrant.PublicJWKS(key)
	if err != nil {
		t.Fatal(err)
	}
	var c mpclient.Client
	resp := postJSON(t, base+"/sim/api/v1/clients", map[string]any{"orgNo": orgNo, "name": "test", "scopes": scopes, "jwks": set}, &c)
	if resp.StatusCode != http.StatusCreated || c.ClientID == "" {
		t.Fatalf("create client: %d %+v", resp.StatusCode, c)
	}
	return c.ClientID, key
}

func decodePayload(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := jwtB64(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func decodeHeader(t testing.TB, tok string) map[string]any {
	t.Helper()
	b, err := jwtB64(strings.Split(tok, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func TestTokenEndToEnd(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	issuer := srv.URL + "/"
	clientID, key := registerClient(t, srv.URL, "991825827", "altinn:authentication/systemregister.write", "test:read")

	grant, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: issuer, Scopes: []string{"test:read"}}))
	if err != nil {
		t.Fatal(err)
	}
	var tr maskinporten.TokenResponse
	resp := postGrant(t, srv.URL, grant, &tr)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/token: %d %+v", resp.StatusCode, tr)
	}
	if tr.TokenType != "Bearer" || tr.ExpiresIn != 120 || tr.Scope != "test:read" || tr.AccessToken == "" {
		t.Fatalf("response: %+v", tr)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	h := decodeHeader(t, tr.AccessToken)
	if h["alg"] != "RS256" || h["kid"] == nil || h["typ"] != nil || len(h) != 2 {
		t.Errorf("header %v", h)
	}
	c := decodePayload(t, tr.AccessToken)
	for k, want := range map[string]any{"iss": issuer, "client_amr": "private_key_jwt", "token_type": "Bearer", "scope": "test:read", "client_id": clientID} {
		if c[k] != want {
			t.Errorf("claim %s = %v, want %v", k, c[k], want)
		}
	}
	if cons, _ := c["consumer"].(map[string]any); cons["authority"] != "iso6523-actorid-upis" || cons["ID"] != "0192:991825827" {
		t.Errorf("consumer %v", c["consumer"])
	}
	if c["exp"].(float64)-c["iat"].(float64) != 120 {
		t.Errorf("lifetime %v", c["exp"].(float64)-c["iat"].(float64))
	}
	if jti, _ := c["jti"].(string); len(jti) != 43 {
		t.Errorf("jti %q", jti)
	}
	for _, absent := range []string{"aud", "sub", "nbf", "authorization_details"} {
		if _, ok := c[absent]; ok {
			t.Errorf("claim %s present", absent)
		}
	}

	// The token is accepted by the auth middleware's verifier.
	caller, err := srv.Verifier.Verify(t.Context(), tr.AccessToken)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if caller.ConsumerOrgNo != "991825827" || caller.ClientID != clientID || !caller.HasScope("test:read") {
		t.Errorf("caller %+v", caller)
	}

	// The same grant a second time is a replay.
	var oe map[string]string
	resp = postGrant(t, srv.URL, grant, &oe)
	if resp.StatusCode != 400 || oe["error"] != "invalid_grant" || !strings.HasPrefix(oe["error_description"], "Invalid assertion. Grant is used before") || oe["error_uri"] != issuer+"errors/MP-012" {
		t.Fatalf("replay: %d %v", resp.StatusCode, oe)
	}
	if !traceSuffix.MatchString(oe["error_description"]) {
		t.Errorf("no trace id: %q", oe["error_description"])
	}

	// Discovery and JWKS.
	var d map[string]any
	do(t, http.MethodGet, srv.URL+"/.well-known/oauth-authorization-server", "", nil, "", &d)
	if d["issuer"] != issuer || d["jwks_uri"] != issuer+"jwk" || d["token_endpoint"] != issuer+"token" || len(d) != 7 {
		t.Errorf("discovery %v", d)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	do(t, http.MethodGet, srv.URL+"/jwk", "", nil, "", &set)
	if len(set.Keys) != 1 || set.Keys[0]["kid"] != h["kid"] || set.Keys[0]["alg"] != "RS256" || set.Keys[0]["use"] != "sig" || set.Keys[0]["d"] != nil {
		t.Errorf("jwks %v", set.Keys)
	}

	// Exchange to an Altinn token.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/authentication/api/v1/exchange/maskinporten", nil)
	tr2 := mustGrantToken(t, srv.URL, clientID, key, "test:read")
	req.Header.Set("Authorization", "Bearer "+tr2)
	eresp, err := apptest.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(eresp.Body)
	eresp.Body.Close()
	if eresp.StatusCode != 200 {
		t.Fatalf("exchange: %d %s", eresp.StatusCode, body)
	}
	alt := decodePayload(t, string(body))
	if alt["iss"] != srv.URL+"/authentication/api/v1/openid/" || alt["urn:altinn:orgNumber"] != "991825827" || alt["urn:altinn:authenticatemethod"] != "maskinporten" ||
		alt["urn:altinn:authlevel"] != float64(3) || alt["client_amr"] != nil || alt["scope"] != "test:read" || alt["exp"].(float64)-alt["iat"].(float64) != 1800 {
		t.Errorf("altinn token %v", alt)
	}
	ah := decodeHeader(t, string(body))
	if ah["typ"] != "JWT" || ah["x5t"] == nil || len(ah["kid"].(string)) != 40 {
		t.Errorf("altinn header %v", ah)
	}
	caller, err = srv.Verifier.Verify(t.Context(), string(body))
	if err != nil || caller.ConsumerOrgNo != "991825827" || caller.Kind != "altinn" {
		t.Fatalf("verify altinn token: %+v %v", caller, err)
	}
}

func mustGrantToken(t testing.TB, base, clientID string, key jwk.Key, scopes ...string) string {
	t.Helper()
	g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: base + "/", Scopes: scopes}))
	if err != nil {
		t.Fatal(err)
	}
	var tr maskinporten.TokenResponse
	if resp := postGrant(t, base, g, &tr); resp.StatusCode != 200 {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	return tr.AccessToken
}

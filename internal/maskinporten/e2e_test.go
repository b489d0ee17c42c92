package maskinporten_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestTokenEndToEnd(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	issuer := srv.URL + "/"
	clientID, key := apptest.RegisterClient(t, srv.URL, "991825827", "altinn:authentication/systemregister.write", "test:read")

	grant, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: issuer, Scopes: []string{"test:read"}}))
	if err != nil {
		t.Fatal(err)
	}
	var tr maskinporten.TokenResponse
	resp := apptest.PostGrant(t, srv.URL, grant, &tr)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/token: %d %+v", resp.StatusCode, tr)
	}
	if tr.TokenType != "Bearer" || tr.ExpiresIn != 120 || tr.Scope != "test:read" || tr.AccessToken == "" {
		t.Fatalf("response: %+v", tr)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	h := apptest.JWTHeader(t, tr.AccessToken)
	if h["alg"] != "RS256" || h["kid"] == nil || h["typ"] != nil || len(h) != 2 {
		t.Errorf("header %v", h)
	}
	c := apptest.JWTClaims(t, tr.AccessToken)
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
	resp = apptest.PostGrant(t, srv.URL, grant, &oe)
	if resp.StatusCode != 400 || oe["error"] != "invalid_grant" || !strings.HasPrefix(oe["error_description"], "Invalid assertion. Grant is used before") || oe["error_uri"] != issuer+"errors/MP-012" {
		t.Fatalf("replay: %d %v", resp.StatusCode, oe)
	}
	if !traceSuffix.MatchString(oe["error_description"]) {
		t.Errorf("no trace id: %q", oe["error_description"])
	}

	// Discovery and JWKS.
	var d map[string]any
	apptest.Request(t, http.MethodGet, srv.URL+"/.well-known/oauth-authorization-server", "", nil, "", &d)
	if d["issuer"] != issuer || d["jwks_uri"] != issuer+"jwk" || d["token_endpoint"] != issuer+"token" || len(d) != 7 {
		t.Errorf("discovery %v", d)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	apptest.Request(t, http.MethodGet, srv.URL+"/jwk", "", nil, "", &set)
	if len(set.Keys) != 1 || set.Keys[0]["kid"] != h["kid"] || set.Keys[0]["alg"] != "RS256" || set.Keys[0]["use"] != "sig" || set.Keys[0]["d"] != nil {
		t.Errorf("jwks %v", set.Keys)
	}

	// Exchange to an Altinn token.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/authentication/api/v1/exchange/maskinporten", nil)
	tr2 := apptest.GrantToken(t, srv.URL, clientID, key, "test:read")
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
	alt := apptest.JWTClaims(t, string(body))
	if alt["iss"] != srv.URL+"/authentication/api/v1/openid/" || alt["urn:altinn:orgNumber"] != "991825827" || alt["urn:altinn:authenticatemethod"] != "maskinporten" ||
		alt["urn:altinn:authlevel"] != float64(3) || alt["client_amr"] != nil || alt["scope"] != "test:read" || alt["exp"].(float64)-alt["iat"].(float64) != 1800 {
		t.Errorf("altinn token %v", alt)
	}
	ah := apptest.JWTHeader(t, string(body))
	if ah["typ"] != "JWT" || ah["x5t"] == nil || len(ah["kid"].(string)) != 40 {
		t.Errorf("altinn header %v", ah)
	}
	caller, err = srv.Verifier.Verify(t.Context(), string(body))
	if err != nil || caller.ConsumerOrgNo != "991825827" || caller.Kind != "altinn" {
		t.Fatalf("verify altinn token: %+v %v", caller, err)
	}
}

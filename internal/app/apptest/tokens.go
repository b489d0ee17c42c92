package apptest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// The helpers below serve the token tests of maskinporten, mpclient,
// exchange and signing, which all drive a whole server over HTTP.

// Request sends a request to a full URL and decodes a JSON answer into
// out (when out is not nil and the body is not empty).
func Request(t testing.TB, method, u, contentType string, body io.Reader, bearer string, out any) *http.Response {
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
	resp, err := Client().Do(req)
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

// PostJSON posts v as JSON to a full URL.
func PostJSON(t testing.TB, u string, v any, out any) *http.Response {
	t.Helper()
	b, _ := json.Marshal(v)
	return Request(t, http.MethodPost, u, "application/json", bytes.NewReader(b), "", out)
}

// PostGrant posts a JWT-bearer grant to base's /token.
func PostGrant(t testing.TB, base, assertion string, out any) *http.Response {
	t.Helper()
	form := url.Values{"grant_type": {maskinporten.GrantType}, "assertion": {assertion}}
	return Request(t, http.MethodPost, base+"/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), "", out)
}

// RegisterClient creates a client with a fresh key over the control API.
func RegisterClient(t testing.TB, base, orgNo string, scopes ...string) (string, jwk.Key) {
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
	resp := PostJSON(t, base+"/sim/api/v1/clients", map[string]any{"orgNo": orgNo, "name": "test", "scopes": scopes, "jwks": set}, &c)
	if resp.StatusCode != http.StatusCreated || c.ClientID == "" {
		t.Fatalf("create client: %d %+v", resp.StatusCode, c)
	}
	return c.ClientID, key
}

// GrantToken gets a Maskinporten token for the client with a signed grant.
func GrantToken(t testing.TB, base, clientID string, key jwk.Key, scopes ...string) string {
	t.Helper()
	g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: base + "/", Scopes: scopes}))
	if err != nil {
		t.Fatal(err)
	}
	var tr maskinporten.TokenResponse
	if resp := PostGrant(t, base, g, &tr); resp.StatusCode != 200 {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	return tr.AccessToken
}

// JWTClaims decodes a token's payload, unverified (surrounding white
// space, as a CLI prints it, is ignored).
func JWTClaims(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(strings.TrimSpace(tok), ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	return jwtPart(t, parts[1])
}

// JWTHeader decodes a token's header, unverified.
func JWTHeader(t testing.TB, tok string) map[string]any {
	t.Helper()
	return jwtPart(t, strings.Split(strings.TrimSpace(tok), ".")[0])
}

func jwtPart(t testing.TB, part string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TwoInstances starts two servers on one fresh database with the same
// public URL, as two replicas behind one name would run.
func TwoInstances(t testing.TB, publicURL string) (*Server, *Server) {
	t.Helper()
	dbURL := dbtest.NewURL(t)
	shared := func(c *config.Config) { c.PublicURL = publicURL }
	return StartOn(t, dbURL, shared), StartOn(t, dbURL, shared)
}

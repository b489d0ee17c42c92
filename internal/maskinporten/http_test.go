package maskinporten_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2/jwt"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

func TestTokenEndpointForm(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	var oe map[string]string
	resp := apptest.Request(t, http.MethodPost, srv.URL+"/token", "application/json", strings.NewReader(`{"grant_type":"x"}`), "", &oe)
	if resp.StatusCode != 400 || oe["error"] != "invalid_request" || !strings.Contains(oe["error_description"], "form post") {
		t.Fatalf("json body: %d %v", resp.StatusCode, oe)
	}
	resp = apptest.Request(t, http.MethodPost, srv.URL+"/token", "application/x-www-form-urlencoded", strings.NewReader("grant_type=client_credentials"), "", &oe)
	if resp.StatusCode != 400 || oe["error"] != "unsupported_grant_type" || oe["error_uri"] != "" {
		t.Fatalf("grant type: %d %v", resp.StatusCode, oe)
	}
	if resp := apptest.Request(t, http.MethodGet, srv.URL+"/token", "", nil, "", nil); resp.StatusCode != 405 {
		t.Fatalf("GET /token: %d", resp.StatusCode)
	}
}

// The golang.org/x/oauth2/jwt client's grant (no jti, iat 10 s back,
// typ JWT) is accepted as is once its lifetime is within 120 s; with its
// default one-hour lifetime Maskinporten refuses it, and so do we.
func TestOAuth2JWTClient(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	clientID, key := apptest.RegisterClient(t, srv.URL, "991825827", "test:read", "test:write")
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
	if c := apptest.JWTClaims(t, tok.AccessToken); c["scope"] != "test:read test:write" || c["client_id"] != clientID {
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
	s1, s2 := apptest.TwoInstances(t, "http://sim.shared.test")
	var j1, j2 json.RawMessage
	apptest.Request(t, http.MethodGet, s1.URL+"/jwk", "", nil, "", &j1)
	apptest.Request(t, http.MethodGet, s2.URL+"/jwk", "", nil, "", &j2)
	if !bytes.Equal(j1, j2) {
		t.Fatalf("JWKS differ:\n%s\n%s", j1, j2)
	}
	clientID, key := apptest.RegisterClient(t, s1.URL, "991825827", "test:read")
	for round := range 5 {
		g, _ := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: "http://sim.shared.test/", Scopes: []string{"test:read"}}))
		var wg sync.WaitGroup
		codes := make([]int, 2)
		toks := make([]maskinporten.TokenResponse, 2)
		for i, s := range []*apptest.Server{s1, s2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = apptest.PostGrant(t, s.URL, g, &toks[i]).StatusCode
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

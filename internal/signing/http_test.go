package signing_test

import (
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

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
			clientID, key := apptest.RegisterClient(t, srv.URL, "991825827", "test:read")
			tok := apptest.GrantToken(t, srv.URL, clientID, key, "test:read")
			if h := apptest.JWTHeader(t, tok); h["alg"] != alg {
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

// The auth middleware accepts both token kinds, enforces scopes and puts
// the caller in the context.
func TestAuthMiddlewareWithRealTokens(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	var mp, alt maskinporten.TokenResponse
	apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"x:read"}}, &mp)
	apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "313725138", "scopes": []string{"x:write"}, "exchange": true}, &alt)
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
	apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"y:read"}}, &other)
	if st := call(other.AccessToken); st != 403 {
		t.Fatalf("wrong scope: %d", st)
	}
	// A token signed by a key of another emulator is refused.
	srv2 := apptest.Start(t)
	apptest.PostJSON(t, srv2.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"x:read"}}, &other)
	if st := call(other.AccessToken); st != 401 {
		t.Fatalf("foreign token: %d", st)
	}
	// Our own key but a forged payload.
	parts := strings.Split(mp.AccessToken, ".")
	forged := apptest.JWTClaims(t, mp.AccessToken)
	forged["consumer"] = map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:313725138"}
	fb, _ := json.Marshal(forged)
	if st := call(parts[0] + "." + base64.RawURLEncoding.EncodeToString(fb) + "." + parts[2]); st != 401 {
		t.Fatalf("forged: %d", st)
	}
}

// Rotation: new tokens get the new kid, old tokens still verify (also at
// another instance), the retired key stays in the JWKS until every token
// it signed has expired.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	s1, s2 := apptest.TwoInstances(t, "http://sim.rotate.test")
	mint := func(s *apptest.Server) string {
		var tr maskinporten.TokenResponse
		apptest.PostJSON(t, s.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"a:b"}}, &tr)
		return tr.AccessToken
	}
	old := mint(s1)
	var rot signing.RotatedKeys
	if resp := apptest.PostJSON(t, s1.URL+"/sim/api/v1/keys/rotate", map[string]any{}, &rot); resp.StatusCode != 200 || rot.Maskinporten == "" || rot.Altinn == "" {
		t.Fatalf("rotate: %d %+v", resp.StatusCode, rot)
	}
	fresh := mint(s1)
	if apptest.JWTHeader(t, fresh)["kid"] != rot.Maskinporten || apptest.JWTHeader(t, old)["kid"] == rot.Maskinporten {
		t.Fatalf("kids: old %v new %v rotated %v", apptest.JWTHeader(t, old)["kid"], apptest.JWTHeader(t, fresh)["kid"], rot)
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
	apptest.Request(t, http.MethodGet, s1.URL+"/jwk", "", nil, "", &set)
	if len(set.Keys) != 2 {
		t.Fatalf("jwks after rotation: %v", set.Keys)
	}
	s1.Clock.Set(31 * time.Minute)
	apptest.Request(t, http.MethodGet, s1.URL+"/jwk", "", nil, "", &set)
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
	apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"a:b"}, "exchange": true}, &tr)
	var set struct {
		Keys []struct {
			Kid string   `json:"kid"`
			N   string   `json:"n"`
			X5c []string `json:"x5c"`
		} `json:"keys"`
	}
	apptest.Request(t, http.MethodGet, srv.URL+"/authentication/api/v1/openid/.well-known/openid-configuration/jwks", "", nil, "", &set)
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
	h := apptest.JWTHeader(t, tr.AccessToken)
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
	apptest.Request(t, http.MethodGet, srv.URL+"/jwk", "", nil, "", &mp)
	if _, has := mp["keys"][0]["x5c"]; has {
		t.Fatalf("maskinporten jwks %v", mp)
	}
}

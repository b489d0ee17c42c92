package maskinporten_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/signing"
	"github.com/altinn-sim/altinn-sim/internal/testca"
)

// certFixture is /token with the database's test CA, a client without
// keys (which authenticates with an enterprise certificate) and one with
// a key, both of vendorOrg.
type certFixture struct {
	s        *maskinporten.Service
	clock    *clock.Fixed
	ca       *testca.CA
	certless mpclient.Client
	keyed    mpclient.Client
	key      *rsa.PrivateKey
	kid      string
}

func newCertFixture(t *testing.T) *certFixture {
	t.Helper()
	ctx := context.Background()
	f := &certFixture{clock: clock.NewFixed(time.Now().Truncate(time.Second))}
	pool := dbtest.New(t)
	clients := mpclient.New(pool, f.clock, nil, nil)
	sg, err := signing.New(ctx, signing.Deps{Pool: pool, Clock: f.clock}, signing.DefaultSettings("http://mp.test", "RS256", 120*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ca, err := testca.New(ctx, pool, f.clock)
	if err != nil {
		t.Fatal(err)
	}
	f.ca = ca.CA()
	f.s = maskinporten.New(maskinporten.Deps{Pool: pool, Clock: f.clock, Signer: sg, Clients: clients, CertRoots: ca})
	if f.certless, err = clients.CreateClient(ctx, mpclient.NewClient{OrgNo: vendorOrg, Name: "certificate", Scopes: []string{"test:read"}}); err != nil {
		t.Fatal(err)
	}
	jk, rk := clientKey(t)
	f.key, f.kid = rk, jk.KeyID()
	f.keyed = mustClient(t, clients, vendorOrg, jk, "test:read")
	return f
}

var certKey = func() func(t *testing.T) *rsa.PrivateKey {
	var k *rsa.PrivateKey
	return func(t *testing.T) *rsa.PrivateKey {
		if k == nil {
			var err error
			if k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				t.Fatal(err)
			}
		}
		return k
	}
}()

func b64cert(c *x509.Certificate) string { return base64.StdEncoding.EncodeToString(c.Raw) }

// TestCertificateGrants: a client without keys gets a token for a grant
// whose x5c chain ends at the test CA, whose certificate is valid now on
// the emulator's clock and names the client's organisation; each other
// case fails with Maskinporten's error, in the order of the README's
// grant rules.
func TestCertificateGrants(t *testing.T) {
	t.Parallel()
	f := newCertFixture(t)
	now := f.clock.Now()
	key := certKey(t)
	issue := func(ca *testca.CA, org string, from, to time.Time) *x509.Certificate {
		c, err := ca.Issue(org, "TEST "+org, &key.PublicKey, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	good := issue(f.ca, vendorOrg, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	otherCA, err := testca.GenerateCA(now)
	if err != nil {
		t.Fatal(err)
	}
	// A certificate of the test CA that names no organisation.
	noOrg := func() *x509.Certificate {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "nobody"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, f.ca.Cert, &key.PublicKey, f.ca.Key)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return c
	}()
	claims := func(clientID string) map[string]any {
		return mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: testIssuer, Scopes: []string{"test:read"}, Now: now})
	}
	grant := func(clientID string, signer *rsa.PrivateKey, header map[string]any) string {
		return sign(t, signer, header, claims(clientID))
	}
	x5c := func(certs ...*x509.Certificate) map[string]any {
		var chain []string
		for _, c := range certs {
			chain = append(chain, b64cert(c))
		}
		return map[string]any{"alg": "RS256", "x5c": chain, "typ": "JWT"}
	}
	otherKey, _ := clientKey(t)
	var otherRSA rsa.PrivateKey
	_ = otherKey.Raw(&otherRSA)

	rows := []struct {
		name, assertion, code, mp, desc string
	}{
		{"x5c plus kid", grant(f.certless.ClientID, key, map[string]any{"alg": "RS256", "kid": "k", "x5c": []string{b64cert(good)}}),
			"invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Invalid JWT header: either 'kid' or 'x5c' must be present, not both"},
		{"x5c on a client with keys", grant(f.keyed.ClientID, key, x5c(good)),
			"invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Invalid JWT. The client requires pre-registered jwk"},
		{"kid on a client without keys", grant(f.certless.ClientID, f.key, map[string]any{"alg": "RS256", "kid": "k"}),
			"invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client."},
		{"x5c as a string", grant(f.certless.ClientID, key, map[string]any{"alg": "RS256", "x5c": b64cert(good)}),
			"invalid_grant", "MP-123", "Invalid JWT header x5c"},
		{"chain too long", grant(f.certless.ClientID, key, x5c(good, f.ca.Cert, f.ca.Cert, f.ca.Cert)),
			"invalid_grant", "MP-123", "Invalid JWT header x5c: the chain has 4 certificates; at most 3"},
		{"x5c not base64", grant(f.certless.ClientID, key, map[string]any{"alg": "RS256", "x5c": []string{"not base64!"}}),
			"invalid_grant", "MP-123", "Invalid JWT header x5c: x5c[0] is not standard base64"},
		{"x5c base64url", grant(f.certless.ClientID, key, map[string]any{"alg": "RS256", "x5c": []string{base64.RawURLEncoding.EncodeToString(good.Raw)}}),
			"invalid_grant", "MP-123", "Invalid JWT header x5c: x5c[0] is not standard base64"},
		{"x5c not a certificate", grant(f.certless.ClientID, key, map[string]any{"alg": "RS256", "x5c": []string{"AAAA"}}),
			"invalid_grant", "MP-123", "Invalid JWT header x5c: x5c[0] is not an X.509 certificate"},
		{"not yet valid", grant(f.certless.ClientID, key, x5c(issue(f.ca, vendorOrg, now.Add(time.Hour), now.AddDate(1, 0, 0)))),
			"invalid_grant", "MP-120", "Invalid assertion. Client authentication failed. The JWT is signed with an invalid certificate: it is not valid before"},
		{"expired", grant(f.certless.ClientID, key, x5c(issue(f.ca, vendorOrg, now.AddDate(-1, 0, 0), now.Add(-time.Minute)))),
			"invalid_grant", "MP-120", "Invalid assertion. Client authentication failed. The JWT is signed with an invalid certificate: it expired"},
		{"another CA", grant(f.certless.ClientID, key, x5c(issue(otherCA, vendorOrg, now.Add(-time.Hour), now.AddDate(1, 0, 0)))),
			"invalid_grant", "MP-120", "Invalid assertion. Client authentication failed. The JWT is signed with an invalid certificate: it is not issued by altinn-sim's test CA"},
		{"another CA with its own root in the chain", grant(f.certless.ClientID, key, x5c(issue(otherCA, vendorOrg, now.Add(-time.Hour), now.AddDate(1, 0, 0)), otherCA.Cert)),
			"invalid_grant", "MP-120", "Invalid assertion. Client authentication failed. The JWT is signed with an invalid certificate: it is not issued by altinn-sim's test CA"},
		{"another organisation", grant(f.certless.ClientID, key, x5c(issue(f.ca, "974761076", now.Add(-time.Hour), now.AddDate(1, 0, 0)))),
			"invalid_grant", "MP-122", "Invalid assertion. Client authentication failed. Invalid JWT. Invalid organization number for client. Does not match certificate orgno: the certificate names 974761076, the client belongs to 991825827."},
		{"no organisation", grant(f.certless.ClientID, key, x5c(noOrg)),
			"invalid_grant", "MP-122", "Invalid assertion. Client authentication failed. Invalid JWT. Invalid organization number for client. The certificate names no organisation number"},
		{"signed by another key", grant(f.certless.ClientID, &otherRSA, x5c(good)),
			"invalid_grant", "MP-124", "Invalid assertion. Client authentication failed. Invalid JWT signature."},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			_, err := f.s.ValidateGrant(context.Background(), maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: r.assertion})
			var e *maskinporten.Error
			if !errors.As(err, &e) {
				t.Fatalf("err %v, want %s %s", err, r.code, r.mp)
			}
			if e.Code != r.code || e.MP != r.mp || !strings.HasPrefix(e.Description, r.desc) {
				t.Fatalf("got %s %s %q\nwant %s %s %q", e.Code, e.MP, e.Description, r.code, r.mp, r.desc)
			}
		})
	}

	// The good grants: the certificate alone, with the CA's own
	// certificate after it (the full chain), and a chain of three, the
	// longest read (maxChain), whose extra certificate is not needed. The
	// token says how the client authenticated.
	for _, chain := range [][]*x509.Certificate{{good}, {good, f.ca.Cert}, {good, f.ca.Cert, otherCA.Cert}} {
		g, err := f.s.ValidateGrant(context.Background(), maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: grant(f.certless.ClientID, key, x5c(chain...))})
		if err != nil {
			t.Fatalf("chain of %d: %v", len(chain), err)
		}
		if g.ClientAmr != "virksomhetssertifikat" || g.KeyID != "" {
			t.Fatalf("grant %+v", g)
		}
		tr, err := f.s.Issue(context.Background(), g)
		if err != nil {
			t.Fatal(err)
		}
		if amr := apptest.JWTClaims(t, tr.AccessToken)["client_amr"]; amr != "virksomhetssertifikat" {
			t.Fatalf("client_amr %v", amr)
		}
	}
	// A client with a key still says private_key_jwt.
	kg, err := f.s.ValidateGrant(context.Background(), maskinporten.TokenRequest{GrantType: maskinporten.GrantType,
		Assertion: grant(f.keyed.ClientID, f.key, map[string]any{"alg": "RS256", "kid": f.kid})})
	if err != nil {
		t.Fatal(err)
	}
	if tr, err := f.s.Issue(context.Background(), kg); err != nil || kg.ClientAmr != "private_key_jwt" || apptest.JWTClaims(t, tr.AccessToken)["client_amr"] != "private_key_jwt" {
		t.Fatalf("key client: %v %+v", err, kg)
	}

	// Validity is read on the emulator's clock: a year and a day later the
	// same certificate has expired.
	f.clock.Advance(now.AddDate(1, 0, 1).Sub(now))
	later := mpgrant.Claims(mpgrant.Options{ClientID: f.certless.ClientID, Audience: testIssuer, Scopes: []string{"test:read"}, Now: f.clock.Now()})
	_, err = f.s.ValidateGrant(context.Background(), maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: sign(t, key, x5c(good), later)})
	var e *maskinporten.Error
	if !errors.As(err, &e) || e.MP != "MP-120" || !strings.Contains(e.Description, "it expired") {
		t.Fatalf("after the clock moved: %v", err)
	}
}

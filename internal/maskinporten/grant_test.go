package maskinporten_test

import (
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

const (
	testIssuer = "http://mp.test/"
	vendorOrg  = "991825827"
	ownerOrg   = "313725138"
)

// fakeSystemUsers is the test double of the systemusers lookup: a fixed
// table keyed like byExternalId.
type fakeSystemUsers struct {
	mu    sync.Mutex
	users map[string]maskinporten.SystemUser // key: client|vendor|owner|externalRef
	calls []string
}

func (f *fakeSystemUsers) add(clientID, vendor, owner, ref string, su maskinporten.SystemUser) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users == nil {
		f.users = map[string]maskinporten.SystemUser{}
	}
	f.users[clientID+"|"+vendor+"|"+owner+"|"+ref] = su
}

func (f *fakeSystemUsers) ByExternalID(_ context.Context, clientID, vendor, owner, ref string) (maskinporten.SystemUser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := clientID + "|" + vendor + "|" + owner + "|" + ref
	f.calls = append(f.calls, key)
	su, ok := f.users[key]
	if !ok {
		return maskinporten.SystemUser{}, fmt.Errorf("system user %s: %w", key, dberr.ErrNotFound)
	}
	return su, nil
}

// fixture is a token service on a fresh database with two clients.
type fixture struct {
	s        *maskinporten.Service
	pool     *pgxpool.Pool
	sg       *signing.Service
	c        *mpclient.Service
	clock    *clock.Fixed
	su       *fakeSystemUsers
	rec      *fakeRecorder
	a, b     mpclient.Client
	keyA     jwk.Key
	rsaA     *rsa.PrivateKey
	keyB     jwk.Key
	rsaB     *rsa.PrivateKey
	suID     string
	systemID string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, maskinporten.GrantLimits{})
}

// newFixtureWith is newFixture with grant limits of its own.
func newFixtureWith(t *testing.T, limits maskinporten.GrantLimits) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{clock: clock.NewFixed(time.Now().Truncate(time.Second)), su: &fakeSystemUsers{}, rec: &fakeRecorder{}}
	pool := dbtest.New(t)
	f.pool = pool
	f.c = mpclient.New(pool, f.clock, nil, nil)
	sg, err := signing.New(ctx, signing.Deps{Pool: pool, Clock: f.clock}, signing.DefaultSettings("http://mp.test", "RS256", 120*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	f.sg = sg
	f.s = maskinporten.New(maskinporten.Deps{Pool: pool, Clock: f.clock, Signer: sg, Clients: f.c, SystemUsers: f.su, Recorder: f.rec, Limits: limits})
	f.keyA, f.rsaA = clientKey(t)
	f.keyB, f.rsaB = clientKey(t)
	f.a = mustClient(t, f.c, vendorOrg, f.keyA, "test:read", "test:write")
	f.b = mustClient(t, f.c, "974761076", f.keyB, "test:read")
	f.suID, f.systemID = "ebe4a681-0a8c-429e-a36f-8f9ca942b59f", vendorOrg+"_smartcloud"
	f.su.add(f.a.ClientID, vendorOrg, ownerOrg, ownerOrg, maskinporten.SystemUser{ID: f.suID, SystemID: f.systemID, ReporteeOrgNo: ownerOrg})
	f.su.add(f.a.ClientID, vendorOrg, ownerOrg, "ref-42", maskinporten.SystemUser{ID: "11111111-0a8c-429e-a36f-8f9ca942b59f", SystemID: f.systemID, ReporteeOrgNo: ownerOrg, ExternalRef: "ref-42"})
	return f
}

// clientKey returns a fresh RSA client key as JWK and as *rsa.PrivateKey.
func clientKey(t testing.TB) (jwk.Key, *rsa.PrivateKey) {
	t.Helper()
	k, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	var r rsa.PrivateKey
	if err := k.Raw(&r); err != nil {
		t.Fatal(err)
	}
	return k, &r
}

func mustClient(t testing.TB, s *mpclient.Service, org string, key jwk.Key, scopes ...string) mpclient.Client {
	t.Helper()
	set, err := mpgrant.PublicJWKS(key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateClient(context.Background(), mpclient.NewClient{OrgNo: org, Name: "c", Scopes: scopes, JWKS: mpclient.JWKS(set)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// claims are good grant claims for client A.
func (f *fixture) claims() map[string]any {
	return mpgrant.Claims(mpgrant.Options{ClientID: f.a.ClientID, Audience: testIssuer, Scopes: []string{"test:read"}, Now: f.clock.Now()})
}

func (f *fixture) header() map[string]any {
	return map[string]any{"alg": "RS256", "kid": f.keyA.KeyID(), "typ": "JWT"}
}

func sign(t testing.TB, key *rsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	s, err := mpgrant.SignJWS(key, header, claims)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func unsigned(header, claims map[string]any, sig string) string {
	hb, _ := json.Marshal(header)
	pb, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(pb) + "." + sig
}

func (f *fixture) grant(t testing.TB, assertion string) (maskinporten.Grant, error) {
	return f.s.ValidateGrant(context.Background(), maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: assertion})
}

// TestGrantLimits: the limits app passes in are the ones checked: another
// public URL as aud, and a shorter lifetime than Maskinporten's 120 s.
func TestGrantLimits(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, maskinporten.GrantLimits{MaxLifetime: 30 * time.Second, ExtraAudiences: []string{"http://altinn-sim:8080/"}})
	now := f.clock.Now().Unix()
	c := f.claims()
	c["aud"], c["iat"], c["exp"] = "http://altinn-sim:8080", now, now+30
	if _, err := f.grant(t, sign(t, f.rsaA, f.header(), c)); err != nil {
		t.Fatalf("extra audience, 30 s: %v", err)
	}
	c = f.claims()
	c["iat"], c["exp"] = now, now+31
	if _, err := f.grant(t, sign(t, f.rsaA, f.header(), c)); err == nil || !strings.Contains(err.Error(), "exp - iat is 31 s; at most 30 s") {
		t.Fatalf("31 s grant: %v", err)
	}
	c = f.claims()
	c["aud"] = "http://elsewhere:8080/"
	if _, err := f.grant(t, sign(t, f.rsaA, f.header(), c)); err == nil || !strings.Contains(err.Error(), "MP-110") && !strings.Contains(err.Error(), "aud") {
		t.Fatalf("unknown audience: %v", err)
	}
}

// TestBadGrants is one row per check of grant.go, each with the exact
// Maskinporten error it must produce.
func TestBadGrants(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := f.clock.Now().Unix()
	pubA, _ := f.keyA.PublicKey()
	var pubRSA rsa.PublicKey
	_ = pubA.Raw(&pubRSA)
	suDetail := func(id string) map[string]any {
		return map[string]any{"type": "urn:altinn:systemuser", "systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "ID": id}}
	}
	type row struct {
		name      string
		req       func() maskinporten.TokenRequest
		code, mp  string
		descStart string
	}
	good := func(mut func(h, c map[string]any)) func() maskinporten.TokenRequest {
		return func() maskinporten.TokenRequest {
			h, c := f.header(), f.claims()
			mut(h, c)
			return maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: sign(t, f.rsaA, h, c)}
		}
	}
	raw := func(s string) func() maskinporten.TokenRequest {
		return func() maskinporten.TokenRequest {
			return maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: s}
		}
	}
	rows := []row{
		{"missing grant_type", func() maskinporten.TokenRequest { return maskinporten.TokenRequest{Assertion: "x.y.z"} }, "invalid_request", "", "Missing required parameter grant_type"},
		{"wrong grant_type", func() maskinporten.TokenRequest {
			return maskinporten.TokenRequest{GrantType: "client_credentials", Assertion: "x.y.z"}
		}, "unsupported_grant_type", "", "Unsupported grant_type \"client_credentials\""},
		{"missing assertion", func() maskinporten.TokenRequest { return maskinporten.TokenRequest{GrantType: maskinporten.GrantType} }, "invalid_request", "", "Missing required parameter assertion"},
		{"not a JWT", raw("not-a-jwt"), "invalid_request", "MP-011", "Invalid assertion. Invalid parameter value. The assertion is not a signed JWT"},
		{"line break in assertion", raw("a.b\n.c"), "invalid_request", "MP-011", "Invalid assertion. Invalid parameter value. The assertion contains whitespace"},
		{"encrypted JWT", raw("a.b.c.d.e"), "invalid_request", "MP-011", "Invalid assertion. Invalid parameter value. The assertion is an encrypted JWT"},
		{"header not JSON", raw(b64s("nope") + "." + b64s("{}") + ".c2ln"), "invalid_request", "MP-011", "Invalid assertion. Invalid parameter value. The JWT header is not a JSON object"},
		{"payload is an array", raw(b64s(`{"alg":"RS256"}`) + "." + b64s("[1]") + ".c2ln"), "invalid_request", "MP-011", "Invalid assertion. Invalid parameter value. The JWT payload is not a JSON object"},
		{"NUL in iss", raw(b64s(`{"alg":"RS256","kid":"k"}`) + "." + b64s(`{"iss":"a\u0000"}`) + ".c2ln"), "invalid_request", "MP-011", "Invalid assertion. Invalid parameter value. The JWT contains a NUL character"},
		{"NUL in a signed jti", good(func(h, c map[string]any) { c["jti"] = "a\x00b" }), "invalid_request", "MP-011", "Invalid assertion. Invalid parameter value. The JWT contains a NUL character"},
		{"no alg", good(func(h, c map[string]any) { delete(h, "alg") }), "invalid_request", "MP-011", "Invalid assertion. Invalid parameter value. The JWT header has no alg"},
		{"missing iss", good(func(h, c map[string]any) { delete(c, "iss") }), "invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Missing or invalid JWT claim iss"},
		{"unknown client", good(func(h, c map[string]any) { c["iss"] = "8d6e1fd5-1e0d-4c36-9d4f-b0f0d6a53e1c" }), "invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Client not found"},
		{"neither kid nor x5c", good(func(h, c map[string]any) { delete(h, "kid") }), "invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Invalid JWT header: either 'kid' or 'x5c' must be present."},
		{"x5c instead of kid", good(func(h, c map[string]any) { delete(h, "kid"); h["x5c"] = []string{"MIIB"} }), "invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Invalid JWT. The client requires pre-registered jwk and no key identifier (kid) provided"},
		{"kid and x5c", good(func(h, c map[string]any) { h["x5c"] = []string{"MIIB"} }), "invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Invalid JWT header: either 'kid' or 'x5c' must be present, not both"},
		{"x5c as a string", good(func(h, c map[string]any) { h["x5c"] = "MIIB" }), "invalid_grant", "MP-123", "Invalid JWT header x5c"},
		{"unknown kid", good(func(h, c map[string]any) { h["kid"] = "no-such-key" }), "invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client."},
		{"key of another client", func() maskinporten.TokenRequest {
			h := map[string]any{"alg": "RS256", "kid": f.keyB.KeyID()}
			return maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: sign(t, f.rsaB, h, f.claims())}
		}, "invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client."},
		{"signed by another client's key under our kid", func() maskinporten.TokenRequest {
			return maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: sign(t, f.rsaB, f.header(), f.claims())}
		}, "invalid_grant", "MP-124", "Invalid assertion. Client authentication failed. Invalid JWT signature."},
		{"alg none", func() maskinporten.TokenRequest {
			h := f.header()
			h["alg"] = "none"
			return maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: unsigned(h, f.claims(), "")}
		}, "invalid_grant", "MP-124", "Invalid assertion. Client authentication failed. Invalid JWT signature: unsigned JWTs (alg none)"},
		{"HMAC with the public key as secret", func() maskinporten.TokenRequest {
			h := f.header()
			h["alg"] = "HS256"
			a := unsigned(h, f.claims(), "")
			input := a[:len(a)-1]
			secret, _ := json.Marshal(pubA)
			m := hmac.New(sha256.New, secret)
			m.Write([]byte(input))
			return maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: input + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))}
		}, "invalid_grant", "MP-124", "Invalid assertion. Client authentication failed. Invalid JWT signature: HMAC algorithm HS256"},
		{"ES256", good(func(h, c map[string]any) { h["alg"] = "ES256" }), "invalid_grant", "MP-124", "Invalid assertion. Client authentication failed. Invalid JWT signature: algorithm \"ES256\" is not supported"},
		{"alg differs from the key's", good(func(h, c map[string]any) { h["alg"] = "RS384" }), "invalid_grant", "MP-124", "Invalid assertion. Client authentication failed. Invalid JWT signature: the JWT says alg RS384"},
		{"tampered payload", func() maskinporten.TokenRequest {
			a := sign(t, f.rsaA, f.header(), f.claims())
			parts := strings.Split(a, ".")
			c := f.claims()
			c["scope"] = "test:write"
			pb, _ := json.Marshal(c)
			return maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: parts[0] + "." + base64.RawURLEncoding.EncodeToString(pb) + "." + parts[2]}
		}, "invalid_grant", "MP-124", "Invalid assertion. Client authentication failed. Invalid JWT signature."},
		{"missing aud", good(func(h, c map[string]any) { delete(c, "aud") }), "invalid_grant", "MP-110", "Invalid assertion. Client authentication failed. Invalid JWT claim aud: it is missing"},
		{"aud is the token endpoint", good(func(h, c map[string]any) { c["aud"] = testIssuer + "token" }), "invalid_grant", "MP-110", "Invalid assertion. Client authentication failed. Invalid JWT claim aud: got"},
		{"aud of another issuer", good(func(h, c map[string]any) { c["aud"] = "https://test.maskinporten.no/" }), "invalid_grant", "MP-110", "Invalid assertion. Client authentication failed. Invalid JWT claim aud: got"},
		{"aud with two values", good(func(h, c map[string]any) { c["aud"] = []string{testIssuer, "https://x/"} }), "invalid_grant", "MP-110", "Invalid assertion. Client authentication failed. Invalid JWT claim aud: it must contain a single value"},
		{"missing iat", good(func(h, c map[string]any) { delete(c, "iat") }), "invalid_grant", "MP-130", "Invalid assertion. Invalid JWT claim iat"},
		{"iat as a string", good(func(h, c map[string]any) { c["iat"] = "now" }), "invalid_grant", "MP-130", "Invalid assertion. Invalid JWT claim iat"},
		{"missing exp", good(func(h, c map[string]any) { delete(c, "exp") }), "invalid_grant", "MP-130", "Invalid assertion. Invalid JWT claim exp"},
		{"iat in the future", good(func(h, c map[string]any) { c["iat"] = now + 30; c["exp"] = now + 90 }), "invalid_grant", "", "Invalid assertion. Issue time is after now"},
		{"expired", good(func(h, c map[string]any) { c["iat"] = now - 200; c["exp"] = now - 100 }), "invalid_grant", "MP-130", "Invalid assertion. JWT is expired"},
		{"lifetime over 120 s", good(func(h, c map[string]any) { c["iat"] = now; c["exp"] = now + 121 }), "invalid_grant", "MP-130", "Invalid assertion. Invalid JWT lifetime: exp - iat is 121 s"},
		{"exp before iat", good(func(h, c map[string]any) { c["iat"] = now; c["exp"] = now - 1 }), "invalid_grant", "MP-130", "Invalid assertion. Invalid JWT: exp"},
		{"nbf in the future", good(func(h, c map[string]any) { c["nbf"] = now + 60 }), "invalid_grant", "MP-130", "Invalid assertion. JWT is not yet valid"},
		{"jti not a string", good(func(h, c map[string]any) { c["jti"] = 42 }), "invalid_grant", "MP-011", "Invalid assertion. Invalid JWT claim jti"},
		{"no scope", good(func(h, c map[string]any) { delete(c, "scope") }), "invalid_scope", "MP-200", "Token request contains no scope"},
		{"blank scope", good(func(h, c map[string]any) { c["scope"] = "  " }), "invalid_scope", "MP-200", "Token request contains no scope"},
		{"scope as an array", good(func(h, c map[string]any) { c["scope"] = []string{"test:read"} }), "invalid_scope", "MP-200", "Invalid JWT claim scope"},
		{"scope the client lacks", good(func(h, c map[string]any) { c["scope"] = "test:read altinn:serviceowner" }), "invalid_scope", "MP-200", "Token request contains invalid scopes for client, altinn:serviceowner."},
		{"resource as a string", good(func(h, c map[string]any) { c["resource"] = "https://api.example/" }), "invalid_request", "MP-011", "Invalid JWT claim resource"},
		{"bad pid", good(func(h, c map[string]any) { c["pid"] = "12345678901" }), "invalid_request", "MP-011", "Invalid JWT claim pid"},
		{"consumer_org own org", good(func(h, c map[string]any) { c["consumer_org"] = vendorOrg }), "invalid_request", "", "Validation of JWT claim failed: The combination consumer_org in claim and delegation scope on client is invalid."},
		{"consumer_org without delegation", good(func(h, c map[string]any) { c["consumer_org"] = ownerOrg }), "invalid_scope", "MP-251", "Consumer 313725138 has not delegated access to the scope test:read to supplier 991825827."},
		{"authorization_details a string", good(func(h, c map[string]any) { c["authorization_details"] = "urn:altinn:systemuser" }), "invalid_request", "MP-011", "Invalid JWT claim authorization_details"},
		{"authorization_details unknown type", good(func(h, c map[string]any) {
			c["authorization_details"] = []any{map[string]any{"type": "urn:altinn:other"}}
		}), "invalid_request", "MP-301", "Unknown authorization details type \"urn:altinn:other\""},
		{"authorization_details without type", good(func(h, c map[string]any) {
			c["authorization_details"] = []any{map[string]any{"systemuser_org": map[string]any{}}}
		}), "invalid_request", "MP-301", "Unknown authorization details type: the element has no type"},
		{"authorization_details unknown field", good(func(h, c map[string]any) {
			d := suDetail("0192:" + ownerOrg)
			d["systemuserorg"] = "x"
			c["authorization_details"] = []any{d}
		}), "invalid_request", "MP-302", "Unknown fields in the authorization details: \"systemuserorg\""},
		{"systemuser_org ID without 0192", good(func(h, c map[string]any) { c["authorization_details"] = []any{suDetail(ownerOrg)} }), "invalid_altinn_customer_configuration", "MP-303", "Invalid authorization details values: systemuser_org.ID must be 0192:<9-digit orgno>"},
		{"systemuser_org wrong authority", good(func(h, c map[string]any) {
			d := suDetail("0192:" + ownerOrg)
			d["systemuser_org"].(map[string]any)["authority"] = "x"
			c["authorization_details"] = []any{d}
		}), "invalid_altinn_customer_configuration", "MP-303", "Invalid authorization details values: systemuser_org.authority"},
		{"systemuser_org missing", good(func(h, c map[string]any) {
			c["authorization_details"] = []any{map[string]any{"type": "urn:altinn:systemuser"}}
		}), "invalid_altinn_customer_configuration", "MP-303", "Invalid authorization details values: systemuser_org must be an object"},
		{"two parties", good(func(h, c map[string]any) {
			c["authorization_details"] = []any{suDetail("0192:" + ownerOrg), suDetail("0192:310385980")}
		}), "invalid_altinn_customer_configuration", "MP-303", "Invalid authorization details values: only one"},
		{"no system user for that org", good(func(h, c map[string]any) { c["authorization_details"] = []any{suDetail("0192:310385980")} }),
			"invalid_altinn_customer_configuration", "MP-303", "Invalid authorization details values: no active system user"},
		{"wrong externalRef", good(func(h, c map[string]any) {
			d := suDetail("0192:" + ownerOrg)
			d["externalRef"] = "other"
			c["authorization_details"] = []any{d}
		}), "invalid_altinn_customer_configuration", "MP-303", "Invalid authorization details values: no active system user"},
		{"system user of another client", func() maskinporten.TokenRequest {
			c := mpgrant.Claims(mpgrant.Options{ClientID: f.b.ClientID, Audience: testIssuer, Scopes: []string{"test:read"}, Now: f.clock.Now(), SystemUserOrg: ownerOrg})
			return maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: sign(t, f.rsaB, map[string]any{"alg": "RS256", "kid": f.keyB.KeyID()}, c)}
		}, "invalid_altinn_customer_configuration", "MP-303", "Invalid authorization details values: no active system user"},
	}
	if len(rows) < 25 {
		t.Fatalf("only %d rows", len(rows))
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			_, err := f.s.ValidateGrant(context.Background(), r.req())
			var e *maskinporten.Error
			if !errors.As(err, &e) {
				t.Fatalf("want a Maskinporten error, got %v", err)
			}
			if e.Code != r.code || e.MP != r.mp || !strings.HasPrefix(e.Description, r.descStart) || e.Status != 400 {
				t.Fatalf("got %s %s %d %q\nwant %s %s %q", e.Code, e.MP, e.Status, e.Description, r.code, r.mp, r.descStart)
			}
		})
	}
}

func b64s(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestGrantGood(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g, err := f.grant(t, sign(t, f.rsaA, f.header(), f.claims()))
	if err != nil {
		t.Fatal(err)
	}
	if g.Client.ClientID != f.a.ClientID || strings.Join(g.Scopes, " ") != "test:read" || g.SystemUser != nil || g.KeyID != f.keyA.KeyID() {
		t.Fatalf("grant %+v", g)
	}
	// Audience without trailing slash, RS384 with a key that has no alg,
	// fractional times, sub and nbf: all accepted.
	k3, r3 := clientKey(t)
	_ = k3.Remove(jwk.AlgorithmKey)
	c3 := mustClient(t, f.c, vendorOrg, k3, "test:read")
	cl := mpgrant.Claims(mpgrant.Options{ClientID: c3.ClientID, Audience: strings.TrimSuffix(testIssuer, "/"), Scopes: []string{"test:read"}, Now: f.clock.Now()})
	cl["iat"] = float64(f.clock.Now().Unix()) + 0.5
	cl["nbf"] = f.clock.Now().Unix()
	if _, err := f.grant(t, sign(t, r3, map[string]any{"alg": "RS384", "kid": k3.KeyID()}, cl)); err != nil {
		t.Fatalf("RS384: %v", err)
	}
	// Times at the edges: exp - iat exactly 120 s; iat 10 s ahead.
	cl = f.claims()
	cl["iat"], cl["exp"] = f.clock.Now().Unix()+10, f.clock.Now().Unix()+130
	if _, err := f.grant(t, sign(t, f.rsaA, f.header(), cl)); err != nil {
		t.Fatalf("edges: %v", err)
	}
	// resource becomes the token's aud, pid is copied.
	cl = f.claims()
	cl["resource"] = []string{"https://api.example/v1/"}
	cl["pid"] = "10857841048"
	gr, err := f.grant(t, sign(t, f.rsaA, f.header(), cl))
	if err != nil {
		t.Fatalf("resource+pid: %v", err)
	}
	rr, err := f.s.Issue(ctx, gr)
	if err != nil {
		t.Fatal(err)
	}
	if c := apptest.JWTClaims(t, rr.AccessToken); fmt.Sprint(c["aud"]) != "[https://api.example/v1/]" || c["pid"] != "10857841048" {
		t.Fatalf("aud/pid: %v", c)
	}
	// Issue gives the claims of a real token.
	resp, err := f.s.Issue(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	c := apptest.JWTClaims(t, resp.AccessToken)
	if c["iss"] != testIssuer || c["iat"].(float64) != float64(f.clock.Now().Unix()) || c["exp"].(float64) != float64(f.clock.Now().Unix()+120) {
		t.Fatalf("claims %v", c)
	}
}

func TestSystemUserGrant(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	detail := map[string]any{"type": "urn:altinn:systemuser", "systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:" + ownerOrg}}
	forms := map[string]any{
		"array":         []any{detail},
		"single object": detail,
		"lowercase id":  []any{map[string]any{"type": "urn:altinn:systemuser", "systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "id": "0192:" + ownerOrg}}},
	}
	for name, ad := range forms {
		t.Run(name, func(t *testing.T) {
			c := f.claims()
			c["authorization_details"] = ad
			g, err := f.grant(t, sign(t, f.rsaA, f.header(), c))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := f.s.Issue(ctx, g)
			if err != nil {
				t.Fatal(err)
			}
			claims := apptest.JWTClaims(t, resp.AccessToken)
			got, _ := json.Marshal(claims["authorization_details"])
			want := `[{"system_id":"991825827_smartcloud","systemuser_id":["ebe4a681-0a8c-429e-a36f-8f9ca942b59f"],"systemuser_org":{"ID":"0192:313725138","authority":"iso6523-actorid-upis"},"type":"urn:altinn:systemuser"}]`
			if string(got) != want {
				t.Fatalf("authorization_details\n got %s\nwant %s", got, want)
			}
			if cons := claims["consumer"].(map[string]any); cons["ID"] != "0192:"+vendorOrg {
				t.Fatalf("consumer %v", cons)
			}
			caller, err := f.sg.Verify(ctx, resp.AccessToken)
			if err != nil || caller.SystemUserID != f.suID || caller.SystemUserOrgNo != ownerOrg || caller.SystemID != f.systemID || caller.ConsumerOrgNo != vendorOrg {
				t.Fatalf("caller %+v %v", caller, err)
			}
		})
	}
	// externalRef is passed to the lookup and echoed.
	c := mpgrant.Claims(mpgrant.Options{ClientID: f.a.ClientID, Audience: testIssuer, Scopes: []string{"test:read"}, Now: f.clock.Now(), SystemUserOrg: ownerOrg, ExternalRef: "ref-42"})
	g, err := f.grant(t, sign(t, f.rsaA, f.header(), c))
	if err != nil {
		t.Fatal(err)
	}
	if g.AuthorizationDetails[0].ExternalRef != "ref-42" || g.AuthorizationDetails[0].SystemUserID[0] != "11111111-0a8c-429e-a36f-8f9ca942b59f" {
		t.Fatalf("detail %+v", g.AuthorizationDetails)
	}
	// The lookup was asked with the client's id and owner org, and the
	// owner org number as externalRef when none was sent.
	want := f.a.ClientID + "|" + vendorOrg + "|" + ownerOrg + "|" + ownerOrg
	if !slices.Contains(f.su.calls, want) {
		t.Fatalf("lookup calls %v, want %s", f.su.calls, want)
	}
}

// Without a lookup wired (systemusers not plugged in) a system-user grant
// fails as "no system user", never with a 500.
func TestSystemUserGrantWithoutLookup(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Now())
	pool := dbtest.New(t)
	cs := mpclient.New(pool, clk, nil, nil)
	sg, err := signing.New(context.Background(), signing.Deps{Pool: pool, Clock: clk}, signing.DefaultSettings("http://mp.test", "RS256", 0))
	if err != nil {
		t.Fatal(err)
	}
	s := maskinporten.New(maskinporten.Deps{Pool: pool, Clock: clk, Signer: sg, Clients: cs})
	k, r := clientKey(t)
	c := mustClient(t, cs, vendorOrg, k, "test:read")
	cl := mpgrant.Claims(mpgrant.Options{ClientID: c.ClientID, Audience: testIssuer, Scopes: []string{"test:read"}, Now: clk.Now(), SystemUserOrg: ownerOrg})
	_, err = s.ValidateGrant(context.Background(), maskinporten.TokenRequest{GrantType: maskinporten.GrantType, Assertion: sign(t, r, map[string]any{"alg": "RS256", "kid": k.KeyID()}, cl)})
	var e *maskinporten.Error
	if !errors.As(err, &e) || e.Code != "invalid_altinn_customer_configuration" || e.MP != "MP-303" {
		t.Fatalf("got %v", err)
	}
}

func TestReplay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := sign(t, f.rsaA, f.header(), f.claims())
	if _, err := f.grant(t, a); err != nil {
		t.Fatal(err)
	}
	_, err := f.grant(t, a)
	var e *maskinporten.Error
	if !errors.As(err, &e) || e.MP != "MP-012" || e.Code != "invalid_grant" {
		t.Fatalf("replay: %v", err)
	}
	// The same jti from another client is that client's own business.
	cb := mpgrant.Claims(mpgrant.Options{ClientID: f.b.ClientID, Audience: testIssuer, Scopes: []string{"test:read"}, Now: f.clock.Now(), JTI: f.claims()["jti"].(string)})
	ca := f.claims()
	ca["jti"] = "shared-jti"
	cb["jti"] = "shared-jti"
	if _, err := f.grant(t, sign(t, f.rsaA, f.header(), ca)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.grant(t, sign(t, f.rsaB, map[string]any{"alg": "RS256", "kid": f.keyB.KeyID()}, cb)); err != nil {
		t.Fatalf("same jti, other client: %v", err)
	}
	// Without jti: accepted once, the identical assertion refused after.
	nj := f.claims()
	delete(nj, "jti")
	a = sign(t, f.rsaA, f.header(), nj)
	if _, err := f.grant(t, a); err != nil {
		t.Fatalf("no jti: %v", err)
	}
	if _, err := f.grant(t, a); !errors.As(err, &e) || e.MP != "MP-012" {
		t.Fatalf("no jti, replay: %v", err)
	}
	// A new assertion without jti (another iat) is a new grant.
	f.clock.Advance(time.Second)
	nj = f.claims()
	delete(nj, "jti")
	if _, err := f.grant(t, sign(t, f.rsaA, f.header(), nj)); err != nil {
		t.Fatalf("no jti, new assertion: %v", err)
	}
}

// Twenty concurrent submissions of one grant: exactly one wins.
func TestReplayRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := sign(t, f.rsaA, f.header(), f.claims())
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, replays := 0, 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.grant(t, a)
			var e *maskinporten.Error
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.As(err, &e) && e.MP == "MP-012":
				replays++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || replays != 19 {
		t.Fatalf("ok %d, replays %d", ok, replays)
	}
}

// Keys expire one year after they were posted (MP-121); posting them
// again renews them.
func TestExpiredKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.clock.Advance(366 * 24 * time.Hour)
	_, err := f.grant(t, sign(t, f.rsaA, f.header(), f.claims()))
	var e *maskinporten.Error
	if !errors.As(err, &e) || e.MP != "MP-121" || !strings.HasPrefix(e.Description, "Invalid assertion. Client authentication failed. Expired key") {
		t.Fatalf("got %v", err)
	}
	if _, err := f.c.ReplaceKeys(context.Background(), f.a.ClientID, f.a.JWKS); err != nil {
		t.Fatal(err)
	}
	if _, err := f.grant(t, sign(t, f.rsaA, f.header(), f.claims())); err != nil {
		t.Fatalf("after re-posting the keys: %v", err)
	}
}

// Replacing a client's keys makes the old key unknown.
func TestReplaceKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	k2, r2 := clientKey(t)
	set, _ := mpgrant.PublicJWKS(k2)
	if _, err := f.c.ReplaceKeys(context.Background(), f.a.ClientID, mpclient.JWKS(set)); err != nil {
		t.Fatal(err)
	}
	_, err := f.grant(t, sign(t, f.rsaA, f.header(), f.claims()))
	var e *maskinporten.Error
	if !errors.As(err, &e) || !strings.Contains(e.Description, "Unknown key identifier") {
		t.Fatalf("old key: %v", err)
	}
	if _, err := f.grant(t, sign(t, r2, map[string]any{"alg": "RS256", "kid": k2.KeyID()}, f.claims())); err != nil {
		t.Fatalf("new key: %v", err)
	}
}

package mpgrant_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/jose"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// These tests hold the vendor's side to the grant the README describes
// (Maskinporten, "Grant rules"): aud the issuer, iss = sub = the client
// id, the scopes space-separated, iat and exp from the vendor's clock with
// exp − iat from 0 to 120 s, a jti, and for a system user
// authorization_details [{"type":"urn:altinn:systemuser","systemuser_org":
// {"authority":"iso6523-actorid-upis","ID":"0192:<customer orgno>"}}],
// signed RS256 with a header naming the registered key's kid.

var (
	keyOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func rsaPriv(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return rsaKey
}

var now = time.Date(2026, 3, 1, 12, 0, 0, 500_000_000, time.UTC)

// claimsJSON is c as the grant's payload carries it.
func claimsJSON(t *testing.T, c map[string]any) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestClaims(t *testing.T) {
	t.Parallel()
	base := mpgrant.Options{
		ClientID: "client-1",
		Audience: "http://localhost:8080/",
		Scopes:   []string{"altinn:authentication/systemregister.write", "altinn:x.read"},
		Now:      now,
		JTI:      "jti-1",
	}
	// iat is the Unix second of now (the fraction dropped).
	const common = `"aud":"http://localhost:8080/","exp":%d,"iat":1772366400,"iss":"client-1","jti":"jti-1","scope":"altinn:authentication/systemregister.write altinn:x.read","sub":"client-1"`
	with := func(f func(*mpgrant.Options)) mpgrant.Options { o := base; f(&o); return o }
	cases := []struct {
		name string
		o    mpgrant.Options
		want string
	}{
		{"default lifetime 60 s", base, `{` + strings.Replace(common, "%d", "1772366460", 1) + `}`},
		{"a negative lifetime is the default", with(func(o *mpgrant.Options) { o.Lifetime = -time.Second }), `{` + strings.Replace(common, "%d", "1772366460", 1) + `}`},
		{"lifetime 1 s", with(func(o *mpgrant.Options) { o.Lifetime = time.Second }), `{` + strings.Replace(common, "%d", "1772366401", 1) + `}`},
		{"lifetime 120 s, the longest Maskinporten takes", with(func(o *mpgrant.Options) { o.Lifetime = 120 * time.Second }), `{` + strings.Replace(common, "%d", "1772366520", 1) + `}`},
		{"system user", with(func(o *mpgrant.Options) { o.SystemUserOrg = "310000001" }),
			strings.Replace(`{`+strings.Replace(common, "%d", "1772366460", 1)+`}`, `"exp"`, `"authorization_details":[{"systemuser_org":{"ID":"0192:310000001","authority":"iso6523-actorid-upis"},"type":"urn:altinn:systemuser"}],"exp"`, 1)},
		{"system user with externalRef", with(func(o *mpgrant.Options) { o.SystemUserOrg = "310000001"; o.ExternalRef = "ref-1" }),
			strings.Replace(`{`+strings.Replace(common, "%d", "1772366460", 1)+`}`, `"exp"`, `"authorization_details":[{"externalRef":"ref-1","systemuser_org":{"ID":"0192:310000001","authority":"iso6523-actorid-upis"},"type":"urn:altinn:systemuser"}],"exp"`, 1)},
		// externalRef only qualifies a system user.
		{"externalRef without system user", with(func(o *mpgrant.Options) { o.ExternalRef = "ref-1" }), `{` + strings.Replace(common, "%d", "1772366460", 1) + `}`},
		{"no scopes", with(func(o *mpgrant.Options) { o.Scopes = nil }), `{` + strings.Replace(strings.Replace(common, "%d", "1772366460", 1), `altinn:authentication/systemregister.write altinn:x.read`, ``, 1) + `}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := claimsJSON(t, mpgrant.Claims(c.o)); got != c.want {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// Without a jti each grant gets a fresh UUID, so two grants built in the
// same second are both usable once (Maskinporten refuses a jti seen
// before).
func TestClaimsFreshJTI(t *testing.T) {
	t.Parallel()
	o := mpgrant.Options{ClientID: "c", Now: now}
	a, b := mpgrant.Claims(o)["jti"].(string), mpgrant.Claims(o)["jti"].(string)
	if _, err := uuid.Parse(a); err != nil {
		t.Fatalf("jti %q: %v", a, err)
	}
	if a == b {
		t.Fatalf("two grants share jti %q", a)
	}
}

// Without Now the grant is dated by the vendor's clock (the time the CLI
// runs), not the zero time; the lifetime is still exp − iat.
func TestClaimsDefaultNow(t *testing.T) {
	t.Parallel()
	c := mpgrant.Claims(mpgrant.Options{ClientID: "c"})
	iat, exp := c["iat"].(int64), c["exp"].(int64)
	if iat == (time.Time{}).Unix() || iat <= 0 {
		t.Fatalf("iat %d", iat)
	}
	if exp-iat != 60 {
		t.Fatalf("exp − iat = %d, want 60", exp-iat)
	}
}

// A client key is RSA 2048, kid its RFC 7638 thumbprint (so the same key
// registered twice has the same kid), alg RS256, use sig.
func TestNewClientKey(t *testing.T) {
	t.Parallel()
	k, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	var rk rsa.PrivateKey
	if err := k.Raw(&rk); err != nil {
		t.Fatal(err)
	}
	if rk.N.BitLen() != 2048 {
		t.Fatalf("%d bits", rk.N.BitLen())
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if k.KeyID() != base64.RawURLEncoding.EncodeToString(tp) || k.Algorithm() != jwa.RS256 || k.KeyUsage() != string(jwk.ForSignature) {
		t.Fatalf("kid %q alg %q use %q", k.KeyID(), k.Algorithm(), k.KeyUsage())
	}
	again, err := mpgrant.ClientKeyFromRSA(&rk)
	if err != nil || again.KeyID() != k.KeyID() {
		t.Fatalf("the same key again: kid %q, %v", again.KeyID(), err)
	}
	other, err := mpgrant.NewClientKey()
	if err != nil || other.KeyID() == k.KeyID() {
		t.Fatalf("another key: kid %q, %v", other.KeyID(), err)
	}
}

// The public set holds the one public key, with the kid, alg and use of
// the private one and none of its private members.
func TestPublicJWKS(t *testing.T) {
	t.Parallel()
	priv, err := mpgrant.ClientKeyFromRSA(rsaPriv(t))
	if err != nil {
		t.Fatal(err)
	}
	set, err := mpgrant.PublicJWKS(priv)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 {
		t.Fatalf("%d keys", len(set.Keys))
	}
	var m map[string]any
	if err := json.Unmarshal(set.Keys[0], &m); err != nil {
		t.Fatal(err)
	}
	for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
		if _, ok := m[private]; ok {
			t.Errorf("public key has %q", private)
		}
	}
	if m["kid"] != priv.KeyID() || m["alg"] != "RS256" || m["use"] != "sig" || m["kty"] != "RSA" || m["n"] == nil || m["e"] != "AQAB" {
		t.Fatalf("public key %v", m)
	}
	b, _ := json.Marshal(set)
	if !strings.HasPrefix(string(b), `{"keys":[{`) {
		t.Fatalf("set %s", b)
	}
}

// A symmetric key has no public half: publishing it would hand out the
// secret (and Maskinporten verifies only RSA signatures).
func TestPublicJWKSRefusesSymmetricKey(t *testing.T) {
	t.Parallel()
	k, err := jwk.FromRaw([]byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := mpgrant.PublicJWKS(k)
	if err == nil || err.Error() != "a symmetric (oct) key has no public half" || set.Keys != nil {
		t.Fatalf("symmetric key: %v, %v", set, err)
	}
}

// decode splits a grant and checks its signature with pub under alg.
func decode(t *testing.T, grant, alg string, pub *rsa.PublicKey) *jose.JWS {
	t.Helper()
	j, err := jose.Decode(grant)
	if err != nil {
		t.Fatal(err)
	}
	if err := jose.Verify(alg, pub, j.SigningInput, j.Signature); err != nil {
		t.Fatalf("signature under %s: %v", alg, err)
	}
	return j
}

func header(t *testing.T, grant string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(grant, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Sign makes the grant Maskinporten reads: header {alg, kid, typ: JWT},
// RS256 unless the key names another RSA algorithm, the claims as built.
func TestSign(t *testing.T) {
	t.Parallel()
	rk := rsaPriv(t)
	claims := mpgrant.Claims(mpgrant.Options{ClientID: "client-1", Audience: "http://localhost:8080/", Scopes: []string{"s"}, Now: now, JTI: "j", SystemUserOrg: "310000001"})

	priv, err := mpgrant.ClientKeyFromRSA(rk)
	if err != nil {
		t.Fatal(err)
	}
	noAlg, err := jwk.FromRaw(rk)
	if err != nil {
		t.Fatal(err)
	}
	_ = noAlg.Set(jwk.KeyIDKey, "k-noalg")
	rs512, err := jwk.FromRaw(rk)
	if err != nil {
		t.Fatal(err)
	}
	_ = rs512.Set(jwk.KeyIDKey, "k-512")
	_ = rs512.Set(jwk.AlgorithmKey, jwa.RS512)

	for _, c := range []struct {
		name       string
		key        jwk.Key
		alg, wantH string
	}{
		{"client key", priv, "RS256", `{"alg":"RS256","kid":"` + priv.KeyID() + `","typ":"JWT"}`},
		{"key without alg", noAlg, "RS256", `{"alg":"RS256","kid":"k-noalg","typ":"JWT"}`},
		{"RS512 key", rs512, "RS512", `{"alg":"RS512","kid":"k-512","typ":"JWT"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := mpgrant.Sign(c.key, claims)
			if err != nil {
				t.Fatal(err)
			}
			if h := header(t, g); h != c.wantH {
				t.Fatalf("header %s, want %s", h, c.wantH)
			}
			j := decode(t, g, c.alg, &rk.PublicKey)
			got, _ := json.Marshal(j.Payload)
			if string(got) != claimsJSON(t, claims) {
				t.Fatalf("claims %s\nwant   %s", got, claimsJSON(t, claims))
			}
		})
	}
}

func TestSignRefusesNonRSAKeys(t *testing.T) {
	t.Parallel()
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecJWK, err := jwk.FromRaw(ek)
	if err != nil {
		t.Fatal(err)
	}
	pubJWK, err := jwk.FromRaw(&rsaPriv(t).PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]jwk.Key{"EC key": ecJWK, "public RSA key": pubJWK} {
		g, err := mpgrant.Sign(k, map[string]any{"iss": "c"})
		if err == nil || g != "" || !strings.HasPrefix(err.Error(), "the key is not a private RSA key: ") {
			t.Errorf("%s: got %q, %v", name, g, err)
		}
	}
}

// SignJWS signs the header exactly as given, with RS384 or RS512 when the
// header names one and RS256 otherwise, so tests can present grants
// Maskinporten must refuse: alg none or HS256 over an RSA signature, an
// ES256 header on an RSA key, no alg at all.
func TestSignJWS(t *testing.T) {
	t.Parallel()
	rk := rsaPriv(t)
	claims := map[string]any{"iss": "client-1", "exp": 1}
	for _, c := range []struct {
		header  any
		wantH   string
		signAlg string
	}{
		{map[string]any{"alg": "RS384", "kid": "k"}, `{"alg":"RS384","kid":"k"}`, "RS384"},
		{map[string]any{"alg": "RS512", "kid": "k"}, `{"alg":"RS512","kid":"k"}`, "RS512"},
		{map[string]any{"alg": "RS256", "kid": "k"}, `{"alg":"RS256","kid":"k"}`, "RS256"},
		{map[string]any{"alg": "none"}, `{"alg":"none"}`, "RS256"},
		{map[string]any{"alg": "HS256", "kid": "k"}, `{"alg":"HS256","kid":"k"}`, "RS256"},
		{map[string]any{"alg": "ES256", "kid": "k"}, `{"alg":"ES256","kid":"k"}`, "RS256"},
		{map[string]any{"kid": "k", "crit": []string{"exp"}}, `{"crit":["exp"],"kid":"k"}`, "RS256"},
		{map[string]any{"alg": 384, "kid": "k"}, `{"alg":384,"kid":"k"}`, "RS256"},
		{json.RawMessage(`{"alg":"RS384","alg":"RS512"}`), `{"alg":"RS384","alg":"RS512"}`, "RS512"},
	} {
		g, err := mpgrant.SignJWS(rk, c.header, claims)
		if err != nil {
			t.Fatalf("%s: %v", c.wantH, err)
		}
		if h := header(t, g); h != c.wantH {
			t.Fatalf("header %s, want %s", h, c.wantH)
		}
		j := decode(t, g, c.signAlg, &rk.PublicKey)
		if !reflect.DeepEqual(j.Payload, map[string]json.RawMessage{"iss": json.RawMessage(`"client-1"`), "exp": json.RawMessage(`1`)}) {
			t.Fatalf("claims %v", j.Payload)
		}
	}
	if g, err := mpgrant.SignJWS(rk, map[string]any{"alg": make(chan int)}, claims); err == nil || g != "" {
		t.Fatalf("unencodable header: %q, %v", g, err)
	}
}

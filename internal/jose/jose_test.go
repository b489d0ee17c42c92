package jose_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/jose"
)

// Decode's errors are the descriptions a client reads: Maskinporten
// answers each with MP-011 "Invalid parameter value" and this sentence
// (internal/maskinporten, parseAssertion), and our own tokens are refused
// with it as the reason. So every case pins the exact sentence.

var enc = base64.RawURLEncoding.EncodeToString

func part(s string) string { return enc([]byte(s)) }

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
)

// keys are made once: an RSA key costs tens of milliseconds.
func keys(t *testing.T) (*rsa.PrivateKey, *ecdsa.PrivateKey) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
	return rsaKey, ecKey
}

const (
	goodHeader  = `{"alg":"RS256","kid":"k1"}`
	goodPayload = `{"iss":"client"}`
)

var goodSig = enc([]byte{1, 2, 3})

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	h, p := part(goodHeader), part(goodPayload)
	cases := []struct {
		name, raw, want string
	}{
		{"longer than 32 KiB", strings.Repeat("a", 32<<10+1), "The assertion is longer than 32768 bytes."},
		{"space", h + "." + p + " ." + goodSig, "The assertion contains whitespace or line breaks."},
		{"tab", "\t" + h + "." + p + "." + goodSig, "The assertion contains whitespace or line breaks."},
		{"carriage return", h + "." + p + "." + goodSig + "\r", "The assertion contains whitespace or line breaks."},
		{"line break", h + ".\n" + p + "." + goodSig, "The assertion contains whitespace or line breaks."},
		{"empty", "", "The assertion is not a signed JWT: expected three base64url parts separated by '.', got 1."},
		{"two parts", h + "." + p, "The assertion is not a signed JWT: expected three base64url parts separated by '.', got 2."},
		{"four parts", h + "." + p + "." + goodSig + ".x", "The assertion is not a signed JWT: expected three base64url parts separated by '.', got 4."},
		{"JWE (five parts)", "a.b.c.d.e", "The assertion is an encrypted JWT (JWE); Maskinporten wants a signed JWT (JWS)."},
		{"six parts", "a.b.c.d.e.f", "The assertion is not a signed JWT: expected three base64url parts separated by '.', got 6."},

		{"header not base64url", "*." + p + "." + goodSig, "The JWT header is not base64url: illegal base64 data at input byte 0."},
		{"header padded base64", base64.URLEncoding.EncodeToString([]byte(`{"a":1}`)) + "." + p + "." + goodSig, "The JWT header is not base64url: illegal base64 data at input byte 10."},
		{"header empty", "." + p + "." + goodSig, "The JWT header is not a JSON object: not an object."},
		{"header an array", part(`[{"alg":"RS256"}]`) + "." + p + "." + goodSig, "The JWT header is not a JSON object: not an object."},
		{"header a string", part(`"RS256"`) + "." + p + "." + goodSig, "The JWT header is not a JSON object: not an object."},
		{"header null", part(`null`) + "." + p + "." + goodSig, "The JWT header is not a JSON object: not an object."},
		{"header two objects", part(`{"alg":"RS256"}{"alg":"none"}`) + "." + p + "." + goodSig, "The JWT header is not a JSON object: invalid character '{' after top-level value."},
		{"header object then brace", part(`{"alg":"RS256"}}`) + "." + p + "." + goodSig, "The JWT header is not a JSON object: invalid character '}' after top-level value."},
		{"header unterminated", part(`{"alg":"RS256"`) + "." + p + "." + goodSig, "The JWT header is not a JSON object: unexpected end of JSON input."},

		{"payload not base64url", h + ".*." + goodSig, "The JWT payload is not base64url: illegal base64 data at input byte 0."},
		{"payload empty", h + ".." + goodSig, "The JWT payload is not a JSON object: not an object."},
		{"payload an array", h + "." + part(`[]`) + "." + goodSig, "The JWT payload is not a JSON object: not an object."},
		{"payload a number", h + "." + part(`1`) + "." + goodSig, "The JWT payload is not a JSON object: not an object."},
		{"payload two objects", h + "." + part(`{"iss":"a"}{"iss":"b"}`) + "." + goodSig, "The JWT payload is not a JSON object: invalid character '{' after top-level value."},
		{"payload object then brace", h + "." + part(`{"iss":"a"}}`) + "." + goodSig, "The JWT payload is not a JSON object: invalid character '}' after top-level value."},

		{"NUL in the header", part(`{"alg":"RS256","kid":"k\u0000"}`) + "." + p + "." + goodSig, `The JWT contains a NUL character (\u0000).`},
		{"NUL in the payload", h + "." + part(`{"jti":"\u0000"}`) + "." + goodSig, `The JWT contains a NUL character (\u0000).`},
		{"signature not base64url", h + "." + p + ".*", "The JWT signature is not base64url: illegal base64 data at input byte 0."},

		// The checks run in the order above: the first failure is the one reported.
		{"bad header before bad payload", "*.*.*", "The JWT header is not base64url: illegal base64 data at input byte 0."},
		{"bad payload before NUL in the header", part(`{"kid":"\u0000"}`) + ".*." + goodSig, "The JWT payload is not base64url: illegal base64 data at input byte 0."},
		{"NUL before bad signature", h + "." + part(`{"jti":"\u0000"}`) + ".*", `The JWT contains a NUL character (\u0000).`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j, err := jose.Decode(c.raw)
			if err == nil {
				t.Fatalf("accepted: %+v", j)
			}
			if j != nil || err.Error() != c.want {
				t.Fatalf("got %v, %q\nwant nil, %q", j, err, c.want)
			}
		})
	}
}

// A well-formed JWS decodes into its header members, its claims, the
// signing input (the first two parts as sent, dot included) and the
// signature bytes.
func TestDecodeReadsEveryPart(t *testing.T) {
	t.Parallel()
	h := part(`{"alg":"ES256","kid":"k1","x5c":["MIIB"],"crit":["exp"],"typ":"JWT"}`)
	p := part(` {"iss":"client","exp":1700000000} `)
	raw := h + "." + p + "." + goodSig
	j, err := jose.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(j.SigningInput), h+"."+p; got != want {
		t.Fatalf("signing input %q, want %q", got, want)
	}
	if !reflect.DeepEqual(j.Signature, []byte{1, 2, 3}) {
		t.Fatalf("signature %v", j.Signature)
	}
	wantHeader := jose.Header{
		Alg:  jose.String{V: "ES256", Present: true},
		Kid:  jose.String{V: "k1", Present: true},
		X5c:  json.RawMessage(`["MIIB"]`),
		Crit: json.RawMessage(`["exp"]`),
	}
	if !reflect.DeepEqual(j.Header, wantHeader) {
		t.Fatalf("header %+v\nwant %+v", j.Header, wantHeader)
	}
	if string(j.Payload["iss"]) != `"client"` || string(j.Payload["exp"]) != "1700000000" || len(j.Payload) != 2 {
		t.Fatalf("payload %v", j.Payload)
	}
}

// An empty signature part is well formed (the signature check refuses it
// later), and a header without alg or kid reads as absent members.
func TestDecodeEmptySignatureAndMembers(t *testing.T) {
	t.Parallel()
	j, err := jose.Decode(part(`{"alg":null,"kid":7}`) + "." + part(`{}`) + ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Signature) != 0 || j.Header.Alg.Present || !j.Header.Kid.Present || j.Header.Kid.Err == nil || j.Header.X5c != nil || j.Header.Crit != nil {
		t.Fatalf("got %+v", j)
	}
}

// The size bound is 32 KiB: an assertion of exactly 32768 bytes is read.
func TestDecodeSizeEdge(t *testing.T) {
	t.Parallel()
	h := part(goodHeader)
	const max = 32 << 10
	for pad := 0; pad < 8; pad++ {
		p := part(`{"pad":"` + strings.Repeat("x", max*3/4-200+pad) + `"}`)
		sigLen := max - len(h) - len(p) - 2
		if sigLen%4 == 1 { // no base64 text has this length
			continue
		}
		raw := h + "." + p + "." + strings.Repeat("A", sigLen)
		if len(raw) != max {
			t.Fatalf("built %d bytes", len(raw))
		}
		if _, err := jose.Decode(raw); err != nil {
			t.Fatalf("32768 bytes: %v", err)
		}
		if _, err := jose.Decode(raw + "A"); err == nil || err.Error() != "The assertion is longer than 32768 bytes." {
			t.Fatalf("32769 bytes: %v", err)
		}
		return
	}
	t.Fatal("no padding gave a decodable length")
}

// DecodeObject takes exactly one JSON object (surrounding whitespace
// allowed), never an array, a scalar, or an object followed by more data.
func TestDecodeObject(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want map[string]string // nil: refused
	}{
		{`{}`, map[string]string{}},
		{` {"a":1,"b":"x"}` + "\n", map[string]string{"a": "1", "b": `"x"`}},
		{``, nil},
		{`   `, nil},
		{`[]`, nil},
		{`"{}"`, nil},
		{`null`, nil},
		{`{}{}`, nil},
		{`{"a":1}{"a":2}`, nil},
		{`{}}`, nil},
		{`{} x`, nil},
		{`{`, nil},
	}
	for _, c := range cases {
		var m map[string]json.RawMessage
		err := jose.DecodeObject([]byte(c.in), &m)
		if c.want == nil {
			if err == nil {
				t.Errorf("%q accepted as %v", c.in, m)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		got := map[string]string{}
		for k, v := range m {
			got[k] = string(v)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.in, got, c.want)
		}
	}
}

// A JWS marked with crit names extensions we do not implement, so the
// callers refuse it; Critical says which names it gave (or the raw
// member, when crit is not a list of names).
func TestHeaderCritical(t *testing.T) {
	t.Parallel()
	cases := []struct {
		crit        json.RawMessage
		names       string
		wantPresent bool
	}{
		{nil, "", false},
		{json.RawMessage(`["b64"]`), "b64", true},
		{json.RawMessage(`["exp","urn:x"]`), "exp, urn:x", true},
		{json.RawMessage(`[]`), "", true},
		{json.RawMessage(`null`), "", true},
		{json.RawMessage(`"b64"`), `"b64"`, true},
		{json.RawMessage(`[1]`), `[1]`, true},
	}
	for _, c := range cases {
		names, present := jose.Header{Crit: c.crit}.Critical()
		if names != c.names || present != c.wantPresent {
			t.Errorf("crit %s: got %q, %v; want %q, %v", c.crit, names, present, c.names, c.wantPresent)
		}
	}
}

func TestNonNull(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "", "null": "", `{}`: `{}`, `[]`: `[]`, `0`: `0`, `"null"`: `"null"`} {
		var raw json.RawMessage
		if in != "" {
			raw = json.RawMessage(in)
		}
		got := jose.NonNull(raw)
		if string(got) != want || (want == "") != (got == nil) {
			t.Errorf("NonNull(%q) = %q", in, got)
		}
	}
}

// A claim is absent (or null), present with a value, or present with a
// value of the wrong type; each check reports the last with its name.
func TestReadString(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw           string // "" for absent
		v             string
		present, fail bool
	}{
		{"", "", false, false},
		{`null`, "", false, false},
		{`""`, "", true, false},
		{`"client"`, "client", true, false},
		{`7`, "", true, true},
		{`["client"]`, "", true, true},
		{`{"v":"client"}`, "", true, true},
	}
	for _, c := range cases {
		var raw json.RawMessage
		if c.raw != "" {
			raw = json.RawMessage(c.raw)
		}
		got := jose.ReadString(raw)
		if got.V != c.v || got.Present != c.present || (got.Err != nil) != c.fail {
			t.Errorf("ReadString(%s) = %+v", c.raw, got)
		}
		if c.fail && got.Err.Error() != "must be a string" {
			t.Errorf("ReadString(%s) error %q", c.raw, got.Err)
		}
	}
}

// iat, exp and nbf are NumericDates: whole or fractional seconds since
// the epoch (the fraction dropped), from 0 up to 10^12.
func TestReadNumericDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw           string
		v             int64
		present, fail bool
	}{
		{"", 0, false, false},
		{`null`, 0, false, false},
		{`0`, 0, true, false},
		{`1700000000`, 1700000000, true, false},
		{`1700000000.9`, 1700000000, true, false},
		{`1.7e9`, 1700000000, true, false},
		{`1000000000000`, 1000000000000, true, false},
		{`1000000000001`, 0, true, true},
		{`-1`, 0, true, true},
		{`-0.5`, 0, true, true},
		{`1e400`, 0, true, true},
		{`"1700000000"`, 0, true, true},
		{`true`, 0, true, true},
		{`[1700000000]`, 0, true, true},
	}
	for _, c := range cases {
		var raw json.RawMessage
		if c.raw != "" {
			raw = json.RawMessage(c.raw)
		}
		got := jose.ReadNumericDate(raw)
		if got.V != c.v || got.Present != c.present || (got.Err != nil) != c.fail {
			t.Errorf("ReadNumericDate(%s) = %+v", c.raw, got)
		}
		if c.fail && got.Err.Error() != "must be a number of seconds since the epoch" {
			t.Errorf("ReadNumericDate(%s) error %q", c.raw, got.Err)
		}
	}
}

// aud may be one string or an array of strings.
func TestReadStrings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw           string
		v             []string
		present, fail bool
	}{
		{"", nil, false, false},
		{`null`, nil, false, false},
		{`"https://mp/"`, []string{"https://mp/"}, true, false},
		{`""`, []string{""}, true, false},
		{`["a","b"]`, []string{"a", "b"}, true, false},
		{`[]`, []string{}, true, false},
		{`1`, nil, true, true},
		{`[1]`, nil, true, true},
		{`["a",null,1]`, nil, true, true},
		{`{"aud":"a"}`, nil, true, true},
	}
	for _, c := range cases {
		var raw json.RawMessage
		if c.raw != "" {
			raw = json.RawMessage(c.raw)
		}
		got := jose.ReadStrings(raw)
		if !reflect.DeepEqual(got.V, c.v) || got.Present != c.present || (got.Err != nil) != c.fail {
			t.Errorf("ReadStrings(%s) = %#v", c.raw, got)
		}
		if c.fail && got.Err.Error() != "must be a string or an array of strings" {
			t.Errorf("ReadStrings(%s) error %q", c.raw, got.Err)
		}
	}
}

// StringMember reads a member of authorization_details (type,
// externalRef, systemuser_org's authority and ID): its error names the
// member, which the MP-011 description then quotes.
func TestStringMember(t *testing.T) {
	t.Parallel()
	m := map[string]json.RawMessage{
		"type":        json.RawMessage(`"urn:altinn:systemuser"`),
		"externalRef": json.RawMessage(`null`),
		"ID":          json.RawMessage(`192`),
	}
	if v, ok, err := jose.StringMember(m, "type"); v != "urn:altinn:systemuser" || !ok || err != nil {
		t.Errorf("type: %q %v %v", v, ok, err)
	}
	if v, ok, err := jose.StringMember(m, "externalRef"); v != "" || ok || err != nil {
		t.Errorf("null externalRef: %q %v %v", v, ok, err)
	}
	if v, ok, err := jose.StringMember(m, "authority"); v != "" || ok || err != nil {
		t.Errorf("absent authority: %q %v %v", v, ok, err)
	}
	if v, ok, err := jose.StringMember(m, "ID"); v != "" || !ok || err == nil || err.Error() != "ID must be a string" {
		t.Errorf("numeric ID: %q %v %v", v, ok, err)
	}
}

// Signatures are RS256/384/512 or ES256, each checked with the key and
// the algorithm named: the header's alg must match the key's, and none or
// HMAC (which would use a public key as the shared secret) never verify.
func TestSignVerify(t *testing.T) {
	t.Parallel()
	rk, ek := keys(t)
	claims := map[string]any{"iss": "client", "exp": 1700000000}
	for _, c := range []struct {
		alg  string
		priv any
		pub  any
	}{
		{"RS256", rk, &rk.PublicKey},
		{"RS384", rk, &rk.PublicKey},
		{"RS512", rk, &rk.PublicKey},
		{"ES256", ek, &ek.PublicKey},
	} {
		t.Run(c.alg, func(t *testing.T) {
			tok, err := jose.Sign(c.alg, c.priv, map[string]string{"kid": "k1", "typ": "JWT"}, claims)
			if err != nil {
				t.Fatal(err)
			}
			j, err := jose.Decode(tok)
			if err != nil {
				t.Fatal(err)
			}
			if j.Header.Alg.V != c.alg || j.Header.Kid.V != "k1" || string(j.Payload["iss"]) != `"client"` || string(j.Payload["exp"]) != "1700000000" {
				t.Fatalf("decoded %+v", j)
			}
			if err := jose.Verify(c.alg, c.pub, j.SigningInput, j.Signature); err != nil {
				t.Fatalf("own signature refused: %v", err)
			}
			// One bit of the signature or of the signed input changed.
			sig := append([]byte(nil), j.Signature...)
			sig[len(sig)-1] ^= 1
			if jose.Verify(c.alg, c.pub, j.SigningInput, sig) == nil {
				t.Fatal("changed signature accepted")
			}
			in := append([]byte(nil), j.SigningInput...)
			in[len(in)-1] ^= 1
			if jose.Verify(c.alg, c.pub, in, j.Signature) == nil {
				t.Fatal("changed input accepted")
			}
			// The same signature under another algorithm of the family.
			other := map[string]string{"RS256": "RS384", "RS384": "RS512", "RS512": "RS256", "ES256": "RS256"}[c.alg]
			if jose.Verify(other, c.pub, j.SigningInput, j.Signature) == nil {
				t.Fatalf("%s signature accepted as %s", c.alg, other)
			}
		})
	}
	// A key of the other type.
	tok, err := jose.Sign("RS256", rk, nil, claims)
	if err != nil {
		t.Fatal(err)
	}
	j, _ := jose.Decode(tok)
	if jose.Verify("ES256", &ek.PublicKey, j.SigningInput, j.Signature) == nil {
		t.Fatal("RS256 signature accepted by an EC key as ES256")
	}
	if jose.Verify("RS256", &ek.PublicKey, j.SigningInput, j.Signature) == nil {
		t.Fatal("RS256 signature accepted with an EC key")
	}
}

func TestVerifyRefusesAlgorithms(t *testing.T) {
	t.Parallel()
	rk, _ := keys(t)
	for _, alg := range []string{"none", "HS256", "HS384", "HS512", "PS256", "ES384", "EdDSA", "rs256", ""} {
		err := jose.Verify(alg, &rk.PublicKey, []byte("a.b"), nil)
		if err == nil || err.Error() != `algorithm "`+alg+`" is not supported` {
			t.Errorf("Verify(%q): %v", alg, err)
		}
		if _, err := jose.Sign(alg, rk, nil, map[string]any{}); err == nil || err.Error() != `algorithm "`+alg+`" is not supported` {
			t.Errorf("Sign(%q): %v", alg, err)
		}
		if _, err := jose.SignRaw(alg, rk, map[string]any{}, map[string]any{}); err == nil || err.Error() != `algorithm "`+alg+`" is not supported` {
			t.Errorf("SignRaw(%q): %v", alg, err)
		}
	}
}

// Sign takes any key jwx can sign with: a private key, any crypto.Signer
// (an HSM or KMS key) or a private JWK.
func TestSignWithKeyKinds(t *testing.T) {
	t.Parallel()
	rk, ek := keys(t)
	k, err := jwk.FromRaw(rk)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, alg string
		priv, pub any
	}{
		{"JWK", "RS256", k, &rk.PublicKey},
		{"RSA signer", "RS512", plainSigner{rk}, &rk.PublicKey},
		{"EC signer", "ES256", plainSigner{ek}, &ek.PublicKey},
	} {
		tok, err := jose.Sign(c.alg, c.priv, map[string]string{"kid": "k1"}, map[string]any{"iss": "client"})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		j, err := jose.Decode(tok)
		if err != nil {
			t.Fatal(err)
		}
		if err := jose.Verify(c.alg, c.pub, j.SigningInput, j.Signature); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}
}

// plainSigner is a crypto.Signer that is not a key type jwx knows (as an
// HSM or KMS key would be).
type plainSigner struct{ crypto.Signer }

func TestSignErrors(t *testing.T) {
	t.Parallel()
	rk, ek := keys(t)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecJWK, err := jwk.FromRaw(ek)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		alg    string
		key    any
		header map[string]string
		claims any
		want   string
	}{
		{"claims not JSON", "RS256", rk, nil, map[string]any{"c": make(chan int)}, "encode claims: "},
		{"header member of the wrong type", "RS256", rk, map[string]string{"kid": "k1", "x5c": "MIIB"}, map[string]any{}, "header x5c: "},
		{"RSA key for ES256", "ES256", rk, nil, map[string]any{}, "sign ES256: "},
		// A crypto.Signer of the wrong kind would otherwise sign, under
		// a header naming an algorithm its signature is not made with.
		{"EC key for RS256", "RS256", ek, nil, map[string]any{}, "sign RS256: the key (*ecdsa.PublicKey) is not a key for RS256"},
		{"EC key for RS512", "RS512", ek, nil, map[string]any{}, "sign RS512: the key (*ecdsa.PublicKey) is not a key for RS512"},
		{"RSA key for ES256 as a plain signer", "ES256", plainSigner{rk}, nil, map[string]any{}, "sign ES256: the key (*rsa.PublicKey) is not a key for ES256"},
		{"P-384 key for ES256", "ES256", p384, nil, map[string]any{}, "sign ES256: the key (*ecdsa.PublicKey) is not a key for ES256"},
		{"EC JWK for RS256", "RS256", ecJWK, nil, map[string]any{}, "sign RS256: "},
		{"not a key", "RS256", "secret", nil, map[string]any{}, "sign RS256: "},
		{"Ed25519 key for RS256", "RS256", edKey, nil, map[string]any{}, "sign RS256: the key (ed25519.PublicKey) is not a key for RS256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := jose.Sign(c.alg, c.key, c.header, c.claims)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || tok != "" {
				t.Fatalf("got %q, %v; want error %q…", tok, err, c.want)
			}
		})
	}
}

// SignRaw signs the header and claims exactly as given, so tests can
// build grants the checks must refuse (alg none over an RS256 signature,
// crit, a numeric kid...).
func TestSignRaw(t *testing.T) {
	t.Parallel()
	rk, ek := keys(t)
	header := map[string]any{"alg": "none", "kid": 7, "crit": []string{"b64"}}
	tok, err := jose.SignRaw("RS384", rk, header, map[string]any{"iss": "client"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] != part(`{"alg":"none","crit":["b64"],"kid":7}`) || parts[1] != part(`{"iss":"client"}`) {
		t.Fatalf("token %s", tok)
	}
	j, err := jose.Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := jose.Verify("RS384", &rk.PublicKey, j.SigningInput, j.Signature); err != nil {
		t.Fatalf("RS384 signature: %v", err)
	}

	for name, c := range map[string]struct {
		key            any
		header, claims any
	}{
		"header not JSON":  {rk, map[string]any{"c": make(chan int)}, map[string]any{}},
		"claims not JSON":  {rk, map[string]any{}, func() {}},
		"EC key for RS384": {ek, map[string]any{}, map[string]any{}},
	} {
		if tok, err := jose.SignRaw("RS384", c.key, c.header, c.claims); err == nil || tok != "" {
			t.Errorf("%s: got %q, %v", name, tok, err)
		}
	}
}

package mpgrant

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"sync"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

var testRSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func thumbprint(t *testing.T, k jwk.Key) string {
	t.Helper()
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// PKCS#1 and PKCS#8 PEM read as the same key a JWK is, with the kid rules:
// --kid wins, a JWK keeps its own, anything else gets its thumbprint.
func TestParsePrivateKeyFormatsAndKid(t *testing.T) {
	rk := testRSA()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(rk)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := ClientKeyFromRSA(rk)
	if err != nil {
		t.Fatal(err)
	}
	tp := thumbprint(t, ref)
	if ref.KeyID() != tp {
		t.Fatalf("keys new kid %q, thumbprint %q", ref.KeyID(), tp)
	}
	withKid, _ := json.Marshal(ref)
	noKid := func() []byte {
		var m map[string]any
		_ = json.Unmarshal(withKid, &m)
		delete(m, "kid")
		b, _ := json.Marshal(m)
		return b
	}()
	ownKid := strings.Replace(string(withKid), `"kid":"`+tp+`"`, `"kid":"my-key-2026"`, 1)

	cases := []struct {
		name, kid, wantKid string
		data               []byte
	}{
		{"PKCS#1 PEM", "", tp, pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk))},
		{"PKCS#8 PEM", "", tp, pemOf("PRIVATE KEY", pkcs8)},
		{"PKCS#8 PEM without final newline, CRLF", "", tp, []byte(strings.TrimSpace(strings.ReplaceAll(string(pemOf("PRIVATE KEY", pkcs8)), "\n", "\r\n")))},
		{"PKCS#8 PEM with --kid", "onboarding-kid", "onboarding-kid", pemOf("PRIVATE KEY", pkcs8)},
		{"JWK with its own kid", "", "my-key-2026", []byte(ownKid)},
		{"JWK with its own kid and --kid", "other", "other", []byte(ownKid)},
		{"JWK without kid", "", tp, noKid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := ParsePrivateKey(c.data, c.kid)
			if err != nil {
				t.Fatal(err)
			}
			if k.KeyID() != c.wantKid {
				t.Fatalf("kid %q, want %q", k.KeyID(), c.wantKid)
			}
			if thumbprint(t, k) != tp {
				t.Fatal("another key was read")
			}
			if k.Algorithm().String() != "RS256" {
				t.Fatalf("alg %q", k.Algorithm())
			}
			set, err := PublicJWKS(k)
			if err != nil || len(set.Keys) != 1 || strings.Contains(string(set.Keys[0]), `"d"`) || !strings.Contains(string(set.Keys[0]), `"kid":"`+c.wantKid+`"`) {
				t.Fatalf("public set %s: %v", set.Keys, err)
			}
		})
	}
}

func TestParsePrivateKeyRefusals(t *testing.T) {
	rk := testRSA()
	pub, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecSEC1, _ := x509.MarshalECPrivateKey(ec)
	ref, _ := ClientKeyFromRSA(rk)
	pubJWK, _ := ref.PublicKey()
	pubJWKText, _ := json.Marshal(pubJWK)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"public PEM", pemOf("PUBLIC KEY", pub), "public key"},
		{"RSA public PEM", pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rk.PublicKey)), "public key"},
		{"public JWK", pubJWKText, "public key"},
		{"EC PKCS#8", pemOf("PRIVATE KEY", ecDER), "EC key"},
		{"EC SEC1", pemOf("EC PRIVATE KEY", ecSEC1), "EC key"},
		{"broken PEM", []byte("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n"), "not a PEM key"},
		{"PEM of an unknown type", pemOf("OPENSSH PRIVATE KEY", []byte{1, 2, 3}), "not a PEM key"},
		{"neither", []byte("hello"), "not a JWK or a PEM key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePrivateKey(c.data, "")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
		})
	}
}

// PrivatePEM writes PKCS#8 that reads back as the same key with the same
// default kid, so 'keys new --format pem' and 'keys public' agree.
func TestPrivatePEMRoundTrip(t *testing.T) {
	ref, err := ClientKeyFromRSA(testRSA())
	if err != nil {
		t.Fatal(err)
	}
	b, err := PrivatePEM(ref)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("PEM %q", b)
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		t.Fatal(err)
	}
	back, err := ParsePrivateKey(b, "")
	if err != nil {
		t.Fatal(err)
	}
	if back.KeyID() != ref.KeyID() {
		t.Fatalf("kid %q, want %q", back.KeyID(), ref.KeyID())
	}
}

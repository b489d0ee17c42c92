package signing

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// TestNineDigits: nine ASCII digits, 0 and 9 included, and nothing else —
// not the characters on either side of the digits, not other scripts'
// digits, not eight or ten.
func TestNineDigits(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"310385980", true},
		{"000000000", true},
		{"999999999", true},
		{"/00000000", false}, // '0' - 1
		{"00000000:", false}, // '9' + 1
		{"31038598", false},
		{"3103859801", false},
		{"31038598٣", false}, // an Arabic-Indic digit
		{"", false},
	} {
		if got := NineDigits(c.s); got != c.want {
			t.Errorf("NineDigits(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// markerSigner is an RSA signer wrapper a test can recognise.
type markerSigner struct{ *rsa.PrivateKey }

// TestParseStoredKey: a stored RSA key signs through the RSA signer given
// (OpenSSL's, in the server) and through Go's own key without one; a
// stored key whose certificate chain is empty publishes no certificate; a
// stored Altinn key without one has its public key's thumbprint as x5t.
func TestParseStoredKey(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := jwk.FromRaw(rk)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(priv)
	if err != nil {
		t.Fatal(err)
	}
	wrap := func(k *rsa.PrivateKey) crypto.Signer { return markerSigner{k} }
	k, err := parseStoredKey("kid-1", "altinn", "RS256", raw, nil, wrap)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.signer.(markerSigner); !ok {
		t.Errorf("with an RSA signer the key signs through %T, want the signer given", k.signer)
	}
	k, err = parseStoredKey("kid-1", "altinn", "RS256", raw, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.signer.(*rsa.PrivateKey); !ok {
		t.Errorf("without an RSA signer the key signs through %T, want Go's *rsa.PrivateKey", k.signer)
	}
	if k.certDER != nil {
		t.Errorf("a key stored without a certificate has %d bytes of one", len(k.certDER))
	}
	// Without a certificate the thumbprint is of the public key (PKIX);
	// the kid stays the one stored.
	pkix, err := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(pkix)
	if want := base64.RawURLEncoding.EncodeToString(sum[:]); k.x5t != want || k.kid != "kid-1" {
		t.Errorf("a key stored without a certificate has x5t %q and kid %q; want %q and kid-1", k.x5t, k.kid, want)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["x5c"] = []string{}
	empty, _ := json.Marshal(m)
	k, err = parseStoredKey("kid-1", "altinn", "RS256", empty, nil, nil)
	if err != nil {
		t.Fatalf("a key with an empty x5c: %v", err)
	}
	if k.certDER != nil {
		t.Errorf("a key with an empty x5c has a certificate of %d bytes", len(k.certDER))
	}
}

// TestSelfSignedCertValidNow: the platform key's certificate is valid from
// an hour ago (clock skew between hosts) for ten years.
func TestSelfSignedCertValidNow(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := selfSignedCert(rk)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if nb := now.Sub(c.NotBefore); nb < 59*time.Minute || nb > 61*time.Minute {
		t.Errorf("NotBefore %v is %v before now, want about an hour", c.NotBefore, nb)
	}
	if c.NotAfter.Before(now.AddDate(10, 0, -1)) || c.NotAfter.After(now.AddDate(10, 0, 1)) {
		t.Errorf("NotAfter %v, want ten years from now", c.NotAfter)
	}
}

// TestRetiredKeyKeep: a retired key stays published for the longest
// token lifetime, Maskinporten's or Altinn's, plus the skew.
func TestRetiredKeyKeep(t *testing.T) {
	for _, c := range []struct {
		token, altinn, skew, want time.Duration
	}{
		{2 * time.Minute, 30 * time.Minute, 10 * time.Second, 30*time.Minute + 10*time.Second},
		{30 * time.Minute, 2 * time.Minute, 10 * time.Second, 30*time.Minute + 10*time.Second},
		{5 * time.Minute, 5 * time.Minute, 0, 5 * time.Minute},
	} {
		s := &Service{set: Settings{TokenLifetime: c.token, AltinnLifetime: c.altinn, Skew: c.skew}}
		if got := s.retiredKeyKeep(); got != c.want {
			t.Errorf("token %v, Altinn %v, skew %v: keep %v, want %v", c.token, c.altinn, c.skew, got, c.want)
		}
	}
}

// TestGoSignsIt: the fast RSA signer takes PKCS #1 v1.5 over a SHA-256
// digest only; PSS, no options, other hashes and a digest of the wrong
// length go to Go's key.
func TestGoSignsIt(t *testing.T) {
	d32, d31 := make([]byte, 32), make([]byte, 31)
	for _, c := range []struct {
		name   string
		digest []byte
		opts   crypto.SignerOpts
		want   bool
	}{
		{"PKCS #1 v1.5, SHA-256", d32, crypto.SHA256, false},
		{"PSS", d32, &rsa.PSSOptions{Hash: crypto.SHA256}, true},
		{"no options", d32, nil, true},
		{"SHA-384", make([]byte, 48), crypto.SHA384, true},
		{"SHA-256 of the wrong length", d31, crypto.SHA256, true},
	} {
		if got := goSignsIt(c.digest, c.opts); got != c.want {
			t.Errorf("%s: goSignsIt = %v, want %v", c.name, got, c.want)
		}
	}
}

// brokenSigner signs with another key, or fails.
type brokenSigner struct {
	other *rsa.PrivateKey
	err   error
}

func (b brokenSigner) Public() crypto.PublicKey { return &b.other.PublicKey }
func (b brokenSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	if b.err != nil {
		return nil, b.err
	}
	return b.other.Sign(r, d, o)
}

// TestCheckRSASigner: the self-test passes a signer that signs as Go's
// key does, and fails one whose signature does not verify or that fails.
func TestCheckRSASigner(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkRSASigner(k, &k.PublicKey); err != nil {
		t.Errorf("Go's own key: %v", err)
	}
	if err := checkRSASigner(brokenSigner{other: other}, &k.PublicKey); err == nil {
		t.Error("a signer with another key passed the self-test")
	}
	if err := checkRSASigner(brokenSigner{other: other, err: errors.New("no")}, &k.PublicKey); err == nil {
		t.Error("a failing signer passed the self-test")
	}
}

// TestDefaultSettings: no lifetime (or a negative one) is Maskinporten's
// 120 s, a set one is kept; no algorithm is RS256.
func TestDefaultSettings(t *testing.T) {
	for _, c := range []struct {
		in, want time.Duration
	}{{0, 120 * time.Second}, {-time.Second, 120 * time.Second}, {time.Second, time.Second}, {300 * time.Second, 300 * time.Second}} {
		if got := DefaultSettings("http://x.test/", "", c.in).TokenLifetime; got != c.want {
			t.Errorf("lifetime %v: %v, want %v", c.in, got, c.want)
		}
	}
	if got := DefaultSettings("http://x.test", "", 0).SigningAlg; got != "RS256" {
		t.Errorf("no alg: %q, want RS256", got)
	}
	if got := DefaultSettings("http://x.test", "ES256", 0).SigningAlg; got != "ES256" {
		t.Errorf("ES256: %q", got)
	}
	// The platform's fixed figures: an exchanged Altinn token lives 30
	// minutes, and 10 s of clock skew is tolerated.
	if s := DefaultSettings("http://x.test", "", 0); s.AltinnLifetime != 30*time.Minute || s.Skew != 10*time.Second {
		t.Errorf("Altinn lifetime %v, skew %v; want 30m0s and 10s", s.AltinnLifetime, s.Skew)
	}
}

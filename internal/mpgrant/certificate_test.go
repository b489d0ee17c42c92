package mpgrant_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// certDER is a certificate for pub, signed by signer (self-signed when
// signer is pub's own key).
func certDER(t *testing.T, cn string, pub any, signer any) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func pemBlock(typ string, b []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}))
}

// An enterprise certificate file is the organisation's certificate first,
// then the CAs above it; other PEM blocks are skipped, and the first
// certificate must be for the grant's key.
func TestParseCertificateChain(t *testing.T) {
	t.Parallel()
	rk := rsaPriv(t)
	priv, err := mpgrant.ClientKeyFromRSA(rk)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := certDER(t, "org", &rk.PublicKey, ca)
	root := certDER(t, "ca", &ca.PublicKey, ca)
	file := pemBlock("CERTIFICATE", leaf) + pemBlock("EC PRIVATE KEY", []byte("skipped")) + pemBlock("CERTIFICATE", root)
	chain, err := mpgrant.ParseCertificateChain([]byte(file), priv)
	if err != nil || !reflect.DeepEqual(chain, [][]byte{leaf, root}) {
		t.Fatalf("chain of %d, %v", len(chain), err)
	}
	ecJWK, _ := jwk.FromRaw(ca)
	for _, c := range []struct {
		name, file string
		key        jwk.Key
		want       string
	}{
		{"no certificate", pemBlock("PRIVATE KEY", []byte("x")), priv, "no PEM CERTIFICATE in it"},
		{"empty", "", priv, "no PEM CERTIFICATE in it"},
		{"a bad second certificate", pemBlock("CERTIFICATE", leaf) + pemBlock("CERTIFICATE", []byte("junk")), priv, "certificate 2: "},
		{"the CA first", pemBlock("CERTIFICATE", root) + pemBlock("CERTIFICATE", leaf), priv, "its first certificate is not for this private key"},
		{"another RSA key", pemBlock("CERTIFICATE", certDER(t, "other", &otherRSA(t).PublicKey, ca)), priv, "its first certificate is not for this private key"},
		{"an EC key", file, ecJWK, "the key is not a private RSA key: "},
	} {
		chain, err := mpgrant.ParseCertificateChain([]byte(c.file), c.key)
		if err == nil || chain != nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: %d certificates, %v; want %q", c.name, len(chain), err, c.want)
		}
	}
}

func otherRSA(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// A client without registered keys signs RS256 with its enterprise
// certificate's key, the chain in x5c (standard base64 DER) and no kid.
func TestSignWithCertificate(t *testing.T) {
	t.Parallel()
	rk := rsaPriv(t)
	priv, err := mpgrant.ClientKeyFromRSA(rk)
	if err != nil {
		t.Fatal(err)
	}
	leaf := certDER(t, "org", &rk.PublicKey, rk)
	g, err := mpgrant.SignWithCertificate(priv, [][]byte{leaf, {1, 2, 3}}, map[string]any{"iss": "c"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"alg":"RS256","typ":"JWT","x5c":["` + base64.StdEncoding.EncodeToString(leaf) + `","AQID"]}`
	if h := header(t, g); h != want {
		t.Fatalf("header %s\nwant   %s", h, want)
	}
	decode(t, g, "RS256", &rk.PublicKey)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecJWK, _ := jwk.FromRaw(ecKey)
	if g, err := mpgrant.SignWithCertificate(ecJWK, [][]byte{leaf}, map[string]any{}); err == nil || g != "" || !strings.HasPrefix(err.Error(), "the key is not a private RSA key: ") {
		t.Fatalf("EC key: %q, %v", g, err)
	}
}

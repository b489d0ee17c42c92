//go:build cgo

package signing

import (
	"crypto"
	"crypto/rsa"
	"fmt"
	"io"
	"math/big"
	"sync"

	"github.com/golang-fips/openssl/v2"
	"github.com/golang-fips/openssl/v2/bbig"
)

// opensslBackend loads libcrypto once per process.
var opensslBackend = sync.OnceValues(func() (rsaBackend, error) {
	if err := openssl.Init(libcrypto); err != nil {
		return rsaBackend{}, err // it names the library and dlopen's reason
	}
	return rsaBackend{name: RSASignerOpenSSL, detail: openssl.VersionText(), wrap: newOpenSSLSigner}, nil
})

// opensslSigner signs PKCS #1 v1.5 SHA-256 digests with OpenSSL and
// everything else with the Go key it wraps. OpenSSL's key object is
// immutable once made and EVP_PKEY_sign takes a fresh context per call,
// so concurrent Sign calls are safe.
type opensslSigner struct {
	key *rsa.PrivateKey
	ssl *openssl.PrivateKeyRSA
}

// newOpenSSLSigner hands OpenSSL the key with its CRT values (k must be
// precomputed), then checks one signature against Go.
func newOpenSSLSigner(k *rsa.PrivateKey) (crypto.Signer, error) {
	if len(k.Primes) != 2 || k.Precomputed.Dp == nil {
		return nil, fmt.Errorf("OpenSSL signer: the key is not a precomputed two-prime RSA key")
	}
	ssl, err := openssl.NewPrivateKeyRSA(
		bbig.Enc(k.N), bbig.Enc(big.NewInt(int64(k.E))), bbig.Enc(k.D),
		bbig.Enc(k.Primes[0]), bbig.Enc(k.Primes[1]),
		bbig.Enc(k.Precomputed.Dp), bbig.Enc(k.Precomputed.Dq), bbig.Enc(k.Precomputed.Qinv))
	if err != nil {
		return nil, fmt.Errorf("OpenSSL signer: %w", err)
	}
	s := &opensslSigner{key: k, ssl: ssl}
	if err := checkRSASigner(s, &k.PublicKey); err != nil {
		return nil, fmt.Errorf("OpenSSL signer self-test: %w", err)
	}
	return s, nil
}

// Public is the Go public key, so jwx and x509 see an *rsa.PublicKey.
func (s *opensslSigner) Public() crypto.PublicKey { return &s.key.PublicKey }

// Sign signs digest. PKCS #1 v1.5 uses no randomness, so rand is unused.
func (s *opensslSigner) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if goSignsIt(digest, opts) {
		return s.key.Sign(rand, digest, opts)
	}
	return openssl.SignRSAPKCS1v15(s.ssl, crypto.SHA256, digest)
}

package signing

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/cert"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// Key purposes: Maskinporten access tokens, ID-porten's id and access
// tokens and exchanged Altinn tokens are signed by different keys, as in
// the real world, and published at different JWKS endpoints.
const (
	purposeMaskinporten = "maskinporten"
	purposeAltinn       = "altinn"
	purposeIDPorten     = "idporten"
)

// purposes are every key purpose, in the order keys are made.
var purposes = []string{purposeMaskinporten, purposeAltinn, purposeIDPorten}

// signingKey is one of our private keys, ready to sign.
type signingKey struct {
	kid     string
	alg     string // RS256 or ES256
	purpose string
	signer  crypto.Signer
	// x5t is set for Altinn keys: Altinn puts the certificate thumbprint
	// in the header beside kid.
	x5t string
	// certDER is the Altinn key's self-signed certificate: the platform
	// publishes its signing certificate (x5c) and names keys by its
	// thumbprint.
	certDER []byte
	retired *time.Time
}

// publicJWK is the key as published in a JWKS.
func (k *signingKey) publicJWK() (jwk.Key, error) {
	pk, err := jwk.FromRaw(k.signer.Public())
	if err != nil {
		return nil, err
	}
	_ = pk.Set(jwk.KeyIDKey, k.kid)
	_ = pk.Set(jwk.AlgorithmKey, jwa.SignatureAlgorithm(k.alg))
	_ = pk.Set(jwk.KeyUsageKey, jwk.ForSignature)
	if k.certDER != nil {
		if err := pk.Set(jwk.X509CertChainKey, certChain(k.certDER)); err != nil {
			return nil, err
		}
	}
	return pk, nil
}

func certChain(der []byte) *cert.Chain {
	var c cert.Chain
	_ = c.AddString(base64.StdEncoding.EncodeToString(der))
	return &c
}

// selfSignedCert makes the certificate an Altinn signing key is published
// with.
func selfSignedCert(signer crypto.Signer) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "altinn-sim platform token signing", Organization: []string{"altinn-sim"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	return x509.CreateCertificate(rand.Reader, tmpl, tmpl, signer.Public(), signer)
}

// generateKey makes a new signing key for purpose and alg, with the kid
// style the real issuer uses: Maskinporten's kid is a base64url SHA-256
// thumbprint, Altinn's is an upper-case hex SHA-1 (certificate) thumbprint.
func generateKey(purpose, alg string) (*signingKey, []byte, error) {
	var signer crypto.Signer
	var err error
	switch alg {
	case "RS256":
		signer, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		signer, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		return nil, nil, fmt.Errorf("signing algorithm %q is not RS256 or ES256", alg)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("generate %s key: %w", alg, err)
	}
	k := &signingKey{alg: alg, purpose: purpose, signer: signer}
	if purpose == purposeAltinn {
		if k.certDER, err = selfSignedCert(signer); err != nil {
			return nil, nil, fmt.Errorf("certificate for the Altinn key: %w", err)
		}
	}
	if err := k.deriveIDs(); err != nil {
		return nil, nil, err
	}
	priv, err := jwk.FromRaw(signer)
	if err != nil {
		return nil, nil, fmt.Errorf("encode private key: %w", err)
	}
	if k.certDER != nil {
		_ = priv.Set(jwk.X509CertChainKey, certChain(k.certDER))
	}
	_ = priv.Set(jwk.KeyIDKey, k.kid)
	_ = priv.Set(jwk.AlgorithmKey, jwa.SignatureAlgorithm(alg))
	raw, err := json.Marshal(priv)
	if err != nil {
		return nil, nil, fmt.Errorf("encode private key: %w", err)
	}
	return k, raw, nil
}

func (k *signingKey) deriveIDs() error {
	if k.purpose == purposeAltinn {
		der := k.certDER
		if der == nil {
			var err error
			if der, err = x509.MarshalPKIXPublicKey(k.signer.Public()); err != nil {
				return err
			}
		}
		sum := sha1.Sum(der)
		k.kid = strings.ToUpper(hex.EncodeToString(sum[:]))
		k.x5t = base64.RawURLEncoding.EncodeToString(sum[:])
		return nil
	}
	pk, err := jwk.FromRaw(k.signer.Public())
	if err != nil {
		return err
	}
	tp, err := pk.Thumbprint(crypto.SHA256)
	if err != nil {
		return err
	}
	k.kid = base64.RawURLEncoding.EncodeToString(tp)
	return nil
}

// parseStoredKey turns a signing_keys row back into a signer; an RSA key
// signs through rsaSigner (nil: Go's crypto/rsa).
func parseStoredKey(kid, purpose, alg string, privJWK []byte, retired *time.Time, rsaSigner func(*rsa.PrivateKey) crypto.Signer) (*signingKey, error) {
	key, err := jwk.ParseKey(privJWK)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", kid, err)
	}
	var raw any
	if err := key.Raw(&raw); err != nil {
		return nil, fmt.Errorf("signing key %s: %w", kid, err)
	}
	signer, ok := raw.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("signing key %s is not a private key", kid)
	}
	if rk, ok := signer.(*rsa.PrivateKey); ok {
		// Without the CRT values every signature would recompute (and
		// re-validate) them: several times the cost of the signature.
		if err := rk.Validate(); err != nil {
			return nil, fmt.Errorf("signing key %s: %w", kid, err)
		}
		rk.Precompute()
		if rsaSigner != nil {
			signer = rsaSigner(rk)
		}
	}
	k := &signingKey{kid: kid, alg: alg, purpose: purpose, signer: signer, retired: retired}
	if chain := key.X509CertChain(); chain != nil && chain.Len() > 0 {
		b, _ := chain.Get(0)
		if k.certDER, err = base64.StdEncoding.DecodeString(string(b)); err != nil {
			return nil, fmt.Errorf("signing key %s: certificate: %w", kid, err)
		}
	}
	if purpose == purposeAltinn {
		if err := k.deriveIDs(); err != nil {
			return nil, err
		}
		k.kid = kid
	}
	return k, nil
}

// keyring holds every signing key of the database in memory: the active
// one per purpose and all of them by kid for verification and JWKS.
type keyring struct {
	mu     sync.RWMutex
	active map[string]*signingKey
	byKid  map[string]*signingKey
}

func (kr *keyring) activeKey(purpose string) *signingKey {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.active[purpose]
}

func (kr *keyring) lookup(kid string) *signingKey {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.byKid[kid]
}

func (kr *keyring) all(purpose string) []*signingKey {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	var out []*signingKey
	for _, k := range kr.byKid {
		if k.purpose == purpose {
			out = append(out, k)
		}
	}
	return out
}

func (kr *keyring) replace(keys []*signingKey, alg string) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	kr.byKid = map[string]*signingKey{}
	kr.active = map[string]*signingKey{}
	for _, k := range keys {
		kr.byKid[k.kid] = k
		if k.retired == nil && k.alg == alg {
			kr.active[k.purpose] = k
		}
	}
}

// ensureKeys creates the active key of each purpose for alg when the
// database has none yet, then loads all keys. Two instances starting at
// once may both generate a key; the partial unique index lets exactly one
// insert win (ON CONFLICT DO NOTHING) and both then load the winner. The
// missing keys are generated at once, one per goroutine: an RSA-2048 key
// takes some 100 ms of CPU, most of a fresh start.
func (s *Service) ensureKeys(ctx context.Context) error {
	var missing []string
	for _, purpose := range purposes {
		ok, err := hasActiveKey(ctx, s.pool, purpose, s.set.SigningAlg)
		if err != nil {
			return err
		}
		if !ok {
			missing = append(missing, purpose)
		}
	}
	out := make([]madeKey, len(missing))
	var ahead map[string]madeKey
	ok := false
	if len(missing) > 0 {
		ahead, ok = s.keygen.take(s.set.SigningAlg)
	}
	var wg sync.WaitGroup
	for i, purpose := range missing {
		if ok {
			out[i] = ahead[purpose]
			continue
		}
		wg.Go(func() {
			k, raw, err := generateKey(purpose, s.set.SigningAlg)
			out[i] = madeKey{k, raw, err}
		})
	}
	wg.Wait()
	for _, m := range out {
		if m.err != nil {
			return m.err
		}
		if err := insertKey(ctx, s.pool, m.k, m.raw); err != nil {
			return err
		}
	}
	return s.reloadKeys(ctx)
}

func (s *Service) reloadKeys(ctx context.Context) error {
	keys, err := loadKeys(ctx, s.pool, s.rsaSigner)
	if err != nil {
		return err
	}
	s.keys.replace(keys, s.set.SigningAlg)
	for _, p := range purposes {
		if s.keys.activeKey(p) == nil {
			return fmt.Errorf("no active %s signing key for %s after start-up", p, s.set.SigningAlg)
		}
	}
	return nil
}

// rsaSigner is k's signer from the chosen backend. A key OpenSSL refuses
// or signs wrongly (its self-test) signs with Go: slower, never wrong.
func (s *Service) rsaSigner(k *rsa.PrivateKey) crypto.Signer {
	signer, err := s.rsa.wrap(k)
	if err != nil {
		s.log.Warn("RSA signing key falls back to Go's crypto/rsa", "err", err)
		return k
	}
	return signer
}

// keyByKid finds one of our keys. An unknown kid may be a key another
// instance rotated in: one indexed lookup tells, and only then are the
// keys reloaded.
func (s *Service) keyByKid(ctx context.Context, kid string) *signingKey {
	if k := s.keys.lookup(kid); k != nil {
		return k
	}
	if kid == "" || len(kid) > 100 {
		return nil
	}
	known, err := keyExists(ctx, s.pool, kid)
	if err != nil {
		s.log.Warn("look up signing key", "kid", kid, "err", err)
		return nil
	}
	if !known {
		return nil
	}
	if err := s.reloadKeys(ctx); err != nil {
		s.log.Warn("reload signing keys", "err", err)
	}
	return s.keys.lookup(kid)
}

// jwks returns the public keys of purpose as a JWK set.
func (s *Service) jwks(purpose string) (jwk.Set, error) {
	set := jwk.NewSet()
	cutoff := s.clock.Now().Add(-s.retiredKeyKeep())
	for _, k := range s.keys.all(purpose) {
		if k.retired != nil && k.retired.Before(cutoff) {
			continue
		}
		pk, err := k.publicJWK()
		if err != nil {
			return nil, err
		}
		if err := set.AddKey(pk); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// Package mpgrant is the vendor's side of Maskinporten: making a client key,
// building and signing a JWT-bearer grant, and the /token answer as a
// vendor reads it. The CLI (keys, grant, token), tests and benchmarks use
// it; in the server only the onboarding pages do, to make the key pair the
// real portal's browser makes. It stays free of the server's packages.
package mpgrant

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/jose"
)

// GrantType is the only grant Maskinporten supports.
const GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// JWKS is a public key set as a client registers it.
type JWKS struct {
	Keys []json.RawMessage `json:"keys"`
}

// TokenResponse is the /token answer.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// NewClientKey makes an RSA 2048 key pair as a private JWK with kid (its
// RFC 7638 thumbprint), alg RS256 and use sig.
func NewClientKey() (jwk.Key, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return ClientKeyFromRSA(priv)
}

// ClientKeyFromRSA wraps an existing RSA key as a client JWK.
func ClientKeyFromRSA(priv *rsa.PrivateKey) (jwk.Key, error) {
	k, err := jwk.FromRaw(priv)
	if err != nil {
		return nil, err
	}
	if err := jwk.AssignKeyID(k); err != nil {
		return nil, err
	}
	_ = k.Set(jwk.AlgorithmKey, jwa.RS256)
	_ = k.Set(jwk.KeyUsageKey, jwk.ForSignature)
	return k, nil
}

// ParsePrivateKey reads a client's private key as vendors keep it: a
// private JWK (as 'keys new' writes it), or PEM: PKCS#1 ("RSA PRIVATE
// KEY") or PKCS#8 ("PRIVATE KEY"), as Maskinporten's onboarding hands it
// out. kid, when set, becomes the key's kid; otherwise a JWK keeps its own,
// and a key without one gets its RFC 7638 thumbprint, the kid 'keys new'
// gives and 'keys public' prints. Grants are RSA-signed (RS256, RS384,
// RS512), so other key types are refused.
func ParsePrivateKey(data []byte, kid string) (jwk.Key, error) {
	data = bytes.TrimSpace(data)
	var key jwk.Key
	pemInput := bytes.HasPrefix(data, []byte("-----BEGIN "))
	if pemInput {
		k, err := jwk.ParseKey(data, jwk.WithPEM(true))
		if err != nil {
			return nil, fmt.Errorf("not a PEM key (want PKCS#1 RSA PRIVATE KEY or PKCS#8 PRIVATE KEY): %w", err)
		}
		key = k
	} else {
		k, err := jwk.ParseKey(data)
		if err != nil {
			return nil, fmt.Errorf("not a JWK or a PEM key: %w", err)
		}
		key = k
	}
	if ok, _ := jwk.IsPrivateKey(key); !ok {
		return nil, fmt.Errorf("this is a public key; grants are signed with the private key")
	}
	var rk rsa.PrivateKey
	if key.KeyType() != jwa.RSA || key.Raw(&rk) != nil {
		return nil, fmt.Errorf("this is an %s key; Maskinporten grants are signed with an RSA key (RS256, RS384 or RS512)", key.KeyType())
	}
	if pemInput {
		// PEM has no members; give it those 'keys new' gives a JWK.
		_ = key.Set(jwk.AlgorithmKey, jwa.RS256)
		_ = key.Set(jwk.KeyUsageKey, jwk.ForSignature)
	}
	// (ifs, not a switch: Go's coverage does not mark a switch's case
	// expressions, so mutation testing would count them as never run)
	if kid != "" {
		if err := key.Set(jwk.KeyIDKey, kid); err != nil {
			return nil, err
		}
	} else if key.KeyID() == "" {
		if err := jwk.AssignKeyID(key); err != nil {
			return nil, err
		}
	}
	return key, nil
}

// PrivatePEM encodes a private client key as PKCS#8 PEM ("PRIVATE
// KEY"), the form of the mp-key.pem file Maskinporten's onboarding offers.
// PEM carries no kid: grants signed with it use the thumbprint unless
// given another.
func PrivatePEM(priv jwk.Key) ([]byte, error) {
	var raw any
	if err := priv.Raw(&raw); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(raw)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// PublicJWKS is the public half of priv as a key set to register.
func PublicJWKS(priv jwk.Key) (JWKS, error) {
	// jwx's "public key" of a symmetric key is the key itself: the set
	// would publish the secret.
	if priv.KeyType() == jwa.OctetSeq {
		return JWKS{}, fmt.Errorf("a symmetric (oct) key has no public half")
	}
	pub, err := priv.PublicKey()
	if err != nil {
		return JWKS{}, err
	}
	raw, err := json.Marshal(pub)
	if err != nil {
		return JWKS{}, err
	}
	return JWKS{Keys: []json.RawMessage{raw}}, nil
}

// Options describes a grant the way a vendor builds one.
type Options struct {
	ClientID      string
	Audience      string // the issuer, e.g. http://localhost:8080/
	Scopes        []string
	SystemUserOrg string // customer orgno for a system-user grant
	ExternalRef   string
	// ConsumerOrg, when set, is the consumer_org claim: a supplier asks
	// for a token on behalf of a consumer that delegated the scopes to it
	// in Altinn.
	ConsumerOrg string
	Lifetime    time.Duration // default 60 s
	Now         time.Time     // default time.Now()
	JTI         string        // default a random UUID
}

// Claims builds the claims of a grant (as Altinn's own test
// generator does: aud, iss, sub = client id, scope, iat, exp, jti, and
// authorization_details for a system user).
func Claims(o Options) map[string]any {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	life := o.Lifetime
	if life <= 0 {
		life = 60 * time.Second
	}
	jti := o.JTI
	if jti == "" {
		jti = uuid.NewString()
	}
	c := map[string]any{
		"aud":   o.Audience,
		"iss":   o.ClientID,
		"sub":   o.ClientID,
		"scope": strings.Join(o.Scopes, " "),
		"iat":   now.Unix(),
		"exp":   now.Add(life).Unix(),
		"jti":   jti,
	}
	if o.ConsumerOrg != "" {
		c["consumer_org"] = o.ConsumerOrg
	}
	if o.SystemUserOrg != "" {
		d := map[string]any{
			"type":           "urn:altinn:systemuser",
			"systemuser_org": map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:" + o.SystemUserOrg},
		}
		if o.ExternalRef != "" {
			d["externalRef"] = o.ExternalRef
		}
		c["authorization_details"] = []any{d}
	}
	return c
}

// Sign signs claims with a private client JWK: RS256 (or the key's
// alg), header {alg, kid, typ: JWT}.
func Sign(priv jwk.Key, claims map[string]any) (string, error) {
	var rk rsa.PrivateKey
	if err := priv.Raw(&rk); err != nil {
		return "", fmt.Errorf("the key is not a private RSA key: %w", err)
	}
	alg := priv.Algorithm().String()
	if alg == "" {
		alg = "RS256"
	}
	header := map[string]string{"alg": alg, "kid": priv.KeyID(), "typ": "JWT"}
	return SignJWS(&rk, header, claims)
}

// SignJWS signs any header and claims with an RSA key, exactly as given,
// using the header's alg when it is RS256, RS384 or RS512 and RS256
// otherwise (so tests can build bad grants: no alg, alg none, ES256 over
// an RSA signature...).
func SignJWS(key *rsa.PrivateKey, header any, claims any) (string, error) {
	hb, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	var h struct {
		Alg string `json:"alg"`
	}
	_ = json.Unmarshal(hb, &h)
	alg := "RS256"
	switch h.Alg {
	case "RS384", "RS512":
		alg = h.Alg
	}
	return jose.SignRaw(alg, key, json.RawMessage(hb), claims)
}

// ParseCertificateChain reads an enterprise certificate file: PEM
// CERTIFICATE blocks, the organisation's certificate first, then the CAs
// above it. It returns each certificate's DER, in order, for x5c, and
// checks that the first one is for priv.
func ParseCertificateChain(data []byte, priv jwk.Key) ([][]byte, error) {
	var chain [][]byte
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(chain)+1, err)
		}
		chain = append(chain, block.Bytes)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("no PEM CERTIFICATE in it")
	}
	leaf, _ := x509.ParseCertificate(chain[0])
	var rk rsa.PrivateKey
	if err := priv.Raw(&rk); err != nil {
		return nil, fmt.Errorf("the key is not a private RSA key: %w", err)
	}
	if pub, ok := leaf.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&rk.PublicKey) {
		return nil, fmt.Errorf("its first certificate is not for this private key")
	}
	return chain, nil
}

// SignWithCertificate signs claims as a client without registered keys
// does: RS256 with the enterprise certificate's key, header {alg, x5c,
// typ: JWT} and no kid (Maskinporten refuses both).
func SignWithCertificate(priv jwk.Key, chain [][]byte, claims map[string]any) (string, error) {
	var rk rsa.PrivateKey
	if err := priv.Raw(&rk); err != nil {
		return "", fmt.Errorf("the key is not a private RSA key: %w", err)
	}
	x5c := make([]string, len(chain))
	for i, der := range chain {
		x5c[i] = base64.StdEncoding.EncodeToString(der)
	}
	return SignJWS(&rk, map[string]any{"alg": "RS256", "x5c": x5c, "typ": "JWT"}, claims)
}

// Package jose is altinn-sim's one JWS codec: splitting and decoding a
// compact JWS, reading its header and claims once into typed values, and
// signing and verifying through jwx. Maskinporten's grant checks, the
// checks of our own tokens, the signer and the vendor-side grant signer
// all go through it.
package jose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// The structural checks stay here rather than in jws.Parse because each
// failure has its own wording in Maskinporten's error mapping, which
// jwx's errors do not tell apart.

var b64 = base64.RawURLEncoding

// maxAssertion bounds the size of a JWS we even try to parse.
const maxAssertion = 32 << 10

// JWS is a compact JWS split and decoded, not yet verified.
type JWS struct {
	Header       Header
	Payload      map[string]json.RawMessage
	SigningInput []byte
	Signature    []byte
}

// Decode splits and decodes a compact JWS without verifying it. Its
// checks run in the order their errors are reported, and each error is a
// sentence saying what was wrong (callers put it in their own error: MP-011
// for a grant, 401 for our tokens). It never panics (FuzzParseAssertion).
func Decode(raw string) (*JWS, error) {
	if len(raw) > maxAssertion {
		return nil, fmt.Errorf("The assertion is longer than %d bytes.", maxAssertion)
	}
	if strings.ContainsAny(raw, " \t\r\n") {
		return nil, fmt.Errorf("The assertion contains whitespace or line breaks.")
	}
	parts := strings.Split(raw, ".")
	switch len(parts) {
	case 3:
	case 5:
		return nil, fmt.Errorf("The assertion is an encrypted JWT (JWE); Maskinporten wants a signed JWT (JWS).")
	default:
		return nil, fmt.Errorf("The assertion is not a signed JWT: expected three base64url parts separated by '.', got %d.", len(parts))
	}
	j := &JWS{SigningInput: []byte(raw[:len(parts[0])+1+len(parts[1])])}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("The JWT header is not base64url: %v.", err)
	}
	var header map[string]json.RawMessage
	if err := DecodeObject(hb, &header); err != nil {
		return nil, fmt.Errorf("The JWT header is not a JSON object: %v.", err)
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("The JWT payload is not base64url: %v.", err)
	}
	if err := DecodeObject(pb, &j.Payload); err != nil {
		return nil, fmt.Errorf("The JWT payload is not a JSON object: %v.", err)
	}
	// A NUL in any claim (iss, kid, jti, externalRef...) would reach
	// PostgreSQL, which refuses it, and end as a server_error.
	if problem.HasNULEscape(hb) || problem.HasNULEscape(pb) {
		return nil, fmt.Errorf("The JWT contains a NUL character (\\u0000).")
	}
	if j.Signature, err = b64.DecodeString(parts[2]); err != nil {
		return nil, fmt.Errorf("The JWT signature is not base64url: %v.", err)
	}
	j.Header = readHeader(header)
	return j, nil
}

// DecodeObject decodes exactly one JSON object into a member map, refusing
// anything else: arrays, strings, null, and any data after the object
// (json.Unmarshal checks the whole input, so `{…}{…}` and `{…}}` fail).
func DecodeObject(b []byte, into *map[string]json.RawMessage) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("not an object")
	}
	return json.Unmarshal(b, into)
}

// Header is a JWS header read once. Only what the checks use is
// kept; a member of the wrong type is recorded, not an error yet, so each
// check reports it in its turn.
type Header struct {
	Alg, Kid String
	// x5c and crit are the raw members, nil when absent (a null is
	// present, and malformed).
	X5c, Crit json.RawMessage
}

func readHeader(m map[string]json.RawMessage) Header {
	return Header{Alg: ReadString(m["alg"]), Kid: ReadString(m["kid"]), X5c: m["x5c"], Crit: m["crit"]}
}

// Critical names the header parameters the JWS marks critical, or is ""
// without crit. We implement no JWS extension, so a JWS with any crit
// cannot be understood and must be refused (RFC 7515, the crit header).
func (h Header) Critical() (names string, present bool) {
	if h.Crit == nil {
		return "", false
	}
	var list []string
	if json.Unmarshal(h.Crit, &list) != nil {
		return string(h.Crit), true
	}
	return strings.Join(list, ", "), true
}

func NonNull(raw json.RawMessage) json.RawMessage {
	if raw == nil || string(raw) == "null" {
		return nil
	}
	return raw
}

// String is a string member as read from a token: absent (or null),
// a string, or present but not a string (err set).
type String struct {
	V       string
	Present bool
	Err     error
}

func ReadString(raw json.RawMessage) String {
	if raw == nil || string(raw) == "null" {
		return String{}
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return String{Present: true, Err: fmt.Errorf("must be a string")}
	}
	return String{V: v, Present: true}
}

// NumericDate is a NumericDate member (seconds, possibly fractional; the
// fraction is dropped).
type NumericDate struct {
	V       int64
	Present bool
	Err     error
}

func ReadNumericDate(raw json.RawMessage) NumericDate {
	if raw == nil || string(raw) == "null" {
		return NumericDate{}
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e12 {
		return NumericDate{Present: true, Err: fmt.Errorf("must be a number of seconds since the epoch")}
	}
	return NumericDate{V: int64(f), Present: true}
}

// Strings is a member that may be a string or an array of strings
// (as `aud` may be).
type Strings struct {
	V       []string
	Present bool
	Err     error
}

func ReadStrings(raw json.RawMessage) Strings {
	if raw == nil || string(raw) == "null" {
		return Strings{}
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return Strings{V: []string{one}, Present: true}
	}
	var v []string
	if err := json.Unmarshal(raw, &v); err != nil {
		return Strings{Present: true, Err: fmt.Errorf("must be a string or an array of strings")}
	}
	return Strings{V: v, Present: true}
}

// StringMember reads a string member of a decoded object; present
// reports whether it was there at all (null counts as absent).
func StringMember(m map[string]json.RawMessage, name string) (v string, present bool, err error) {
	c := ReadString(m[name])
	if c.Err != nil {
		return "", true, fmt.Errorf("%s %w", name, c.Err)
	}
	return c.V, c.Present, nil
}

// signableAlgs are the algorithms Verify and Sign accept: the RSA
// PKCS#1 v1.5 family and ECDSA P-256. `none`, HMAC (which would use a
// public key as the secret) and the rest never reach jwx.
var signableAlgs = map[string]jwa.SignatureAlgorithm{
	"RS256": jwa.RS256, "RS384": jwa.RS384, "RS512": jwa.RS512, "ES256": jwa.ES256,
}

// Verify checks a JWS signature made with alg by key (a public key).
func Verify(alg string, key any, input, sig []byte) error {
	a, ok := signableAlgs[alg]
	if !ok {
		return fmt.Errorf("algorithm %q is not supported", alg)
	}
	v, err := jws.NewVerifier(a)
	if err != nil {
		return err
	}
	return v.Verify(input, sig, key)
}

// Sign signs claims with key (a private key or crypto.Signer) under
// alg; header gives the other protected header members (kid, typ, x5t).
func Sign(alg string, key any, header map[string]string, claims any) (string, error) {
	a, ok := signableAlgs[alg]
	if !ok {
		return "", fmt.Errorf("algorithm %q is not supported", alg)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	h := jws.NewHeaders()
	names := make([]string, 0, len(header))
	for name := range header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := h.Set(name, header[name]); err != nil {
			return "", fmt.Errorf("header %s: %w", name, err)
		}
	}
	if cs, ok := key.(crypto.Signer); ok {
		// jwx refuses a key of the wrong type for alg by its Go type,
		// which signerOnly hides, so the check is made here.
		if !fits(alg, cs.Public()) {
			return "", fmt.Errorf("sign %s: the key (%T) is not a key for %s", alg, cs.Public(), alg)
		}
		key = signerOnly{cs}
	}
	out, err := jws.Sign(payload, jws.WithKey(a, key, jws.WithProtectedHeaders(h)))
	if err != nil {
		return "", fmt.Errorf("sign %s: %w", alg, err)
	}
	return string(out), nil
}

// fits reports whether pub is a key of the kind alg signs with: RSA for
// RS256/384/512, ECDSA P-256 for ES256.
func fits(alg string, pub crypto.PublicKey) bool {
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS")
	case *ecdsa.PublicKey:
		return alg == "ES256" && pub.Curve == elliptic.P256()
	}
	return false
}

// signerOnly hides a private key's type from jwx. Given an
// *ecdsa.PrivateKey, jwx signs with a copy of it, and the standard library
// keeps its per-key precomputation by pointer, so every signature would
// redo it (half the ES256 throughput); as a plain crypto.Signer the key is
// used as is.
type signerOnly struct{ crypto.Signer }

// SignRaw signs exactly the header and claims given (any JSON, as a
// test building a bad grant wants them) with key, using jwx's signer for
// alg.
func SignRaw(alg string, key any, header, claims any) (string, error) {
	a, ok := signableAlgs[alg]
	if !ok {
		return "", fmt.Errorf("algorithm %q is not supported", alg)
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	pb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	s, err := jws.NewSigner(a)
	if err != nil {
		return "", err
	}
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(pb)
	sig, err := s.Sign([]byte(input), key)
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
}

package tokens

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// maxAssertion bounds the size of a grant we even try to parse.
const maxAssertion = 32 << 10

// assertion is a parsed, not yet verified, compact JWS grant.
type assertion struct {
	raw          string
	header       map[string]json.RawMessage
	alg          string
	kid          string
	hasKid       bool
	hasX5c       bool
	claims       map[string]json.RawMessage
	signingInput []byte
	signature    []byte
}

var b64 = base64.RawURLEncoding

// parseAssertion splits and decodes a compact JWS without verifying it.
// It never panics on any input (see FuzzParseAssertion) and every failure
// is MP-011 "Invalid parameter value" with what was wrong.
func parseAssertion(raw string) (*assertion, *Error) {
	if len(raw) > maxAssertion {
		return nil, errMalformed("The assertion is longer than %d bytes.", maxAssertion)
	}
	if strings.ContainsAny(raw, " \t\r\n") {
		return nil, errMalformed("The assertion contains whitespace or line breaks.")
	}
	parts := strings.Split(raw, ".")
	switch len(parts) {
	case 3:
	case 5:
		return nil, errMalformed("The assertion is an encrypted JWT (JWE); Maskinporten wants a signed JWT (JWS).")
	default:
		return nil, errMalformed("The assertion is not a signed JWT: expected three base64url parts separated by '.', got %d.", len(parts))
	}
	a := &assertion{raw: raw, signingInput: []byte(parts[0] + "." + parts[1])}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, errMalformed("The JWT header is not base64url: %v.", err)
	}
	if err := decodeObject(hb, &a.header); err != nil {
		return nil, errMalformed("The JWT header is not a JSON object: %v.", err)
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, errMalformed("The JWT payload is not base64url: %v.", err)
	}
	if err := decodeObject(pb, &a.claims); err != nil {
		return nil, errMalformed("The JWT payload is not a JSON object: %v.", err)
	}
	// A NUL in any claim (iss, kid, jti, externalRef...) would reach
	// PostgreSQL, which refuses it, and end as a server_error.
	if problem.HasNULEscape(hb) || problem.HasNULEscape(pb) {
		return nil, errMalformed("The JWT contains a NUL character (\\u0000).")
	}
	if a.signature, err = b64.DecodeString(parts[2]); err != nil {
		return nil, errMalformed("The JWT signature is not base64url: %v.", err)
	}
	alg, ok, err := stringMember(a.header, "alg")
	if err != nil || !ok || alg == "" {
		return nil, errMalformed("The JWT header has no alg.")
	}
	a.alg = alg
	if a.kid, a.hasKid, err = stringMember(a.header, "kid"); err != nil {
		return nil, errMalformed("The JWT header kid must be a string.")
	}
	if x5c, ok := a.header["x5c"]; ok {
		a.hasX5c = true
		var chain []string
		if err := json.Unmarshal(x5c, &chain); err != nil || len(chain) == 0 {
			return nil, newErr(codeInvalidGrant, "MP-123", "Invalid JWT header x5c: it must be a non-empty JSON array of base64 certificates.")
		}
	}
	return a, nil
}

// decodeObject decodes a JSON object into a member map, refusing anything
// else (arrays, strings, trailing data).
func decodeObject(b []byte, into *map[string]json.RawMessage) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("not an object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(into); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the object")
	}
	return nil
}

// stringMember reads a string member; present reports whether it was
// there at all (null counts as absent).
func stringMember(m map[string]json.RawMessage, name string) (v string, present bool, err error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return "", false, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", true, fmt.Errorf("%s must be a string", name)
	}
	return v, true, nil
}

// numericMember reads a NumericDate (seconds, possibly fractional).
func numericMember(m map[string]json.RawMessage, name string) (v int64, present bool, err error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return 0, false, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e12 {
		return 0, true, fmt.Errorf("%s must be a number of seconds since the epoch", name)
	}
	return int64(f), true, nil
}

// stringsMember reads a member that may be a string or an array of
// strings (as `aud` may be).
func stringsMember(m map[string]json.RawMessage, name string) (v []string, present bool, err error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return nil, false, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, true, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, true, fmt.Errorf("%s must be a string or an array of strings", name)
	}
	return v, true, nil
}

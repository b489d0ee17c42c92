package maskinporten

import (
	"encoding/json"

	"github.com/altinn-sim/altinn-sim/internal/jose"
)

// assertion is a parsed, not yet verified, compact JWS grant: its header
// and claims read once into typed values the checks of grant.go use.
type assertion struct {
	raw          string
	header       jose.Header
	claims       grantClaims
	signingInput []byte
	signature    []byte
}

// grantClaims are the claims of a grant the checks read. A claim of the
// wrong type is recorded with its err, not refused here, so each check
// reports it in its turn (the order of grant.go).
type grantClaims struct {
	iss, jti, scope, pid, consumerOrg, issOnBehalfOf jose.String
	aud                                              jose.Strings
	iat, exp, nbf                                    jose.NumericDate
	// resource and authorizationDetails are structured; their checks
	// decode them (nil when absent or null).
	resource, authorizationDetails json.RawMessage
}

func readGrantClaims(m map[string]json.RawMessage) grantClaims {
	return grantClaims{
		iss:                  jose.ReadString(m["iss"]),
		jti:                  jose.ReadString(m["jti"]),
		scope:                jose.ReadString(m["scope"]),
		pid:                  jose.ReadString(m["pid"]),
		consumerOrg:          jose.ReadString(m["consumer_org"]),
		issOnBehalfOf:        jose.ReadString(m["iss_onbehalfof"]),
		aud:                  jose.ReadStrings(m["aud"]),
		iat:                  jose.ReadNumericDate(m["iat"]),
		exp:                  jose.ReadNumericDate(m["exp"]),
		nbf:                  jose.ReadNumericDate(m["nbf"]),
		resource:             jose.NonNull(m["resource"]),
		authorizationDetails: jose.NonNull(m["authorization_details"]),
	}
}

// parseAssertion decodes a grant without verifying it. It never panics
// on any input (see FuzzParseAssertion) and every failure is MP-011
// "Invalid parameter value" with what was wrong, but a malformed x5c,
// which Maskinporten reports as MP-123.
func parseAssertion(raw string) (*assertion, *Error) {
	j, err := jose.Decode(raw)
	if err != nil {
		return nil, errMalformed("%s", err.Error())
	}
	a := &assertion{raw: raw, header: j.Header, claims: readGrantClaims(j.Payload), signingInput: j.SigningInput, signature: j.Signature}
	if alg := a.header.Alg; alg.Err != nil || !alg.Present || alg.V == "" {
		return nil, errMalformed("The JWT header has no alg.")
	}
	if a.header.Kid.Err != nil {
		return nil, errMalformed("The JWT header kid must be a string.")
	}
	if a.header.X5c != nil {
		var chain []string
		if err := json.Unmarshal(a.header.X5c, &chain); err != nil || len(chain) == 0 {
			return nil, newErr(codeInvalidGrant, "MP-123", "Invalid JWT header x5c: it must be a non-empty JSON array of base64 certificates.")
		}
	}
	return a, nil
}

package tokens

import (
	"encoding/json"
)

// assertion is a parsed, not yet verified, compact JWS grant: its header
// and claims read once into typed values the checks of grant.go use.
type assertion struct {
	raw          string
	header       joseHeader
	claims       grantClaims
	signingInput []byte
	signature    []byte
}

// grantClaims are the claims of a grant the checks read. A claim of the
// wrong type is recorded with its err, not refused here, so each check
// reports it in its turn (the order of grant.go).
type grantClaims struct {
	iss, jti, scope, pid, consumerOrg, issOnBehalfOf claimString
	aud                                              claimStrings
	iat, exp, nbf                                    claimTime
	// resource and authorizationDetails are structured; their checks
	// decode them (nil when absent or null).
	resource, authorizationDetails json.RawMessage
}

func readGrantClaims(m map[string]json.RawMessage) grantClaims {
	return grantClaims{
		iss:                  readString(m["iss"]),
		jti:                  readString(m["jti"]),
		scope:                readString(m["scope"]),
		pid:                  readString(m["pid"]),
		consumerOrg:          readString(m["consumer_org"]),
		issOnBehalfOf:        readString(m["iss_onbehalfof"]),
		aud:                  readStrings(m["aud"]),
		iat:                  readTime(m["iat"]),
		exp:                  readTime(m["exp"]),
		nbf:                  readTime(m["nbf"]),
		resource:             nonNull(m["resource"]),
		authorizationDetails: nonNull(m["authorization_details"]),
	}
}

// parseAssertion decodes a grant without verifying it. It never panics
// on any input (see FuzzParseAssertion) and every failure is MP-011
// "Invalid parameter value" with what was wrong, but a malformed x5c,
// which Maskinporten reports as MP-123.
func parseAssertion(raw string) (*assertion, *Error) {
	j, err := decodeJWS(raw)
	if err != nil {
		return nil, errMalformed("%s", err.Error())
	}
	a := &assertion{raw: raw, header: j.header, claims: readGrantClaims(j.payload), signingInput: j.signingInput, signature: j.signature}
	if alg := a.header.alg; alg.err != nil || !alg.present || alg.v == "" {
		return nil, errMalformed("The JWT header has no alg.")
	}
	if a.header.kid.err != nil {
		return nil, errMalformed("The JWT header kid must be a string.")
	}
	if a.header.x5c != nil {
		var chain []string
		if err := json.Unmarshal(a.header.x5c, &chain); err != nil || len(chain) == 0 {
			return nil, newErr(codeInvalidGrant, "MP-123", "Invalid JWT header x5c: it must be a non-empty JSON array of base64 certificates.")
		}
	}
	return a, nil
}

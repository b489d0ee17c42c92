package exchange

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// ErrExchange is what Exchange wraps for any token it refuses; the
// endpoint answers 401 with an empty body, as the platform does.
var ErrExchange = errors.New("token exchange refused")

// orgCodes maps organisation numbers to Altinn org codes for the
// `urn:altinn:org` claim of service-owner tokens; with ?test=true digdir
// becomes ttd, as on the platform.
var orgCodes = map[string]string{
	"991825827": "digdir",
	"974761076": "skd",
}

// Exchange turns one of our Maskinporten tokens into an Altinn token: all claims but aud, iss,
// client_amr and sid are kept, the Altinn claims are added, and
// authorization_details collapses to a single object as .NET does.
func (s *Service) Exchange(ctx context.Context, raw string, test bool) (string, error) {
	v, err := s.signer.VerifyOurs(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrExchange, err)
	}
	if v.Purpose != signing.Maskinporten {
		return "", fmt.Errorf("%w: not a Maskinporten token", ErrExchange)
	}
	org, ok := signing.OrgClaim(v.Claims["consumer"])
	orgNo := org.OrgNo()
	if !ok || orgNo == "" {
		return "", fmt.Errorf("%w: the token has no valid consumer claim", ErrExchange)
	}
	claims := make(map[string]any, len(v.Claims)+8)
	for k, val := range v.Claims {
		switch k {
		case "aud", "iss", "client_amr", "sid", "nbf", "iat", "exp", "jti":
			continue
		}
		claims[k] = val
	}
	if list, ok := claims["authorization_details"].([]any); ok && len(list) == 1 {
		claims["authorization_details"] = list[0]
	}
	claims["urn:altinn:orgNumber"] = orgNo
	claims["urn:altinn:authenticatemethod"] = "maskinporten"
	claims["urn:altinn:authlevel"] = 3
	if sc, _ := claims["scope"].(string); slices.Contains(strings.Fields(sc), "altinn:serviceowner") {
		if code, ok := orgCodes[orgNo]; ok {
			if test && code == "digdir" {
				code = "ttd"
			}
			claims["urn:altinn:org"] = code
		}
	}
	s.altinnClaims(claims, s.clock.Now())
	return s.signAltinn(claims)
}

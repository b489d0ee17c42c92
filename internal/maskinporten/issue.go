package maskinporten

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// Issue signs the access token for a validated grant. It checks nothing:
// ValidateGrant did.
func (s *Service) Issue(ctx context.Context, g Grant) (TokenResponse, error) {
	claims := s.newAccessClaims(g.Client.ClientID, g.ConsumerOrgNo(), g.Scopes, g.AuthorizationDetails)
	claims.Aud = g.Audience
	if g.Consumer != "" {
		// A supplier's token for a consumer that delegated the scopes:
		// consumer is the delegating organisation, supplier the client's.
		sup := signing.NewOrgID(g.Client.OrgNo)
		claims.Supplier = &sup
		claims.DelegationSource = g.DelegationSource
	}
	claims.PID = g.PID
	if g.ClientAmr != "" {
		claims.ClientAmr = g.ClientAmr
	}
	return s.signAccess(claims)
}

// newAccessClaims is the payload of a Maskinporten access token issued
// now to clientID of consumerOrgNo; Issue and Mint both start here.
func (s *Service) newAccessClaims(clientID, consumerOrgNo string, scopes []string, details []signing.AuthorizationDetail) accessClaims {
	now := s.clock.Now()
	return accessClaims{
		AuthorizationDetails: details,
		Scope:                strings.Join(scopes, " "),
		Iss:                  s.set.Issuer,
		ClientAmr:            amrPrivateKeyJWT,
		TokenType:            "Bearer",
		Exp:                  now.Add(s.set.TokenLifetime).Unix(),
		Iat:                  now.Unix(),
		ClientID:             clientID,
		Jti:                  randomJTI(),
		Consumer:             signing.NewOrgID(consumerOrgNo),
	}
}

// Mint signs a Maskinporten access token without a grant: the control
// API's test tokens.
func (s *Service) Mint(clientID, consumerOrgNo string, scopes []string, details []signing.AuthorizationDetail) (TokenResponse, error) {
	return s.signAccess(s.newAccessClaims(clientID, consumerOrgNo, scopes, details))
}

func (s *Service) signAccess(claims accessClaims) (TokenResponse, error) {
	tok, err := s.signer.Sign(signing.Maskinporten, claims)
	if err != nil {
		return TokenResponse{}, err
	}
	return TokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: claims.Exp - claims.Iat, Scope: claims.Scope}, nil
}

// randomJTI is 32 random bytes in base64url: 43 characters, like
// Maskinporten's.
func randomJTI() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

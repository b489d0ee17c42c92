package tokens

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/jose"
)

// Issue signs the access token for a validated grant. It checks nothing:
// ValidateGrant did.
func (s *Service) Issue(ctx context.Context, g Grant) (TokenResponse, error) {
	claims := s.newAccessClaims(g.Client.ClientID, g.Client.OrgNo, g.Scopes, g.AuthorizationDetails)
	claims.Aud = g.Audience
	claims.PID = g.PID
	return s.signAccess(claims)
}

// newAccessClaims is the payload of a Maskinporten access token issued
// now to clientID of consumerOrgNo; Issue and TestToken both start here.
func (s *Service) newAccessClaims(clientID, consumerOrgNo string, scopes []string, details []AuthorizationDetail) accessClaims {
	now := s.clock.Now()
	return accessClaims{
		AuthorizationDetails: details,
		Scope:                strings.Join(scopes, " "),
		Iss:                  s.set.Issuer,
		ClientAmr:            "private_key_jwt",
		TokenType:            "Bearer",
		Exp:                  now.Add(s.set.TokenLifetime).Unix(),
		Iat:                  now.Unix(),
		ClientID:             clientID,
		Jti:                  randomJTI(),
		Consumer:             NewOrgID(consumerOrgNo),
	}
}

func (s *Service) signAccess(claims accessClaims) (TokenResponse, error) {
	tok, err := signJWT(s.signingKey(purposeMaskinporten), claims)
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

// signJWT serialises claims and signs them with key. Maskinporten's
// header is exactly kid and alg (no typ); Altinn's adds x5t and typ.
func signJWT(key *signingKey, claims any) (string, error) {
	h := map[string]string{"kid": key.kid}
	if key.purpose == purposeAltinn {
		h["x5t"], h["typ"] = key.x5t, "JWT"
	}
	tok, err := jose.Sign(key.alg, key.signer, h, claims)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return tok, nil
}

// signAltinn signs an Altinn platform token (exchange and person tokens).
func (s *Service) signAltinn(claims map[string]any) (string, error) {
	return signJWT(s.signingKey(purposeAltinn), claims)
}

// signingKey is the active key of purpose, after looking (in the
// background, at most every keyReloadEvery) for keys another instance
// rotated in, so no kind of token keeps being signed with a retired key.
func (s *Service) signingKey(purpose string) *signingKey {
	s.maybeReloadKeys()
	return s.keys.activeKey(purpose)
}

// altinnClaims adds the claims every Altinn token carries.
func (s *Service) altinnClaims(claims map[string]any, now time.Time) {
	claims["iss"] = s.set.AltinnIssuer
	claims["sid"] = uuid.NewString()
	claims["jti"] = uuid.NewString()
	claims["nbf"] = now.Unix()
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(s.set.AltinnLifetime).Unix()
}

package exchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// ErrRefresh is what Refresh wraps for a token it will not refresh; the
// endpoint answers 401.
var ErrRefresh = errors.New("token refresh refused")

// Refresh is GET /authentication/api/v1/refresh
// (AuthenticationController.RefreshJwtCookie): the caller's Altinn token
// signed again with every claim kept — sid, jti and the issuer included —
// and a new iat, nbf and exp (now + the Altinn lifetime). With enrichPid a
// person token without pid gets the pid of the person its
// urn:altinn:party:uuid names, as the platform asks Register.
//
// Only Altinn tokens are refreshed: the platform's JWT cookie handler
// validates against Altinn's own signing keys, and the emulator has no
// other issuer whose tokens the platform would sign again.
func (s *Service) Refresh(ctx context.Context, raw string, enrichPid bool) (string, error) {
	v, err := s.signer.VerifyOurs(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrRefresh, err)
	}
	if v.Purpose != signing.Altinn {
		return "", fmt.Errorf("%w: not an Altinn token (exchange it at /authentication/api/v1/exchange first)", ErrRefresh)
	}
	claims := make(map[string]any, len(v.Claims)+1)
	for k, val := range v.Claims {
		claims[k] = val
	}
	if enrichPid {
		if err := s.enrichPid(ctx, claims); err != nil {
			return "", err
		}
	}
	now := s.clock.Now()
	claims["iat"] = now.Unix()
	claims["nbf"] = now.Unix()
	claims["exp"] = now.Add(s.set.AltinnLifetime).Unix()
	return s.signAltinn(claims)
}

// enrichPid adds pid from the person the token's party uuid names, when
// the token has none; a party that is no person (or none) adds nothing.
func (s *Service) enrichPid(ctx context.Context, claims map[string]any) error {
	if _, ok := claims["pid"]; ok || s.persons == nil {
		return nil
	}
	str, _ := claims["urn:altinn:party:uuid"].(string)
	id, err := uuid.Parse(str)
	if err != nil || id == uuid.Nil {
		return nil
	}
	p, err := s.persons.PersonByPartyUUID(ctx, id)
	if errors.Is(err, dberr.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if p.PID != "" {
		claims["pid"] = p.PID
	}
	return nil
}

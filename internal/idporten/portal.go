package idporten

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
)

// PortalAuthorizeURL is where the portal sends a browser to log in: the
// authorization endpoint for the portal's client, with state, the PKCE
// challenge of verifier and the page's language. prompt=login: every
// portal login picks its test person.
func (s *Service) PortalAuthorizeURL(state, verifier, lang string) string {
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"client_id": {PortalClientID}, "redirect_uri": {s.portalClient().RedirectURIs[0]},
		"response_type": {"code"}, "scope": {"openid"}, "state": {state}, "prompt": {"login"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"ui_locales": {lang}}
	return "/idporten/authorize?" + q.Encode()
}

// PortalLogin redeems a code the portal's callback got and says who logged
// in: the same checks as the token endpoint's (single use, lifetime, the
// portal's redirect URI, PKCE).
func (s *Service) PortalLogin(ctx context.Context, code, verifier string) (pid string, err error) {
	c := s.portalClient()
	g, err := s.redeemGrant(ctx, c, code, c.RedirectURIs[0], verifier)
	if err != nil {
		return "", err
	}
	return g.PID, nil
}

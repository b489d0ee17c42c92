package accesslists

import (
	"context"
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// AccessTokens verifies platform access tokens (the PlatformAccessToken
// header Altinn's own components send) and gives their issuer.
type AccessTokens interface {
	AccessTokenIssuer(ctx context.Context, raw string) (string, error)
}

// SetVerifiers gives the platform-internal operations their token checks:
// bearer tokens (as the other routes' guard checks them) and platform
// access tokens. Without them those operations answer 401.
func (s *Service) SetVerifiers(bearer auth.Verifier, tokens AccessTokens) {
	s.bearer, s.tokens = bearer, tokens
}

// platformIssuer is the issuer the registry's and Authorization's
// access-token requirements name.
const platformIssuer = "platform"

// platformOnly guards an operation Altinn opens to its own components: a
// platform access token issued by "platform" (header PlatformAccessToken),
// or, when scopes are given, a bearer token holding one of them (the
// registry's InternalScopeOrAccessTokenRequirement). Otherwise 401 for a
// caller without a valid bearer token, 403 for one with.
func (s *Service) platformOnly(h route.HandlerFunc, scopes ...string) http.Handler {
	return route.E(func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		if raw := r.Header.Get("PlatformAccessToken"); raw != "" && s.tokens != nil {
			if iss, err := s.tokens.AccessTokenIssuer(ctx, raw); err == nil && iss == platformIssuer {
				return h(w, r)
			}
		}
		raw, ok := auth.Bearer(r)
		if !ok || s.bearer == nil {
			w.Header().Set("WWW-Authenticate", "Bearer")
			return problem.Unauthorized.WithDetail("a platform access token issued by %q (header PlatformAccessToken) is required", platformIssuer)
		}
		c, err := s.bearer.Verify(ctx, raw)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			p := problem.Unauthorized.WithDetail("%v", err)
			p.Err = err
			return p
		}
		if len(scopes) > 0 && c.HasScope(scopes...) {
			return h(w, r.WithContext(auth.WithCaller(ctx, c)))
		}
		if len(scopes) > 0 {
			return problem.Forbidden.WithDetail("a platform access token issued by %q, or a token with one of the scopes %v, is required", platformIssuer, scopes)
		}
		return problem.Forbidden.WithDetail("a platform access token issued by %q (header PlatformAccessToken) is required", platformIssuer)
	})
}

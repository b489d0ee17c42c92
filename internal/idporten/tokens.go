package idporten

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// tokens issues the access token, the id token (when openid was asked
// for) and a new refresh token for g.
func (s *Service) tokens(ctx context.Context, c Client, g grant, withNonce bool) (TokenResponse, error) {
	now := s.clock.Now()
	exp := now.Add(tokenLifetime)
	sub := pairwiseSub(c.ClientID, g.PID)
	amr := []string{amrTestID}
	at := map[string]any{
		"iss": s.issuer, "client_amr": c.usedMethod, "token_type": "Bearer", "client_id": c.ClientID,
		// ID-porten's aud when the client asked for no particular resource.
		"aud": "unspecified", "sub": sub, "pid": g.PID, "acr": g.ACR, "amr": amr, "scope": g.Scope,
		"sid": g.SID, "locale": g.Locale, "auth_time": g.AuthTime.Unix(),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(), "jti": uuid.NewString(),
	}
	if c.OrgNo != "" {
		at["consumer"] = signing.NewOrgID(c.OrgNo)
	}
	access, err := s.signer.Sign(signing.IDPorten, at)
	if err != nil {
		return TokenResponse{}, err
	}
	resp := TokenResponse{AccessToken: access, TokenType: "Bearer", ExpiresIn: int64(tokenLifetime.Seconds()), Scope: g.Scope}
	if hasScope(g.Scope, "openid") {
		it := map[string]any{
			"iss": s.issuer, "aud": c.ClientID, "sub": sub, "pid": g.PID, "acr": g.ACR, "amr": amr,
			"auth_time": g.AuthTime.Unix(), "sid": g.SID, "locale": g.Locale, "at_hash": atHash(access),
			"iat": now.Unix(), "exp": exp.Unix(), "jti": uuid.NewString(),
		}
		if withNonce && g.Nonce != "" {
			it["nonce"] = g.Nonce
		}
		if resp.IDToken, err = s.signer.Sign(signing.IDPorten, it); err != nil {
			return TokenResponse{}, err
		}
	}
	refresh := randomToken()
	rg := g
	rg.Expires = g.AuthTime.Add(sessionLifetime)
	if err := insertRefresh(ctx, s.pool, hashToken(refresh), rg); err != nil {
		return TokenResponse{}, err
	}
	resp.RefreshToken = refresh
	resp.RefreshTokenExpiresIn = int64(rg.Expires.Sub(now).Seconds())
	return resp, nil
}

// pairwiseSub is the person's subject for one client: the same for every
// login at that client, different between clients, as ID-porten's.
func pairwiseSub(clientID, pid string) string {
	sum := sha256.Sum256([]byte("idporten-sub\x00" + clientID + "\x00" + pid))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// atHash is the id token's at_hash for an RS256/ES256-signed access
// token: the left half of its SHA-256, base64url.
func atHash(access string) string {
	sum := sha256.Sum256([]byte(access))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

func hasScope(scope, want string) bool {
	for _, s := range strings.Fields(scope) {
		if s == want {
			return true
		}
	}
	return false
}

// AccessToken is a verified ID-porten access token.
type AccessToken struct {
	Claims map[string]any
}

// VerifyAccessToken checks an access token we issued as ID-porten (not an
// id token, not another issuer's token).
func (s *Service) VerifyAccessToken(ctx context.Context, raw string) (AccessToken, error) {
	return VerifyAccessToken(ctx, s.signer, raw)
}

// VerifyAccessToken is VerifyAccessToken for callers that hold only the
// signer (the exchange).
func VerifyAccessToken(ctx context.Context, signer *signing.Service, raw string) (AccessToken, error) {
	v, err := signer.VerifyOurs(ctx, raw)
	if err != nil {
		return AccessToken{}, err
	}
	if v.Purpose != signing.IDPorten {
		return AccessToken{}, fmt.Errorf("not an ID-porten token")
	}
	if tt, _ := v.Claims["token_type"].(string); tt != "Bearer" {
		return AccessToken{}, fmt.Errorf("not an ID-porten access token")
	}
	return AccessToken{Claims: v.Claims}, nil
}

// sessionActive says whether the login session sid still exists (for
// userinfo, which ID-porten answers only while the session lives).
func (s *Service) sessionActive(ctx context.Context, sid string) (bool, error) {
	ss, err := sessionBySID(ctx, s.pool, sid)
	if err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	return ss.Expires.After(s.clock.Now()), nil
}

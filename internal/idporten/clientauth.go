package idporten

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/jose"
)

const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// authenticateClient finds the client of a token request and checks its
// credentials: HTTP Basic (client_secret_basic), client_secret in the form
// (client_secret_post) or a signed client_assertion (private_key_jwt). The
// method must be one the client is registered with. Every failure is
// invalid_client.
func (s *Service) authenticateClient(ctx context.Context, r *http.Request, form url.Values) (Client, error) {
	bad := func(format string, args ...any) (Client, error) {
		return Client{}, oauthErr("invalid_client", format, args...)
	}
	var id, method, secret, assertion string
	user, pass, basic := r.BasicAuth()
	switch {
	case basic:
		// RFC 6749 form-encodes both before Basic encoding.
		var err1, err2 error
		id, err1 = url.QueryUnescape(user)
		secret, err2 = url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			return bad("the Basic credentials are not form-encoded")
		}
		method = AuthSecretBasic
		if form.Has("client_secret") || form.Has("client_assertion") {
			return bad("use one client authentication method, not several")
		}
	case form.Has("client_assertion"):
		if t := form.Get("client_assertion_type"); t != assertionType {
			return bad("client_assertion_type must be %s", assertionType)
		}
		method, assertion = AuthPrivateKeyJWT, form.Get("client_assertion")
		if form.Has("client_secret") {
			return bad("use one client authentication method, not several")
		}
	case form.Has("client_secret"):
		id, secret, method = form.Get("client_id"), form.Get("client_secret"), AuthSecretPost
	default:
		return bad("the client did not authenticate (client_secret_basic, client_secret_post or private_key_jwt)")
	}
	if method == AuthPrivateKeyJWT {
		j, err := jose.Decode(assertion)
		if err != nil {
			return bad("client_assertion: %v", err)
		}
		iss := jose.ReadString(j.Payload["iss"])
		if iss.Err != nil || iss.V == "" {
			return bad("client_assertion has no iss")
		}
		id = iss.V
		c, err := s.clientFor(ctx, id, method)
		if err != nil {
			return Client{}, err
		}
		if err := s.checkAssertion(ctx, c, j); err != nil {
			return Client{}, err
		}
		if fid := form.Get("client_id"); fid != "" && fid != c.ClientID {
			return bad("client_id does not match the client_assertion's iss")
		}
		c.usedMethod = method
		return c, nil
	}
	if fid := form.Get("client_id"); method == AuthSecretBasic && fid != "" && fid != id {
		return bad("client_id does not match the Basic credentials")
	}
	c, err := s.clientFor(ctx, id, method)
	if err != nil {
		return Client{}, err
	}
	if !c.secretMatches(secret) {
		return bad("wrong client secret for client %s", id)
	}
	c.usedMethod = method
	return c, nil
}

// clientFor is the client id authenticating with method.
func (s *Service) clientFor(ctx context.Context, id, method string) (Client, error) {
	if id == "" {
		return Client{}, oauthErr("invalid_client", "client_id is missing")
	}
	c, err := s.client(ctx, id)
	if errors.Is(err, dberr.ErrNotFound) {
		return Client{}, oauthErr("invalid_client", "unknown client %s", id)
	}
	if err != nil {
		return Client{}, err
	}
	if !slices.Contains(c.AuthMethods, method) {
		return Client{}, oauthErr("invalid_client", "client %s is not registered for %s", id, method)
	}
	return c, nil
}

// checkAssertion verifies a private_key_jwt client assertion: a key of
// the client's JWKS by kid, the signature, sub = iss, aud naming the
// issuer or the token endpoint, a short lifetime and a jti used once.
func (s *Service) checkAssertion(ctx context.Context, c Client, j *jose.JWS) error {
	bad := func(format string, args ...any) error {
		return oauthErr("invalid_client", "client_assertion: "+format, args...)
	}
	set, err := jwk.Parse(c.JWKS)
	if err != nil {
		return bad("the client's registered keys do not parse")
	}
	key, ok := set.LookupKeyID(j.Header.Kid.V)
	if !ok || j.Header.Kid.V == "" {
		return bad("kid %q is not one of the client's keys", j.Header.Kid.V)
	}
	if _, crit := j.Header.Critical(); crit {
		return bad("crit is not supported")
	}
	var pub any
	if err := key.Raw(&pub); err != nil {
		return bad("the client's key %q is unusable", j.Header.Kid.V)
	}
	if err := jose.Verify(j.Header.Alg.V, pub, j.SigningInput, j.Signature); err != nil {
		return bad("the signature does not verify")
	}
	if sub := jose.ReadString(j.Payload["sub"]); sub.V != c.ClientID {
		return bad("sub must be the client id")
	}
	aud := jose.ReadStrings(j.Payload["aud"])
	if !slices.Contains(aud.V, s.issuer) && !slices.Contains(aud.V, s.issuer+"/token") {
		return bad("aud must be %s", s.issuer)
	}
	now := s.clock.Now()
	skew := 10 * time.Second
	exp, iat := jose.ReadNumericDate(j.Payload["exp"]), jose.ReadNumericDate(j.Payload["iat"])
	if !exp.Present || exp.Err != nil || !iat.Present || iat.Err != nil {
		return bad("iat and exp are required")
	}
	expT, iatT := time.Unix(exp.V, 0), time.Unix(iat.V, 0)
	if !expT.After(now.Add(-skew)) {
		return bad("expired")
	}
	if iatT.After(now.Add(skew)) {
		return bad("iat is in the future")
	}
	if expT.Sub(iatT) > maxAssertionLifetime {
		return bad("exp - iat must be at most %d seconds", int(maxAssertionLifetime.Seconds()))
	}
	jti := jose.ReadString(j.Payload["jti"])
	if jti.V == "" {
		return bad("jti is required")
	}
	fresh, err := useAssertionJTI(ctx, s.pool, c.ClientID, jti.V, expT.Add(skew))
	if err != nil {
		return err
	}
	if !fresh {
		return bad("jti %q has been used before", jti.V)
	}
	return nil
}

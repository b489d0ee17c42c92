package idporten

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// Demo client: a confidential client for quick starts that accepts any
// loopback redirect URI, as a developer's local app picks its own port.
const (
	DemoClientID     = "demo-idporten-client"
	DemoClientSecret = "demo-secret"
)

func demoClient() Client {
	sum := sha256.Sum256([]byte(DemoClientSecret))
	return Client{
		ClientID: DemoClientID, Name: "ID-porten demo client", AnyLoopback: true, AnyAltinnScope: true,
		AuthMethods: []string{AuthSecretBasic, AuthSecretPost}, SecretSHA256: sum[:],
	}
}

// client finds an integration: the demo client or a registered one
// (db.ErrNotFound when neither).
func (s *Service) client(ctx context.Context, id string) (Client, error) {
	if id == DemoClientID {
		return demoClient(), nil
	}
	if id == "" || len(id) > 200 {
		return Client{}, db.ErrNotFound
	}
	return clientByID(ctx, s.pool, id)
}

// NewClient is an ID-porten integration as the self-service clients API
// registers it (integration_type idporten).
type NewClient struct {
	ClientID               string
	OrgNo                  string
	Name                   string
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	Scopes                 []string
	// AuthMethod is client_secret_basic, client_secret_post or
	// private_key_jwt; Secret is required for the first two, JWKS for
	// the last.
	AuthMethod string
	Secret     string
	JWKS       []byte
}

// RegisterClient stores (or replaces) an ID-porten integration, inside
// the caller's transaction q. It is the seam for the self-service API.
func (s *Service) RegisterClient(ctx context.Context, q db.Querier, c NewClient) error {
	if c.ClientID == "" || c.ClientID == DemoClientID {
		return fmt.Errorf("idporten: client id %q cannot be registered", c.ClientID)
	}
	if len(c.RedirectURIs) == 0 {
		return fmt.Errorf("idporten: client %s needs at least one redirect URI", c.ClientID)
	}
	for _, u := range append(slices.Clone(c.RedirectURIs), c.PostLogoutRedirectURIs...) {
		if !absoluteURI(u) {
			return fmt.Errorf("idporten: %q is not an absolute URI without a fragment", u)
		}
	}
	var secret []byte
	switch c.AuthMethod {
	case AuthSecretBasic, AuthSecretPost:
		if c.Secret == "" {
			return fmt.Errorf("idporten: client %s needs a secret for %s", c.ClientID, c.AuthMethod)
		}
		sum := sha256.Sum256([]byte(c.Secret))
		secret = sum[:]
	case AuthPrivateKeyJWT:
		if len(c.JWKS) == 0 {
			return fmt.Errorf("idporten: client %s needs a JWKS for private_key_jwt", c.ClientID)
		}
	default:
		return fmt.Errorf("idporten: token_endpoint_auth_method %q is not supported", c.AuthMethod)
	}
	jwks := c.JWKS
	if len(jwks) == 0 {
		jwks = []byte(`{"keys":[]}`)
	}
	return upsertClient(ctx, q, c, secret, jwks, s.clock.Now())
}

// DeleteClient removes an ID-porten integration (inside q).
func (s *Service) DeleteClient(ctx context.Context, q db.Querier, clientID string) error {
	return deleteClient(ctx, q, clientID)
}

func absoluteURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != "" && u.Fragment == "" && !strings.Contains(s, "#")
}

// redirectAllowed says whether uri is one of the client's redirect URIs:
// exact string match, as ID-porten compares them; the demo client takes
// any http loopback URI on any port.
func (c Client) redirectAllowed(uri string) bool {
	if c.AnyLoopback {
		return isLoopback(uri)
	}
	return slices.Contains(c.RedirectURIs, uri)
}

func (c Client) postLogoutAllowed(uri string) bool {
	if c.AnyLoopback {
		return isLoopback(uri)
	}
	return slices.Contains(c.PostLogoutRedirectURIs, uri)
}

// isLoopback: http://127.0.0.1[:port]/… or http://localhost[:port]/…,
// without a fragment or user info.
func isLoopback(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" || strings.Contains(s, "#") {
		return false
	}
	host := u.Hostname()
	if host != "127.0.0.1" && host != "localhost" && host != "::1" {
		return false
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return false
		}
	}
	return true
}

// scopeAllowed says whether the client may ask for scope.
func (c Client) scopeAllowed(scope string) bool {
	switch scope {
	case "openid", "profile":
		return true
	}
	if c.AnyAltinnScope && strings.HasPrefix(scope, "altinn:") && len(scope) > len("altinn:") {
		return true
	}
	return slices.Contains(c.Scopes, scope)
}

// secretMatches compares a presented secret with the stored hash in
// constant time.
func (c Client) secretMatches(secret string) bool {
	if len(c.SecretSHA256) == 0 || secret == "" {
		return false
	}
	sum := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(sum[:], c.SecretSHA256) == 1
}

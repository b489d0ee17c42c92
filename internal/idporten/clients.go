package idporten

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
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

// Integrations finds the ID-porten integrations of the client register
// (the self-service API's integration_type idporten): dberr.ErrNotFound for
// an unknown id or a client of another kind.
type Integrations interface {
	IDPortenClient(ctx context.Context, clientID string) (Client, error)
}

// PortalClientID is the emulator's own portal, which logs persons in
// through ID-porten as Altinn's portal does. It has no secret: the portal
// redeems its codes in the same process (PortalLogin), never at the
// token endpoint.
const PortalClientID = "altinn-portal"

// PortalCallback is the portal's one redirect URI, under the public URL.
const PortalCallback = "/portal/login/callback"

func (s *Service) portalClient() Client {
	base := strings.TrimSuffix(s.issuer, "/idporten")
	return Client{ClientID: PortalClientID, Name: "Altinn", RedirectURIs: []string{base + PortalCallback}}
}

// client finds an integration: the demo client, the portal or a
// registered one (dberr.ErrNotFound when none).
func (s *Service) client(ctx context.Context, id string) (Client, error) {
	switch id {
	case DemoClientID:
		return demoClient(), nil
	case PortalClientID:
		return s.portalClient(), nil
	}
	if id == "" || len(id) > 200 || s.integrations == nil {
		return Client{}, dberr.ErrNotFound
	}
	return s.integrations.IDPortenClient(ctx, id)
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

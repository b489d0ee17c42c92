package simtest

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// Scopes a vendor's and a service owner's Maskinporten clients need on the
// journey.
const (
	ScopeSystemRegisterWrite = "altinn:authentication/systemregister.write"
	ScopeRequestWrite        = "altinn:authentication/systemuser.request.write"
	ScopeRequestRead         = "altinn:authentication/systemuser.request.read"
	ScopeAuthorize           = "altinn:authorization/authorize"
)

// VendorScopes are the scopes a vendor's client needs to register a
// system, ask for system users and read them.
func VendorScopes() []string {
	return []string{ScopeSystemRegisterWrite, ScopeRequestWrite, ScopeRequestRead}
}

// Client is a Maskinporten client registered on the server, with the
// private half of its key.
type Client struct {
	// ID is the client id: a grant's iss.
	ID     string
	OrgNo  string
	Scopes []string
	// PrivateKey and KeyID sign grants (KeyID is the header's kid). The
	// public half is registered on the client.
	PrivateKey *rsa.PrivateKey
	KeyID      string

	key jwk.Key
}

// PrivateJWK is the private key as a JWK (kid, alg RS256, use sig), for
// vendor code that loads its key that way.
func (c *Client) PrivateJWK() []byte {
	b, _ := json.Marshal(c.key)
	return b
}

// NewClient registers a Maskinporten client for the organisation orgNo
// with the given scopes and a fresh RSA 2048 key (through POST
// /sim/api/v1/clients, which stands in for Samarbeidsportalen).
func (s *Server) NewClient(t testing.TB, orgNo string, scopes ...string) *Client {
	t.Helper()
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatalf("simtest: new client key: %v", err)
	}
	jwks, err := mpgrant.PublicJWKS(key)
	if err != nil {
		t.Fatalf("simtest: new client key: %v", err)
	}
	var created struct {
		ClientID string   `json:"clientId"`
		Scopes   []string `json:"scopes"`
	}
	s.admin(t, "create a Maskinporten client for "+orgNo, http.MethodPost, "/sim/api/v1/clients", map[string]any{
		"orgNo": orgNo, "name": "simtest " + orgNo, "scopes": scopes, "jwks": jwks,
	}, http.StatusCreated, &created)
	var priv rsa.PrivateKey
	if err := key.Raw(&priv); err != nil {
		t.Fatalf("simtest: client key: %v", err)
	}
	return &Client{ID: created.ClientID, OrgNo: orgNo, Scopes: created.Scopes, PrivateKey: &priv, KeyID: key.KeyID(), key: key}
}

// Grant says what a JWT-bearer grant asks for.
type Grant struct {
	Scopes []string
	// SystemUserOrg, when set, asks for a system-user token for this
	// customer organisation (authorization_details of type
	// urn:altinn:systemuser).
	SystemUserOrg string
	// ExternalRef picks the customer's system user by its external
	// reference (when the request named one other than the org number).
	ExternalRef string
	// ConsumerOrg, when set, asks as a supplier for a token on behalf of
	// this consumer, which must have delegated the scopes to the client's
	// organisation (consumer_org).
	ConsumerOrg string
	// Audience defaults to the server's issuer.
	Audience string
	// Lifetime (exp - iat) defaults to 60 s.
	Lifetime time.Duration
	// IssuedAt defaults to the emulator's clock (see AdvanceClock), so
	// grants stay valid after the clock is moved.
	IssuedAt time.Time
	// JTI defaults to a fresh UUID.
	JTI string
}

// SignGrant signs a grant with the client's key, as a vendor's code does:
// header {alg RS256, kid, typ JWT}; claims aud, iss = sub = client id,
// scope, iat, exp, jti, and authorization_details for a system user.
func (s *Server) SignGrant(t testing.TB, c *Client, g Grant) string {
	t.Helper()
	aud := g.Audience
	if aud == "" {
		aud = s.Issuer
	}
	now := g.IssuedAt
	if now.IsZero() {
		now = s.Now(t)
	}
	grant, err := mpgrant.Sign(c.key, mpgrant.Claims(mpgrant.Options{
		ClientID: c.ID, Audience: aud, Scopes: g.Scopes, SystemUserOrg: g.SystemUserOrg,
		ExternalRef: g.ExternalRef, ConsumerOrg: g.ConsumerOrg, Lifetime: g.Lifetime, Now: now, JTI: g.JTI,
	}))
	if err != nil {
		t.Fatalf("simtest: sign a grant for client %s: %v", c.ID, err)
	}
	return grant
}

// Token is a Maskinporten token answer.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// Claims decodes the access token's claims without verifying it (the
// server signed it; a test that wants to verify fetches URL + "/jwk").
func (tk Token) Claims() map[string]any {
	parts := strings.Split(tk.AccessToken, ".")
	if len(parts) != 3 {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var c map[string]any
	if json.Unmarshal(b, &c) != nil {
		return nil
	}
	return c
}

// SystemUserID is the system user a system-user token acts as
// (authorization_details[].systemuser_id[0]), or "".
func (tk Token) SystemUserID() string {
	raw, err := json.Marshal(tk.Claims()["authorization_details"])
	if err != nil {
		return ""
	}
	var details []struct {
		Type         string   `json:"type"`
		SystemUserID []string `json:"systemuser_id"`
	}
	if json.Unmarshal(raw, &details) != nil {
		return ""
	}
	for _, d := range details {
		if d.Type == "urn:altinn:systemuser" && len(d.SystemUserID) > 0 {
			return d.SystemUserID[0]
		}
	}
	return ""
}

// TokenError is a refused grant: /token's OAuth error answer.
type TokenError struct {
	Status      int    `json:"-"`     // HTTP status, 400 for a refused grant
	Code        string `json:"error"` // e.g. invalid_grant
	Description string `json:"error_description"`
	URI         string `json:"error_uri"` // the page explaining the MP-xxx code
}

// Error says what /token answered.
func (e *TokenError) Error() string {
	return fmt.Sprintf("POST /token answered %d %s: %s", e.Status, e.Code, e.Description)
}

// PostGrant posts a signed grant to /token and returns the token, or the
// refusal as a *TokenError (a test of a refused grant or an armed fault
// looks at it). It fails the test only when the server cannot be reached
// or answers something that is neither.
func (s *Server) PostGrant(t testing.TB, grant string) (Token, error) {
	t.Helper()
	r := s.Do(t, http.MethodPost, "/token", "", url.Values{
		"grant_type": {mpgrant.GrantType}, "assertion": {grant},
	})
	if r.Status == http.StatusOK {
		var tk Token
		r.JSON(t, &tk)
		if tk.AccessToken == "" {
			t.Fatalf("simtest: POST /token answered 200 without an access_token: %s", clip(r.Body))
		}
		return tk, nil
	}
	e := &TokenError{Status: r.Status}
	if err := json.Unmarshal(r.Body, e); err != nil || e.Code == "" {
		t.Fatalf("simtest: POST /token answered %d, not an OAuth error: %s", r.Status, clip(r.Body))
	}
	return Token{}, e
}

// Token gets a plain Maskinporten token for the client with the given
// scopes (default: all the client's scopes) by a signed grant.
func (s *Server) Token(t testing.TB, c *Client, scopes ...string) Token {
	t.Helper()
	if len(scopes) == 0 {
		scopes = c.Scopes
	}
	tk, err := s.PostGrant(t, s.SignGrant(t, c, Grant{Scopes: scopes}))
	if err != nil {
		t.Fatalf("simtest: token for client %s (%s) with scopes %v: %v", c.ID, c.OrgNo, scopes, err)
	}
	return tk
}

// SystemUserToken gets a system-user token: a grant from the vendor's
// client naming the customer in authorization_details. The customer must
// have approved a system user for the client's system (see Approve).
// scopes default to the client's scopes.
func (s *Server) SystemUserToken(t testing.TB, c *Client, customerOrgNo string, scopes ...string) Token {
	t.Helper()
	if len(scopes) == 0 {
		scopes = c.Scopes
	}
	tk, err := s.PostGrant(t, s.SignGrant(t, c, Grant{Scopes: scopes, SystemUserOrg: customerOrgNo}))
	if err != nil {
		t.Fatalf("simtest: system-user token for client %s acting for %s: %v", c.ID, customerOrgNo, err)
	}
	return tk
}

// TestToken mints a token without a grant through POST /sim/api/v1/tokens,
// for the callers that are not under test: typ is "enterprise" (an
// organisation's Maskinporten token), "systemuser" or "person" (an Altinn
// end-user token; give pid in req). req holds the other fields of that
// endpoint (orgNo, scopes, systemUserId, pid, ...).
func (s *Server) TestToken(t testing.TB, typ string, req map[string]any) string {
	t.Helper()
	body := map[string]any{"type": typ}
	for k, v := range req {
		body[k] = v
	}
	var tk Token
	s.admin(t, "test token", http.MethodPost, "/sim/api/v1/tokens", body, http.StatusOK, &tk)
	return tk.AccessToken
}

package mpclient

import (
	"encoding/json"
	"time"
)

// Client is a Maskinporten client: an integration of one organisation with
// its scopes and its public keys.
type Client struct {
	ClientID    string `json:"clientId"`
	OrgNo       string `json:"orgNo"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// IntegrationType is maskinporten (ApplicationType web,
	// TokenEndpointAuthMethod private_key_jwt) or idporten (an ID-porten
	// integration: a client secret or private_key_jwt at ID-porten's
	// token endpoint, never at Maskinporten's).
	IntegrationType         string    `json:"integrationType"`
	ApplicationType         string    `json:"applicationType"`
	TokenEndpointAuthMethod string    `json:"tokenEndpointAuthMethod"`
	Scopes                  []string  `json:"scopes"`
	JWKS                    JWKS      `json:"jwks"`
	JWKSUpdated             time.Time `json:"jwksUpdated"`
	Created                 time.Time `json:"created"`
	LastUpdated             time.Time `json:"lastUpdated"`
	// An ID-porten integration's redirect URIs (exact) and the SHA-256
	// of its client secret (client_secret_basic or client_secret_post).
	RedirectURIs           []string `json:"redirectUris,omitempty"`
	PostLogoutRedirectURIs []string `json:"postLogoutRedirectUris,omitempty"`
	SecretSHA256           []byte   `json:"-"`
}

// JWKS is a client's public key set as posted, each key kept member for
// member (read back from jsonb, its members may come in another order).
type JWKS struct {
	Keys []json.RawMessage `json:"keys"`
}

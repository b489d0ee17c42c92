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
	// IntegrationType, ApplicationType and TokenEndpointAuthMethod are
	// maskinporten, web and private_key_jwt for every client today; they
	// are kept so other kinds of clients can be told apart.
	IntegrationType         string    `json:"integrationType"`
	ApplicationType         string    `json:"applicationType"`
	TokenEndpointAuthMethod string    `json:"tokenEndpointAuthMethod"`
	Scopes                  []string  `json:"scopes"`
	JWKS                    JWKS      `json:"jwks"`
	JWKSUpdated             time.Time `json:"jwksUpdated"`
	Created                 time.Time `json:"created"`
	LastUpdated             time.Time `json:"lastUpdated"`
}

// JWKS is a client's public key set as posted, each key kept member for
// member (read back from jsonb, its members may come in another order).
type JWKS struct {
	Keys []json.RawMessage `json:"keys"`
}

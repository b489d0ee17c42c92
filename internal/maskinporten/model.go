package maskinporten

import (
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// GrantType is the only grant Maskinporten supports.
const GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// SystemUser is what the system-user lookup answers, mirroring the fields
// of systemusers.SystemUser that /token needs.
type SystemUser struct {
	ID            string
	SystemID      string
	ReporteeOrgNo string
	ExternalRef   string
}

// Grant is a validated token request: everything Issue needs and nothing
// it has to check again.
type Grant struct {
	Client mpclient.Client
	Scopes []string
	// AuthorizationDetails is the enriched system-user detail, if asked for.
	AuthorizationDetails []signing.AuthorizationDetail
	SystemUser           *SystemUser
	// Audience comes from the `resource` claim (audience-restricted token).
	Audience []string
	// PID is the end user for `pid`-restricted tokens.
	PID string
	// KeyID is the client key that signed the assertion ("" for an
	// enterprise certificate).
	KeyID string
	// ClientAmr is how the client authenticated: private_key_jwt with a
	// registered key, virksomhetssertifikat with an enterprise certificate.
	ClientAmr string
	// Consumer is the organisation a supplier asks for (consumer_org,
	// delegated in Altinn), "" for a client acting for its own
	// organisation; DelegationSource is then the scopes' delegation source.
	Consumer         string
	DelegationSource string
}

// ConsumerOrgNo is the token's consumer: the delegating organisation for
// a supplier's grant, else the client's own.
func (g Grant) ConsumerOrgNo() string {
	if g.Consumer != "" {
		return g.Consumer
	}
	return g.Client.OrgNo
}

// TokenResponse is the /token answer (and the control API's test tokens).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// accessClaims is a Maskinporten access token's payload, in the claim
// order real tokens are issued with.
type accessClaims struct {
	AuthorizationDetails []signing.AuthorizationDetail `json:"authorization_details,omitempty"`
	Scope                string                        `json:"scope"`
	Iss                  string                        `json:"iss"`
	ClientAmr            string                        `json:"client_amr"`
	TokenType            string                        `json:"token_type"`
	Aud                  []string                      `json:"aud,omitempty"`
	Supplier             *signing.OrgID                `json:"supplier,omitempty"`
	Exp                  int64                         `json:"exp"`
	DelegationSource     string                        `json:"delegation_source,omitempty"`
	Iat                  int64                         `json:"iat"`
	ClientID             string                        `json:"client_id"`
	Jti                  string                        `json:"jti"`
	Consumer             signing.OrgID                 `json:"consumer"`
	PID                  string                        `json:"pid,omitempty"`
}

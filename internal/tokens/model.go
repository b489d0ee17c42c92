package tokens

import (
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/mpclient"
)

// GrantType is the only grant Maskinporten supports.
const GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// AuthorizationDetailsSystemUser is the RAR type of a system-user grant.
const AuthorizationDetailsSystemUser = "urn:altinn:systemuser"

// ISO6523 authority Maskinporten writes in every organisation claim.
const authorityISO6523 = "iso6523-actorid-upis"

// OrgID is the ISO 6523 organisation identifier object Maskinporten and
// Altinn use in `consumer` and `systemuser_org`; the key is a capital ID.
type OrgID struct {
	Authority string `json:"authority"`
	ID        string `json:"ID"`
}

// NewOrgID returns the 0192 (Norwegian ER) identifier of orgNo.
func NewOrgID(orgNo string) OrgID {
	return OrgID{Authority: authorityISO6523, ID: "0192:" + orgNo}
}

// OrgNo returns the bare organisation number, or "" when the identifier
// is not a 0192 number.
func (o OrgID) OrgNo() string {
	n, ok := strings.CutPrefix(o.ID, "0192:")
	if !ok || o.Authority != authorityISO6523 || !nineDigits(n) {
		return ""
	}
	return n
}

// AuthorizationDetail is one element of `authorization_details` as
// Maskinporten issues it (keys in the order real tokens have them).
type AuthorizationDetail struct {
	Type          string   `json:"type"`
	SystemUserOrg *OrgID   `json:"systemuser_org,omitempty"`
	SystemUserID  []string `json:"systemuser_id,omitempty"`
	SystemID      string   `json:"system_id,omitempty"`
	ExternalRef   string   `json:"externalRef,omitempty"`
}

// SystemUser is what the system-user lookup answers, mirroring the fields
// of systemusers.SystemUser that tokens needs.
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
	AuthorizationDetails []AuthorizationDetail
	SystemUser           *SystemUser
	// Audience comes from the `resource` claim (audience-restricted token).
	Audience []string
	// PID is the end user for `pid`-restricted tokens.
	PID string
	// KeyID is the client key that signed the assertion.
	KeyID string
}

// TokenResponse is the /token answer (and the control API's test tokens).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// accessClaims is a Maskinporten access token's payload, in the claim
// order real tokens are issued with (spec/maskinporten.md §2.5).
type accessClaims struct {
	AuthorizationDetails []AuthorizationDetail `json:"authorization_details,omitempty"`
	Scope                string                `json:"scope"`
	Iss                  string                `json:"iss"`
	ClientAmr            string                `json:"client_amr"`
	TokenType            string                `json:"token_type"`
	Aud                  []string              `json:"aud,omitempty"`
	Exp                  int64                 `json:"exp"`
	Iat                  int64                 `json:"iat"`
	ClientID             string                `json:"client_id"`
	Jti                  string                `json:"jti"`
	Consumer             OrgID                 `json:"consumer"`
	PID                  string                `json:"pid,omitempty"`
}

func nineDigits(s string) bool {
	if len(s) != 9 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

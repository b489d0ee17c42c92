package signing

import "strings"

// AuthorizationDetailsSystemUser is the RAR type of a system-user grant.
const AuthorizationDetailsSystemUser = "urn:altinn:systemuser"

// ISO6523 authority Maskinporten writes in every organisation claim.
const AuthorityISO6523 = "iso6523-actorid-upis"

// OrgID is the ISO 6523 organisation identifier object Maskinporten and
// Altinn use in `consumer` and `systemuser_org`; the key is a capital ID.
type OrgID struct {
	Authority string `json:"authority"`
	ID        string `json:"ID"`
}

// NewOrgID returns the 0192 (Norwegian ER) identifier of orgNo.
func NewOrgID(orgNo string) OrgID {
	return OrgID{Authority: AuthorityISO6523, ID: "0192:" + orgNo}
}

// OrgNo returns the bare organisation number, or "" when the identifier
// is not a 0192 number.
func (o OrgID) OrgNo() string {
	n, ok := strings.CutPrefix(o.ID, "0192:")
	if !ok || o.Authority != AuthorityISO6523 || !NineDigits(n) {
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

// NineDigits reports whether s is nine ASCII digits (an organisation
// number's shape, without the checksum).
func NineDigits(s string) bool {
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

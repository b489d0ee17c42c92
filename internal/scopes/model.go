package scopes

import "time"

// Scope is a Maskinporten scope as Digdir's self-service API shows it:
// prefix:subscope, owned by the organisation that owns the prefix.
type Scope struct {
	Name                       string    `json:"name"`
	Prefix                     string    `json:"prefix"`
	Subscope                   string    `json:"subscope"`
	Description                string    `json:"description"`
	LongDescription            string    `json:"long_description,omitempty"`
	Active                     bool      `json:"active"`
	AllowedIntegrationTypes    []string  `json:"allowed_integration_types"`
	AccessibleForAll           bool      `json:"accessible_for_all"`
	Visibility                 string    `json:"visibility"`
	TokenType                  string    `json:"token_type"`
	AtMaxAge                   int       `json:"at_max_age"`
	AuthorizationMaxLifetime   int       `json:"authorization_max_lifetime"`
	DelegationSource           string    `json:"delegation_source,omitempty"`
	RequiresUserConsent        bool      `json:"requires_user_consent"`
	RequiresUserAuthentication bool      `json:"requires_user_authentication"`
	RequiresPseudonymousTokens bool      `json:"requires_pseudonymous_tokens"`
	OwnerOrgNo                 string    `json:"owner_orgno"`
	Created                    time.Time `json:"created"`
	LastUpdated                time.Time `json:"last_updated"`
}

// Access states of a consumer on a scope.
const (
	StateApproved = "APPROVED"
	StateDenied   = "DENIED"
)

// Access is one consumer's access to a scope.
type Access struct {
	Scope         string    `json:"scope"`
	State         string    `json:"state"`
	OwnerOrgNo    string    `json:"owner_orgno"`
	ConsumerOrgNo string    `json:"consumer_orgno"`
	Created       time.Time `json:"created"`
	LastUpdated   time.Time `json:"last_updated"`
}

// Standing is what the register knows about one organisation and one
// scope name: everything Decide needs.
type Standing struct {
	// PrefixOwner owns the scope's prefix; "" when nobody does.
	PrefixOwner string
	// Registered is false when no scope has the name.
	Registered              bool
	Active                  bool
	AllowedIntegrationTypes []string
	AccessibleForAll        bool
	// Access is the organisation's access state, "" when it has none.
	Access string
	// DelegationSource is the scope's delegation_source: "" unless a
	// consumer may delegate it to a supplier in Altinn.
	DelegationSource string
}

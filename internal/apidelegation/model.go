package apidelegation

import (
	"time"

	"github.com/google/uuid"
)

// Scheme is a delegation scheme ("delegeringsoppsett"): an API provider's
// offer of one or more of its Maskinporten scopes for consumers to
// delegate to suppliers in Altinn.
type Scheme struct {
	Identifier  string    `json:"identifier"`
	OwnerOrgNo  string    `json:"owner_orgno"`
	Scopes      []string  `json:"scopes"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Created     time.Time `json:"created"`
}

// NewScheme is the control API's body for a scheme.
type NewScheme struct {
	Identifier  string   `json:"identifier"`
	OwnerOrgNo  string   `json:"owner_orgno"`
	Scopes      []string `json:"scopes"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
}

// Delegation is one consumer organisation's delegation of a scheme to a
// supplier organisation. Withdrawn is set once it was withdrawn; the row
// stays.
type Delegation struct {
	ID            uuid.UUID  `json:"id"`
	Scheme        string     `json:"scheme"`
	Scopes        []string   `json:"scopes"`
	ConsumerOrgNo string     `json:"consumer_orgno"`
	SupplierOrgNo string     `json:"supplier_orgno"`
	Created       time.Time  `json:"created"`
	CreatedBy     string     `json:"created_by,omitempty"`
	Withdrawn     *time.Time `json:"withdrawn,omitempty"`
	WithdrawnBy   string     `json:"withdrawn_by,omitempty"`
}

// Live reports whether the delegation still gives access.
func (d Delegation) Live() bool { return d.Withdrawn == nil }

// NewDelegation is what a consumer delegates: a scheme to a supplier.
type NewDelegation struct {
	Scheme        string `json:"scheme"`
	ConsumerOrgNo string `json:"consumer_orgno"`
	SupplierOrgNo string `json:"supplier_orgno"`
}

// Filter narrows a list of delegations; empty fields match all.
type Filter struct {
	ConsumerOrgNo string
	SupplierOrgNo string
	Scheme        string
	// Withdrawn includes withdrawn delegations.
	Withdrawn bool
}

// Verdict is what /token learns about a consumer_org grant for one scope.
type Verdict struct {
	// DelegationSource is the scope's delegation_source ("" when the
	// scope cannot be delegated through Altinn).
	DelegationSource string
	// Delegated: a live delegation of a scheme with the scope exists from
	// the consumer to the supplier.
	Delegated bool
	// Scheme is the scheme of that delegation.
	Scheme string
}

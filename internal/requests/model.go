// Package requests handles what vendors ask customers for: standard
// system-user requests, agent (client) requests and change requests,
// and their approval by the customer's access
// manager.
package requests

import (
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// Request kinds.
const (
	KindStandard = "standard"
	KindAgent    = "agent"
	KindChange   = "change"
)

// Request statuses as the platform writes them.
const (
	StatusNew            = "New"
	StatusAccepted       = "Accepted"
	StatusRejected       = "Rejected"
	StatusDenied         = "Denied"
	StatusTimedout       = "Timedout"
	StatusNoChangeNeeded = "NoChangeNeeded"
)

// TimeoutAfter: a request reports timedOut once it is more than 180 days
// old (the platform's REQUEST_TIMEOUT_DAYS, on read). It is a flag only:
// the platform approves and rejects a timed-out request like any other
// New one, and never removes a request for its age — its Archiver, which
// soft-deleted requests after 28 days, is not registered as a service (it
// was switched off in November 2024 and its registration later removed),
// so a request lives until the vendor deletes it.
const TimeoutAfter = 180 * 24 * time.Hour

// Right and AccessPackageRef are the system register's types.
type (
	Right            = systemusers.Right
	AccessPackageRef = systemusers.AccessPackageRef
)

// Request is a standard, agent or change request.
type Request struct {
	ID               uuid.UUID
	Kind             string
	ExternalRef      string
	SystemID         string
	PartyOrgNo       string
	IntegrationTitle string
	// Standard and agent requests.
	Rights         []Right
	AccessPackages []AccessPackageRef
	// Change requests.
	RequiredRights         []Right
	UnwantedRights         []Right
	RequiredAccessPackages []AccessPackageRef
	UnwantedAccessPackages []AccessPackageRef

	Status      string
	RedirectURL string
	ConfirmURL  string
	Escalated   bool
	TimedOut    bool
	Created     time.Time
	LastChanged time.Time
	ChangedBy   string
	// SystemUserID is the system user an accepted standard/agent request
	// created (its id equals the request's), or the one a change request
	// changes.
	SystemUserID uuid.UUID
}

// CreateInput is a vendor's standard or agent request (the platform's
// CreateRequestSystemUser and CreateAgentRequestSystemUser). A nil slice
// means the member was absent or null, an empty one that it was [].
type CreateInput struct {
	ExternalRef      string             `json:"externalRef"`
	SystemID         string             `json:"systemId"`
	PartyOrgNo       string             `json:"partyOrgNo"`
	IntegrationTitle string             `json:"integrationTitle"`
	Rights           []Right            `json:"rights"`
	AccessPackages   []AccessPackageRef `json:"accessPackages"`
	RedirectURL      string             `json:"redirectUrl"`
}

// ChangeInput is a vendor's change request (the platform's
// ChangeRequestSystemUser).
type ChangeInput struct {
	RequiredRights         []Right            `json:"requiredRights"`
	UnwantedRights         []Right            `json:"unwantedRights"`
	RequiredAccessPackages []AccessPackageRef `json:"requiredAccessPackages"`
	UnwantedAccessPackages []AccessPackageRef `json:"unwantedAccessPackages"`
	RedirectURL            string             `json:"redirectUrl"`
}

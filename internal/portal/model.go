// Package portal serves the end-user pages of the emulator: a test login
// listing the seeded persons, the page a vendor's confirmUrl opens (approve
// or reject a system-user request), and pages for the logged-in person's
// organisations (system users, pending requests, an agent's clients).
//
// Pages are rendered on the server from web/templates and work without
// JavaScript. The portal owns only its sessions; everything else it reaches
// through the small interfaces below, which the other packages' services
// satisfy.
package portal

import (
	"context"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/requests"
	"github.com/altinn-sim/altinn-sim/internal/resources"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// Requests is what the portal needs from internal/requests.
type Requests interface {
	Get(ctx context.Context, id uuid.UUID) (Request, error)
	Approve(ctx context.Context, id uuid.UUID, partyOrgNo, approverPID string) (SystemUser, error)
	Reject(ctx context.Context, id uuid.UUID, partyOrgNo, approverPID string) error
	Pending(ctx context.Context, orgNo string) ([]Request, error)
	RedirectAfter(req Request) string
}

// SystemUsers is what the portal needs from internal/systemusers.
type SystemUsers interface {
	Get(ctx context.Context, id uuid.UUID) (SystemUser, error)
	ListForParty(ctx context.Context, orgNo string) ([]SystemUser, error)
	Delete(ctx context.Context, id uuid.UUID, ownerOrgNo string) error
	Clients(ctx context.Context, systemUserID uuid.UUID) ([]ClientDelegation, error)
	AvailableClients(ctx context.Context, systemUserID uuid.UUID) ([]Client, error)
	AddClient(ctx context.Context, systemUserID uuid.UUID, clientOrgNo, facilitatorOrgNo string) error
	RemoveClient(ctx context.Context, systemUserID uuid.UUID, clientOrgNo, facilitatorOrgNo string) error
	// CreateForParty creates a standard system user with all of the
	// system's rights and packages (end-user-driven creation).
	CreateForParty(ctx context.Context, systemID, ownerOrgNo, integrationTitle, pid string) (SystemUser, error)
}

// Parties is what the portal needs from internal/parties.
type Parties interface {
	Person(ctx context.Context, pid string) (parties.Person, error)
	Persons(ctx context.Context) ([]parties.PersonWithRoles, error)
	RolesOfPerson(ctx context.Context, pid string) ([]parties.Role, error)
	Org(ctx context.Context, orgNo string) (parties.Organization, error)
	CanManage(ctx context.Context, pid, orgNo string) (bool, error)
}

// Systems looks up the system register, for the system's name,
// description and vendor. Optional: without it pages show the system id
// and the creation page answers 503.
type Systems interface {
	System(ctx context.Context, systemID string) (RegisteredSystem, error)
	// Visible lists the live systems marked isVisible, the ones a person
	// may pick to create a system user.
	Visible(ctx context.Context) ([]RegisteredSystem, error)
}

// Catalogue looks up resources and access packages, to show rights in
// plain words. Optional: without it pages show the ids.
type Catalogue interface {
	Resource(ctx context.Context, id string) (Resource, error)
	Package(ctx context.Context, urn string) (AccessPackage, error)
}

// Request statuses and kinds, as internal/requests writes them.
const (
	StatusNew      = requests.StatusNew
	StatusAccepted = requests.StatusAccepted
	StatusRejected = requests.StatusRejected
	StatusDenied   = requests.StatusDenied
	StatusTimedout = requests.StatusTimedout

	KindStandard = requests.KindStandard
	KindAgent    = requests.KindAgent
	KindChange   = requests.KindChange
)

// The owners' types, named here so the portal's code reads plainly.
type (
	Request          = requests.Request
	SystemUser       = systemusers.SystemUser
	ClientDelegation = systemusers.ClientDelegation
	Client           = systemusers.Client
	Right            = systemusers.Right
	AttributePair    = systemusers.AttributePair
	AccessPackageRef = systemusers.AccessPackageRef
	RegisteredSystem = registry.RegisteredSystem
	Resource         = resources.Resource
	AccessPackage    = resources.AccessPackage
)

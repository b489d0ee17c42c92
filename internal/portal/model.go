// Package portal serves the end-user pages of the emulator: a test login
// listing the seeded persons, the page a vendor's confirmUrl opens (approve
// or reject a system-user request), and pages for the logged-in person's
// organisations (system users, pending requests, an agent's clients).
//
// Pages are rendered on the server from web/templates and work without
// JavaScript. The portal owns only its sessions; everything else it reaches
// through the small interfaces below, which the other packages' services
// satisfy (contracts.md).
package portal

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/parties"
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
// description and vendor. Optional: without it pages show the system id.
type Systems interface {
	System(ctx context.Context, systemID string) (RegisteredSystem, error)
}

// Catalogue looks up resources and access packages, to show rights in
// plain words. Optional: without it pages show the ids.
type Catalogue interface {
	Resource(ctx context.Context, id string) (Resource, error)
	Package(ctx context.Context, urn string) (AccessPackage, error)
}

// Request statuses (spec §2.1).
const (
	StatusNew      = "New"
	StatusAccepted = "Accepted"
	StatusRejected = "Rejected"
	StatusDenied   = "Denied"
	StatusTimedout = "Timedout"
)

// Request kinds.
const (
	KindStandard = "standard"
	KindAgent    = "agent"
	KindChange   = "change"
)

// Request is a system-user request as internal/requests returns it.
type Request struct {
	ID             uuid.UUID
	Kind           string
	ExternalRef    string
	SystemID       string
	PartyOrgNo     string
	Rights         []Right
	AccessPackages []AccessPackageRef
	// Change requests: what to add and what to take away.
	RequiredRights         []Right
	UnwantedRights         []Right
	RequiredAccessPackages []AccessPackageRef
	UnwantedAccessPackages []AccessPackageRef
	Status                 string
	TimedOut               bool
	RedirectURL            string
	ConfirmURL             string
	Created                time.Time
	SystemUserID           *uuid.UUID
}

// Right is a right on a resource: attribute pairs such as
// urn:altinn:resource=<id>, or urn:altinn:org + urn:altinn:app.
type Right struct {
	Resource []AttributePair
}

// AttributePair is one attribute of a right.
type AttributePair struct {
	ID    string
	Value string
}

// AccessPackageRef names an access package.
type AccessPackageRef struct {
	URN string
}

// SystemUser is a system user as internal/systemusers returns it.
type SystemUser struct {
	ID               uuid.UUID
	SystemID         string
	ReporteeOrgNo    string
	ExternalRef      string
	UserType         string // "standard" | "agent"
	Rights           []Right
	AccessPackages   []AccessPackageRef
	IntegrationTitle string
	SupplierOrgNo    string
	Created          time.Time
	IsDeleted        bool
}

// ClientDelegation is a client delegated to an agent system user.
type ClientDelegation struct {
	ClientOrgNo    string
	ClientName     string
	AccessPackages []string
	Created        time.Time
}

// Client is a client the facilitator could delegate to an agent.
type Client struct {
	OrgNo          string
	Name           string
	AccessPackages []string
}

// RegisteredSystem is a system in the register.
type RegisteredSystem struct {
	ID          string
	Vendor      string // organisation number
	Name        map[string]string
	Description map[string]string
}

// Resource is a resource in the resource registry.
type Resource struct {
	ID          string
	Title       map[string]string
	Description map[string]string
}

// AccessPackage is an access package from the catalogue.
type AccessPackage struct {
	URN         string
	Name        string // bokmål
	NameEN      string
	Description string
}

// Package systemusers keeps system users (standard and agent), the client
// delegations of agent system users, and the lookup Maskinporten uses to
// put a system user into a token.
package systemusers

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/registry"
)

// User types, as the platform writes them in `userType`.
const (
	TypeStandard = "standard"
	TypeAgent    = "agent"
)

// The system register's types: rights and access-package references are
// the register's own, so values pass between the packages unchanged.
type (
	// AttributePair is one attribute of a right's resource, e.g.
	// {"id":"urn:altinn:resource","value":"ske-krav-og-betalinger"}.
	AttributePair = registry.AttributePair
	// Right is a right on a resource as the system register states it.
	Right = registry.Right
	// AccessPackageRef names an access package by URN.
	AccessPackageRef = registry.AccessPackageRef
)

// SameResource reports whether two rights name the same resource: the same
// number of attribute pairs and each pair present in the other (the
// platform's rule; the action is not compared).
func SameResource(r, o Right) bool {
	if len(r.Resource) != len(o.Resource) {
		return false
	}
	for _, p := range r.Resource {
		found := false
		for _, q := range o.Resource {
			if strings.EqualFold(p.ID, q.ID) && p.Value == q.Value {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// SystemUser is a system user: a standard one holding rights and access
// packages of its owner, or an agent one acting for the owner's clients.
type SystemUser struct {
	ID               uuid.UUID
	SystemID         string
	SystemInternalID uuid.UUID
	IntegrationTitle string
	ReporteeOrgNo    string
	PartyID          int64
	PartyUUID        uuid.UUID
	ExternalRef      string
	UserType         string // TypeStandard or TypeAgent
	SupplierOrgNo    string // the system's vendor
	Rights           []Right
	AccessPackages   []AccessPackageRef
	IsDeleted        bool
	Created          time.Time
	LastChanged      time.Time
	SequenceNo       int64
}

// PackageURNs lists the URNs of the system user's access packages.
func (su SystemUser) PackageURNs() []string {
	out := make([]string, len(su.AccessPackages))
	for i, p := range su.AccessPackages {
		out[i] = p.URN
	}
	return out
}

// New is what creating a system user needs; the rest is derived.
type New struct {
	ID               uuid.UUID // the approved request's id
	System           System
	IntegrationTitle string
	ReporteeOrgNo    string
	Owner            parties.Organization // the owner, looked up before the transaction
	ExternalRef      string               // empty means the owner's org number
	UserType         string
	Rights           []Right
	AccessPackages   []AccessPackageRef
	CreatedBy        string
}

// ClientDelegation is one client an agent system user may act for.
type ClientDelegation struct {
	ID               uuid.UUID
	SystemUserID     uuid.UUID
	ClientOrgNo      string
	ClientName       string
	ClientPartyUUID  uuid.UUID
	FacilitatorOrgNo string
	Roles            []string // ER role codes that gave the packages
	AccessPackages   []string // URNs
	Created          time.Time
}

// Client is a customer of a facilitator that can receive (some of) an
// agent system user's packages.
type Client struct {
	OrgNo          string
	Name           string
	PartyUUID      uuid.UUID
	Roles          []string // ER role codes the facilitator holds on the client
	AccessPackages []string // packages those roles give
	Delegated      bool     // already delegated to the system user
}

// System is what this package needs to know about a registered system.
// It mirrors registry.RegisteredSystem; app.go adapts.
type System struct {
	ID                  string
	InternalID          uuid.UUID
	Vendor              string // org number, no "0192:"
	Name                map[string]string
	Rights              []Right
	AccessPackages      []AccessPackageRef
	ClientIDs           []string
	AllowedRedirectURLs []string
	IsVisible           bool
	IsDeleted           bool
}

// Systems looks up registered systems (internal/registry).
type Systems interface {
	System(ctx context.Context, systemID string) (System, error)
	// SystemOfClient is the live system a Maskinporten client is bound
	// to: only its id and vendor, what a system-user grant needs (the
	// register answers it from a cache).
	SystemOfClient(ctx context.Context, clientID string) (SystemRef, error)
}

// SystemRef names a live system and its vendor (org number).
type SystemRef struct {
	ID, Vendor string
}

// Package is what this package needs to know about an access package.
type Package struct {
	ID           uuid.UUID // Access Management's id of the package
	AreaID       uuid.UUID
	URN          string
	Name         string
	IsAssignable bool // may be delegated to a standard system user
	IsDelegable  bool // may be delegated on (what an agent system user may carry)
}

// Packages looks up the access-package catalogue (internal/resources).
type Packages interface {
	Package(ctx context.Context, urn string) (Package, error)
	PackagesForRole(roleCode string) []string
	// RoleURN names an ER role as Access Management does
	// (urn:altinn:external-role:ccr:regnskapsforer).
	RoleURN(roleCode string) string
}

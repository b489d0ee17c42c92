package systemusers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/cache"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// Parties is what this package needs from internal/parties.
type Parties interface {
	Org(ctx context.Context, orgNo string) (parties.Organization, error)
	// OrgByParty resolves a {party} route value (party id, uuid or org
	// number).
	OrgByParty(ctx context.Context, ref string) (parties.Organization, error)
	RolesHeldByOrg(ctx context.Context, orgNo string) ([]parties.Role, error)
	// RolesOfPerson are the ER roles a person holds (a person's connection
	// to a party for AddAgent by `to`).
	RolesOfPerson(ctx context.Context, pid string) ([]parties.Role, error)
	// Person and PersonByPartyUUID find a person (Access Management's
	// person agents).
	Person(ctx context.Context, pid string) (parties.Person, error)
	PersonByPartyUUID(ctx context.Context, id uuid.UUID) (parties.Person, error)
	// CanManage says whether the person may manage the org's access.
	CanManage(ctx context.Context, pid, orgNo string) (bool, error)
}

// DeleteHook runs inside the transaction that deletes a system user; the
// requests package uses it to retire the request that created it, so the
// vendor can ask again.
type DeleteHook func(ctx context.Context, q db.Querier, su SystemUser) error

// Service holds the system-user rules.
type Service struct {
	pool     *pgxpool.Pool
	clock    clock.Clock
	systems  Systems
	packages Packages
	parties  Parties
	onDelete []DeleteHook
	// ids caches ForGrant's system-user lookup (cache.go).
	ids *cache.Cache[string, idAnswer]
	// lookups counts callers' failed person lookups (POST …/agents).
	lookups lookupGuard
	// PageSize of the vendor bysystem listing.
	PageSize int
}

// NewService builds the service.
func NewService(pool *pgxpool.Pool, clk clock.Clock, systems Systems, packages Packages, p Parties) *Service {
	return &Service{pool: pool, clock: clk, systems: systems, packages: packages, parties: p, ids: newIDCache(), PageSize: 50}
}

// OnDelete registers a hook run in every delete's transaction. Call it
// while wiring, before serving.
func (s *Service) OnDelete(h DeleteHook) { s.onDelete = append(s.onDelete, h) }

// Systems returns the system lookup the service was built with, so that
// packages built on this one share it.
func (s *Service) Systems() Systems { return s.systems }

// Packages returns the access-package lookup the service was built with.
func (s *Service) Packages() Packages { return s.packages }

// Pool returns the database pool, for packages that write system users in
// their own transactions (requests' approval).
func (s *Service) Pool() *pgxpool.Pool { return s.pool }

// notFoundErr is AUTH-00015 and dberr.ErrNotFound at once, so HTTP handlers
// answer the platform's problem and other packages can test errors.Is.
func notFoundErr(id any) error {
	return fmt.Errorf("system user %v: %w: %w", id, SystemUserNotFound, dberr.ErrNotFound)
}

// Get returns a live system user; a deleted or unknown one is not found.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (SystemUser, error) {
	su, err := liveSU(ctx, s.pool, id)
	if errors.Is(err, dberr.ErrNotFound) {
		return su, notFoundErr(id)
	}
	return su, err
}

// GetForUpdate reads and locks a live system user inside q's transaction.
func (s *Service) GetForUpdate(ctx context.Context, q db.Querier, id uuid.UUID) (SystemUser, error) {
	su, err := lockLiveSU(ctx, q, id)
	if errors.Is(err, dberr.ErrNotFound) {
		return su, notFoundErr(id)
	}
	return su, err
}

// ListForParty lists the live system users (standard and agent) an
// organisation owns, oldest first.
func (s *Service) ListForParty(ctx context.Context, orgNo string) ([]SystemUser, error) {
	return liveSUsOfParty(ctx, s.pool, orgNo)
}

// ListBySystem lists up to limit live system users of a system whose
// sequence number is at least from, in sequence order (the vendor's
// paged `bysystem` listing).
func (s *Service) ListBySystem(ctx context.Context, systemID string, from int64, limit int) ([]SystemUser, error) {
	return liveSUsOfSystem(ctx, s.pool, systemID, from, limit)
}

// StreamLimit is the change feed's page size (SystemUserService's
// STREAM_LIMIT).
const StreamLimit = 100

// Stream is a page of the change feed: up to StreamLimit system users,
// deleted ones included, changed after sequence number from, in order,
// and the highest sequence number there is.
func (s *Service) Stream(ctx context.Context, from int64) ([]SystemUser, int64, error) {
	list, err := streamSUs(ctx, s.pool, from, StreamLimit)
	if err != nil {
		return nil, 0, err
	}
	max, err := maxSequence(ctx, s.pool)
	return list, max, err
}

// ByTriple finds the live system user for (system, owner, externalRef);
// an empty externalRef means the owner's org number.
func (s *Service) ByTriple(ctx context.Context, q db.Querier, systemID, ownerOrgNo, externalRef string) (SystemUser, error) {
	if q == nil {
		q = s.pool
	}
	if externalRef == "" {
		externalRef = ownerOrgNo
	}
	su, err := liveSUByTriple(ctx, q, systemID, ownerOrgNo, externalRef)
	if errors.Is(err, dberr.ErrNotFound) {
		return su, notFoundErr(systemID + "/" + ownerOrgNo + "/" + externalRef)
	}
	return su, err
}

// ByExternalID is the lookup Maskinporten makes before it puts a system
// user into a token (the byExternalId route): the client id names a live
// system of the given vendor, and that system has a live system user for
// the owner and externalRef (default: the owner's org number).
func (s *Service) ByExternalID(ctx context.Context, clientID, systemProviderOrgNo, ownerOrgNo, externalRef string) (SystemUser, error) {
	systemID, err := s.systemOfClient(ctx, clientID, systemProviderOrgNo, ownerOrgNo)
	if err != nil {
		return SystemUser{}, err
	}
	return s.ByTriple(ctx, nil, systemID, ownerOrgNo, externalRef)
}

// GrantRef is what a system-user token names of its system user.
type GrantRef struct {
	ID                                   uuid.UUID
	SystemID, ReporteeOrgNo, ExternalRef string
}

// ForGrant is ByExternalID for /token itself: the same rules, answered
// from two caches (the register's client → system, and the live system
// user of a (system, owner, externalRef)) that every write drops on every
// instance before it answers, and only the columns a token names.
func (s *Service) ForGrant(ctx context.Context, clientID, systemProviderOrgNo, ownerOrgNo, externalRef string) (GrantRef, error) {
	systemID, err := s.systemOfClient(ctx, clientID, systemProviderOrgNo, ownerOrgNo)
	if err != nil {
		return GrantRef{}, err
	}
	if externalRef == "" {
		externalRef = ownerOrgNo
	}
	id, err := s.idByTriple(ctx, systemID, ownerOrgNo, externalRef)
	if errors.Is(err, dberr.ErrNotFound) {
		return GrantRef{}, notFoundErr(systemID + "/" + ownerOrgNo + "/" + externalRef)
	}
	if err != nil {
		return GrantRef{}, err
	}
	return GrantRef{ID: id, SystemID: systemID, ReporteeOrgNo: ownerOrgNo, ExternalRef: externalRef}, nil
}

// systemOfClient is the live system clientID is bound to, when its vendor
// is systemProviderOrgNo.
func (s *Service) systemOfClient(ctx context.Context, clientID, systemProviderOrgNo, ownerOrgNo string) (string, error) {
	if clientID == "" || systemProviderOrgNo == "" || ownerOrgNo == "" {
		return "", fmt.Errorf("clientId, systemProviderOrgNo and systemUserOwnerOrgNo are required: %w", dberr.ErrNotFound)
	}
	sys, err := s.systems.SystemOfClient(ctx, clientID)
	if err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return "", notFoundErr("for client " + clientID)
		}
		return "", fmt.Errorf("system of client %s: %w", clientID, err)
	}
	if sys.Vendor != systemProviderOrgNo {
		return "", notFoundErr("for client " + clientID)
	}
	return sys.ID, nil
}

// CreateTx creates a system user inside q's transaction (the request's
// approval), refusing a second live one for the same (system, owner,
// externalRef) with AUTH-00004.
func (s *Service) CreateTx(ctx context.Context, q db.Querier, n New) (SystemUser, error) {
	if n.UserType == "" {
		n.UserType = TypeStandard
	}
	if n.ExternalRef == "" {
		n.ExternalRef = n.ReporteeOrgNo
	}
	// The owner is looked up by the caller before the transaction: a
	// transaction holding a row lock must not wait for another pool
	// connection (20 racing approvals would exhaust the pool).
	org := n.Owner
	if org.OrgNo == "" || org.OrgNo != n.ReporteeOrgNo {
		return SystemUser{}, ReporteeOrgNoNotFound.WithDetail("no organisation %s", n.ReporteeOrgNo)
	}
	if _, err := s.ByTriple(ctx, q, n.System.ID, n.ReporteeOrgNo, n.ExternalRef); err == nil {
		return SystemUser{}, SystemUserAlreadyExists.New()
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return SystemUser{}, err
	}
	if n.Rights == nil {
		n.Rights = []Right{}
	}
	if n.AccessPackages == nil {
		n.AccessPackages = []AccessPackageRef{}
	}
	title := n.IntegrationTitle
	if title == "" {
		title = n.System.Name["nb"]
	}
	su, err := insertSU(ctx, q, SystemUser{
		ID: n.ID, SystemID: n.System.ID, SystemInternalID: n.System.InternalID, IntegrationTitle: title,
		ReporteeOrgNo: org.OrgNo, PartyID: org.PartyID, PartyUUID: org.PartyUUID, ExternalRef: n.ExternalRef,
		UserType: n.UserType, SupplierOrgNo: n.System.Vendor, Rights: n.Rights, AccessPackages: n.AccessPackages,
		Created: s.clock.Now().UTC(),
	}, n.CreatedBy)
	if errors.Is(err, dberr.ErrConflict) {
		// Lost a race with another approval of the same triple.
		return SystemUser{}, SystemUserAlreadyExists.New()
	}
	if err != nil {
		return SystemUser{}, err
	}
	if err := db.Invalidate(ctx, q, "systemuser:"+su.ID.String()); err != nil {
		return SystemUser{}, err
	}
	return su, nil
}

// UpdateGrantsTx replaces a system user's rights and packages inside q's
// transaction (an approved change request).
func (s *Service) UpdateGrantsTx(ctx context.Context, q db.Querier, id uuid.UUID, rights []Right, pkgs []AccessPackageRef, by string) (SystemUser, error) {
	if rights == nil {
		rights = []Right{}
	}
	if pkgs == nil {
		pkgs = []AccessPackageRef{}
	}
	su, err := updateGrants(ctx, q, id, rights, pkgs, s.clock.Now().UTC(), by)
	if errors.Is(err, dberr.ErrNotFound) {
		return su, notFoundErr(id)
	}
	if err != nil {
		return su, err
	}
	return su, db.Invalidate(ctx, q, "systemuser:"+id.String())
}

// Delete soft-deletes a system user owned by ownerOrgNo: AUTH-00015 when
// there is none, AUTH-00024 when another org owns it, AUTH-00035 for an
// agent system user that still has clients.
func (s *Service) Delete(ctx context.Context, id uuid.UUID, ownerOrgNo string) error {
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		su, err := s.GetForUpdate(ctx, q, id)
		if err != nil {
			return err
		}
		if su.ReporteeOrgNo != ownerOrgNo {
			return DeleteSystemUserNotOwned.New()
		}
		if su.UserType == TypeAgent {
			ds, err := listDelegations(ctx, q, id)
			if err != nil {
				return err
			}
			if len(ds) > 0 {
				return AgentHasDelegations.WithDetail("%d client(s) are still delegated", len(ds))
			}
		}
		// What the owner delegated to its agent system user goes with it.
		if _, err := removeSelfPackages(ctx, q, id, nil); err != nil {
			return err
		}
		if err := markDeleted(ctx, q, id, s.clock.Now().UTC(), "org:"+ownerOrgNo); err != nil {
			return err
		}
		for _, h := range s.onDelete {
			if err := h(ctx, q, su); err != nil {
				return err
			}
		}
		return db.Invalidate(ctx, q, "systemuser:"+id.String())
	})
}

// Clients lists the clients delegated to an agent system user.
func (s *Service) Clients(ctx context.Context, systemUserID uuid.UUID) ([]ClientDelegation, error) {
	if _, err := s.Get(ctx, systemUserID); err != nil {
		return nil, err
	}
	ds, err := listDelegations(ctx, s.pool, systemUserID)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if o, err := s.parties.Org(ctx, ds[i].ClientOrgNo); err == nil {
			ds[i].ClientName = o.Name
		}
	}
	return ds, nil
}

// facilitatorClients lists the organisations the facilitator holds ER
// roles on, with the packages those roles give.
func (s *Service) facilitatorClients(ctx context.Context, facilitatorOrgNo string) (map[string]*Client, error) {
	roles, err := s.parties.RolesHeldByOrg(ctx, facilitatorOrgNo)
	if err != nil {
		return nil, fmt.Errorf("roles held by %s: %w", facilitatorOrgNo, err)
	}
	out := map[string]*Client{}
	for _, r := range roles {
		pk := s.packages.PackagesForRole(r.RoleCode)
		if len(pk) == 0 {
			continue
		}
		c := out[r.OrgNo]
		if c == nil {
			c = &Client{OrgNo: r.OrgNo}
			out[r.OrgNo] = c
		}
		c.Roles = append(c.Roles, r.RoleCode)
		for _, p := range pk {
			if !slices.Contains(c.AccessPackages, p) {
				c.AccessPackages = append(c.AccessPackages, p)
			}
		}
	}
	return out, nil
}

func (s *Service) agent(ctx context.Context, q db.Querier, id uuid.UUID, lock bool) (SystemUser, error) {
	var (
		su  SystemUser
		err error
	)
	if lock {
		su, err = s.GetForUpdate(ctx, q, id)
	} else {
		su, err = s.Get(ctx, id)
	}
	if err != nil {
		return su, err
	}
	if su.UserType != TypeAgent {
		return su, ExpectedAgentUserType.New()
	}
	return su, nil
}

// AvailableClients lists the facilitator's (the agent system user's
// owner's) clients that hold at least one of the agent's packages through
// an ER role, marking those already delegated.
func (s *Service) AvailableClients(ctx context.Context, systemUserID uuid.UUID) ([]Client, error) {
	su, err := s.agent(ctx, s.pool, systemUserID, false)
	if err != nil {
		return nil, err
	}
	all, err := s.facilitatorClients(ctx, su.ReporteeOrgNo)
	if err != nil {
		return nil, err
	}
	ds, err := listDelegations(ctx, s.pool, systemUserID)
	if err != nil {
		return nil, err
	}
	want := su.PackageURNs()
	var out []Client
	for _, c := range all {
		if !intersects(c.AccessPackages, want) {
			continue
		}
		if o, err := s.parties.Org(ctx, c.OrgNo); err == nil {
			c.Name, c.PartyUUID = o.Name, o.PartyUUID
		}
		c.Delegated = slices.ContainsFunc(ds, func(d ClientDelegation) bool { return d.ClientOrgNo == c.OrgNo })
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrgNo < out[j].OrgNo })
	return out, nil
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// AddClient delegates a client to an agent system user. The facilitator
// must own the system user (AUTH-00039), the client must be one of its
// ER-role clients (AUTH-00079) and those roles must give every package
// the system user carries (AUTH-00080). Adding an existing client is a
// no-op.
func (s *Service) AddClient(ctx context.Context, systemUserID uuid.UUID, clientOrgNo, facilitatorOrgNo string) error {
	_, err := s.addClient(ctx, systemUserID, clientOrgNo, facilitatorOrgNo)
	return err
}

// AddClientDelegation is AddClient returning the delegation.
func (s *Service) AddClientDelegation(ctx context.Context, systemUserID uuid.UUID, clientOrgNo, facilitatorOrgNo string) (ClientDelegation, error) {
	return s.addClient(ctx, systemUserID, clientOrgNo, facilitatorOrgNo)
}

func (s *Service) addClient(ctx context.Context, systemUserID uuid.UUID, clientOrgNo, facilitatorOrgNo string) (ClientDelegation, error) {
	var out ClientDelegation
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		su, err := s.agent(ctx, q, systemUserID, true)
		if err != nil {
			return err
		}
		if facilitatorOrgNo == "" {
			facilitatorOrgNo = su.ReporteeOrgNo
		}
		if facilitatorOrgNo != su.ReporteeOrgNo {
			return InvalidDelegationFacilitator.WithDetail("%s does not own the system user", facilitatorOrgNo)
		}
		want := su.PackageURNs()
		if len(want) == 0 {
			return AccessPackageNotFound.WithDetail("the system user has no access packages")
		}
		clients, err := s.facilitatorClients(ctx, facilitatorOrgNo)
		if err != nil {
			return err
		}
		c, ok := clients[clientOrgNo]
		if !ok || !intersects(c.AccessPackages, want) {
			return ClientNotFound.WithDetail("%s is not a client of %s", clientOrgNo, facilitatorOrgNo)
		}
		var missing []string
		for _, p := range want {
			if !slices.Contains(c.AccessPackages, p) {
				missing = append(missing, p)
			}
		}
		if len(missing) > 0 {
			p := ClientMissingAccessPackages.WithDetail("the client's roles do not give: %s", strings.Join(missing, ", "))
			p.Extensions = map[string]any{"MissingPackages": missing}
			return p
		}
		org, err := s.parties.Org(ctx, clientOrgNo)
		if err != nil {
			return fmt.Errorf("client %s: %w", clientOrgNo, err)
		}
		var roles []string
		for _, r := range c.Roles {
			if intersects(s.packages.PackagesForRole(r), want) {
				roles = append(roles, r)
			}
		}
		d, created, err := insertDelegation(ctx, q, ClientDelegation{
			ID: uuid.New(), SystemUserID: systemUserID, ClientOrgNo: clientOrgNo, ClientPartyUUID: org.PartyUUID,
			FacilitatorOrgNo: facilitatorOrgNo, Roles: roles, AccessPackages: want, Created: s.clock.Now().UTC(),
		})
		if err != nil {
			return err
		}
		if !created {
			ds, err := listDelegations(ctx, q, systemUserID)
			if err != nil {
				return err
			}
			for _, x := range ds {
				if x.ClientOrgNo == clientOrgNo {
					d = x
				}
			}
		}
		d.ClientName = org.Name
		out = d
		if !created {
			return nil
		}
		return db.Invalidate(ctx, q, "delegation:"+systemUserID.String())
	})
	return out, err
}

// RemoveClient removes a client from an agent system user: AUTH-00039
// when facilitatorOrgNo does not own it, AUTH-00038 when the client was
// not delegated.
func (s *Service) RemoveClient(ctx context.Context, systemUserID uuid.UUID, clientOrgNo, facilitatorOrgNo string) error {
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		su, err := s.agent(ctx, q, systemUserID, true)
		if err != nil {
			return err
		}
		if facilitatorOrgNo != "" && facilitatorOrgNo != su.ReporteeOrgNo {
			return InvalidDelegationFacilitator.WithDetail("%s does not own the system user", facilitatorOrgNo)
		}
		ok, err := deleteDelegation(ctx, q, systemUserID, clientOrgNo)
		if err != nil {
			return err
		}
		if !ok {
			return DelegationNotFound.WithDetail("%s is not delegated to the system user", clientOrgNo)
		}
		return db.Invalidate(ctx, q, "delegation:"+systemUserID.String())
	})
}

// CreateForParty is the portal's direct creation without a vendor request
// (POST /systemuser/{party}/create): a standard system user with
// all of the system's rights and packages, externalRef = the owner's org
// number. AUTH-00011 for an unknown system, AUTH-00004 when one exists,
// AUTH-00064 when the system carries a package a standard system user
// cannot hold.
func (s *Service) CreateForParty(ctx context.Context, systemID, ownerOrgNo, integrationTitle, pid string) (SystemUser, error) {
	sys, err := s.systems.System(ctx, systemID)
	if errors.Is(err, dberr.ErrNotFound) {
		return SystemUser{}, SystemIDNotFound.WithDetail("no system %q", systemID)
	}
	if err != nil {
		return SystemUser{}, err
	}
	org, err := s.parties.Org(ctx, ownerOrgNo)
	if errors.Is(err, dberr.ErrNotFound) {
		return SystemUser{}, ReporteeOrgNoNotFound.WithDetail("no organisation %s", ownerOrgNo)
	}
	if err != nil {
		return SystemUser{}, err
	}
	var notDelegable []string
	for _, p := range sys.AccessPackages {
		pk, err := s.packages.Package(ctx, p.URN)
		if err != nil && !errors.Is(err, dberr.ErrNotFound) {
			return SystemUser{}, err
		}
		if err != nil || !pk.IsAssignable {
			notDelegable = append(notDelegable, p.URN)
		}
	}
	if len(notDelegable) > 0 {
		p := AccessPackageNotDelegableStd.WithDetail("not delegable: %s", strings.Join(notDelegable, ", "))
		p.Extensions = map[string]any{"NotDelegablePackages": notDelegable}
		return SystemUser{}, p
	}
	var out SystemUser
	err = db.InTx(ctx, s.pool, func(q db.Querier) error {
		var err error
		out, err = s.CreateTx(ctx, q, New{ID: uuid.New(), System: sys, IntegrationTitle: integrationTitle,
			ReporteeOrgNo: ownerOrgNo, Owner: org, UserType: TypeStandard, Rights: sys.Rights,
			AccessPackages: sys.AccessPackages, CreatedBy: "pid:" + pid})
		return err
	})
	return out, err
}

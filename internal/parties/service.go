package parties

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// Service answers questions about parties and roles.
type Service struct {
	pool *pgxpool.Pool
	// Lenient accepts organisation numbers that fail MOD11.
	Lenient bool
}

// NewService makes a Service on pool.
func NewService(pool *pgxpool.Pool) *Service { return &Service{pool: pool} }

// ErrInvalidOrgNo is returned for an organisation number that fails the check.
var ErrInvalidOrgNo = errors.New("invalid organisation number")

// Org finds an organisation by its number.
func (s *Service) Org(ctx context.Context, orgNo string) (Organization, error) {
	return orgByNo(ctx, s.pool, orgNo)
}

// OrgByPartyID finds an organisation by its Altinn party id.
func (s *Service) OrgByPartyID(ctx context.Context, partyID int64) (Organization, error) {
	return orgByPartyID(ctx, s.pool, partyID)
}

// OrgByPartyUUID finds an organisation by its party uuid.
func (s *Service) OrgByPartyUUID(ctx context.Context, id uuid.UUID) (Organization, error) {
	return orgByPartyUUID(ctx, s.pool, id)
}

// OrgByParty finds an organisation by a party reference as the platform's
// routes carry it: a numeric party id, a party uuid or an org number.
func (s *Service) OrgByParty(ctx context.Context, ref string) (Organization, error) {
	if id, err := uuid.Parse(ref); err == nil {
		return s.OrgByPartyUUID(ctx, id)
	}
	if len(ref) == 9 {
		if o, err := s.Org(ctx, ref); err == nil {
			return o, nil
		}
	}
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return s.OrgByPartyID(ctx, n)
	}
	return Organization{}, fmt.Errorf("party %q: %w", ref, dberr.ErrNotFound)
}

// Person finds a person by national identity number.
func (s *Service) Person(ctx context.Context, pid string) (Person, error) {
	return personByPID(ctx, s.pool, pid)
}

// PersonByUserID finds a person by Altinn user id.
func (s *Service) PersonByUserID(ctx context.Context, userID int64) (Person, error) {
	return personByUserID(ctx, s.pool, userID)
}

// PersonByPartyID finds a person by Altinn party id.
func (s *Service) PersonByPartyID(ctx context.Context, partyID int64) (Person, error) {
	return personByPartyID(ctx, s.pool, partyID)
}

// PersonByPartyUUID finds a person by party uuid.
func (s *Service) PersonByPartyUUID(ctx context.Context, id uuid.UUID) (Person, error) {
	return personByPartyUUID(ctx, s.pool, id)
}

// Orgs lists every organisation.
func (s *Service) Orgs(ctx context.Context) ([]Organization, error) { return listOrgs(ctx, s.pool) }

// Persons lists every person with the organisations they hold roles in.
func (s *Service) Persons(ctx context.Context) ([]PersonWithRoles, error) {
	ps, err := listPersons(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	orgs, err := listOrgs(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	byNo := make(map[string]Organization, len(orgs))
	for _, o := range orgs {
		byNo[o.OrgNo] = o
	}
	roles, err := rolesHeldByPersons(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	out := make([]PersonWithRoles, len(ps))
	idx := map[string]int{}
	for i, p := range ps {
		out[i] = PersonWithRoles{Person: p, Roles: []RoleAt{}}
		idx[p.PID] = i
	}
	for _, r := range roles {
		if i, ok := idx[r.HolderPID]; ok {
			out[i].Roles = append(out[i].Roles, RoleAt{Org: byNo[r.OrgNo], RoleCode: r.RoleCode})
		}
	}
	return out, nil
}

// RolesOfPerson lists the roles a person holds, at any organisation.
func (s *Service) RolesOfPerson(ctx context.Context, pid string) ([]Role, error) {
	return rolesOfPerson(ctx, s.pool, pid)
}

// RolesHeldByOrg lists roles an organisation holds on others (e.g. REGN on
// its accounting clients).
func (s *Service) RolesHeldByOrg(ctx context.Context, orgNo string) ([]Role, error) {
	return rolesHeldByOrg(ctx, s.pool, orgNo)
}

// RolesOn lists every role registered on an organisation.
func (s *Service) RolesOn(ctx context.Context, orgNo string) ([]Role, error) {
	return rolesOn(ctx, s.pool, orgNo)
}

// CanManage says whether the person may manage access for the organisation
// (approve system users, delegate clients).
func (s *Service) CanManage(ctx context.Context, pid, orgNo string) (bool, error) {
	roles, err := rolesOfPersonOn(ctx, s.pool, pid, orgNo)
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		if CanManageAccess(r.RoleCode) {
			return true, nil
		}
	}
	return false, nil
}

// UpsertOrg adds or renames an organisation (used by seeding).
func (s *Service) UpsertOrg(ctx context.Context, q db.Querier, o Organization) error {
	if !ValidOrgNo(o.OrgNo, s.Lenient) {
		return fmt.Errorf("%w: %q", ErrInvalidOrgNo, o.OrgNo)
	}
	if o.OrgForm == "" {
		o.OrgForm = "AS"
	}
	if err := insertOrg(ctx, q, o); err != nil {
		return err
	}
	return db.Invalidate(ctx, q, db.PartiesPayload)
}

// UpsertPerson adds or renames a person (used by seeding).
func (s *Service) UpsertPerson(ctx context.Context, q db.Querier, p Person) error {
	if !ValidPID(p.PID) {
		return fmt.Errorf("invalid national identity number %q", p.PID)
	}
	if err := insertPerson(ctx, q, p); err != nil {
		return err
	}
	return db.Invalidate(ctx, q, db.PartiesPayload)
}

// AddRole registers a role (used by seeding).
func (s *Service) AddRole(ctx context.Context, q db.Querier, r Role) error {
	if r.Source == "" {
		r.Source = "ccr"
	}
	if err := insertRole(ctx, q, r); err != nil {
		return err
	}
	return db.Invalidate(ctx, q, db.PartiesPayload)
}

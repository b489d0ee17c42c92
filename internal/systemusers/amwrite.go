package systemusers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/amdto"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
)

// Access Management's validation errors (Altinn.AccessManagement.Core
// Errors.ValidationErrors, prefix AM) met by the client delegation writes.
var (
	AMVldEmptyList         = problem.ValidationDescriptor{Code: "AM.VLD-00023", Title: "The list cant be empty"}
	AMVldUserNotAuthorized = problem.ValidationDescriptor{Code: "AM.VLD-00026", Title: "User not authorized for operation."}
	AMVldInvalidPackage    = problem.ValidationDescriptor{Code: "AM.VLD-00030", Title: "Invalid Package."}
	AMVldMissingAssignment = problem.ValidationDescriptor{Code: "AM.VLD-00032", Title: "Assignment of role do not exist."}
)

// amAgentRole is Access Management's "agent" role (RoleConstants.Agent):
// what the facilitator's agents hold on it.
var amAgentRole = amdto.CompactRole{ID: uuid.MustParse("ff4c33f5-03f7-4445-85ed-1e60b8aafb30"), Code: "agent", URN: "urn:altinn:role:agent"}

// AMPermission is one item of Access Management's DelegationBatchInputDto:
// a role the facilitator holds on the client and packages it gives.
type AMPermission struct {
	Role     string   `json:"role"`
	Packages []string `json:"packages"`
}

// roleCode is the last segment of a role code or URN, lower case.
func roleCode(s string) string { return strings.ToLower(s[strings.LastIndex(s, ":")+1:]) }

// checkPermissions validates a batch against what the facilitator's roles
// on the client give, with upstream's codes and JSON paths
// (ClientDelegationService, "/values[i]/…"): unknown package AM.VLD-00030,
// a package the role does not give AM.VLD-00026 (one error per package,
// as the platform lists them), a role the facilitator does not hold on
// the client AM.VLD-00032, one per value, naming the role. On remove a
// catalogue role not held is skipped, as upstream's RemoveAgentDelegation
// passes over a role without the client's assignment. It answers the ER
// role codes used and the packages, deduplicated.
func (s *Service) checkPermissions(ctx context.Context, facilitatorOrgNo string, c *Client, perms []AMPermission, remove bool) (roles, packages []string, err error) {
	var errs []problem.ValidationError
	if len(perms) == 0 {
		errs = append(errs, AMVldEmptyList.At("/values"))
	}
	for i, p := range perms {
		var held string
		for _, r := range c.Roles {
			if roleCode(s.packages.RoleURN(r)) == roleCode(p.Role) || strings.EqualFold(r, p.Role) {
				held = r
			}
		}
		if p.Role == "" || held == "" {
			if remove && p.Role != "" && len(s.packages.PackagesForRole(p.Role)) > 0 {
				continue
			}
			e, err := s.missingClientRole(ctx, facilitatorOrgNo, c.OrgNo, p.Role, i)
			if err != nil {
				return nil, nil, err
			}
			errs = append(errs, e)
			continue
		}
		if len(p.Packages) == 0 {
			errs = append(errs, AMVldEmptyList.At(fmt.Sprintf("/values[%d]/packages", i)))
		}
		given := s.packages.PackagesForRole(held)
		for j, urn := range p.Packages {
			path := fmt.Sprintf("/values[%d]/packages[%d]", i, j)
			if _, err := s.packages.Package(ctx, urn); errors.Is(err, dberr.ErrNotFound) {
				errs = append(errs, AMVldInvalidPackage.At(path))
				continue
			} else if err != nil {
				return nil, nil, err
			}
			if !slices.Contains(given, urn) {
				errs = append(errs, AMVldUserNotAuthorized.At(path))
				continue
			}
			if !slices.Contains(roles, held) {
				roles = append(roles, held)
			}
			if !slices.Contains(packages, urn) {
				packages = append(packages, urn)
			}
		}
	}
	if len(errs) > 0 {
		return nil, nil, problem.Validation(errs...)
	}
	return roles, packages, nil
}

// missingClientRole is upstream's AM.VLD-00032 for a role the facilitator
// does not hold on the client: at the value's role, the role's URN with
// "Role is not assigned to '<facilitator>' from '<client>'." (party uuids).
func (s *Service) missingClientRole(ctx context.Context, facilitatorOrgNo, clientOrgNo, role string, i int) (problem.ValidationError, error) {
	fac, err := s.parties.Org(ctx, facilitatorOrgNo)
	if err != nil {
		return problem.ValidationError{}, fmt.Errorf("facilitator %s: %w", facilitatorOrgNo, err)
	}
	cl, err := s.parties.Org(ctx, clientOrgNo)
	if err != nil {
		return problem.ValidationError{}, fmt.Errorf("client %s: %w", clientOrgNo, err)
	}
	key := role
	if role != "" {
		key = s.packages.RoleURN(role)
	}
	return vldWith(AMVldMissingAssignment, key, fmt.Sprintf("Role is not assigned to '%s' from '%s'.", fac.PartyUUID, cl.PartyUUID),
		fmt.Sprintf("/values[%d]/role", i)), nil
}

// amTarget loads the agent and the client in a write: the agent is the
// facilitator's agent system user or a person it made its agent (POST
// …/agents), locked for the transaction; anything else is a missing
// assignment at $QUERY/to. A client the facilitator holds no client role
// on comes back without roles, so that each value's role is reported as
// upstream does (checkPermissions).
func (s *Service) amTarget(ctx context.Context, q db.Querier, agentID uuid.UUID, facilitatorOrgNo, clientOrgNo string) (agentDelegations, *Client, error) {
	a, err := s.lockAgent(ctx, q, agentID, facilitatorOrgNo)
	if err != nil {
		return nil, nil, err
	}
	clients, err := s.facilitatorClients(ctx, facilitatorOrgNo)
	if err != nil {
		return nil, nil, err
	}
	c, ok := clients[clientOrgNo]
	if !ok {
		c = &Client{OrgNo: clientOrgNo}
	}
	return a, c, nil
}

// lockAgent finds the facilitator's agent by Access Management's id for
// it: its agent system user, or a person it assigned the agent role.
func (s *Service) lockAgent(ctx context.Context, q db.Querier, agentID uuid.UUID, facilitatorOrgNo string) (agentDelegations, error) {
	// Upstream's DelegateAccessPackageToAgent reports the agent at
	// "$QUERY/to".
	missing := problem.Validation(AMVldMissingAssignment.At("$QUERY/to"))
	su, err := s.GetForUpdate(ctx, q, agentID)
	switch {
	case err == nil && su.UserType == TypeAgent && su.ReporteeOrgNo == facilitatorOrgNo:
		return suDelegations{id: su.ID}, nil
	case err == nil:
		return nil, missing
	case !errors.Is(err, dberr.ErrNotFound):
		return nil, err
	}
	p, err := s.parties.PersonByPartyUUID(ctx, agentID)
	if errors.Is(err, dberr.ErrNotFound) {
		return nil, missing
	}
	if err != nil {
		return nil, err
	}
	if _, err := lockPersonAgent(ctx, q, facilitatorOrgNo, p.PID); errors.Is(err, dberr.ErrNotFound) {
		// A person without the agent role from the facilitator: the role
		// named, as upstream does.
		fac, err := s.parties.Org(ctx, facilitatorOrgNo)
		if err != nil {
			return nil, fmt.Errorf("facilitator %s: %w", facilitatorOrgNo, err)
		}
		return nil, problem.Validation(vldWith(AMVldMissingAssignment, amAgentRole.URN,
			fmt.Sprintf("Role is not assigned to '%s' from '%s'.", agentID, fac.PartyUUID), "$QUERY/to"))
	} else if err != nil {
		return nil, err
	}
	return personDelegations{facilitatorOrgNo: facilitatorOrgNo, person: p}, nil
}

// DelegatePackages is Access Management's AddDelegationForAgentAsync: the
// facilitator gives its agent (an agent system user or a person agent)
// the client's packages its roles there give. The packages join the
// agent's delegation for the client (for a system user the same row the
// authentication API writes, so the PDP sees both alike), in one
// transaction. It answers the packages given now.
func (s *Service) DelegatePackages(ctx context.Context, agentID uuid.UUID, facilitatorOrgNo, clientOrgNo string, perms []AMPermission) (ClientDelegation, []string, error) {
	var out ClientDelegation
	var given []string
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		a, c, err := s.amTarget(ctx, q, agentID, facilitatorOrgNo, clientOrgNo)
		if err != nil {
			return err
		}
		roles, packages, err := s.checkPermissions(ctx, facilitatorOrgNo, c, perms, false)
		if err != nil {
			return err
		}
		given = packages
		d, ok, err := delegationOf(ctx, q, a, clientOrgNo)
		if err != nil {
			return err
		}
		if !ok {
			org, err := s.parties.Org(ctx, clientOrgNo)
			if err != nil {
				return fmt.Errorf("client %s: %w", clientOrgNo, err)
			}
			d, err = a.insert(ctx, q, ClientDelegation{ID: uuid.New(), SystemUserID: agentID, ClientOrgNo: clientOrgNo,
				ClientPartyUUID: org.PartyUUID, FacilitatorOrgNo: facilitatorOrgNo, Roles: roles, AccessPackages: packages, Created: s.clock.Now().UTC()})
			if err != nil {
				return err
			}
		} else {
			for _, r := range roles {
				if !slices.Contains(d.Roles, r) {
					d.Roles = append(d.Roles, r)
				}
			}
			for _, p := range packages {
				if !slices.Contains(d.AccessPackages, p) {
					d.AccessPackages = append(d.AccessPackages, p)
				}
			}
			if err := a.update(ctx, q, d.ID, d.Roles, d.AccessPackages); err != nil {
				return err
			}
		}
		out = d
		return a.changed(ctx, q)
	})
	return out, given, err
}

// RemovePackages is Access Management's RemoveAgentDelegation: the
// packages leave the agent's delegation for the client; with none left
// the client is no longer delegated. Packages not delegated are no error
// (the delete is idempotent). It answers the delegation as it was and the
// packages removed.
func (s *Service) RemovePackages(ctx context.Context, agentID uuid.UUID, facilitatorOrgNo, clientOrgNo string, perms []AMPermission) (ClientDelegation, []string, error) {
	var was ClientDelegation
	var removed []string
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		a, c, err := s.amTarget(ctx, q, agentID, facilitatorOrgNo, clientOrgNo)
		if err != nil {
			return err
		}
		_, packages, err := s.checkPermissions(ctx, facilitatorOrgNo, c, perms, true)
		if err != nil {
			return err
		}
		d, ok, err := delegationOf(ctx, q, a, clientOrgNo)
		if err != nil || !ok {
			return err
		}
		was = d
		left := slices.DeleteFunc(slices.Clone(d.AccessPackages), func(p string) bool { return slices.Contains(packages, p) })
		if len(left) == len(d.AccessPackages) {
			return nil
		}
		for _, p := range d.AccessPackages {
			if !slices.Contains(left, p) {
				removed = append(removed, p)
			}
		}
		if len(left) == 0 {
			if err := a.remove(ctx, q, clientOrgNo); err != nil {
				return err
			}
		} else {
			var roles []string
			for _, r := range d.Roles {
				if intersects(s.packages.PackagesForRole(r), left) {
					roles = append(roles, r)
				}
			}
			if err := a.update(ctx, q, d.ID, roles, left); err != nil {
				return err
			}
		}
		return a.changed(ctx, q)
	})
	if err != nil {
		return ClientDelegation{}, nil, err
	}
	return was, removed, nil
}

// amDelegation is Access Management's DelegationDto: the package given
// from the client, via the facilitator, to the agent, through the role.
type amDelegation struct {
	RoleID    uuid.UUID `json:"roleId"`
	PackageID uuid.UUID `json:"packageId"`
	ViaID     uuid.UUID `json:"viaId"`
	FromID    uuid.UUID `json:"fromId"`
	ToID      uuid.UUID `json:"toId"`
}

// amWriteParams reads ?party= (the caller must manage it), ?from= (the
// client) and ?to= (the agent) and the DelegationBatchInputDto body.
func (s *Service) amWriteParams(w http.ResponseWriter, r *http.Request) (facilitator, client string, agent uuid.UUID, perms []AMPermission, err error) {
	facilitator, err = s.amParty(r)
	if err != nil {
		return "", "", uuid.Nil, nil, err
	}
	q := r.URL.Query()
	from, ferr := uuid.Parse(q.Get("from"))
	to, terr := uuid.Parse(q.Get("to"))
	errs := map[string][]string{}
	if ferr != nil || from == uuid.Nil {
		errs["from"] = []string{"The from field is required and must be a party uuid."}
	}
	if terr != nil || to == uuid.Nil {
		errs["to"] = []string{"The to field is required and must be a party uuid."}
	}
	if len(errs) > 0 {
		return "", "", uuid.Nil, nil, modelState(errs)
	}
	var in struct {
		Values []AMPermission `json:"values"`
	}
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return "", "", uuid.Nil, nil, p
	}
	org, err := s.parties.OrgByParty(r.Context(), from.String())
	if errors.Is(err, dberr.ErrNotFound) {
		// Upstream's DelegateAccessPackageToAgent and RemoveAgentDelegation:
		// no entity with the client's uuid.
		return "", "", uuid.Nil, nil, problem.Validation(vldWith(AMVldEntityNotExists, from.String(), "entity do not exist.", "$QUERY/from"))
	}
	if err != nil {
		return "", "", uuid.Nil, nil, err
	}
	return facilitator, org.OrgNo, to, in.Values, nil
}

// handleAMDelegatePackages is Access Management's POST
// …/enduser/clientdelegations/agents/accesspackages?party=&from=&to=
// with {values:[{role, packages}]}: 200 with the DelegationDto of each
// package given.
func (s *Service) handleAMDelegatePackages(w http.ResponseWriter, r *http.Request) error {
	facilitator, client, agent, perms, err := s.amWriteParams(w, r)
	if err != nil {
		return err
	}
	d, given, err := s.DelegatePackages(r.Context(), agent, facilitator, client, perms)
	if err != nil {
		return err
	}
	return s.writeAMDelegations(w, r, facilitator, d, given)
}

// writeAMDelegations answers 200 with a DelegationDto for each of the
// delegation's packages named.
func (s *Service) writeAMDelegations(w http.ResponseWriter, r *http.Request, facilitator string, d ClientDelegation, packages []string) error {
	fac, err := s.parties.Org(r.Context(), facilitator)
	if err != nil {
		return err
	}
	out := []amDelegation{}
	for _, urn := range packages {
		x := amDelegation{ViaID: fac.PartyUUID, FromID: d.ClientPartyUUID, ToID: d.SystemUserID}
		if pk, err := s.packages.Package(r.Context(), urn); err == nil {
			x.PackageID = pk.ID
		}
		for _, role := range d.Roles {
			if slices.Contains(s.packages.PackagesForRole(role), urn) {
				x.RoleID = amRoles[roleCode(s.packages.RoleURN(role))].ID
			}
		}
		out = append(out, x)
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

// handleAMRemovePackages is Access Management's DELETE
// …/enduser/clientdelegations/agents/accesspackages?party=&from=&to=
// with {values:[{role, packages}]}: 200 with the DelegationDto of each
// package removed ([] when none was delegated).
func (s *Service) handleAMRemovePackages(w http.ResponseWriter, r *http.Request) error {
	facilitator, client, agent, perms, err := s.amWriteParams(w, r)
	if err != nil {
		return err
	}
	d, removed, err := s.RemovePackages(r.Context(), agent, facilitator, client, perms)
	if err != nil {
		return err
	}
	return s.writeAMDelegations(w, r, facilitator, d, removed)
}

package systemusers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/amdto"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// amRoles are Access Management's ids and legacy URNs of the ER roles
// that make an organisation a client, by role code (its RoleConstants:
// Accountant, Auditor, BusinessManager).
var amRoles = map[string]struct {
	ID        uuid.UUID
	LegacyURN string
}{
	"regnskapsforer":   {uuid.MustParse("46e27685-b3ba-423e-8b42-faab54de5817"), "urn:altinn:rolecode:regn"},
	"revisor":          {uuid.MustParse("f76b997a-9bd8-4f7b-899f-fcd85d35669f"), "urn:altinn:rolecode:revi"},
	"forretningsforer": {uuid.MustParse("348b2f47-47ee-4084-abf8-68aa54c2b27f"), "urn:altinn:rolecode:ffor"},
}

type amCompactPackage struct {
	ID     uuid.UUID `json:"id"`
	URN    string    `json:"urn"`
	AreaID uuid.UUID `json:"areaId"`
}

type amRoleAccess struct {
	Role     amdto.CompactRole  `json:"role"`
	Packages []amCompactPackage `json:"packages"`
}

// amClient is Access Management's ClientDto.
type amClient struct {
	Client amdto.CompactEntity `json:"client"`
	Access []amRoleAccess      `json:"access"`
}

// amParty reads ?party= (a party uuid the caller must manage): 400 when
// missing or malformed, a bare 403 for an unknown party or one the caller
// may not manage, as Access Management's PDP answers.
func (s *Service) amParty(r *http.Request) (orgNo string, err error) {
	raw := r.URL.Query().Get("party")
	party, err := uuid.Parse(raw)
	if raw == "" || err != nil || party == uuid.Nil {
		// The platform answers a 500 from its PDP here; the parameter is
		// what is wrong.
		return "", modelStateError("party", "The party field is required and must be a party uuid.")
	}
	org, err := s.parties.OrgByParty(r.Context(), party.String())
	if errors.Is(err, dberr.ErrNotFound) {
		return "", route.Status(http.StatusForbidden)
	}
	if err != nil {
		return "", err
	}
	if !s.mayManage(r, org.OrgNo) {
		return "", route.Status(http.StatusForbidden)
	}
	return org.OrgNo, nil
}

// amAccess is one role's access as Access Management names it, with the
// catalogue's package ids.
func (s *Service) amAccess(r *http.Request, roleURN string, urns []string) (amRoleAccess, error) {
	code := roleURN[strings.LastIndex(roleURN, ":")+1:]
	role := amdto.CompactRole{Code: code, URN: roleURN}
	if def, ok := amRoles[code]; ok {
		legacy := def.LegacyURN
		role.ID, role.LegacyURN = def.ID, &legacy
	}
	acc := amRoleAccess{Role: role, Packages: []amCompactPackage{}}
	for _, urn := range urns {
		p := amCompactPackage{URN: urn}
		pk, err := s.packages.Package(r.Context(), urn)
		switch {
		case err == nil:
			p.ID, p.AreaID = pk.ID, pk.AreaID
		case !errors.Is(err, dberr.ErrNotFound):
			return acc, err
		}
		acc.Packages = append(acc.Packages, p)
	}
	return acc, nil
}

// amEntity is an organisation as Access Management's compact entity.
func (s *Service) amEntity(r *http.Request, orgNo string) (amdto.CompactEntity, error) {
	o, err := s.parties.Org(r.Context(), orgNo)
	if err != nil {
		return amdto.CompactEntity{}, err
	}
	return amdto.CompactEntity{ID: o.PartyUUID, Name: o.Name, Type: "Organisasjon", Variant: o.OrgForm,
		PartyID: o.PartyID, OrganizationIdentifier: o.OrgNo}, nil
}

// handleAMAgentPackages is Access Management's GET
// /accessmanagement/api/v1/enduser/clientdelegations/agents/accesspackages
// ?party=<facilitator>&to=<agent>: what the facilitator has delegated to
// the agent (its agent system user, or a person it made its agent), per
// client (what Authentication reads for an agent system user's
// delegations). Anyone else has none.
func (s *Service) handleAMAgentPackages(w http.ResponseWriter, r *http.Request) error {
	orgNo, err := s.amParty(r)
	if err != nil {
		return err
	}
	raw := r.URL.Query().Get("to")
	to, err := uuid.Parse(raw)
	if raw == "" || err != nil || to == uuid.Nil {
		return modelStateError("to", "The to field is required and must be a party uuid.")
	}
	page := Paginated[amClient]{Data: []amClient{}}
	a, ok, err := s.agentOf(r.Context(), to, orgNo)
	if err != nil {
		return err
	}
	if !ok {
		respond.JSON(w, http.StatusOK, page)
		return nil
	}
	ds, err := a.list(r.Context(), s.pool)
	if err != nil {
		return err
	}
	for _, d := range ds {
		ent, err := s.amEntity(r, d.ClientOrgNo)
		if err != nil {
			return err
		}
		access, err := s.delegationAccess(r, d)
		if err != nil {
			return err
		}
		page.Data = append(page.Data, amClient{Client: ent, Access: access})
	}
	respond.JSON(w, http.StatusOK, page)
	return nil
}

// agentOf finds the facilitator's agent by Access Management's id for it
// (a read: nothing is locked); ok false when it is none of its agents.
func (s *Service) agentOf(ctx context.Context, agentID uuid.UUID, facilitatorOrgNo string) (agentDelegations, bool, error) {
	su, err := s.Get(ctx, agentID)
	switch {
	case err == nil:
		return suDelegations{id: su.ID}, su.UserType == TypeAgent && su.ReporteeOrgNo == facilitatorOrgNo, nil
	case !errors.Is(err, dberr.ErrNotFound):
		return nil, false, err
	}
	p, err := s.parties.PersonByPartyUUID(ctx, agentID)
	if errors.Is(err, dberr.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if _, err := personAgent(ctx, s.pool, facilitatorOrgNo, p.PID); errors.Is(err, dberr.ErrNotFound) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	return personDelegations{facilitatorOrgNo: facilitatorOrgNo, person: p}, true, nil
}

// handleAMClients is Access Management's GET
// /accessmanagement/api/v1/enduser/clientdelegations/clients?party=<uuid>
// [&roles=<code>…]: the organisations the party is a client facilitator
// for, by the ER roles it holds on them (the only client relations the
// emulator has), each role with the packages it gives; one page
// ({links:{next:null}, data}). The caller must manage the party.
func (s *Service) handleAMClients(w http.ResponseWriter, r *http.Request) error {
	orgNo, err := s.amParty(r)
	if err != nil {
		return err
	}
	roles := r.URL.Query()["roles"]
	all, err := s.ClientsOfFacilitator(r.Context(), orgNo, nil)
	if err != nil {
		return err
	}
	page := Paginated[amClient]{Data: []amClient{}}
	for _, c := range all {
		ent, err := s.amEntity(r, c.OrganizationIdentifier)
		if err != nil {
			return err
		}
		out := amClient{Client: ent, Access: []amRoleAccess{}}
		for _, ra := range c.Access {
			code := ra.Role[strings.LastIndex(ra.Role, ":")+1:]
			if len(roles) > 0 && !slices.ContainsFunc(roles, func(x string) bool { return strings.EqualFold(x, code) || strings.EqualFold(x, ra.Role) }) {
				continue
			}
			acc, err := s.amAccess(r, ra.Role, ra.Packages)
			if err != nil {
				return err
			}
			out.Access = append(out.Access, acc)
		}
		if len(out.Access) > 0 {
			page.Data = append(page.Data, out)
		}
	}
	respond.JSON(w, http.StatusOK, page)
	return nil
}

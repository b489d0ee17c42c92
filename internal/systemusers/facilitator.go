package systemusers

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"
)

// RoleAccess is one role a facilitator holds on a client and the packages
// it gives (RoleAccessPackagesPrimitive).
type RoleAccess struct {
	Role     string   `json:"role"`
	Packages []string `json:"packages"`
}

// FacilitatorClient is ExternalClientDto: a client of the facilitator,
// with what each of its roles there gives.
type FacilitatorClient struct {
	PartyUUID              uuid.UUID    `json:"partyUuid"`
	DisplayName            string       `json:"displayName"`
	OrganizationIdentifier string       `json:"organizationIdentifier"`
	Access                 []RoleAccess `json:"access"`
}

// ClientsOfFacilitator lists the organisations the facilitator holds an
// ER role on that gives access packages (Access Management's
// clientdelegations/clients), ordered by organisation number. With
// packages, only clients where a role gives one of them are listed; a
// package may be named by URN or by its last segment
// (regnskapsforer-lonn), in any case.
func (s *Service) ClientsOfFacilitator(ctx context.Context, facilitatorOrgNo string, packages []string) ([]FacilitatorClient, error) {
	all, err := s.facilitatorClients(ctx, facilitatorOrgNo)
	if err != nil {
		return nil, err
	}
	out := []FacilitatorClient{}
	for orgNo, c := range all {
		fc := FacilitatorClient{OrganizationIdentifier: orgNo, Access: []RoleAccess{}}
		for _, role := range c.Roles {
			fc.Access = append(fc.Access, RoleAccess{Role: s.packages.RoleURN(role), Packages: s.packages.PackagesForRole(role)})
		}
		if len(packages) > 0 && !anyPackage(fc.Access, packages) {
			continue
		}
		o, err := s.parties.Org(ctx, orgNo)
		if err != nil {
			return nil, err
		}
		fc.PartyUUID, fc.DisplayName = o.PartyUUID, o.Name
		out = append(out, fc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrganizationIdentifier < out[j].OrganizationIdentifier })
	return out, nil
}

// anyPackage reports whether a role gives one of the wanted packages.
func anyPackage(access []RoleAccess, wanted []string) bool {
	for _, a := range access {
		for _, urn := range a.Packages {
			short := urn[strings.LastIndex(urn, ":")+1:]
			if slices.ContainsFunc(wanted, func(w string) bool { return strings.EqualFold(w, urn) || strings.EqualFold(w, short) }) {
				return true
			}
		}
	}
	return false
}

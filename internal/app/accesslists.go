package app

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/accesslists"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/pdp"
	"github.com/altinn-sim/altinn-sim/internal/resources"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// accessListParties resolves access-list members in the party register:
// organisations by number, party uuid or party id.
type accessListParties struct{ p *parties.Service }

func (a accessListParties) Party(ctx context.Context, ref accesslists.PartyRef) (accesslists.Party, error) {
	var (
		o   parties.Organization
		err error
	)
	switch {
	case ref.UUID != uuid.Nil:
		o, err = a.p.OrgByPartyUUID(ctx, ref.UUID)
	case ref.OrgNo != "":
		o, err = a.p.Org(ctx, ref.OrgNo)
	default:
		o, err = a.p.OrgByPartyID(ctx, ref.ID)
	}
	if err != nil {
		return accesslists.Party{}, err
	}
	return accesslists.Party{UUID: o.PartyUUID, ID: o.PartyID, OrgNo: o.OrgNo}, nil
}

// accessListOwners tells the access lists who owns what in the resource
// registry.
type accessListOwners struct{ r *resources.Service }

func (a accessListOwners) CompetentAuthorities(ctx context.Context) (map[string]string, error) {
	all, err := a.r.Resources(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range all {
		if ca := r.HasCompetentAuthority; ca != nil && ca.Orgcode != "" {
			out[strings.ToLower(ca.Orgcode)] = ca.Organization
		}
	}
	return out, nil
}

func (a accessListOwners) ResourceOwner(ctx context.Context, id string) (string, error) {
	r, err := a.r.Resource(ctx, id)
	if err != nil {
		return "", err
	}
	if r.HasCompetentAuthority == nil {
		return "", nil
	}
	return r.HasCompetentAuthority.Orgcode, nil
}

// pdpAccessLists is the PDP's access-list gate over the access lists.
type pdpAccessLists struct{ l *accesslists.Service }

func (a pdpAccessLists) AccessList(ctx context.Context, resourceID string, party uuid.UUID, action string) (pdp.AccessListAnswer, error) {
	d, err := a.l.Allows(ctx, party, resourceID, action)
	if err != nil {
		return pdp.AccessListAnswer{}, err
	}
	return pdp.AccessListAnswer{Authorized: d.Authorized, List: d.List, Actions: d.Actions}, nil
}

// accessTokenIssuer verifies platform access tokens for the access lists'
// platform-internal operations.
type accessTokenIssuer struct{ s *signing.Service }

func (a accessTokenIssuer) AccessTokenIssuer(ctx context.Context, raw string) (string, error) {
	v, err := a.s.VerifyAccessToken(ctx, raw)
	if err != nil {
		return "", err
	}
	iss, _ := v.Claims["iss"].(string)
	return iss, nil
}

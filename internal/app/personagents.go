package app

import (
	"context"

	"github.com/altinn-sim/altinn-sim/internal/pdp"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// pdpPersonAgents gives the PDP the client delegations a person holds as
// a facilitator's agent (Access Management's POST …/agents/accesspackages).
type pdpPersonAgents struct{ s *systemusers.Service }

func (a pdpPersonAgents) AgentDelegations(ctx context.Context, pid string) ([]pdp.AgentDelegation, error) {
	ds, err := a.s.PersonAgentDelegations(ctx, pid)
	if err != nil {
		return nil, err
	}
	out := make([]pdp.AgentDelegation, 0, len(ds))
	for _, d := range ds {
		out = append(out, pdp.AgentDelegation{ID: d.ID, FacilitatorOrgNo: d.FacilitatorOrgNo, ClientOrgNo: d.ClientOrgNo, Packages: d.AccessPackages})
	}
	return out, nil
}

package pdp

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/resources"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// ResourceService is what the PDP needs from internal/resources
// (*resources.Service satisfies it).
type ResourceService interface {
	Resource(ctx context.Context, id string) (resources.Resource, error)
	Policy(ctx context.Context, resourceID string) (resources.Policy, error)
}

// SystemUserService is what the PDP needs from internal/systemusers
// (*systemusers.Service satisfies it).
type SystemUserService interface {
	Get(ctx context.Context, id uuid.UUID) (systemusers.SystemUser, error)
	Clients(ctx context.Context, systemUserID uuid.UUID) ([]systemusers.ClientDelegation, error)
	SelfPackages(ctx context.Context, systemUserID uuid.UUID) ([]string, error)
}

// FromResources reads policies from the resource registry.
func FromResources(r ResourceService) PolicySource { return resourcePolicies{r} }

type resourcePolicies struct{ r ResourceService }

// Policy is "no policy" for an unknown resource as well as for a resource
// without one: upstream's PRP finds neither.
func (a resourcePolicies) Policy(ctx context.Context, id string) (Policy, error) {
	res, err := a.r.Resource(ctx, id)
	if err != nil {
		return Policy{}, err
	}
	p := Policy{ResourceID: id, AccessListEnabled: strings.EqualFold(res.AccessListMode, "Enabled")}
	rp, err := a.r.Policy(ctx, id)
	if err != nil {
		return Policy{}, err
	}
	p.MinAuthLevel = rp.MinAuthLevel
	for _, o := range rp.Obligations {
		// The PDP returns obligations on Permit only.
		if o.FulfillOn != "" && !strings.EqualFold(o.FulfillOn, resources.EffectPermit) {
			continue
		}
		ob := Obligation{ID: o.ID, AttributeAssignment: make([]AttributeAssignment, 0, len(o.Assignments))}
		for _, a := range o.Assignments {
			ob.AttributeAssignment = append(ob.AttributeAssignment, AttributeAssignment{AttributeID: a.AttributeID, Value: a.Value, Category: a.Category, DataType: a.DataType})
		}
		p.Obligations = append(p.Obligations, ob)
	}
	p.Rules = make([]Rule, 0, len(rp.Rules))
	for _, r := range rp.Rules {
		p.Rules = append(p.Rules, Rule{
			ID:        r.RuleID,
			Effect:    r.Effect,
			Subjects:  r.Subjects,
			Actions:   r.Actions,
			Resources: ruleResources(r.Resources),
			Target:    r.Target,
		})
	}
	return p, nil
}

// unmatchable stands for a resource alternative the emulator's requests
// never satisfy (one that also needs urn:altinn:task or end-event, which
// a registry-resource request does not carry).
const unmatchable = "\x00"

func ruleResources(alts [][]resources.AttributeMatch) []string {
	var out []string
	for _, alt := range alts {
		if id := resourceIDOf(alt); id != "" {
			out = append(out, id)
		} else {
			out = append(out, unmatchable)
		}
	}
	return out
}

// resourceIDOf reduces an AND of attribute matches to the one resource id
// it names: urn:altinn:resource, or org + app as app_{org}_{app}.
func resourceIDOf(alt []resources.AttributeMatch) string {
	var id, org, app string
	for _, m := range alt {
		switch strings.ToLower(m.ID) {
		case AttrResource:
			id = m.Value
		case "urn:altinn:org":
			org = m.Value
		case "urn:altinn:app":
			app = m.Value
		default:
			return ""
		}
	}
	if id == "" && org != "" && app != "" {
		id = "app_" + org + "_" + app
	}
	return id
}

// FromSystemUsers reads system users and their client delegations.
func FromSystemUsers(s SystemUserService) SystemUserSource { return systemUsers{s} }

type systemUsers struct{ s SystemUserService }

func (a systemUsers) SystemUser(ctx context.Context, id uuid.UUID) (SystemUser, error) {
	su, err := a.s.Get(ctx, id)
	if err != nil {
		return SystemUser{}, err
	}
	out := SystemUser{
		ID:         su.ID,
		Agent:      su.UserType == systemusers.TypeAgent,
		OwnerOrgNo: su.ReporteeOrgNo,
		SystemID:   su.SystemID,
		Deleted:    su.IsDeleted,
		Packages:   su.PackageURNs(),
	}
	for _, r := range su.Rights {
		pairs := make([]resources.AttributeMatch, len(r.Resource))
		for i, p := range r.Resource {
			pairs[i] = resources.AttributeMatch{ID: p.ID, Value: p.Value}
		}
		if rid := resourceIDOf(pairs); rid != "" {
			out.Rights = append(out.Rights, ResourceRight{ResourceID: rid, Action: r.Action})
		}
	}
	if out.Agent {
		cs, err := a.s.Clients(ctx, id)
		if err != nil {
			return SystemUser{}, err
		}
		out.Clients = make(map[string][]string, len(cs))
		for _, c := range cs {
			out.Clients[c.ClientOrgNo] = append(out.Clients[c.ClientOrgNo], c.AccessPackages...)
		}
		if out.Self, err = a.s.SelfPackages(ctx, id); err != nil {
			return SystemUser{}, err
		}
	}
	return out, nil
}

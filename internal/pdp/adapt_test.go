package pdp

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// TestRuleResourcesNameAppsAndResources: a policy rule's resource
// alternative names one resource: urn:altinn:resource as is, or an app by
// org and app together (app_{org}_{app}). Half an app, or an alternative
// that also needs an attribute our requests never carry, matches nothing.
func TestRuleResourcesNameAppsAndResources(t *testing.T) {
	m := func(id, v string) resources.AttributeMatch { return resources.AttributeMatch{ID: id, Value: v} }
	cases := []struct {
		name string
		alt  []resources.AttributeMatch
		want string
	}{
		{"resource", []resources.AttributeMatch{m("urn:altinn:resource", "ttd-r1")}, "ttd-r1"},
		{"org and app", []resources.AttributeMatch{m("urn:altinn:org", "ttd"), m("urn:altinn:app", "app1")}, "app_ttd_app1"},
		{"attribute ids in any case", []resources.AttributeMatch{m("URN:ALTINN:ORG", "ttd"), m("Urn:Altinn:App", "app1")}, "app_ttd_app1"},
		{"org without app", []resources.AttributeMatch{m("urn:altinn:org", "ttd")}, unmatchable},
		{"app without org", []resources.AttributeMatch{m("urn:altinn:app", "app1")}, unmatchable},
		{"resource named beside org and app", []resources.AttributeMatch{m("urn:altinn:resource", "ttd-r1"), m("urn:altinn:org", "ttd"), m("urn:altinn:app", "app1")}, "ttd-r1"},
		{"app task", []resources.AttributeMatch{m("urn:altinn:org", "ttd"), m("urn:altinn:app", "app1"), m("urn:altinn:task", "Task_1")}, unmatchable},
	}
	for _, c := range cases {
		if got := ruleResources([][]resources.AttributeMatch{c.alt}); !slices.Equal(got, []string{c.want}) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// oneResource is a resource registry holding one resource and its policy.
type oneResource struct {
	res resources.Resource
	pol resources.Policy
}

func (o oneResource) Resource(context.Context, string) (resources.Resource, error) { return o.res, nil }
func (o oneResource) Policy(context.Context, string) (resources.Policy, error)     { return o.pol, nil }

// TestPolicyFromResourcesKeepsPermitObligations: of an uploaded policy's
// obligation expressions the PDP keeps those it returns on Permit
// (FulfillOn Permit in any case, or none given), each with its
// assignments in order, and drops those fulfilled on Deny; the access
// list mode "Enabled" is read in any case.
func TestPolicyFromResourcesKeepsPermitObligations(t *testing.T) {
	level := resources.Assignment{AttributeID: "urn:altinn:obligation-assignment:1", Category: "urn:altinn:minimum-authenticationlevel", DataType: "http://www.w3.org/2001/XMLSchema#integer", Value: "3"}
	org := resources.Assignment{AttributeID: "urn:altinn:obligation-assignment:2", Category: "urn:altinn:minimum-authenticationlevel-org", DataType: "http://www.w3.org/2001/XMLSchema#integer", Value: "2"}
	src := FromResources(oneResource{
		res: resources.Resource{Identifier: "ttd-r1", AccessListMode: "enabled"},
		pol: resources.Policy{ResourceID: "ttd-r1", MinAuthLevel: 3, Obligations: []resources.Obligation{
			{ID: "on-permit", FulfillOn: "Permit", Assignments: []resources.Assignment{level, org}},
			{ID: "on-deny", FulfillOn: "Deny", Assignments: []resources.Assignment{level}},
			{ID: "on-permit-lower", FulfillOn: "permit", Assignments: []resources.Assignment{org}},
			{ID: "unsaid", Assignments: []resources.Assignment{}},
		}},
	})
	p, err := src.Policy(context.Background(), "ttd-r1")
	if err != nil {
		t.Fatal(err)
	}
	as := func(a resources.Assignment) AttributeAssignment {
		return AttributeAssignment{AttributeID: a.AttributeID, Value: a.Value, Category: a.Category, DataType: a.DataType}
	}
	want := []Obligation{
		{ID: "on-permit", AttributeAssignment: []AttributeAssignment{as(level), as(org)}},
		{ID: "on-permit-lower", AttributeAssignment: []AttributeAssignment{as(org)}},
		{ID: "unsaid", AttributeAssignment: []AttributeAssignment{}},
	}
	if !reflect.DeepEqual(p.Obligations, want) || !p.AccessListEnabled || p.MinAuthLevel != 3 {
		t.Errorf("policy: obligations %+v, access list %v, level %d\nwant %+v, true, 3", p.Obligations, p.AccessListEnabled, p.MinAuthLevel, want)
	}
}

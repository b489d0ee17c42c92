package pdp

import (
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

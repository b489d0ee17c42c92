package pdp

import (
	"slices"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/resources"
)

func sm(attr, v string) resources.TargetMatch {
	return resources.TargetMatch{Category: CategorySubject, AttributeID: attr, Value: v, MatchID: fnStringEqualIC}
}

func rm(v string) resources.TargetMatch {
	return resources.TargetMatch{Category: CategoryResource, AttributeID: AttrResource, Value: v, MatchID: fnStringEqual}
}

func am(v, fn string) resources.TargetMatch {
	return resources.TargetMatch{Category: CategoryAction, AttributeID: AttrAction, Value: v, MatchID: fn}
}

// Rules with an exact target are decided by XACML's reading of it: each
// AnyOf, one of its AllOfs, all of that AllOf's matches. The lists next
// to the targets name everything the targets name, so a decision by the
// lists would permit the crossed pair and either subject alone.
func TestEvaluateExactTargets(t *testing.T) {
	pol := Policy{ResourceID: "mixres", Rules: []Rule{
		{ID: "pairs", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:dagl"}, Resources: []string{"mixres", "mixres-other"}, Actions: []string{"read", "write"},
			Target: []resources.AnyOf{
				{{sm(AttrRoleCode, "DAGL")}},
				{{rm("mixres"), am("read", fnStringEqual)}, {rm("mixres-other"), am("write", fnStringEqual)}},
			}},
		{ID: "both", Effect: Permit, Subjects: []string{"urn:altinn:accesspackage:skatt-naering", "urn:altinn:rolecode:regn"}, Resources: []string{"mixres"}, Actions: []string{"sign"},
			Target: []resources.AnyOf{
				{{sm(AttrAccessPackage, "skatt-naering"), sm(AttrRoleCode, "REGN")}},
				{{rm("mixres")}},
				{{am("sign", fnStringEqual)}},
			}},
		{ID: "app", Effect: Permit, Subjects: []string{"urn:altinn:org:ttd"}, Resources: []string{"app_ttd_x"}, Actions: []string{"signature-access"},
			Target: []resources.AnyOf{
				{{sm("urn:altinn:org", "ttd")}},
				{{{Category: CategoryResource, AttributeID: "urn:altinn:org", Value: "ttd", MatchID: fnStringEqual},
					{Category: CategoryResource, AttributeID: "urn:altinn:app", Value: "x", MatchID: fnStringEqual},
					am("signature-access", fnStringEqualIC)}},
			}},
		{ID: "task", Effect: Permit, Subjects: []string{"urn:altinn:org:ttd"}, Resources: []string{unmatchable}, Actions: []string{"write"},
			Target: []resources.AnyOf{
				{{sm("urn:altinn:org", "ttd")}},
				{{{Category: CategoryResource, AttributeID: "urn:altinn:task", Value: "Task_1", MatchID: fnStringEqual}, am("write", fnStringEqual)}},
			}},
	}}
	dagl := Facts{Roles: []Held{{Value: "dagl", Source: "ER"}}}
	pkg := Held{Value: "skatt-naering", Source: "delegated"}
	regn := Held{Value: "regn", Source: "ER"}
	ttd := Facts{Attrs: []Held{{Value: "urn:altinn:org:ttd", Source: "subject attribute of the request"}}}
	cases := []struct {
		name, resource, action string
		facts                  Facts
		want, rule, grant      string
	}{
		{"the right pair", "mixres", "read", dagl, Permit, "pairs", "urn:altinn:rolecode:dagl"},
		{"a crossed pair", "mixres", "write", dagl, NotApplicable, "", ""},
		{"the other pair on its resource", "mixres-other", "write", dagl, Permit, "pairs", "urn:altinn:rolecode:dagl"},
		{"a pair without the subject", "mixres", "read", Facts{Roles: []Held{regn}}, NotApplicable, "", ""},
		{"both subject matches held", "mixres", "sign", Facts{Roles: []Held{regn}, Packages: []Held{pkg}}, Permit, "both", "urn:altinn:accesspackage:skatt-naering + urn:altinn:rolecode:regn"},
		{"only the package", "mixres", "sign", Facts{Packages: []Held{pkg}}, NotApplicable, "", ""},
		{"only the role", "mixres", "sign", Facts{Roles: []Held{regn}}, NotApplicable, "", ""},
		{"app org and app from the id, action ignoring case", "app_ttd_x", "SIGNATURE-ACCESS", ttd, Permit, "app", "urn:altinn:org:ttd"},
		{"another app", "app_ttd_y", "signature-access", ttd, NotApplicable, "", ""},
		{"a task the request does not carry", "app_ttd_x", "write", ttd, NotApplicable, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := &Trace{}
			out := Evaluate(pol, c.resource, c.action, c.facts, tr)
			if out.Decision != c.want {
				t.Fatalf("%s, want %s; trace %v", out.Decision, c.want, tr.Steps)
			}
			if c.rule == "" {
				return
			}
			if out.Rule == nil || out.Rule.ID != c.rule || out.Grant == nil || out.Grant.Value != c.grant {
				t.Errorf("rule %+v grant %+v, want %s through %s", out.Rule, out.Grant, c.rule, c.grant)
			}
			if !strings.Contains(strings.Join(tr.Steps, "\n"), "rule "+c.rule+" permits") {
				t.Errorf("trace does not name rule %s: %v", c.rule, tr.Steps)
			}
		})
	}
	// A direct right on the resource covers the actions a Permit rule's
	// target allows on it, and no others.
	rights := Facts{Rights: []Held{{Value: "mixres", Source: "system user right"}}}
	if out := Evaluate(pol, "mixres", "read", rights, nil); out.Decision != Permit || out.Rule.ID != "pairs" {
		t.Errorf("right, read: %+v", out)
	}
	if out := Evaluate(pol, "mixres", "write", rights, nil); out.Decision != NotApplicable {
		t.Errorf("right, crossed write: %+v", out)
	}
}

func TestMatchValue(t *testing.T) {
	for _, c := range []struct {
		fn, policy, request string
		want                bool
	}{
		{fnStringEqual, "read", "read", true},
		{fnStringEqual, "read", "Read", false},
		{"", "read", "read", true},
		{fnStringEqualIC, "read", "READ", true},
		{fnIntegerEqual, "3", "03", true},
		{fnIntegerEqual, "3", "x", false},
		{fnStringRegexp, "^task_[0-9]+$", "task_12", true},
		{"urn:example:unknown", "read", "read", false},
	} {
		if got := matchValue(c.fn, c.policy, c.request); got != c.want {
			t.Errorf("matchValue(%s, %q, %q) = %v", c.fn, c.policy, c.request, got)
		}
	}
}

// TestDescribeTarget: the Why? trace writes a target as XACML reads it,
// AnyOfs joined by "and", an AnyOf's AllOfs by "or", with parentheses only
// where an "or" sits inside an "and" (so a one-AnyOf target or an AnyOf of
// one AllOf reads without them).
func TestDescribeTarget(t *testing.T) {
	a, b, c := sm("s", "1"), rm("r"), am("read", fnStringEqual)
	for _, x := range []struct {
		target []resources.AnyOf
		want   string
	}{
		{[]resources.AnyOf{{{a}}}, "[s=1]"},
		{[]resources.AnyOf{{{a}, {b}}}, "[s=1 or " + AttrResource + "=r]"},
		{[]resources.AnyOf{{{a}}, {{b, c}}}, "[s=1 and " + AttrResource + "=r and " + AttrAction + "=read]"},
		{[]resources.AnyOf{{{a}, {b}}, {{c}}}, "[(s=1 or " + AttrResource + "=r) and " + AttrAction + "=read]"},
		{[]resources.AnyOf{{{c}}, {{a, c}, {b}}}, "[" + AttrAction + "=read and (s=1 and " + AttrAction + "=read or " + AttrResource + "=r)]"},
	} {
		if got := describeTarget(x.target); got != x.want {
			t.Errorf("describeTarget = %q, want %q", got, x.want)
		}
	}
}

// TestTargetRuleNotHeldTraced: a rule with an exact target that covers the
// resource and action, but whose subject matches the subject does not
// hold, says so in the trace and lets the next rule decide.
func TestTargetRuleNotHeldTraced(t *testing.T) {
	pol := Policy{ResourceID: "res", Rules: []Rule{
		{ID: "t1", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:dagl"}, Resources: []string{"res"}, Actions: []string{"read"},
			Target: []resources.AnyOf{{{sm(AttrRoleCode, "DAGL")}}, {{rm("res"), am("read", fnStringEqual)}}}},
	}}
	tr := &Trace{}
	out := Evaluate(pol, "res", "read", Facts{Roles: []Held{{Value: "regn", Source: "ER"}}}, tr)
	if out.Decision != NotApplicable {
		t.Fatalf("decision %s, want NotApplicable", out.Decision)
	}
	want := `rule t1 (Permit, target [` + AttrRoleCode + `=DAGL and ` + AttrResource + `=res and ` + AttrAction + `=read]) covers "read" on res, but the subject does not hold what it needs`
	if !slices.Contains(tr.Steps, want) {
		t.Errorf("trace lacks %q:\n%s", want, strings.Join(tr.Steps, "\n"))
	}
}

package resources

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// Test builders for XACML targets written out by hand, so that the parser
// is checked against text rather than against ExportXACML.
func matchXML(cat, attr, value string) string {
	fn := fnStringEqual
	if cat == catSubject {
		fn = fnStringEqualIC
	}
	return fmt.Sprintf(`<xacml:Match MatchId="%s"><xacml:AttributeValue DataType="%s">%s</xacml:AttributeValue>`+
		`<xacml:AttributeDesignator AttributeId="%s" Category="%s" DataType="%s" MustBePresent="false"/></xacml:Match>`,
		fn, xsString, value, attr, cat, xsString)
}

func xAllOf(ms ...string) string { return "<xacml:AllOf>" + strings.Join(ms, "") + "</xacml:AllOf>" }
func xAnyOf(as ...string) string { return "<xacml:AnyOf>" + strings.Join(as, "") + "</xacml:AnyOf>" }

func xPolicyOf(rules ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<xacml:Policy xmlns:xacml="%s" PolicyId="p" RuleCombiningAlgId="%s"><xacml:Target/>`, xacmlNS, denyOverrides)
	for i, r := range rules {
		fmt.Fprintf(&b, `<xacml:Rule RuleId="r%d" Effect="Permit"><xacml:Target>%s</xacml:Target></xacml:Rule>`, i+1, r)
	}
	return b.String() + "</xacml:Policy>"
}

var (
	mDAGL  = matchXML(catSubject, AttrRoleCode, "DAGL")
	mREGN  = matchXML(catSubject, AttrRoleCode, "REGN")
	mPkg   = matchXML(catSubject, AttrAccessPackage, "skatt-naering")
	mRes   = matchXML(catResource, AttrResource, "mixres")
	mOther = matchXML(catResource, AttrResource, "mixres-other")
	mRead  = matchXML(catAction, AttrActionID, "read")
	mWrite = matchXML(catAction, AttrActionID, "write")
)

func tm(cat, attr, value string) TargetMatch {
	fn := fnStringEqual
	if cat == catSubject {
		fn = fnStringEqualIC
	}
	return TargetMatch{Category: cat, AttributeID: attr, Value: value, MatchID: fn}
}

// A target is kept exactly when the rule lists cannot say it; the lists
// always name every value it names, for the views.
func TestParseXACMLTargets(t *testing.T) {
	subjAny := xAnyOf(xAllOf(mDAGL))
	cases := []struct {
		name   string
		target string
		lists  Rule // Subjects, Resources, Actions
		exact  bool // kept as Target
	}{
		{"the common shape", subjAny + xAnyOf(xAllOf(mRes)) + xAnyOf(xAllOf(mRead), xAllOf(mWrite)),
			Rule{Subjects: []string{"urn:altinn:rolecode:dagl"}, Resources: [][]AttributeMatch{{{AttrResource, "mixres"}}}, Actions: []string{"read", "write"}}, false},
		{"resource and action in the one AllOf of an AnyOf: the same as two AnyOfs", subjAny + xAnyOf(xAllOf(mRes, mRead)),
			Rule{Subjects: []string{"urn:altinn:rolecode:dagl"}, Resources: [][]AttributeMatch{{{AttrResource, "mixres"}}}, Actions: []string{"read"}}, false},
		{"resource and action pairs", subjAny + xAnyOf(xAllOf(mRes, mRead), xAllOf(mOther, mWrite)),
			Rule{Subjects: []string{"urn:altinn:rolecode:dagl"}, Resources: [][]AttributeMatch{{{AttrResource, "mixres"}}, {{AttrResource, "mixres-other"}}}, Actions: []string{"read", "write"}}, true},
		{"a subject AllOf of two matches", xAnyOf(xAllOf(mPkg, mREGN)) + xAnyOf(xAllOf(mRes)) + xAnyOf(xAllOf(mRead)),
			Rule{Subjects: []string{"urn:altinn:accesspackage:skatt-naering", "urn:altinn:rolecode:regn"}, Resources: [][]AttributeMatch{{{AttrResource, "mixres"}}}, Actions: []string{"read"}}, true},
		{"two subject AnyOfs, both needed", subjAny + xAnyOf(xAllOf(mREGN)) + xAnyOf(xAllOf(mRes)) + xAnyOf(xAllOf(mRead)),
			Rule{Subjects: []string{"urn:altinn:rolecode:dagl", "urn:altinn:rolecode:regn"}, Resources: [][]AttributeMatch{{{AttrResource, "mixres"}}}, Actions: []string{"read"}}, true},
		{"subject or action", xAnyOf(xAllOf(mDAGL), xAllOf(mWrite)) + xAnyOf(xAllOf(mRes)) + xAnyOf(xAllOf(mRead)),
			Rule{Subjects: []string{"urn:altinn:rolecode:dagl"}, Resources: [][]AttributeMatch{{{AttrResource, "mixres"}}}, Actions: []string{"write", "read"}}, true},
		{"an action compared ignoring case", subjAny + xAnyOf(xAllOf(mRes)) + xAnyOf(xAllOf(strings.Replace(mRead, fnStringEqual, fnStringEqualIC, 1))),
			Rule{Subjects: []string{"urn:altinn:rolecode:dagl"}, Resources: [][]AttributeMatch{{{AttrResource, "mixres"}}}, Actions: []string{"read"}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseXACML("mixres", []byte(xPolicyOf(c.target)))
			if err != nil {
				t.Fatal(err)
			}
			r := p.Rules[0]
			if !reflect.DeepEqual(r.Subjects, c.lists.Subjects) || !reflect.DeepEqual(r.Resources, c.lists.Resources) || !reflect.DeepEqual(r.Actions, c.lists.Actions) {
				t.Errorf("lists %v %v %v, want %v %v %v", r.Subjects, r.Resources, r.Actions, c.lists.Subjects, c.lists.Resources, c.lists.Actions)
			}
			if (r.Target != nil) != c.exact {
				t.Fatalf("target %v, want kept: %v", r.Target, c.exact)
			}
			// The registry serves the policy back as it means it.
			back, err := ParseXACML("mixres", ExportXACML(p))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Rules, p.Rules) {
				t.Errorf("round trip\n%+v\nwant\n%+v", back.Rules, p.Rules)
			}
		})
	}
	// The pairs are kept as written: AnyOf of AllOf of Match.
	p, err := ParseXACML("mixres", []byte(xPolicyOf(subjAny+xAnyOf(xAllOf(mRes, mRead), xAllOf(mOther, mWrite)))))
	if err != nil {
		t.Fatal(err)
	}
	want := []AnyOf{
		{{tm(catSubject, AttrRoleCode, "DAGL")}},
		{{tm(catResource, AttrResource, "mixres"), tm(catAction, AttrActionID, "read")}, {tm(catResource, AttrResource, "mixres-other"), tm(catAction, AttrActionID, "write")}},
	}
	if !reflect.DeepEqual(p.Rules[0].Target, want) {
		t.Errorf("target\n%+v\nwant\n%+v", p.Rules[0].Target, want)
	}
}

// Upstream's signering-brukerstyrt app policy (testdata/upstream/NOTICE.md)
// has a rule whose one AllOf names the app and the action delete, and
// rules that compare actions ignoring case.
func TestParseXACMLSigneringBrukerstyrt(t *testing.T) {
	b, err := os.ReadFile("testdata/upstream/signering-brukerstyrt.policy.xml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseXACML("app_ttd_signering-brukerstyrt", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) != 8 {
		t.Fatalf("%d rules, want 8", len(p.Rules))
	}
	r3 := p.Rules[2]
	if !reflect.DeepEqual(r3.Actions, []string{"delete"}) || !reflect.DeepEqual(r3.Resources, [][]AttributeMatch{{{AttrOrg, "ttd"}, {AttrApp, "signering-brukerstyrt"}}}) || r3.Target != nil {
		t.Errorf("rule 3: %+v", r3)
	}
	r8 := p.Rules[7]
	if r8.Target == nil || !reflect.DeepEqual(r8.Actions, []string{"signature-access", "read", "write"}) {
		t.Errorf("rule 8: %+v", r8)
	}
}

// Upstream's ResourceV2ControllerWithDbTests count the v2 rights of this
// policy: 20 for end users, 23 with the service owner's, 23 with the app's
// too. The rules kept with an exact target count by their lists.
func TestRightsV2SigneringBrukerstyrt(t *testing.T) {
	b, err := os.ReadFile("testdata/upstream/signering-brukerstyrt.policy.xml")
	if err != nil {
		t.Fatal(err)
	}
	const id = "app_ttd_signering-brukerstyrt"
	p, err := ParseXACML(id, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		o    RightsOptions
		want int
	}{{RightsOptions{}, 20}, {RightsOptions{ServiceOwner: true}, 23}, {RightsOptions{ServiceOwner: true, App: true}, 23}} {
		if got := len(RightsV2(p, id, c.o)); got != c.want {
			t.Errorf("%+v: %d rights, want %d", c.o, got, c.want)
		}
	}
}

package resources

import (
	"reflect"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// A policy written as the platform's tools write them: no prefix on some
// elements, upper-case role codes, a package subject, an app resource with
// org+app in one AllOf, and an authentication-level obligation.
const platformPolicy = `<?xml version="1.0" encoding="utf-8"?>
<xacml:Policy xmlns:xsl="http://www.w3.org/2001/XMLSchema-instance" PolicyId="urn:altinn:policyid:1" Version="1.0"
  RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides"
  xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17">
  <xacml:Target/>
  <xacml:Rule RuleId="urn:altinn:example:ruleid:1" Effect="Permit">
    <xacml:Description>Regnskapsfører og daglig leder kan lese og skrive</xacml:Description>
    <xacml:Target>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">DAGL</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:rolecode" Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">regnskapsforer-lonn</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:accesspackage" Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">ttd</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
          </xacml:Match>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">lonnsapp</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:app" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">read</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">write</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
    </xacml:Target>
  </xacml:Rule>
  <xacml:ObligationExpressions>
    <xacml:ObligationExpression FulfillOn="Permit" ObligationId="urn:altinn:obligation:authenticationLevel1">
      <xacml:AttributeAssignmentExpression AttributeId="urn:altinn:obligation-assignment:1" Category="urn:altinn:minimum-authenticationlevel">
        <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#integer">3</xacml:AttributeValue>
      </xacml:AttributeAssignmentExpression>
    </xacml:ObligationExpression>
  </xacml:ObligationExpressions>
</xacml:Policy>`

func TestParseXACML(t *testing.T) {
	p, err := ParseXACML("app_ttd_lonnsapp", []byte(platformPolicy))
	if err != nil {
		t.Fatal(err)
	}
	want := Policy{ResourceID: "app_ttd_lonnsapp", PolicyID: "urn:altinn:policyid:1", MinAuthLevel: 3, Rules: []Rule{{
		RuleID: "urn:altinn:example:ruleid:1", Effect: EffectPermit, Description: "Regnskapsfører og daglig leder kan lese og skrive",
		Subjects:  []string{"urn:altinn:rolecode:dagl", "urn:altinn:accesspackage:regnskapsforer-lonn"},
		Resources: [][]AttributeMatch{{{AttrOrg, "ttd"}, {AttrApp, "lonnsapp"}}},
		Actions:   []string{"read", "write"},
	}}, Obligations: []Obligation{{ID: "urn:altinn:obligation:authenticationLevel1", FulfillOn: "Permit", Assignments: []Assignment{{
		AttributeID: "urn:altinn:obligation-assignment:1", Category: "urn:altinn:minimum-authenticationlevel", DataType: "http://www.w3.org/2001/XMLSchema#integer", Value: "3"}}}}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("parsed\n%+v\nwant\n%+v", p, want)
	}
	// Export and re-import gives the same policy.
	out := ExportXACML(p)
	if !strings.Contains(string(out), `<xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">DAGL</xacml:AttributeValue>`) {
		t.Errorf("export lacks the upper-case role code:\n%s", out)
	}
	back, err := ParseXACML("app_ttd_lonnsapp", out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, want) {
		t.Errorf("round trip\n%+v\nwant\n%+v", back, want)
	}
}

func TestParseXACMLRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"not xml":                   "policy",
		"no rules":                  `<Policy PolicyId="x"></Policy>`,
		"other algorithm":           `<Policy RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:permit-overrides"></Policy>`,
		"rule without subject":      strings.Replace(platformPolicy, "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject", "urn:oasis:names:tc:xacml:3.0:attribute-category:resource", -1),
		"unknown subject attribute": strings.Replace(platformPolicy, `AttributeId="urn:altinn:rolecode"`, `AttributeId="urn:foo"`, 1),
	} {
		if _, err := ParseXACML("r", []byte(doc)); problem.From(err).Status != 400 {
			t.Errorf("%s: err = %v, want 400", name, err)
		}
	}
}

// The platform's own policies name these subject attributes (org1/app1,
// ttd-externalpdp-resource2 and the registry's app policies in Altinn's test
// data); the registry stores such policies, so ours must too.
func TestParseXACMLAcceptsPlatformSubjectAttributes(t *testing.T) {
	for _, tc := range []struct{ attr, value, want string }{
		{"urn:altinn:organization:identifier-no", "991825827", "urn:altinn:organization:identifier-no:991825827"},
		{"urn:altinn:organizationnumber", "991825827", "urn:altinn:organizationnumber:991825827"},
		{"urn:altinn:resource:delegation", "app_org1_app1", "urn:altinn:resource:delegation:app_org1_app1"},
		{"urn:altinn:apiscope", "altinn:platform:skd:amelding", "urn:altinn:apiscope:altinn:platform:skd:amelding"},
		{"urn:altinn:org", "ttd", "urn:altinn:org:ttd"},
		{"urn:altinn:userid", "20001337", "urn:altinn:userid:20001337"},
		{"urn:altinn:person:uuid", "00000000-0000-0000-0005-000000002625", "urn:altinn:person:uuid:00000000-0000-0000-0005-000000002625"},
		{"urn:altinn:organization:uuid", "00000000-0000-0000-0005-000000004222", "urn:altinn:organization:uuid:00000000-0000-0000-0005-000000004222"},
		{"urn:digitaltdodsbo:rolecode", "formuesfullmakt", "urn:digitaltdodsbo:rolecode:formuesfullmakt"},
	} {
		t.Run(tc.attr, func(t *testing.T) {
			doc := strings.Replace(platformPolicy, `AttributeId="urn:altinn:rolecode"`, `AttributeId="`+tc.attr+`"`, 1)
			doc = strings.Replace(doc, ">DAGL<", ">"+tc.value+"<", 1)
			p, err := ParseXACML("app_ttd_lonnsapp", []byte(doc))
			if err != nil {
				t.Fatalf("ParseXACML: %v", err)
			}
			if got := p.Rules[0].Subjects[0]; got != tc.want {
				t.Errorf("subject = %q, want %q", got, tc.want)
			}
			// The registry serves it back as it was written.
			if out := string(ExportXACML(p)); !strings.Contains(out, `AttributeId="`+tc.attr+`"`) || !strings.Contains(out, ">"+tc.value+"<") {
				t.Errorf("export lost %s=%s:\n%s", tc.attr, tc.value, out)
			}
		})
	}
}

// An app policy carries two obligations; the PDP returns both, so the
// registry keeps both, with their ids and attribute ids as written.
func TestParseXACMLKeepsEveryObligation(t *testing.T) {
	second := `<xacml:ObligationExpression FulfillOn="Permit" ObligationId="urn:altinn:obligation:2">
      <xacml:AttributeAssignmentExpression AttributeId="urn:altinn:obligation-assignment:2" Category="urn:altinn:minimum-authenticationlevel-org">
        <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#integer">2</xacml:AttributeValue>
      </xacml:AttributeAssignmentExpression>
    </xacml:ObligationExpression>
  </xacml:ObligationExpressions>`
	doc := strings.Replace(platformPolicy, "</xacml:ObligationExpressions>", second, 1)
	p, err := ParseXACML("app_ttd_lonnsapp", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Obligation{
		{ID: "urn:altinn:obligation:authenticationLevel1", FulfillOn: "Permit", Assignments: []Assignment{{
			AttributeID: "urn:altinn:obligation-assignment:1", Category: "urn:altinn:minimum-authenticationlevel", DataType: "http://www.w3.org/2001/XMLSchema#integer", Value: "3"}}},
		{ID: "urn:altinn:obligation:2", FulfillOn: "Permit", Assignments: []Assignment{{
			AttributeID: "urn:altinn:obligation-assignment:2", Category: "urn:altinn:minimum-authenticationlevel-org", DataType: "http://www.w3.org/2001/XMLSchema#integer", Value: "2"}}},
	}
	if !reflect.DeepEqual(p.Obligations, want) {
		t.Errorf("obligations\n%+v\nwant\n%+v", p.Obligations, want)
	}
	if p.MinAuthLevel != 3 {
		t.Errorf("MinAuthLevel = %d, want 3", p.MinAuthLevel)
	}
	back, err := ParseXACML("app_ttd_lonnsapp", ExportXACML(p))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Obligations, want) {
		t.Errorf("round trip obligations\n%+v\nwant\n%+v", back.Obligations, want)
	}
}

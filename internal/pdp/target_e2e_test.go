package pdp_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/pdp"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// uploadPolicy creates a resource owned by ttd (991825827) and uploads its
// policy as the registry's clients do: multipart policyFile.
func uploadPolicy(t *testing.T, s *apptest.Server, id, resourceType, policy string) {
	t.Helper()
	tok := token(t, s, resources.ScopeWrite)
	body := fmt.Sprintf(`{"identifier":%q,"title":{"nb":"x","nn":"x","en":"x"},"description":{"nb":"x","nn":"x","en":"x"},
	  "resourceType":%q,"delegable":true,"visible":true,"hasCompetentAuthority":{"organization":"991825827","orgcode":"ttd"}}`, id, resourceType)
	if st, _, b := s.Do(t, http.MethodPost, "/resourceregistry/api/v1/resource", tok, body); st != http.StatusCreated {
		t.Fatalf("create %s: %d %s", id, st, b)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("policyFile", "policy.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(policy))
	_ = mw.Close()
	if st, _, b := s.Do(t, http.MethodPut, "/resourceregistry/api/v1/resource/"+id+"/policy", tok, buf.Bytes(), "Content-Type", mw.FormDataContentType()); st != http.StatusCreated {
		t.Fatalf("policy of %s: %d %s", id, st, b)
	}
}

func xmlMatch(cat, attr, value string) string {
	return fmt.Sprintf(`<xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal"><xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">%s</xacml:AttributeValue>`+
		`<xacml:AttributeDesignator AttributeId="%s" Category="%s" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/></xacml:Match>`, value, attr, cat)
}

func xmlAllOf(ms ...string) string { return "<xacml:AllOf>" + strings.Join(ms, "") + "</xacml:AllOf>" }
func xmlAnyOf(as ...string) string { return "<xacml:AnyOf>" + strings.Join(as, "") + "</xacml:AnyOf>" }

// Policies the real registry stores (every rule names the app) and its PDP
// decides by XACML 3.0: resource∧action pairs in one AnyOf (write only for
// Task_1, which a request without a task does not reach), and a subject
// AllOf of two matches.
func TestEndToEndExactTargets(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	subj := func(attr, v string) string { return xmlMatch(pdp.CategorySubject, attr, v) }
	resm := func(v string) string { return xmlMatch(pdp.CategoryResource, pdp.AttrResource, v) }
	actm := func(v string) string { return xmlMatch(pdp.CategoryAction, pdp.AttrAction, v) }
	orgm, appm := xmlMatch(pdp.CategoryResource, "urn:altinn:org", "ttd"), xmlMatch(pdp.CategoryResource, "urn:altinn:app", "pairs")
	rule := func(id, target string) string {
		return `<xacml:Rule RuleId="` + id + `" Effect="Permit"><xacml:Target>` + target + `</xacml:Target></xacml:Rule>`
	}
	policy := `<xacml:Policy xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="p" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides"><xacml:Target/>` +
		rule("pairs", xmlAnyOf(xmlAllOf(subj(pdp.AttrRoleCode, "DAGL")))+
			xmlAnyOf(xmlAllOf(orgm, appm, actm("read")), xmlAllOf(orgm, appm, xmlMatch(pdp.CategoryResource, "urn:altinn:task", "Task_1"), actm("write")))) +
		rule("tiril-as-dagl", xmlAnyOf(xmlAllOf(subj(pdp.AttrRoleCode, "DAGL"), subj(pdp.AttrPersonID, tirilPID)))+
			xmlAnyOf(xmlAllOf(resm("app_ttd_pairs")))+xmlAnyOf(xmlAllOf(actm("sign")))) +
		rule("kari-as-dagl", xmlAnyOf(xmlAllOf(subj(pdp.AttrRoleCode, "DAGL"), subj(pdp.AttrPersonID, kariPID)))+
			xmlAnyOf(xmlAllOf(resm("app_ttd_pairs")))+xmlAnyOf(xmlAllOf(actm("approve")))) +
		`</xacml:Policy>`
	uploadPolicy(t, s, "app_ttd_pairs", "AltinnApp", policy)

	fixture, err := os.ReadFile("../resources/testdata/upstream/signering-brukerstyrt.policy.xml")
	if err != nil {
		t.Fatal(err)
	}
	uploadPolicy(t, s, "app_ttd_signering-brukerstyrt", "AltinnApp", string(fixture))

	tok := token(t, s, pdp.ScopeAuthorize)
	app := "app_ttd_signering-brukerstyrt"
	cases := []struct {
		name, body, decision, rule string
	}{
		{"the right pair", xacml(pdp.AttrPersonID, tirilPID, "read", "app_ttd_pairs", pdp.AttrOrgID, tiger), pdp.Permit, "pairs"},
		// The lists would say: app or app+Task_1, read or write → Permit.
		{"a crossed pair", xacml(pdp.AttrPersonID, tirilPID, "write", "app_ttd_pairs", pdp.AttrOrgID, tiger), pdp.NotApplicable, ""},
		{"a pair without the role", xacml(pdp.AttrPersonID, kariPID, "read", "app_ttd_pairs", pdp.AttrOrgID, tiger), pdp.NotApplicable, ""},
		{"both subject matches held", xacml(pdp.AttrPersonID, tirilPID, "sign", "app_ttd_pairs", pdp.AttrOrgID, tiger), pdp.Permit, "tiril-as-dagl"},
		{"the person without the role", xacml(pdp.AttrPersonID, kariPID, "approve", "app_ttd_pairs", pdp.AttrOrgID, tiger), pdp.NotApplicable, ""},
		{"the role without the person", xacml(pdp.AttrPersonID, tirilPID, "approve", "app_ttd_pairs", pdp.AttrOrgID, tiger), pdp.NotApplicable, ""},
		// Upstream's policy: rule 3 is app ∧ delete in one AllOf, for DAGL.
		{"upstream: app and delete in one AllOf", xacml(pdp.AttrPersonID, tirilPID, "delete", app, pdp.AttrOrgID, tiger), pdp.Permit, "urn:altinn:org:ttd:signering-brukerstyrt:ruleid:3"},
		{"upstream: no role, no delete", xacml(pdp.AttrPersonID, kariPID, "delete", app, pdp.AttrOrgID, tiger), pdp.NotApplicable, ""},
		// Rule 8 compares signature-access ignoring case, write exactly.
		{"upstream: service owner, action ignoring case", xacml("urn:altinn:org", "ttd", "SIGNATURE-ACCESS", app, pdp.AttrOrgID, tiger), pdp.Permit, "urn:altinn:resource:app_ttd_signering-brukerstyrt:policyid:1:ruleid:8"},
		// write is string-equal: no rule matches, and a subject that is only
		// an attribute no rule names gets upstream's incomplete-delegation
		// answer.
		{"upstream: service owner, string-equal action in another case", xacml("urn:altinn:org", "ttd", "WRITE", app, pdp.AttrOrgID, tiger), pdp.Indeterminate, ""},
	}
	for _, c := range cases {
		r := decide(t, s, tok, c.body)
		if r.Decision != c.decision {
			t.Errorf("%s: %s, want %s (trace %+v)", c.name, r.Decision, c.decision, r.Trace)
			continue
		}
		if c.rule != "" && (r.Trace == nil || r.Trace.MatchedRule == nil || r.Trace.MatchedRule.ID != c.rule) {
			t.Errorf("%s: matched rule %+v, want %s", c.name, r.Trace, c.rule)
		}
	}

	// The registry serves the targets back as written: 3 rules of 3 AllOfs.
	st, _, b := s.Do(t, http.MethodGet, "/resourceregistry/api/v1/resource/app_ttd_pairs/policy", "", nil)
	if st != http.StatusOK || strings.Count(string(b), "<xacml:AllOf>") != 9 {
		t.Errorf("policy: %d %s", st, b)
	}
}

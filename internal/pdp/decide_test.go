package pdp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

func req(subject, action, resource string) string {
	return fmt.Sprintf(`{"Request":{"AccessSubject":[{"Attribute":[%s]}],"Action":[{"Attribute":[%s]}],"Resource":[{"Attribute":[%s]}]}}`, subject, action, resource)
}

func attr(id, v string) string {
	return fmt.Sprintf(`{"AttributeId":%q,"Value":%q}`, id, v)
}

func act(a string) string { return attr(AttrAction, a) }

func res(id string, party ...string) string {
	parts := []string{attr(AttrResource, id)}
	parts = append(parts, party...)
	return strings.Join(parts, ",")
}

func decideOne(t *testing.T, svc *Service, ep Endpoint, body string) Result {
	t.Helper()
	resp := svc.DecideBody(context.Background(), []byte(body), ep, true)
	if len(resp.Response) != 1 {
		t.Fatalf("want 1 result, got %d", len(resp.Response))
	}
	return resp.Response[0]
}

func statusOf(r Result) (code, msg string) {
	if r.Status == nil || r.Status.StatusCode == nil {
		return "", ""
	}
	if r.Status.StatusMessage != nil {
		msg = *r.Status.StatusMessage
	}
	return r.Status.StatusCode.Value, msg
}

func TestDecisions(t *testing.T) {
	w := newWorld()
	su := attr(AttrSystemUserUUID, suStandard.String())
	agent := attr(AttrSystemUserUUID, suAgent.String())
	tigerNo := attr(AttrOrgID, orgTiger.OrgNo)
	elgNo := attr(AttrOrgID, orgElg.OrgNo)
	cases := []struct {
		name     string
		ep       Endpoint
		body     string
		decision string
		status   string
		msg      string // substring of the status message
		grant    string // trace: grant value on Permit
		missing  string // trace: a missing attribute
	}{
		{"standard system user, package granted at approval", External, req(su, act("read"), res("ttd-accesspackage-resource", tigerNo)), Permit, StatusOK, "", "urn:altinn:accesspackage:ansettelsesforhold", ""},
		{"standard system user, party by party id", Internal, req(su, act("write"), res("ttd-accesspackage-resource", attr(AttrPartyID, "50000003"))), Permit, StatusOK, "", "urn:altinn:accesspackage:ansettelsesforhold", ""},
		{"standard system user, party by uuid", Internal, req(su, act("write"), res("ttd-accesspackage-resource", attr(AttrPartyUUID, orgTiger.PartyUUID.String()))), Permit, StatusOK, "", "urn:altinn:accesspackage:ansettelsesforhold", ""},
		{"standard system user, legacy organizationnumber", Internal, req(su, act("read"), res("ttd-accesspackage-resource", attr(AttrOrgNumber, orgTiger.OrgNo))), Permit, StatusOK, "", "", ""},
		{"standard system user, action not in policy", External, req(su, act("delete"), res("ttd-accesspackage-resource", tigerNo)), NotApplicable, StatusOK, "", "", ""},
		{"standard system user, another organisation", External, req(su, act("read"), res("ttd-accesspackage-resource", elgNo)), NotApplicable, StatusOK, "", "", ""},
		{"standard system user, direct resource right", External, req(su, act("write"), res("ttd-externalpdp-resource1", tigerNo)), Permit, StatusOK, "", "urn:altinn:resource:ttd-externalpdp-resource1", ""},
		{"standard system user, direct right but action outside policy", External, req(su, act("sign"), res("ttd-externalpdp-resource1", tigerNo)), NotApplicable, StatusOK, "", "", ""},
		{"right limited to one action: that action", External, req(su, act("read"), res("ttd-externalpdp-resource2", tigerNo)), Permit, StatusOK, "", "urn:altinn:resource:ttd-externalpdp-resource2", ""},
		{"right limited to one action: another action", External, req(su, act("write"), res("ttd-externalpdp-resource2", tigerNo)), NotApplicable, StatusOK, "", "", ""},
		{"system user never gets ER roles", External, req(su, act("sign"), res("ttd-accesspackage-resource", tigerNo)), NotApplicable, StatusOK, "", "", ""},
		{"agent system user, package delegated for the client", External, req(agent, act("read"), res("ttd-accesspackage-resource", elgNo)), Permit, StatusOK, "", "urn:altinn:accesspackage:regnskapsforer-lonn", ""},
		{"agent system user, client by party uuid", Internal, req(agent, act("write"), res("ttd-accesspackage-resource", attr(AttrPartyUUID, orgElg.PartyUUID.String()))), Permit, StatusOK, "", "", ""},
		{"agent system user, not a client", External, req(agent, act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgRev.OrgNo))), NotApplicable, StatusOK, "", "", ""},
		{"agent system user, its own facilitator", External, req(agent, act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgRegnsk.OrgNo))), NotApplicable, StatusOK, "", "", ""},
		{"deleted system user", External, req(attr(AttrSystemUserUUID, suDeleted.String()), act("read"), res("ttd-accesspackage-resource", tigerNo)), NotApplicable, StatusOK, "", "", ""},
		{"unknown system user", External, req(attr(AttrSystemUserUUID, "9d6fbd8e-0000-4000-8000-000000000001"), act("read"), res("ttd-accesspackage-resource", tigerNo)), NotApplicable, StatusOK, "", "", ""},
		{"person with DAGL, role rule", External, req(attr(AttrPersonID, personTiril.PID), act("sign"), res("ttd-accesspackage-resource", tigerNo)), Permit, StatusOK, "", "urn:altinn:rolecode:dagl", ""},
		{"person by user id, package through DAGL", Internal, req(attr(AttrUserID, "20000003"), act("write"), res("ttd-accesspackage-resource", tigerNo)), Permit, StatusOK, "", "urn:altinn:accesspackage:ansettelsesforhold", ""},
		{"access manager through tilgangsstyrer", External, req(attr(AttrPersonID, personTore.PID), act("write"), res("altinn_access_management", tigerNo)), Permit, StatusOK, "", "urn:altinn:accesspackage:tilgangsstyrer", ""},
		{"access manager elsewhere", External, req(attr(AttrPersonID, personTore.PID), act("write"), res("altinn_access_management", elgNo)), NotApplicable, StatusOK, "", "", ""},
		{"person without roles there", External, req(attr(AttrPersonID, personKari.PID), act("read"), res("ttd-accesspackage-resource", tigerNo)), NotApplicable, StatusOK, "", "", ""},
		{"person's role is at another org", External, req(attr(AttrPersonID, personTiril.PID), act("read"), res("ttd-accesspackage-resource", elgNo)), NotApplicable, StatusOK, "", "", ""},
		{"organisation through its ER role (REGN → regnskapsforer-lonn)", External, req(attr(AttrOrgID, orgRegnsk.OrgNo), act("read"), res("ttd-accesspackage-resource", elgNo)), Permit, StatusOK, "", "urn:altinn:accesspackage:regnskapsforer-lonn", ""},
		{"organisation never matches a role code", External, req(attr(AttrOrgID, orgRegnsk.OrgNo), act("read"), res("ttd-regn-role-resource", elgNo)), NotApplicable, StatusOK, "", "", ""},
		{"organisation without role there", External, req(attr(AttrOrgID, orgRegnsk.OrgNo), act("read"), res("ttd-accesspackage-resource", tigerNo)), NotApplicable, StatusOK, "", "", ""},
		{"deny overrides permit", External, req(attr(AttrPersonID, personTiril.PID), act("read"), res("ttd-deny-resource", tigerNo)), Deny, StatusOK, "", "urn:altinn:rolecode:dagl", ""},
		{"permit rule without deny for system user", External, req(su, act("read"), res("ttd-deny-resource", tigerNo)), Permit, StatusOK, "", "urn:altinn:accesspackage:skatt-naering", ""},

		{"access list enabled, party on no list", External, req(su, act("read"), res("ttd-accesslist-resource", tigerNo)), Deny, StatusOK, "Access list authorization of resource party required", "", ""},
		{"access list enabled, no right anyway", External, req(su, act("read"), res("ttd-accesslist-resource", elgNo)), NotApplicable, StatusOK, "", "", ""},
		{"system user with another subject attribute (authorize)", External, req(su+","+attr(AttrUserID, "20000003"), act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusProcessingError, "can only be used by itself", "", ""},
		{"system user with another subject attribute (decision)", Internal, req(su+","+attr(AttrOrgID, orgTiger.OrgNo), act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusSyntaxError, "can only be used by itself", "", ""},
		{"system user with session id is fine", External, req(su+","+attr(AttrSessionID, "abc"), act("read"), res("ttd-accesspackage-resource", tigerNo)), Permit, StatusOK, "", "", ""},
		{"system user uuid not a uuid", External, req(attr(AttrSystemUserUUID, "not-a-uuid"), act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusProcessingError, "Not a valid uuid", "", ""},
		{"person id on /decision", Internal, req(attr(AttrPersonID, personTiril.PID), act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusSyntaxError, "identifier-no", "", ""},
		{"invalid person id", External, req(attr(AttrPersonID, "12345678901"), act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusProcessingError, "Invalid person-id", "", ""},
		{"userid with person id", External, req(attr(AttrPersonID, personTiril.PID)+","+attr(AttrUserID, "20000003"), act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusProcessingError, "userid and person-id", "", ""},
		{"orgno with userid", External, req(attr(AttrOrgID, orgTiger.OrgNo)+","+attr(AttrUserID, "20000003"), act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusProcessingError, "organization number and person-id or userid", "", ""},
		{"unknown resource", External, req(su, act("read"), res("no-such-resource", tigerNo)), Indeterminate, StatusProcessingError, "Policy not found for resource", "", ""},
		{"unknown resource on /decision", Internal, req(su, act("read"), res("no-such-resource", tigerNo)), Indeterminate, StatusSyntaxError, "Policy not found for resource", "", ""},
		{"missing resource party", External, req(su, act("read"), res("ttd-accesspackage-resource")), Indeterminate, StatusMissingAttribute, "Request not complete", "", AttrPartyID},
		{"unknown resource party", External, req(su, act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, "999999999"))), Indeterminate, StatusMissingAttribute, "Request not complete", "", AttrOrgID},
		{"missing action", External, req(su, "", res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusMissingAttribute, "no action", "", AttrAction},
		// Upstream throws an ArgumentException for these (ExternalDecisionTest
		// ResourceRegistry_NoResource / NoSubject: processing-error;
		// AltinnApps0028 on /decision: syntax-error).
		{"missing resource id", External, req(su, act("read"), tigerNo), Indeterminate, StatusProcessingError, "no resource", "", AttrResource},
		{"missing resource id on /decision", Internal, req(su, act("read"), tigerNo), Indeterminate, StatusSyntaxError, "no resource", "", AttrResource},
		{"missing subject", External, req("", act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusProcessingError, "no subject", "", AttrSystemUserUUID},
		{"missing subject on /decision", Internal, req("", act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusSyntaxError, "no subject", "", AttrSystemUserUUID},
		{"only a subject attribute no rule names", External, req(attr("urn:altinn:apiscope", "x"), act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusMissingAttribute, "Request not complete", "", AttrSystemUserUUID},
		{"body is not JSON", Internal, `{"Request":`, Indeterminate, StatusSyntaxError, "not a valid XACML JSON request", "", ""},
		{"value of the wrong type", External, `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:userid","Value":20000003}]}]}}`, Indeterminate, StatusSyntaxError, "Value", "", ""},
		{"no Request object", External, `{"request2":{}}`, Indeterminate, StatusSyntaxError, "no Request object", "", ""},
		{"lower-case field names", External, strings.NewReplacer(`"Request"`, `"request"`, `"AccessSubject"`, `"accessSubject"`, `"AttributeId"`, `"attributeId"`, `"Value"`, `"value"`).Replace(req(su, act("read"), res("ttd-accesspackage-resource", tigerNo))), Permit, StatusOK, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := decideOne(t, w.svc, c.ep, c.body)
			code, msg := statusOf(r)
			if r.Decision != c.decision || code != c.status {
				t.Fatalf("decision %s status %s (%q), want %s %s; trace %+v", r.Decision, code, msg, c.decision, c.status, r.Trace)
			}
			if c.msg != "" && !strings.Contains(msg, c.msg) {
				t.Errorf("status message %q, want it to contain %q", msg, c.msg)
			}
			pol, _ := w.policies.Policy(context.Background(), r.Trace.Resource)
			if c.decision == Permit && pol.MinAuthLevel > 0 {
				if len(r.Obligations) != 1 || r.Obligations[0].ID != ObligationAuthLevelID ||
					r.Obligations[0].AttributeAssignment[0].Value != strconv.Itoa(pol.MinAuthLevel) {
					t.Errorf("Permit without the authentication-level obligation: %+v", r.Obligations)
				}
			} else if r.Obligations != nil {
				t.Errorf("obligations on %s: %+v", r.Decision, r.Obligations)
			}
			if c.grant != "" && (r.Trace == nil || r.Trace.Grant == nil || r.Trace.Grant.Value != c.grant) {
				t.Errorf("trace grant %+v, want %s", r.Trace, c.grant)
			}
			if c.missing != "" && (r.Trace == nil || !strings.Contains(strings.Join(r.Trace.MissingAttributes, " "), c.missing)) {
				t.Errorf("trace missing attributes %+v, want %s", r.Trace, c.missing)
			}
		})
	}
}

// TestResponsePair checks the whole response body of a Permit and a
// NotApplicable against the shape of the platform's fixtures: camelCase, nulls written, obligation with the policy's level.
func TestResponsePair(t *testing.T) {
	w := newWorld()
	body := `{"Request":{
	  "AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":"47caea5b-a80b-4343-b1d3-31eb523a4e28"}]}],
	  "Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read","DataType":"http://www.w3.org/2001/XMLSchema#string"}]}],
	  "Resource":[{"Attribute":[
	     {"AttributeId":"urn:altinn:resource","Value":"ttd-accesspackage-resource"},
	     {"AttributeId":"urn:altinn:organization:identifier-no","Value":"313725138","IncludeInResult":true}]}]}}`
	want := `{"response":[{"decision":"Permit","status":{"statusMessage":null,"statusDetails":null,"statusCode":{"value":"urn:oasis:names:tc:xacml:1.0:status:ok","statusCode":null}},` +
		`"obligations":[{"id":"urn:altinn:obligation:authenticationLevel1","attributeAssignment":[{"attributeId":"urn:altinn:obligation-assignment:1","value":"3","category":"urn:altinn:minimum-authenticationlevel","dataType":"http://www.w3.org/2001/XMLSchema#integer","issuer":null}]}],` +
		`"associateAdvice":null,"category":[{"categoryId":"urn:oasis:names:tc:xacml:3.0:attribute-category:resource","content":null,"attribute":[{"attributeId":"urn:altinn:organization:identifier-no","value":"313725138","issuer":null,"dataType":"http://www.w3.org/2001/XMLSchema#string","includeInResult":true}]}],"policyIdentifierList":null}]}`
	got, _ := json.Marshal(w.svc.DecideBody(context.Background(), []byte(body), External, false))
	if string(got) != want {
		t.Errorf("Permit response\n got %s\nwant %s", got, want)
	}

	body = strings.Replace(body, "313725138", "310385980", 1)
	want = `{"response":[{"decision":"NotApplicable","status":{"statusMessage":null,"statusDetails":null,"statusCode":{"value":"urn:oasis:names:tc:xacml:1.0:status:ok","statusCode":null}},` +
		`"obligations":null,"associateAdvice":null,"category":[{"categoryId":"urn:oasis:names:tc:xacml:3.0:attribute-category:resource","content":null,"attribute":[{"attributeId":"urn:altinn:organization:identifier-no","value":"310385980","issuer":null,"dataType":"http://www.w3.org/2001/XMLSchema#string","includeInResult":true}]}],"policyIdentifierList":null}]}`
	got, _ = json.Marshal(w.svc.DecideBody(context.Background(), []byte(body), External, false))
	if string(got) != want {
		t.Errorf("NotApplicable response\n got %s\nwant %s", got, want)
	}
}

func TestMultiRequests(t *testing.T) {
	w := newWorld()
	body := `{"Request":{
	  "AccessSubject":[{"Id":"s1","Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":"` + suStandard.String() + `"}]},
	                   {"Id":"s2","Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":"` + suAgent.String() + `"}]}],
	  "Action":[{"Id":"a1","Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read"}]}],
	  "Resource":[
	    {"Id":"r1","Attribute":[{"AttributeId":"urn:altinn:resource","Value":"ttd-accesspackage-resource"},{"AttributeId":"urn:altinn:party:uuid","Value":"` + orgTiger.PartyUUID.String() + `"}]},
	    {"Id":"r2","Attribute":[{"AttributeId":"urn:altinn:resource","Value":"ttd-accesspackage-resource"},{"AttributeId":"urn:altinn:partyid","Value":"50000003"}]},
	    {"Id":"r3","Attribute":[{"AttributeId":"urn:altinn:resource","Value":"ttd-accesspackage-resource"},{"AttributeId":"urn:altinn:organization:identifier-no","Value":"313725138"}]},
	    {"Id":"r4","Attribute":[{"AttributeId":"urn:altinn:resource","Value":"ttd-accesspackage-resource"},{"AttributeId":"urn:altinn:organization:identifier-no","Value":"310385980"}]}],
	  "MultiRequests":{"RequestReference":[
	    {"ReferenceId":["s1","a1","r1"]},{"ReferenceId":["s1","a1","r2"]},{"ReferenceId":["s1","a1","r3"]},
	    {"ReferenceId":["s1","a1","r4"]},{"ReferenceId":["s2","a1","r4"]},{"ReferenceId":["s2","a1","r3"]},
	    {"ReferenceId":["s1","r1"]}]}}}`
	resp := w.svc.DecideBody(context.Background(), []byte(body), External, false)
	want := []string{Permit, Permit, Permit, NotApplicable, Permit, NotApplicable, Indeterminate}
	if len(resp.Response) != len(want) {
		t.Fatalf("got %d results, want %d", len(resp.Response), len(want))
	}
	for i, d := range want {
		if resp.Response[i].Decision != d {
			t.Errorf("result %d: %s, want %s", i, resp.Response[i].Decision, d)
		}
	}
	if c, _ := statusOf(resp.Response[6]); c != StatusMissingAttribute {
		t.Errorf("reference without action: status %s, want missing-attribute", c)
	}

	// A part upstream throws on (here: a reference to no resource, so the
	// part has none; ResourceRegistry_NoSubject_MultiRequest) ends the
	// whole request in one Indeterminate, echoing nothing.
	for _, ep := range []struct {
		ep   Endpoint
		code string
	}{{External, StatusProcessingError}, {Internal, StatusSyntaxError}} {
		bad := strings.Replace(body, `{"ReferenceId":["s1","r1"]}`, `{"ReferenceId":["s1","a1","r9"]}`, 1)
		bad = strings.Replace(bad, `"Value":"read"}`, `"Value":"read","IncludeInResult":true}`, 1)
		resp = w.svc.DecideBody(context.Background(), []byte(bad), ep.ep, false)
		if len(resp.Response) != 1 || resp.Response[0].Decision != Indeterminate || resp.Response[0].Category != nil {
			t.Fatalf("part without resource: %+v, want one Indeterminate without categories", resp.Response)
		}
		if c, _ := statusOf(resp.Response[0]); c != ep.code {
			t.Errorf("part without resource: status %s, want %s", c, ep.code)
		}
	}

	// One reference is not a multi-request: the first category of each
	// kind is decided (s1, a1, r1).
	one := strings.Replace(body, `{"ReferenceId":["s1","a1","r1"]},{"ReferenceId":["s1","a1","r2"]},{"ReferenceId":["s1","a1","r3"]},
	    {"ReferenceId":["s1","a1","r4"]},{"ReferenceId":["s2","a1","r4"]},{"ReferenceId":["s2","a1","r3"]},
	    {"ReferenceId":["s1","r1"]}`, `{"ReferenceId":["s2","a1","r4"]}`, 1)
	resp = w.svc.DecideBody(context.Background(), []byte(one), External, false)
	if len(resp.Response) != 1 || resp.Response[0].Decision != Permit {
		t.Errorf("single reference: %+v, want one Permit for the first categories", resp.Response)
	}
}

func TestExplainTrace(t *testing.T) {
	w := newWorld()
	r := decideOne(t, w.svc, External, req(attr(AttrSystemUserUUID, suAgent.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo))))
	tr := r.Trace
	if tr == nil || tr.MatchedRule == nil || tr.MatchedRule.ID != "r-pkg" || tr.Grant == nil || tr.Grant.Kind != "accessPackage" {
		t.Fatalf("trace %+v", tr)
	}
	if !strings.Contains(tr.Grant.Source, "client 310385980") || !strings.Contains(tr.Subject, "agent system user") || !strings.Contains(tr.Party, "Fattig Forsiktig Elg") {
		t.Errorf("trace does not say where the package came from: %+v", tr)
	}
	// Without explain, no trace.
	resp := w.svc.DecideBody(context.Background(), []byte(req(attr(AttrSystemUserUUID, suAgent.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo)))), External, false)
	if resp.Response[0].Trace != nil {
		t.Error("trace without explain")
	}
}

// fakeLists answers the access-list gate: "resource/party uuid/action" →
// answer (none: on no list).
type fakeLists map[string]AccessListAnswer

func (f fakeLists) AccessList(_ context.Context, resourceID string, party uuid.UUID, action string) (AccessListAnswer, error) {
	return f[resourceID+"/"+party.String()+"/"+action], nil
}

// tigerListed: Tiger is on ttd's list "godkjente" for read only.
var tigerListed = fakeLists{
	"ttd-accesslist-resource/" + orgTiger.PartyUUID.String() + "/read":  {Authorized: true, List: "urn:altinn:access-list:ttd:godkjente", Actions: []string{"read"}},
	"ttd-accesslist-resource/" + orgTiger.PartyUUID.String() + "/write": {List: "urn:altinn:access-list:ttd:godkjente", Actions: []string{"read"}},
}

// TestAccessListMember: on an Enabled resource a Permit stands only for a
// party a list admits for the action; a member whose list leaves the action
// out, like a non-member, gets the access-list Deny; NotApplicable stays
// NotApplicable (the gate looks at Permits only).
func TestAccessListMember(t *testing.T) {
	w := newWorld()
	svc := New(w.policies, w.users, w.parties, fakeRoles{}, nil, WithAccessLists(tigerListed))
	su := attr(AttrSystemUserUUID, suStandard.String())
	r := decideOne(t, svc, External, req(su, act("read"), res("ttd-accesslist-resource", attr(AttrOrgID, orgTiger.OrgNo))))
	if r.Decision != Permit || r.Trace == nil || r.Trace.AccessList != "urn:altinn:access-list:ttd:godkjente" {
		t.Errorf("member for read: %s %+v, want Permit naming the list", r.Decision, r.Trace)
	}
	// On a list whose action filter leaves read out: Deny, and the trace
	// names that list.
	writeOnly := New(w.policies, w.users, w.parties, fakeRoles{}, nil, WithAccessLists(fakeLists{
		"ttd-accesslist-resource/" + orgTiger.PartyUUID.String() + "/read": {List: "urn:altinn:access-list:ttd:skrivere", Actions: []string{"write"}},
	}))
	r = decideOne(t, writeOnly, External, req(su, act("read"), res("ttd-accesslist-resource", attr(AttrOrgID, orgTiger.OrgNo))))
	if r.Decision != Deny || r.Status == nil || r.Status.StatusMessage == nil || *r.Status.StatusMessage != msgAccessList ||
		r.Trace.AccessList != "urn:altinn:access-list:ttd:skrivere" ||
		!slices.Contains(r.Trace.Steps, `the resource has accessListMode Enabled; 313725138 is on access list urn:altinn:access-list:ttd:skrivere, which allows only write, not "read": Deny`) {
		t.Errorf("member for read (list allows write only): %s %+v, want the access-list Deny naming the list", r.Decision, r.Trace)
	}
	// By party uuid as well as by organisation number.
	r = decideOne(t, svc, External, req(su, act("read"), res("ttd-accesslist-resource", attr(AttrPartyUUID, orgTiger.PartyUUID.String()))))
	if r.Decision != Permit {
		t.Errorf("member by party uuid: %s, want Permit", r.Decision)
	}
	// Elg holds nothing: NotApplicable, list or not.
	r = decideOne(t, svc, External, req(su, act("read"), res("ttd-accesslist-resource", attr(AttrOrgID, orgElg.OrgNo))))
	if r.Decision != NotApplicable {
		t.Errorf("no right: %s, want NotApplicable", r.Decision)
	}
}

func TestAllowed(t *testing.T) {
	w := newWorld()
	ctx := context.Background()
	ok, err := w.svc.Allowed(ctx, Subject{PID: personTiril.PID}, "ttd-accesspackage-resource", "sign", orgTiger.OrgNo)
	if err != nil || !ok {
		t.Errorf("Tiril sign for Tiger: %v %v, want true", ok, err)
	}
	ok, err = w.svc.Allowed(ctx, Subject{PID: personKari.PID}, "ttd-accesspackage-resource", "sign", orgTiger.OrgNo)
	if err != nil || ok {
		t.Errorf("Kari sign for Tiger: %v %v, want false", ok, err)
	}
	// An Indeterminate answer is an error that says why.
	if _, err = w.svc.Allowed(ctx, Subject{PID: personKari.PID}, "nope", "sign", orgTiger.OrgNo); err == nil ||
		strings.TrimSpace(strings.TrimPrefix(err.Error(), "pdp: indeterminate decision:")) == "" {
		t.Errorf("unknown resource: %v, want an error with the status message", err)
	}
}

func TestEvaluatePure(t *testing.T) {
	pol := Policy{ResourceID: "res", Rules: []Rule{
		{ID: "a", Effect: Permit, Subjects: []string{"urn:altinn:accesspackage:Regnskapsforer-Lonn"}, Actions: []string{"read"}},
		{ID: "b", Effect: Permit, Subjects: []string{"urn:altinn:external-role:ccr:revisor"}, Actions: []string{"read"}},
		{ID: "c", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:DAGL"}, Actions: []string{"read"}, Resources: []string{"other"}},
	}}
	cases := []struct {
		name   string
		facts  Facts
		action string
		want   string
		rule   string
	}{
		{"package, case-insensitive", Facts{Packages: []Held{{Value: "regnskapsforer-lonn"}}}, "read", Permit, "a"},
		{"action is literal", Facts{Packages: []Held{{Value: "regnskapsforer-lonn"}}}, "Read", NotApplicable, ""},
		{"ccr name maps to role code", Facts{Roles: []Held{{Value: "REVI"}}}, "read", Permit, "b"},
		{"rule for another resource", Facts{Roles: []Held{{Value: "dagl"}}}, "read", NotApplicable, ""},
		{"nothing held", Facts{}, "read", NotApplicable, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := Evaluate(pol, "res", c.action, c.facts, nil)
			if out.Decision != c.want || (c.rule != "" && (out.Rule == nil || out.Rule.ID != c.rule)) {
				t.Errorf("got %+v, want %s by %s", out, c.want, c.rule)
			}
		})
	}
}

type brokenPolicies struct{}

func (brokenPolicies) Policy(context.Context, string) (Policy, error) {
	return Policy{}, fmt.Errorf("select from resource_policies: connection refused at 10.0.0.1: %w", dberr.ErrUnavailable)
}

// A data error is Indeterminate with processing-error, and its text (which
// may name the database) stays in the log.
func TestDataUnavailable(t *testing.T) {
	w := newWorld()
	svc := New(brokenPolicies{}, w.users, w.parties, fakeRoles{}, nil)
	r := decideOne(t, svc, Internal, req(attr(AttrSystemUserUUID, suStandard.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgTiger.OrgNo))))
	code, msg := statusOf(r)
	if r.Decision != Indeterminate || code != StatusProcessingError || strings.Contains(msg, "10.0.0.1") {
		t.Errorf("got %s %s %q", r.Decision, code, msg)
	}
	if _, err := svc.Allowed(context.Background(), Subject{SystemUserID: suStandard}, "ttd-accesspackage-resource", "read", orgTiger.OrgNo); err == nil {
		t.Error("Allowed: want an error when the PDP cannot read its data")
	}
}

// TestDecideLogsOnlyItsOwnFailures: a decision the PDP could not make
// (its data unreadable) is an error line with the cause, for the
// operator; an Indeterminate for the caller's request (a missing party)
// logs nothing.
func TestDecideLogsOnlyItsOwnFailures(t *testing.T) {
	w := newWorld()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	broken := New(brokenPolicies{}, w.users, w.parties, fakeRoles{}, log)
	r := broken.Decide(context.Background(), Request{Subject: Subject{PID: personTiril.PID}, ResourceID: "ttd-accesspackage-resource",
		Action: "sign", Party: PartyRef{OrgNo: orgTiger.OrgNo}, Endpoint: External})
	if r.Decision != Indeterminate || !strings.Contains(buf.String(), "level=ERROR") || !strings.Contains(buf.String(), "connection refused") {
		t.Errorf("unreadable policy: %s, log %q; want Indeterminate and an error line with the cause", r.Decision, buf.String())
	}
	buf.Reset()
	ok := New(w.policies, w.users, w.parties, fakeRoles{}, log)
	r = ok.Decide(context.Background(), Request{Subject: Subject{PID: personTiril.PID}, ResourceID: "ttd-accesspackage-resource",
		Action: "sign", Endpoint: External})
	if r.Decision != Indeterminate || buf.Len() != 0 {
		t.Errorf("no party: %s, log %q; want Indeterminate and no log", r.Decision, buf.String())
	}
}

// TestSubjectAttrsOfSubjectsBuiltInCode: a subject other packages build in
// code (Allowed) matches rules that name its identifiers as the request's
// attributes would: each identifier given becomes its URN once, and one
// not given (zero) none.
func TestSubjectAttrsOfSubjectsBuiltInCode(t *testing.T) {
	pu := uuid.MustParse("0e8a1f7c-2c7b-4d6e-9a41-5b1f0c3d2e10")
	for _, c := range []struct {
		name string
		s    Subject
		want []string
	}{
		{"none", Subject{}, []string{}},
		{"org", Subject{OrgNo: "991825827"}, []string{AttrOrgID + ":991825827"}},
		{"user id", Subject{UserID: 1234}, []string{AttrUserID + ":1234"}},
		{"person", Subject{PID: "12857841016"}, []string{AttrPersonID + ":12857841016"}},
		{"party id", Subject{PartyID: 50000004}, []string{AttrPartyID + ":50000004"}},
		{"party uuid", Subject{PartyUUID: pu}, []string{AttrPartyUUID + ":" + pu.String()}},
		{"request attribute and the same id", Subject{Attrs: []string{AttrUserID + ":1234"}, UserID: 1234}, []string{AttrUserID + ":1234"}},
	} {
		got := subjectAttrs(c.s)
		if got == nil {
			got = []string{}
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

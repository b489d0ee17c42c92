package pdp

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// Rules that name the subject's own attributes (an organisation number, a
// service owner, a user id) match requests whose subject carries them, as
// in Altinn's ttd-externalpdp-resource2 and events policies
// (AltinnResourceRegistry0004, 0009–0011).
func TestSubjectAttributeRules(t *testing.T) {
	w := newWorld()
	orgRule := func(id, subject string) Rule {
		return Rule{ID: id, Effect: Permit, Subjects: []string{subject}, Actions: []string{"read"}}
	}
	w.policies.set(Policy{ResourceID: "ttd-org-subject", Rules: []Rule{
		orgRule("r-orgno", AttrOrgID+":"+orgRegnsk.OrgNo),
	}})
	w.policies.set(Policy{ResourceID: "ttd-legacy-subject", Rules: []Rule{
		orgRule("r-legacy", AttrOrgNumber+":"+orgRegnsk.OrgNo),
	}})
	w.policies.set(Policy{ResourceID: "ttd-serviceowner", Rules: []Rule{
		orgRule("r-owner", "urn:altinn:org:ttd"),
	}})
	w.policies.set(Policy{ResourceID: "ttd-user-subject", Rules: []Rule{
		orgRule("r-user", AttrUserID+":20000003"),
	}})
	tigerNo := attr(AttrOrgID, orgTiger.OrgNo)
	for _, c := range []struct {
		name, body, decision, grant string
	}{
		{"org number matches organization:identifier-no rule", req(attr(AttrOrgID, orgRegnsk.OrgNo), act("read"), res("ttd-org-subject", tigerNo)), Permit, AttrOrgID + ":" + orgRegnsk.OrgNo},
		{"legacy organizationnumber matches organization:identifier-no rule", req(attr(AttrOrgNumber, orgRegnsk.OrgNo), act("read"), res("ttd-org-subject", tigerNo)), Permit, AttrOrgID + ":" + orgRegnsk.OrgNo},
		{"legacy organizationnumber matches organizationnumber rule", req(attr(AttrOrgNumber, orgRegnsk.OrgNo), act("read"), res("ttd-legacy-subject", tigerNo)), Permit, AttrOrgNumber + ":" + orgRegnsk.OrgNo},
		{"organization:identifier-no does not match organizationnumber rule", req(attr(AttrOrgID, orgRegnsk.OrgNo), act("read"), res("ttd-legacy-subject", tigerNo)), NotApplicable, ""},
		{"another organisation", req(attr(AttrOrgID, orgElg.OrgNo), act("read"), res("ttd-org-subject", tigerNo)), NotApplicable, ""},
		{"another action", req(attr(AttrOrgID, orgRegnsk.OrgNo), act("write"), res("ttd-org-subject", tigerNo)), NotApplicable, ""},
		{"service owner without resource party", req(attr("urn:altinn:org", "ttd"), act("read"), res("ttd-serviceowner")), Permit, "urn:altinn:org:ttd"},
		{"another service owner", req(attr("urn:altinn:org", "skd"), act("read"), res("ttd-serviceowner", tigerNo)), Indeterminate, ""},
		{"user id rule", req(attr(AttrUserID, "20000003"), act("read"), res("ttd-user-subject", tigerNo)), Permit, AttrUserID + ":20000003"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := decideOne(t, w.svc, External, c.body)
			if r.Decision != c.decision {
				code, msg := statusOf(r)
				t.Fatalf("decision %s (%s %q), want %s; trace %+v", r.Decision, code, msg, c.decision, r.Trace)
			}
			if c.grant != "" && (r.Trace.Grant == nil || r.Trace.Grant.Value != c.grant) {
				t.Errorf("grant %+v, want %s", r.Trace.Grant, c.grant)
			}
		})
	}
}

// Allowed, the question other packages ask with a Subject built in code,
// matches a rule naming the organisation as a request would.
func TestAllowedOrgSubjectRule(t *testing.T) {
	w := newWorld()
	w.policies.set(Policy{ResourceID: "ttd-org-subject", Rules: []Rule{
		{ID: "r-orgno", Effect: Permit, Subjects: []string{AttrOrgID + ":" + orgRegnsk.OrgNo}, Actions: []string{"read"}},
	}})
	for _, c := range []struct {
		org  string
		want bool
	}{{orgRegnsk.OrgNo, true}, {orgElg.OrgNo, false}} {
		ok, err := w.svc.Allowed(context.Background(), Subject{OrgNo: c.org}, "ttd-org-subject", "read", orgTiger.OrgNo)
		if err != nil || ok != c.want {
			t.Errorf("Allowed(%s) = %v, %v; want %v", c.org, ok, err, c.want)
		}
	}
}

// A Permit carries every obligation of the policy, as written: an app
// policy's minimum-authenticationlevel and minimum-authenticationlevel-org
// (AltinnAppsOrg1App1_UserDelegation and its siblings expect both).
func TestEveryObligationOnPermit(t *testing.T) {
	two := []Obligation{
		{ID: "urn:altinn:obligation:1", AttributeAssignment: []AttributeAssignment{{AttributeID: "urn:altinn:obligation-assignment:1", Value: "4", Category: "urn:altinn:minimum-authenticationlevel", DataType: DataTypeInteger}}},
		{ID: "urn:altinn:obligation:2", AttributeAssignment: []AttributeAssignment{{AttributeID: "urn:altinn:obligation-assignment:2", Value: "3", Category: "urn:altinn:minimum-authenticationlevel-org", DataType: DataTypeInteger}}},
	}
	level := []Obligation{{ID: ObligationAuthLevelID, AttributeAssignment: []AttributeAssignment{{AttributeID: ObligationAssignmentID, Value: "2", Category: CategoryMinAuthLevel, DataType: DataTypeInteger}}}}
	for _, c := range []struct {
		name string
		pol  Policy
		want []Obligation
	}{
		{"both obligations of an app policy", Policy{MinAuthLevel: 4, Obligations: two}, two},
		{"policy kept with a level only", Policy{MinAuthLevel: 2}, level},
		{"policy without obligations", Policy{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld()
			c.pol.ResourceID = "app_org1_app1"
			c.pol.Rules = []Rule{{ID: "r", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:dagl"}, Actions: []string{"read"}}}
			w.policies.set(c.pol)
			r := decideOne(t, w.svc, External, req(attr(AttrPersonID, personTiril.PID), act("read"), res("app_org1_app1", attr(AttrOrgID, orgTiger.OrgNo))))
			if r.Decision != Permit {
				t.Fatalf("decision %s, want Permit; trace %+v", r.Decision, r.Trace)
			}
			if !reflect.DeepEqual(r.Obligations, c.want) {
				t.Errorf("obligations\n%+v\nwant\n%+v", r.Obligations, c.want)
			}
		})
	}
}

// An organisation as subject, named by org number, party id or party uuid,
// holds the packages its ER roles at the party carry: the accounting firm
// (REGN for Elg) may read what regnskapsforer-lonn gives, for Elg only.
func TestOrgSubjectByAnyIdentifier(t *testing.T) {
	w := newWorld()
	for _, c := range []struct {
		name string
		subj Subject
	}{
		{"org number", Subject{OrgNo: orgRegnsk.OrgNo}},
		{"party id", Subject{PartyID: orgRegnsk.PartyID}},
		{"party uuid", Subject{PartyUUID: orgRegnsk.PartyUUID}},
	} {
		for party, want := range map[string]bool{orgElg.OrgNo: true, orgTiger.OrgNo: false} {
			ok, err := w.svc.Allowed(context.Background(), c.subj, "ttd-accesspackage-resource", "read", party)
			if err != nil || ok != want {
				t.Errorf("%s, for %s: %v, %v; want %v", c.name, party, ok, err, want)
			}
		}
	}
}

// Request edges the platform's PDP reads this way: the legacy
// urn:altinn:organizationnumber subject also matches a rule naming the
// current urn:altinn:organization:identifier-no; user id 0 is not a user;
// an app resource may be named by urn:altinn:org + urn:altinn:app instead
// of its id, and a given id is not replaced by them.
func TestRequestAttributeEdges(t *testing.T) {
	w := newWorld()
	w.policies.set(Policy{ResourceID: "ttd-org-current", Rules: []Rule{
		{ID: "r-org", Effect: Permit, Subjects: []string{AttrOrgID + ":" + orgRegnsk.OrgNo}, Actions: []string{"read"}},
	}})
	w.policies.set(Policy{ResourceID: "app_ttd_regnskap", Rules: []Rule{
		{ID: "r-app", Effect: Permit, Subjects: []string{AttrOrgID + ":" + orgRegnsk.OrgNo}, Actions: []string{"read"}},
	}})
	tigerNo := attr(AttrOrgID, orgTiger.OrgNo)
	legacy := attr(AttrOrgNumber, orgRegnsk.OrgNo)
	for _, c := range []struct {
		name, body, want, msg string
	}{
		{"legacy org number subject", req(legacy, act("read"), res("ttd-org-current", tigerNo)), Permit, ""},
		{"user id 0", req(attr(AttrUserID, "0"), act("read"), res("ttd-org-current", tigerNo)), Indeterminate, "Not a valid user id"},
		{"user id 1 (unknown)", req(attr(AttrUserID, "1"), act("read"), res("ttd-org-current", tigerNo)), NotApplicable, ""},
		{"app by org and app", req(legacy, act("read"), attr("urn:altinn:org", "ttd")+","+attr("urn:altinn:app", "regnskap")+","+tigerNo), Permit, ""},
		{"app id given wins", req(legacy, act("read"), res("ttd-org-current", attr("urn:altinn:org", "ttd"), attr("urn:altinn:app", "nope"), tigerNo)), Permit, ""},
		{"org without app", req(legacy, act("read"), attr("urn:altinn:org", "ttd")+","+tigerNo), Indeterminate, ""},
		{"subject party id (REGN for Elg)", req(attr(AttrPartyID, "50000009"), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo))), Permit, ""},
		{"subject party id 1 (unknown)", req(attr(AttrPartyID, "1"), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo))), NotApplicable, ""},
		{"subject party id 0", req(attr(AttrPartyID, "0"), act("read"), res("ttd-org-current", tigerNo)), Indeterminate, "urn:altinn:partyid: Not a valid party id"},
		{"subject party id not a number", req(attr(AttrPartyID, "x1"), act("read"), res("ttd-org-current", tigerNo)), Indeterminate, "urn:altinn:partyid: Not a valid party id"},
		{"subject party uuid (REGN for Elg)", req(attr(AttrPartyUUID, orgRegnsk.PartyUUID.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo))), Permit, ""},
		{"subject party uuid not a uuid", req(attr(AttrPartyUUID, "not-a-uuid"), act("read"), res("ttd-org-current", tigerNo)), Indeterminate, "urn:altinn:party:uuid: Not a valid uuid"},
	} {
		r := decideOne(t, w.svc, External, c.body)
		code, msg := statusOf(r)
		if r.Decision != c.want || !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %s (%s %q), want %s %q", c.name, r.Decision, code, msg, c.want, c.msg)
		}
	}
}

// TestResourcePartyAPersonByPID: a person as the resource party named by
// urn:altinn:person:identifier-no (/authorize only) is looked up in the
// register and decided for (party_test.go has the rest): an organisation
// holds nothing for a person, and the trace says so. On /decision the
// attribute is refused as upstream refuses it (ArgumentException).
func TestResourcePartyAPersonByPID(t *testing.T) {
	w := newWorld()
	body := req(attr(AttrOrgID, orgRegnsk.OrgNo), act("read"), res("ttd-accesspackage-resource", attr(AttrPersonID, personTiril.PID)))
	r := decideOne(t, w.svc, External, body)
	want := "the subject holds 0 role(s) and 0 package(s) at person " + personTiril.PID
	if code, _ := statusOf(r); r.Decision != NotApplicable || code != StatusOK || r.Trace == nil || !slices.Contains(r.Trace.Steps, want) ||
		!strings.HasPrefix(r.Trace.Party, "person "+personTiril.PID) {
		t.Errorf("person as resource party: %s %s, trace %+v; want NotApplicable, ok and the step %q", r.Decision, code, r.Trace, want)
	}
	r = decideOne(t, w.svc, Internal, body)
	code, msg := statusOf(r)
	if r.Decision != Indeterminate || code != StatusSyntaxError || msg != "Resource attribute urn:altinn:person:identifier-no is only allowed on the external authorize endpoint." {
		t.Errorf("person as resource party on /decision: %s %s %q; want Indeterminate, syntax-error and the upstream message", r.Decision, code, msg)
	}
}

// TestRuleNamingASystemUser: a policy rule may name one system user by
// its uuid (urn:altinn:systemuser:uuid:<uuid>, in any case); it permits
// that system user only. A rule naming no valid uuid, or the nil uuid,
// matches no one, not even a subject that is no system user.
func TestRuleNamingASystemUser(t *testing.T) {
	w := newWorld()
	rule := func(id, subject string) {
		w.policies.set(Policy{ResourceID: id, Rules: []Rule{{ID: "r-su", Effect: Permit, Subjects: []string{subject}, Actions: []string{"read"}}}})
	}
	rule("ttd-named-su", "URN:ALTINN:SYSTEMUSER:UUID:"+strings.ToUpper(suStandard.String()))
	rule("ttd-named-nil", AttrSystemUserUUID+":"+uuid.Nil.String())
	rule("ttd-named-junk", AttrSystemUserUUID+":not-a-uuid")
	tigerNo := attr(AttrOrgID, orgTiger.OrgNo)
	su := attr(AttrSystemUserUUID, suStandard.String())
	for _, c := range []struct {
		name, body, want string
	}{
		{"the named system user", req(su, act("read"), res("ttd-named-su", tigerNo)), Permit},
		{"another system user", req(attr(AttrSystemUserUUID, suAgent.String()), act("read"), res("ttd-named-su", attr(AttrOrgID, orgElg.OrgNo))), NotApplicable},
		{"the nil uuid, a person", req(attr(AttrPersonID, personTiril.PID), act("read"), res("ttd-named-nil", tigerNo)), NotApplicable},
		{"not a uuid", req(su, act("read"), res("ttd-named-junk", tigerNo)), NotApplicable},
	} {
		r := decideOne(t, w.svc, External, c.body)
		if r.Decision != c.want {
			t.Errorf("%s: %s, want %s; trace %+v", c.name, r.Decision, c.want, r.Trace)
			continue
		}
		if c.want == Permit && (r.Trace == nil || r.Trace.Grant == nil || r.Trace.Grant.Source != "named in the policy") {
			t.Errorf("%s: trace %+v; want the grant named in the policy", c.name, r.Trace)
		}
	}
}

// TestUnknownPersonIsNamedInTheTrace: a person subject the register does
// not know (a user id or a well-formed national id of no one) holds
// nothing, and the Why? trace says the person is unknown rather than
// listing empty roles.
func TestUnknownPersonIsNamedInTheTrace(t *testing.T) {
	w := newWorld()
	tigerNo := attr(AttrOrgID, orgTiger.OrgNo)
	for _, subj := range []string{attr(AttrUserID, "1"), attr(AttrPersonID, "01019010046")} {
		r := decideOne(t, w.svc, External, req(subj, act("read"), res("ttd-accesspackage-resource", tigerNo)))
		if r.Decision != NotApplicable || r.Trace == nil || !slices.Contains(r.Trace.Steps, "the subject person is unknown") {
			t.Errorf("%s: %s, trace %+v; want NotApplicable and the step saying the person is unknown", subj, r.Decision, r.Trace)
		}
	}
}

// TestAgentSelfDelegationAtItsOwner: an agent system user holds, at its
// own facilitator, only the packages the facilitator delegated to it
// (self-delegation), and at a client only what was delegated for that
// client; without a self-delegation it holds nothing at the facilitator.
// The trace names which it was.
func TestAgentSelfDelegationAtItsOwner(t *testing.T) {
	agent := attr(AttrSystemUserUUID, suAgent.String())
	at := func(org string) string {
		return req(agent, act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, org)))
	}
	plain := newWorld()
	self := newWorld()
	self.users.update(suAgent, func(su *SystemUser) { su.Self = []string{"urn:altinn:accesspackage:ansettelsesforhold"} })
	for _, c := range []struct {
		name, step, source string
		w                  *world
		org, want          string
	}{
		{"self-delegated, at the owner", "agent system user holds 1 package(s) its owner 312605031 delegated to it (self-delegation)",
			"delegated by 312605031 to its own agent system user (self-delegation)", self, orgRegnsk.OrgNo, Permit},
		{"self-delegated, at a client", "", "client " + orgElg.OrgNo, self, orgElg.OrgNo, Permit},
		{"no self-delegation, at the owner", "agent system user has no client delegation for 312605031 (facilitator 312605031, 1 client(s))", "", plain, orgRegnsk.OrgNo, NotApplicable},
	} {
		r := decideOne(t, c.w.svc, External, at(c.org))
		if r.Decision != c.want || r.Trace == nil {
			t.Errorf("%s: %s, trace %+v; want %s", c.name, r.Decision, r.Trace, c.want)
			continue
		}
		if c.step != "" && !slices.Contains(r.Trace.Steps, c.step) {
			t.Errorf("%s: steps %q; want %q", c.name, r.Trace.Steps, c.step)
		}
		if c.source != "" && (r.Trace.Grant == nil || !strings.Contains(r.Trace.Grant.Source, c.source)) {
			t.Errorf("%s: grant %+v; want its source to name %q", c.name, r.Trace.Grant, c.source)
		}
	}
}

// TestUnknownSubjectPartyIsNamedInTheTrace: an organisation subject named
// by a party id or party uuid the register does not know holds nothing,
// and the trace says so.
func TestUnknownSubjectPartyIsNamedInTheTrace(t *testing.T) {
	w := newWorld()
	for _, subj := range []string{attr(AttrPartyID, "1"), attr(AttrPartyUUID, "11111111-0000-0000-0000-0000000000ff")} {
		r := decideOne(t, w.svc, External, req(subj, act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo))))
		if r.Decision != NotApplicable || r.Trace == nil || !slices.Contains(r.Trace.Steps, "the subject party is not a known organisation") {
			t.Errorf("%s: %s, trace %+v; want NotApplicable and the step saying the party is unknown", subj, r.Decision, r.Trace)
		}
	}
}

package pdp

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// personWorld adds resources whose rules name a person's own roles: the
// shape of Altinn's ttd-accesslist-resource policy (PRIV or DAGL may read
// and write), once with access lists off and once on.
func personWorld() *world {
	w := newWorld()
	rules := []Rule{{ID: "r-priv", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:PRIV", "urn:altinn:rolecode:DAGL"}, Actions: []string{"read", "write"}}}
	w.policies.set(Policy{ResourceID: "ttd-priv-resource", MinAuthLevel: 2, Rules: rules})
	w.policies.set(Policy{ResourceID: "ttd-priv-accesslist-resource", MinAuthLevel: 2, AccessListEnabled: true, Rules: rules})
	return w
}

// TestPersonAsParty: decisions whose resource party is a person, as the
// real PDP makes them. Its context handler resolves the party whatever its
// type (by party id or uuid, or by the national identity number on
// /authorize); a person acting for themselves holds PRIV and the other
// Altinn roles for one's own party (the roles the platform's own tests
// give user 1337 on their party 501337); nobody else holds anything for a
// person here; and the access-list gate denies a person party.
func TestPersonAsParty(t *testing.T) {
	w := personWorld()
	tiril := attr(AttrPersonID, personTiril.PID)
	tirilUser := attr(AttrUserID, "20000003")
	tirilParty := attr(AttrPartyID, "50100003")
	cases := []struct {
		name     string
		ep       Endpoint
		body     string
		decision string
		status   string
		msg      string // substring of the status message
		grant    string // trace: the grant on Permit
		step     string // trace: a step that says what decided
	}{
		{"a person for themselves, by national identity numbers", External, req(tiril, act("read"), res("ttd-priv-resource", attr(AttrPersonID, personTiril.PID))),
			Permit, StatusOK, "", "urn:altinn:rolecode:priv", "acts for themselves"},
		{"a person for themselves, user id and party id", Internal, req(tirilUser, act("write"), res("ttd-priv-resource", tirilParty)),
			Permit, StatusOK, "", "urn:altinn:rolecode:priv", "acts for themselves"},
		{"a person for themselves, by party uuid", Internal, req(tirilUser, act("read"), res("ttd-priv-resource", attr(AttrPartyUUID, personTiril.PartyUUID.String()))),
			Permit, StatusOK, "", "urn:altinn:rolecode:priv", ""},
		{"a person for themselves: an action the policy does not name", Internal, req(tirilUser, act("sign"), res("ttd-priv-resource", tirilParty)),
			NotApplicable, StatusOK, "", "", ""},
		{"a person for themselves holds no ER role there (DAGL is at an organisation)", External, req(tiril, act("sign"), res("ttd-accesspackage-resource", attr(AttrPersonID, personTiril.PID))),
			NotApplicable, StatusOK, "", "", "acts for themselves"},
		{"a person for themselves holds no access package", External, req(tiril, act("read"), res("ttd-accesspackage-resource", tirilParty)),
			NotApplicable, StatusOK, "", "", "no access packages"},
		{"a person for another person", External, req(attr(AttrPersonID, personKari.PID), act("read"), res("ttd-priv-resource", tirilParty)),
			NotApplicable, StatusOK, "", "", "holds no role for person 12857841016"},
		{"a standard system user for a person", Internal, req(attr(AttrSystemUserUUID, suStandard.String()), act("read"), res("ttd-priv-resource", tirilParty)),
			NotApplicable, StatusOK, "", "", "system users act for organisations only"},
		{"an agent system user for a person", External, req(attr(AttrSystemUserUUID, suAgent.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrPersonID, personTiril.PID))),
			NotApplicable, StatusOK, "", "", "system users act for organisations only"},
		{"an organisation for a person", External, req(attr(AttrOrgID, orgRegnsk.OrgNo), act("read"), res("ttd-accesspackage-resource", tirilParty)),
			NotApplicable, StatusOK, "", "", "0 role(s) and 0 package(s) at person 12857841016"},
		{"access list enabled: a person party is denied", Internal, req(tirilUser, act("read"), res("ttd-priv-accesslist-resource", tirilParty)),
			Deny, StatusOK, "Access list authorization of resource party required", "urn:altinn:rolecode:priv", "access lists admit organisations only"},
		{"a person's national identity number is for /authorize only", Internal, req(tirilUser, act("read"), res("ttd-priv-resource", attr(AttrPersonID, personTiril.PID))),
			Indeterminate, StatusSyntaxError, "identifier-no", "", ""},
		// The PDP reads urn:altinn:person:identifier-no; urn:altinn:ssn is
		// what Altinn's PEP library once sent by mistake (fixed upstream,
		// Altinn/altinn-authorization branch
		// bug/authz-tmp-370_FixResourceInstanceUrn_ReplaceSsnUrnWithPersonId):
		// no party at all.
		{"urn:altinn:ssn names no party", External, req(tiril, act("read"), res("ttd-priv-resource", attr("urn:altinn:ssn", personTiril.PID))),
			Indeterminate, StatusMissingAttribute, "Request not complete", "", "no resource party"},
		{"an unknown person", External, req(tiril, act("read"), res("ttd-priv-resource", attr(AttrPersonID, "02013299997"))),
			Indeterminate, StatusMissingAttribute, "Request not complete", "", "pid:02013299997 is not a known person"},
		{"a party id that is neither", Internal, req(tirilUser, act("read"), res("ttd-priv-resource", attr(AttrPartyID, "123"))),
			Indeterminate, StatusMissingAttribute, "Request not complete", "", "partyid:123 is not a known organisation or person"},
		// A party id names an organisation first, as it always did.
		{"an organisation's party id is still the organisation", Internal, req(tirilUser, act("read"), res("ttd-priv-resource", attr(AttrPartyID, "50000003"))),
			Permit, StatusOK, "", "urn:altinn:rolecode:dagl", "1 role(s)"},
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
			if c.decision == Permit && len(r.Obligations) != 1 {
				t.Errorf("Permit without the obligation: %+v", r.Obligations)
			}
			if c.grant != "" && (r.Trace == nil || r.Trace.Grant == nil || r.Trace.Grant.Value != c.grant) {
				t.Errorf("trace grant %+v, want %s", r.Trace.Grant, c.grant)
			}
			if c.step != "" && !strings.Contains(strings.Join(r.Trace.Steps, "\n"), c.step) {
				t.Errorf("trace steps lack %q:\n%s", c.step, strings.Join(r.Trace.Steps, "\n"))
			}
		})
	}
}

// The trace names the person party and what the person holds there.
func TestPersonPartyTrace(t *testing.T) {
	w := personWorld()
	r := decideOne(t, w.svc, External, req(attr(AttrPersonID, personTiril.PID), act("read"), res("ttd-priv-resource", attr(AttrPersonID, personTiril.PID))))
	tr := r.Trace
	if tr == nil || tr.Party != "person 12857841016 Tiril Tiger (party id 50100003, uuid 22222222-0000-0000-0000-000000000003)" {
		t.Fatalf("party %+v", tr)
	}
	if tr.MatchedRule == nil || tr.MatchedRule.ID != "r-priv" || tr.Grant.Kind != "role" ||
		!strings.Contains(tr.Grant.Source, "acts for themselves (party 50100003)") {
		t.Errorf("rule %+v grant %+v", tr.MatchedRule, tr.Grant)
	}
	var roles []string
	for _, h := range tr.Roles {
		roles = append(roles, h.Value)
	}
	if !reflect.DeepEqual(roles, selfRoles) || len(tr.Packages) != 0 {
		t.Errorf("roles %v packages %v", roles, tr.Packages)
	}
}

// A person party is looked up once, then answered from the cache while
// the listener is up, by every key it was asked by.
func TestPersonPartyCached(t *testing.T) {
	w := personWorld()
	w.svc.c.connected()
	body := req(attr(AttrUserID, "20000003"), act("read"), res("ttd-priv-resource", attr(AttrPartyID, "50100003")))
	decideOne(t, w.svc, Internal, body)
	before := w.parties.calls.Load()
	if r := decideOne(t, w.svc, Internal, body); r.Decision != Permit {
		t.Fatalf("%s", r.Decision)
	}
	if after := w.parties.calls.Load(); after != before {
		t.Errorf("%d register calls for a cached person party", after-before)
	}
	// A writer's parties notification drops it.
	w.svc.c.invalidate("parties")
	w.parties.persons[0].PartyID = 50199999
	if r := decideOne(t, w.svc, Internal, body); r.Decision != Indeterminate {
		t.Errorf("after the party id changed: %s", r.Decision)
	}
}

// Altinn's XML pair with a person as the resource party: user 1337 asks
// for read on oed-role-formuesfullmakt for the party 50740574, a person
// (Register mock Data/Register/50740574.json, "UKJENT TESTPERSON"). The
// policy's only rule needs a Digitalt dødsbo role between the two, which
// user 1337 does not hold: NotApplicable, with the party id echoed.
func TestXMLPersonPartyPair(t *testing.T) {
	w := upstreamWorld()
	w.parties.persons = append(w.parties.persons, parties.Person{PID: "11895696716", Name: "UKJENT TESTPERSON", PartyID: 50740574,
		PartyUUID: uuid.MustParse("00000000-0000-0000-0005-000000740574")})
	w.policies.set(Policy{ResourceID: "oed-role-formuesfullmakt", Rules: []Rule{
		{ID: "urn:altinn:example:ruleid:1", Effect: Permit, Subjects: []string{"urn:digitaltdodsbo:rolecode:urn:digitaltdodsbo:formuesfullmakt"}, Actions: []string{"read", "write"}},
	}, Obligations: []Obligation{{ID: ObligationAuthLevelID, AttributeAssignment: []AttributeAssignment{
		{AttributeID: ObligationAssignmentID, Value: "2", Category: CategoryMinAuthLevel, DataType: DataTypeInteger}}}}})
	url := xmlServer(t, w) + "/authorization/api/v1/decision"
	const name = "ResourceRegistry_OedFormuesfullmakt_Xml_Indeterminate"
	want := parseXResponse(t, must(os.ReadFile(filepath.Join("testdata", "xacmlxml", name+"Response.xml"))))
	if len(want.Results) != 1 || want.Results[0].Decision != NotApplicable {
		t.Fatalf("fixture read as %+v", want)
	}
	_, _, raw := postRaw(t, url, "application/xml", string(must(os.ReadFile(filepath.Join("testdata", "xacmlxml", name+"Request.xml")))))
	if got := parseXResponse(t, []byte(raw)); !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %+v\nwant %+v\n%s", got, want, raw)
	}
	_, _, raw = postRaw(t, url+"?explain=true", "application/xml", string(must(os.ReadFile(filepath.Join("testdata", "xacmlxml", name+"Request.xml")))))
	if !strings.Contains(raw, "person 11895696716 UKJENT TESTPERSON (party id 50740574") {
		t.Errorf("the trace does not name the person party: %s", raw)
	}
}

// The "Why?" page takes an 11-digit party as a person's national identity
// number: a person acting for themselves is explained.
func TestWhyPersonParty(t *testing.T) {
	w := personWorld()
	r := w.svc.why(t.Context(), personTiril.PID, "ttd-priv-resource", "read", personTiril.PID)
	if r.Decision != Permit || r.Trace == nil || !strings.HasPrefix(r.Trace.Party, "person "+personTiril.PID) || r.Trace.Grant == nil ||
		r.Trace.Grant.Value != "urn:altinn:rolecode:priv" {
		t.Errorf("%s %+v", r.Decision, r.Trace)
	}
	if got := WhyRequest("", "x", "read", personTiril.PID).Resource[0].Attribute[1]; got.AttributeID != AttrPersonID {
		t.Errorf("an 11-digit party is %s", got.AttributeID)
	}
}

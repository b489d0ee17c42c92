package pdp

import (
	"slices"
	"strings"
	"testing"
)

// TestWhyTraceSteps pins the "Why?" explanation step by step for each path
// through a decision: how the party was resolved, what the subject holds
// there, each rule looked at (permit, deny, and rules whose subjects are not
// held), the direct-right fallback and its three outcomes, the access-list
// gate both ways, and the incomplete requests. The steps are what the Why?
// page shows a developer, so a step that says the wrong thing is a bug even
// when the decision is right.
func TestWhyTraceSteps(t *testing.T) {
	w := newWorld()
	listed := New(w.policies, w.users, w.parties, fakeRoles{}, nil, WithAccessLists(tigerListed))
	su := attr(AttrSystemUserUUID, suStandard.String())
	agent := attr(AttrSystemUserUUID, suAgent.String())
	tigerNo := attr(AttrOrgID, orgTiger.OrgNo)
	elgNo := attr(AttrOrgID, orgElg.OrgNo)
	// What several cases' traces say alike.
	const (
		tiger        = "313725138 Rakrygget Spesifikk Tiger AS (party id 50000003, uuid 11111111-0000-0000-0000-000000000003)"
		elg          = "310385980 Fattig Forsiktig Elg AS (party id 50000004, uuid 11111111-0000-0000-0000-000000000004)"
		stdSubject   = "standard system user 47caea5b-a80b-4343-b1d3-31eb523a4e28 of 313725138 (system 312605031_sys)"
		agentSubject = "agent system user e2eba2c3-b369-4ff9-8418-99a810d6bb58 of 312605031 (system 312605031_sys)"
		suSubject    = "system user 47caea5b-a80b-4343-b1d3-31eb523a4e28"
		pkgPolicy    = "policy of ttd-accesspackage-resource: 2 rule(s)"
		stdHolds     = "standard system user holds 2 package(s) and 3 resource right(s) for 313725138"
		daglNotHeld  = "rule r-dagl (Permit read,sign) names action \"read\" but none of its subjects urn:altinn:rolecode:DAGL is held by the subject"
		readNA       = "decision NotApplicable: the subject has no right that covers \"read\" on ttd-accesspackage-resource for this party"
		partyMissing = "urn:altinn:partyid | urn:altinn:party:uuid | urn:altinn:organization:identifier-no"
	)
	// uncovered is what a trace says when nothing the subject holds covers
	// "read" on ttd-accesspackage-resource.
	uncovered := []string{
		"rule r-pkg (Permit read,write) names action \"read\" but none of its subjects urn:altinn:accesspackage:ansettelsesforhold, urn:altinn:accesspackage:regnskapsforer-lonn is held by the subject",
		daglNotHeld,
		"no policy rule of ttd-accesspackage-resource permits \"read\" for what the subject holds",
		"no resource delegation to the subject for this party",
	}
	cases := []struct {
		name           string
		listed         bool // decide with Tiger on the access list
		body           string
		decision       string
		subject, party string
		rule, grant    string // matched rule id; grant "kind value"
		held           [3]int // roles, packages, rights listed in the trace
		missing        string
		steps          []string
	}{
		{
			name: "agent system user, package delegated for the client", body: req(agent, act("read"), res("ttd-accesspackage-resource", elgNo)), decision: Permit,
			subject: agentSubject, party: elg,
			rule: "r-pkg", grant: "accessPackage urn:altinn:accesspackage:regnskapsforer-lonn",
			held: [3]int{0, 1, 0},
			steps: flat(
				pkgPolicy,
				"agent system user holds 1 package(s) delegated for client 310385980",
				"rule r-pkg permits \"read\" through urn:altinn:accesspackage:regnskapsforer-lonn (delegated by 312605031 to the agent system user for client 310385980)",
				daglNotHeld,
			),
		},
		{
			name: "organisation through its ER role", body: req(attr(AttrOrgID, orgRegnsk.OrgNo), act("read"), res("ttd-accesspackage-resource", elgNo)), decision: Permit,
			subject: "organisation 312605031", party: elg,
			rule: "r-pkg", grant: "accessPackage urn:altinn:accesspackage:regnskapsforer-lonn",
			held: [3]int{0, 3, 0},
			steps: flat(
				pkgPolicy,
				"the subject holds 1 role(s) and 3 package(s) at 310385980",
				"rule r-pkg permits \"read\" through urn:altinn:accesspackage:regnskapsforer-lonn (through ER role REGN at 310385980)",
				daglNotHeld,
			),
		},
		{
			name: "direct resource right", body: req(su, act("write"), res("ttd-externalpdp-resource1", tigerNo)), decision: Permit,
			subject: stdSubject, party: tiger,
			rule: "r-1", grant: "resourceRight urn:altinn:resource:ttd-externalpdp-resource1",
			held: [3]int{0, 2, 3},
			steps: flat(
				"policy of ttd-externalpdp-resource1: 1 rule(s)",
				stdHolds,
				"rule r-1 (Permit read,write) names action \"write\" but none of its subjects urn:altinn:rolecode:REGNA is held by the subject",
				"no policy rule of ttd-externalpdp-resource1 permits \"write\" for what the subject holds",
				"direct right on ttd-externalpdp-resource1 (granted to the standard system user when 313725138 approved it) covers \"write\", an action of rule r-1",
			),
		},
		{
			name: "right limited to another action", body: req(su, act("write"), res("ttd-externalpdp-resource2", tigerNo)), decision: NotApplicable,
			subject: stdSubject, party: tiger,
			held: [3]int{0, 2, 3},
			steps: flat(
				"policy of ttd-externalpdp-resource2: 1 rule(s)",
				stdHolds,
				"rule r-2 (Permit read,write) names action \"write\" but none of its subjects urn:altinn:rolecode:REGNA is held by the subject",
				"no policy rule of ttd-externalpdp-resource2 permits \"write\" for what the subject holds",
				"direct right on ttd-externalpdp-resource2 (granted to the standard system user when 313725138 approved it) is for action \"read\" only",
				"decision NotApplicable: the subject has no right that covers \"write\" on ttd-externalpdp-resource2 for this party",
			),
		},
		{
			name: "direct right, action outside the policy", body: req(su, act("sign"), res("ttd-externalpdp-resource1", tigerNo)), decision: NotApplicable,
			subject: stdSubject, party: tiger,
			held: [3]int{0, 2, 3},
			steps: flat(
				"policy of ttd-externalpdp-resource1: 1 rule(s)",
				stdHolds,
				"no policy rule of ttd-externalpdp-resource1 permits \"sign\" for what the subject holds",
				"direct right on ttd-externalpdp-resource1 (granted to the standard system user when 313725138 approved it) exists, but the resource's policy permits no rule with action \"sign\"",
				"decision NotApplicable: the subject has no right that covers \"sign\" on ttd-externalpdp-resource1 for this party",
			),
		},
		{
			name: "deny overrides permit", body: req(attr(AttrPersonID, personTiril.PID), act("read"), res("ttd-deny-resource", tigerNo)), decision: Deny,
			subject: "person 12857841016 (Tiril Tiger, user id 20000003)", party: tiger,
			rule: "r-deny", grant: "role urn:altinn:rolecode:dagl",
			held: [3]int{1, 2, 0},
			steps: flat(
				"policy of ttd-deny-resource: 2 rule(s)",
				"the subject holds 1 role(s) and 2 package(s) at 313725138",
				"rule r-permit permits \"read\" through urn:altinn:accesspackage:skatt-naering (through ER role DAGL at 313725138)",
				"rule r-deny denies \"read\" through urn:altinn:rolecode:dagl (ER role DAGL at 313725138); deny overrides",
			),
		},
		{
			name: "standard system user, another organisation", body: req(su, act("read"), res("ttd-accesspackage-resource", elgNo)), decision: NotApplicable,
			subject: stdSubject, party: elg,
			steps: flat(
				pkgPolicy,
				"standard system user belongs to 313725138; it holds nothing for 310385980",
				uncovered,
				readNA,
			),
		},
		{
			name: "agent system user, not a client", body: req(agent, act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgRev.OrgNo))), decision: NotApplicable,
			subject: agentSubject, party: "314168267 Lykkelig Nysgjerrig Rev AS (party id 50000005, uuid 11111111-0000-0000-0000-000000000005)",
			steps: flat(
				pkgPolicy,
				"agent system user has no client delegation for 314168267 (facilitator 312605031, 1 client(s))",
				uncovered,
				readNA,
			),
		},
		{
			name: "unknown system user", body: req(attr(AttrSystemUserUUID, "9d6fbd8e-0000-4000-8000-000000000001"), act("read"), res("ttd-accesspackage-resource", tigerNo)), decision: NotApplicable,
			subject: "system user 9d6fbd8e-0000-4000-8000-000000000001", party: tiger,
			steps: flat(
				pkgPolicy,
				"system user 9d6fbd8e-0000-4000-8000-000000000001 does not exist (or was deleted): it holds no rights",
				uncovered,
				readNA,
			),
		},
		{
			name: "person without roles there", body: req(attr(AttrPersonID, personKari.PID), act("read"), res("ttd-accesspackage-resource", tigerNo)), decision: NotApplicable,
			subject: "person 21857841058 (Kari Uten Roller, user id 20000012)", party: tiger,
			steps: flat(
				pkgPolicy,
				"the subject holds 0 role(s) and 0 package(s) at 313725138",
				uncovered,
				readNA,
			),
		},
		{
			name: "access list enabled, party on no list", body: req(su, act("read"), res("ttd-accesslist-resource", tigerNo)), decision: Deny,
			subject: stdSubject, party: tiger,
			rule: "r-al", grant: "accessPackage urn:altinn:accesspackage:ansettelsesforhold",
			held: [3]int{0, 2, 3},
			steps: flat(
				"policy of ttd-accesslist-resource: 1 rule(s)",
				stdHolds,
				"rule r-al permits \"read\" through urn:altinn:accesspackage:ansettelsesforhold (granted to the standard system user when 313725138 approved it)",
				"the resource has accessListMode Enabled and 313725138 is on none of its access lists: Deny",
			),
		},
		{
			name: "missing resource party", body: req(su, act("read"), res("ttd-accesspackage-resource")), decision: Indeterminate,
			subject: suSubject, party: "",
			missing: partyMissing,
			steps: flat(
				"no resource party in the request (urn:altinn:organization:identifier-no, urn:altinn:partyid, urn:altinn:party:uuid or, on /authorize, urn:altinn:person:identifier-no)",
				pkgPolicy,
				uncovered,
				"Request not complete for authorization based on delegations.",
			),
		},
		{
			name: "unknown resource party", body: req(su, act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, "999999999"))), decision: Indeterminate,
			subject: suSubject, party: "",
			missing: partyMissing,
			steps: flat(
				"resource party orgno:999999999 is not a known organisation",
				pkgPolicy,
				uncovered,
				"Request not complete for authorization based on delegations.",
			),
		},
		{
			name: "missing action", body: req(su, "", res("ttd-accesspackage-resource", tigerNo)), decision: Indeterminate,
			subject: suSubject, party: "",
			missing: "urn:oasis:names:tc:xacml:1.0:action:action-id",
			steps: flat(
				"The request has no action: urn:oasis:names:tc:xacml:1.0:action:action-id is required.",
			),
		},
		{
			name: "access list enabled, party on a list", listed: true, body: req(su, act("read"), res("ttd-accesslist-resource", tigerNo)), decision: Permit,
			subject: stdSubject, party: tiger,
			rule: "r-al", grant: "accessPackage urn:altinn:accesspackage:ansettelsesforhold",
			held: [3]int{0, 2, 3},
			steps: flat(
				"policy of ttd-accesslist-resource: 1 rule(s)",
				stdHolds,
				"rule r-al permits \"read\" through urn:altinn:accesspackage:ansettelsesforhold (granted to the standard system user when 313725138 approved it)",
				"access list urn:altinn:access-list:ttd:godkjente of ttd-accesslist-resource admits 313725138 for read",
			),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svc := w.svc
			if c.listed {
				svc = listed
			}
			r := decideOne(t, svc, External, c.body)
			tr := r.Trace
			if r.Decision != c.decision || tr == nil {
				t.Fatalf("decision %s, trace %+v; want %s with a trace", r.Decision, tr, c.decision)
			}
			if tr.Subject != c.subject || tr.Party != c.party {
				t.Errorf("subject %q party %q, want %q %q", tr.Subject, tr.Party, c.subject, c.party)
			}
			rule, grant := "", ""
			if tr.MatchedRule != nil {
				rule = tr.MatchedRule.ID
			}
			if tr.Grant != nil {
				grant = tr.Grant.Kind + " " + tr.Grant.Value
			}
			if rule != c.rule || grant != c.grant {
				t.Errorf("rule %q grant %q, want %q %q", rule, grant, c.rule, c.grant)
			}
			if held := [3]int{len(tr.Roles), len(tr.Packages), len(tr.Rights)}; held != c.held {
				t.Errorf("roles, packages, rights held %v, want %v", held, c.held)
			}
			if got := strings.Join(tr.MissingAttributes, " "); got != c.missing {
				t.Errorf("missing attributes %q, want %q", got, c.missing)
			}
			if strings.Join(tr.Steps, "\n") != strings.Join(c.steps, "\n") {
				t.Errorf("steps:\n  %s\nwant:\n  %s", strings.Join(tr.Steps, "\n  "), strings.Join(c.steps, "\n  "))
			}
		})
	}
}

// flat joins steps given one by one or as runs.
func flat(parts ...any) []string {
	var out []string
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			out = append(out, v)
		case []string:
			out = append(out, v...)
		}
	}
	return out
}

// TestWhyRequestReadsBareIdentifiers: the Why? page takes a subject as an
// attribute URN with its value, or bare: a uuid is a system user, 11
// digits a national id, 9 digits an org number (anything else is tried as
// a system user and fails as one); a party is an org number, a party uuid
// or a party id (other digits), anything else read as an org number.
func TestWhyRequestReadsBareIdentifiers(t *testing.T) {
	const id = "47caea5b-a80b-4343-b1d3-31eb523a4e28"
	for _, c := range []struct {
		subject, party       string
		subjectAttr, subjVal string
		partyAttr, partyVal  string
	}{
		{id, "313725138", AttrSystemUserUUID, id, AttrOrgID, "313725138"},
		{"12857841016", " 50000003 ", AttrPersonID, "12857841016", AttrPartyID, "50000003"},
		{"313725138", "11111111-0000-0000-0000-000000000003", AttrOrgID, "313725138", AttrPartyUUID, "11111111-0000-0000-0000-000000000003"},
		{"tiger", "tiger-as", AttrSystemUserUUID, "tiger", AttrOrgID, "tiger-as"},
		{" urn:altinn:userid:20000003 ", "", AttrUserID, "20000003", "", ""},
	} {
		r := WhyRequest(c.subject, " ttd-accesspackage-resource ", " read ", c.party)
		subj, res := r.AccessSubject[0].Attribute, r.Resource[0].Attribute
		wantRes := []XAttribute{{AttributeID: AttrResource, Value: "ttd-accesspackage-resource"}}
		if c.partyAttr != "" {
			wantRes = append(wantRes, XAttribute{AttributeID: c.partyAttr, Value: c.partyVal})
		}
		if len(subj) != 1 || subj[0] != (XAttribute{AttributeID: c.subjectAttr, Value: c.subjVal}) || !slices.Equal(res, wantRes) ||
			r.Action[0].Attribute[0].Value != "read" {
			t.Errorf("subject %q, party %q: subject %+v, resource %+v, action %+v", c.subject, c.party, subj, res, r.Action)
		}
	}
}

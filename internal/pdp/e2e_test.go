package pdp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/pdp"
	"github.com/altinn-sim/altinn-sim/internal/resources"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// Seeded parties (migrations/0001_parties.up.sql).
const (
	tiger      = "313725138" // Tiril Tiger is DAGL
	elg        = "310385980" // client of the accounting firm (REGN)
	rev        = "314168267" // client of the accounting firm (REGN) and audit firm
	accountant = "312605031" // Regnskapshuset Simulert AS
	tirilPID   = "12857841016"
	kariPID    = "21857841058"
)

func token(t *testing.T, s *apptest.Server, scopes ...string) string {
	t.Helper()
	return s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": scopes})
}

func xacml(subjectID, subject, action, resource, partyID, party string) string {
	return fmt.Sprintf(`{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":%q,"Value":%q}]}],`+
		`"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":%q}]}],`+
		`"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":%q},{"AttributeId":%q,"Value":%q}]}]}}`,
		subjectID, subject, action, resource, partyID, party)
}

func decide(t *testing.T, s *apptest.Server, tok, body string) pdp.Result {
	t.Helper()
	path := "/authorization/api/v1/decision"
	if tok != "" {
		path = "/authorization/api/v1/authorize"
	}
	st, _, raw := s.Do(t, http.MethodPost, path+"?explain=true", tok, body, "Ocp-Apim-Subscription-Key", "ignored")
	var out pdp.Response
	if st != 200 || json.Unmarshal(raw, &out) != nil || len(out.Response) != 1 {
		t.Fatalf("%s: %d %s", path, st, raw)
	}
	return out.Response[0]
}

func createSU(t *testing.T, s *apptest.Server, owner, userType string, rights []systemusers.Right, pkgs ...string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	org, err := s.Parties.Org(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	var refs []systemusers.AccessPackageRef
	for _, p := range pkgs {
		refs = append(refs, systemusers.AccessPackageRef{URN: p})
	}
	var su systemusers.SystemUser
	err = db.InTx(ctx, s.Pool, func(q db.Querier) error {
		su, err = s.SystemUsers.CreateTx(ctx, q, systemusers.New{
			ID:     uuid.New(),
			System: systemusers.System{ID: "991825827_pdp_test", InternalID: uuid.New(), Vendor: "991825827", Name: map[string]string{"nb": "PDP test"}},
			Owner:  org, ReporteeOrgNo: owner, UserType: userType, Rights: rights, AccessPackages: refs,
			ExternalRef: uuid.NewString(),
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return su.ID
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEndToEndStandardAndPersons(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	tok := token(t, s, pdp.ScopeAuthorize)
	id := createSU(t, s, tiger, systemusers.TypeStandard,
		[]systemusers.Right{{Resource: []systemusers.AttributePair{{ID: "urn:altinn:resource", Value: "nav-a-ordningen"}}}},
		"urn:altinn:accesspackage:ansettelsesforhold")
	su := id.String()

	cases := []struct {
		name, body, decision, grant string
	}{
		{"package approved for own org", xacml(pdp.AttrSystemUserUUID, su, "read", "ttd-accesspackage-resource", pdp.AttrOrgID, tiger), pdp.Permit, "urn:altinn:accesspackage:ansettelsesforhold"},
		{"resource right approved for own org", xacml(pdp.AttrSystemUserUUID, su, "write", "nav-a-ordningen", pdp.AttrOrgID, tiger), pdp.Permit, "urn:altinn:resource:nav-a-ordningen"},
		{"not for another org", xacml(pdp.AttrSystemUserUUID, su, "read", "ttd-accesspackage-resource", pdp.AttrOrgID, elg), pdp.NotApplicable, ""},
		{"no right on this resource", xacml(pdp.AttrSystemUserUUID, su, "read", "ske-mva-melding", pdp.AttrOrgID, tiger), pdp.NotApplicable, ""},
		{"person with DAGL manages access", xacml(pdp.AttrPersonID, tirilPID, "write", "altinn_access_management", pdp.AttrOrgID, tiger), pdp.Permit, "urn:altinn:rolecode:dagl"},
		{"person through DAGL's packages", xacml(pdp.AttrPersonID, tirilPID, "read", "ttd-accesspackage-resource", pdp.AttrOrgID, tiger), pdp.Permit, ""},
		{"access manager (tilgangsstyrer)", xacml(pdp.AttrPersonID, "20857841019", "write", "altinn_access_management", pdp.AttrOrgID, tiger), pdp.Permit, "urn:altinn:accesspackage:tilgangsstyrer"},
		{"person without roles", xacml(pdp.AttrPersonID, kariPID, "write", "altinn_access_management", pdp.AttrOrgID, tiger), pdp.NotApplicable, ""},
		{"unknown resource", xacml(pdp.AttrSystemUserUUID, su, "read", "no-such-resource", pdp.AttrOrgID, tiger), pdp.Indeterminate, ""},
	}
	for _, c := range cases {
		r := decide(t, s, tok, c.body)
		if r.Decision != c.decision {
			t.Errorf("%s: %s, want %s (trace %+v)", c.name, r.Decision, c.decision, r.Trace)
			continue
		}
		if c.grant != "" && (r.Trace == nil || r.Trace.Grant == nil || r.Trace.Grant.Value != c.grant) {
			t.Errorf("%s: trace %+v, want grant %s", c.name, r.Trace, c.grant)
		}
	}

	// The scope gate on /authorize.
	st, _, _ := s.Do(t, http.MethodPost, "/authorization/api/v1/authorize", token(t, s, "altinn:authentication/systemregister.write"), cases[0].body)
	if st != http.StatusForbidden {
		t.Errorf("/authorize without the scope: %d, want 403", st)
	}

	// Replacing the resource's policy (resources notifies policy:<id>)
	// is seen at once: a rule on another package no longer opens it.
	pol, err := s.Resources.Policy(context.Background(), "ttd-accesspackage-resource")
	if err != nil {
		t.Fatal(err)
	}
	pol.Rules[0].Subjects = []string{"urn:altinn:accesspackage:lonn"}
	if err := s.Resources.ReplacePolicy(context.Background(), resources.Writer{Admin: true}, pol); err != nil {
		t.Fatal(err)
	}
	eventually(t, "NotApplicable after the policy changed", func() bool {
		return decide(t, s, "", cases[0].body).Decision == pdp.NotApplicable
	})
	pol.Rules[0].Subjects = []string{"urn:altinn:accesspackage:ansettelsesforhold"}
	if err := s.Resources.ReplacePolicy(context.Background(), resources.Writer{Admin: true}, pol); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Permit after the policy changed back", func() bool {
		return decide(t, s, "", cases[0].body).Decision == pdp.Permit
	})

	// Deleting the system user (which notifies) turns Permit into
	// NotApplicable.
	if err := s.SystemUsers.Delete(context.Background(), id, tiger); err != nil {
		t.Fatal(err)
	}
	eventually(t, "NotApplicable after delete", func() bool {
		return decide(t, s, "", cases[0].body).Decision == pdp.NotApplicable
	})
}

// An agent system user acts for a client through the packages delegated
// for that client; revoking the delegation on one instance turns Permit
// into NotApplicable on the other (LISTEN/NOTIFY across instances).
func TestEndToEndAgentAcrossInstances(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	b := apptest.StartOn(t, a.Pool.Config().ConnString())
	ctx := context.Background()
	id := createSU(t, a, accountant, systemusers.TypeAgent, nil, "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet")
	su := id.String()
	elgOrg, err := a.Parties.Org(ctx, elg)
	if err != nil {
		t.Fatal(err)
	}
	sign := xacml(pdp.AttrSystemUserUUID, su, "sign", "ske-mva-melding", pdp.AttrPartyUUID, elgOrg.PartyUUID.String())

	eventually(t, "listeners", func() bool { return a.PDP.Listening() && b.PDP.Listening() })
	for _, s := range []*apptest.Server{a, b} {
		if r := decide(t, s, "", sign); r.Decision != pdp.NotApplicable {
			t.Fatalf("before delegation: %s", r.Decision)
		}
	}
	if err := a.SystemUsers.AddClient(ctx, id, elg, accountant); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*apptest.Server{a, b} {
		eventually(t, "Permit after client delegation", func() bool { return decide(t, s, "", sign).Decision == pdp.Permit })
	}
	r := decide(t, b, "", sign)
	if r.Trace.Grant == nil || !strings.Contains(r.Trace.Grant.Source, "client "+elg) || len(r.Obligations) != 1 || r.Obligations[0].AttributeAssignment[0].Value != "3" {
		t.Errorf("permit via client delegation: %+v, obligations %+v", r.Trace, r.Obligations)
	}
	// Not for a client that was not delegated, nor for the facilitator.
	if d := decide(t, b, "", xacml(pdp.AttrSystemUserUUID, su, "sign", "ske-mva-melding", pdp.AttrOrgID, rev)).Decision; d != pdp.NotApplicable {
		t.Errorf("other client: %s", d)
	}
	if d := decide(t, b, "", xacml(pdp.AttrSystemUserUUID, su, "sign", "ske-mva-melding", pdp.AttrOrgID, accountant)).Decision; d != pdp.NotApplicable {
		t.Errorf("facilitator itself: %s", d)
	}
	// B now has the system user cached; revoke on A.
	before := b.PDP.Stats()
	decide(t, b, "", sign)
	if after := b.PDP.Stats(); after.Hits <= before.Hits {
		t.Fatalf("instance B does not serve from its cache: %+v → %+v", before, after)
	}
	if err := a.SystemUsers.RemoveClient(ctx, id, elg, accountant); err != nil {
		t.Fatal(err)
	}
	eventually(t, "NotApplicable on B after revocation on A", func() bool { return decide(t, b, "", sign).Decision == pdp.NotApplicable })
}

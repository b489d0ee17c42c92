package systemusers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

// amResource is read by the package the firm's REGN role gives.
const amResource = `
resources:
  - identifier: am-regnskap
    title: {nb: Regnskap, nn: Regnskap, en: Accounts}
    description: {nb: Regnskap, nn: Regnskap, en: Accounts}
    resourceType: GenericAccessResource
    hasCompetentAuthority: {organization: "991825827", orgcode: digdir, name: {nb: Digdir, nn: Digdir, en: Digdir}}
    policy:
      rules:
        - subjects: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet]
          actions: [read]
`

const (
	amBase     = "/accessmanagement/api/v1/enduser/clientdelegations"
	secondCl   = "314168267" // the firm's second REGN client
	medSign    = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"
	medSignID  = "955d5779-3e2b-4098-b11d-0431dc41ddbe"
	lonn       = "urn:altinn:accesspackage:regnskapsforer-lonn"
	revisorPkg = "urn:altinn:accesspackage:ansvarlig-revisor"
)

// decideOn asks the PDP whether the system user may read am-regnskap for
// org.
func decideOn(t *testing.T, srv *apptest.Server, systemUser, org string) string {
	t.Helper()
	q := `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":"` + systemUser + `"}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read"}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"am-regnskap"},
			{"AttributeId":"urn:altinn:organization:identifier-no","Value":"` + org + `"}]}]}}`
	st, _, body := srv.Do(t, http.MethodPost, "/authorization/api/v1/decision", "", q)
	var out struct {
		Response []struct{ Decision string } `json:"response"`
	}
	if st != http.StatusOK || json.Unmarshal(body, &out) != nil || len(out.Response) != 1 {
		t.Fatalf("PDP: %d %s", st, body)
	}
	return out.Response[0].Decision
}

func batch(role string, pkgs ...string) map[string]any {
	return map[string]any{"values": []map[string]any{{"role": role, "packages": pkgs}}}
}

type amAgentPage struct {
	Data []struct {
		Client struct {
			OrganizationIdentifier string `json:"organizationIdentifier"`
		} `json:"client"`
		Access []struct {
			Role struct {
				Code string `json:"code"`
			} `json:"role"`
			Packages []struct {
				URN string `json:"urn"`
			} `json:"packages"`
		} `json:"access"`
	} `json:"data"`
}

// TestAMDelegateFlow follows ClientDelegationControllerTest's
// DelegateAccessPackageToAgent_WithValidInput_ReturnsOk
// (Altinn/altinn-access-management): the facilitator delegates a client's
// package to its agent system user through Access Management; AM's and
// Authentication's reads show it, the PDP Permits the agent for the
// client; removed, the PDP answers NotApplicable again.
func TestAMDelegateFlow(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	seedHTTP(t, e.srv, amResource)
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read", "altinn:clientdelegations.write"}})
	client, err := e.srv.Parties.Org(t.Context(), secondCl)
	if err != nil {
		t.Fatal(err)
	}
	q := "?party=" + e.firmUUID + "&from=" + client.PartyUUID.String() + "&to=" + e.egen
	if d := decideOn(t, e.srv, e.egen, secondCl); d != "NotApplicable" {
		t.Fatalf("before: %s", d)
	}
	for range 2 { // idempotent
		var out []struct {
			RoleID, PackageID, ViaID, FromID, ToID string
		}
		if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents/accesspackages"+q, tok, batch("regnskapsforer", medSign), &out); st != http.StatusOK ||
			len(out) != 1 || out[0].RoleID != "46e27685-b3ba-423e-8b42-faab54de5817" || out[0].PackageID != medSignID ||
			out[0].ViaID != e.firmUUID || out[0].FromID != client.PartyUUID.String() || out[0].ToID != e.egen {
			t.Fatalf("delegate: %d %+v", st, out)
		}
	}
	var page amAgentPage
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents/accesspackages?party="+e.firmUUID+"&to="+e.egen, tok, nil, &page); st != http.StatusOK ||
		len(page.Data) != 1 || page.Data[0].Client.OrganizationIdentifier != secondCl || len(page.Data[0].Access) != 1 ||
		page.Data[0].Access[0].Role.Code != "regnskapsforer" || len(page.Data[0].Access[0].Packages) != 1 || page.Data[0].Access[0].Packages[0].URN != medSign {
		t.Fatalf("AM read: %d %+v", st, page)
	}
	// Authentication's view of the agent's clients is the same data.
	st, _, body := e.srv.Do(t, http.MethodGet, "/authentication/api/v1/enduser/systemuser/clients?agent="+e.egen, tok, nil)
	if st != http.StatusOK || !strings.Contains(string(body), secondCl) {
		t.Fatalf("authentication read: %d %s", st, body)
	}
	if d := decideOn(t, e.srv, e.egen, secondCl); d != "Permit" {
		t.Fatalf("after delegation: %s", d)
	}
	// Another client is not delegated.
	if d := decideOn(t, e.srv, e.egen, "310385980"); d != "NotApplicable" {
		t.Fatalf("other client: %s", d)
	}
	// A second package joins the same delegation; removing it leaves the first.
	if st, _, body := e.srv.Do(t, http.MethodPost, amBase+"/agents/accesspackages"+q, tok, batch("regnskapsforer", lonn)); st != http.StatusOK {
		t.Fatalf("second package: %d %s", st, body)
	}
	var removed []struct{ PackageID, FromID, ToID string }
	if st := e.srv.DoJSON(t, http.MethodDelete, amBase+"/agents/accesspackages"+q, tok, batch("regnskapsforer", lonn), &removed); st != http.StatusOK ||
		len(removed) != 1 || removed[0].PackageID == medSignID || removed[0].PackageID == "" || removed[0].FromID != client.PartyUUID.String() || removed[0].ToID != e.egen {
		t.Fatalf("remove second: %d %+v", st, removed)
	}
	if d := decideOn(t, e.srv, e.egen, secondCl); d != "Permit" {
		t.Fatalf("after removing the other package: %s", d)
	}
	for i := range 2 { // idempotent: the second removes nothing
		removed = nil
		if st := e.srv.DoJSON(t, http.MethodDelete, amBase+"/agents/accesspackages"+q, tok, batch("regnskapsforer", medSign), &removed); st != http.StatusOK ||
			len(removed) != 1-i || (i == 0 && removed[0].PackageID != medSignID) {
			t.Fatalf("remove %d: %d %+v", i, st, removed)
		}
	}
	if d := decideOn(t, e.srv, e.egen, secondCl); d != "NotApplicable" {
		t.Fatalf("after removal: %s", d)
	}
	page.Data = nil
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents/accesspackages?party="+e.firmUUID+"&to="+e.egen, tok, nil, &page); st != http.StatusOK || len(page.Data) != 0 {
		t.Fatalf("AM read after removal: %d %+v", st, page)
	}
}

// TestAMDelegateErrors: the writes' answers to bad input, each leaving
// nothing behind: the platform's validation codes for a package the role
// does not give (AM.VLD-00026, one per package, as
// DelegateAccessPackageToAgent_WithPackageClientHaventDelegatedToParty),
// an unknown package, an agent the facilitator has no assignment for, an
// unknown client (AM.VLD-00006 at $QUERY/from), a role the facilitator
// does not hold on the client (AM.VLD-00032 per value at its role; DELETE
// passes over it, as upstream's RemoveAgentDelegation, answering []);
// model-state 400s for bad query values; 401/403.
func TestAMDelegateErrors(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read", "altinn:clientdelegations.write"}})
	readOnly := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read"}})
	client, _ := e.srv.Parties.Org(t.Context(), secondCl)
	tiger, _ := e.srv.Parties.Org(t.Context(), "313725138")
	cl := client.PartyUUID.String()
	q := func(party, from, to string) string { return "?party=" + party + "&from=" + from + "&to=" + to }
	good := q(e.firmUUID, cl, e.egen)
	unknown := uuid.NewString()
	notHeld := "Role is not assigned to '" + e.firmUUID + "' from '"
	cases := []struct {
		name, q, bearer string
		body            any
		status          int
		codes           []string
		delStatus       int // DELETE's status where it differs; then codes are POST's only
	}{
		{"no token", good, "", batch("regnskapsforer", medSign), http.StatusUnauthorized, nil, 0},
		{"read scope only", good, readOnly, batch("regnskapsforer", medSign), http.StatusForbidden, nil, 0},
		{"portal scope only", good, e.token, batch("regnskapsforer", medSign), http.StatusForbidden, nil, 0},
		{"a party not managed", q(tiger.PartyUUID.String(), cl, e.egen), tok, batch("regnskapsforer", medSign), http.StatusForbidden, nil, 0},
		{"an unknown party", q(uuid.NewString(), cl, e.egen), tok, batch("regnskapsforer", medSign), http.StatusForbidden, nil, 0},
		{"party not a uuid", q("x", cl, e.egen), tok, batch("regnskapsforer", medSign), http.StatusBadRequest, nil, 0},
		{"from not a uuid", q(e.firmUUID, "x", e.egen), tok, batch("regnskapsforer", medSign), http.StatusBadRequest, []string{`"from"`}, 0},
		{"no to", q(e.firmUUID, cl, ""), tok, batch("regnskapsforer", medSign), http.StatusBadRequest, []string{`"to"`}, 0},
		{"no body", good, tok, nil, http.StatusBadRequest, nil, 0},
		{"body not json", good, tok, "{", http.StatusBadRequest, nil, 0},
		{"empty values", good, tok, map[string]any{"values": []any{}}, http.StatusBadRequest, []string{"AM.VLD-00023"}, 0},
		{"unknown agent", q(e.firmUUID, cl, uuid.NewString()), tok, batch("regnskapsforer", medSign), http.StatusBadRequest, []string{"AM.VLD-00032", "QUERY/to"}, 0},
		{"a standard system user", q(e.firmUUID, cl, e.standard), tok, batch("regnskapsforer", medSign), http.StatusBadRequest, []string{"AM.VLD-00032", "QUERY/to"}, 0},
		{"unknown client", q(e.firmUUID, unknown, e.egen), tok, batch("regnskapsforer", medSign), http.StatusBadRequest,
			[]string{`"code":"AM.VLD-00006"`, `"paths":["$QUERY/from"]`, `"` + unknown + `":"entity do not exist."`}, 0},
		{"not a client", q(e.firmUUID, tiger.PartyUUID.String(), e.egen), tok, batch("regnskapsforer", medSign), http.StatusBadRequest,
			[]string{`"code":"AM.VLD-00032"`, `"paths":["/values[0]/role"]`,
				`"urn:altinn:external-role:ccr:regnskapsforer":"` + notHeld + tiger.PartyUUID.String() + `'."`}, http.StatusOK},
		{"not a client, two roles", q(e.firmUUID, tiger.PartyUUID.String(), e.egen), tok,
			map[string]any{"values": []map[string]any{{"role": "regnskapsforer", "packages": []string{medSign}}, {"role": "revisor", "packages": []string{revisorPkg}}}},
			http.StatusBadRequest, []string{`"paths":["/values[0]/role"]`, `"paths":["/values[1]/role"]`, "urn:altinn:external-role:ccr:revisor"}, http.StatusOK},
		{"a role not held", good, tok, batch("revisor", revisorPkg), http.StatusBadRequest,
			[]string{`"code":"AM.VLD-00032"`, `"paths":["/values[0]/role"]`, `"urn:altinn:external-role:ccr:revisor":"` + notHeld + cl + `'."`}, http.StatusOK},
		{"unknown package", good, tok, batch("regnskapsforer", "urn:altinn:accesspackage:finnes-ikke"), http.StatusBadRequest, []string{"AM.VLD-00030", `"/values[0]/packages[0]"`}, 0},
		{"packages the role does not give", good, tok, batch("regnskapsforer", medSign, revisorPkg, "urn:altinn:accesspackage:skatt-naering"), http.StatusBadRequest,
			[]string{"AM.VLD-00026", `"/values[0]/packages[1]"`, `"/values[0]/packages[2]"`}, 0},
	}
	for _, method := range []string{http.MethodPost, http.MethodDelete} {
		for _, c := range cases {
			st, _, body := e.srv.Do(t, method, amBase+"/agents/accesspackages"+c.q, c.bearer, c.body)
			want, codes := c.status, c.codes
			if method == http.MethodDelete && c.delStatus != 0 {
				want, codes = c.delStatus, nil
				if strings.TrimSpace(string(body)) != "[]" {
					t.Errorf("%s %s: want [], got %s", method, c.name, body)
				}
			}
			if st != want {
				t.Errorf("%s %s: %d %s", method, c.name, st, body)
			}
			for _, code := range codes {
				if !strings.Contains(string(body), code) {
					t.Errorf("%s %s: %s lacks %s", method, c.name, body, code)
				}
			}
			if c.name == "packages the role does not give" && strings.Count(string(body), "AM.VLD-00026") != 2 {
				t.Errorf("%s %s: want one error per package: %s", method, c.name, body)
			}
			if c.name == "not a client, two roles" && method == http.MethodPost && strings.Count(string(body), "AM.VLD-00032") != 2 {
				t.Errorf("%s %s: want one error per role: %s", method, c.name, body)
			}
		}
	}
	// Nothing was written.
	var page amAgentPage
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents/accesspackages?party="+e.firmUUID+"&to="+e.egen, tok, nil, &page); st != http.StatusOK || len(page.Data) != 0 {
		t.Fatalf("after errors: %d %+v", st, page)
	}
}

// TestAMAgents: the party's agents as Access Management lists them, here
// its agent system users, each with the agent role.
func TestAMAgents(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read"}})
	var page struct {
		Links struct {
			Next *string `json:"next"`
		} `json:"links"`
		Data []struct {
			Agent struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"agent"`
			Access []struct {
				Role struct {
					ID   string `json:"id"`
					Code string `json:"code"`
				} `json:"role"`
			} `json:"access"`
		} `json:"data"`
	}
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents?party="+e.firmUUID, tok, nil, &page); st != http.StatusOK || len(page.Data) != 2 || page.Links.Next != nil {
		t.Fatalf("agents: %d %+v", st, page)
	}
	ids := map[string]bool{}
	for _, a := range page.Data {
		ids[a.Agent.ID] = true
		if len(a.Access) != 1 || a.Access[0].Role.Code != "agent" || a.Access[0].Role.ID != "ff4c33f5-03f7-4445-85ed-1e60b8aafb30" {
			t.Errorf("agent %+v", a)
		}
	}
	if !ids[e.byra] || !ids[e.egen] || ids[e.standard] {
		t.Errorf("agents %v, want byra and egen", ids)
	}
	tiger, _ := e.srv.Parties.Org(t.Context(), "313725138")
	for name, c := range map[string]struct {
		q, bearer string
		status    int
	}{
		"no token":            {"?party=" + e.firmUUID, "", http.StatusUnauthorized},
		"portal scope only":   {"?party=" + e.firmUUID, e.token, http.StatusForbidden},
		"no party":            {"", tok, http.StatusBadRequest},
		"party not a uuid":    {"?party=abc", tok, http.StatusBadRequest},
		"a party not managed": {"?party=" + tiger.PartyUUID.String(), tok, http.StatusForbidden},
		"an unknown party":    {"?party=" + uuid.NewString(), tok, http.StatusForbidden},
	} {
		if st, _, body := e.srv.Do(t, http.MethodGet, amBase+"/agents"+c.q, c.bearer, nil); st != c.status {
			t.Errorf("%s: %d %s", name, st, body)
		}
	}
}

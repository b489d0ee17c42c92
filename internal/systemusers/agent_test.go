package systemusers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

// agentSeed: the accounting firm Regnskapshuset Simulert AS (312605031,
// party 50000009, DAGL Regine Regnskap 18857841030) holds REGN on two
// clients. It has an agent system user for its clients, one carrying
// skatt-naering (delegable, and assignable, as in the upstream
// SystemUserControllerTest self-delegation tests), and a standard one.
const agentSeed = `
systems:
  - id: 991825827_byra
    vendor: "991825827"
    name: Byrå
    description: Byrå
    accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet]
    isVisible: false
  - id: 991825827_egen
    vendor: "991825827"
    name: Egen
    description: Egen
    accessPackages: [urn:altinn:accesspackage:skatt-naering]
    isVisible: false
  - id: 991825827_std
    vendor: "991825827"
    name: Standard
    description: Standard
    accessPackages: [urn:altinn:accesspackage:skatt-naering]
systemUsers:
  - {system: 991825827_std, org: "312605031", approvedBy: "18857841030"}
agentSystemUsers:
  - {system: 991825827_byra, facilitator: "312605031", approvedBy: "18857841030", clients: ["310385980"]}
  - {system: 991825827_egen, facilitator: "312605031", approvedBy: "18857841030"}
`

const (
	firmParty = "50000009"
	firmPID   = "18857841030"
)

type agentEnv struct {
	srv                  *apptest.Server
	token                string // the firm's manager, portal scope
	byra, egen, standard string // system user ids
	firmUUID             string
}

func newAgentEnv(t *testing.T) agentEnv {
	t.Helper()
	srv := apptest.Start(t)
	seedHTTP(t, srv, agentSeed)
	e := agentEnv{srv: srv, token: srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:portal/enduser"}})}
	for id, out := range map[string]*string{"991825827_byra": &e.byra, "991825827_egen": &e.egen, "991825827_std": &e.standard} {
		u, err := srv.SystemUsers.ByTriple(t.Context(), nil, id, firm, "")
		if err != nil {
			t.Fatal(err)
		}
		*out = u.ID.String()
	}
	org, err := srv.Parties.Org(t.Context(), firm)
	if err != nil {
		t.Fatal(err)
	}
	e.firmUUID = org.PartyUUID.String()
	return e
}

// TestFacilitatorClients follows SystemUserControllerTest's
// AgentSystemUser_GetClients_* (Altinn/altinn-authentication): the
// facilitator's clients with the packages each role gives, filtered by
// package (URN or last segment); no token 401; a facilitator the caller
// may not administer 403.
func TestFacilitatorClients(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	path := func(q string) string { return "/authentication/api/v1/systemuser/agent/" + firmParty + "/clients" + q }
	var list []struct {
		PartyUUID              uuid.UUID `json:"partyUuid"`
		DisplayName            string    `json:"displayName"`
		OrganizationIdentifier string    `json:"organizationIdentifier"`
		Access                 []struct {
			Role     string   `json:"role"`
			Packages []string `json:"packages"`
		} `json:"access"`
	}
	if st := e.srv.DoJSON(t, http.MethodGet, path("?facilitator="+e.firmUUID), e.token, nil, &list); st != http.StatusOK || len(list) != 2 {
		t.Fatalf("clients: %d %+v", st, list)
	}
	c := list[0]
	if c.OrganizationIdentifier != "310385980" || c.DisplayName != "Fattig Forsiktig Elg AS" || c.PartyUUID == uuid.Nil ||
		len(c.Access) != 1 || c.Access[0].Role != "urn:altinn:external-role:ccr:regnskapsforer" ||
		!strings.Contains(strings.Join(c.Access[0].Packages, " "), "urn:altinn:accesspackage:regnskapsforer-lonn") {
		t.Fatalf("client %+v", c)
	}
	for q, want := range map[string]int{
		"&packages=regnskapsforer-lonn&packages=regnskapsforer-med-signeringsrettighet": 2,
		"&packages=URN:ALTINN:ACCESSPACKAGE:REGNSKAPSFORER-LONN":                        2,
		"&packages=ansvarlig-revisor":                                                   0,
	} {
		st, _, body := e.srv.Do(t, http.MethodGet, path("?facilitator="+e.firmUUID+q), e.token, nil)
		var got []json.RawMessage
		if st != http.StatusOK || json.Unmarshal(body, &got) != nil || len(got) != want {
			t.Errorf("%s: %d %s, want %d clients", q, st, body, want)
		}
	}

	tiger, _ := e.srv.Parties.Org(t.Context(), "313725138")
	cases := []struct {
		name, q, bearer string
		status          int
		code            string
	}{
		{"no token", "?facilitator=" + e.firmUUID, "", http.StatusUnauthorized, ""},
		{"no facilitator", "", e.token, http.StatusBadRequest, "AUTH-00000"},
		{"facilitator not a uuid", "?facilitator=abc", e.token, http.StatusBadRequest, ""},
		{"unknown facilitator", "?facilitator=" + uuid.NewString(), e.token, http.StatusBadRequest, "AUTH-00045"},
		{"facilitator the caller may not administer", "?facilitator=" + tiger.PartyUUID.String(), e.token, http.StatusForbidden, "AUTH-00044"},
	}
	for _, c := range cases {
		st, _, body := e.srv.Do(t, http.MethodGet, path(c.q), c.bearer, nil)
		if st != c.status || !strings.Contains(string(body), c.code) {
			t.Errorf("%s: %d %s", c.name, st, body)
		}
	}
	// A party the caller may not manage: a bare 403.
	if st, _, body := e.srv.Do(t, http.MethodGet, "/authentication/api/v1/systemuser/agent/50000003/clients?facilitator="+e.firmUUID, e.token, nil); st != http.StatusForbidden || len(body) != 0 {
		t.Errorf("other party: %d %s", st, body)
	}
}

// decide asks the PDP whether the system user may read
// ske-krav-og-betalinger (skatt-naering permits) for org, with the trace.
func decide(t *testing.T, srv *apptest.Server, systemUser, org string) (string, string) {
	t.Helper()
	q := `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":"` + systemUser + `"}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read"}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"ske-krav-og-betalinger"},
			{"AttributeId":"urn:altinn:organization:identifier-no","Value":"` + org + `"}]}]}}`
	st, _, body := srv.Do(t, http.MethodPost, "/authorization/api/v1/decision?explain=true", "", q)
	var out struct {
		Response []struct{ Decision string } `json:"response"`
	}
	if st != http.StatusOK || json.Unmarshal(body, &out) != nil || len(out.Response) != 1 {
		t.Fatalf("PDP: %d %s", st, body)
	}
	return out.Response[0].Decision, string(body)
}

// TestSelfDelegation follows SystemUserControllerTest's
// AgentSystemUser_DelegateSelf/RevokeSelf/IsSelfDelegated tests
// (Altinn/altinn-authentication): the owner delegates its agent
// system user's packages to it, the system user then acts for the owner
// (the PDP's trace says why), and the owner takes them back.
func TestSelfDelegation(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	self := func(id, partyUUID string) string {
		return "/authentication/api/v1/systemuser/agent/" + firmParty + "/" + id + "/self/?partyUuid=" + url.QueryEscape(partyUUID)
	}
	call := func(method, p string) (int, string) {
		st, _, body := e.srv.Do(t, method, p, e.token, nil)
		return st, string(body)
	}
	if st, body := call(http.MethodGet, self(e.egen, e.firmUUID)); st != http.StatusOK || body != "false" {
		t.Fatalf("before: %d %s", st, body)
	}
	if d, _ := decide(t, e.srv, e.egen, firm); d != "NotApplicable" {
		t.Fatalf("decision before: %s", d)
	}
	for range 2 { // idempotent
		if st, body := call(http.MethodPost, self(e.egen, e.firmUUID)); st != http.StatusOK || body != "true" {
			t.Fatalf("delegate: %d %s", st, body)
		}
	}
	if st, body := call(http.MethodGet, self(e.egen, e.firmUUID)); st != http.StatusOK || body != "true" {
		t.Fatalf("after: %d %s", st, body)
	}
	if d, trace := decide(t, e.srv, e.egen, firm); d != "Permit" || !strings.Contains(trace, "self-delegation") {
		t.Fatalf("decision after: %s %s", d, trace)
	}
	// Not for a client: the self-delegation is for the owner only.
	if d, _ := decide(t, e.srv, e.egen, "310385980"); d != "NotApplicable" {
		t.Fatalf("decision for a client: %s", d)
	}
	for range 2 {
		if st, body := call(http.MethodDelete, self(e.egen, e.firmUUID)); st != http.StatusOK || body != "true" {
			t.Fatalf("revoke: %d %s", st, body)
		}
	}
	if st, body := call(http.MethodGet, self(e.egen, e.firmUUID)); st != http.StatusOK || body != "false" {
		t.Fatalf("after revoke: %d %s", st, body)
	}
	if d, _ := decide(t, e.srv, e.egen, firm); d != "NotApplicable" {
		t.Fatalf("decision after revoke: %s", d)
	}
	// A standard system user holds what it was given at approval.
	if st, body := call(http.MethodGet, self(e.standard, e.firmUUID)); st != http.StatusOK || body != "true" {
		t.Fatalf("standard: %d %s", st, body)
	}

	tigerToken := e.srv.TestToken(t, map[string]any{"type": "person", "pid": "12857841016", "scopes": []string{"altinn:portal/enduser"}})
	unknown := uuid.NewString()
	cases := []struct {
		name, method, path, bearer string
		status                     int
		has                        string
	}{
		{"no token", http.MethodPost, self(e.egen, e.firmUUID), "", http.StatusUnauthorized, ""},
		{"unknown system user", http.MethodPost, self(unknown, e.firmUUID), e.token, http.StatusBadRequest, `"return":["SystemUser with Id ` + unknown + ` Not Found"]`},
		{"unknown system user (GET)", http.MethodGet, self(unknown, e.firmUUID), e.token, http.StatusBadRequest, "Not Found"},
		{"unknown system user (DELETE)", http.MethodDelete, self(unknown, e.firmUUID), e.token, http.StatusBadRequest, "Not Found"},
		{"system user id not a uuid", http.MethodPost, self("abc", e.firmUUID), e.token, http.StatusBadRequest, `"systemUserId"`},
		{"partyUuid not a uuid", http.MethodPost, self(e.egen, "abc"), e.token, http.StatusBadRequest, `"partyUuid"`},
		{"partyUuid of another party", http.MethodPost, self(e.egen, uuid.NewString()), e.token, http.StatusBadRequest, "SIM.VLD-00120"},
		{"a standard system user", http.MethodPost, self(e.standard, e.firmUUID), e.token, http.StatusBadRequest, "AUTH-00034"},
		{"revoke on a standard system user", http.MethodDelete, self(e.standard, e.firmUUID), e.token, http.StatusBadRequest, "AUTH-00034"},
		{"client-only packages", http.MethodPost, self(e.byra, e.firmUUID), e.token, http.StatusBadRequest, `"NotDelegablePackages":"urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"`},
		{"another party's manager", http.MethodPost, "/authentication/api/v1/systemuser/agent/50000003/" + e.egen + "/self?partyUuid=" + e.firmUUID, tigerToken, http.StatusForbidden, ""},
	}
	for _, c := range cases {
		st, _, body := e.srv.Do(t, c.method, c.path, c.bearer, nil)
		if st != c.status || !strings.Contains(string(body), c.has) {
			t.Errorf("%s: %d %s", c.name, st, body)
		}
	}
	// Nothing was delegated by the refused calls.
	if st, body := call(http.MethodGet, self(e.byra, e.firmUUID)); st != http.StatusOK || body != "false" {
		t.Fatalf("after refusals: %d %s", st, body)
	}
}

// TestSeedSelfDelegation: a seed file's self: true delegates, and the same
// file without it takes the delegation back.
func TestSeedSelfDelegation(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	const line = `{system: 991825827_egen, facilitator: "312605031", approvedBy: "18857841030"}`
	withSelf := strings.Replace(agentSeed, line, `{system: 991825827_egen, facilitator: "312605031", approvedBy: "18857841030", self: true}`, 1)
	id := uuid.MustParse(e.egen)
	seedHTTP(t, e.srv, withSelf)
	if pk, err := e.srv.SystemUsers.SelfPackages(t.Context(), id); err != nil || len(pk) != 1 || pk[0] != "urn:altinn:accesspackage:skatt-naering" {
		t.Fatalf("seeded self: %v %v", pk, err)
	}
	if d, _ := decide(t, e.srv, e.egen, firm); d != "Permit" {
		t.Fatalf("decision: %s", d)
	}
	seedHTTP(t, e.srv, agentSeed)
	if pk, err := e.srv.SystemUsers.SelfPackages(t.Context(), id); err != nil || len(pk) != 0 {
		t.Fatalf("seeded without self: %v %v", pk, err)
	}
}

// keysOf lists a JSON object's members, recursively into the first item
// of arrays, as "a.b" paths, names as written: Access Management's
// CompactRoleDto names its legacy URN "legacyurn " with a space, and so
// must the emulator.
func keysOf(prefix string, v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			p := prefix + k
			out[p] = true
			keysOf(p+".", val, out)
		}
	case []any:
		if len(x) > 0 {
			keysOf(prefix, x[0], out)
		}
	}
}

// TestAMClients: Access Management's clients list answers in the shape
// Authentication's tests mock it with (testdata/am_clients.json, see
// SOURCES.md), with Access Management's role and package ids; roles=
// filters by role; the party must be one the caller manages.
func TestAMClients(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read"}})
	const path = "/accessmanagement/api/v1/enduser/clientdelegations/clients"
	st, _, body := e.srv.Do(t, http.MethodGet, path+"?party="+e.firmUUID, tok, nil)
	if st != http.StatusOK {
		t.Fatalf("clients: %d %s", st, body)
	}
	var got, want any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/am_clients.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	gk, wk := map[string]bool{}, map[string]bool{}
	keysOf("", got, gk)
	keysOf("", want, wk)
	for k := range wk {
		if !gk[k] {
			t.Errorf("answer lacks %s", k)
		}
	}
	for k := range gk {
		if !wk[k] {
			t.Errorf("answer has %s, which the upstream shape has not", k)
		}
	}
	var page struct {
		Data []struct {
			Client struct {
				ID                     uuid.UUID `json:"id"`
				OrganizationIdentifier string    `json:"organizationIdentifier"`
				Variant                string    `json:"variant"`
			} `json:"client"`
			Access []struct {
				Role struct {
					ID   string `json:"id"`
					Code string `json:"code"`
				} `json:"role"`
				Packages []struct {
					ID  string `json:"id"`
					URN string `json:"urn"`
				} `json:"packages"`
			} `json:"access"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &page); err != nil || len(page.Data) != 2 {
		t.Fatalf("page %s %v", body, err)
	}
	c := page.Data[0]
	if c.Client.OrganizationIdentifier != "310385980" || c.Client.Variant != "AS" || len(c.Access) != 1 ||
		c.Access[0].Role.ID != "46e27685-b3ba-423e-8b42-faab54de5817" || c.Access[0].Role.Code != "regnskapsforer" {
		t.Fatalf("client %+v", c)
	}
	// The package ids are the catalogue's (Access Management's).
	var med string
	for _, p := range c.Access[0].Packages {
		if p.URN == "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet" {
			med = p.ID
		}
	}
	if med != "955d5779-3e2b-4098-b11d-0431dc41ddbe" {
		t.Fatalf("package ids %+v", c.Access[0].Packages)
	}
	for q, n := range map[string]int{"&roles=regnskapsforer": 2, "&roles=revisor": 0, "&roles=urn:altinn:external-role:ccr:regnskapsforer": 2} {
		var p struct {
			Data []json.RawMessage `json:"data"`
		}
		if st := e.srv.DoJSON(t, http.MethodGet, path+"?party="+e.firmUUID+q, tok, nil, &p); st != http.StatusOK || len(p.Data) != n {
			t.Errorf("%s: %d, %d clients, want %d", q, st, len(p.Data), n)
		}
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
		if st, _, body := e.srv.Do(t, http.MethodGet, path+c.q, c.bearer, nil); st != c.status {
			t.Errorf("%s: %d %s", name, st, body)
		}
	}
}

// TestAMAgentPackages: what the facilitator delegated to its agent system
// user, per client, as Access Management's agents/accesspackages answers
// (what Authentication reads for GetClientDelegationsForAgent).
func TestAMAgentPackages(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read"}})
	path := func(to string) string {
		return "/accessmanagement/api/v1/enduser/clientdelegations/agents/accesspackages?party=" + e.firmUUID + "&to=" + to
	}
	var page struct {
		Links struct {
			Next *string `json:"next"`
		} `json:"links"`
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
	if st := e.srv.DoJSON(t, http.MethodGet, path(e.byra), tok, nil, &page); st != http.StatusOK || len(page.Data) != 1 || page.Links.Next != nil {
		t.Fatalf("agent packages: %d %+v", st, page)
	}
	d := page.Data[0]
	if d.Client.OrganizationIdentifier != "310385980" || len(d.Access) != 1 || d.Access[0].Role.Code != "regnskapsforer" ||
		len(d.Access[0].Packages) != 1 || d.Access[0].Packages[0].URN != "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet" {
		t.Fatalf("delegation %+v", d)
	}
	// No clients, another party's or no system user: none.
	for _, to := range []string{e.egen, e.standard, uuid.NewString()} {
		page.Data = nil
		if st := e.srv.DoJSON(t, http.MethodGet, path(to), tok, nil, &page); st != http.StatusOK || len(page.Data) != 0 {
			t.Errorf("to %s: %d %+v", to, st, page)
		}
	}
	for name, c := range map[string]struct {
		p, bearer string
		status    int
	}{
		"no token":    {path(e.byra), "", http.StatusUnauthorized},
		"no to":       {path(""), tok, http.StatusBadRequest},
		"to not uuid": {path("x"), tok, http.StatusBadRequest},
		"other party": {"/accessmanagement/api/v1/enduser/clientdelegations/agents/accesspackages?party=" + uuid.NewString() + "&to=" + e.byra, tok, http.StatusForbidden},
	} {
		if st, _, body := e.srv.Do(t, http.MethodGet, c.p, c.bearer, nil); st != c.status {
			t.Errorf("%s: %d %s", name, st, body)
		}
	}
}

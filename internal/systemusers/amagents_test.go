package systemusers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The person agents: Kari Uten Roller (no roles anywhere) and Hanne Hare.
const (
	kariPID   = "21857841058"
	kariLast  = "Roller"
	hannePID  = "15857841023"
	unusedPID = "22857841097" // valid check digits, no such person
)

func person(pid, last string) map[string]string {
	return map[string]string{"personIdentifier": pid, "lastName": last}
}

type amAgentsPage struct {
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
	Data []struct {
		Agent struct {
			ID               string  `json:"id"`
			Name             string  `json:"name"`
			Type             string  `json:"type"`
			Variant          string  `json:"variant"`
			PartyID          int64   `json:"partyid"`
			UserID           *int64  `json:"userId"`
			PersonIdentifier *string `json:"personIdentifier"`
		} `json:"agent"`
		AgentAddedAt time.Time `json:"agentAddedAt"`
		Access       []struct {
			Role struct {
				ID   string `json:"id"`
				Code string `json:"code"`
			} `json:"role"`
			Packages []struct {
				URN string `json:"urn"`
			} `json:"packages"`
			Resources []any `json:"resources"`
		} `json:"access"`
	} `json:"data"`
}

type amAssignmentOut struct {
	ID, RoleID, FromID, ToID string
}

// TestAMPersonAgentFlow follows ClientDelegationControllerTest
// (Altinn/altinn-access-management, MIT): DeleteAgent's
// RemoveAgentWithExistingDelegations_WithCascadeFalse_ReturnsBadRequest and
// DelegateAccessPackageToAgentWithCCRRole's two agents read back through
// GET …/clients/accesspackages. The firm makes Kari its agent (by national
// identity number and last name), delegates her a client's package,
// which every read shows; removing her without cascade is refused and
// changes nothing, with cascade she and her delegation go together.
func TestAMPersonAgentFlow(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read", "altinn:clientdelegations.write"}})
	kari, err := e.srv.Parties.Person(t.Context(), kariPID)
	if err != nil {
		t.Fatal(err)
	}
	kariID := kari.PartyUUID.String()
	client, _ := e.srv.Parties.Org(t.Context(), secondCl)
	cl := client.PartyUUID.String()

	// Not yet an agent: delegating to her is a missing assignment, at
	// "$QUERY/to" with the agent role's URN (DelegateAccessPackageToAgent).
	q := "?party=" + e.firmUUID + "&from=" + cl + "&to=" + kariID
	if st, _, body := e.srv.Do(t, http.MethodPost, amBase+"/agents/accesspackages"+q, tok, batch("regnskapsforer", medSign)); st != http.StatusBadRequest ||
		!strings.Contains(string(body), "AM.VLD-00032") || !strings.Contains(string(body), `"paths":["$QUERY/to"]`) ||
		!strings.Contains(string(body), `"urn:altinn:role:agent":"Role is not assigned to '`+kariID+`' from '`+e.firmUUID+`'."`) {
		t.Fatalf("before she is an agent: %d %s", st, body)
	}

	var first, again amAssignmentOut
	if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents?party="+e.firmUUID, tok, person(kariPID, "roller"), &first); st != http.StatusOK ||
		first.ID == "" || first.RoleID != "ff4c33f5-03f7-4445-85ed-1e60b8aafb30" || first.FromID != e.firmUUID || first.ToID != kariID {
		t.Fatalf("add agent: %d %+v", st, first)
	}
	if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents?party="+e.firmUUID, tok, person(kariPID, kariLast), &again); st != http.StatusOK || again != first {
		t.Fatalf("add again: %d %+v, want %+v", st, again, first)
	}

	var agents amAgentsPage
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents?party="+e.firmUUID, tok, nil, &agents); st != http.StatusOK || len(agents.Data) != 3 {
		t.Fatalf("agents: %d %+v", st, agents)
	}
	k := agents.Data[2] // after the two agent system users
	if k.Agent.ID != kariID || k.Agent.Type != "Person" || k.Agent.Variant != "Person" || k.Agent.Name != "Kari Uten Roller" ||
		k.Agent.PersonIdentifier == nil || *k.Agent.PersonIdentifier != kariPID || k.Agent.UserID == nil || *k.Agent.UserID != kari.UserID ||
		k.Agent.PartyID != kari.PartyID || k.AgentAddedAt.IsZero() ||
		len(k.Access) != 1 || k.Access[0].Role.Code != "agent" || len(k.Access[0].Packages) != 0 || k.Access[0].Resources == nil {
		t.Fatalf("person agent %+v", k)
	}

	// Her delegation, and the agent system user's of the same client.
	var given []struct{ RoleID, PackageID, ViaID, FromID, ToID string }
	if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents/accesspackages"+q, tok, batch("regnskapsforer", medSign, lonn), &given); st != http.StatusOK ||
		len(given) != 2 || given[0].ToID != kariID || given[0].FromID != cl || given[0].ViaID != e.firmUUID || given[0].PackageID != medSignID {
		t.Fatalf("delegate to her: %d %+v", st, given)
	}
	if st, _, body := e.srv.Do(t, http.MethodPost, amBase+"/agents/accesspackages?party="+e.firmUUID+"&from="+cl+"&to="+e.egen, tok, batch("regnskapsforer", medSign)); st != http.StatusOK {
		t.Fatalf("delegate to the agent system user: %d %s", st, body)
	}
	var toKari amAgentPage
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents/accesspackages?party="+e.firmUUID+"&to="+kariID, tok, nil, &toKari); st != http.StatusOK ||
		len(toKari.Data) != 1 || toKari.Data[0].Client.OrganizationIdentifier != secondCl || len(toKari.Data[0].Access) != 1 ||
		toKari.Data[0].Access[0].Role.Code != "regnskapsforer" || len(toKari.Data[0].Access[0].Packages) != 2 {
		t.Fatalf("her packages: %d %+v", st, toKari)
	}
	var fromClient amAgentsPage
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/clients/accesspackages?party="+e.firmUUID+"&from="+cl, tok, nil, &fromClient); st != http.StatusOK || len(fromClient.Data) != 2 {
		t.Fatalf("client's agents: %d %+v", st, fromClient)
	}
	for _, a := range fromClient.Data {
		want := map[string]int{e.egen: 1, kariID: 2}[a.Agent.ID]
		if want == 0 || len(a.Access) != 1 || a.Access[0].Role.Code != "regnskapsforer" || len(a.Access[0].Packages) != want {
			t.Errorf("client's agent %+v", a)
		}
	}
	// The other client was delegated (by the seed) to Byrå only; an
	// unknown client has nothing.
	var other amAgentsPage
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/clients/accesspackages?party="+e.firmUUID+"&from="+mustOrgUUID(t, e, "310385980"), tok, nil, &other); st != http.StatusOK ||
		len(other.Data) != 1 || other.Data[0].Agent.ID != e.byra || other.Data[0].Agent.Type != "Systembruker" {
		t.Errorf("the other client: %d %+v", st, other)
	}
	other.Data = nil
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/clients/accesspackages?party="+e.firmUUID+"&from="+uuid.NewString(), tok, nil, &other); st != http.StatusOK || len(other.Data) != 0 {
		t.Errorf("an unknown client: %d %+v", st, other)
	}

	// Without cascade she stays, with everything delegated to her.
	for _, c := range []string{"", "&cascade=false"} {
		st, _, body := e.srv.Do(t, http.MethodDelete, amBase+"/agents?party="+e.firmUUID+"&to="+kariID+c, tok, nil)
		var p struct {
			ValidationErrors []map[string]any `json:"validationErrors"`
		}
		// ClientDelegationService.RemoveAgent: "$QUERY/cascade", the
		// delegation's package ids in the message.
		if st != http.StatusBadRequest || json.Unmarshal(body, &p) != nil || len(p.ValidationErrors) != 1 ||
			p.ValidationErrors[0]["code"] != "AM.VLD-00031" || fmt.Sprint(p.ValidationErrors[0]["paths"]) != "[$QUERY/cascade]" {
			t.Fatalf("remove without cascade %q: %d %s", c, st, body)
		}
		if msg := fmt.Sprint(p.ValidationErrors[0]); !strings.Contains(msg, "packages <"+medSignID+", ") || strings.Contains(msg, "urn:altinn:accesspackage") {
			t.Fatalf("remove without cascade %q: %s, want the package ids", c, body)
		}
	}
	toKari.Data = nil
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents/accesspackages?party="+e.firmUUID+"&to="+kariID, tok, nil, &toKari); st != http.StatusOK || len(toKari.Data) != 1 {
		t.Fatalf("after the refused removal: %d %+v", st, toKari)
	}

	for range 2 { // the second finds no agent: still 204
		if st, _, body := e.srv.Do(t, http.MethodDelete, amBase+"/agents?party="+e.firmUUID+"&to="+kariID+"&cascade=true", tok, nil); st != http.StatusNoContent || len(body) != 0 {
			t.Fatalf("remove with cascade: %d %s", st, body)
		}
	}
	agents.Data = nil
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents?party="+e.firmUUID, tok, nil, &agents); st != http.StatusOK || len(agents.Data) != 2 {
		t.Fatalf("agents after removal: %d %+v", st, agents)
	}
	fromClient.Data = nil
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/clients/accesspackages?party="+e.firmUUID+"&from="+cl, tok, nil, &fromClient); st != http.StatusOK ||
		len(fromClient.Data) != 1 || fromClient.Data[0].Agent.ID != e.egen {
		t.Fatalf("client's agents after removal: %d %+v", st, fromClient)
	}
	// Added again, she starts with nothing: the delegation went with her.
	if st, _, body := e.srv.Do(t, http.MethodPost, amBase+"/agents?party="+e.firmUUID, tok, person(kariPID, kariLast)); st != http.StatusOK {
		t.Fatalf("add again: %d %s", st, body)
	}
	toKari.Data = nil
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents/accesspackages?party="+e.firmUUID+"&to="+kariID, tok, nil, &toKari); st != http.StatusOK || len(toKari.Data) != 0 {
		t.Fatalf("after re-adding: %d %+v", st, toKari)
	}
	var n int
	if err := e.srv.Pool.QueryRow(t.Context(), `SELECT count(*) FROM am_person_agent_delegations`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("delegation rows left: %d %v", n, err)
	}
}

func mustOrgUUID(t *testing.T, e agentEnv, orgNo string) string {
	t.Helper()
	o, err := e.srv.Parties.Org(t.Context(), orgNo)
	if err != nil {
		t.Fatal(err)
	}
	return o.PartyUUID.String()
}

// TestAMAgentErrors: POST and DELETE …/agents refuse what the platform
// refuses, leaving no agent behind: AddAgent's input validation
// (InputValidation.SanitizeToInput, Altinn/altinn-authorization-tmp, MIT:
// STD.VLD-00000 at QUERY/to, /PersonIdentifier and /LastName when neither
// is given, at each blank field of the PersonInput; AM.VLD-00034 for an
// unknown person or a wrong last name; AM.VLD-00006 at QUERY/to for a
// party not found or a person with no connection to the party), and the
// scopes and the party the caller must manage.
func TestAMAgentErrors(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read", "altinn:clientdelegations.write"}})
	readOnly := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read"}})
	kari, _ := e.srv.Parties.Person(t.Context(), kariPID)
	tiger := mustOrgUUID(t, e, "313725138")
	party := "?party=" + e.firmUUID
	cases := []struct {
		name, q, bearer string
		body            any
		status          int
		codes           []string
	}{
		{"no token", party, "", person(kariPID, kariLast), http.StatusUnauthorized, nil},
		{"read scope only", party, readOnly, person(kariPID, kariLast), http.StatusForbidden, nil},
		{"portal scope only", party, e.token, person(kariPID, kariLast), http.StatusForbidden, nil},
		{"a party not managed", "?party=" + tiger, tok, person(kariPID, kariLast), http.StatusForbidden, nil},
		{"an unknown party", "?party=" + uuid.NewString(), tok, person(kariPID, kariLast), http.StatusForbidden, nil},
		{"no party", "", tok, person(kariPID, kariLast), http.StatusBadRequest, nil},
		{"nothing", party, tok, nil, http.StatusBadRequest, []string{"STD.VLD-00000", `"QUERY/to","/PersonIdentifier","/LastName"`, "Invalid combination of params"}},
		{"bad check digits", party, tok, person("21857841059", kariLast), http.StatusBadRequest, []string{"AM.VLD-00034", `"/PersonIdentifier","/LastName"`, "PersonInput details must match"}},
		{"no last name", party, tok, map[string]string{"personIdentifier": kariPID}, http.StatusBadRequest, []string{"STD.VLD-00000", `"/LastName"`, "lastname is either null or empty."}},
		{"blank", party, tok, person(" ", ""), http.StatusBadRequest, []string{"STD.VLD-00000", `"/PersonIdentifier"`, `"/LastName"`, "personIdentifier is null or empty."}},
		{"body not json", party, tok, "{", http.StatusBadRequest, nil},
		{"to not a uuid", party + "&to=x", tok, nil, http.StatusBadRequest, []string{`"to"`}},
		{"a person by to", party + "&to=" + kari.PartyUUID.String(), tok, nil, http.StatusBadRequest, []string{"AM.VLD-00006", "QUERY/to", "Cannot find any parties with uuid"}},
		{"a person by to, with a body", party + "&to=" + kari.PartyUUID.String(), tok, person(kariPID, kariLast), http.StatusBadRequest, []string{"AM.VLD-00006"}},
		{"an unknown party by to", party + "&to=" + uuid.NewString(), tok, nil, http.StatusBadRequest, []string{"AM.VLD-00006", "QUERY/to"}},
		{"an organisation by to", party + "&to=" + tiger, tok, nil, http.StatusBadRequest, []string{"AM-00017"}},
		{"a standard system user by to", party + "&to=" + e.standard, tok, nil, http.StatusBadRequest, []string{"AM-00017"}},
		{"a wrong last name", party, tok, person(kariPID, "Nordmann"), http.StatusBadRequest, []string{"AM.VLD-00034"}},
	}
	for _, c := range cases {
		st, _, body := e.srv.Do(t, http.MethodPost, amBase+"/agents"+c.q, c.bearer, c.body)
		if st != c.status {
			t.Errorf("%s: %d %s", c.name, st, body)
		}
		for _, code := range c.codes {
			if !strings.Contains(string(body), code) {
				t.Errorf("%s: %s lacks %s", c.name, body, code)
			}
		}
	}
	// The party's agent system user named by to: its (implicit) assignment,
	// the same each time.
	var a1, a2 amAssignmentOut
	if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents"+party+"&to="+e.egen, tok, nil, &a1); st != http.StatusOK || a1.ToID != e.egen || a1.FromID != e.firmUUID || a1.ID == "" {
		t.Fatalf("agent system user: %d %+v", st, a1)
	}
	if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents"+party+"&to="+e.egen, tok, nil, &a2); st != http.StatusOK || a2 != a1 {
		t.Fatalf("agent system user again: %d %+v", st, a2)
	}
	// `to` decides when both are given: the body is not looked up (and a
	// third failed lookup would be a 429).
	var a3 amAssignmentOut
	if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents"+party+"&to="+e.egen, tok, person(unusedPID, "Hvem"), &a3); st != http.StatusOK || a3 != a1 {
		t.Fatalf("to and a body: %d %+v", st, a3)
	}

	for name, c := range map[string]struct {
		q, bearer string
		status    int
		code      string
	}{
		"no token":              {party + "&to=" + kari.PartyUUID.String(), "", http.StatusUnauthorized, ""},
		"read scope only":       {party + "&to=" + kari.PartyUUID.String(), readOnly, http.StatusForbidden, ""},
		"a party not managed":   {"?party=" + tiger + "&to=" + kari.PartyUUID.String(), tok, http.StatusForbidden, ""},
		"no to":                 {party, tok, http.StatusBadRequest, `"to"`},
		"cascade not a bool":    {party + "&to=" + kari.PartyUUID.String() + "&cascade=ja", tok, http.StatusBadRequest, `"cascade"`},
		"the agent system user": {party + "&to=" + e.egen, tok, http.StatusBadRequest, "AM-00017"},
		"not an agent":          {party + "&to=" + kari.PartyUUID.String(), tok, http.StatusNoContent, ""},
	} {
		st, _, body := e.srv.Do(t, http.MethodDelete, amBase+"/agents"+c.q, c.bearer, nil)
		if st != c.status || !strings.Contains(string(body), c.code) {
			t.Errorf("DELETE %s: %d %s", name, st, body)
		}
	}
	var agents amAgentsPage
	if st := e.srv.DoJSON(t, http.MethodGet, amBase+"/agents"+party, tok, nil, &agents); st != http.StatusOK || len(agents.Data) != 2 {
		t.Fatalf("after errors: %d %+v", st, agents)
	}
	for name, c := range map[string]struct {
		q      string
		status int
	}{
		"no from":             {party, http.StatusBadRequest},
		"from not a uuid":     {party + "&from=x", http.StatusBadRequest},
		"a party not managed": {"?party=" + tiger + "&from=" + tiger, http.StatusForbidden},
	} {
		if st, _, body := e.srv.Do(t, http.MethodGet, amBase+"/clients/accesspackages"+c.q, tok, nil); st != c.status {
			t.Errorf("GET clients/accesspackages %s: %d %s", name, st, body)
		}
	}
}

// TestAMAgentLookupCooldown: as the platform's UserProfileLookupService,
// two failed person lookups (an unknown person, a wrong last name) make
// the caller's next lookup a 429 for an hour, whatever it names; another
// caller is not affected; an hour on, or after /sim/api/v1/reset, lookups
// work again. A reset also removes the agents added since the seed.
func TestAMAgentLookupCooldown(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	scopes := []string{"altinn:clientdelegations.read", "altinn:clientdelegations.write"}
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": scopes})
	add := func(tok, pid, last string) (int, string) {
		st, _, body := e.srv.Do(t, http.MethodPost, amBase+"/agents?party="+e.firmUUID, tok, person(pid, last))
		return st, string(body)
	}
	if st, body := add(tok, unusedPID, "Hvem"); st != http.StatusBadRequest || !strings.Contains(body, "AM.VLD-00034") {
		t.Fatalf("unknown person: %d %s", st, body)
	}
	if st, body := add(tok, hannePID, "Rev"); st != http.StatusBadRequest || !strings.Contains(body, "AM.VLD-00034") {
		t.Fatalf("wrong last name: %d %s", st, body)
	}
	// Problems.PersonLookupFailedToManyErrors: its own code and text, 429
	// in the body too (upstream #2055).
	if st, body := add(tok, kariPID, kariLast); st != http.StatusTooManyRequests || !strings.Contains(body, `"code":"AM-00026"`) ||
		!strings.Contains(body, `"status":429`) || !strings.Contains(body, "There has been too many failed lookups") {
		t.Fatalf("third lookup: %d %s", st, body)
	}
	// Another caller (the vendor's DAGL, for the vendor) is counted apart.
	other := e.srv.TestToken(t, map[string]any{"type": "person", "pid": "10857841048", "scopes": scopes})
	vendor := mustOrgUUID(t, e, "991825827")
	if st, _, body := e.srv.Do(t, http.MethodPost, amBase+"/agents?party="+vendor, other, person(kariPID, kariLast)); st != http.StatusOK {
		t.Fatalf("another caller: %d %s", st, body)
	}

	e.srv.Clock.Set(61 * time.Minute)
	t.Cleanup(func() { e.srv.Clock.Set(0) })
	tok = e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": scopes})
	if st, body := add(tok, kariPID, kariLast); st != http.StatusOK {
		t.Fatalf("an hour on: %d %s", st, body)
	}
	add(tok, unusedPID, "Hvem")
	add(tok, unusedPID, "Hvem")
	if st, body := add(tok, kariPID, kariLast); st != http.StatusTooManyRequests {
		t.Fatalf("blocked again: %d %s", st, body)
	}
	if st, _, body := e.srv.Do(t, http.MethodPost, "/sim/api/v1/reset", "", nil); st != http.StatusNoContent {
		t.Fatalf("reset: %d %s", st, body)
	}
	var n int
	if err := e.srv.Pool.QueryRow(t.Context(), `SELECT count(*) FROM am_person_agents`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("agents after reset: %d %v", n, err)
	}
	// The reset reaches the count through the instance's listener (and
	// sets the clock back: a new token).
	tok = e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": scopes})
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, body := add(tok, kariPID, kariLast)
		if st == http.StatusOK {
			break
		}
		if st != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("after reset: %d %s", st, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// personDecision asks the PDP's /authorize (with its trace; a national
// identity number is a subject there only) whether the person, named by
// the subject attribute (urn:altinn:userid or
// urn:altinn:person:identifier-no), may read am-regnskap for org.
func personDecision(t *testing.T, e agentEnv, attr, value, org string) (string, string) {
	t.Helper()
	q := `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"` + attr + `","Value":"` + value + `"}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read"}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"am-regnskap"},
			{"AttributeId":"urn:altinn:organization:identifier-no","Value":"` + org + `"}]}]}}`
	var out struct {
		Response []struct {
			Decision string
			Trace    struct {
				Grant struct{ Source string } `json:"grant"`
			} `json:"trace"`
		} `json:"response"`
	}
	tok := e.srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "974761076", "scopes": []string{"altinn:authorization/authorize"}})
	if st := e.srv.DoJSON(t, http.MethodPost, "/authorization/api/v1/authorize?explain=true", tok, json.RawMessage(q), &out); st != http.StatusOK || len(out.Response) != 1 {
		t.Fatalf("PDP: %d %+v", st, out)
	}
	return out.Response[0].Decision, out.Response[0].Trace.Grant.Source
}

// TestAMPersonAgentInPDP: a package the firm delegates to its person
// agent reaches decisions as on the platform, where Access Management's
// connections reach an agent through the client delegation (client → firm
// by REGN, firm → person by the agent role). Kari, who holds no role
// anywhere, may read am-regnskap for the client (named by user id or by
// national identity number), the trace naming the firm and the
// delegation; not for the firm's other client, nor with a package the
// policy does not name. Once the package is taken back, or she is no
// longer the firm's agent, the next decision is NotApplicable: the write
// has dropped the PDP's cached delegations before it answered.
func TestAMPersonAgentInPDP(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	seedHTTP(t, e.srv, amResource)
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read", "altinn:clientdelegations.write"}})
	kari, _ := e.srv.Parties.Person(t.Context(), kariPID)
	uid := strconv.FormatInt(kari.UserID, 10)
	cl := mustOrgUUID(t, e, secondCl)
	q := amBase + "/agents/accesspackages?party=" + e.firmUUID + "&from=" + cl + "&to=" + kari.PartyUUID.String()
	decide := func(org string) string {
		t.Helper()
		d, _ := personDecision(t, e, "urn:altinn:userid", uid, org)
		return d
	}
	if st, _, body := e.srv.Do(t, http.MethodPost, amBase+"/agents?party="+e.firmUUID, tok, person(kariPID, kariLast)); st != http.StatusOK {
		t.Fatalf("add: %d %s", st, body)
	}
	// A package the policy does not name gives nothing.
	if st, _, body := e.srv.Do(t, http.MethodPost, q, tok, batch("regnskapsforer", lonn)); st != http.StatusOK {
		t.Fatalf("delegate lonn: %d %s", st, body)
	}
	if d := decide(secondCl); d != "NotApplicable" {
		t.Fatalf("with lonn only: %s", d)
	}
	var given []struct{ PackageID string }
	if st := e.srv.DoJSON(t, http.MethodPost, q, tok, batch("regnskapsforer", medSign), &given); st != http.StatusOK || len(given) != 1 {
		t.Fatalf("delegate: %d %+v", st, given)
	}
	var delegationID string
	if err := e.srv.Pool.QueryRow(t.Context(), `SELECT id::text FROM am_person_agent_delegations WHERE agent_pid = $1`, kariPID).Scan(&delegationID); err != nil {
		t.Fatal(err)
	}
	for _, by := range [][2]string{{"urn:altinn:userid", uid}, {"urn:altinn:person:identifier-no", kariPID}} {
		d, src := personDecision(t, e, by[0], by[1], secondCl)
		if want := "delegated by " + firm + " to its agent " + kariPID + " for client " + secondCl + ", client delegation " + delegationID; d != "Permit" || src != want {
			t.Fatalf("%s: %s through %q, want Permit through %q", by[0], d, src, want)
		}
	}
	if d := decide("310385980"); d != "NotApplicable" {
		t.Fatalf("the firm's other client: %s", d)
	}
	// Taken back: NotApplicable at once (the lonn package stays).
	if st, _, body := e.srv.Do(t, http.MethodDelete, q, tok, batch("regnskapsforer", medSign)); st != http.StatusOK {
		t.Fatalf("remove: %d %s", st, body)
	}
	if d := decide(secondCl); d != "NotApplicable" {
		t.Fatalf("after removal: %s", d)
	}
	// Given again, then the agent removed with her delegations.
	if st, _, body := e.srv.Do(t, http.MethodPost, q, tok, batch("regnskapsforer", medSign)); st != http.StatusOK {
		t.Fatalf("delegate again: %d %s", st, body)
	}
	if d := decide(secondCl); d != "Permit" {
		t.Fatalf("delegated again: %s", d)
	}
	if st, _, body := e.srv.Do(t, http.MethodDelete, amBase+"/agents?party="+e.firmUUID+"&to="+kari.PartyUUID.String()+"&cascade=true", tok, nil); st != http.StatusNoContent {
		t.Fatalf("remove agent: %d %s", st, body)
	}
	if d := decide(secondCl); d != "NotApplicable" {
		t.Fatalf("after the agent's removal: %s", d)
	}
}

// TestAMAddAgentByTo: a person named by `to` is taken when the person has
// a connection to the party (SanitizeToInput's connection query): one who
// holds an ER role there, or who is its agent already (the same
// assignment again); a person with none is AM.VLD-00006.
func TestAMAddAgentByTo(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t)
	tok := e.srv.TestToken(t, map[string]any{"type": "person", "pid": firmPID, "scopes": []string{"altinn:clientdelegations.read", "altinn:clientdelegations.write"}})
	party := "?party=" + e.firmUUID
	kari, _ := e.srv.Parties.Person(t.Context(), kariPID)
	var byBody, byTo amAssignmentOut
	if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents"+party, tok, person(kariPID, kariLast), &byBody); st != http.StatusOK || byBody.ToID != kari.PartyUUID.String() {
		t.Fatalf("by person: %d %+v", st, byBody)
	}
	if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents"+party+"&to="+kari.PartyUUID.String(), tok, nil, &byTo); st != http.StatusOK || byTo != byBody {
		t.Fatalf("an agent by to: %d %+v, want %+v", st, byTo, byBody)
	}
	// The firm's DAGL holds an ER role on it.
	dagl, _ := e.srv.Parties.Person(t.Context(), firmPID)
	var a amAssignmentOut
	if st := e.srv.DoJSON(t, http.MethodPost, amBase+"/agents"+party+"&to="+dagl.PartyUUID.String(), tok, nil, &a); st != http.StatusOK || a.ToID != dagl.PartyUUID.String() {
		t.Fatalf("a role holder by to: %d %+v", st, a)
	}
}

package apidelegation_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/apidelegation"
	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/resources"
	"github.com/altinn-sim/altinn-sim/migrations"
)

// Access Management's end-user API for delegated API access, modelled on
// upstream's MaskinportenSuppliersControllerIntegrationTest,
// MaskinportenConsumersControllerIntegrationTest,
// MaskinportenSuppliersControllerResourceDelegationTest and
// MaskinportenConsumersResourceFilterTest (Altinn/altinn-authorization-tmp,
// MIT; see testdata/upstream/NOTICE.md). Upstream's tests run with a
// permissive PDP; here the person must be able to manage the party.

const (
	suppliersAPI = "/accessmanagement/api/v1/enduser/maskinportensuppliers"
	consumersAPI = "/accessmanagement/api/v1/enduser/maskinportenconsumers"
)

// enduser is a person's Altinn token with the given scopes.
func enduser(t *testing.T, s *apptest.Server, pid string, scopes ...string) string {
	t.Helper()
	return s.TestToken(t, map[string]any{"type": "person", "pid": pid, "scopes": scopes})
}

func partyUUID(t *testing.T, s *apptest.Server, orgNo string) string {
	t.Helper()
	o, err := s.Parties.Org(t.Context(), orgNo)
	if err != nil {
		t.Fatal(err)
	}
	return o.PartyUUID.String()
}

// query builds ?k=v&… from pairs.
func query(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return "?" + v.Encode()
}

type amProblemBody struct {
	Status           int                 `json:"status"`
	Code             string              `json:"code"`
	Title            string              `json:"title"`
	Detail           string              `json:"detail"`
	Errors           map[string][]string `json:"errors"`
	ValidationErrors []map[string]any    `json:"validationErrors"`
}

func wantAMProblem(t *testing.T, what string, st int, raw []byte, status int, code string) amProblemBody {
	t.Helper()
	var p amProblemBody
	if err := json.Unmarshal(raw, &p); err != nil || st != status {
		t.Fatalf("%s: %d %s, want %d %s", what, st, raw, status, code)
	}
	got := p.Code
	if len(p.ValidationErrors) > 0 {
		got, _ = p.ValidationErrors[0]["code"].(string)
	}
	if code != "" && got != code {
		t.Fatalf("%s: %s, want %s", what, raw, code)
	}
	return p
}

// TestSuppliersJourney: the consumer's person makes the supplier its
// supplier and delegates the scheme to it through the new API → the
// supplier's consumer_org grant gets a token; the supplier sees its
// consumer and what it was given, and so do the older API and the
// control API (the same rows); withdrawn → MP-251; the supplier cannot
// be removed while delegations lie under it unless cascade=true, which
// withdraws them (MP-251 again); the supplier can give back a scheme and
// the assignment from its side.
func TestSuppliersJourney(t *testing.T) {
	j := newJourney(t)
	s := j.s
	notDelegated := "Consumer " + consumer + " has not delegated access to the scope " + apiScope + " to supplier " + supplier + "."
	cParty, sParty := partyUUID(t, s, consumer), partyUUID(t, s, supplier)
	write := enduser(t, s, consumerDAGL, apidelegation.ScopeSuppliersWrite)
	read := enduser(t, s, consumerDAGL, apidelegation.ScopeSuppliersRead)
	supRead := enduser(t, s, supplierDAGL, apidelegation.ScopeConsumersRead)
	supWrite := enduser(t, s, supplierDAGL, apidelegation.ScopeConsumersWrite)
	withRes := query("party", cParty, "supplier", supplier, "resource", schemeID)

	// Delegating before the organisation is a supplier: AM-00022.
	st, _, raw := s.Do(t, "POST", suppliersAPI+"/resources"+withRes, write, nil)
	wantAMProblem(t, "delegate to a non-supplier", st, raw, 400, "AM-00022")

	// AddSupplier_WithWriteScope_ReturnsOkWithSupplierAssignment.
	var a apidelegation.Assignment
	if st := s.DoJSON(t, "POST", suppliersAPI+query("party", cParty, "supplier", supplier), write, nil, &a); st != 200 ||
		a.FromID.String() != cParty || a.ToID.String() != sParty || a.RoleID != uuid.MustParse("961f6ebb-ecf7-4fc6-ab5a-ca0841db4931") || a.ID == uuid.Nil {
		t.Fatalf("add supplier: %d %+v", st, a)
	}
	var again apidelegation.Assignment
	if st := s.DoJSON(t, "POST", suppliersAPI+query("party", cParty, "supplier", supplier), write, nil, &again); st != 200 || again != a {
		t.Fatalf("add the supplier again: %d %+v, want %+v", st, again, a)
	}
	// GetSuppliers_WithExistingConnection_ReturnsSupplierInList.
	st, _, raw = s.Do(t, "GET", suppliersAPI+query("party", cParty), read, nil)
	var conns []map[string]any
	if err := json.Unmarshal(raw, &conns); st != 200 || err != nil || len(conns) != 1 {
		t.Fatalf("suppliers: %d %s", st, raw)
	}
	p, _ := conns[0]["party"].(map[string]any)
	roles, _ := conns[0]["roles"].([]any)
	role, _ := roles[0].(map[string]any)
	if p["organizationIdentifier"] != supplier || p["type"] != "Organisasjon" || p["id"] != sParty || len(roles) != 1 ||
		role["code"] != "supplier" || role["urn"] != "urn:altinn:role:supplier" {
		t.Fatalf("supplier connection %s", raw)
	}
	// A supplier alone gives nothing.
	st, out := j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", notDelegated)

	if st, _, raw := s.Do(t, "POST", suppliersAPI+"/resources"+withRes, write, nil); st != 200 || string(raw) != "true" {
		t.Fatalf("delegate: %d %s", st, raw)
	}
	if st, _, raw := s.Do(t, "POST", suppliersAPI+"/resources"+withRes, write, nil); st != 200 || string(raw) != "true" {
		t.Fatalf("delegate again: %d %s", st, raw)
	}
	st, out = j.token(t, consumer, apiScope)
	if st != 200 {
		t.Fatalf("token after the delegation: %d %v", st, out)
	}
	if c := apptest.JWTClaims(t, out["access_token"].(string)); c["delegation_source"] != source {
		t.Fatalf("claims %v", c)
	}

	// What the consumer gave, and what the supplier got.
	var rps []apidelegation.ResourcePermission
	if st := s.DoJSON(t, "GET", suppliersAPI+"/resources"+query("party", cParty), read, nil, &rps); st != 200 || len(rps) != 1 ||
		rps[0].Resource.RefID != schemeID || rps[0].Resource.Name != "Delegation test API" || rps[0].Resource.Type == nil || rps[0].Resource.Type.Name != "MaskinportenSchema" ||
		len(rps[0].Permissions) != 1 || rps[0].Permissions[0].From.OrganizationIdentifier != consumer ||
		rps[0].Permissions[0].To.OrganizationIdentifier != supplier || rps[0].Permissions[0].Role.Code != "supplier" {
		t.Fatalf("supplier resources: %d %+v", st, rps)
	}
	var cons []apidelegation.Connection
	if st := s.DoJSON(t, "GET", consumersAPI+query("party", sParty), supRead, nil, &cons); st != 200 || len(cons) != 1 ||
		cons[0].Party.OrganizationIdentifier != consumer || cons[0].Roles[0].Code != "supplier" {
		t.Fatalf("consumers: %d %+v", st, cons)
	}
	if st := s.DoJSON(t, "GET", consumersAPI+"/resources"+query("party", sParty), supRead, nil, &rps); st != 200 || len(rps) != 1 || rps[0].Resource.RefID != schemeID {
		t.Fatalf("consumer resources: %d %+v", st, rps)
	}
	// The older API reads the same delegation.
	if off := offered(t, s, person(t, s, consumerDAGL), consumerParty); len(off) != 1 || off[0].ResourceID != schemeID {
		t.Fatalf("offered: %+v", off)
	}

	// The supplier cannot be removed while the scheme is delegated to it.
	st, _, raw = s.Do(t, "DELETE", suppliersAPI+query("party", cParty, "supplier", supplier), write, nil)
	pb := wantAMProblem(t, "remove a supplier holding a delegation", st, raw, 400, "AM.VLD-00031")
	if paths, _ := pb.ValidationErrors[0]["paths"].([]any); len(paths) != 1 || paths[0] != "QUERY/cascade" ||
		pb.ValidationErrors[0]["assignmentResources"] != "Cannot remove supplier assignment while resources are still delegated. Use cascade=true or remove resources first." {
		t.Fatalf("refusal %s", raw)
	}
	if st, _ := j.token(t, consumer, apiScope); st != 200 {
		t.Fatalf("token after the refused removal: %d", st)
	}

	// Withdrawn through the API → MP-251; the supplier stays.
	if st, _, raw := s.Do(t, "DELETE", suppliersAPI+"/resources"+withRes, write, nil); st != 204 || len(raw) != 0 {
		t.Fatalf("withdraw: %d %s", st, raw)
	}
	st, out = j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", notDelegated)
	if st, _, raw := s.Do(t, "DELETE", suppliersAPI+"/resources"+withRes, write, nil); st != 204 {
		t.Fatalf("withdraw again: %d %s", st, raw)
	}

	// Given again; removing the supplier with cascade=true takes it too.
	if st, _, raw := s.Do(t, "POST", suppliersAPI+"/resources"+withRes, write, nil); st != 200 {
		t.Fatalf("delegate again: %d %s", st, raw)
	}
	if st, _ := j.token(t, consumer, apiScope); st != 200 {
		t.Fatalf("token after delegating again: %d", st)
	}
	if st, _, raw := s.Do(t, "DELETE", suppliersAPI+query("party", cParty, "supplier", supplier, "cascade", "True"), write, nil); st != 204 {
		t.Fatalf("remove with cascade: %d %s", st, raw)
	}
	st, out = j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", notDelegated)
	if st, _, raw := s.Do(t, "GET", suppliersAPI+query("party", cParty), read, nil); st != 200 || string(raw) != "[]" {
		t.Fatalf("suppliers after the removal: %d %s", st, raw)
	}
	if st, _, raw := s.Do(t, "DELETE", suppliersAPI+query("party", cParty, "supplier", supplier), write, nil); st != 204 {
		t.Fatalf("remove a supplier that is none: %d %s", st, raw)
	}

	// From the supplier's side: give back the scheme, then the assignment.
	s.DoJSON(t, "POST", suppliersAPI+query("party", cParty, "supplier", supplier), write, nil, nil)
	if st, _, raw := s.Do(t, "POST", suppliersAPI+"/resources"+withRes, write, nil); st != 200 {
		t.Fatalf("delegate a third time: %d %s", st, raw)
	}
	if st, _, raw := s.Do(t, "DELETE", consumersAPI+"/resources"+query("party", sParty, "consumer", consumer, "resource", schemeID), supWrite, nil); st != 204 {
		t.Fatalf("give back: %d %s", st, raw)
	}
	st, out = j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", notDelegated)
	// RemoveConsumer_WithExistingConnection_ReturnsNoContentAndRemovesFromList.
	if st, _, raw := s.Do(t, "DELETE", consumersAPI+query("party", sParty, "consumer", consumer), supWrite, nil); st != 204 {
		t.Fatalf("remove consumer: %d %s", st, raw)
	}
	if st, _, raw := s.Do(t, "GET", consumersAPI+query("party", sParty), supRead, nil); st != 200 || string(raw) != "[]" {
		t.Fatalf("consumers after the removal: %d %s", st, raw)
	}

	// Every withdrawal is in the control API's history, by the persons.
	var ds []apidelegation.Delegation
	if st := s.DoJSON(t, "GET", "/sim/api/v1/apidelegation/delegations?consumer="+consumer+"&withdrawn=true", "", nil, &ds); st != 200 || len(ds) != 3 ||
		ds[0].CreatedBy != consumerDAGL || ds[0].WithdrawnBy != consumerDAGL || ds[1].WithdrawnBy != consumerDAGL || ds[2].WithdrawnBy != supplierDAGL {
		t.Fatalf("history: %d %+v", st, ds)
	}
}

// TestSuppliersWhoMayCall: each operation takes its own scope or
// altinn:portal/enduser (a read scope does not write:
// AddSupplier_WithReadScope_Returns403MissingWriteScope,
// RemoveConsumer_WithReadScope_Returns403Forbidden), and a person who may
// manage the party given as a party uuid; anything else is a bare 403.
func TestSuppliersWhoMayCall(t *testing.T) {
	j := newJourney(t)
	s := j.s
	cParty, sParty := partyUUID(t, s, consumer), partyUUID(t, s, supplier)
	portal := person(t, s, consumerDAGL)
	read := enduser(t, s, consumerDAGL, apidelegation.ScopeSuppliersRead)
	write := enduser(t, s, consumerDAGL, apidelegation.ScopeSuppliersWrite)
	conWrite := enduser(t, s, consumerDAGL, apidelegation.ScopeConsumersWrite)
	elg := enduser(t, s, supplierDAGL, apidelegation.ScopeSuppliersWrite, apidelegation.ScopeSuppliersRead)
	org := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": consumer, "scopes": []string{apidelegation.ScopeSuppliersWrite, apidelegation.ScopeSuppliersRead}})
	add := func(party string) string { return suppliersAPI + query("party", party, "supplier", supplier) }
	for _, c := range []struct {
		name, method, path, tok string
		st                      int
	}{
		{"the portal scope writes", "POST", add(cParty), portal, 200},
		{"the portal scope reads", "GET", suppliersAPI + query("party", cParty), portal, 200},
		{"the write scope", "POST", add(cParty), write, 200},
		{"the read scope", "GET", suppliersAPI + query("party", cParty), read, 200},
		{"the read scope writes", "POST", add(cParty), read, 403},
		{"the write scope reads", "GET", suppliersAPI + query("party", cParty), write, 403},
		{"the consumers scope on suppliers", "POST", add(cParty), conWrite, 403},
		{"no token", "POST", add(cParty), "", 401},
		{"another organisation's DAGL", "POST", add(cParty), elg, 403},
		{"an organisation's token", "POST", add(cParty), org, 403},
		{"no party", "POST", suppliersAPI + query("supplier", supplier), write, 403},
		{"a party id, not a uuid", "POST", add(consumerParty), write, 403},
		{"an organisation number as party", "POST", add(consumer), write, 403},
		{"an unknown party", "POST", add(uuid.NewString()), write, 403},
		{"the supplier's party by the consumer's person", "GET", consumersAPI + query("party", sParty), portal, 403},
		{"a resource list for another party", "GET", suppliersAPI + "/resources" + query("party", sParty), read, 403},
		{"the delegation check for another party", "GET", suppliersAPI + "/resources/delegationcheck" + query("party", sParty, "resource", schemeID), read, 403},
	} {
		st, _, raw := s.Do(t, c.method, c.path, c.tok, nil)
		if st != c.st {
			t.Errorf("%s: %d %s, want %d", c.name, st, raw, c.st)
		}
		// A missing scope is the emulator's scope guard's ProblemDetails;
		// the party check's refusal is bare, as upstream's policy's.
		if st == 403 && !strings.Contains(c.name, "scope") && len(raw) != 0 {
			t.Errorf("%s: 403 with a body %s", c.name, raw)
		}
	}
}

// TestSuppliersValidation: upstream's refusals, in its order: the party
// and the organisation (AddSupplier_SelfDelegation_Returns400SupplierSameAsParty,
// AM-00023), ASP.NET's model binding, the resource (AM-00027, AM.VLD-00032),
// and a resource the registry marks not delegable
// (DelegationCheck_WhenResourceNotDelegable_…, AddResource_WhenResourceNotDelegable_…,
// with upstream's non_delegable_maskinportenschema resource).
func TestSuppliersValidation(t *testing.T) {
	j := newJourney(t)
	s := j.s
	cParty := partyUUID(t, s, consumer)
	tok := enduser(t, s, consumerDAGL, apidelegation.ScopeSuppliersWrite, apidelegation.ScopeSuppliersRead)

	st, _, raw := s.Do(t, "POST", suppliersAPI+query("party", cParty, "supplier", consumer), tok, nil)
	p := wantAMProblem(t, "self", st, raw, 400, "AM.VLD-00009")
	if len(p.ValidationErrors) != 2 || p.ValidationErrors[0]["party"] != "An organization cannot delegate to itself." ||
		p.ValidationErrors[1]["supplier"] != "An organization cannot delegate to itself." {
		t.Fatalf("self: %s", raw)
	}
	for name, sup := range map[string]string{"unknown": "999999999", "malformed": "12345"} {
		st, _, raw = s.Do(t, "POST", suppliersAPI+query("party", cParty, "supplier", sup), tok, nil)
		if p := wantAMProblem(t, name+" supplier", st, raw, 400, "AM-00023"); p.Detail != "The provided identifier cannot be found as a valid party for the operation." {
			t.Fatalf("%s supplier: %s", name, raw)
		}
	}
	// A filter naming an unknown organisation is refused the same way.
	st, _, raw = s.Do(t, "GET", suppliersAPI+query("party", cParty, "supplier", "999999999"), tok, nil)
	wantAMProblem(t, "unknown supplier filter", st, raw, 400, "AM-00023")

	// Model binding: the [Required] parameters, and cascade a bool.
	st, _, raw = s.Do(t, "POST", suppliersAPI+"/resources"+query("party", cParty), tok, nil)
	if p := wantAMProblem(t, "missing supplier and resource", st, raw, 400, ""); len(p.Errors) != 2 ||
		p.Errors["supplier"][0] != "The supplier field is required." || p.Errors["resource"][0] != "The resource field is required." {
		t.Fatalf("missing: %s", raw)
	}
	st, _, raw = s.Do(t, "DELETE", suppliersAPI+query("party", cParty, "supplier", supplier, "cascade", "maybe"), tok, nil)
	if p := wantAMProblem(t, "cascade=maybe", st, raw, 400, ""); len(p.Errors["cascade"]) != 1 || p.Errors["cascade"][0] != "The value 'maybe' is not valid." {
		t.Fatalf("cascade: %s", raw)
	}
	// Query names in any casing, as ASP.NET binds them.
	if st, _, raw := s.Do(t, "POST", suppliersAPI+"?Party="+cParty+"&SUPPLIER="+supplier, tok, nil); st != 200 {
		t.Fatalf("query names in another casing: %d %s", st, raw)
	}

	// The resource.
	for _, c := range []struct{ res, code string }{{"no-such-scheme", "AM-00027"}, {"kravogbetaling", "AM.VLD-00032"}} {
		st, _, raw = s.Do(t, "POST", suppliersAPI+"/resources"+query("party", cParty, "supplier", supplier, "resource", c.res), tok, nil)
		wantAMProblem(t, c.res, st, raw, 400, c.code)
		st, _, raw = s.Do(t, "GET", suppliersAPI+"/resources"+query("party", cParty, "resource", c.res), tok, nil)
		wantAMProblem(t, c.res+" as a filter", st, raw, 400, c.code)
		st, _, raw = s.Do(t, "GET", suppliersAPI+"/resources/delegationcheck"+query("party", cParty, "resource", c.res), tok, nil)
		wantAMProblem(t, c.res+" checked", st, raw, 400, "AM-00027")
	}

	// Upstream's non-delegable Maskinporten schema, registered as it is.
	const nd = "non_delegable_maskinportenschema"
	b, err := os.ReadFile(filepath.Join("testdata", "upstream", "ResourceRegistryResources", nd, "resource.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := resources.NewResource()
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resources.CreateResource(t.Context(), resources.Writer{Admin: true}, r); err != nil {
		t.Fatal(err)
	}
	var rc apidelegation.ResourceCheck
	if st := s.DoJSON(t, "GET", suppliersAPI+"/resources/delegationcheck"+query("party", cParty, "resource", nd), tok, nil, &rc); st != 200 ||
		rc.Resource.RefID != nd || len(rc.Rights) == 0 {
		t.Fatalf("check of the non-delegable resource: %d %+v", st, rc)
	}
	for _, right := range rc.Rights {
		if right.Result || !strings.Contains(strings.Join(right.ReasonCodes, ","), "ResourceNotDelegable") {
			t.Fatalf("right %+v must not be delegable", right)
		}
	}
	s.DoJSON(t, "POST", suppliersAPI+query("party", cParty, "supplier", supplier), tok, nil, nil)
	st, _, raw = s.Do(t, "POST", suppliersAPI+"/resources"+query("party", cParty, "supplier", supplier, "resource", nd), tok, nil)
	if p := wantAMProblem(t, "delegate the non-delegable resource", st, raw, 400, "AM-00042"); p.Detail != "The resource is not available for delegation" {
		t.Fatalf("non-delegable: %s", raw)
	}

	// A delegable one: the scheme's one right, by the person's role.
	if st := s.DoJSON(t, "GET", suppliersAPI+"/resources/delegationcheck"+query("party", cParty, "resource", "ske-maskinportenschema-test"), tok, nil, &rc); st != 200 ||
		len(rc.Rights) != 1 || !rc.Rights[0].Result || rc.Rights[0].ReasonCodes[0] != "RoleAccess" || rc.Rights[0].Right.Action.Value != "ScopeAccess" ||
		rc.Rights[0].Right.Key != apidelegation.ScopeAccessRightKey("ske-maskinportenschema-test") || rc.Resource.Name != "Maskinporten-API (test)" {
		t.Fatalf("check of the seed's schema: %d %+v", st, rc)
	}
	// Nothing of the refused writes was delegated.
	if st, _, raw := s.Do(t, "GET", suppliersAPI+"/resources"+query("party", cParty), tok, nil); st != 200 || string(raw) != "[]" {
		t.Fatalf("resources after the refusals: %d %s", st, raw)
	}
}

// TestConsumersResourceFilter is upstream's MaskinportenConsumersResourceFilterTest:
// one supplier given scheme A by two consumers and scheme B by one; the
// consumer and resource filters narrow the list. The delegations are
// given through the control API, which makes the supplier assignments
// too; a reset forgets them.
func TestConsumersResourceFilter(t *testing.T) {
	j := newJourney(t)
	s := j.s
	const schemeB = "skatteetaten-delegtest-b"
	if st := s.DoJSON(t, "POST", "/sim/api/v1/apidelegation/schemes", "", apidelegation.NewScheme{
		Identifier: schemeB, OwnerOrgNo: provider, Scopes: []string{apiScope}, Title: "Delegation test API B"}, nil); st != 201 {
		t.Fatalf("scheme B: %d", st)
	}
	for _, d := range []apidelegation.NewDelegation{
		{Scheme: schemeID, ConsumerOrgNo: consumer, SupplierOrgNo: supplier},
		{Scheme: schemeB, ConsumerOrgNo: consumer, SupplierOrgNo: supplier},
		{Scheme: schemeID, ConsumerOrgNo: other, SupplierOrgNo: supplier},
	} {
		if st := s.DoJSON(t, "POST", "/sim/api/v1/apidelegation/delegations", "", d, nil); st != 201 {
			t.Fatalf("delegate %+v: %d", d, st)
		}
	}
	sParty := partyUUID(t, s, supplier)
	tok := enduser(t, s, supplierDAGL, apidelegation.ScopeConsumersRead)
	list := func(kv ...string) []apidelegation.ResourcePermission {
		t.Helper()
		var out []apidelegation.ResourcePermission
		if st := s.DoJSON(t, "GET", consumersAPI+"/resources"+query(append([]string{"party", sParty}, kv...)...), tok, nil, &out); st != 200 {
			t.Fatalf("resources %v: %d", kv, st)
		}
		return out
	}
	perms := func(rp apidelegation.ResourcePermission) []string {
		var out []string
		for _, p := range rp.Permissions {
			out = append(out, p.From.OrganizationIdentifier)
		}
		return out
	}
	// GetResources_NoConsumerOrResourceFilter_ReturnsAllDelegatedResources.
	all := list()
	if len(all) != 2 || all[0].Resource.RefID != schemeID || len(all[0].Permissions) != 2 || all[1].Resource.RefID != schemeB || len(all[1].Permissions) != 1 {
		t.Fatalf("all: %+v", all)
	}
	// GetResources_ConsumerFilter_ReturnsOnlyThatConsumersDelegations.
	if got := list("consumer", other); len(got) != 1 || got[0].Resource.RefID != schemeID || strings.Join(perms(got[0]), ",") != other {
		t.Fatalf("consumer filter: %+v", got)
	}
	// GetResources_ResourceFilter_ReturnsOnlyThatResource.
	if got := list("resource", schemeB); len(got) != 1 || got[0].Resource.RefID != schemeB {
		t.Fatalf("resource filter: %+v", got)
	}
	// GetResources_ConsumerAndResourceFilter_ReturnsOnlyTheMatchingDelegation.
	if got := list("consumer", consumer, "resource", schemeID); len(got) != 1 || strings.Join(perms(got[0]), ",") != consumer {
		t.Fatalf("both filters: %+v", got)
	}
	// The control API's delegations made both consumers' assignments.
	var cons []apidelegation.Connection
	if st := s.DoJSON(t, "GET", consumersAPI+query("party", sParty), tok, nil, &cons); st != 200 || len(cons) != 2 {
		t.Fatalf("consumers: %d %+v", st, cons)
	}
	if st := s.DoJSON(t, "GET", consumersAPI+query("party", sParty, "consumer", other), tok, nil, &cons); st != 200 || len(cons) != 1 || cons[0].Party.OrganizationIdentifier != other {
		t.Fatalf("consumer filter: %d %+v", st, cons)
	}

	if st := s.DoJSON(t, "POST", "/sim/api/v1/reset", "", nil, nil); st != 200 && st != 204 {
		t.Fatalf("reset: %d", st)
	}
	if st, _, raw := s.Do(t, "GET", consumersAPI+query("party", sParty), tok, nil); st != 200 || string(raw) != "[]" {
		t.Fatalf("consumers after reset: %d %s", st, raw)
	}
}

// TestSupplierRemovalRacesDelegation: a delegation written while the
// supplier is removed with cascade either lands before the removal (and
// is withdrawn with it) or is refused (AM-00022); no live delegation is
// ever left without its supplier assignment.
func TestSupplierRemovalRacesDelegation(t *testing.T) {
	j := newJourney(t)
	s := j.s
	ctx := t.Context()
	c, err := s.Parties.Org(ctx, consumer)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := s.Parties.Org(ctx, supplier)
	if err != nil {
		t.Fatal(err)
	}
	svc := s.APIDelegation
	for i := 0; i < 15; i++ {
		if _, err := svc.AddSupplier(ctx, c, sp, consumerDAGL); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		go func() { errs <- svc.AddSupplierResource(ctx, c, sp, schemeID, consumerDAGL) }()
		go func() { errs <- svc.RemoveSupplier(ctx, c, sp, true, consumerDAGL) }()
		for k := 0; k < 2; k++ {
			if err := <-errs; err != nil && !strings.Contains(err.Error(), "AM-00022") {
				t.Fatalf("round %d: %v", i, err)
			}
		}
		live, err := svc.Delegations(ctx, apidelegation.Filter{ConsumerOrgNo: consumer, SupplierOrgNo: supplier})
		if err != nil {
			t.Fatal(err)
		}
		sups, err := svc.Suppliers(ctx, c, supplier)
		if err != nil {
			t.Fatal(err)
		}
		if len(live) > 0 && len(sups) == 0 {
			t.Fatalf("round %d: %d live delegation(s) without a supplier assignment", i, len(live))
		}
		// Start the next round clean.
		if err := svc.RemoveSupplier(ctx, c, sp, true, consumerDAGL); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSupplierBackfill: migration 0210 gives each live delegation made
// before it its supplier assignment (one per consumer and supplier), and
// none for a withdrawn one. The migration's INSERT runs on tables put
// back to how they were before it.
func TestSupplierBackfill(t *testing.T) {
	j := newJourney(t)
	s := j.s
	ctx := t.Context()
	j.delegate(t, consumer, supplier)
	d := j.delegate(t, consumer, other)
	if st := s.DoJSON(t, "DELETE", "/sim/api/v1/apidelegation/delegations/"+d.ID.String(), "", nil, nil); st != 204 {
		t.Fatalf("withdraw: %d", st)
	}
	up, err := migrations.FS.ReadFile("0210_api_delegation_suppliers.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	sql := string(up)
	start := strings.Index(sql, "INSERT INTO api_delegation_suppliers")
	if start < 0 {
		t.Fatal("no backfill in the migration")
	}
	sql = sql[start:]
	sql = sql[:strings.Index(sql, ";")]
	if _, err := s.Pool.Exec(ctx, `DELETE FROM api_delegation_suppliers`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
	c, err := s.Parties.Org(ctx, consumer)
	if err != nil {
		t.Fatal(err)
	}
	sups, err := s.APIDelegation.Suppliers(ctx, c, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sups) != 1 || sups[0].Party.OrganizationIdentifier != supplier {
		t.Fatalf("suppliers after the backfill: %+v", sups)
	}
	// The backfilled assignment behaves as any: cascade takes the delegation.
	sp, err := s.Parties.Org(ctx, supplier)
	if err != nil {
		t.Fatal(err)
	}
	if st, out := j.token(t, consumer, apiScope); st != 200 {
		t.Fatalf("token after the backfill: %d %v", st, out)
	}
	if p := problem.From(s.APIDelegation.RemoveSupplier(ctx, c, sp, false, "")); len(p.ValidationErrors) != 1 || p.ValidationErrors[0].Code != "AM.VLD-00031" {
		t.Fatalf("removing a backfilled supplier holding a delegation without cascade: %+v", p)
	}
	if err := s.APIDelegation.RemoveSupplier(ctx, c, sp, true, ""); err != nil {
		t.Fatal(err)
	}
	st, out := j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", "Consumer "+consumer+" has not delegated access to the scope "+apiScope+" to supplier "+supplier+".")
}

// TestLongResourceTitle: a registry resource's title longer than the
// scheme row keeps is cut on a character boundary when the resource
// becomes a scheme (a cut inside "ø" was invalid UTF-8 and a 500).
func TestLongResourceTitle(t *testing.T) {
	j := newJourney(t)
	s := j.s
	r, err := s.Resources.Resource(t.Context(), "ske-maskinportenschema-test")
	if err != nil {
		t.Fatal(err)
	}
	r.Identifier = "long-title-maskinportenschema"
	r.AuthorizationReference = nil
	long := strings.Repeat("a", 254) + "øø"
	for k := range r.Title {
		r.Title[k] = long
	}
	if _, err := s.Resources.CreateResource(t.Context(), resources.Writer{Admin: true}, r); err != nil {
		t.Fatal(err)
	}
	cParty := partyUUID(t, s, consumer)
	tok := enduser(t, s, consumerDAGL, apidelegation.ScopeSuppliersWrite, apidelegation.ScopeSuppliersRead)
	s.DoJSON(t, "POST", suppliersAPI+query("party", cParty, "supplier", supplier), tok, nil, nil)
	if st, _, raw := s.Do(t, "POST", suppliersAPI+"/resources"+query("party", cParty, "supplier", supplier, "resource", r.Identifier), tok, nil); st != 200 {
		t.Fatalf("delegate: %d %s", st, raw)
	}
	var sc apidelegation.Scheme
	if st := s.DoJSON(t, "GET", "/sim/api/v1/apidelegation/schemes/"+r.Identifier, "", nil, &sc); st != 200 || sc.Title != strings.Repeat("a", 254) {
		t.Fatalf("scheme: %d %q", st, sc.Title)
	}
}

package apidelegation_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/apidelegation"
	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

// Access Management's Maskinporten-schema API, modelled on upstream's
// MaskinportenSchemaControllerTest (its test data in testdata/upstream,
// see NOTICE.md there).

const (
	consumerParty = "50000003"    // the consumer's party id
	supplierParty = "50000004"    // the supplier's party id
	consumerDAGL  = "12857841016" // may manage the consumer
	supplierDAGL  = "13857841055" // may manage the supplier
	amBase        = "/accessmanagement/api/v1/"
)

type validationBody struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Errors map[string][]string `json:"errors"`
}

func person(t *testing.T, s *apptest.Server, pid string) string {
	t.Helper()
	return s.TestToken(t, map[string]any{"type": "person", "pid": pid})
}

// fixture reads an upstream file; subst replaces upstream's fixture
// names with the emulator's where the answer depends on them existing.
func fixture(t *testing.T, path string, subst ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "upstream", filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.NewReplacer(subst...).Replace(string(b)))
}

// wantValidation checks a 400 against an upstream ExpectedOutput file:
// type, title, status and the errors (the trace id differs).
func wantValidation(t *testing.T, st int, raw []byte, expected []byte) {
	t.Helper()
	var got, want validationBody
	if err := json.Unmarshal(expected, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &got); err != nil || st != 400 {
		t.Fatalf("%d %s, want 400", st, raw)
	}
	if got.Type != want.Type || got.Title != want.Title || got.Status != want.Status || !equalErrors(got.Errors, want.Errors) {
		t.Fatalf("got %s\nwant %s", raw, expected)
	}
}

func equalErrors(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}

func offered(t *testing.T, s *apptest.Server, tok, party string) []apidelegation.SchemaDelegation {
	t.Helper()
	var out []apidelegation.SchemaDelegation
	if st := s.DoJSON(t, "GET", amBase+party+"/maskinportenschema/offered", tok, nil, &out); st != 200 {
		t.Fatalf("offered: %d", st)
	}
	return out
}

// TestAMDelegationJourney: the consumer's person delegates the scheme
// through Access Management (to the supplier's organisation number, the
// body of upstream's to_810418672 case) → the supplier's consumer_org
// grant gets a token → the lists and Maskinporten's lookup show it →
// revoked through the offered revoke → refused; given again and given
// back through the received revoke (party "organization" with the
// header) → refused again.
func TestAMDelegationJourney(t *testing.T) {
	j := newJourney(t)
	s := j.s
	notDelegated := "Consumer " + consumer + " has not delegated access to the scope " + apiScope + " to supplier " + supplier + "."
	tiger, elg := person(t, s, consumerDAGL), person(t, s, supplierDAGL)

	// Upstream's delegation to an organisation number, with our scheme and supplier.
	body := fixture(t, "MaskinportenScopeDelegation/jks_audi_etron_gt/from_p50005545/to_810418672/Input_Default.json",
		"jks_audi_etron_gt", schemeID, "810418672", supplier)
	st, _, raw := s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered", tiger, body)
	if st != 201 {
		t.Fatalf("delegate: %d %s", st, raw)
	}
	var res apidelegation.RightsDelegationResponse
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	// The answer has upstream's shape (its ExpectedOutput lists one result
	// per action; a Maskinporten schema has the one, ScopeAccess).
	if len(res.To) != 1 || res.To[0].ID != "urn:altinn:organizationnumber" || res.To[0].Value != supplier ||
		len(res.RightDelegationResults) != 1 || res.RightDelegationResults[0].RightKey != schemeID+":ScopeAccess" ||
		res.RightDelegationResults[0].Status != "Delegated" || res.RightDelegationResults[0].Action != "ScopeAccess" ||
		len(res.RightDelegationResults[0].Resource) != 1 || res.RightDelegationResults[0].Resource[0].Value != schemeID {
		t.Fatalf("delegation answer %s", raw)
	}
	var shape map[string]any
	if err := json.Unmarshal(fixture(t, "MaskinportenScopeDelegation/jks_audi_etron_gt/from_p50005545/to_810418672/ExpectedOutput_Default.json"), &shape); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(raw, &got)
	for k := range shape {
		if _, ok := got[k]; !ok {
			t.Fatalf("answer lacks upstream's %q: %s", k, raw)
		}
	}
	// Delegating the same again changes nothing.
	if st, _, raw := s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered", tiger, body); st != 201 {
		t.Fatalf("delegate again: %d %s", st, raw)
	}

	st, out := j.token(t, consumer, apiScope)
	if st != 200 {
		t.Fatalf("token after the AM delegation: %d %v", st, out)
	}
	if c := apptest.JWTClaims(t, out["access_token"].(string)); c["delegation_source"] != source {
		t.Fatalf("claims %v", c)
	}

	// Offered (by party id) and received (by organisation number in the header).
	off := offered(t, s, tiger, consumerParty)
	if len(off) != 1 || off[0].OfferedByOrganizationNumber != consumer || off[0].CoveredByOrganizationNumber != supplier ||
		off[0].ResourceID != schemeID || off[0].OfferedByPartyID != 50000003 || off[0].CoveredByPartyID == nil || *off[0].CoveredByPartyID != 50000004 ||
		off[0].OfferedByName != "Rakrygget Spesifikk Tiger AS" || off[0].PerformedByUserID == 0 || off[0].Created.IsZero() {
		t.Fatalf("offered %+v", off)
	}
	st, _, raw = s.Do(t, "GET", amBase+"organization/maskinportenschema/received", elg, nil, apidelegation.OrganizationNumberHeader, supplier)
	var rec []apidelegation.SchemaDelegation
	if err := json.Unmarshal(raw, &rec); st != 200 || err != nil || len(rec) != 1 || rec[0].OfferedByOrganizationNumber != consumer || rec[0].ResourceID != schemeID {
		t.Fatalf("received: %d %s", st, raw)
	}
	// The consumer received nothing.
	var none []apidelegation.SchemaDelegation
	if st, _, raw := s.Do(t, "GET", amBase+consumerParty+"/maskinportenschema/received", tiger, nil); st != 200 || string(raw) != "[]" {
		t.Fatalf("consumer's received: %d %s", st, raw)
	}
	_ = none

	// Maskinporten's lookup (Digdir's admin scope) sees it.
	admin := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{apidelegation.ScopeMPDelegationsAdmin}})
	var mp []map[string]any
	if st := s.DoJSON(t, "GET", amBase+"maskinporten/delegations?supplierorg="+supplier+"&consumerorg="+consumer+"&scope="+apiScope, admin, nil, &mp); st != 200 ||
		len(mp) != 1 || mp[0]["consumer_org"] != consumer || mp[0]["supplier_org"] != supplier || mp[0]["resourceid"] != schemeID {
		t.Fatalf("lookup: %d %v", st, mp)
	}

	// Revoked through the offered revoke (upstream's body, with our names).
	revoke := fixture(t, "RevokeOfferedMaskinportenScopeDelegation/jks_audi_etron_gt/from_p50005545/to_810418532/Input_Default.json",
		"jks_audi_etron_gt", schemeID, "810418532", supplier)
	if st, _, raw := s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered/revoke", tiger, revoke); st != 204 || len(raw) != 0 {
		t.Fatalf("revoke: %d %s", st, raw)
	}
	st, out = j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", notDelegated)
	if off := offered(t, s, tiger, consumerParty); len(off) != 0 {
		t.Fatalf("offered after the revoke: %+v", off)
	}
	// Revoking what is not delegated answers the same (upstream's revoke
	// deletes whatever there is).
	if st, _, raw := s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered/revoke", tiger, revoke); st != 204 {
		t.Fatalf("revoke again: %d %s", st, raw)
	}

	// Given again (to the supplier's party id), then given back by the supplier.
	body = fixture(t, "MaskinportenScopeDelegation/jks_audi_etron_gt/from_p50005545/to_p50004222/Input_Default.json",
		"jks_audi_etron_gt", schemeID, "50004222", supplierParty)
	if st, _, raw := s.Do(t, "POST", amBase+"organization/maskinportenschema/offered", tiger, body, apidelegation.OrganizationNumberHeader, consumer); st != 201 {
		t.Fatalf("delegate by header: %d %s", st, raw)
	}
	if st, out := j.token(t, consumer, apiScope); st != 200 {
		t.Fatalf("token after delegating again: %d %v", st, out)
	}
	back := fixture(t, "RevokeReceivedMaskinportenScopeDelegation/jks_audi_etron_gt/from_p50005545/to_810418532/Input_Default.json",
		"jks_audi_etron_gt", schemeID, "50005545", consumerParty)
	// The consumer's person cannot give back what the supplier received.
	if st, _, _ := s.Do(t, "POST", amBase+supplierParty+"/maskinportenschema/received/revoke", tiger, back); st != 403 {
		t.Fatalf("received revoke by the consumer's person: %d", st)
	}
	if st, _, raw := s.Do(t, "POST", amBase+supplierParty+"/maskinportenschema/received/revoke", elg, back); st != 204 {
		t.Fatalf("received revoke: %d %s", st, raw)
	}
	st, out = j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", notDelegated)

	// Both withdrawals are in the control API's history, by the persons.
	var ds []apidelegation.Delegation
	if st := s.DoJSON(t, "GET", "/sim/api/v1/apidelegation/delegations?consumer="+consumer+"&withdrawn=true", "", nil, &ds); st != 200 || len(ds) != 2 ||
		ds[0].CreatedBy != consumerDAGL || ds[0].WithdrawnBy != consumerDAGL || ds[1].WithdrawnBy != supplierDAGL {
		t.Fatalf("history: %d %+v", st, ds)
	}
}

// TestAMWhoMayCall: a person who may manage the party; a bare 403 for
// anyone else, an unknown party or a person's; upstream's 400 for a party
// it cannot read (IdentifierUtil).
func TestAMWhoMayCall(t *testing.T) {
	j := newJourney(t)
	s := j.s
	tiger, elg := person(t, s, consumerDAGL), person(t, s, supplierDAGL)
	org := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": consumer, "scopes": []string{"altinn:portal/enduser"}})
	for name, c := range map[string]struct {
		tok, path string
		hdr       []string
		st        int
		errKey    string
	}{
		"the consumer's DAGL":          {tiger, consumerParty, nil, 200, ""},
		"by organisation number":       {tiger, "organization", []string{apidelegation.OrganizationNumberHeader, consumer}, 200, ""},
		"another organisation's DAGL":  {elg, consumerParty, nil, 403, ""},
		"an organisation's token":      {org, consumerParty, nil, 403, ""},
		"an unknown party":             {tiger, "123", nil, 403, ""},
		"a person's party":             {tiger, "50100001", nil, 403, ""},
		"an org number in the path":    {tiger, consumer, nil, 403, ""},
		"not a party id":               {tiger, "abc", nil, 400, "Validation Error"},
		"party id 0":                   {tiger, "0", nil, 400, "Validation Error"},
		"organization without header":  {tiger, "organization", nil, 400, "Validation Error"},
		"organization with a bad one":  {tiger, "organization", []string{apidelegation.OrganizationNumberHeader, "12345"}, 400, "Validation Error"},
		"person (not between persons)": {tiger, "person", nil, 400, "Validation Error"},
	} {
		for _, op := range []string{"offered", "received"} {
			st, _, raw := s.Do(t, "GET", amBase+c.path+"/maskinportenschema/"+op, c.tok, nil, c.hdr...)
			if st != c.st {
				t.Errorf("%s, %s: %d %s, want %d", name, op, st, raw, c.st)
				continue
			}
			if st == 403 && len(raw) != 0 {
				t.Errorf("%s, %s: 403 with a body %s", name, op, raw)
			}
			if c.errKey != "" {
				var v validationBody
				if err := json.Unmarshal(raw, &v); err != nil || len(v.Errors[c.errKey]) != 1 {
					t.Errorf("%s, %s: %s", name, op, raw)
				}
			}
		}
	}
	// Writes too: the supplier's DAGL cannot delegate for the consumer.
	body := fixture(t, "MaskinportenScopeDelegation/jks_audi_etron_gt/from_p50005545/to_810418672/Input_Default.json",
		"jks_audi_etron_gt", schemeID, "810418672", supplier)
	if st, _, _ := s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered", elg, body); st != 403 {
		t.Fatalf("delegate for another organisation: %d", st)
	}
	if st, _, _ := s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered", "", body); st != 401 {
		t.Fatalf("delegate without a token: %d", st)
	}
}

// TestAMValidationAsUpstream: upstream's validation cases, their bodies
// and expected answers.
func TestAMValidationAsUpstream(t *testing.T) {
	j := newJourney(t)
	s := j.s
	tiger, elg := person(t, s, consumerDAGL), person(t, s, supplierDAGL)
	const dir = "MaskinportenScopeDelegation/mp_validation_problem_details/"
	cases := []struct {
		name, tok, path, in, want string
		subst                     []string
	}{
		{"unknown resource", tiger, consumerParty + "/maskinportenschema/offered",
			dir + "from_p1/to_p2/Input_InvalidResourceRegistryId.json", dir + "from_p1/to_p2/ExpectedOutput_InvalidResourceRegistryId.json", nil},
		{"two rights", tiger, consumerParty + "/maskinportenschema/offered",
			dir + "from_p1/to_p2/Input_SingleRightOnly.json", dir + "from_p1/to_p2/ExpectedOutput_SingleRightOnly.json", nil},
		// A resource of another type: the registry's seeded Systemresource.
		{"not a Maskinporten schema", tiger, consumerParty + "/maskinportenschema/offered",
			dir + "from_p1/to_p2/Input_InvalidResourceType.json", dir + "from_p1/to_p2/ExpectedOutput_InvalidResourceType.json",
			[]string{"system_resource", "altinn_access_management"}},
		// To party 2, which exists nowhere; the resource is our scheme.
		{"to an unknown party", tiger, consumerParty + "/maskinportenschema/offered",
			dir + "from_p50005545/to_p2/Input_Default.json", dir + "from_p50005545/to_p2/ExpectedOutput_InvalidTo.json",
			[]string{"mp_validation_problem_details", schemeID}},
		{"to a person", tiger, consumerParty + "/maskinportenschema/offered",
			dir + "from_p50005545/to_u20001337/Input_InvalidTo_Ssn.json", dir + "from_p50005545/to_u20001337/ExpectedOutput_InvalidTo_Ssn.json",
			[]string{"mp_validation_problem_details", schemeID}},
		{"received revoke from an unknown party", elg, supplierParty + "/maskinportenschema/received/revoke",
			"RevokeReceivedMaskinportenScopeDelegation/mp_validation_problem_details/from_p2/to_p50004221/Input_Default.json",
			"RevokeReceivedMaskinportenScopeDelegation/mp_validation_problem_details/from_p2/to_p50004221/ExpectedOutput_InvalidFrom.json",
			[]string{"mp_validation_problem_details", schemeID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, _, raw := s.Do(t, "POST", amBase+c.path, c.tok, fixture(t, c.in, c.subst...))
			wantValidation(t, st, raw, fixture(t, c.want, c.subst...))
		})
	}

	// To itself (upstream's MaskinportenDelegation_DAGL_FromAndToIdenticalPartyId).
	st, _, raw := s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered", tiger,
		fixture(t, "MaskinportenScopeDelegation/jks_audi_etron_gt/from_p50005545/to_p50004222/Input_Default.json", "jks_audi_etron_gt", schemeID, "50004222", consumerParty))
	wantValidation(t, st, raw, []byte(`{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
		"errors":{"To":["Maskinporten schema delegation can not have the same party in the From and To Attributes: `+consumerParty+`"]}}`))
	// An app's org/app is not a registry resource.
	st, _, raw = s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered", tiger,
		`{"to":[{"id":"urn:altinn:organizationnumber","value":"`+supplier+`"}],"rights":[{"resource":[{"id":"urn:altinn:org","value":"ttd"},{"id":"urn:altinn:app","value":"x"}]}]}`)
	wantValidation(t, st, raw, []byte(`{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
		"errors":{"right[0].Resource":["This operation only support requests for resources from the Altinn Resource Registry using the urn:altinn:resource attribute id"]}}`))
	// ASP.NET's model binding: the [Required] lists.
	st, _, raw = s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered", tiger, `{}`)
	wantValidation(t, st, raw, []byte(`{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
		"errors":{"To":["The To field is required."],"Rights":["The Rights field is required."]}}`))
	// Nothing was delegated by any of it.
	var ds []apidelegation.Delegation
	if st := s.DoJSON(t, "GET", "/sim/api/v1/apidelegation/delegations?withdrawn=true", "", nil, &ds); st != 200 || len(ds) != 0 {
		t.Fatalf("delegations after refusals: %+v", ds)
	}
}

// TestAMRegistryResource: a MaskinportenSchema resource of the resource
// registry (the seed's ske-maskinportenschema-test, scope
// skatteetaten:testapi) is delegable through Access Management without a
// scheme of the control API: the first delegation makes its scheme, with
// the resource's scopes and owner. Its delegation check answers upstream's
// scope-access-schema shape.
func TestAMRegistryResource(t *testing.T) {
	j := newJourney(t)
	s := j.s
	tiger := person(t, s, consumerDAGL)
	const res = "ske-maskinportenschema-test"

	check := fixture(t, "DelegationCheck/scope-access-schema/request.json", "scope-access-schema", res)
	st, _, raw := s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/delegationcheck", tiger, check)
	var got []apidelegation.RightDelegationCheckResult
	if err := json.Unmarshal(raw, &got); st != 200 || err != nil {
		t.Fatalf("delegation check: %d %s", st, raw)
	}
	var want []apidelegation.RightDelegationCheckResult
	if err := json.Unmarshal(fixture(t, "DelegationCheck/scope-access-schema/from_p50005545/authn_u20000490.json", "scope-access-schema", res), &want); err != nil {
		t.Fatal(err)
	}
	// The person is DAGL (and LEDE) of the consumer; upstream's user is DAGL.
	if len(got) != 1 || got[0].RightKey != want[0].RightKey || got[0].Action != want[0].Action || got[0].Status != want[0].Status ||
		len(got[0].Details) != 1 || got[0].Details[0].Code != want[0].Details[0].Code ||
		!strings.Contains(got[0].Details[0].Description, "urn:altinn:rolecode:DAGL") {
		t.Fatalf("delegation check %s, want the shape of %+v", raw, want)
	}
	// An app is not a registry resource to the check.
	st, _, raw = s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/delegationcheck", tiger, fixture(t, "DelegationCheck/org1_app1/request.json"))
	if v := (validationBody{}); st != 400 || json.Unmarshal(raw, &v) != nil || len(v.Errors["right[0].Resource"]) != 1 ||
		!strings.HasPrefix(v.Errors["right[0].Resource"][0], "The specified resource is not recognized") {
		t.Fatalf("check of an app: %d %s", st, raw)
	}
	st, _, raw = s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/delegationcheck", tiger, `{"resource":[{"id":"urn:altinn:resource","value":"kravogbetaling"}]}`)
	if v := (validationBody{}); st != 400 || json.Unmarshal(raw, &v) != nil || len(v.Errors["right[0].Resource"]) != 1 ||
		v.Errors["right[0].Resource"][0] != "This operation only supports MaskinportenSchema resources. Please use the Single Rights DelegationCheck API. Invalid resource: kravogbetaling. Invalid resource type: GenericAccessResource" {
		t.Fatalf("check of another type: %d %s", st, raw)
	}

	in := `{"to":[{"id":"urn:altinn:organizationnumber","value":"` + supplier + `"}],"rights":[{"resource":[{"id":"urn:altinn:resource","value":"` + res + `"}]}]}`
	if st, _, raw := s.Do(t, "POST", amBase+consumerParty+"/maskinportenschema/offered", tiger, in); st != 201 {
		t.Fatalf("delegate the registry's resource: %d %s", st, raw)
	}
	var sc apidelegation.Scheme
	if st := s.DoJSON(t, "GET", "/sim/api/v1/apidelegation/schemes/"+res, "", nil, &sc); st != 200 ||
		sc.OwnerOrgNo != provider || len(sc.Scopes) != 1 || sc.Scopes[0] != "skatteetaten:testapi" || sc.Title != "Maskinporten-API (test)" {
		t.Fatalf("the resource's scheme: %d %+v", st, sc)
	}
	// Maskinporten's lookup finds it by the resource's scope.
	admin := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{apidelegation.ScopeMPDelegationsAdmin}})
	var mp []map[string]any
	if st := s.DoJSON(t, "GET", amBase+"maskinporten/delegations?scope=skatteetaten:testapi", admin, nil, &mp); st != 200 || len(mp) != 1 || mp[0]["resourceid"] != res {
		t.Fatalf("lookup by the resource's scope: %d %v", st, mp)
	}
}

// TestMaskinportenLookup: Maskinporten's GET maskinporten/delegations as
// upstream's MaskinportenDelegationsControllerTest and
// MaskinportenSchemaControllerTest have it: who may look up what, the
// query's checks, and the answer's shape; with a real token from /token.
func TestMaskinportenLookup(t *testing.T) {
	j := newJourney(t)
	s := j.s
	j.delegate(t, consumer, supplier)
	j.delegate(t, consumer, other)
	admin := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{apidelegation.ScopeMPDelegationsAdmin}})
	lookup := func(tok, query string) (int, []byte) {
		st, _, raw := s.Do(t, "GET", amBase+"maskinporten/delegations/?"+query, tok, nil)
		return st, raw
	}

	// The provider, with a client of its own and the scope, from /token.
	id, key := apptest.RegisterClient(t, s.URL, provider, apidelegation.ScopeMPDelegations)
	own := apptest.GrantToken(t, s.URL, id, key, apidelegation.ScopeMPDelegations)
	st, raw := lookup(own, "consumerOrg="+consumer+"&scope="+apiScope)
	var mp []struct {
		ConsumerOrg string   `json:"consumer_org"`
		SupplierOrg string   `json:"supplier_org"`
		SchemeID    *string  `json:"delegation_scheme_Id"`
		Scopes      []string `json:"scopes"`
		Created     string   `json:"created"`
		ResourceID  string   `json:"resourceid"`
	}
	if err := json.Unmarshal(raw, &mp); st != 200 || err != nil || len(mp) != 2 || mp[0].SupplierOrg != supplier || mp[1].SupplierOrg != other ||
		mp[0].ResourceID != schemeID || len(mp[0].Scopes) != 1 || mp[0].Scopes[0] != apiScope || mp[0].Created == "" || mp[0].SchemeID != nil ||
		!strings.Contains(string(raw), `"delegation_scheme_Id":null`) {
		t.Fatalf("provider's lookup: %d %s", st, raw)
	}
	// Narrowed to a supplier; query names in any casing (ASP.NET).
	if st, raw := lookup(admin, "SUPPLIERORG="+supplier+"&consumerorg="+consumer+"&Scope="+apiScope); st != 200 || strings.Count(string(raw), "consumer_org") != 1 {
		t.Fatalf("narrowed: %d %s", st, raw)
	}
	// A scope no scheme holds, and a urn: none (upstream's UrnScopeFormat case).
	for _, q := range []string{"scope=skatteetaten:other", "supplierorg=" + supplier + "&consumerorg=" + consumer + "&scope=urn:altinn:instances.read"} {
		if st, raw := lookup(admin, q); st != 200 || string(raw) != "[]" {
			t.Fatalf("%s: %d %s", q, st, raw)
		}
	}
	// The admin needs no scope.
	if st, raw := lookup(admin, "supplierorg="+supplier+"&consumerorg="+consumer+"&scope="); st != 200 || strings.Count(string(raw), "consumer_org") != 1 {
		t.Fatalf("admin without a scope: %d %s", st, raw)
	}

	type pd struct {
		Type   string              `json:"type"`
		Title  string              `json:"title"`
		Status int                 `json:"status"`
		Errors map[string][]string `json:"errors"`
	}
	refusals := []struct {
		name, tok, query string
		st               int
		title, errKey    string
		msg              string
	}{
		{"another's scope", own, "consumerorg=" + consumer + "&scope=altinn:instances.read", 403,
			"Not authorized for lookup of delegations for the scope: altinn:instances.read", "", ""},
		{"no scope without admin", own, "supplierorg=" + supplier + "&consumerorg=" + consumer + "&scope=", 403,
			"Not authorized for lookup of delegations without specifying parameter: scope", "", ""},
		{"nothing asked", admin, "supplierorg=&consumerorg=&scope=", 400,
			"Missing query parameters; provide at least one of: scope, supplierOrg, consumerOrg", "", ""},
		{"bad supplier", admin, "supplierorg=123&scope=" + apiScope, 400, "One or more validation errors occurred.",
			"supplierOrg", "supplierOrg is not a valid organization number"},
		{"bad consumer", admin, "consumerorg=12345678X&scope=" + apiScope, 400, "One or more validation errors occurred.",
			"consumerOrg", "consumerOrg is not a valid organization number"},
		{"unknown consumer", admin, "consumerorg=999999999&scope=" + apiScope, 400, "One or more validation errors occurred.",
			"consumerOrg", "The specified consumerOrg: 999999999, is not a valid organization number"},
	}
	for _, c := range refusals {
		st, raw := lookup(c.tok, c.query)
		var p pd
		if err := json.Unmarshal(raw, &p); err != nil || st != c.st || p.Status != c.st || p.Title != c.title {
			t.Errorf("%s: %d %s", c.name, st, raw)
			continue
		}
		if c.errKey != "" && (len(p.Errors[c.errKey]) != 1 || p.Errors[c.errKey][0] != c.msg) {
			t.Errorf("%s: errors %v", c.name, p.Errors)
		}
	}
	// A token without either scope: the guard's 403; none: 401.
	if st, _ := lookup(s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": provider, "scopes": []string{"altinn:portal/enduser"}}), "scope="+apiScope); st != 403 {
		t.Fatalf("without the scope: %d", st)
	}
	if st, _ := lookup("", "scope="+apiScope); st != 401 {
		t.Fatalf("without a token: %d", st)
	}
}

package conformance

// Ported from Altinn/altinn-authentication
// test/Altinn.Platform.Authentication.SystemIntegrationTests/Tests/SystemRegisterTests.cs,
// the platform's weekday end-to-end suite (fixtures in
// testdata/altinn-authentication/e2e, filled in as its TestState does).
//
// The upstream suite runs against tt02/at22 with a real Maskinporten
// token for its vendor; here the vendor token is a test token for the
// same vendor and scope. The test-environment resources it names
// (vegardtestressurs, authentication-e2e-test,
// resource_nonDelegable_enkeltrettighet) are created first, as they exist
// there. Not ported: GetSystemRegisterReturns200Ok and
// VerifySystemRegistergetSystemsIsOk only check that a list answers 200
// (covered by every test here that lists).

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
)

const srcE2ERegister = "altinn-authentication/SystemIntegrationTests/SystemRegisterTests"

// e2eState is the upstream TestState: a template with {vendorId}, {Name},
// {clientId}, {redirectUrl} and {rights} filled in.
type e2eState struct {
	template, vendor, name, clientID, redirect string
	rights                                     []any
}

func newE2EState(template, name string) *e2eState {
	return &e2eState{template: template, vendor: validOrg, name: strings.ReplaceAll(name, " ", ""),
		clientID: uuid.NewString(), redirect: "https://altinn.no"}
}

func (s *e2eState) withResource(value string) *e2eState {
	s.rights = append(s.rights, map[string]any{"resource": []any{map[string]string{"id": "urn:altinn:resource", "value": value}}})
	return s
}

func (s *e2eState) systemID() string { return s.vendor + "_" + s.name }

func (s *e2eState) body(t *testing.T) []byte {
	t.Helper()
	rights, _ := json.Marshal(s.rights)
	if s.rights == nil {
		rights = []byte("[]")
	}
	r := strings.NewReplacer("{vendorId}", s.vendor, "{Name}", s.name, "{clientId}", s.clientID, "{redirectUrl}", s.redirect,
		"{rights}", `"rights": `+string(rights)+",")
	return []byte(r.Replace(string(fixture(t, "altinn-authentication/e2e/"+s.template))))
}

func startE2E(t *testing.T) (regEnv, string) {
	t.Helper()
	e := startRegister(t)
	tok := e.orgToken(validOrg, "altinn:resourceregistry/resource.admin")
	for _, r := range []struct {
		id        string
		delegable bool
	}{{"vegardtestressurs", true}, {"authentication-e2e-test", true}, {"resource_nonDelegable_enkeltrettighet", false}} {
		body := map[string]any{
			"identifier": r.id, "resourceType": "GenericAccessResource", "delegable": r.delegable, "visible": true,
			"title":                 map[string]string{"nb": r.id, "nn": r.id, "en": r.id},
			"description":           map[string]string{"nb": r.id, "nn": r.id, "en": r.id},
			"hasCompetentAuthority": map[string]string{"orgcode": "ttd", "organization": "991825827"},
		}
		if a := e.do("POST", "/resourceregistry/api/v1/resource/", tok, body); a.status/100 != 2 {
			t.Fatalf("create test-environment resource %s: %d %s", r.id, a.status, a.body)
		}
	}
	return e, e.orgToken(validOrg, scopeRegWrite)
}

// vendorSystems is the upstream GetSystemsAsync: the vendor's list.
func vendorSystems(t *testing.T, e regEnv, token string) (answer, []string) {
	t.Helper()
	a := e.do("GET", regAPI+"/vendor", token, nil)
	var l []map[string]any
	_ = json.Unmarshal(a.body, &l)
	var ids []string
	for _, s := range l {
		ids = append(ids, fmt.Sprint(s["systemId"]))
	}
	return a, ids
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestE2ESystemRegister(t *testing.T) {
	t.Parallel()
	e, vendor := startE2E(t)
	src := srcE2ERegister

	for _, c := range []struct {
		test string
		res  []string
	}{
		{"CreateNewSystemReturns200Ok", []string{"vegardtestressurs", "authentication-e2e-test"}},
		{"CreateNewSystemWithAppReturns200Ok", []string{"app_ttd_endring-av-navn-v2", "authentication-e2e-test"}},
	} {
		s := newE2EState("CreateNewSystem.json", "SystemRegister e2e Tests: "+uuid.NewString())
		for _, r := range c.res {
			s.withResource(r)
		}
		a := e.do("POST", regAPI+"/vendor", vendor, s.body(t))
		checkStatus(t, src, c.test+"/status", 200, a)
		la, ids := vendorSystems(t, e, vendor)
		checkStatus(t, src, c.test+"/list status", 200, la)
		check(t, src, c.test+"/found", contains(ids, s.systemID()), fmt.Sprint(ids))
		checkStatus(t, src, c.test+"/delete", 200, e.do("DELETE", regAPI+"/vendor/"+s.systemID(), vendor, nil))
	}

	{
		const n = "DeleteRegisteredSystemReturns200Ok"
		s := newE2EState("CreateNewSystem.json", "SystemRegister e2e Tests - Delete"+uuid.NewString()).withResource("vegardtestressurs").withResource("authentication-e2e-test")
		checkStatus(t, src, n+"/post", 200, e.do("POST", regAPI+"/vendor", vendor, s.body(t)))
		checkStatus(t, src, n+"/delete", 200, e.do("DELETE", regAPI+"/vendor/"+s.systemID(), vendor, nil))
		_, ids := vendorSystems(t, e, vendor)
		check(t, src, n+"/not found", !contains(ids, s.systemID()), fmt.Sprint(ids))
	}

	{
		const n = "UpdateRegisteredSystemReturns200Ok"
		s := newE2EState("CreateNewSystem.json", "SystemRegister e2e Tests Put "+uuid.NewString()).withResource("vegardtestressurs")
		checkStatus(t, src, n+"/post", 200, e.do("POST", regAPI+"/vendor", vendor, s.body(t)))
		put := *s
		put.template = "UnitTestFilePut.json"
		checkStatus(t, src, n+"/put", 200, e.do("PUT", regAPI+"/vendor/"+s.systemID(), vendor, put.body(t)))
		checkStatus(t, src, n+"/get", 200, e.do("GET", regAPI+"/vendor/"+s.systemID(), vendor, nil))
		checkStatus(t, src, n+"/get for vendor", 200, e.do("GET", regAPI+"/vendor/"+s.systemID(), vendor, nil))
		checkStatus(t, src, n+"/delete", 200, e.do("DELETE", regAPI+"/vendor/"+s.systemID(), vendor, nil))
	}

	{
		const n = "GetBySystemIdReturns200Ok"
		s := newE2EState("CreateNewSystem.json", uuid.NewString()).withResource("vegardtestressurs")
		checkStatus(t, src, n+"/post", 200, e.do("POST", regAPI+"/vendor", vendor, s.body(t)))
		checkStatus(t, src, n+"/status", 200, e.do("GET", regAPI+"/vendor/"+s.systemID(), vendor, nil))
		const n2 = "GetBySystemIdReturns403IfNotValidOrg"
		checkStatus(t, src, n2+"/status", 403, e.do("GET", regAPI+"/vendor/"+s.systemID(), e.orgToken("214270102", scopeRegWrite), nil))
	}

	{
		const n = "UpdateRightsInSystemForVendorReturns200Ok"
		s := newE2EState("CreateNewSystem.json", "SystemRegister e2e Tests: Update rights: "+uuid.NewString()).withResource("resource_nonDelegable_enkeltrettighet")
		checkStatus(t, src, n+"/post", 200, e.do("POST", regAPI+"/vendor", vendor, s.body(t)))
		rights := `[{"action":"read","resource":[{"id":"urn:altinn:resource","value":"authentication-e2e-test"}]},
			{"action":"read","resource":[{"id":"urn:altinn:resource","value":"vegardtestressurs"}]}]`
		checkStatus(t, src, n+"/put rights", 200, e.do("PUT", regAPI+"/vendor/"+s.systemID()+"/rights", vendor, rights))
		a := e.do("GET", regAPI+"/vendor/"+s.systemID(), vendor, nil)
		checkStatus(t, src, n+"/get", 200, a)
		body := string(a.body)
		check(t, src, n+"/has authentication-e2e-test", strings.Contains(body, "authentication-e2e-test"), body)
		check(t, src, n+"/has vegardtestressurs", strings.Contains(body, "vegardtestressurs"), body)
		check(t, src, n+"/old right gone", !strings.Contains(body, "resource_nonDelegable_enkeltrettighet"), body)
	}

	{
		s := newE2EState("AccessPackageSystemRegister.json", uuid.NewString())
		checkStatus(t, src, "PostSystemWithAccessPackage/status", 200, e.do("POST", regAPI+"/vendor", vendor, s.body(t)))
	}

	{
		const n = "PutSystemWithAccessPackage"
		s := newE2EState("AccessPackageSystemRegister.json", uuid.NewString())
		checkStatus(t, src, n+"/post", 200, e.do("POST", regAPI+"/vendor", vendor, s.body(t)))
		want := []string{"dokumentbasert-tilsyn", "infrastruktur", "patent-varemerke-design", "tilskudd-stotte-erstatning",
			"mine-sider-kommune", "politi-og-domstol", "rapportering-statistikk", "forskning", "folkeregister",
			"maskinporten-scopes", "maskinlesbare-hendelser", "maskinporten-scopes-nuf"}
		var body []map[string]string
		var wantURNs []any
		for _, p := range want {
			body = append(body, map[string]string{"Urn": "urn:altinn:accesspackage:" + p})
			wantURNs = append(wantURNs, "urn:altinn:accesspackage:"+p)
		}
		checkStatus(t, src, n+"/put", 200, e.do("PUT", regAPI+"/vendor/"+s.systemID()+"/accesspackages", vendor, body))
		a := e.do("GET", regAPI+"/vendor/"+s.systemID(), vendor, nil)
		checkStatus(t, src, n+"/get", 200, a)
		var got struct {
			AccessPackages []struct {
				URN string `json:"urn"`
			} `json:"accessPackages"`
		}
		_ = json.Unmarshal(a.body, &got)
		var gotURNs []any
		for _, p := range got.AccessPackages {
			gotURNs = append(gotURNs, p.URN)
		}
		checkEq(t, src, n+"/count", len(wantURNs), len(gotURNs))
		checkEq(t, src, n+"/urns", wantURNs, gotURNs)
	}
}

package conformance

// Ported from Altinn/altinn-authentication
// test/Altinn.Platform.Authentication.Tests/Controllers/SystemRegisterControllerTests.cs
// (fixtures in testdata/altinn-authentication). The upstream tests run
// against mocks of the resource registry and access management; the
// resources those mocks know are created here through the resource
// registry API (setupUpstreamResources), so the same ids mean the same.
//
// Not ported: SystemRegister_Rollback_Test (asserts the body of a 500
// that names Npgsql.PostgresException, an implementation detail), and
// RunParallelSystemRegisterUpdates (a helper, not a test).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

const srcRegister = "altinn-authentication/SystemRegisterControllerTests"

const regAPI = "/authentication/api/v1/systemregister"

// Validation titles of the platform's ValidationErrors.cs (AUTH.VLD-000NN).
var vldTitle = map[string]string{
	"AUTH.VLD-00000": "the org number identifier is not valid ISO6523 identifier",
	"AUTH.VLD-00001": "The system id does not match the format orgnumber_xxxx...",
	"AUTH.VLD-00002": "The system id already exists",
	"AUTH.VLD-00003": "One or more resources specified in rights were not found in Altinn's resource register.",
	"AUTH.VLD-00004": "One of the client id is already tagged with an existing system",
	"AUTH.VLD-00005": "One or more of the redirect urls format is not valid. The valid format is https://xxx.xx",
	"AUTH.VLD-00006": "One or more duplicate rights found",
	"AUTH.VLD-00007": "One or more duplicate access package(s) found",
	"AUTH.VLD-00008": "One or all the accesspackage(s) is not found in altinn's access packages or is not delegable",
	"AUTH.VLD-00009": "One or more resource id is in wrong format. The valid format is urn:altinn:resource",
	"AUTH.VLD-00011": "Request contains duplicate client ids",
	"AUTH.VLD-00012": "The system ID in the request body does not match the system ID in the URL",
	"AUTH.VLD-00013": "System ID cannot have spaces in id (leading, trailing or in between the id)",
	"AUTH.VLD-00017": "One or more resources specified in rights is of resource type which is not delegable.",
	"AUTH.VLD-00018": "Access packages meant for system user for client relations can't be used in combination with the flag isVisible: true",
}

// regEnv is an emulator with the upstream mocks' resources.
type regEnv struct {
	*env
	admin, write string // tokens for validOrg
}

func startRegister(t *testing.T) regEnv {
	t.Helper()
	e := start(t)
	setupUpstreamResources(e)
	return regEnv{env: e, admin: e.orgToken(validOrg, scopeRegAdmin), write: e.orgToken(validOrg, scopeRegWrite)}
}

// setupUpstreamResources creates the resources the upstream
// ResourceRegistryClientMock answers for that the seed does not have.
func setupUpstreamResources(e *env) {
	e.t.Helper()
	tok := e.orgToken(validOrg, "altinn:resourceregistry/resource.admin")
	for _, r := range []struct{ id, typ string }{
		{"ske-krav-og-betalinger-2", "GenericAccessResource"},
		{"ske-krav-og-betalinger-3", "GenericAccessResource"},
		{"ske-krav-og-betalinger-subres", "GenericAccessResource"},
		{"app_ttd_endring-av-navn-v2", "AltinnApp"},
		{"ttd-am-k6", "MaskinportenSchema"},
	} {
		if a := e.do("GET", "/resourceregistry/api/v1/resource/"+r.id, "", nil); a.status == 200 {
			continue
		}
		body := map[string]any{
			"identifier": r.id, "resourceType": r.typ, "delegable": true, "visible": true,
			"title":                 map[string]string{"nb": r.id, "nn": r.id, "en": r.id},
			"description":           map[string]string{"nb": r.id, "nn": r.id, "en": r.id},
			"hasCompetentAuthority": map[string]string{"orgcode": "ttd", "organization": "991825827"},
		}
		if a := e.do("POST", "/resourceregistry/api/v1/resource/", tok, body); a.status/100 != 2 {
			e.t.Fatalf("create upstream resource %s: %d %s", r.id, a.status, a.body)
		}
	}
}

func (e regEnv) create(token, file string) answer {
	e.t.Helper()
	return e.do("POST", regAPI+"/vendor/", token, fixture(e.t, "altinn-authentication/SystemRegister/"+file))
}

// checkStatus records an upstream Assert.Equal(HttpStatusCode.X, ...).
func checkStatus(t *testing.T, source, name string, want int, a answer) {
	t.Helper()
	check(t, source, name, a.status == want, fmt.Sprintf("want %d, got %d %s", want, a.status, a.body))
}

// checkVldErr records the usual upstream trio on a validation problem:
// the error with code is there, it names path, and its title is the
// platform's. single also asserts it is the only error (Assert.Single).
func checkVldErr(t *testing.T, source, name string, a answer, code, path string, single bool) {
	t.Helper()
	p := a.problem()
	ve := p.vErr(code)
	check(t, source, name+"/has "+code, ve != nil, string(a.body))
	if single {
		check(t, source, name+"/single error", len(p.ValidationErrors) == 1, string(a.body))
	}
	check(t, source, name+"/path "+path, ve != nil && hasPath(ve, path), string(a.body))
	title, _ := ve["title"].(string)
	check(t, source, name+"/title", ve != nil && title == vldTitle[code], fmt.Sprintf("want %q, got %q", vldTitle[code], title))
}

// checkChangeLog is the upstream GetAndAssertSystemChangeLog: as many
// entries as the expected file, and for each expected changeType an entry
// with the same changedByOrgNumber and the same changedData (compared as
// JSON values).
func checkChangeLog(t *testing.T, e regEnv, name, token, systemID, file string) {
	t.Helper()
	var want, got []map[string]any
	if err := json.Unmarshal(fixture(t, "altinn-authentication/SystemChangeLog/"+file+".json"), &want); err != nil {
		t.Fatal(err)
	}
	a := e.do("GET", regAPI+"/vendor/"+systemID+"/changelog", token, nil)
	_ = json.Unmarshal(a.body, &got)
	check(t, srcRegister, name+"/changelog count", len(got) == len(want), fmt.Sprintf("want %d entries, got %d %s", len(want), a.status, a.body))
	for _, w := range want {
		var g map[string]any
		for _, c := range got {
			if c["changeType"] == w["changeType"] {
				g = c
				break
			}
		}
		ct := fmt.Sprint(w["changeType"])
		check(t, srcRegister, name+"/changelog "+ct+" present", g != nil, string(a.body))
		checkEq(t, srcRegister, name+"/changelog "+ct+" changedByOrgNumber", w["changedByOrgNumber"], g["changedByOrgNumber"])
		checkEq(t, srcRegister, name+"/changelog "+ct+" changedData", w["changedData"], g["changedData"])
	}
}

func TestSystemRegisterCreate(t *testing.T) {
	t.Parallel()
	ok := []struct{ test, file, systemID string }{
		{"SystemRegister_Create_Success", "SystemRegister.json", "991825827_the_matrix"},
		{"SystemRegister_Create_WithApp_Success", "SystemRegisterWithApp.json", ""},
		{"SystemRegister_Create_WithResourceAndApp_Success", "SystemRegisterWithResourceAndApp.json", ""},
		{"SystemRegister_Create_WithAccessPackage_Success", "SystemRegisterWithAccessPackage.json", ""},
	}
	for _, c := range ok {
		t.Run(c.test, func(t *testing.T) {
			e := startRegister(t)
			checkStatus(t, srcRegister, c.test+"/status", http.StatusOK, e.create(e.admin, c.file))
			if c.systemID != "" {
				checkChangeLog(t, e, c.test, e.write, c.systemID, "ChangeLogCreate")
			}
		})
	}

	t.Run("SystemRegister_Create_BadRequest", func(t *testing.T) {
		e := startRegister(t)
		checkStatus(t, srcRegister, "SystemRegister_Create_BadRequest/status", 400, e.create(e.admin, "SystemRegisterInvalidRequest.json"))
	})

	t.Run("SystemRegister_Create_DuplicateSystem_BadRequest", func(t *testing.T) {
		e := startRegister(t)
		const n = "SystemRegister_Create_DuplicateSystem_BadRequest"
		checkStatus(t, srcRegister, n+"/first status", 200, e.create(e.admin, "SystemRegister.json"))
		a := e.create(e.admin, "SystemRegister.json")
		checkStatus(t, srcRegister, n+"/second status", 400, a)
		checkVldErr(t, srcRegister, n, a, "AUTH.VLD-00002", "/registersystemrequest/systemid", false)
	})

	bad := []struct {
		test, file, code, path string
		single                 bool
	}{
		{"SystemRegister_Create_BadRequest_SystemId", "SystemRegisterInvalidSystemId.json", "AUTH.VLD-00013", "/registersystemrequest/systemid", false},
		{"SystemRegister_Create_InvalidSystemIdFormat_BadRequest", "SystemRegisterInvalidSystemIdFormat.json", "AUTH.VLD-00001", "/registersystemrequest/systemid", true},
		{"SystemRegister_Create_InvalidResourceIdFormat_BadRequest", "SystemRegisterInvalidResourceIdFormat.json", "AUTH.VLD-00009", "/registersystemrequest/rights/resource", true},
		{"SystemRegister_Create_InvalidResourceId_BadRequest", "SystemRegisterInvalidResource.json", "AUTH.VLD-00003", "/registersystemrequest/rights/resource", true},
		{"SystemRegister_Create_InvalidAccessPackages_BadRequest", "SystemRegisterInvalidAccessPackage.json", "AUTH.VLD-00008", "/registersystemrequest/accesspackages", true},
		{"SystemRegister_Create_DuplicateResource_BadRequest", "SystemRegisterDuplicateResource.json", "AUTH.VLD-00006", "/registersystemrequest/rights/resource", true},
		{"SystemRegister_Create_DuplicateAccessPackage_BadRequest", "SystemRegisterDuplicateAccessPackage.json", "AUTH.VLD-00007", "/registersystemrequest/accesspackages", true},
		{"SystemRegister_Create_InvalidRedirectUrl_BadRequest", "SystemRegisterInvalidRedirectUrl.json", "AUTH.VLD-00005", "/registersystemrequest/allowedredirecturls", true},
		{"SystemRegister_Create_InvalidOrgIdentifier_BadRequest", "SystemRegisterInvalidOrgIdentifier.json", "AUTH.VLD-00000", "/registersystemrequest/vendor/id", false},
	}
	for _, c := range bad {
		t.Run(c.test, func(t *testing.T) {
			e := startRegister(t)
			a := e.create(e.admin, c.file)
			checkStatus(t, srcRegister, c.test+"/status", 400, a)
			checkVldErr(t, srcRegister, c.test, a, c.code, c.path, c.single)
		})
	}

	t.Run("SystemRegister_Create_InvalidResourceType_BadRequest", func(t *testing.T) {
		e := startRegister(t)
		const n = "SystemRegister_Create_InvalidResourceType_BadRequest"
		a := e.create(e.admin, "SystemRegisterInvalidResourceType.json")
		checkStatus(t, srcRegister, n+"/status", 400, a)
		p := a.problem()
		check(t, srcRegister, n+"/two errors", len(p.ValidationErrors) == 2, string(a.body))
		checkVldErr(t, srcRegister, n, a, "AUTH.VLD-00017", "/registersystemrequest/rights/resource", false)
		checkVldErr(t, srcRegister, n, a, "AUTH.VLD-00009", "/registersystemrequest/rights/resource", false)
		nd, _ := p.vErr("AUTH.VLD-00017")["ResourceIds Not Delegable : "].(string)
		checkEq(t, srcRegister, n+"/not delegable extension", "ttd-am-k6", nd)
		inv, _ := p.vErr("AUTH.VLD-00009")["Invalid Resource Id Details : "].(string)
		checkEq(t, srcRegister, n+"/invalid format extension", "ttd-am-invalidresformat", inv)
	})
}

func TestSystemChangeLog(t *testing.T) {
	t.Parallel()
	t.Run("GetSystemChangeLog_InvalidOrg_ReturnsForbidden", func(t *testing.T) {
		e := startRegister(t)
		const n = "GetSystemChangeLog_InvalidOrg_ReturnsForbidden"
		checkStatus(t, srcRegister, n+"/create", 200, e.create(e.write, "SystemRegister.json"))
		other := e.orgToken(invalidOrg, scopeRegWrite)
		checkStatus(t, srcRegister, n+"/status", 403, e.do("GET", regAPI+"/vendor/991825827_the_matrix/changelog", other, nil))
	})
	t.Run("GetSystemChangeLog_Admin_ReturnsOk", func(t *testing.T) {
		e := startRegister(t)
		const n = "GetSystemChangeLog_Admin_ReturnsOk"
		checkStatus(t, srcRegister, n+"/create", 200, e.create(e.write, "SystemRegister.json"))
		checkChangeLog(t, e, n, e.admin, "991825827_the_matrix", "ChangeLogCreate")
	})
	t.Run("GetSystemChangeLog_InvalidSystemId_ReturnsNotFound", func(t *testing.T) {
		e := startRegister(t)
		checkStatus(t, srcRegister, "GetSystemChangeLog_InvalidSystemId_ReturnsNotFound/status", 404,
			e.do("GET", regAPI+"/vendor/991825827_the_matrix/changelog", e.write, nil))
	})
	t.Run("SystemRegister_Get_NotFound", func(t *testing.T) {
		e := startRegister(t)
		checkStatus(t, srcRegister, "SystemRegister_Get_NotFound/status", 404,
			e.do("GET", regAPI+"/vendor/991825827_the_matrix", e.admin, nil))
	})
}

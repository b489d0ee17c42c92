package conformance

// Ported from Altinn/altinn-authentication
// test/Altinn.Platform.Authentication.SystemIntegrationTests/Tests/SystemUserTests.cs:
// the vendor's side of system-user requests (create, status, delete).
//
// Not ported, as they need the test environment's real test users (a
// DAGL logged in through ID-porten from testusers.tt02.json) to approve:
// GetCreatedSystemUser, ApproveRequestSystemUserAndVerifyDecisionTest,
// ApproveRequestSystemUserTest_WithApp, DeleteSystemUserTest. PutSystemUser
// and VerifyPaginatedResponseSystemUserTest are skipped upstream.

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
)

const srcE2ESystemUser = "altinn-authentication/SystemIntegrationTests/SystemUserTests"

const reqAPI = "/authentication/api/v1/systemuser/request/vendor"

// requestBody is the upstream PrepareSystemUserRequest: CreateRequest.json
// with the system id, redirect URL and the system's rights.
func (s *e2eState) requestBody(t *testing.T) []byte {
	t.Helper()
	rights, _ := json.Marshal(s.rights)
	r := strings.NewReplacer("{systemId}", s.systemID(), "{redirectUrl}", s.redirect, "{rights}", `"rights": `+string(rights)+",")
	return []byte(r.Replace(string(fixture(t, "altinn-authentication/e2e/CreateRequest.json"))))
}

func TestE2ESystemUserRequests(t *testing.T) {
	t.Parallel()
	e, _ := startE2E(t)
	src := srcE2ESystemUser
	// The e2e vendor token carries all the vendor scopes its helper asks for.
	vendor := e.orgToken(validOrg, scopeRegWrite, "altinn:authentication/systemuser.request.write", "altinn:authentication/systemuser.request.read")

	newSystem := func(name string, res ...string) *e2eState {
		s := newE2EState("CreateNewSystem.json", name)
		for _, r := range res {
			s.withResource(r)
		}
		checkStatus(t, src, "RegisterSystem/status", 200, e.do("POST", regAPI+"/vendor", vendor, s.body(t)))
		return s
	}
	create := func(test string, s *e2eState) string {
		a := e.do("POST", reqAPI, vendor, s.requestBody(t))
		checkStatus(t, src, test+"/created", 201, a)
		var r struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(a.body, &r)
		return r.ID
	}

	create("PostRequestSystemUserTest", newSystem(uuid.NewString(), "authentication-e2e-test", "vegardtestressurs"))

	s := newSystem("E2E tests - App "+uuid.NewString(), "app_ttd_endring-av-navn-v2", "vegardtestressurs")
	create("PostRequestSystemUserTest_WithApp", s)
	checkStatus(t, src, "PostRequestSystemUserTest_WithApp/delete system", 200, e.do("DELETE", regAPI+"/vendor/"+s.systemID(), vendor, nil))

	{
		const n = "GetRequestSystemUserStatus"
		id := create(n, newSystem("SystemRegister e2e Tests"+uuid.NewString(), "authentication-e2e-test", "vegardtestressurs"))
		// The upstream helper replaces "requestId" in ".../{requestId}",
		// so it asks for "/{<id>}": .NET's Guid binding takes the braced
		// form too.
		a := e.do("GET", reqAPI+"/"+url.PathEscape("{"+id+"}"), vendor, nil)
		m, _ := jsonOf(a.body).(map[string]any)
		checkEq(t, src, n+"/status New", "New", m["status"])
		checkStatus(t, src, n+"/status", 200, a)
	}

	{
		const n = "DeleteSystemUserRequestTest"
		id := create(n, newSystem("SystemRegister e2e Tests"+uuid.NewString(), "authentication-e2e-test", "vegardtestressurs"))
		checkStatus(t, src, n+"/delete", 202, e.do("DELETE", reqAPI+"/"+id, vendor, nil))
		checkStatus(t, src, n+"/gone", 404, e.do("GET", reqAPI+"/"+url.PathEscape("{"+id+"}"), vendor, nil))
	}
}

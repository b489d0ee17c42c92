package conformance

// Ported from Altinn/altinn-authentication
// test/Altinn.Platform.Authentication.Tests/Controllers/RequestControllerTests.cs,
// the vendor's create/read/delete of standard requests. The upstream
// party 910493353 is in the emulator's base data too. Not yet ported: the
// approval, agent and pagination tests (they lean on the upstream mocks'
// parties and relations, which would need seeding to match).

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
)

const srcRequests = "altinn-authentication/RequestControllerTests"

func matrixStandardRequest(rights []any, packages []any) map[string]any {
	r := map[string]any{"externalRef": "external", "systemId": matrix, "partyOrgNo": "910493353"}
	if rights != nil {
		r["rights"] = rights
	}
	if packages != nil {
		r["accessPackages"] = packages
	}
	return r
}

func resourceRight(values ...string) []any {
	var pairs []any
	for _, v := range values {
		pairs = append(pairs, map[string]string{"id": "urn:altinn:resource", "value": v})
	}
	return []any{map[string]any{"resource": pairs}}
}

func TestRequestControllerVendor(t *testing.T) {
	t.Parallel()
	e := startRegister(t)
	src := srcRequests
	write := e.orgToken(validOrg, "altinn:authentication/systemuser.request.write")
	read := e.orgToken(validOrg, "altinn:authentication/systemuser.request.read")
	checkStatus(t, src, "setup/create system", 200, e.create(e.admin, "SystemRegister.json"))

	type reqResp struct {
		ID          string `json:"id"`
		ExternalRef string `json:"externalRef"`
		ConfirmURL  string `json:"confirmUrl"`
		Created     string `json:"created"`
	}
	decode := func(a answer) reqResp {
		var r reqResp
		_ = json.Unmarshal(a.body, &r)
		return r
	}

	body := matrixStandardRequest(resourceRight("ske-krav-og-betalinger"), []any{})
	checkStatus(t, src, "Request_Create_UnAuthorized/status", 401, e.do("POST", reqAPI, "", body))

	a := e.do("POST", reqAPI, write, body)
	checkStatus(t, src, "Request_Create_FirstAttempt_ReturnCreated/status", 201, a)
	first := decode(a)
	checkEq(t, src, "Request_Create_FirstAttempt_ReturnCreated/externalRef", "external", first.ExternalRef)
	check(t, src, "Request_Create_FirstAttempt_ReturnCreated/confirmUrl", first.ConfirmURL != "", string(a.body))
	check(t, src, "Request_Create_FirstAttempt_ReturnCreated/created", first.Created != "" && first.Created[:4] != "0001", string(a.body))

	a = e.do("POST", reqAPI, write, matrixStandardRequest(resourceRight("ske-krav-og-betalinger"), nil))
	checkStatus(t, src, "Request_Create_SecondAttempt_ReturnOK/status", 200, a)
	second := decode(a)
	checkEq(t, src, "Request_Create_SecondAttempt_ReturnOK/externalRef", "external", second.ExternalRef)
	checkEq(t, src, "Request_Create_SecondAttempt_ReturnOK/same confirmUrl", first.ConfirmURL, second.ConfirmURL)

	// Delete_Request_ByGuid_Accepted (and _NotFound, which repeats it).
	g := e.do("GET", reqAPI+"/"+first.ID, read, nil)
	checkStatus(t, src, "Delete_Request_ByGuid_Accepted/get", 200, g)
	checkEq(t, src, "Delete_Request_ByGuid_Accepted/id", first.ID, decode(g).ID)
	checkStatus(t, src, "Delete_Request_ByGuid_Accepted/delete", 202, e.do("DELETE", reqAPI+"/"+first.ID, write, nil))
	checkStatus(t, src, "Delete_Request_ByGuid_Accepted/gone", 404, e.do("GET", reqAPI+"/"+first.ID, read, nil))

	person := e.srv.TestToken(t, map[string]any{"type": "person", "pid": "12857841016", "scopes": []string{"altinn:portal/enduser"}})
	checkStatus(t, src, "Delete_Request_ByGuid_Forbid/status", 403, e.do("DELETE", reqAPI+"/"+uuid.NewString(), person, nil))
}

func TestRequestControllerBadRequests(t *testing.T) {
	t.Parallel()
	e := startRegister(t)
	src := srcRequests
	write := e.orgToken(validOrg, "altinn:authentication/systemuser.request.write")

	checkStatus(t, src, "Request_Create_Failed_WrongRights/create system", 200, e.create(e.admin, "SystemRegisterSubRights.json"))
	checkStatus(t, src, "Request_Create_Failed_WrongRights/status", 400,
		e.do("POST", reqAPI, write, matrixStandardRequest(resourceRight("ske-krav-og-betalinger", "finnesikke"), nil)))

	// Request_Create_BadRequest_NotDelegable runs on its own emulator, as
	// upstream each test has its own database.
	e2 := startRegister(t)
	write2 := e2.orgToken(validOrg, "altinn:authentication/systemuser.request.write")
	const n = "Request_Create_BadRequest_NotDelegable"
	checkStatus(t, src, n+"/create system", 200, e2.create(e2.admin, "SystemRegisterWithAccessPackage.json"))
	a := e2.do("POST", reqAPI, write2, matrixStandardRequest(nil, []any{map[string]string{"urn": "urn:altinn:accesspackage:regnskapsforer-lonn"}}))
	checkStatus(t, src, n+"/status", 400, a)
	var p map[string]any
	_ = json.Unmarshal(a.body, &p)
	checkEq(t, src, n+"/title", "One or more access packages cannot be delegated. Either they are intended for clients or they cannot be delegated further.", p["title"])
	_, has := p["NotDelegablePackages"]
	check(t, src, n+"/NotDelegablePackages", has, string(a.body))
}

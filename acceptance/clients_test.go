package acceptance

import (
	"encoding/json"
	"testing"
)

// TestDocsClientDelegation walks the client-delegation guide for system
// vendors: list the organisation's agent system users, the clients it may
// add, add one, list it, remove it — with the URLs as the guide writes them
// (".../clients/?agent=", a trailing slash ASP.NET routing ignores), and the
// documented answer shapes.
func TestDocsClientDelegation(t *testing.T) {
	t.Parallel()
	e := start(t)
	clientID := "5bd7bd1a-4fa1-4d1c-b2a3-acc2f6a30c11"
	e.client(clientID, vendorOrg, scopeRegister, scopeReqWrite, scopeReqRead)
	sys := map[string]any{
		"id":                  smartcloudAgent,
		"vendor":              map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:" + vendorOrg},
		"name":                map[string]any{"nb": "SmartCloud AP", "nn": "SmartCloud AP", "en": "SmartCloud AP"},
		"description":         map[string]any{"nb": "Regnskap", "nn": "Rekneskap", "en": "Accounting"},
		"accessPackages":      []any{map[string]any{"urn": "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"}},
		"clientId":            []string{clientID},
		"allowedredirecturls": []string{"https://smartcloudaltinn.azurewebsites.net/receipt"},
		"isVisible":           false,
	}
	if r := e.do("POST", authAPI+"/systemregister/vendor/", e.vendorToken(scopeRegister), sys); r.status != 200 {
		t.Fatalf("register agent system (trailing slash): %d %s", r.status, r)
	}
	r := e.do("POST", authAPI+"/systemuser/request/vendor/agent/", e.vendorToken(scopeReqWrite), fixture(t, "request.agent.json"))
	if r.status != 201 {
		t.Fatalf("agent request (trailing slash): %d %s", r.status, r)
	}
	agent := r.obj(t)["id"].(string)
	if r := e.do("POST", authAPI+"/systemuser/request/agent/"+firmOrg+"/"+agent+"/approve", e.personToken(firmDAGL), nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r)
	}

	// The firm's person, with an Altinn token carrying the client-delegation scopes.
	tok := e.testToken(map[string]any{"type": "person", "pid": firmDAGL,
		"scopes": []string{"altinn:clientdelegations.read", "altinn:clientdelegations.write"}})

	// 1. The organisation's agent system users.
	r = e.do("GET", authAPI+"/enduser/systemuser/agents?party="+firmOrg, tok, nil)
	var agents []map[string]any
	if r.status != 200 || json.Unmarshal(r.body, &agents) != nil || len(agents) != 1 {
		t.Fatalf("agents: %d %s", r.status, r)
	}
	keys(t, "agent", agents[0], "id", "integrationTitle", "systemId", "productName", "systemInternalId", "partyId", "reporteeOrgNo",
		"created", "isDeleted", "supplierName", "supplierOrgno", "externalRef", "accessPackages", "userType")
	if agents[0]["id"] != agent || agents[0]["userType"] != "agent" || agents[0]["reporteeOrgNo"] != firmOrg {
		t.Errorf("agent: %v", agents[0])
	}

	// 2. Available clients.
	r = e.do("GET", authAPI+"/enduser/systemuser/clients/available?agent="+agent, tok, nil)
	if r.status != 200 {
		t.Fatalf("available: %d %s", r.status, r)
	}
	avail := r.obj(t)
	keys(t, "available", avail, "links", "systemUserInformation", "data")
	if info, _ := avail["systemUserInformation"].(map[string]any); info["systemUserId"] != agent || info["systemUserOwnerOrg"] != firmOrg {
		t.Errorf("systemUserInformation %v", avail["systemUserInformation"])
	}
	var client map[string]any
	for _, c := range avail["data"].([]any) {
		if m := c.(map[string]any); m["clientOrganizationNumber"] == "310385980" {
			client = m
		}
	}
	if client == nil {
		t.Fatalf("310385980 (REGN client of the firm) not available: %s", r)
	}
	keys(t, "available client", client, "clientId", "clientOrganizationNumber", "clientOrganizationName")
	clientUUID := client["clientId"].(string)

	// 4. Add it, as the guide writes the URL.
	q := "?agent=" + agent + "&client=" + clientUUID
	r = e.do("POST", authAPI+"/enduser/systemuser/clients/"+q, tok, nil)
	if r.status != 200 {
		t.Fatalf("add client (guide URL): %d %s", r.status, r)
	}
	if m := r.obj(t); m["agent"] != agent || m["client"] != clientUUID {
		t.Errorf("add answer %v, want {agent, client}", m)
	}
	// 3. Delegated clients.
	r = e.do("GET", authAPI+"/enduser/systemuser/clients/?agent="+agent, tok, nil)
	if r.status != 200 {
		t.Fatalf("clients (guide URL): %d %s", r.status, r)
	}
	if d := r.obj(t)["data"].([]any); len(d) != 1 || d[0].(map[string]any)["clientOrganizationNumber"] != "310385980" {
		t.Errorf("delegated clients: %s", r)
	}
	// 5. Remove it.
	r = e.do("DELETE", authAPI+"/enduser/systemuser/clients/"+q, tok, nil)
	if r.status != 200 || r.obj(t)["client"] != clientUUID {
		t.Errorf("remove client (guide URL): %d %s", r.status, r)
	}
	if r := e.do("GET", authAPI+"/enduser/systemuser/clients?agent="+agent, tok, nil); r.status != 200 || len(r.obj(t)["data"].([]any)) != 0 {
		t.Errorf("clients after removal: %d %s", r.status, r)
	}
}

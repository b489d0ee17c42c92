package acceptance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// The docs' SmartCloud system and the client id they bind to it.
const (
	smartcloud         = "991825827_smartcloud"
	smartcloudClient   = "32ef65ac-6e62-498d-880f-76c85c2052ae"
	smartcloudTT02     = "a2ed712d-4144-4471-839f-80ae4a68146b"
	smartcloudAgent    = "991825827_smartcloud_ap"
	docsScope          = "krr:global/kontaktinformasjon.read"
	smartcloudRedirect = "https://smartcloudxxxx/receipt"
)

// keys fails unless m has every key, spelled exactly so.
func keys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: no field %q (casing matters) in %v", what, k, m)
		}
	}
}

func first(t *testing.T, what string, v any) map[string]any {
	t.Helper()
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		t.Fatalf("%s: want a non-empty array, got %v", what, v)
	}
	m, ok := a[0].(map[string]any)
	if !ok {
		t.Fatalf("%s: element is not an object: %v", what, a[0])
	}
	return m
}

// TestDocsStandardFlow sends the docs' camelCase system registration, the
// standard request, the change request, the Maskinporten system-user grant
// and the PDP request as written, and checks the documented answers.
func TestDocsStandardFlow(t *testing.T) {
	t.Parallel()
	e := start(t)
	key := e.client(smartcloudClient, vendorOrg, scopeRegister, scopeReqWrite, scopeReqRead, docsScope)
	reg := e.vendorToken(scopeRegister)
	vendor := e.vendorToken(scopeReqWrite, scopeReqRead)

	// Register: 200 with the internal id as a bare JSON string.
	r := e.do("POST", authAPI+"/systemregister/vendor", reg, fixture(t, "systemregister.camel.json"))
	var internalID string
	if r.status != 200 || json.Unmarshal(r.body, &internalID) != nil || uuid.Validate(internalID) != nil {
		t.Fatalf("register (docs body): %d %s, want 200 and a uuid string", r.status, r)
	}
	r = e.do("GET", authAPI+"/systemregister/vendor/"+smartcloud, reg, nil)
	if r.status != 200 {
		t.Fatalf("get system: %d %s", r.status, r)
	}
	sys := r.obj(t)
	keys(t, "system", sys, "id", "vendor", "name", "description", "rights", "accessPackages", "clientId", "isVisible", "allowedRedirectUrls", "isDeleted")
	if v, _ := sys["vendor"].(map[string]any); v["ID"] != "0192:"+vendorOrg || v["authority"] != "iso6523-actorid-upis" {
		t.Errorf("vendor %v, want {authority, ID: 0192:%s} with capital ID", sys["vendor"], vendorOrg)
	}
	if res := first(t, "rights[0].resource", first(t, "rights", sys["rights"])["resource"]); res["id"] != "urn:altinn:resource" || res["value"] != "ske-krav-og-betalinger" {
		t.Errorf("rights: %v", sys["rights"])
	}
	if p := first(t, "accessPackages", sys["accessPackages"]); p["urn"] != "urn:altinn:accesspackage:skattegrunnlag" {
		t.Errorf("accessPackages: %v", sys["accessPackages"])
	}
	if fmt.Sprint(sys["allowedRedirectUrls"]) != "["+smartcloudRedirect+"]" || fmt.Sprint(sys["clientId"]) != "["+smartcloudClient+"]" {
		t.Errorf("allowedRedirectUrls %v, clientId %v", sys["allowedRedirectUrls"], sys["clientId"])
	}

	// The standard request (the docs' body; only the customer adapted).
	r = e.do("POST", authAPI+"/systemuser/request/vendor", vendor, fixture(t, "request.standard.json"))
	if r.status != 201 {
		t.Fatalf("standard request (docs body): %d %s, want 201", r.status, r)
	}
	req := r.obj(t)
	keys(t, "request", req, "id", "externalRef", "systemId", "partyOrgNo", "rights", "accessPackages", "status", "redirectUrl", "confirmUrl", "created")
	reqID, _ := req["id"].(string)
	if req["status"] != "New" || req["externalRef"] != customerOrg || req["systemId"] != smartcloud || req["partyOrgNo"] != customerOrg {
		t.Errorf("request: %v (externalRef defaults to partyOrgNo)", req)
	}
	if cu, _ := req["confirmUrl"].(string); !strings.HasPrefix(cu, e.srv.URL+"/") || !strings.Contains(cu, "?id="+reqID) {
		t.Errorf("confirmUrl %q: want ours with ?id=%s", cu, reqID)
	}
	// Sent again: 200 with the same request.
	if r := e.do("POST", authAPI+"/systemuser/request/vendor", vendor, fixture(t, "request.standard.json")); r.status != 200 || r.obj(t)["id"] != reqID {
		t.Errorf("same request again: %d %s, want 200 with id %s", r.status, r, reqID)
	}

	// The API reference's body: PascalCase "Resource" and an unknown
	// "externalReference" (ignored, so externalRef is the org number, as the
	// docs' response shows); an empty redirectUrl is no redirect.
	r = e.do("POST", authAPI+"/systemuser/request/vendor", vendor, fixture(t, "request.standard.pascal.json"))
	if r.status != 201 {
		t.Fatalf("standard request (API reference body): %d %s", r.status, r)
	}
	pascal := r.obj(t)
	if pascal["externalRef"] != hareOrg || first(t, "rights", pascal["rights"])["resource"] == nil {
		t.Errorf("API reference request answered %v", pascal)
	}
	pascalID, _ := pascal["id"].(string)
	if r := e.do("POST", authAPI+"/systemuser/request/"+hareOrg+"/"+pascalID+"/approve", e.personToken(hareDAGL), nil); r.status != 200 {
		t.Fatalf("approve (Stille Modig Hare): %d %s", r.status, r)
	}

	// The customer's daglig leder approves; the system user gets the request's id.
	if r := e.do("POST", authAPI+"/systemuser/request/"+customerOrg+"/"+reqID+"/approve", e.personToken(customerDAG), nil); r.status != 200 || strings.TrimSpace(r.String()) != "true" {
		t.Fatalf("approve: %d %s", r.status, r)
	}
	// The vendor follows the request's status (by id, by external ref, by system).
	if r := e.do("GET", authAPI+"/systemuser/request/vendor/"+reqID, vendor, nil); r.status != 200 || r.obj(t)["status"] != "Accepted" {
		t.Errorf("request status after approval: %d %s", r.status, r)
	}
	if r := e.do("GET", authAPI+"/systemuser/request/vendor/byexternalref/"+smartcloud+"/"+customerOrg+"/"+customerOrg, vendor, nil); r.status != 200 || r.obj(t)["id"] != reqID {
		t.Errorf("by external ref: %d %s", r.status, r)
	}
	r = e.do("GET", authAPI+"/systemuser/request/vendor/bysystem/"+smartcloud, vendor, nil)
	if r.status != 200 {
		t.Fatalf("by system: %d %s", r.status, r)
	}
	if page := r.obj(t); page["links"] == nil || len(page["data"].([]any)) != 2 {
		t.Errorf("by system: want {links:{next}, data:[2 requests]}: %s", r)
	}
	r = e.do("GET", authAPI+"/systemuser/vendor/byquery?system-id="+smartcloud+"&orgno="+customerOrg, vendor, nil)
	if r.status != 200 {
		t.Fatalf("byquery: %d %s", r.status, r)
	}
	su := r.obj(t)
	keys(t, "system user", su, "id", "integrationTitle", "systemId", "productName", "reporteeOrgNo", "created", "isDeleted", "supplierName", "supplierOrgno", "externalRef", "userType")
	if su["id"] != reqID || su["userType"] != "standard" || su["supplierOrgno"] != vendorOrg || su["reporteeOrgNo"] != customerOrg {
		t.Errorf("system user: %v", su)
	}

	t.Run("maskinporten grant claims", func(t *testing.T) {
		// The docs' JWT grant body with our issuer, client, times and customer.
		var claims map[string]any
		b := bytes.ReplaceAll(fixture(t, "grant.systemuser.claims.json"), []byte("0192:310385980"), []byte("0192:"+customerOrg))
		if err := json.Unmarshal(b, &claims); err != nil {
			t.Fatal(err)
		}
		now := time.Now().Unix()
		claims["aud"] = e.srv.Signing.Settings().Issuer
		claims["iss"], claims["sub"] = smartcloudClient, smartcloudClient
		claims["iat"], claims["exp"], claims["jti"] = now, now+100, uuid.NewString()
		assertion, err := mpgrant.Sign(key, claims)
		if err != nil {
			t.Fatal(err)
		}
		r := e.grant(assertion)
		if r.status != 200 {
			t.Fatalf("system-user grant (docs claims): %d %s", r.status, r)
		}
		tok := r.obj(t)
		keys(t, "token response", tok, "access_token", "token_type", "expires_in", "scope")
		at := apptest.JWTClaims(t, tok["access_token"].(string))
		ad := first(t, "authorization_details", at["authorization_details"])
		if ad["type"] != "urn:altinn:systemuser" || ad["system_id"] != smartcloud || fmt.Sprint(ad["systemuser_id"]) != "["+reqID+"]" {
			t.Errorf("authorization_details %v: want type, system_id %s, systemuser_id [%s]", ad, smartcloud, reqID)
		}
		if org, _ := ad["systemuser_org"].(map[string]any); org["ID"] != "0192:"+customerOrg || org["authority"] != "iso6523-actorid-upis" {
			t.Errorf("systemuser_org %v", ad["systemuser_org"])
		}
		if c, _ := at["consumer"].(map[string]any); c["ID"] != "0192:"+vendorOrg {
			t.Errorf("consumer %v", at["consumer"])
		}
		for _, k := range []string{"iss", "client_id", "client_amr", "scope", "token_type", "iat", "exp", "jti"} {
			if _, ok := at[k]; !ok {
				t.Errorf("access token lacks %q: %v", k, at)
			}
		}

		// The docs' aud (real Maskinporten) verbatim: refused, and the error
		// names the issuer to use instead.
		claims["jti"], claims["aud"] = uuid.NewString(), "https://maskinporten.no"
		assertion, _ = mpgrant.Sign(key, claims)
		r = e.grant(assertion)
		if m := r.obj(t); r.status != 400 || m["error"] != "invalid_grant" || !strings.Contains(fmt.Sprint(m["error_description"]), e.srv.Signing.Settings().Issuer) {
			t.Errorf("grant with the docs' aud: %d %s, want invalid_grant naming our issuer", r.status, r)
		}
		claims["aud"] = e.srv.Signing.Settings().Issuer

		// The token example's lower-case "id" in systemuser_org is accepted too.
		claims["jti"] = uuid.NewString()
		claims["authorization_details"] = []any{map[string]any{"type": "urn:altinn:systemuser",
			"systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "id": "0192:" + customerOrg}}}
		assertion, _ = mpgrant.Sign(key, claims)
		if r := e.grant(assertion); r.status != 200 {
			t.Errorf("grant with systemuser_org.id: %d %s", r.status, r)
		}
	})

	t.Run("pdp decision", func(t *testing.T) {
		body := bytes.ReplaceAll(fixture(t, "pdp.systemuser.json"), []byte("a6355a68-86b8-4344-8a81-0248cb461468"), []byte(reqID))
		r := e.do("POST", "/authorization/api/v1/decision", "", body)
		if r.status != 200 {
			t.Fatalf("decision (docs body): %d %s", r.status, r)
		}
		res := first(t, "response", r.obj(t)["response"])
		if res["decision"] != "Permit" {
			t.Errorf("decision for an approved system user on its right: %v, want Permit", res)
		}
		// Same subject on a customer it has no system user for: not Permit.
		other := bytes.ReplaceAll(body, []byte(`"313725138"`), []byte(`"314330897"`))
		if r := e.do("POST", "/authorization/api/v1/decision", "", other); r.status != 200 || first(t, "response", r.obj(t)["response"])["decision"] == "Permit" {
			t.Errorf("decision for another party: %d %s", r.status, r)
		}
		// The same body in camelCase (as PEP libraries serialise it) and all
		// lower-case: binding is case-insensitive on the platform.
		for name, conv := range map[string]func(string) string{"camelCase": lowerFirst, "lower-case": strings.ToLower} {
			b := recase(t, body, conv)
			if r := e.do("POST", "/authorization/api/v1/decision", "", b); r.status != 200 || first(t, "response", r.obj(t)["response"])["decision"] != "Permit" {
				t.Errorf("decision with %s keys: %d %s", name, r.status, r)
			}
		}
		// The system user must be the only subject attribute (the platform's
		// TooManyRequestSubjects fixtures): Indeterminate.
		two := bytes.Replace(body, []byte(`"DataType": "http://www.w3.org/2001/XMLSchema#string"
                    }
                ]
            }
        ],
        "Action"`), []byte(`"DataType": "http://www.w3.org/2001/XMLSchema#string"
                    },
                    {"AttributeId": "urn:altinn:organization:identifier-no", "Value": "991825827"}
                ]
            }
        ],
        "Action"`), 1)
		if bytes.Equal(two, body) {
			t.Fatal("fixture changed: could not add a second subject attribute")
		}
		if r := e.do("POST", "/authorization/api/v1/decision", "", two); r.status != 200 || first(t, "response", r.obj(t)["response"])["decision"] != "Indeterminate" {
			t.Errorf("system user with another subject attribute: %d %s, want Indeterminate", r.status, r)
		}
		// /authorize wants a token with the PDP scope; the body is the same.
		pdpTok := e.testToken(map[string]any{"type": "enterprise", "orgNo": "974761076", "scopes": []string{"altinn:authorization/authorize"}})
		if r := e.do("POST", "/authorization/api/v1/authorize", pdpTok, body); r.status != 200 || first(t, "response", r.obj(t)["response"])["decision"] != "Permit" {
			t.Errorf("authorize (docs body): %d %s", r.status, r)
		}
	})

	t.Run("change request", func(t *testing.T) {
		// Against the system user that has everything it asks for already:
		// nothing to change (the docs: changes are idempotent).
		corr := uuid.NewString()
		path := authAPI + "/systemuser/changerequest/vendor?correlation-id=" + corr + "&system-user-id=" + reqID
		r := e.do("POST", path, vendor, fixture(t, "changerequest.json"))
		if r.status != 200 || r.obj(t)["status"] != "NoChangeNeeded" || r.obj(t)["id"] != corr {
			t.Errorf("change request with nothing to change: %d %s, want 200 NoChangeNeeded", r.status, r)
		}
		// Against the one made from the API reference's request, which lacks
		// the access package: a real change, 201.
		reqID, customerOrg := pascalID, hareOrg
		corr = uuid.NewString()
		path = authAPI + "/systemuser/changerequest/vendor?correlation-id=" + corr + "&system-user-id=" + reqID
		r = e.do("POST", path, vendor, fixture(t, "changerequest.json"))
		if r.status != 201 {
			t.Fatalf("change request (docs body): %d %s, want 201", r.status, r)
		}
		cr := r.obj(t)
		keys(t, "change request", cr, "id", "externalRef", "systemId", "systemUserId", "partyOrgNo", "requiredRights", "unwantedRights",
			"requiredAccessPackages", "unwantedAccessPackages", "status", "redirectUrl", "confirmUrl")
		if cr["id"] != corr || cr["systemUserId"] != reqID || cr["status"] != "New" || cr["partyOrgNo"] != customerOrg {
			t.Errorf("change request: %v", cr)
		}
		if cu, _ := cr["confirmUrl"].(string); !strings.Contains(cu, "?id="+corr) {
			t.Errorf("change request confirmUrl %q", cu)
		}
		if r := e.do("GET", authAPI+"/systemuser/changerequest/vendor/"+corr, vendor, nil); r.status != 200 || r.obj(t)["id"] != corr {
			t.Errorf("get change request: %d %s", r.status, r)
		}
	})
}

// TestDocsPascalCaseSystem sends the older TT02 example, all PascalCase and
// with no vendor authority, and then that page's request, which asks for a
// right the system does not have: the platform refuses it (AUTH-00001).
func TestDocsPascalCaseSystem(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.client(smartcloudTT02, vendorOrg, scopeRegister, scopeReqWrite, scopeReqRead)
	reg := e.vendorToken(scopeRegister)
	if r := e.do("POST", authAPI+"/systemregister/vendor", reg, fixture(t, "systemregister.pascal.json")); r.status != 200 {
		t.Fatalf("register (PascalCase docs body): %d %s, want 200", r.status, r)
	}
	r := e.do("GET", authAPI+"/systemregister/vendor/"+smartcloud, reg, nil)
	if r.status != 200 {
		t.Fatalf("get: %d %s", r.status, r)
	}
	sys := r.obj(t)
	if sys["isVisible"] != true {
		t.Errorf("isVisible defaults to true: %v", sys["isVisible"])
	}
	if fmt.Sprint(sys["allowedRedirectUrls"]) != "[https://smartcloudaltinn.azurewebsites.net/receipt]" || fmt.Sprint(sys["clientId"]) != "["+smartcloudTT02+"]" {
		t.Errorf("PascalCase lists lost: %v", sys)
	}
	if res := first(t, "resource", first(t, "rights", sys["rights"])["resource"]); res["value"] != "kravogbetaling" {
		t.Errorf("rights %v", sys["rights"])
	}
	if v, _ := sys["vendor"].(map[string]any); v["ID"] != "0192:"+vendorOrg {
		t.Errorf("vendor %v", sys["vendor"])
	}
	r = e.do("POST", authAPI+"/systemuser/request/vendor", e.vendorToken(scopeReqWrite), fixture(t, "request.standard.2024.json"))
	wantProblem(t, "request for a right the system lacks", r, 400, "AUTH-00001")
}

// TestDocsAgentRequest sends the docs' agent request for an accounting
// firm.
func TestDocsAgentRequest(t *testing.T) {
	t.Parallel()
	e := start(t)
	clientID := uuid.NewString()
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
	if r := e.do("POST", authAPI+"/systemregister/vendor", e.vendorToken(scopeRegister), sys); r.status != 200 {
		t.Fatalf("register agent system: %d %s", r.status, r)
	}
	vendor := e.vendorToken(scopeReqWrite, scopeReqRead)
	r := e.do("POST", authAPI+"/systemuser/request/vendor/agent", vendor, fixture(t, "request.agent.json"))
	if r.status != 201 {
		t.Fatalf("agent request (docs body): %d %s, want 201", r.status, r)
	}
	m := r.obj(t)
	keys(t, "agent request", m, "id", "externalRef", "systemId", "partyOrgNo", "accessPackages", "status", "redirectUrl", "confirmUrl")
	id, _ := m["id"].(string)
	if m["status"] != "New" || m["externalRef"] != "smartcloud_demo_agent_test" || m["partyOrgNo"] != firmOrg {
		t.Errorf("agent request: %v", m)
	}
	if cu, _ := m["confirmUrl"].(string); !strings.Contains(cu, "agentrequest?id="+id) {
		t.Errorf("agent confirmUrl %q", cu)
	}
	if p := first(t, "accessPackages", m["accessPackages"]); p["urn"] != "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet" {
		t.Errorf("accessPackages %v", m["accessPackages"])
	}
	if r := e.do("GET", authAPI+"/systemuser/request/vendor/agent/"+id, vendor, nil); r.status != 200 || r.obj(t)["id"] != id {
		t.Errorf("get agent request: %d %s", r.status, r)
	}
	// The firm's daglig leder approves it.
	if r := e.do("POST", authAPI+"/systemuser/request/agent/"+firmOrg+"/"+id+"/approve", e.personToken(firmDAGL), nil); r.status != 200 {
		t.Errorf("approve agent request: %d %s", r.status, r)
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// recase rewrites every object key of a JSON document with conv.
func recase(t *testing.T, doc []byte, conv func(string) string) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			m := make(map[string]any, len(x))
			for k, val := range x {
				// name and description are language maps: their keys are
				// data (nb, nn, en), not member names.
				if lk := strings.ToLower(k); lk == "name" || lk == "description" {
					m[conv(k)] = val
					continue
				}
				m[conv(k)] = walk(val)
			}
			return m
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
			return x
		}
		return v
	}
	out, err := json.Marshal(walk(v))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// TestDocsBodiesAnyCase sends the docs' bodies with every member name in
// PascalCase, in lower case and in upper case, as .NET and hand-written
// clients do: the platform binds them case-insensitively, so nothing may be
// lost (the redirect URLs, the packages, the rights).
func TestDocsBodiesAnyCase(t *testing.T) {
	t.Parallel()
	for name, conv := range map[string]func(string) string{"PascalCase": upperFirst, "lower": strings.ToLower, "UPPER": strings.ToUpper} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := start(t)
			e.client(smartcloudClient, vendorOrg, scopeRegister, scopeReqWrite, scopeReqRead)
			reg := e.vendorToken(scopeRegister)
			if r := e.do("POST", authAPI+"/systemregister/vendor", reg, recase(t, fixture(t, "systemregister.camel.json"), conv)); r.status != 200 {
				t.Fatalf("register: %d %s", r.status, r)
			}
			sys := e.do("GET", authAPI+"/systemregister/vendor/"+smartcloud, reg, nil).obj(t)
			if fmt.Sprint(sys["allowedRedirectUrls"]) != "["+smartcloudRedirect+"]" || fmt.Sprint(sys["clientId"]) != "["+smartcloudClient+"]" ||
				sys["isVisible"] != true || len(sys["accessPackages"].([]any)) != 1 || len(sys["rights"].([]any)) != 1 {
				t.Errorf("registered system lost members: %v", sys)
			}
			if n, _ := sys["name"].(map[string]any); n["nn"] != "Smart SKY" {
				t.Errorf("name %v", sys["name"])
			}
			vendor := e.vendorToken(scopeReqWrite, scopeReqRead)
			r := e.do("POST", authAPI+"/systemuser/request/vendor", vendor, recase(t, fixture(t, "request.standard.json"), conv))
			if r.status != 201 {
				t.Fatalf("request: %d %s", r.status, r)
			}
			req := r.obj(t)
			if req["redirectUrl"] != smartcloudRedirect || len(req["accessPackages"].([]any)) != 1 || len(req["rights"].([]any)) != 1 {
				t.Errorf("request lost members: %v", req)
			}
			id := req["id"].(string)
			if r := e.do("POST", authAPI+"/systemuser/request/"+customerOrg+"/"+id+"/approve", e.personToken(customerDAG), nil); r.status != 200 {
				t.Fatalf("approve: %d %s", r.status, r)
			}
			// A change request that removes the package: nothing may be dropped.
			cr := recase(t, []byte(`{"unwantedAccessPackages":[{"urn":"urn:altinn:accesspackage:skattegrunnlag"}],"redirectUrl":"`+smartcloudRedirect+`"}`), conv)
			r = e.do("POST", authAPI+"/systemuser/changerequest/vendor?correlation-id="+uuid.NewString()+"&system-user-id="+id, vendor, cr)
			if r.status != 201 {
				t.Fatalf("change request: %d %s", r.status, r)
			}
			if m := r.obj(t); len(m["unwantedAccessPackages"].([]any)) != 1 || m["redirectUrl"] != smartcloudRedirect {
				t.Errorf("change request lost members: %v", m)
			}
		})
	}
}

// TestPlatformTestData sends system registrations from the platform's own
// test data (altinn-authentication's SystemRegister/Json) as they are and
// expects the answers its tests assert.
func TestPlatformTestData(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.client("32ef65ac-6e62-498d-880f-76c85c2052ae", vendorOrg, scopeRegister)
	e.client("2947f00e-e974-49f5-b633-42a840052fce", vendorOrg, scopeRegister)
	reg := e.vendorToken(scopeRegister)
	// Refusals first, so each answers with its own code only.
	for _, c := range []struct{ file, code string }{
		{"SystemRegisterInvalidOrgIdentifier.json", "AUTH.VLD-00000"},
		{"SystemRegisterInvalidRedirectUrl.json", "AUTH.VLD-00005"},
		{"SystemRegisterIsVisibleWithNonAssignableAccessPackage.json", "AUTH.VLD-00018"},
	} {
		r := e.do("POST", authAPI+"/systemregister/vendor", reg, fixture(t, "authtests/"+c.file))
		wantProblem(t, c.file, r, 400, c.code)
	}
	for _, c := range []struct{ file, id string }{
		{"SystemRegister.json", "991825827_the_matrix"},
		{"SystemRegisterWithApp.json", "991825827_system_with_app"},
	} {
		if r := e.do("POST", authAPI+"/systemregister/vendor", reg, fixture(t, "authtests/"+c.file)); r.status != 200 {
			t.Errorf("%s: %d %s", c.file, r.status, r)
			continue
		}
		if r := e.do("GET", authAPI+"/systemregister/vendor/"+c.id, reg, nil); r.status != 200 || r.obj(t)["id"] != c.id {
			t.Errorf("get %s: %d %s", c.id, r.status, r)
		}
	}
	// "singlerights" is not a member: the matrix has no rights.
	if r := e.do("GET", authAPI+"/systemregister/vendor/991825827_the_matrix", reg, nil); fmt.Sprint(r.obj(t)["rights"]) != "[]" {
		t.Errorf("the matrix rights: %v", r.obj(t)["rights"])
	}
	// Registering the same system again: AUTH.VLD-00002 (and its client id is taken).
	wantProblem(t, "again", e.do("POST", authAPI+"/systemregister/vendor", reg, fixture(t, "authtests/SystemRegister.json")), 400, "AUTH.VLD-00002")
}

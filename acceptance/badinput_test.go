package acceptance

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// answerKind is how an endpoint family reports bad input.
type answerKind int

const (
	problemAnswer answerKind = iota // 4xx application/problem+json (Altinn ProblemDetails)
	oauthAnswer                     // 400 {"error","error_description"} (Maskinporten /token)
	pdpAnswer                       // 200 XACML response, decision Indeterminate
)

// badBody is one kind of bad input.
type badBody struct {
	name        string
	contentType string
	body        func(valid string) string
}

// badBodies are sent to every JSON endpoint. valid is a body the endpoint
// would accept in shape, used where the point is the content type.
var badBodies = []badBody{
	{"malformed", "application/json", func(string) string { return `{"id": "x", "name": {"nb": ` }},
	{"trailing garbage", "application/json", func(v string) string { return v + `}{` }},
	{"array instead of object", "application/json", func(string) string { return `[1, 2, 3]` }},
	{"string instead of object", "application/json", func(string) string { return `"hello"` }},
	{"number instead of object", "application/json", func(string) string { return `42` }},
	{"null", "application/json", func(string) string { return `null` }},
	{"wrong member types", "application/json", func(string) string {
		return `{"id": 1, "Id": [], "vendor": "x", "name": 3, "description": [], "rights": {"a": 1}, "accessPackages": "x",
			"clientId": "x", "isVisible": "yes", "systemId": 5, "partyOrgNo": 313725138, "externalRef": {}, "redirectUrl": [],
			"requiredRights": "x", "unwantedRights": 1, "requiredAccessPackages": {}, "unwantedAccessPackages": true,
			"orgNo": 991825827, "scopes": "a b", "jwks": [], "type": 1, "pid": 2, "offset": [], "offsetSeconds": "x",
			"now": 5, "advance": {}, "target": 1, "status": "x", "count": "3", "delayMs": [],
			"identifier": 7, "title": 8, "resourceType": 9, "hasCompetentAuthority": "x", "keys": "x",
			"Request": "x", "integrationTitle": 4, "systemUserId": 1}`
	}},
	{"wrong nested types", "application/json", func(string) string {
		return `{"rights": [{"resource": [{"id": 1, "value": true}]}], "accessPackages": [{"urn": 5}],
			"requiredRights": [{"resource": "x"}], "vendor": {"ID": 192}, "name": {"nb": 1},
			"Request": {"AccessSubject": [{"Attribute": [{"AttributeId": 1, "Value": {}}]}], "Action": "x"}}`
	}},
	{"deeply nested", "application/json", func(string) string {
		return strings.Repeat(`{"a":[`, 20000) + strings.Repeat(`]}`, 20000)
	}},
	{"empty", "application/json", func(string) string { return `` }},
	{"whitespace only", "application/json", func(string) string { return "  \n\t " }},
	{"oversized", "application/json", func(string) string {
		return `{"id": "` + strings.Repeat("a", 3<<20) + `"}`
	}},
	{"text/plain", "text/plain", func(v string) string { return v }},
	{"form content type", "application/x-www-form-urlencoded", func(v string) string { return v }},
	{"xml", "application/xml", func(string) string { return `<Request/>` }},
	{"bad content type header", "application/json; charset", func(v string) string { return v }},
}

// TestBadInputNeverBreaks sends each kind of bad input to every JSON
// endpoint family: a clear 4xx ProblemDetails (an OAuth error on /token; a
// 200 Indeterminate from the PDP), never a 500, never a hang.
func TestBadInputNeverBreaks(t *testing.T) {
	t.Parallel()
	e := start(t)

	// A system, an approved system user and an agent system user, so the
	// routes that need one reach their body.
	clientID := uuid.NewString()
	e.client(clientID, vendorOrg, scopeRegister, scopeReqWrite, scopeReqRead)
	reg := e.vendorToken(scopeRegister)
	sys := fixtureMap(t, "systemregister.camel.json")
	sys["clientId"] = []string{clientID}
	if r := e.do("POST", authAPI+"/systemregister/vendor", reg, sys); r.status != 200 {
		t.Fatalf("register: %d %s", r.status, r)
	}
	vendor := e.vendorToken(scopeReqWrite, scopeReqRead)
	r := e.do("POST", authAPI+"/systemuser/request/vendor", vendor, fixture(t, "request.standard.json"))
	if r.status != 201 {
		t.Fatalf("request: %d %s", r.status, r)
	}
	suID := r.obj(t)["id"].(string)
	customer := e.personToken(customerDAG)
	if r := e.do("POST", authAPI+"/systemuser/request/"+customerOrg+"/"+suID+"/approve", customer, nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r)
	}
	skatt := e.testToken(map[string]any{"type": "enterprise", "orgNo": "974761076",
		"scopes": []string{"altinn:resourceregistry/resource.write", "altinn:authorization/authorize"}})

	validSystem, _ := json.Marshal(sys)
	validPDP := string(fixture(t, "pdp.systemuser.json"))
	endpoints := []struct {
		family, method, path, token, valid string
		kind                               answerKind
	}{
		{"system register", "POST", authAPI + "/systemregister/vendor", reg, string(validSystem), problemAnswer},
		{"system register", "PUT", authAPI + "/systemregister/vendor/" + smartcloud, reg, string(validSystem), problemAnswer},
		{"system register", "PUT", authAPI + "/systemregister/vendor/" + smartcloud + "/rights", reg, `[]`, problemAnswer},
		{"system register", "PUT", authAPI + "/systemregister/vendor/" + smartcloud + "/accesspackages", reg, `[]`, problemAnswer},
		{"requests", "POST", authAPI + "/systemuser/request/vendor", vendor, string(fixture(t, "request.standard.json")), problemAnswer},
		{"requests", "POST", authAPI + "/systemuser/request/vendor/agent", vendor, string(fixture(t, "request.agent.json")), problemAnswer},
		{"change requests", "POST", authAPI + "/systemuser/changerequest/vendor?correlation-id=" + uuid.NewString() + "&system-user-id=" + suID,
			vendor, string(fixture(t, "changerequest.json")), problemAnswer},
		{"system users", "POST", authAPI + "/systemuser/" + customerOrg + "/create", customer,
			`{"integrationTitle":"x","systemId":"` + smartcloud + `","partyId":"` + customerOrg + `"}`, problemAnswer},
		{"system users", "PUT", authAPI + "/systemuser", customer, `{"id":"` + suID + `","integrationTitle":"x"}`, problemAnswer},
		{"resources", "POST", "/resourceregistry/api/v1/resource", skatt, `{"identifier":"acc-bad-input","title":{"nb":"x","nn":"x","en":"x"}}`, problemAnswer},
		{"resources", "PUT", "/resourceregistry/api/v1/resource/ske-krav-og-betalinger", skatt, `{"identifier":"ske-krav-og-betalinger"}`, problemAnswer},
		{"pdp", "POST", "/authorization/api/v1/decision", "", validPDP, pdpAnswer},
		{"pdp", "POST", "/authorization/api/v1/authorize", skatt, validPDP, pdpAnswer},
		{"sim control", "POST", "/sim/api/v1/clients", "", `{"orgNo":"991825827","name":"x","scopes":[],"jwks":{"keys":[]}}`, problemAnswer},
		{"sim control", "PUT", "/sim/api/v1/clients/" + clientID + "/jwks", "", `{"keys":[]}`, problemAnswer},
		{"sim control", "POST", "/sim/api/v1/tokens", "", `{"type":"enterprise","orgNo":"991825827","scopes":["x"]}`, problemAnswer},
		{"sim control", "POST", "/sim/api/v1/clock", "", `{"offset":"0s"}`, problemAnswer},
		{"sim control", "POST", "/sim/api/v1/faults", "", `{"target":"token","status":503,"count":0}`, problemAnswer},
		// The explain endpoint is the PDP with traces: it answers as the PDP does.
		{"sim control", "POST", "/sim/api/v1/decisions/explain", "", validPDP, pdpAnswer},
	}

	// Each call gets its own deadline: a hang fails the case, not the run.
	hc := &http.Client{Timeout: 15 * time.Second}
	call := func(t *testing.T, method, path, token, ct, body string) (int, http.Header, []byte) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, method, e.srv.URL+path, strings.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v (a hang or a dropped connection)", method, path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		return res.StatusCode, res.Header, b
	}

	for _, ep := range endpoints {
		for _, bb := range badBodies {
			// A valid body with a non-JSON content type is valid input to
			// nothing here except that the PDP's /authorize is lenient about it.
			name := fmt.Sprintf("%s/%s %s/%s", ep.family, ep.method, strings.SplitN(ep.path, "?", 2)[0], bb.name)
			t.Run(name, func(t *testing.T) {
				st, hdr, b := call(t, ep.method, ep.path, ep.token, bb.contentType, bb.body(ep.valid))
				if ep.kind == pdpAnswer && bb.name == "bad content type header" {
					// The PDP picks JSON when the Content-Type contains
					// "json", as the real one does: a valid body is decided.
					if st != 200 {
						t.Errorf("%s: %d %.300s", bb.name, st, b)
					}
					return
				}
				if ep.kind == pdpAnswer && ep.path == "/authorization/api/v1/decision" && !strings.Contains(bb.contentType, "application/json") {
					// /decision reads any other Content-Type as XACML XML,
					// as the real one does, and answers in XML.
					if st != 200 || hdr.Get("Content-Type") != "text/plain; charset=utf-8" ||
						!strings.Contains(string(b), "<xacml:Decision>Indeterminate</xacml:Decision>") {
						t.Errorf("%s: %d %s %.300s, want 200 XML Indeterminate", bb.name, st, hdr.Get("Content-Type"), b)
					}
					return
				}
				checkBadAnswer(t, ep.kind, bb.name, st, hdr, b)
			})
		}
	}

	// The platform's no-op PUT /systemuser for an unknown id: a 404 problem.
	r = e.do("PUT", authAPI+"/systemuser", customer, `{"id":"`+uuid.NewString()+`","integrationTitle":"x"}`)
	wantProblem(t, "PUT /systemuser unknown id", r, 404, "AUTH-00015")
	if r := e.do("PUT", authAPI+"/systemuser", customer, `{"id":"`+suID+`","integrationTitle":"x"}`); r.status != 200 {
		t.Errorf("PUT /systemuser existing: %d %s", r.status, r)
	}

	// /token: a form endpoint; bad input is an OAuth error, never a 500.
	jwt := func(header, claims string) string {
		enc := base64.RawURLEncoding.EncodeToString
		return enc([]byte(header)) + "." + enc([]byte(claims)) + "." + enc([]byte("sig"))
	}
	jb := "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="
	tokenCases := []struct{ name, ct, body string }{
		{"NUL in iss", "application/x-www-form-urlencoded", jb + jwt(`{"alg":"RS256","kid":"k"}`, `{"iss":"a\u0000b","aud":"x","exp":9999999999}`)},
		{"NUL in kid", "application/x-www-form-urlencoded", jb + jwt(`{"alg":"RS256","kid":"\u0000"}`, `{"iss":"`+clientID+`","aud":"x","exp":9999999999}`)},
		{"invalid UTF-8 in iss", "application/x-www-form-urlencoded", jb + jwt(`{"alg":"RS256","kid":"k"}`, "{\"iss\":\"\xff\xfe\",\"aud\":\"x\"}")},
		{"alg none", "application/x-www-form-urlencoded", jb + jwt(`{"alg":"none"}`, `{"iss":"`+clientID+`"}`)},
		{"header not JSON", "application/x-www-form-urlencoded", jb + jwt(`nope`, `{}`)},
		{"empty", "application/x-www-form-urlencoded", ""},
		{"no grant_type", "application/x-www-form-urlencoded", "assertion=x"},
		{"bad percent-encoding", "application/x-www-form-urlencoded", "grant_type=%zz&assertion=%"},
		{"json body", "application/json", `{"grant_type":"urn:ietf:params:oauth:grant-type:jwt-bearer","assertion":"x"}`},
		{"text/plain", "text/plain", "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=x"},
		{"no content type", "", "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=x"},
		{"garbage assertion", "application/x-www-form-urlencoded", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c"},
		{"oversized", "application/x-www-form-urlencoded", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + strings.Repeat("a", 3<<20)},
	}
	for _, tc := range tokenCases {
		t.Run("token/"+tc.name, func(t *testing.T) {
			st, hdr, b := call(t, "POST", "/token", "", tc.ct, tc.body)
			checkBadAnswer(t, oauthAnswer, tc.name, st, hdr, b)
		})
	}
}

func checkBadAnswer(t *testing.T, kind answerKind, what string, st int, hdr http.Header, b []byte) {
	t.Helper()
	switch kind {
	case pdpAnswer:
		var out struct {
			Response []struct {
				Decision string `json:"decision"`
			} `json:"response"`
		}
		if st != 200 || json.Unmarshal(b, &out) != nil || len(out.Response) == 0 || out.Response[0].Decision != "Indeterminate" {
			t.Errorf("%s: %d %.300s, want 200 Indeterminate", what, st, b)
		}
	case oauthAnswer:
		var out struct {
			Error string `json:"error"`
			Desc  string `json:"error_description"`
		}
		if st != 400 || json.Unmarshal(b, &out) != nil || out.Error == "" {
			t.Errorf("%s: %d %.300s, want 400 {error, error_description}", what, st, b)
		}
	default:
		if st < 400 || st > 499 {
			t.Errorf("%s: status %d, want 4xx: %.300s", what, st, b)
			return
		}
		if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("%s: %d Content-Type %q, want application/problem+json: %.300s", what, st, ct, b)
			return
		}
		var p struct {
			Status int    `json:"status"`
			Title  string `json:"title"`
			Code   string `json:"code"`
		}
		if json.Unmarshal(b, &p) != nil || p.Status != st || p.Title == "" || p.Code == "" {
			t.Errorf("%s: %d not a ProblemDetails: %.300s", what, st, b)
		}
	}
}

// TestBadParametersNeverBreak: bad query parameters, path values and
// values of the right type but out of range give a 4xx problem, never a
// 500 (client delegation takes no body, only query parameters).
func TestBadParametersNeverBreak(t *testing.T) {
	t.Parallel()
	e := start(t)
	vendor := e.vendorToken(scopeReqWrite, scopeReqRead, scopeRegister)
	cd := e.testToken(map[string]any{"type": "person", "pid": firmDAGL,
		"scopes": []string{"altinn:clientdelegations.read", "altinn:clientdelegations.write"}})
	person := e.personToken(customerDAG)
	// allow: "plain" where the platform answers without a problem body
	// (the platform: a change request's missing correlation-id is plain text; the
	// standard system-user GET and byquery answer a bare 404); "200" where
	// an empty answer is the right one (a search that matches nothing).
	cases := []struct {
		method, path, token, body string
		allow                     string
	}{
		{"POST", authAPI + "/enduser/systemuser/clients", cd, "", ""},
		{"POST", authAPI + "/enduser/systemuser/clients?agent=not-a-uuid&client=also-not", cd, "", ""},
		{"POST", authAPI + "/enduser/systemuser/clients?agent=" + uuid.NewString(), cd, "", ""},
		{"POST", authAPI + "/enduser/systemuser/clients?agent=" + uuid.NewString() + "&client=" + uuid.NewString(), cd, "", ""},
		{"DELETE", authAPI + "/enduser/systemuser/clients?agent=%zz&client=", cd, "", ""},
		{"GET", authAPI + "/enduser/systemuser/clients/available?agent=", cd, "", ""},
		{"GET", authAPI + "/enduser/systemuser/clients?agent=" + strings.Repeat("9", 5000), cd, "", ""},
		{"GET", authAPI + "/enduser/systemuser/agents", cd, "", ""},
		{"GET", authAPI + "/enduser/systemuser/agents?party=abc", cd, "", ""},
		{"POST", authAPI + "/systemuser/changerequest/vendor", vendor, `{}`, "plain"},
		{"POST", authAPI + "/systemuser/changerequest/vendor?correlation-id=x&system-user-id=y", vendor, `{}`, "plain"},
		{"GET", authAPI + "/systemuser/request/vendor/not-a-uuid", vendor, "", ""},
		{"GET", authAPI + "/systemuser/request/vendor/bysystem/" + smartcloud + "?token=%%%", vendor, "", ""},
		{"GET", authAPI + "/systemuser/request/vendor/bysystem/" + smartcloud + "?token=bm90IGpzb24", vendor, "", ""},
		{"GET", authAPI + "/systemuser/vendor/byquery", vendor, "", "plain"},
		{"GET", authAPI + "/systemuser/vendor/byquery?system-id=x&orgno=12", vendor, "", "plain"},
		{"GET", authAPI + "/systemuser/" + "abc", person, "", ""},
		{"GET", authAPI + "/systemuser/" + customerOrg + "/not-a-uuid", person, "", "plain"},
		{"POST", authAPI + "/systemuser/request/" + customerOrg + "/not-a-uuid/approve", person, "", ""},
		{"POST", authAPI + "/systemuser/request/99999999999999999999/" + uuid.NewString() + "/approve", person, "", ""},
		{"GET", authAPI + "/systemregister/vendor/" + strings.Repeat("x", 3000), vendor, "", ""},
		{"PUT", authAPI + "/systemregister/vendor/none/rights", vendor, `[{"resource":[{"id":"urn:altinn:resource","value":"kravogbetaling"}]}]`, ""},
		{"GET", "/resourceregistry/api/v1/resource/%00", "", "", ""},
		{"GET", "/resourceregistry/api/v1/resource/%ff%fe", "", "", ""},
		{"GET", "/resourceregistry/api/v1/resource/Search?id=%00", "", "", ""},
		{"GET", "/resourceregistry/api/v1/resource/Search?title=%ff", "", "", "200"},
		{"GET", authAPI + "/systemregister/vendor/991825827_%00", vendor, "", ""},
		{"GET", authAPI + "/systemregister/vendor/991825827_%c3%28", vendor, "", ""},
		{"GET", authAPI + "/systemuser/vendor/byquery?system-id=%00&orgno=313725138", vendor, "", ""},
		{"GET", authAPI + "/systemuser/vendor/byquery?system-id=%ff&orgno=313725138&external-ref=%ff", vendor, "", "plain"},
		{"GET", authAPI + "/systemuser/request/vendor/byexternalref/" + smartcloud + "/313725138/%00", vendor, "", ""},
		{"POST", authAPI + "/systemuser/request/vendor", vendor, `{"systemId":"991825827_a\u0000","partyOrgNo":"313725138","externalRef":"x\u0000y","rights":[]}`, ""},
		{"POST", authAPI + "/systemregister/vendor", vendor, `{"id":"991825827_nul\u0000","vendor":{"ID":"0192:991825827"},"name":{"nb":"\u0000","nn":"x","en":"x"},"description":{"nb":"x","nn":"x","en":"x"}}`, ""},
		{"POST", "/sim/api/v1/clients", "", `{"clientId":"a\u0000b","orgNo":"991825827","name":"x\u0000","scopes":["s\u0000"],"jwks":{"keys":[]}}`, ""},
		{"POST", "/sim/api/v1/tokens", "", `{"type":"enterprise","orgNo":"991825827","scopes":["a\u0000"]}`, ""},
		{"GET", "/accessmanagement/api/v1/meta/info/accesspackages/package/not-a-uuid", "", "", ""},
		{"POST", "/sim/api/v1/clock", "", `{"offset":"banana"}`, ""},
		{"POST", "/sim/api/v1/clock", "", `{"now":"yesterday"}`, ""},
		{"POST", "/sim/api/v1/clock", "", `{"offsetSeconds":1e300}`, ""},
		{"POST", "/sim/api/v1/faults", "", `{"target":"token","status":999,"count":1}`, ""},
		{"POST", "/sim/api/v1/faults", "", `{"target":"nowhere","status":503,"count":1}`, ""},
		{"POST", "/sim/api/v1/faults", "", `{"target":"token","status":503,"count":-1}`, ""},
		{"POST", "/sim/api/v1/tokens", "", `{"type":"alien","orgNo":"991825827","scopes":["x"]}`, ""},
		{"POST", "/sim/api/v1/tokens", "", `{"type":"systemuser","orgNo":"991825827","scopes":["x"],"systemUserId":"nope"}`, ""},
		{"POST", "/sim/api/v1/clients", "", `{"orgNo":"123","name":"x","scopes":[],"jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}}`, ""},
		{"GET", "/sim/api/v1/decisions/explain?subject=x", "", "", "200"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path[:min(len(c.path), 90)], func(t *testing.T) {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := e.do(c.method, c.path, c.token, body)
			if r.status >= 500 {
				t.Fatalf("%d %s", r.status, r)
			}
			if r.status < 400 {
				if c.allow != "200" {
					t.Errorf("accepted: %d %s", r.status, r)
				}
				return
			}
			if ct := r.header.Get("Content-Type"); c.allow != "plain" && r.status != 401 && r.status != 403 && !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("%d without a problem body (%q): %s", r.status, ct, r)
			}
		})
	}
}

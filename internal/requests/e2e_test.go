package requests_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/requests"
)

// vendorE2E drives a whole server over HTTP the way a vendor and a
// customer would.
type vendorE2E struct {
	t   *testing.T
	srv *apptest.Server
}

func (e vendorE2E) do(method, path, token string, body any) (int, http.Header, []byte) {
	e.t.Helper()
	return e.srv.Do(e.t, method, path, token, body)
}

func (e vendorE2E) json(b []byte) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		e.t.Fatalf("not a JSON object: %s", b)
	}
	return m
}

func (e vendorE2E) testToken(body map[string]any) string {
	e.t.Helper()
	return e.srv.TestToken(e.t, body)
}

// grant asks /token for a Maskinporten token with the client's key, as a
// vendor's integration does; systemUserOrg makes it a system-user grant.
func (e vendorE2E) grant(key jwk.Key, clientID string, scopes []string, systemUserOrg, externalRef string) (int, map[string]any) {
	e.t.Helper()
	assertion, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{
		ClientID: clientID, Audience: e.srv.Signing.Settings().Issuer, Scopes: scopes,
		SystemUserOrg: systemUserOrg, ExternalRef: externalRef,
	}))
	if err != nil {
		e.t.Fatal(err)
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}
	st, _, b := e.srv.Do(e.t, "POST", "/token", "", form)
	return st, e.json(b)
}

func claims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

const (
	e2eVendor   = "991825827"
	e2eCustomer = "310385980" // Fattig Forsiktig Elg AS, party 50000004
	e2eDAGL     = "13857841055"
	e2eFirm     = "312605031" // Regnskapshuset Simulert AS, party 50000009, REGN on 310385980 and 314168267
	e2eFirmDAGL = "18857841030"
	sysPath     = "/authentication/api/v1/systemuser"
	scopeWrite  = "altinn:authentication/systemuser.request.write"
	scopeRead   = "altinn:authentication/systemuser.request.read"
	scopeReg    = "altinn:authentication/systemregister.write"
	pkgRegnSign = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"
)

// setupVendor creates the vendor's Maskinporten client (with its key) and
// registers a system bound to it.
func setupVendor(e vendorE2E, systemID string, body map[string]any) (jwk.Key, string) {
	e.t.Helper()
	key, err := mpgrant.NewClientKey()
	if err != nil {
		e.t.Fatal(err)
	}
	jwks, err := mpgrant.PublicJWKS(key)
	if err != nil {
		e.t.Fatal(err)
	}
	clientID := uuid.NewString()
	st, _, b := e.do("POST", "/sim/api/v1/clients", "", map[string]any{
		"clientId": clientID, "orgNo": e2eVendor, "name": "vendor integration",
		"scopes": []string{scopeWrite, scopeRead, scopeReg, "skatteetaten:kravogbetalinger"}, "jwks": jwks,
	})
	if st != 201 {
		e.t.Fatalf("client: %d %s", st, b)
	}
	reg := e.testToken(map[string]any{"type": "enterprise", "orgNo": e2eVendor, "scopes": []string{scopeReg}})
	sys := map[string]any{
		"id":          systemID,
		"vendor":      map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:" + e2eVendor},
		"name":        map[string]string{"nb": "Smart Regnskap", "nn": "Smart Rekneskap", "en": "Smart Accounting"},
		"description": map[string]string{"nb": "Test", "nn": "Test", "en": "Test"},
		"clientId":    []string{clientID},
	}
	for k, v := range body {
		sys[k] = v
	}
	if st, _, b := e.do("POST", "/authentication/api/v1/systemregister/vendor", reg, sys); st != 200 {
		e.t.Fatalf("register system: %d %s", st, b)
	}
	return key, clientID
}

// TestVendorFlowEndToEnd: register a system, ask a customer for a system
// user, have the customer's daglig leder approve it, and get a Maskinporten
// token for the system user; then the customer deletes it and the token
// is refused again.
func TestVendorFlowEndToEnd(t *testing.T) {
	t.Parallel()
	e := vendorE2E{t: t, srv: apptest.Start(t)}
	const systemID = e2eVendor + "_smart_regnskap"
	key, clientID := setupVendor(e, systemID, map[string]any{
		"rights":              []any{map[string]any{"resource": []any{map[string]string{"id": "urn:altinn:resource", "value": "kravogbetaling"}}}},
		"allowedRedirectUrls": []string{"https://vendor.example/done"},
	})

	// The vendor's own Maskinporten token carries the request scopes.
	st, tok := e.grant(key, clientID, []string{scopeWrite, scopeRead}, "", "")
	if st != 200 {
		t.Fatalf("vendor token: %d %v", st, tok)
	}
	vendorTok := tok["access_token"].(string)

	// No system user yet: a system-user grant is refused.
	if st, body := e.grant(key, clientID, []string{"skatteetaten:kravogbetalinger"}, e2eCustomer, ""); st == 200 {
		t.Fatalf("system-user token before approval: %v", body)
	}

	// The vendor asks (the docs' PascalCase body).
	reqBody := fmt.Sprintf(`{"ExternalRef":"kunde-1","SystemId":%q,"PartyOrgNo":%q,
		"Rights":[{"Resource":[{"Id":"urn:altinn:resource","Value":"kravogbetaling"}]}],
		"RedirectUrl":"https://vendor.example/done?session=42"}`, systemID, e2eCustomer)
	st, hdr, b := e.do("POST", sysPath+"/request/vendor", vendorTok, reqBody)
	if st != 201 {
		t.Fatalf("create request: %d %s", st, b)
	}
	req := e.json(b)
	id := req["id"].(string)
	if want := e.srv.URL + "/authfront/ui/auth/vendorrequest?id=" + id; req["confirmUrl"] != want {
		t.Errorf("confirmUrl %v, want %s", req["confirmUrl"], want)
	}
	if loc := hdr.Get("Location"); !strings.HasSuffix(loc, "/authentication/api/v1/systemuser/request/"+id) {
		t.Errorf("Location %q", loc)
	}
	// Asking again returns the same request with 200.
	if st, _, b := e.do("POST", sysPath+"/request/vendor", vendorTok, reqBody); st != 200 || e.json(b)["id"] != id {
		t.Errorf("second create: %d %s", st, b)
	}
	// A redirect URL the system does not allow is refused (a new
	// externalRef: the same one would return the existing request first).
	bad := strings.Replace(strings.Replace(reqBody, "vendor.example/done", "evil.example/done", 1), "kunde-1", "kunde-2", 1)
	if st, _, b := e.do("POST", sysPath+"/request/vendor", vendorTok, bad); st != 400 || e.json(b)["code"] != "AUTH-00021" {
		t.Errorf("bad redirect: %d %s", st, b)
	}

	// The customer's daglig leder looks at it and approves.
	person := e.testToken(map[string]any{"type": "person", "pid": e2eDAGL, "scopes": []string{"altinn:portal/enduser"}})
	if st, _, b := e.do("GET", sysPath+"/request/"+id, person, nil); st != 200 || e.json(b)["partyId"] != float64(50000004) {
		t.Errorf("portal get: %d %s", st, b)
	}
	if st, _, b := e.do("POST", sysPath+"/request/50000004/"+id+"/approve", person, nil); st != 200 || strings.TrimSpace(string(b)) != "true" {
		t.Fatalf("approve: %d %s", st, b)
	}
	if st, _, b := e.do("GET", sysPath+"/request/vendor/"+id, vendorTok, nil); st != 200 || e.json(b)["status"] != "Accepted" {
		t.Errorf("status after approval: %d %s", st, b)
	}

	// Now Maskinporten issues a system-user token (externalRef given).
	st, tok = e.grant(key, clientID, []string{"skatteetaten:kravogbetalinger"}, e2eCustomer, "kunde-1")
	if st != 200 {
		t.Fatalf("system-user token: %d %v", st, tok)
	}
	details, _ := json.Marshal(claims(t, tok["access_token"].(string))["authorization_details"])
	if !strings.Contains(string(details), id) || !strings.Contains(string(details), systemID) {
		t.Errorf("authorization_details %s lack system user %s of %s", details, id, systemID)
	}
	// Without the externalRef the default (the org number) does not match.
	if st, _ := e.grant(key, clientID, []string{"skatteetaten:kravogbetalinger"}, e2eCustomer, ""); st == 200 {
		t.Errorf("system-user token with the wrong externalRef was issued")
	}

	// The customer deletes the system user: 202 with body 1; tokens stop.
	if st, _, b := e.do("DELETE", sysPath+"/50000004/"+id, person, nil); st != 202 || strings.TrimSpace(string(b)) != "1" {
		t.Fatalf("delete: %d %s", st, b)
	}
	if st, _ := e.grant(key, clientID, []string{"skatteetaten:kravogbetalinger"}, e2eCustomer, "kunde-1"); st == 200 {
		t.Errorf("system-user token after delete was issued")
	}
}

// TestConcurrentApprovalsOverHTTP: 20 parallel approvals of one request,
// spread over two instances on one database, yield exactly one system user.
func TestConcurrentApprovalsOverHTTP(t *testing.T) {
	t.Parallel()
	e := vendorE2E{t: t, srv: apptest.Start(t)}
	const systemID = e2eVendor + "_race"
	setupVendor(e, systemID, map[string]any{
		"rights": []any{map[string]any{"resource": []any{map[string]string{"id": "urn:altinn:resource", "value": "kravogbetaling"}}}},
	})
	vendorTok := e.testToken(map[string]any{"type": "enterprise", "orgNo": e2eVendor, "scopes": []string{scopeWrite, scopeRead}})
	st, _, b := e.do("POST", sysPath+"/request/vendor", vendorTok, map[string]any{"systemId": systemID, "partyOrgNo": e2eCustomer,
		"rights": []any{map[string]any{"resource": []any{map[string]string{"id": "urn:altinn:resource", "value": "kravogbetaling"}}}}})
	if st != 201 {
		t.Fatalf("create: %d %s", st, b)
	}
	id := e.json(b)["id"].(string)
	person := e.testToken(map[string]any{"type": "person", "pid": e2eDAGL, "scopes": []string{"altinn:portal/enduser"}})
	// Half the approvals go to a second instance on the same database,
	// behind the same public URL (so it accepts the first one's tokens).
	same := func(c *config.Config) { c.PublicURL = e.srv.URL }
	e2 := vendorE2E{t: t, srv: apptest.StartOn(t, e.srv.Pool.Config().ConnString(), same)}
	const n = 20
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			inst := e
			if i%2 == 1 {
				inst = e2
			}
			statuses[i], _, _ = inst.do("POST", sysPath+"/request/50000004/"+id+"/approve", person, nil)
		}()
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	if counts[200] != 1 || counts[409] != n-1 {
		t.Fatalf("statuses %v, want one 200 and %d 409", counts, n-1)
	}
	st, _, b = e.do("GET", sysPath+"/50000004", person, nil)
	var list []map[string]any
	_ = json.Unmarshal(b, &list)
	if st != 200 || len(list) != 1 || list[0]["id"] != id {
		t.Fatalf("system users of the customer: %d %s, want exactly %s", st, b, id)
	}

	// Long after (the platform's 28-day archiver is not running), the
	// request is still there and timed out; approving it again makes nothing.
	e.srv.Clock.Set(requests.TimeoutAfter + time.Second)
	defer e.srv.Clock.Set(0)
	vendorTok = e.testToken(map[string]any{"type": "enterprise", "orgNo": e2eVendor, "scopes": []string{scopeWrite, scopeRead}})
	person = e.testToken(map[string]any{"type": "person", "pid": e2eDAGL, "scopes": []string{"altinn:portal/enduser"}})
	if st, _, b := e.do("GET", sysPath+"/request/vendor/"+id, vendorTok, nil); st != 200 || e.json(b)["timedOut"] != true || e.json(b)["status"] != "Accepted" {
		t.Errorf("request after 180 days + 1 s: %d %s, want 200, Accepted and timedOut", st, b)
	}
	if st, _, b := e.do("POST", sysPath+"/request/50000004/"+id+"/approve", person, nil); st != 409 || e.json(b)["code"] != "AUTH-00013" {
		t.Errorf("approve after 180 days: %d %s, want 409 AUTH-00013", st, b)
	}
	if st, _, b := e.do("GET", sysPath+"/50000004", person, nil); st != 200 || strings.Count(string(b), `"id"`) != 1 {
		t.Errorf("system users after 180 days: %d %s, want still exactly one", st, b)
	}
}

// TestAgentFlowEndToEnd: an accounting firm approves an agent system user,
// delegates a client it holds REGN for, and the PDP-facing data follows.
func TestAgentFlowEndToEnd(t *testing.T) {
	t.Parallel()
	e := vendorE2E{t: t, srv: apptest.Start(t)}
	const systemID = e2eVendor + "_agent"
	setupVendor(e, systemID, map[string]any{
		"accessPackages": []any{map[string]string{"urn": pkgRegnSign}},
		"isVisible":      false,
	})
	vendorTok := e.testToken(map[string]any{"type": "enterprise", "orgNo": e2eVendor, "scopes": []string{scopeWrite, scopeRead}})
	st, _, b := e.do("POST", sysPath+"/request/vendor/agent", vendorTok, map[string]any{"systemId": systemID, "partyOrgNo": e2eFirm,
		"accessPackages": []any{map[string]string{"urn": pkgRegnSign}}})
	if st != 201 {
		t.Fatalf("agent request: %d %s", st, b)
	}
	id := e.json(b)["id"].(string)
	regine := e.testToken(map[string]any{"type": "person", "pid": e2eFirmDAGL,
		"scopes": []string{"altinn:portal/enduser", "altinn:clientdelegations.read", "altinn:clientdelegations.write"}})
	if st, _, b := e.do("POST", sysPath+"/request/agent/50000009/"+id+"/approve", regine, nil); st != 200 {
		t.Fatalf("approve agent: %d %s", st, b)
	}
	cd := "/authentication/api/v1/enduser/systemuser/clients"
	st, _, b = e.do("GET", cd+"/available?agent="+id, regine, nil)
	if st != 200 || !strings.Contains(string(b), e2eCustomer) || !strings.Contains(string(b), "314168267") {
		t.Fatalf("available clients: %d %s", st, b)
	}
	customer, err := e.srv.Parties.Org(t.Context(), e2eCustomer)
	if err != nil {
		t.Fatal(err)
	}
	stranger, _ := e.srv.Parties.Org(t.Context(), "313725138")
	if st, _, b := e.do("POST", cd+"?agent="+id+"&client="+stranger.PartyUUID.String(), regine, nil); st != 400 || e.json(b)["code"] != "AUTH-00079" {
		t.Errorf("client without REGN: %d %s", st, b)
	}
	if st, _, b := e.do("POST", cd+"?agent="+id+"&client="+customer.PartyUUID.String(), regine, nil); st != 200 {
		t.Fatalf("add client: %d %s", st, b)
	}
	u, _ := uuid.Parse(id)
	ds, err := e.srv.SystemUsers.Clients(t.Context(), u)
	if err != nil || len(ds) != 1 || ds[0].ClientOrgNo != e2eCustomer || ds[0].AccessPackages[0] != pkgRegnSign {
		t.Errorf("delegations %+v, %v", ds, err)
	}
	if st, _, b := e.do("DELETE", cd+"?agent="+id+"&client="+customer.PartyUUID.String(), regine, nil); st != 200 {
		t.Errorf("remove client: %d %s", st, b)
	}
}

package requests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/route"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
	"github.com/altinn-sim/altinn-sim/internal/systemusers/sutest"
)

// fakeVerifier accepts tokens it was told about; the tokens package is
// tested on its own, here we test the routes' rules.
type fakeVerifier map[string]auth.Caller

func (f fakeVerifier) Verify(_ context.Context, raw string) (auth.Caller, error) {
	c, ok := f[raw]
	if !ok {
		return c, fmt.Errorf("%w: unknown test token", auth.ErrInvalidToken)
	}
	return c, nil
}

type httpEnv struct {
	env
	url string
}

func newHTTPEnv(t *testing.T) httpEnv {
	t.Helper()
	e := newEnv(t)
	v := fakeVerifier{
		"vendor":    {Kind: auth.KindAltinn, ConsumerOrgNo: vendor, Scopes: []string{su.ScopeRequestWrite, su.ScopeRequestRead, su.ScopeRegisterWrite}},
		"vendor-ro": {Kind: auth.KindAltinn, ConsumerOrgNo: vendor, Scopes: []string{su.ScopeRequestRead}},
		"other":     {Kind: auth.KindAltinn, ConsumerOrgNo: "974761076", Scopes: []string{su.ScopeRequestWrite, su.ScopeRequestRead}},
		"mp":        {Kind: auth.KindMaskinporten, ConsumerOrgNo: "991825827", Scopes: []string{su.ScopeMaskinportenLookup}},
		"elg":       {Kind: auth.KindAltinn, PID: customerPID, Scopes: []string{su.ScopePortal}},
		"regine":    {Kind: auth.KindAltinn, PID: firmPID, Scopes: []string{su.ScopePortal, su.ScopeClientDelegationsRd, su.ScopeClientDelegationsWr}},
		"kari":      {Kind: auth.KindAltinn, PID: strangerPID, Scopes: []string{su.ScopePortal, su.ScopeClientDelegationsRd, su.ScopeClientDelegationsWr}},
	}
	r := chi.NewRouter()
	e.users.PageSize = 2
	route.Mount(r, route.Deps{Verifier: v}, e.reqs.Routes(), e.users.Routes())
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return httpEnv{env: e, url: srv.URL}
}

func (e httpEnv) do(t *testing.T, method, path, token string, body any) (int, map[string]any, string) {
	t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return res.StatusCode, m, string(raw)
}

const base = "/authentication/api/v1/systemuser"

func TestHTTPStandardFlow(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t)
	// PascalCase keys as in the platform docs must bind.
	body := `{"ExternalRef":"ref-1","SystemId":"991825827_the_matrix","PartyOrgNo":"310385980",
		"Rights":[{"Resource":[{"Id":"urn:altinn:resource","Value":"ske-krav-og-betalinger"}]}],
		"RedirectUrl":"https://vendor.example/callback?x=1","unknownField":true}`
	st, m, raw := e.do(t, "POST", base+"/request/vendor", "vendor", body)
	if st != 201 || m["status"] != "New" || m["externalRef"] != "ref-1" || m["timedOut"] != false {
		t.Fatalf("create: %d %s", st, raw)
	}
	id := m["id"].(string)
	if !strings.Contains(m["confirmUrl"].(string), "/authfront/ui/auth/vendorrequest?id="+id) {
		t.Errorf("confirmUrl %v", m["confirmUrl"])
	}
	if st, m2, _ := e.do(t, "POST", base+"/request/vendor", "vendor", body); st != 200 || m2["id"] != id {
		t.Errorf("second create: %d %v", st, m2["id"])
	}
	if st, _, _ := e.do(t, "POST", base+"/request/vendor", "vendor-ro", body); st != 403 {
		t.Errorf("create with read scope: %d, want 403", st)
	}
	if st, _, _ := e.do(t, "POST", base+"/request/vendor", "", body); st != 401 {
		t.Errorf("create without token: %d, want 401", st)
	}
	if st, _, raw := e.do(t, "POST", base+"/request/vendor", "vendor", `{"systemId": 5}`); st != 400 {
		t.Errorf("wrong type: %d %s", st, raw)
	}
	if st, m, _ := e.do(t, "GET", base+"/request/vendor/"+id, "vendor-ro", nil); st != 200 || m["id"] != id {
		t.Errorf("get: %d", st)
	}
	if st, m, _ := e.do(t, "GET", base+"/request/vendor/"+id, "other", nil); st != 404 || m["code"] != "AUTH-00010" {
		t.Errorf("get by other vendor: %d %v", st, m["code"])
	}
	if st, m, _ := e.do(t, "GET", base+"/request/vendor/byexternalref/991825827_the_matrix/310385980/ref-1", "vendor", nil); st != 200 || m["id"] != id {
		t.Errorf("byexternalref: %d", st)
	}
	// Approve as a stranger, then as the customer's DAGL.
	if st, m, _ := e.do(t, "POST", base+"/request/50000004/"+id+"/approve", "kari", nil); st != 403 || m["code"] != "AUTH-00066" {
		t.Errorf("approve by stranger: %d %v", st, m["code"])
	}
	st, _, raw = e.do(t, "GET", base+"/request/50000004/310385980/pending", "elg", nil)
	if st != 200 || !strings.Contains(raw, id) {
		t.Errorf("pending: %d %s", st, raw)
	}
	if st, _, raw := e.do(t, "POST", base+"/request/50000004/"+id+"/approve", "elg", nil); st != 200 || strings.TrimSpace(raw) != "true" {
		t.Fatalf("approve: %d %s", st, raw)
	}
	if st, m, _ := e.do(t, "POST", base+"/request/50000004/"+id+"/approve", "elg", nil); st != 409 || m["code"] != "AUTH-00013" {
		t.Errorf("approve twice: %d %v", st, m["code"])
	}
	if st, m, _ := e.do(t, "GET", base+"/request/vendor/"+id, "vendor", nil); st != 200 || m["status"] != "Accepted" {
		t.Errorf("status after approve: %v", m["status"])
	}
	// Maskinporten's lookup.
	q := "?clientId=client-1&systemProviderOrgNo=991825827&systemUserOwnerOrgNo=310385980&externalRef=ref-1"
	st, m, raw = e.do(t, "GET", base+"/byExternalId"+q, "mp", nil)
	if st != 200 || m["id"] != id || m["productName"] != systemID || m["supplierOrgno"] != vendor || m["userType"] != "standard" {
		t.Errorf("byExternalId: %d %s", st, raw)
	}
	if st, _, _ := e.do(t, "GET", base+"/byExternalId?clientId=client-1&systemProviderOrgNo=991825827&systemUserOwnerOrgNo=310385980", "mp", nil); st != 404 {
		t.Errorf("byExternalId without the ref: %d, want 404", st)
	}
	if st, _, _ := e.do(t, "GET", base+"/byExternalId?clientId=client-1", "mp", nil); st != 400 {
		t.Errorf("byExternalId missing params: %d, want 400", st)
	}
	if st, _, _ := e.do(t, "GET", base+"/byExternalId"+q, "vendor", nil); st != 403 {
		t.Errorf("byExternalId wrong scope: %d, want 403", st)
	}
	// Vendor lookups.
	if st, m, _ := e.do(t, "GET", base+"/vendor/byquery?system-id=991825827_the_matrix&orgno=310385980&external-ref=ref-1", "vendor", nil); st != 200 || m["id"] != id {
		t.Errorf("byquery: %d", st)
	}
	if st, _, _ := e.do(t, "GET", base+"/vendor/byquery?system-id=991825827_the_matrix&orgno=310385980&external-ref=ref-1", "other", nil); st != 404 {
		t.Errorf("byquery by other vendor: %d", st)
	}
	// The owner's list, then delete: 202 with body 1, then 404 with body 0.
	st, _, raw = e.do(t, "GET", base+"/50000004", "elg", nil)
	if st != 200 || !strings.Contains(raw, `"partyUuId"`) || !strings.Contains(raw, id) {
		t.Errorf("list: %d %s", st, raw)
	}
	if st, _, _ := e.do(t, "DELETE", base+"/50000004/"+id, "kari", nil); st != 403 {
		t.Errorf("delete by stranger: %d", st)
	}
	if st, _, raw := e.do(t, "DELETE", base+"/50000004/"+id, "elg", nil); st != 202 || strings.TrimSpace(raw) != "1" {
		t.Errorf("delete: %d %s", st, raw)
	}
	if st, _, raw := e.do(t, "DELETE", base+"/50000004/"+id, "elg", nil); st != 404 || strings.TrimSpace(raw) != "0" {
		t.Errorf("delete again: %d %s", st, raw)
	}
	if st, _, _ := e.do(t, "GET", base+"/byExternalId"+q, "mp", nil); st != 404 {
		t.Errorf("byExternalId after delete: %d, want 404", st)
	}
	// The request is gone with it, so the vendor can ask again.
	if st, _, _ := e.do(t, "POST", base+"/request/vendor", "vendor", body); st != 201 {
		t.Errorf("create after delete: %d, want 201", st)
	}
}

func TestHTTPPagingAndDelete(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t)
	e.reqs.PageSize = 2
	ids := map[string]bool{}
	for i := 0; i < 5; i++ {
		st, m, raw := e.do(t, "POST", base+"/request/vendor", "vendor", CreateInput{ExternalRef: fmt.Sprint("p", i), SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
		if st != 201 {
			t.Fatalf("create %d: %d %s", i, st, raw)
		}
		ids[m["id"].(string)] = true
	}
	seen := map[string]bool{}
	next := base + "/request/vendor/bysystem/" + systemID
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("too many pages")
		}
		st, m, raw := e.do(t, "GET", strings.TrimPrefix(next, e.url), "vendor", nil)
		if st != 200 {
			t.Fatalf("page: %d %s", st, raw)
		}
		for _, d := range m["data"].([]any) {
			seen[d.(map[string]any)["id"].(string)] = true
		}
		next, _ = m["links"].(map[string]any)["next"].(string)
	}
	if len(seen) != 5 {
		t.Errorf("paged through %d requests, want 5", len(seen))
	}
	if st, m, _ := e.do(t, "GET", base+"/request/vendor/bysystem/"+systemID, "other", nil); st != 404 || m["code"] != "AUTH-00011" {
		t.Errorf("bysystem other vendor: %d", st)
	}
	for id := range ids {
		if st, _, _ := e.do(t, "DELETE", base+"/request/vendor/"+id, "vendor", nil); st != 202 {
			t.Errorf("delete: %d", st)
		}
		if st, m, _ := e.do(t, "DELETE", base+"/request/vendor/"+id, "vendor", nil); st != 404 || m["code"] != "AUTH-00010" {
			t.Errorf("delete twice: %d", st)
		}
		break
	}
}

func TestHTTPAgentAndClients(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t)
	st, m, raw := e.do(t, "POST", base+"/request/vendor/agent", "vendor", map[string]any{
		"systemId": agentSystem, "partyOrgNo": firm, "accessPackages": []map[string]string{{"urn": sutest.PkgRegnSign}}})
	if st != 201 || m["rights"] != nil {
		t.Fatalf("agent create: %d %s", st, raw)
	}
	id := m["id"].(string)
	if !strings.Contains(m["confirmUrl"].(string), "/agentrequest?id="+id) {
		t.Errorf("agent confirmUrl %v", m["confirmUrl"])
	}
	if st, m, _ := e.do(t, "GET", base+"/request/vendor/agent/"+id, "vendor", nil); st != 200 || m["id"] != id {
		t.Errorf("agent get: %d", st)
	}
	if st, m, _ := e.do(t, "GET", base+"/request/agent/"+id, "regine", nil); st != 200 || m["systemUserType"] != "Agent" {
		t.Errorf("agent internal get: %d %v", st, m)
	}
	if st, _, raw := e.do(t, "POST", base+"/request/agent/50000009/"+id+"/approve", "regine", nil); st != 200 {
		t.Fatalf("agent approve: %d %s", st, raw)
	}
	cd := "/authentication/api/v1/enduser/systemuser/clients"
	if st, m, raw := e.do(t, "GET", cd+"/available?agent=not-a-uuid", "regine", nil); st != 400 || !strings.Contains(raw, "AUTH.VLD-00014") {
		t.Errorf("available bad agent: %d %v", st, m)
	}
	st, m, raw = e.do(t, "GET", cd+"/available?agent="+id, "regine", nil)
	if st != 200 || len(m["data"].([]any)) != 2 {
		t.Fatalf("available: %d %s", st, raw)
	}
	if st, _, _ := e.do(t, "GET", cd+"/available?agent="+id, "kari", nil); st != 403 {
		t.Errorf("available by stranger: %d", st)
	}
	elg, _ := parties.NewService(e.reqs.pool).Org(context.Background(), customer)
	tiger, _ := parties.NewService(e.reqs.pool).Org(context.Background(), "313725138")
	if st, m, _ := e.do(t, "POST", cd+"?agent="+id+"&client="+tiger.PartyUUID.String(), "regine", nil); st != 400 || m["code"] != "AUTH-00079" {
		t.Errorf("add non-client: %d %v", st, m["code"])
	}
	if st, _, raw := e.do(t, "POST", cd+"?agent="+id, "regine", nil); st != 400 || !strings.Contains(raw, "AUTH.VLD-00016") {
		t.Errorf("add without client: %d %s", st, raw)
	}
	st, m, raw = e.do(t, "POST", cd+"?agent="+id+"&client="+elg.PartyUUID.String(), "regine", nil)
	if st != 200 || m["agent"] != id || m["client"] != elg.PartyUUID.String() {
		t.Fatalf("add client: %d %s", st, raw)
	}
	st, m, raw = e.do(t, "GET", cd+"?agent="+id, "regine", nil)
	if st != 200 || len(m["data"].([]any)) != 1 || !strings.Contains(raw, `"clientOrganizationNumber":"310385980"`) {
		t.Errorf("clients: %d %s", st, raw)
	}
	if st, m, _ := e.do(t, "DELETE", base+"/agent/50000009/"+id, "regine", nil); st != 400 || m["code"] != "AUTH-00035" {
		t.Errorf("delete agent with clients: %d %v", st, m["code"])
	}
	if st, _, raw := e.do(t, "DELETE", cd+"?agent="+id+"&client="+elg.PartyUUID.String(), "regine", nil); st != 200 {
		t.Errorf("remove client: %d %s", st, raw)
	}
	if st, _, raw := e.do(t, "GET", "/authentication/api/v1/enduser/systemuser/agents?party="+firm, "regine", nil); st != 200 || !strings.Contains(raw, id) {
		t.Errorf("agents: %d %s", st, raw)
	}
	if st, _, _ := e.do(t, "DELETE", base+"/agent/50000009/"+id, "regine", nil); st != 200 {
		t.Errorf("delete agent: %d", st)
	}
}

func TestHTTPChangeRequest(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t)
	r, _, err := e.reqs.Create(context.Background(), vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reqs.Approve(context.Background(), r.ID, customer, customerPID); err != nil {
		t.Fatal(err)
	}
	corr := "6f2a1c58-0c7b-4b8e-9b8e-3a1f5d0c9e11"
	path := base + "/changerequest/vendor?correlation-id=" + corr + "&system-user-id=" + r.ID.String()
	if st, m, raw := e.do(t, "POST", path, "vendor", `{}`); st != 200 || m["status"] != "NoChangeNeeded" || m["confirmUrl"] != "" {
		t.Errorf("empty change: %d %s", st, raw)
	}
	if st, _, _ := e.do(t, "POST", base+"/changerequest/vendor?system-user-id="+r.ID.String(), "vendor", `{}`); st != 400 {
		t.Errorf("no correlation id: %d", st)
	}
	if st, _, _ := e.do(t, "POST", path, "other", `{"requiredRights":[{"resource":[{"id":"urn:altinn:resource","value":"other"}]}]}`); st != 401 {
		t.Errorf("other vendor: %d, want 401", st)
	}
	st, m, raw := e.do(t, "POST", path, "vendor", `{"requiredRights":[{"resource":[{"id":"urn:altinn:resource","value":"other"}]}]}`)
	if st != 201 || m["id"] != corr || !strings.Contains(m["confirmUrl"].(string), "/vendorchangerequest?id="+corr) {
		t.Fatalf("change: %d %s", st, raw)
	}
	if st, m, _ := e.do(t, "GET", base+"/changerequest/vendor/"+corr, "vendor", nil); st != 200 || m["status"] != "New" {
		t.Errorf("get change: %d", st)
	}
	if st, _, raw := e.do(t, "POST", base+"/changerequest/50000004/"+corr+"/approve", "elg", nil); st != 200 {
		t.Fatalf("approve change: %d %s", st, raw)
	}
	st, _, raw = e.do(t, "GET", base+"/50000004/"+r.ID.String(), "elg", nil)
	if st != 200 || !strings.Contains(raw, `"value":"other"`) {
		t.Errorf("system user after change: %d %s", st, raw)
	}
}

func TestHTTPEscalateOnly(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t)
	ctx := context.Background()
	r, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	id := r.ID.String()
	if st, m, _ := e.do(t, "GET", base+"/request/"+id, "kari", nil); st != 403 || m["code"] != "AUTH-00066" {
		t.Errorf("get by unrelated person: %d %v", st, m["code"])
	}
	if st, _, raw := e.do(t, "POST", base+"/request/50000004/"+id+"/escalate", "kari", nil); st != 200 || strings.TrimSpace(raw) != "false" {
		t.Errorf("escalate by unrelated person: %d %s", st, raw)
	}
	// Kari becomes a board member: she may see and escalate, not approve.
	p := parties.NewService(e.reqs.pool)
	if err := p.AddRole(ctx, e.reqs.pool, parties.Role{OrgNo: customer, RoleCode: "MEDL", HolderPID: strangerPID}); err != nil {
		t.Fatal(err)
	}
	if st, m, raw := e.do(t, "GET", base+"/request/"+id, "kari", nil); st != 200 || m["userMayEscalateButNotApprove"] != true {
		t.Errorf("get by board member: %d %s", st, raw)
	}
	if st, m, _ := e.do(t, "GET", base+"/request/"+id, "elg", nil); st != 200 || m["userMayEscalateButNotApprove"] != false {
		t.Errorf("get by daglig leder: %d %v", st, m["userMayEscalateButNotApprove"])
	}
	if st, m, _ := e.do(t, "POST", base+"/request/50000004/"+id+"/approve", "kari", nil); st != 403 || m["code"] != "AUTH-00066" {
		t.Errorf("approve by board member: %d %v", st, m["code"])
	}
	if st, _, raw := e.do(t, "POST", base+"/request/50000004/"+id+"/escalate", "kari", nil); st != 200 || strings.TrimSpace(raw) != "true" {
		t.Errorf("escalate by board member: %d %s", st, raw)
	}
	if st, m, _ := e.do(t, "GET", base+"/request/vendor/"+id, "vendor", nil); st != 200 || m["escalated"] != true {
		t.Errorf("escalated flag: %v", m["escalated"])
	}
}

func TestHTTPVendorSystemUsersBySystem(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t) // system-user page size 2
	ctx := context.Background()
	var want []string
	for _, org := range []string{customer, "314168267", "313725138", "314330897", "910493353"} {
		r, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: org, Rights: []Right{rightKrav}})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, r.ID.String())
	}
	// Approve directly as the owners' managers would.
	for i, pid := range []string{customerPID, "14857841094", "12857841016", "15857841023", "17857841778"} {
		org := []string{customer, "314168267", "313725138", "314330897", "910493353"}[i]
		if _, err := e.reqs.Approve(ctx, mustUUID(t, want[i]), org, pid); err != nil {
			t.Fatalf("approve for %s: %v", org, err)
		}
	}
	var got []string
	next := base + "/vendor/bysystem/" + systemID
	for pages := 0; next != ""; pages++ {
		if pages > 4 {
			t.Fatal("too many pages")
		}
		st, m, raw := e.do(t, "GET", strings.TrimPrefix(next, e.url), "vendor", nil)
		if st != 200 {
			t.Fatalf("bysystem: %d %s", st, raw)
		}
		data := m["data"].([]any)
		if len(data) > 2 {
			t.Errorf("page of %d, want at most 2", len(data))
		}
		for _, d := range data {
			got = append(got, d.(map[string]any)["id"].(string))
		}
		next, _ = m["links"].(map[string]any)["next"].(string)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("bysystem gave %v, want %v in creation order", got, want)
	}
	if st, m, _ := e.do(t, "GET", base+"/vendor/bysystem/"+systemID, "other", nil); st != 403 && (st != 404 || m["code"] != "AUTH-00011") {
		t.Errorf("bysystem by other vendor: %d %v", st, m["code"])
	}
}

func mustUUID(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestHTTPPortalBFF(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t)
	ctx := context.Background()
	e.sys.Put(su.System{ID: "991825827_direct", Vendor: vendor, Name: map[string]string{"nb": "Direkte"},
		Rights: []Right{rightKrav}, AccessPackages: []AccessPackageRef{{URN: sutest.PkgSkatt}}})
	if st, m, _ := e.do(t, "POST", base+"/50000004/create", "elg", map[string]string{"systemId": systemID}); st != 400 || m["code"] != "AUTH-00064" {
		t.Errorf("direct create with a client-only package: %d %v", st, m["code"])
	}
	if st, m, _ := e.do(t, "POST", base+"/50000004/create", "elg", map[string]string{"systemId": "991825827_nope"}); st != 404 || m["code"] != "AUTH-00011" {
		t.Errorf("direct create, unknown system: %d %v", st, m["code"])
	}
	if st, _, _ := e.do(t, "POST", base+"/50000004/create", "kari", map[string]string{"systemId": "991825827_direct"}); st != 403 {
		t.Errorf("direct create by stranger: %d", st)
	}
	st, m, raw := e.do(t, "POST", base+"/50000004/create", "elg", map[string]string{"systemId": "991825827_direct", "integrationTitle": "Mitt"})
	if st != 200 || m["externalRef"] != customer || m["integrationTitle"] != "Mitt" {
		t.Fatalf("direct create: %d %s", st, raw)
	}
	id := m["id"].(string)
	if st, m, _ := e.do(t, "POST", base+"/50000004/create", "elg", map[string]string{"systemId": "991825827_direct"}); st != 400 || m["code"] != "AUTH-00004" {
		t.Errorf("direct create twice: %d %v", st, m["code"])
	}
	if st, _, raw := e.do(t, "GET", base+"/50000004/"+id+"/delegations", "elg", nil); st != 200 || !strings.Contains(raw, "ske-krav-og-betalinger") || !strings.Contains(raw, sutest.PkgSkatt) {
		t.Errorf("delegations: %d %s", st, raw)
	}
	if st, _, _ := e.do(t, "PUT", base, "elg", map[string]string{"id": id}); st != 200 {
		t.Errorf("PUT existing: %d", st)
	}
	if st, _, _ := e.do(t, "PUT", base, "elg", map[string]string{"id": uuid.NewString()}); st != 404 {
		t.Errorf("PUT unknown: %d", st)
	}

	// Agent client administration through the portal paths.
	r, _, err := e.reqs.Create(ctx, vendor, KindAgent, CreateInput{SystemID: agentSystem, PartyOrgNo: firm, AccessPackages: []AccessPackageRef{{URN: sutest.PkgRegnSign}}})
	if err != nil {
		t.Fatal(err)
	}
	agent, err := e.reqs.Approve(ctx, r.ID, firm, firmPID)
	if err != nil {
		t.Fatal(err)
	}
	p := parties.NewService(e.reqs.pool)
	elg, _ := p.Org(ctx, customer)
	firmOrg, _ := p.Org(ctx, firm)
	aid := agent.ID.String()
	if st, _, _ := e.do(t, "POST", base+"/agent/50000004/"+aid+"?client="+elg.PartyUUID.String(), "elg", nil); st != 403 {
		t.Errorf("add client under another party: %d, want 403", st)
	}
	st, _, raw = e.do(t, "POST", base+"/agent/50000009/"+aid+"?client="+elg.PartyUUID.String()+"&provider="+firmOrg.PartyUUID.String(), "regine", nil)
	if st != 200 || !strings.Contains(raw, `"customerOrganizationNumber":"310385980"`) {
		t.Fatalf("portal add client: %d %s", st, raw)
	}
	st, _, raw = e.do(t, "GET", base+"/agent/50000009/"+firmOrg.PartyUUID.String()+"/"+aid+"/delegations", "regine", nil)
	var ds []map[string]any
	_ = json.Unmarshal([]byte(raw), &ds)
	if st != 200 || len(ds) != 1 || ds[0]["customerId"] != elg.PartyUUID.String() {
		t.Errorf("portal delegations: %d %s", st, raw)
	}
	if st, _, raw := e.do(t, "DELETE", base+"/agent/50000009/"+aid+"/client?client="+elg.PartyUUID.String(), "regine", nil); st != 200 {
		t.Errorf("portal remove client: %d %s", st, raw)
	}
	if st, m, _ := e.do(t, "DELETE", base+"/agent/50000009/"+aid+"/client?client="+elg.PartyUUID.String(), "regine", nil); st != 400 || m["code"] != "AUTH-00038" {
		t.Errorf("portal remove client twice: %d %v", st, m["code"])
	}
}

// TestHTTPOtherVendorsRequests: a vendor can neither delete nor read
// another vendor's standard, agent or change request, and cannot tell one
// from an id that does not exist.
func TestHTTPOtherVendorsRequests(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t)
	ctx := context.Background()
	std, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, ExternalRef: "std", Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	agent, _, err := e.reqs.Create(ctx, vendor, KindAgent, CreateInput{SystemID: agentSystem, PartyOrgNo: firm, AccessPackages: []AccessPackageRef{{URN: sutest.PkgRegnSign}}})
	if err != nil {
		t.Fatal(err)
	}
	approved, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reqs.Approve(ctx, approved.ID, customer, customerPID); err != nil {
		t.Fatal(err)
	}
	corr := uuid.New()
	chg, _, err := e.reqs.CreateChange(ctx, vendor, corr, approved.ID, ChangeInput{RequiredRights: []Right{rightOther}})
	if err != nil {
		t.Fatal(err)
	}
	unknown := uuid.NewString()
	type call struct{ method, path string }
	calls := []struct {
		mine, unknown call
	}{
		{call{"GET", "/request/vendor/" + std.ID.String()}, call{"GET", "/request/vendor/" + unknown}},
		{call{"GET", "/request/vendor/agent/" + std.ID.String()}, call{"GET", "/request/vendor/agent/" + unknown}},
		{call{"GET", "/request/vendor/agent/" + agent.ID.String()}, call{"GET", "/request/vendor/agent/" + unknown}},
		{call{"GET", "/changerequest/vendor/" + chg.ID.String()}, call{"GET", "/changerequest/vendor/" + unknown}},
		{call{"DELETE", "/request/vendor/" + std.ID.String()}, call{"DELETE", "/request/vendor/" + unknown}},
		{call{"DELETE", "/request/vendor/" + agent.ID.String()}, call{"DELETE", "/request/vendor/" + unknown}},
		{call{"DELETE", "/changerequest/vendor/" + chg.ID.String()}, call{"DELETE", "/changerequest/vendor/" + unknown}},
	}
	for _, c := range calls {
		st, m, raw := e.do(t, c.mine.method, base+c.mine.path, "other", nil)
		wst, wm, _ := e.do(t, c.unknown.method, base+c.unknown.path, "other", nil)
		if st != 404 || m["code"] != "AUTH-00010" || st != wst || m["code"] != wm["code"] || m["title"] != wm["title"] {
			t.Errorf("other vendor %s %s: %d %s; an unknown id: %d %v", c.mine.method, c.mine.path, st, raw, wst, wm["code"])
		}
	}
	// Nothing was deleted: the owner still sees all three.
	for _, p := range []string{"/request/vendor/" + std.ID.String(), "/request/vendor/agent/" + agent.ID.String(), "/changerequest/vendor/" + chg.ID.String()} {
		if st, _, raw := e.do(t, "GET", base+p, "vendor", nil); st != 200 {
			t.Errorf("owner GET %s after the other vendor's DELETE: %d %s", p, st, raw)
		}
	}
	// The owner still learns that its standard request is not an agent
	// request, as on the platform.
	if st, m, _ := e.do(t, "GET", base+"/request/vendor/agent/"+std.ID.String(), "vendor", nil); st != 400 || m["code"] != "AUTH-00025" ||
		m["title"] != "The request id is valid but its not a valid request for creating an agent system user" {
		t.Errorf("owner: standard request on the agent route: %d %v", st, m["code"])
	}
	// The owner's DELETE of the wrong kind finds nothing; of the right kind works.
	if st, m, _ := e.do(t, "DELETE", base+"/changerequest/vendor/"+std.ID.String(), "vendor", nil); st != 404 || m["code"] != "AUTH-00010" {
		t.Errorf("owner deletes a request as a change request: %d %v", st, m["code"])
	}
	for _, p := range []string{"/request/vendor/" + std.ID.String(), "/request/vendor/" + agent.ID.String(), "/changerequest/vendor/" + chg.ID.String()} {
		if st, _, raw := e.do(t, "DELETE", base+p, "vendor", nil); st != 202 {
			t.Errorf("owner DELETE %s: %d %s", p, st, raw)
		}
	}
}

// TestHTTPChangeRequestNeedsAccessManager: GET /changerequest/{id} shows a
// change request only to someone who may manage the party's access (the
// platform's PDP check, AUTH-00066 otherwise); a role at the party that
// lets one see and escalate a standard request is not enough.
func TestHTTPChangeRequestNeedsAccessManager(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t)
	ctx := context.Background()
	r, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reqs.Approve(ctx, r.ID, customer, customerPID); err != nil {
		t.Fatal(err)
	}
	chg, _, err := e.reqs.CreateChange(ctx, vendor, uuid.New(), r.ID, ChangeInput{RequiredRights: []Right{rightOther}})
	if err != nil {
		t.Fatal(err)
	}
	p := parties.NewService(e.reqs.pool)
	if err := p.AddRole(ctx, e.reqs.pool, parties.Role{OrgNo: customer, RoleCode: "MEDL", HolderPID: strangerPID}); err != nil {
		t.Fatal(err)
	}
	path := base + "/changerequest/" + chg.ID.String()
	if st, m, raw := e.do(t, "GET", path, "kari", nil); st != 403 || m["code"] != "AUTH-00066" {
		t.Errorf("board member (not access manager): %d %s", st, raw)
	}
	if st, m, raw := e.do(t, "GET", path, "elg", nil); st != 200 || m["id"] != chg.ID.String() {
		t.Errorf("daglig leder: %d %s", st, raw)
	}
	if st, _, raw := e.do(t, "GET", path, "vendor", nil); st != 403 {
		t.Errorf("a vendor's token: %d %s", st, raw)
	}
}

// TestHTTPPortalRequestRoutes: the portal's own request routes answer a
// request only under its own kind's path (another kind's path is 404, as
// an unknown id), act only for a person who may manage the party
// (AUTH-00066), and show redirectUrl as given, or null when none was.
func TestHTTPPortalRequestRoutes(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t)
	ctx := context.Background()
	withRedirect, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, ExternalRef: "with",
		Rights: []Right{rightKrav}, RedirectURL: "https://vendor.example/callback"})
	if err != nil {
		t.Fatal(err)
	}
	without, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, ExternalRef: "without", Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want any
	}{
		{base + "/request/" + withRedirect.ID.String(), "https://vendor.example/callback"},
		{base + "/request/" + without.ID.String(), nil},
		{base + "/request/50000004/" + withRedirect.ID.String(), "https://vendor.example/callback"},
		{base + "/request/50000004/" + without.ID.String(), nil},
	} {
		st, m, raw := e.do(t, "GET", c.path, "elg", nil)
		if v, ok := m["redirectUrl"]; st != 200 || !ok || v != c.want {
			t.Errorf("GET %s: %d %s; want redirectUrl %v", c.path, st, raw, c.want)
		}
	}
	id := without.ID.String()
	for _, p := range []string{"/request/agent/" + id, "/request/agent/50000004/" + id, "/request/agent/50000004/" + id + "/approve", "/request/agent/50000004/" + id + "/reject"} {
		method := "GET"
		if strings.HasSuffix(p, "approve") || strings.HasSuffix(p, "reject") {
			method = "POST"
		}
		if st, _, raw := e.do(t, method, base+p, "elg", nil); st != 404 {
			t.Errorf("%s %s (a standard request under the agent path): %d %s, want 404", method, p, st, raw)
		}
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/request/50000004/" + id}, {"GET", "/request/50000004/" + customer + "/pending"},
		{"POST", "/request/50000004/" + id + "/approve"}, {"POST", "/request/50000004/" + id + "/reject"},
	} {
		if st, m, raw := e.do(t, c.method, base+c.path, "kari", nil); st != 403 || m["code"] != "AUTH-00066" {
			t.Errorf("%s %s by a stranger: %d %s, want 403 AUTH-00066", c.method, c.path, st, raw)
		}
	}
	if st, _, raw := e.do(t, "POST", base+"/request/50000004/"+id+"/approve", "elg", nil); st != 200 || strings.TrimSpace(raw) != "true" {
		t.Fatalf("approve by the customer's manager: %d %s", st, raw)
	}
	if r, err := e.reqs.Get(ctx, without.ID); err != nil || r.Status != StatusAccepted {
		t.Errorf("after approve: %+v, %v", r, err)
	}
}

package simpages_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const vendorOrg = "991825827"

// newClient registers a Maskinporten client with a fresh key.
func newClient(t *testing.T, s *apptest.Server, id, name string, scopes ...string) jwk.Key {
	t.Helper()
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	set, err := mpgrant.PublicJWKS(key)
	if err != nil {
		t.Fatal(err)
	}
	if st, _, body := s.Do(t, "POST", "/sim/api/v1/clients", "", map[string]any{"clientId": id, "orgNo": vendorOrg, "name": name, "scopes": scopes, "jwks": set}); st != 201 {
		t.Fatalf("client: %d %s", st, body)
	}
	return key
}

// grant signs a grant for the server, as a vendor would.
func grant(t *testing.T, s *apptest.Server, key jwk.Key, o mpgrant.Options) string {
	t.Helper()
	if o.Audience == "" {
		o.Audience = s.URL + "/"
	}
	if o.Now.IsZero() {
		o.Now = s.Clock.Now()
	}
	g, err := mpgrant.Sign(key, mpgrant.Claims(o))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func postToken(t *testing.T, s *apptest.Server, assertion string) (int, string) {
	t.Helper()
	st, _, body := s.Do(t, "POST", "/token", "", url.Values{"grant_type": {mpgrant.GrantType}, "assertion": {assertion}})
	return st, string(body)
}

func page(t *testing.T, s *apptest.Server, path string, hdr ...string) string {
	t.Helper()
	st, h, body := s.Do(t, "GET", path, "", nil, hdr...)
	if st != 200 {
		t.Fatalf("GET %s: %d %s", path, st, body)
	}
	if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET %s: Content-Type %q, Cache-Control %q", path, ct, h.Get("Cache-Control"))
	}
	return string(body)
}

func wantIn(t *testing.T, what, body string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(body, sub) {
			t.Errorf("%s: no %q in\n%s", what, sub, body)
		}
	}
}

// TestCallLogShowsTokensAndDecisions: an issued token, a refused grant
// (with the rule's MP code and description) and a PDP decision (with its
// "Why?" link) are on /sim/calls, newest first, and the refusal's request
// id is the one the client saw.
func TestCallLogShowsTokensAndDecisions(t *testing.T) {
	s := apptest.Start(t)
	key := newClient(t, s, "calllog-client", "call log <b>test</b>", "test:read")

	if st, body := postToken(t, s, grant(t, s, key, mpgrant.Options{ClientID: "calllog-client", Scopes: []string{"test:read"}})); st != 200 {
		t.Fatalf("token: %d %s", st, body)
	}
	st, _, body := s.Do(t, "POST", "/token", "", url.Values{"grant_type": {mpgrant.GrantType},
		"assertion": {grant(t, s, key, mpgrant.Options{ClientID: "calllog-client", Scopes: []string{"test:read"}, Audience: "https://wrong.example/"})}},
		"X-Request-Id", "refused-grant-1")
	if st != 400 || !strings.Contains(string(body), "MP-110") {
		t.Fatalf("wrong aud: %d %s", st, body)
	}
	decision := `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":"ebe4a681-0a8c-429e-a36f-8f9ca942b59f"}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read"}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"kravogbetaling"},{"AttributeId":"urn:altinn:organization:identifier-no","Value":"313725138"}]}]}}`
	if st, _, body := s.Do(t, "POST", "/authorization/api/v1/decision", "", decision); st != 200 {
		t.Fatalf("decision: %d %s", st, body)
	}

	calls := page(t, s, "/sim/calls")
	wantIn(t, "call log", calls,
		"o-issued", "o-refused", "invalid_grant", `href="/errors/MP-110"`, "Invalid JWT claim aud", "refused-grant-1",
		"calllog-client", "/authorization/api/v1/decision", "urn:altinn:systemuser:uuid:ebe4a681-0a8c-429e-a36f-8f9ca942b59f",
		`href="/sim/decisions/why?action=read&amp;party=313725138&amp;resource=kravogbetaling&amp;subject=urn%3Aaltinn%3Asystemuser%3Auuid%3Aebe4a681-0a8c-429e-a36f-8f9ca942b59f"`)
	// Newest first: the decision, then the refusal, then the token.
	if d, r, i := strings.Index(calls, "/authorization/api/v1/decision"), strings.Index(calls, "o-refused"), strings.Index(calls, "o-issued"); !(d < r && r < i) {
		t.Errorf("order: decision at %d, refused at %d, issued at %d", d, r, i)
	}
	if tokens := page(t, s, "/sim/calls?kind=token"); strings.Contains(tokens, "/authorization/api/v1/decision") || !strings.Contains(tokens, "o-refused") {
		t.Errorf("kind=token shows decisions or lost tokens:\n%s", tokens)
	}
	if decisions := page(t, s, "/sim/calls?kind=decision"); !strings.Contains(decisions, "/authorization/api/v1/decision") || strings.Contains(decisions, "o-refused") {
		t.Errorf("kind=decision shows token calls or lost decisions:\n%s", decisions)
	}
	if all := page(t, s, "/sim/calls?kind=bogus"); !strings.Contains(all, "/authorization/api/v1/decision") || !strings.Contains(all, "o-refused") {
		t.Errorf("an unknown kind does not show all calls:\n%s", all)
	}
	if other := page(t, s, "/sim/calls?client=someone-else"); strings.Contains(other, "o-issued") {
		t.Errorf("client filter: %s", other)
	}

	// The overview counts and lists, with the client's name escaped.
	home := page(t, s, "/sim/")
	wantIn(t, "overview", home, `id="client-calllog-client"`, "call log &lt;b&gt;test&lt;/b&gt;", "<strong>3</strong> calls logged", "test:read")
	if strings.Contains(home, "<b>test</b>") {
		t.Error("overview: client name not escaped")
	}
}

// TestOverviewCountsState: requests by status, system users and the
// systems appear with their counts after the vendor journey's writes.
func TestOverviewCountsState(t *testing.T) {
	s := apptest.Start(t)
	tok := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": vendorOrg, "scopes": []string{
		"altinn:authentication/systemregister.write", "altinn:authentication/systemuser.request.write"}})
	sys := map[string]any{"Id": vendorOrg + "_overview", "Vendor": map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:" + vendorOrg},
		"Name":        map[string]string{"nb": "Oversikt", "nn": "Oversikt", "en": "Overview system"},
		"Description": map[string]string{"nb": "d", "nn": "d", "en": "d"}, "ClientId": []string{"overview-client"}, "IsVisible": true,
		"Rights": []map[string]any{{"Resource": []map[string]string{{"id": "urn:altinn:resource", "value": "kravogbetaling"}}}}}
	if st, _, body := s.Do(t, "POST", "/authentication/api/v1/systemregister/vendor", tok, sys); st != 200 {
		t.Fatalf("system: %d %s", st, body)
	}
	var ids []string
	for _, party := range []string{"313725138", "314330897", "310385980"} {
		req := map[string]any{"externalRef": "ref-" + party, "systemId": vendorOrg + "_overview", "partyOrgNo": party,
			"rights": []map[string]any{{"resource": []map[string]string{{"id": "urn:altinn:resource", "value": "kravogbetaling"}}}}}
		var out struct {
			ID string `json:"id"`
		}
		if st := s.DoJSON(t, "POST", "/authentication/api/v1/systemuser/request/vendor", tok, req, &out); st != 201 {
			t.Fatalf("request: %d", st)
		}
		ids = append(ids, out.ID)
	}
	// Tiril Tiger, DAGL of 313725138, approves the first.
	person := s.TestToken(t, map[string]any{"type": "person", "pid": "12857841016", "scopes": []string{"altinn:portal/enduser"}})
	if st, _, body := s.Do(t, "POST", "/authentication/api/v1/systemuser/request/313725138/"+ids[0]+"/approve", person, nil); st != 200 {
		t.Fatalf("approve: %d %s", st, body)
	}
	home := page(t, s, "/sim/")
	wantIn(t, "overview", home, `id="system-991825827_overview"`, "Overview system", `href="#client-overview-client"`,
		"<strong>3</strong> requests", `<span class="status s-New">New</span></td><td>2</td>`,
		`<span class="status s-Accepted">Accepted</span></td><td>1</td>`, "standard 2", "ref-314330897",
		"/authfront/ui/auth/vendorrequest?id=", "<strong>1</strong> system users", `id="su-`+ids[0]+`"`,
		`href="/portal/org/313725138"`, "subject=urn%3Aaltinn%3Asystemuser%3Auuid%3A"+ids[0])
}

// TestPagesNeedTheAdminToken: with an admin token set, the pages refuse
// a caller without it and open with it (as a header or once as ?token=,
// which leaves a cookie).
func TestPagesNeedTheAdminToken(t *testing.T) {
	s := apptest.Start(t, func(c *config.Config) { c.AdminToken = "s3cret" })
	for _, p := range []string{"/sim/", "/sim/calls"} {
		if st, _, _ := s.Do(t, "GET", p, "", nil); st != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d", p, st)
		}
		if st, _, _ := s.Do(t, "GET", p, "s3cret", nil); st != 200 {
			t.Errorf("%s with the token: %d", p, st)
		}
	}
	st, h, _ := s.Do(t, "GET", "/sim/calls?token=s3cret", "", nil)
	if st != http.StatusSeeOther || !strings.Contains(h.Get("Set-Cookie"), "HttpOnly") {
		t.Fatalf("?token=: %d %v", st, h)
	}
	cookie := strings.SplitN(h.Get("Set-Cookie"), ";", 2)[0]
	page(t, s, "/sim/", "Cookie", cookie)
}

// The clock the pages show is the emulator's.
func TestPagesShowTheEmulatorsClock(t *testing.T) {
	s := apptest.Start(t)
	if st, _, body := s.Do(t, "POST", "/sim/api/v1/clock", "", map[string]string{"now": "2031-05-06T07:08:09Z"}); st != 200 {
		t.Fatalf("clock: %d %s", st, body)
	}
	// The offset clock ticks on; the minute is enough.
	wantIn(t, "overview", page(t, s, "/sim/"), "clock 2031-05-06 07:0")
}

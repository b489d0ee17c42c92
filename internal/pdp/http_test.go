package pdp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

type fakeVerifier map[string]auth.Caller

func (f fakeVerifier) Verify(_ context.Context, raw string) (auth.Caller, error) {
	c, ok := f[raw]
	if !ok {
		return auth.Caller{}, errors.New("unknown token")
	}
	return c, nil
}

func testServer(t *testing.T) *httptest.Server {
	w := newWorld()
	v := fakeVerifier{
		"good":    {Kind: auth.KindMaskinporten, ConsumerOrgNo: "991825827", Scopes: []string{ScopeAuthorize}},
		"admin":   {Kind: auth.KindMaskinporten, ConsumerOrgNo: "991825827", Scopes: []string{ScopeAuthorizeAdmin}},
		"noscope": {Kind: auth.KindMaskinporten, ConsumerOrgNo: "991825827", Scopes: []string{"altinn:other"}},
	}
	r := chi.NewRouter()
	route.Mount(r, route.Deps{}, w.svc.Routes(v), w.svc.ControlRoutes())
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, token, ct, body string) (int, Response, string) {
	t.Helper()
	rq, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if ct != "" {
		rq.Header.Set("Content-Type", ct)
	}
	if token != "" {
		rq.Header.Set("Authorization", "Bearer "+token)
	}
	rq.Header.Set("Ocp-Apim-Subscription-Key", "anything")
	resp, err := http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out Response
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("body %s: %v", raw, err)
		}
	}
	return resp.StatusCode, out, string(raw)
}

func TestHTTPEndpoints(t *testing.T) {
	srv := testServer(t)
	body := req(attr(AttrSystemUserUUID, suStandard.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgTiger.OrgNo)))
	authz := srv.URL + "/authorization/api/v1/authorize"

	if code, _, raw := post(t, authz, "", "application/json", body); code != 401 {
		t.Errorf("no token: %d %s", code, raw)
	}
	if code, _, raw := post(t, authz, "noscope", "application/json", body); code != 403 {
		t.Errorf("without scope: %d %s", code, raw)
	}
	for _, tok := range []string{"good", "admin"} {
		code, out, raw := post(t, authz, tok, "application/json", body)
		if code != 200 || len(out.Response) != 1 || out.Response[0].Decision != Permit || out.Response[0].Trace != nil {
			t.Errorf("%s token: %d %s", tok, code, raw)
		}
	}
	// /authorize binds JSON only: a JSON body sent as text/plain or as a
	// form is not a request (200 Indeterminate, syntax error).
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded"} {
		if code, out, raw := post(t, authz, "good", ct, body); code != 200 || out.Response[0].Decision != Indeterminate ||
			out.Response[0].Status.StatusCode.Value != StatusSyntaxError {
			t.Errorf("authorize with %s: %d %s", ct, code, raw)
		}
	}
	code, out, raw := post(t, authz+"?explain=true", "good", "application/json", body)
	if code != 200 || out.Response[0].Trace == nil || out.Response[0].Trace.MatchedRule == nil {
		t.Errorf("explain: %d %s", code, raw)
	}
	if !strings.Contains(raw, `"decision":"Permit"`) || !strings.Contains(raw, `"statusCode":{"value":"urn:oasis:names:tc:xacml:1.0:status:ok"`) {
		t.Errorf("camelCase body expected: %s", raw)
	}

	dec := srv.URL + "/authorization/api/v1/decision"
	if code, out, raw := post(t, dec, "", "application/json; charset=utf-8", body); code != 200 || out.Response[0].Decision != Permit {
		t.Errorf("decision: %d %s", code, raw)
	}
	if code, out, raw := post(t, dec, "", "application/json", "not json"); code != 200 || out.Response[0].Decision != Indeterminate ||
		out.Response[0].Status.StatusCode.Value != StatusSyntaxError {
		t.Errorf("bad body: %d %s", code, raw)
	}
	// Anything but application/json is XACML XML there, answered in XML
	// (xacmlxml_test.go has the rest).
	if code, ct, raw := postRaw(t, dec, "application/xml", "<Request/>"); code != 200 || ct != "text/plain; charset=utf-8" ||
		!strings.Contains(raw, "<xacml:Decision>Indeterminate</xacml:Decision>") {
		t.Errorf("xml: %d %s %s", code, ct, raw)
	}
	if code, out, raw := post(t, dec, "", "application/json", `{"Request":{}}`+strings.Repeat(" ", maxBody)); code != 200 || out.Response[0].Decision != Indeterminate {
		t.Errorf("huge body: %d %.200s", code, raw)
	}

	// The control explain endpoint always traces, as /authorize decides.
	code, out, raw = post(t, srv.URL+"/sim/api/v1/decisions/explain", "", "application/json",
		req(attr(AttrSystemUserUUID, suStandard.String()), act("read"), res("ttd-accesspackage-resource")))
	if code != 200 || out.Response[0].Decision != Indeterminate || out.Response[0].Trace == nil ||
		len(out.Response[0].Trace.MissingAttributes) == 0 {
		t.Errorf("explain endpoint: %d %s", code, raw)
	}
}

func TestExplainGET(t *testing.T) {
	srv := testServer(t)
	resp, err := http.Get(srv.URL + "/sim/api/v1/decisions/explain?subject=" + suAgent.String() + "&resource=ttd-accesspackage-resource&action=read&party=" + orgElg.OrgNo)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out Response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Response) != 1 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	r := out.Response[0]
	if r.Decision != Permit || r.Trace == nil || r.Trace.Grant == nil || r.Trace.Grant.Value != "urn:altinn:accesspackage:regnskapsforer-lonn" {
		t.Errorf("GET explain: %+v %+v", r, r.Trace)
	}
}

func TestWhyPage(t *testing.T) {
	srv := testServer(t)
	get := func(u string) string {
		resp, err := http.Get(srv.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return string(b)
	}
	if page := get("/sim/decisions/why"); !strings.Contains(page, "<form") || strings.Contains(page, `id="decision"`) {
		t.Errorf("empty form expected")
	}
	page := get(WhyURL("urn:altinn:systemuser:uuid:"+suAgent.String(), "ttd-accesspackage-resource", "read", orgElg.OrgNo))
	for _, want := range []string{`id="decision">Permit<`, "r-pkg", "regnskapsforer-lonn", "client 310385980"} {
		if !strings.Contains(page, want) {
			t.Errorf("why page lacks %q", want)
		}
	}
	page = get(WhyURL(suAgent.String(), "ttd-accesspackage-resource", "read", orgRev.OrgNo))
	if !strings.Contains(page, `id="decision">NotApplicable<`) || !strings.Contains(page, "no client delegation for 314168267") {
		t.Errorf("why page for NotApplicable: %s", page)
	}
	page = get(WhyURL(personTiril.PID, "ttd-accesspackage-resource", "sign", ""))
	if !strings.Contains(page, `id="decision">Indeterminate<`) || !strings.Contains(page, "urn:altinn:partyid") {
		t.Errorf("why page for a missing party: %s", page)
	}

	// No action is a read; the status is shown with its code and message.
	page = get("/sim/decisions/why?subject=urn:altinn:systemuser:uuid:" + suAgent.String() + "&resource=ttd-accesspackage-resource&party=" + orgElg.OrgNo)
	if !strings.Contains(page, `id="decision">Permit<`) || !strings.Contains(page, `name="action" value="read"`) ||
		!strings.Contains(page, "<code>urn:oasis:names:tc:xacml:1.0:status:ok</code>") {
		t.Errorf("why page without an action: %s", page)
	}
	page = get(WhyURL(personTiril.PID, "ttd-accesspackage-resource", "sign", ""))
	if !strings.Contains(page, "<code>urn:oasis:names:tc:xacml:1.0:status:missing-attribute</code> — ") {
		t.Errorf("why page for a missing party shows no status code and message: %s", page)
	}

	// In the portal's style, with landmarks, in the language asked for
	// (?lang=, else Accept-Language, else bokmål); the form keeps it.
	for lang, want := range map[string]string{"nb": "Hvorfor? Beslutningen forklart", "nn": "Kvifor? Avgjerda forklart", "en": "Why? The decision explained"} {
		page := get(WhyURL(suAgent.String(), "ttd-accesspackage-resource", "read", orgElg.OrgNo) + "&lang=" + lang)
		for _, part := range []string{`<html lang="` + lang + `">`, "<h1>" + want + "</h1>", `href="/portal/static/style.css"`,
			`<header class="site">`, `<nav aria-label=`, `<main id="main"`, `<a class="skip" href="#main">`,
			`name="lang" value="` + lang + `"`, `id="decision">Permit<`, `hreflang="` + lang + `" lang="` + lang + `" aria-current="true">`} {
			if !strings.Contains(page, part) {
				t.Errorf("?lang=%s: the page lacks %q", lang, part)
			}
		}
		// Only the language shown is marked as the current one.
		if n := strings.Count(page, `aria-current="true"`); n != 1 {
			t.Errorf("?lang=%s: %d language links marked current, want 1", lang, n)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/sim/decisions/why", nil)
	req.Header.Set("Accept-Language", "nn-NO,nn;q=0.9,en;q=0.5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `<html lang="nn">`) {
		t.Errorf("Accept-Language nn: %s", b)
	}
}

// TestWhyTextsComplete: every label of the Why? page is in bokmål,
// nynorsk and English.
func TestWhyTextsComplete(t *testing.T) {
	for key, text := range whyTexts {
		for _, l := range []string{"nb", "nn", "en"} {
			if strings.TrimSpace(text.In(l)) == "" {
				t.Errorf("%s has no %s text", key, l)
			}
		}
	}
}

type countingVerifier struct {
	n      int
	caller auth.Caller
}

func (c *countingVerifier) Verify(_ context.Context, raw string) (auth.Caller, error) {
	c.n++
	if raw == "bad" {
		return auth.Caller{}, auth.ErrInvalidToken
	}
	return c.caller, nil
}

func TestTokenCache(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	v := &countingVerifier{caller: auth.Caller{Scopes: []string{ScopeAuthorize}, Claims: map[string]any{"exp": json.Number("1800000100")}}}
	tc := &tokenCache{v: v, now: func() time.Time { return now }}
	ctx := context.Background()
	for range 3 {
		if _, err := tc.Verify(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
	}
	if v.n != 1 {
		t.Errorf("verifications %d, want 1", v.n)
	}
	now = now.Add(tokenCacheTTL + time.Second) // past the cache's own limit
	_, _ = tc.Verify(ctx, "tok")
	if v.n != 2 {
		t.Errorf("verifications %d, want 2 after the cache TTL", v.n)
	}
	now = time.Unix(1_800_000_100, 0) // token's exp: must ask the verifier again
	_, _ = tc.Verify(ctx, "tok")
	if v.n != 3 {
		t.Errorf("verifications %d, want 3 at exp", v.n)
	}
	for range 2 {
		if _, err := tc.Verify(ctx, "bad"); err == nil {
			t.Fatal("bad token accepted")
		}
	}
	if v.n != 5 {
		t.Errorf("failures must not be cached: %d verifications, want 5", v.n)
	}
}

// TestAuthorizeRemembersTokens: /authorize checks its tokens through the
// cache over the verifier Routes was given, not the router's own verifier,
// so a resource owner's repeated token is verified once.
func TestAuthorizeRemembersTokens(t *testing.T) {
	w := newWorld()
	v := &countingVerifier{caller: auth.Caller{Kind: auth.KindMaskinporten, ConsumerOrgNo: "991825827",
		Scopes: []string{ScopeAuthorize}, Claims: map[string]any{"exp": json.Number("4102444800")}}}
	other := &countingVerifier{}
	r := chi.NewRouter()
	route.Mount(r, route.Deps{Verifier: other}, w.svc.Routes(v))
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	body := req(attr(AttrSystemUserUUID, suStandard.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgTiger.OrgNo)))
	for range 3 {
		if code, out, raw := post(t, srv.URL+"/authorization/api/v1/authorize", "tok", "application/json", body); code != 200 || out.Response[0].Decision != Permit {
			t.Fatalf("authorize: %d %s", code, raw)
		}
	}
	if v.n != 1 || other.n != 0 {
		t.Errorf("verifications: %d by Routes' verifier (want 1), %d by the router's (want 0)", v.n, other.n)
	}
}

// brokenWriter is a client gone away: every write fails.
type brokenWriter struct{ h http.Header }

func (b brokenWriter) Header() http.Header     { return b.h }
func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("client gone") }
func (brokenWriter) WriteHeader(int)           {}

// TestWhyPageLogsOnlyARenderFailure: a page rendered and sent logs
// nothing; a page that cannot be written (the client went away) is one
// error line with the cause, for the operator.
func TestWhyPageLogsOnlyARenderFailure(t *testing.T) {
	w := newWorld()
	var buf bytes.Buffer
	svc := New(w.policies, w.users, w.parties, fakeRoles{}, slog.New(slog.NewTextHandler(&buf, nil)))
	u := WhyURL(suAgent.String(), "ttd-accesspackage-resource", "read", orgElg.OrgNo)
	rec := httptest.NewRecorder()
	svc.WhyPage(rec, httptest.NewRequest(http.MethodGet, u, nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="decision">Permit<`) || buf.Len() != 0 {
		t.Errorf("rendered page: %d, log %q; want 200 with the decision and no log", rec.Code, buf.String())
	}
	svc.WhyPage(brokenWriter{h: http.Header{}}, httptest.NewRequest(http.MethodGet, u, nil))
	if !strings.Contains(buf.String(), "level=ERROR") || !strings.Contains(buf.String(), "client gone") {
		t.Errorf("page not written: log %q; want an error line with the cause", buf.String())
	}
}

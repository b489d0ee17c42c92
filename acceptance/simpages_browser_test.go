package acceptance

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// The /sim/ pages in a real headless Chromium (Debian's chromium; test.sh
// installs it when missing), as the portal's browser test drives the
// portal: without Chromium the test fails, unless ALTINN_SIM_SKIP_BROWSER=1
// says to skip it. Screenshots go to test-artifacts/ (or
// ALTINN_SIM_TEST_ARTIFACTS); the ones in docs/screenshots/ were taken by
// this test.

func chromium() string {
	if p := os.Getenv("ALTINN_SIM_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func startChromium(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		if os.Getenv("ALTINN_SIM_SKIP_BROWSER") == "1" {
			t.Skip("no Chromium and ALTINN_SIM_SKIP_BROWSER=1")
		}
		t.Fatal("Chromium not found ($ALTINN_SIM_CHROMIUM or chromium on PATH): install Debian's chromium (./test.sh does when run as root) or set ALTINN_SIM_SKIP_BROWSER=1 to skip browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	bounded, cancelBounded := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancelBounded)
	return bounded
}

// artifacts is where screenshots go: $ALTINN_SIM_TEST_ARTIFACTS, or
// test-artifacts/ at the repository root (git-ignored).
func artifacts(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("ALTINN_SIM_TEST_ARTIFACTS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(filepath.Dir(wd), "test-artifacts")
}

// TestBrowserSimPages: after some traffic (an issued token, a refused
// grant, a PDP decision), a browser opens the /sim/ pages with the admin
// token once, sees the state and the calls with their reasons, follows a
// decision's "Why?" link, and pastes a grant into the debugger, which
// reports each rule without using the grant up.
func TestBrowserSimPages(t *testing.T) {
	e := &env{t: t, srv: apptest.Start(t, func(c *config.Config) { c.AdminToken = "s3cret" }), c: apptest.Client()}
	ctx := startChromium(t)
	admin := func(method, path string, body any) resp {
		t.Helper()
		st, h, b := e.srv.Do(t, method, path, "s3cret", body)
		return resp{status: st, header: h, body: b}
	}
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := mpgrant.PublicJWKS(key)
	if r := admin("POST", "/sim/api/v1/clients", map[string]any{"clientId": "browser-demo", "orgNo": vendorOrg, "name": "Demo vendor app",
		"scopes": []string{scopeRegister}, "jwks": jwks}); r.status != 201 {
		t.Fatalf("client: %d %s", r.status, r)
	}
	grant := func(o mpgrant.Options) string {
		o.ClientID = "browser-demo"
		if o.Audience == "" {
			o.Audience = e.srv.URL + "/"
		}
		o.Now = e.srv.Clock.Now()
		g, err := mpgrant.Sign(key, mpgrant.Claims(o))
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	if r := e.grant(grant(mpgrant.Options{Scopes: []string{scopeRegister}})); r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r)
	}
	if r := e.grant(grant(mpgrant.Options{Scopes: []string{"altinn:not-registered"}})); r.status != 400 {
		t.Fatalf("unregistered scope: %d %s", r.status, r)
	}
	if r := e.grant(grant(mpgrant.Options{Scopes: []string{scopeRegister}, Audience: "https://maskinporten.no/"})); r.status != 400 {
		t.Fatalf("wrong audience: %d %s", r.status, r)
	}
	decide := func(subjectAttr, subject, resource string) {
		t.Helper()
		body := `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"` + subjectAttr + `","Value":"` + subject + `"}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read"}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"` + resource + `"},{"AttributeId":"urn:altinn:organization:identifier-no","Value":"` + customerOrg + `"}]}]}}`
		if r := e.send("POST", "/authorization/api/v1/decision", "", "application/json", body); r.status != 200 {
			t.Fatalf("decision: %d %s", r.status, r)
		}
	}
	decide("urn:altinn:organization:identifier-no", vendorOrg, "kravogbetaling")

	// The SmartCloud journey of the platform docs: a system with this
	// client, a request the customer's daglig leder approves, a
	// system-user token and a decision for the system user.
	testToken := func(body map[string]any) string {
		t.Helper()
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if st := e.srv.DoJSON(t, "POST", "/sim/api/v1/tokens", "s3cret", body, &tok); st != 200 {
			t.Fatalf("test token %v: %d", body, st)
		}
		return tok.AccessToken
	}
	sys := fixtureMap(t, "systemregister.camel.json")
	sys["clientId"] = []string{"browser-demo"}
	if r := e.do("POST", authAPI+"/systemregister/vendor", testToken(map[string]any{"type": "enterprise", "orgNo": vendorOrg, "scopes": []string{scopeRegister}}), sys); r.status != 200 {
		t.Fatalf("system: %d %s", r.status, r)
	}
	r := e.do("POST", authAPI+"/systemuser/request/vendor", testToken(map[string]any{"type": "enterprise", "orgNo": vendorOrg, "scopes": []string{scopeReqWrite}}), fixture(t, "request.standard.json"))
	if r.status != 201 {
		t.Fatalf("request: %d %s", r.status, r)
	}
	suID := r.obj(t)["id"].(string)
	person := testToken(map[string]any{"type": "person", "pid": customerDAG, "scopes": []string{scopeEndUser}})
	if r := e.do("POST", authAPI+"/systemuser/request/"+customerOrg+"/"+suID+"/approve", person, nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r)
	}
	if r := e.grant(grant(mpgrant.Options{Scopes: []string{scopeRegister}, SystemUserOrg: customerOrg})); r.status != 200 {
		t.Fatalf("system-user token: %d %s", r.status, r)
	}
	decide("urn:altinn:systemuser:uuid", suID, "ske-krav-og-betalinger")

	dir := artifacts(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s (at %s): %v", what, loc, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	wantText := func(sel string, subs ...string) {
		t.Helper()
		got := text(sel)
		for _, s := range subs {
			if !strings.Contains(got, s) {
				t.Errorf("%s shows %q, want it to contain %q", sel, got, s)
			}
		}
	}

	// Without the token: the admin form. With it once: the cookie, and the
	// address bar no longer holds the token.
	step("open /sim/ without the token", chromedp.Navigate(e.srv.URL+"/sim/"), chromedp.WaitVisible(chromedp.CSS(`input[name=token]`)))
	step("open /sim/ with the token", chromedp.Navigate(e.srv.URL+"/sim/?token=s3cret"), chromedp.WaitVisible(chromedp.CSS(`#counts`)))
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); strings.Contains(loc, "s3cret") {
		t.Errorf("the token stayed in the address: %s", loc)
	}
	wantText("#counts", "1 clients", "1 systems", "1 requests", "1 system users", "6 calls logged")
	wantText("#systemuser-table", suID, "991825827_smartcloud", customerOrg, "Why?")
	wantText("#client-browser-demo", "browser-demo", "Demo vendor app", scopeRegister)
	wantText("#lastcalls", "refused", "issued", "MP-110", "MP-200", "NotApplicable")
	shot("sim-overview.png")

	step("open the call log", chromedp.Navigate(e.srv.URL+"/sim/calls"), chromedp.WaitVisible(chromedp.CSS(`#call-table`)))
	wantText("#call-table", "invalid_grant", "MP-110", "Invalid JWT claim aud", "invalid_scope", "MP-200", "altinn:not-registered",
		"issued", "/authorization/api/v1/decision", "kravogbetaling", "Why?", "system user "+suID+" for "+customerOrg,
		"urn:altinn:systemuser:uuid:"+suID, "Permit", "NotApplicable")
	shot("sim-calls.png")
	step("follow Why?", chromedp.Click(chromedp.CSS(`a.why`)), chromedp.WaitVisible(chromedp.CSS(`#decision`)))
	// The newest decision is the system user's: its Why? says Permit.
	wantText("#decision", "Permit")

	// The debugger: a grant with a wrong audience and an unregistered
	// scope, pasted and posted from the page.
	bad := grant(mpgrant.Options{Scopes: []string{scopeRegister, "altinn:not-registered"}, Audience: "https://maskinporten.no/"})
	step("open the debugger", chromedp.Navigate(e.srv.URL+"/sim/debugger"), chromedp.WaitVisible(chromedp.CSS(`#jwt`)))
	step("paste a grant", chromedp.SetValue(chromedp.CSS(`#jwt`), bad), chromedp.Click(chromedp.CSS(`#inspect`)), chromedp.WaitVisible(chromedp.CSS(`#rules`)))
	wantText("#verdict", "would refuse")
	wantText("#grant-client", "browser-demo", "Demo vendor app")
	wantText("#rules", "signature", "passes", "audience", "fails", "MP-110", "MP-200", "altinn:not-registered")
	wantText("#claims", "iss", "browser-demo", "The client id", "https://maskinporten.no/")
	shot("sim-debugger.png")

	// A good grant: every rule passes, and it is still good at /token.
	good := grant(mpgrant.Options{Scopes: []string{scopeRegister}})
	step("paste a good grant", chromedp.Navigate(e.srv.URL+"/sim/debugger"), chromedp.WaitVisible(chromedp.CSS(`#jwt`)), chromedp.SetValue(chromedp.CSS(`#jwt`), good), chromedp.Click(chromedp.CSS(`#inspect`)), chromedp.WaitVisible(chromedp.CSS(`#rules`)))
	wantText("#verdict", "would issue a token")
	if r := e.grant(good); r.status != 200 {
		t.Fatalf("the grant the debugger checked, at /token: %d %s", r.status, r)
	}

	// A token we issued: verified against our keys, claims explained.
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if st := e.srv.DoJSON(t, "POST", "/sim/api/v1/tokens", "s3cret", map[string]any{"type": "enterprise", "orgNo": vendorOrg, "scopes": []string{scopeRegister}}, &tok); st != 200 {
		t.Fatalf("test token: %d", st)
	}
	step("paste a token", chromedp.Navigate(e.srv.URL+"/sim/debugger"), chromedp.WaitVisible(chromedp.CSS(`#jwt`)), chromedp.SetValue(chromedp.CSS(`#jwt`), "Bearer "+tok.AccessToken), chromedp.Click(chromedp.CSS(`#inspect`)), chromedp.WaitVisible(chromedp.CSS(`#claims`)))
	wantText("#verdict", "signed by this emulator and valid")
	wantText("#claims", "client_amr", "consumer", vendorOrg)
	shot("sim-debugger-token.png")
}

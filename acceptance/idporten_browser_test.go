package acceptance

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestNodeIDPortenBrowser: Node's openid-client discovers altinn-sim's
// ID-porten and starts the code flow with PKCE; headless Chromium opens
// the authorization URL and a test person logs in with one click; back at
// the Node app's loopback redirect URI, openid-client redeems the code and
// validates the id token, exchanges the access token for an Altinn token
// (jose verifies it against Altinn's JWKS) and adds a client to an agent
// system user with it.
func TestNodeIDPortenBrowser(t *testing.T) {
	node := needNode(t)
	e := start(t)
	ctx := startChromium(t)
	agent, clientParty := agentSystemUser(t, e)

	cctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, node, "idporten.mjs", e.srv.URL, agent, clientParty)
	cmd.Dir = nodeDir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	next := func() map[string]any {
		if !lines.Scan() {
			_ = cmd.Wait()
			t.Fatalf("idporten.mjs said nothing more (stderr %s)", stderr.String())
		}
		var m map[string]any
		if err := json.Unmarshal(lines.Bytes(), &m); err != nil {
			t.Fatalf("idporten.mjs: %s", lines.Text())
		}
		return m
	}
	first := next()
	authURL, _ := first["authorize"].(string)
	if !strings.HasPrefix(authURL, e.srv.URL+"/idporten/authorize?") {
		t.Fatalf("idporten.mjs: %v", first)
	}

	// The person's part, in the browser.
	button := `tr[data-pid="` + firmDAGL + `"] button[type=submit]`
	if err := chromedp.Do(ctx, chromedp.Navigate(authURL), chromedp.WaitVisible(chromedp.CSS(button))); err != nil {
		t.Fatalf("login page: %v", err)
	}
	title, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if title != "Log in with a test person" {
		t.Errorf("login page heading %q, want the English one (ui_locales=en)", title)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		saveArtifact(t, "idporten-login-en.png", png)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(button)), chromedp.WaitVisible(chromedp.CSS(`#back`))); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("log in: %v (at %s)", err, loc)
	}

	rep := next()
	if err := cmd.Wait(); err != nil || rep["ok"] != true {
		t.Fatalf("idporten.mjs: %v %v (stderr %s)", rep, err, stderr.String())
	}
	if rep["issuer"] != e.srv.URL+"/idporten" {
		t.Errorf("issuer %v", rep["issuer"])
	}
	idt := rep["id_token"].(map[string]any)
	if idt["pid"] != firmDAGL || idt["acr"] != "idporten-loa-substantial" || idt["locale"] != "en" || idt["aud"] != "demo-idporten-client" {
		t.Errorf("id token %v", idt)
	}
	if a := rep["altinn"].(map[string]any); a["pid"] != firmDAGL || a["authlevel"] != float64(3) || a["userid"] == nil {
		t.Errorf("Altinn token %v", a)
	}
	if rep["add_status"] != float64(200) {
		t.Errorf("add client: %v %v", rep["add_status"], rep["added"])
	}
}

// agentSystemUser has the firm ask for and approve an agent system user of
// a vendor's agent system, and returns its id and the party uuid of a
// client the firm is accountant for.
func agentSystemUser(t *testing.T, e *env) (agent, clientParty string) {
	t.Helper()
	clientID := "6f1e3c2a-0000-4000-8000-00000000a012"
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
	r := e.do("POST", authAPI+"/systemuser/request/vendor/agent", e.vendorToken(scopeReqWrite), fixture(t, "request.agent.json"))
	if r.status != 201 {
		t.Fatalf("agent request: %d %s", r.status, r)
	}
	agent = r.obj(t)["id"].(string)
	if r := e.do("POST", authAPI+"/systemuser/request/agent/"+firmOrg+"/"+agent+"/approve", e.personToken(firmDAGL), nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r)
	}
	tok := e.testToken(map[string]any{"type": "person", "pid": firmDAGL, "scopes": []string{"altinn:clientdelegations.read"}})
	r = e.do("GET", authAPI+"/enduser/systemuser/clients/available?agent="+agent, tok, nil)
	for _, c := range r.obj(t)["data"].([]any) {
		if m := c.(map[string]any); m["clientOrganizationNumber"] == "310385980" {
			return agent, m["clientId"].(string)
		}
	}
	t.Fatalf("310385980 is not an available client: %s", r)
	return "", ""
}

// saveArtifact writes a screenshot to the test artifacts folder.
func saveArtifact(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := artifacts(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

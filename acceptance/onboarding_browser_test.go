package acceptance

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// TestBrowserOnboarding is the reference implementation's setup as the
// platform docs give it (the seed document's Maskinporten onboarding), in
// headless Chromium with a screenshot of each step: log in as a test
// person who is daglig leder of a test organisation; select the
// organisation; see its integrations; create an integration; search for
// the scope; add more and describe it; download the keys; the integration
// is created. The downloaded mp-key.pem then gets a Maskinporten token the
// way 'altinn-sim token --client-id … --key mp-key.pem --scope …' gets one.
func TestBrowserOnboarding(t *testing.T) {
	e := start(t)
	ctx := startChromium(t)
	dir := artifacts(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
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
		return strings.TrimSpace(s)
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

	// 1. Log in as Tiril Tiger, daglig leder of Rakrygget Spesifikk Tiger
	// AS: the onboarding pages send the browser to the portal's login,
	// which is ID-porten's test-person page.
	person := `tr[data-pid="` + customerDAG + `"] button[type=submit]`
	step("open the onboarding pages", chromedp.Navigate(e.srv.URL+"/selvbetjening/?lang=nb"), chromedp.WaitVisible(chromedp.CSS(person)))
	shot("onboarding-1-login.png")
	step("log in", chromedp.Click(chromedp.CSS(person)), chromedp.WaitVisible(chromedp.CSS(`#orgs`)))

	// 2. Select the organisation.
	if got := text(`li[data-org="` + customerOrg + `"]`); !strings.Contains(got, "Rakrygget Spesifikk Tiger AS") {
		t.Fatalf("organisation list: %q", got)
	}
	shot("onboarding-2-select-org.png")
	step("select the organisation", chromedp.Click(chromedp.CSS(`li[data-org="`+customerOrg+`"] a`)), chromedp.WaitVisible(chromedp.CSS(`#new-integration`)))

	// 3. See its integrations (none yet).
	step("see no integrations", chromedp.WaitVisible(chromedp.CSS(`#no-integrations`)))
	shot("onboarding-3-integrations.png")

	// 4. Create an integration; 5. search for the scope.
	step("new integration", chromedp.Click(chromedp.CSS(`#new-integration`)), chromedp.WaitVisible(chromedp.CSS(`#q`)))
	step("search for the scope", chromedp.SendKeys(chromedp.CSS(`#q`), "systemuser"), chromedp.Click(chromedp.CSS(`#search`)),
		chromedp.WaitVisible(chromedp.CSS(`#q[value="systemuser"]`)))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#found-scopes tr[data-scope]:not([data-scope*="systemuser"])').length`)); n != 0 {
		t.Errorf("the search for systemuser lists %d other scopes", n)
	}
	step("add the scope", chromedp.Click(chromedp.CSS(`tr[data-scope="`+scopeReqWrite+`"] a.add`)),
		chromedp.WaitVisible(chromedp.CSS(`#chosen-scopes li[data-scope="`+scopeReqWrite+`"]`)))
	shot("onboarding-4-search-scope.png")

	// 6. Add more and describe it.
	step("search for more", chromedp.SetValue(chromedp.CSS(`#q`), "systemregister"), chromedp.Click(chromedp.CSS(`#search`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-scope="`+scopeRegister+`"] a.add`)),
		chromedp.Click(chromedp.CSS(`tr[data-scope="`+scopeRegister+`"] a.add`)),
		chromedp.WaitVisible(chromedp.CSS(`#chosen-scopes li[data-scope="`+scopeRegister+`"]`)))
	if got := text(`#chosen-scopes`); !strings.Contains(got, scopeReqWrite) {
		t.Fatalf("adding a second scope lost the first: %q", got)
	}
	step("describe", chromedp.SendKeys(chromedp.CSS(`#name`), "Referanseimplementasjon"),
		chromedp.SendKeys(chromedp.CSS(`#description`), "Konsollappen fra plattformdokumentasjonen"))
	shot("onboarding-5-describe.png")

	// 7. Download the keys.
	downloads := t.TempDir()
	var mu sync.Mutex
	names := map[string]string{} // guid → suggested file name
	done := map[string]bool{}
	// The download events come to the tab that allowed downloads.
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *browser.EventDownloadWillBegin:
			names[ev.GUID] = ev.SuggestedFilename
		case *browser.EventDownloadProgress:
			if ev.State == browser.DownloadProgressStateCompleted {
				done[ev.GUID] = true
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	events := true
	step("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &events})
		return err
	}))
	step("create", chromedp.Click(chromedp.CSS(`#create`)), chromedp.WaitVisible(chromedp.CSS(`#download-pem`)))
	clientID, kid := text(`#client-id`), text(`#kid`)
	shot("onboarding-6-download-keys.png")
	step("download the PEM key", chromedp.Click(chromedp.CSS(`#download-pem`)))
	var pemFile []byte
	for deadline := time.Now().Add(20 * time.Second); pemFile == nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the download did not complete (began: %v)", names)
		}
		mu.Lock()
		for guid, ok := range done {
			if ok && names[guid] == "mp-key.pem" {
				b, err := os.ReadFile(filepath.Join(downloads, guid))
				if err != nil {
					t.Fatal(err)
				}
				pemFile = b
			}
		}
		mu.Unlock()
	}
	if !strings.HasPrefix(string(pemFile), "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("the download is not a PKCS#8 PEM key: %q", pemFile)
	}
	// Copies of the key, as a vendor's configuration would hold it, for
	// whoever looks at the artifacts.
	_ = os.WriteFile(filepath.Join(dir, "onboarding-mp-key.pem"), pemFile, 0o600)

	// 8. The integration is created: listed, with its key, and the private
	// key is not offered again.
	step("go to the integration", chromedp.Click(chromedp.CSS(`#continue`)), chromedp.WaitVisible(chromedp.CSS(`#key-list tr[data-kid="`+kid+`"]`)))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#download-pem').length`)); n != 0 {
		t.Error("the integration page offers the private key again")
	}
	step("back to the list", chromedp.Navigate(e.srv.URL+"/selvbetjening/org/"+customerOrg+"/integrations"),
		chromedp.WaitVisible(chromedp.CSS(`#integrations tr[data-client="`+clientID+`"]`)))
	if got := text(`#integrations tr[data-client="` + clientID + `"]`); !strings.Contains(got, "Referanseimplementasjon") {
		t.Fatalf("integration row: %q", got)
	}
	shot("onboarding-7-created.png")

	// The reference implementation's configuration: client id, scope and
	// mp-key.pem, read and signed as 'altinn-sim token' does.
	key, err := mpgrant.ParsePrivateKey(pemFile, "")
	if err != nil {
		t.Fatalf("read mp-key.pem: %v", err)
	}
	if key.KeyID() != kid {
		t.Errorf("the PEM key's thumbprint %s is not the registered kid %s", key.KeyID(), kid)
	}
	g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: e.srv.URL + "/",
		Scopes: []string{scopeRegister, scopeReqWrite}}))
	if err != nil {
		t.Fatal(err)
	}
	r := e.grant(g)
	if r.status != 200 {
		t.Fatalf("token with the downloaded key: %d %s", r.status, r)
	}
	tok := r.obj(t)
	if got := strings.Fields(tok["scope"].(string)); !slices.Contains(got, scopeRegister) || !slices.Contains(got, scopeReqWrite) {
		t.Fatalf("token scope %q", tok["scope"])
	}
	claims := apptest.JWTClaims(t, tok["access_token"].(string))
	if claims["client_id"] != clientID || claims["client_amr"] != "private_key_jwt" {
		t.Fatalf("token claims %v", claims)
	}
	if c, ok := claims["consumer"].(map[string]any); !ok || !strings.HasSuffix(c["ID"].(string), customerOrg) {
		t.Fatalf("token consumer %v, want %s", claims["consumer"], customerOrg)
	}
}

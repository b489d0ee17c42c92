package portal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/portal"
	"github.com/altinn-sim/altinn-sim/internal/registry"
)

// The whole emulator, as a vendor and a customer use it: the vendor
// registers a system and asks for a system user over the platform API; the
// customer's managing director opens the confirmUrl in a real browser,
// logs in, approves and lands back at the vendor; the vendor then finds
// exactly one system user.

const (
	vendorOrg = "991825827" // Digitaliseringsdirektoratet
	tigerOrg  = "313725138" // Rakrygget Spesifikk Tiger AS
	tirilPID  = "12857841016"
)

func vendorToken(t *testing.T, s *apptest.Server) string {
	t.Helper()
	return s.TestToken(t, map[string]any{
		"type": "enterprise", "orgNo": vendorOrg,
		"scopes": []string{"altinn:authentication/systemuser.request.write", "altinn:authentication/systemuser.request.read",
			"altinn:authentication/systemregister.write"},
	})
}

func TestEndToEndApproveInBrowser(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	vendor := portal.NewVendorSiteForTest(t)
	systemID := vendorOrg + "_portal_e2e"

	rr := registry.NewRegisterRequest()
	rr.ID = systemID
	rr.Vendor = registry.VendorFor(vendorOrg)
	rr.Name = map[string]string{"nb": "Simulert Regnskap", "nn": "Simulert Rekneskap", "en": "Simulated Accounting"}
	rr.Description = map[string]string{"nb": "Sender krav og betalinger", "nn": "Sender krav og betalingar", "en": "Sends claims and payments"}
	rr.Rights = []registry.Right{{Resource: []registry.AttributePair{{ID: "urn:altinn:resource", Value: "ske-krav-og-betalinger"}}}}
	rr.AllowedRedirectURLs = []string{vendor.URL("/callback")}
	if _, err := s.Registry.Create(ctx, registry.Actor{OrgNo: vendorOrg}, rr); err != nil {
		t.Fatalf("register system: %v", err)
	}

	tok := vendorToken(t, s)
	st, _, b := s.Do(t, http.MethodPost, "/authentication/api/v1/systemuser/request/vendor", tok, map[string]any{
		"systemId": systemID, "partyOrgNo": tigerOrg,
		"rights":      []map[string]any{{"resource": []map[string]string{{"id": "urn:altinn:resource", "value": "ske-krav-og-betalinger"}}}},
		"redirectUrl": vendor.URL("/callback?state=abc123"),
	})
	if st != http.StatusCreated {
		t.Fatalf("create request: %d %s", st, b)
	}
	var created struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		ConfirmURL string `json:"confirmUrl"`
	}
	if err := json.Unmarshal(b, &created); err != nil || created.ConfirmURL == "" {
		t.Fatalf("request body %s", b)
	}
	if !strings.HasPrefix(created.ConfirmURL, s.URL+"/") {
		t.Fatalf("confirmUrl %q is not on this server", created.ConfirmURL)
	}

	browser := portal.NewBrowserForTest(t)
	loc := portal.BrowserApproveForTest(t, browser, created.ConfirmURL, tirilPID, "Simulert Regnskap", "portal-request.png")
	u, _ := url.Parse(loc)
	if u.Hostname() != "vendor.example" || u.Path != "/callback" || u.Query().Get("state") != "abc123" {
		t.Fatalf("browser ended at %s, want the request's redirectUrl", loc)
	}
	portal.SaveScreenshotForTest(t, browser, "portal-vendor-landing.png")
	if n := len(vendor.Landings()); n != 1 {
		t.Fatalf("vendor saw %d landings", n)
	}

	st, _, b = s.Do(t, http.MethodGet, "/authentication/api/v1/systemuser/request/vendor/"+created.ID, tok, nil)
	if st != http.StatusOK || !strings.Contains(string(b), `"status":"Accepted"`) {
		t.Fatalf("request after approval: %d %s", st, b)
	}

	// Approving logged the person out. Logged in again, the confirmUrl
	// shows the answer and no second Approve.
	login := `tr[data-pid="` + tirilPID + `"] button`
	if err := chromedp.Do(browser, chromedp.Navigate(created.ConfirmURL),
		chromedp.WaitVisible(chromedp.CSS(login)), chromedp.Click(chromedp.CSS(login)),
		chromedp.WaitVisible(chromedp.CSS(`#status[data-status="Accepted"]`))); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(browser, chromedp.Evaluate[int](`document.querySelectorAll('#approve').length`))
	if err != nil || n != 0 {
		t.Fatalf("approve buttons after approval: %d (%v)", n, err)
	}

	// The session's form token and cookie, for approvals sent directly.
	csrf, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.querySelector('input[name=csrf]').value`))
	if err != nil || csrf == "" {
		t.Fatalf("csrf from page: %v", err)
	}
	sess := browserCookie(t, browser, s.URL)
	if js, _ := chromedp.Run(browser, chromedp.Evaluate[string](`document.cookie`)); strings.Contains(js, portal.CookieName) {
		t.Error("scripts can read the session cookie")
	}
	approve := func(id string) []*http.Response {
		var wg sync.WaitGroup
		out := make([]*http.Response, 20)
		for i := range out {
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := url.Values{"csrf": {csrf}}
				req, _ := http.NewRequest(http.MethodPost, s.URL+"/portal/requests/"+id+"/approve", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(&http.Cookie{Name: portal.CookieName, Value: sess})
				resp, err := apptest.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				out[i] = resp
			}()
		}
		wg.Wait()
		return out
	}
	// A second request from the same vendor (another externalRef), then
	// twenty approvals of it racing through the portal's form: one wins
	// and goes to the vendor; the rest see 409 (already answered) or, once
	// the winner's logout ended the session, the login page.
	st, _, b = s.Do(t, http.MethodPost, "/authentication/api/v1/systemuser/request/vendor", tok, map[string]any{
		"systemId": systemID, "partyOrgNo": tigerOrg, "externalRef": "second",
		"rights":      []map[string]any{{"resource": []map[string]string{{"id": "urn:altinn:resource", "value": "ske-krav-og-betalinger"}}}},
		"redirectUrl": vendor.URL("/callback?state=second"),
	})
	if st != http.StatusCreated {
		t.Fatalf("create second request: %d %s", st, b)
	}
	var second struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(b, &second)
	wins := 0
	for i, resp := range approve(second.ID) {
		if resp == nil {
			continue
		}
		loc := resp.Header.Get("Location")
		switch {
		case resp.StatusCode == http.StatusSeeOther && loc == vendor.URL("/callback?state=second"):
			wins++
		case resp.StatusCode == http.StatusConflict:
		case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/portal/login"):
		default:
			t.Errorf("racing approval %d: %d %s", i, resp.StatusCode, loc)
		}
	}
	if wins != 1 {
		t.Fatalf("%d racing approvals went through, want 1", wins)
	}

	// The vendor finds one system user per approved request; its id is
	// the request's.
	q := url.Values{"system-id": {systemID}, "orgno": {tigerOrg}}
	st, _, b = s.Do(t, http.MethodGet, "/authentication/api/v1/systemuser/vendor/byquery?"+q.Encode(), tok, nil)
	if st != http.StatusOK || !strings.Contains(string(b), created.ID) {
		t.Fatalf("system user lookup: %d %s", st, b)
	}
	st, _, b = s.Do(t, http.MethodGet, "/authentication/api/v1/systemuser/vendor/bysystem/"+systemID, tok, nil)
	if st != http.StatusOK {
		t.Fatalf("system users of the system: %d %s", st, b)
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &list); err != nil || len(list.Data) != 2 {
		t.Fatalf("system users of the system: %s", b)
	}
	got := map[string]bool{list.Data[0].ID: true, list.Data[1].ID: true}
	if !got[created.ID] || !got[second.ID] {
		t.Fatalf("system users %v, want the two requests' ids", got)
	}
}

// browserCookie reads the portal's session cookie from the browser and
// checks the flags the browser sees on it.
func browserCookie(t *testing.T, browser context.Context, base string) string {
	t.Helper()
	res, err := chromedp.Call(browser, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/portal/"}})
	if err != nil {
		t.Fatalf("cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == portal.CookieName {
			if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax {
				t.Errorf("session cookie in the browser: HttpOnly=%v SameSite=%q", c.HTTPOnly, c.SameSite)
			}
			return c.Value
		}
	}
	t.Fatal("no session cookie in the browser")
	return ""
}

// An accounting firm approves an agent request in the portal, then gives
// the agent system user a client, cannot delete it while the client is
// there, takes the client back and deletes it — all through the portal's
// forms on the real services.
func TestEndToEndAgentClientsInPortal(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	vendor := portal.NewVendorSiteForTest(t)
	const (
		firm      = "312605031" // Regnskapshuset Simulert AS
		reginePID = "18857841030"
		clientElg = "310385980" // Fattig Forsiktig Elg AS: the firm holds REGN
		pkg       = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"
	)
	systemID := vendorOrg + "_portal_agent"
	rr := registry.NewRegisterRequest()
	rr.ID = systemID
	rr.Vendor = registry.VendorFor(vendorOrg)
	rr.Name = map[string]string{"nb": "Simulert Klientsystem", "nn": "Simulert Klientsystem", "en": "Simulated Client System"}
	rr.Description = map[string]string{"nb": "Fører regnskap for kunder", "nn": "Fører rekneskap for kundar", "en": "Keeps clients' books"}
	rr.AccessPackages = []registry.AccessPackageRef{{URN: pkg}}
	rr.IsVisible = false // a client-only package may not be on a visible system
	rr.AllowedRedirectURLs = []string{vendor.URL("/done")}
	if _, err := s.Registry.Create(ctx, registry.Actor{OrgNo: vendorOrg}, rr); err != nil {
		t.Fatalf("register system: %v", err)
	}
	tok := vendorToken(t, s)
	st, _, b := s.Do(t, http.MethodPost, "/authentication/api/v1/systemuser/request/vendor/agent", tok, map[string]any{
		"systemId": systemID, "partyOrgNo": firm,
		"accessPackages": []map[string]string{{"urn": pkg}},
		"redirectUrl":    vendor.URL("/done"),
	})
	if st != http.StatusCreated {
		t.Fatalf("create agent request: %d %s", st, b)
	}
	var created struct {
		ID         string `json:"id"`
		ConfirmURL string `json:"confirmUrl"`
	}
	if err := json.Unmarshal(b, &created); err != nil {
		t.Fatal(err)
	}

	br := portal.NewTestBrowser(t, s.URL)
	// The portal logs in through ID-porten: /portal/login → ID-porten's
	// authorization endpoint → its login page → a click → the portal's
	// callback, which starts the session and goes back to next.
	local := func(loc string) string { return strings.TrimPrefix(loc, s.URL) }
	login := func(next string) {
		t.Helper()
		p := br.Get("/portal/login?next=" + url.QueryEscape(next))
		for i := 0; i < 3 && p.Status() >= 300 && p.Status() < 400; i++ {
			p = br.Get(local(p.Location()))
		}
		p.WantStatus(t, http.StatusOK)
		back := br.Submit(p, `tr[data-pid="`+reginePID+`"] form`, nil)
		back.WantStatus(t, http.StatusSeeOther)
		if !strings.HasPrefix(local(back.Location()), "/portal/login/callback?") {
			t.Fatalf("ID-porten sent the browser to %s, not the portal's callback", back.Location())
		}
		cb := br.Get(local(back.Location()))
		cb.WantStatus(t, http.StatusSeeOther)
		if cb.Location() != next {
			t.Fatalf("after the login the portal went to %s, want %s", cb.Location(), next)
		}
	}
	confirm := strings.TrimPrefix(created.ConfirmURL, s.URL)
	login(confirm)
	rp := br.Get(confirm)
	rp.WantStatus(t, http.StatusOK)
	rp.InText("#system-name", "Simulert Klientsystem")
	rp.InText("ul.packages li", "Regnskapsfører med signeringsrettighet")
	ap := br.Submit(rp, `form[action$="/approve"]`, nil)
	ap.WantStatus(t, http.StatusSeeOther)
	if ap.Location() != vendor.URL("/done") {
		t.Fatalf("approve went to %q", ap.Location())
	}

	login("/portal/")
	org := br.Get("/portal/org/" + firm)
	org.WantStatus(t, http.StatusOK)
	row := `tr[data-systemuser="` + created.ID + `"]`
	org.InText(row, "Simulert Klientsystem")
	org.InText(row, "Kundesystembruker")
	suPath := "/portal/org/" + firm + "/systemusers/" + created.ID
	sp := br.Get(suPath)
	sp.WantStatus(t, http.StatusOK)
	sp.InText(`#available-list tr[data-client="`+clientElg+`"]`, "Fattig Forsiktig Elg AS")

	add := br.Submit(sp, `#available-list tr[data-client="`+clientElg+`"] form`, nil)
	add.WantStatus(t, http.StatusSeeOther)
	sp = br.Get(suPath)
	sp.InText(`#client-list tr[data-client="`+clientElg+`"]`, "Fattig Forsiktig Elg AS")
	if sp.Has(`#available-list tr[data-client="` + clientElg + `"]`) {
		t.Error("a delegated client is still offered")
	}
	// The platform refuses to delete an agent that still has clients.
	del := br.Submit(sp, `form[action$="/delete"]`, nil)
	if del.Status() < 400 || del.Status() >= 500 {
		t.Fatalf("deleting an agent with clients: %d", del.Status())
	}
	rm := br.Submit(sp, `#client-list tr[data-client="`+clientElg+`"] form`, nil)
	rm.WantStatus(t, http.StatusSeeOther)
	sp = br.Get(suPath)
	if sp.Has(`#client-list`) {
		t.Fatal("the client is still delegated after removal")
	}
	del = br.Submit(sp, `form[action$="/delete"]`, nil)
	del.WantStatus(t, http.StatusSeeOther)
	org = br.Get(del.Location())
	org.InText(".flash", "slettet")
	if org.Has(row) {
		t.Fatal("the deleted system user is still listed")
	}
	br.Get(suPath).WantStatus(t, http.StatusNotFound)
}

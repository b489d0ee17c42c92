package portal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/portal"
	"github.com/altinn-sim/altinn-sim/internal/registry"
)

// End-user-driven creation in headless Chromium, once in each language:
// log in, pick the system by searching for it, see its rights, create,
// land on the organisation's overview. Then a second creation for the
// same system is refused as a page, the overview reflows at 375 px, and a
// person without the role is refused. Screenshots go to test-artifacts/.
func TestBrowserEndUserCreation(t *testing.T) {
	s := apptest.Start(t)
	names := map[string]map[string]string{
		"nb": {"nb": "Lønnsportalen", "nn": "Lønsportalen", "en": "Payroll Portal"},
		"nn": {"nb": "Timeføring Pluss", "nn": "Timeføring Pluss", "en": "Timesheets Plus"},
		"en": {"nb": "Fakturaflyt", "nn": "Fakturaflyt", "en": "Invoice Flow"},
	}
	for lang, name := range names {
		rr := registry.NewRegisterRequest()
		rr.ID, rr.Vendor, rr.Name = vendorOrg+"_browser_"+lang, registry.VendorFor(vendorOrg), name
		rr.Description = map[string]string{"nb": "Sender data til Skatteetaten", "nn": "Sender data til Skatteetaten", "en": "Sends data to the tax authority"}
		rr.Rights = []registry.Right{{Resource: []registry.AttributePair{{ID: "urn:altinn:resource", Value: "ske-krav-og-betalinger"}}}}
		if _, err := s.Registry.Create(t.Context(), registry.Actor{OrgNo: vendorOrg}, rr); err != nil {
			t.Fatalf("register: %v", err)
		}
	}
	ctx := portal.NewBrowserForTest(t)
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
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return got
	}
	login := func(pid string) {
		t.Helper()
		btn := `tr[data-pid="` + pid + `"] button[type=submit]`
		step("see the login page", chromedp.WaitVisible(chromedp.CSS(btn)))
		step("log in", chromedp.Click(chromedp.CSS(btn)))
	}

	step("open the creation page", chromedp.Navigate(s.URL+"/authfront/ui/auth/creation"))
	login(tirilPID)
	step("back at the creation page", chromedp.WaitVisible(chromedp.CSS(`#search`)))
	want := map[string]struct{ heading, created string }{
		"nb": {"Opprett systembruker", "Systembrukeren er opprettet."},
		"nn": {"Opprett systembrukar", "Systembrukaren er oppretta."},
		"en": {"Create a system user", "The system user has been created."},
	}
	for _, lang := range []string{"nb", "nn", "en"} {
		id := vendorOrg + "_browser_" + lang
		step("open in "+lang, chromedp.Navigate(s.URL+"/authfront/ui/auth/creation?lang="+lang),
			chromedp.WaitVisible(chromedp.CSS(`#search`)))
		if got := text("h1"); got != want[lang].heading {
			t.Errorf("%s heading %q, want %q", lang, got, want[lang].heading)
		}
		step("search in "+lang, chromedp.SendKeys(chromedp.CSS(`#q`), names[lang][lang]), chromedp.Click(chromedp.CSS(`#search`)),
			// The answer's search box carries the text as its value.
			chromedp.WaitVisible(chromedp.CSS(`#q[value="`+names[lang][lang]+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`tr[data-system="`+id+`"] a`)))
		if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-system]').length`)); n != 1 {
			t.Errorf("%s: search for %q lists %d systems", lang, names[lang][lang], n)
		}
		step("choose in "+lang, chromedp.Click(chromedp.CSS(`tr[data-system="`+id+`"] a`)), chromedp.WaitVisible(chromedp.CSS(`#create`)))
		if got := text("#system-name"); got != names[lang][lang] {
			t.Errorf("%s: system named %q", lang, got)
		}
		portal.SaveScreenshotForTest(t, ctx, "enduser-create-"+lang+".png")
		step("create in "+lang, chromedp.Click(chromedp.CSS(`#create`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		if got := text(".flash"); got != want[lang].created {
			t.Errorf("%s flash %q", lang, got)
		}
		if !strings.Contains(text("#main table"), names[lang][lang]) {
			t.Errorf("%s: the overview lacks the new system user", lang)
		}
		portal.SaveScreenshotForTest(t, ctx, "enduser-created-"+lang+".png")
	}
	if n := liveFor(t, s, tigerOrg, vendorOrg+"_browser_nb"); n != 1 {
		t.Fatalf("%d system users for the nb system", n)
	}

	// The same system again: refused as a page, in the page's language.
	step("open the nb system again", chromedp.Navigate(s.URL+"/authfront/ui/auth/creation?lang=nb&org="+tigerOrg+"&system="+vendorOrg+"_browser_nb"),
		chromedp.WaitVisible(chromedp.CSS(`#create`)), chromedp.Click(chromedp.CSS(`#create`)),
		chromedp.WaitVisible(chromedp.CSS(`#error-message`)))
	if got := text("#error-message"); !strings.Contains(got, "AUTH-00004") || !strings.Contains(got, "allerede en systembruker") {
		t.Errorf("second creation says %q", got)
	}
	portal.SaveScreenshotForTest(t, ctx, "enduser-exists-nb.png")
	if n := liveFor(t, s, tigerOrg, vendorOrg+"_browser_nb"); n != 1 {
		t.Fatalf("%d system users after the second creation", n)
	}

	// At 375 px the overview's table reflows: nothing scrolls sideways.
	step("narrow", chromedp.EmulateViewport(375, 900), chromedp.Navigate(s.URL+"/portal/org/"+tigerOrg+"?lang=nn"),
		chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || wide > 375 {
		t.Errorf("page is %d px wide at a 375 px viewport (%v)", wide, err)
	}
	label, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#main td[data-label]'), '::before').content`))
	if !strings.Contains(label, "Namn") {
		t.Errorf("reflowed cells are not labelled: %q", label)
	}
	portal.SaveScreenshotForTest(t, ctx, "enduser-overview-375-nn.png")

	// A person without the role for Tiger is refused.
	step("log out", chromedp.Click(chromedp.CSS(`header form.inline button`)), chromedp.WaitVisible(chromedp.CSS(`.flash, tr[data-pid]`)))
	step("open as another person", chromedp.Navigate(s.URL+"/authfront/ui/auth/creation?lang=en&org="+tigerOrg))
	login(eliasDAGL)
	step("see the refusal", chromedp.WaitVisible(chromedp.CSS(`#refusal`)))
	if got := text("#refusal"); !strings.Contains(got, "Rakrygget Spesifikk Tiger AS") {
		t.Errorf("refusal says %q", got)
	}
	portal.SaveScreenshotForTest(t, ctx, "enduser-refused-en.png")
}

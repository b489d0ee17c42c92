package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/portal"
	"github.com/altinn-sim/altinn-sim/internal/registry"
)

// End-user-driven creation over HTTP, against the real services: the
// rules (role, one system user per system and organisation) are the ones
// approval uses, so the test runs them, not fakes.

const (
	toreAM    = "20857841019" // access manager of Tiger
	eliasDAGL = "13857841055" // DAGL of Elg only
	kariNone  = "21857841058" // no roles
)

// registerForCreation registers a visible and an invisible system.
func registerForCreation(t *testing.T, s *apptest.Server, suffix string) (visible, hidden string) {
	t.Helper()
	for _, sys := range []struct {
		id      string
		visible bool
		name    map[string]string
	}{
		{vendorOrg + "_synlig_" + suffix, true, map[string]string{"nb": "Synlig Lønn " + suffix, "nn": "Synleg Løn " + suffix, "en": "Visible Payroll " + suffix}},
		{vendorOrg + "_skjult_" + suffix, false, map[string]string{"nb": "Skjult Lønn " + suffix, "nn": "Løynd Løn " + suffix, "en": "Hidden Payroll " + suffix}},
	} {
		rr := registry.NewRegisterRequest()
		rr.ID, rr.Vendor, rr.Name, rr.IsVisible = sys.id, registry.VendorFor(vendorOrg), sys.name, sys.visible
		rr.Description = map[string]string{"nb": "Sender lønnsdata", "nn": "Sender lønsdata", "en": "Sends payroll data"}
		rr.Rights = []registry.Right{{Resource: []registry.AttributePair{{ID: "urn:altinn:resource", Value: "ske-krav-og-betalinger"}}}}
		if _, err := s.Registry.Create(t.Context(), registry.Actor{OrgNo: vendorOrg}, rr); err != nil {
			t.Fatalf("register %s: %v", sys.id, err)
		}
	}
	return vendorOrg + "_synlig_" + suffix, vendorOrg + "_skjult_" + suffix
}

func loginTB(t *testing.T, s *apptest.Server, pid string) (*portal.TestBrowser, string) {
	t.Helper()
	b := portal.NewTestBrowser(t, s.URL)
	// The portal logs in through ID-porten: follow its redirects to the
	// login page, click the person, and come back through the callback.
	local := func(loc string) string { return strings.TrimPrefix(loc, s.URL) }
	p := b.Get("/portal/login?next=%2Fportal%2F")
	for i := 0; i < 3 && p.Status() >= 300 && p.Status() < 400; i++ {
		p = b.Get(local(p.Location()))
	}
	p.WantStatus(t, http.StatusOK)
	back := b.Submit(p, `tr[data-pid="`+pid+`"] form`, nil)
	for i := 0; i < 3 && back.Status() >= 300 && back.Status() < 400 && local(back.Location()) != "/portal/"; i++ {
		back = b.Get(local(back.Location()))
	}
	if local(back.Location()) != "/portal/" {
		t.Fatalf("the login ended at %d %s", back.Status(), back.Location())
	}
	home := b.Get("/portal/")
	home.WantStatus(t, http.StatusOK)
	return b, home.Attr(`header form input[name=csrf]`, "value")
}

func liveFor(t *testing.T, s *apptest.Server, orgNo, systemID string) int {
	t.Helper()
	sus, err := s.SystemUsers.ListForParty(t.Context(), orgNo)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range sus {
		if u.SystemID == systemID && !u.IsDeleted {
			n++
		}
	}
	return n
}

func TestEndUserCreation(t *testing.T) {
	s := apptest.Start(t)
	visible, hidden := registerForCreation(t, s, "http")
	b, csrf := loginTB(t, s, tirilPID)

	// Tiril manages only Tiger: it is chosen, and only visible systems show.
	p := b.Get("/authfront/ui/auth/creation")
	p.WantStatus(t, http.StatusOK)
	p.InText(`#org option[selected]`, "Rakrygget Spesifikk Tiger AS")
	if !p.Has(`tr[data-system="` + visible + `"]`) {
		t.Fatalf("visible system not offered\n%s", p.Body())
	}
	if p.Has(`tr[data-system="` + hidden + `"]`) {
		t.Fatal("invisible system offered")
	}
	// Search by name and by vendor.
	p = b.Get("/authfront/ui/auth/creation?org=" + tigerOrg + "&q=" + url.QueryEscape("synlig lønn http"))
	if !p.Has(`tr[data-system="` + visible + `"]`) {
		t.Fatal("search by name misses the system")
	}
	p = b.Get("/authfront/ui/auth/creation?org=" + tigerOrg + "&q=finnes-ikke-xyz")
	if p.Has(`tr[data-system="`+visible+`"]`) || !p.Has("#no-systems") {
		t.Fatal("search by a text no system has still lists it")
	}
	p = b.Get("/authfront/ui/auth/creation?org=" + tigerOrg + "&q=digitaliseringsdirektoratet")
	if !p.Has(`tr[data-system="` + visible + `"]`) {
		t.Fatal("search by vendor name misses the system")
	}
	// The invisible system cannot be chosen, not even by its id.
	b.Get("/authfront/ui/auth/creation?org="+tigerOrg+"&system="+hidden).WantStatus(t, http.StatusNotFound)
	b.Post("/authfront/ui/auth/creation", url.Values{"csrf": {csrf}, "org": {tigerOrg}, "system": {hidden}}).WantStatus(t, http.StatusNotFound)
	if liveFor(t, s, tigerOrg, hidden) != 0 {
		t.Fatal("system user created for an invisible system")
	}

	// The access-management path shows the same page, rights in words.
	p = b.Get("/accessmanagement/ui/systemuser/create?org=" + tigerOrg + "&system=" + visible)
	p.WantStatus(t, http.StatusOK)
	p.InText("#system-name", "Synlig Lønn http")
	if !p.Has("#rights + ul.rights li, section ul.rights li") {
		t.Fatalf("rights not listed\n%s", p.Body())
	}

	// Without the CSRF token: refused, nothing created.
	for _, tok := range []string{"", "forged"} {
		b.Post("/authfront/ui/auth/creation", url.Values{"csrf": {tok}, "org": {tigerOrg}, "system": {visible}}).WantStatus(t, http.StatusForbidden)
	}
	if liveFor(t, s, tigerOrg, visible) != 0 {
		t.Fatal("created without a CSRF token")
	}

	// Accept: created as an approved request would, back to the overview.
	done := b.Submit(p, "#create-form", nil)
	done.WantStatus(t, http.StatusSeeOther)
	if done.Location() != "/portal/org/"+tigerOrg+"?msg=created" {
		t.Fatalf("after creation: %s", done.Location())
	}
	if n := liveFor(t, s, tigerOrg, visible); n != 1 {
		t.Fatalf("%d system users after creation", n)
	}
	ov := b.Get(done.Location())
	ov.InText(".flash", "opprettet")
	ov.InText("#main table", "Synlig Lønn http")

	// A second creation for the same system and organisation: a page with
	// the platform's meaning (AUTH-00004), still one system user.
	again := b.Submit(p, "#create-form", nil)
	again.WantStatus(t, http.StatusBadRequest)
	again.InText("#error-message", "AUTH-00004")
	again.InText("#error-message", "Rakrygget Spesifikk Tiger AS")
	if n := liveFor(t, s, tigerOrg, visible); n != 1 {
		t.Fatalf("%d system users after a second creation", n)
	}
}

func TestEndUserCreationNeedsTheRole(t *testing.T) {
	s := apptest.Start(t)
	visible, _ := registerForCreation(t, s, "role")
	form := func(csrf string) url.Values {
		return url.Values{"csrf": {csrf}, "org": {tigerOrg}, "system": {visible}}
	}

	// Kari has no roles: no organisation to pick, and a post is refused.
	b, csrf := loginTB(t, s, kariNone)
	p := b.Get("/authfront/ui/auth/creation")
	p.WantStatus(t, http.StatusOK)
	if !p.Has("#no-orgs") || p.Has("#create") {
		t.Fatalf("a person without roles is offered creation\n%s", p.Body())
	}
	r := b.Post("/authfront/ui/auth/creation", form(csrf))
	r.WantStatus(t, http.StatusForbidden)
	r.InText("#refusal", "Rakrygget Spesifikk Tiger AS")

	// Elias manages Elg, not Tiger: Tiger is refused as a page.
	b, csrf = loginTB(t, s, eliasDAGL)
	rf := b.Get("/authfront/ui/auth/creation?org=" + tigerOrg)
	rf.WantStatus(t, http.StatusForbidden)
	rf.InText("h1", "Du kan ikke administrere tilganger her")
	b.Post("/authfront/ui/auth/creation", form(csrf)).WantStatus(t, http.StatusForbidden)
	if liveFor(t, s, tigerOrg, visible) != 0 {
		t.Fatal("created by a person without the role")
	}

	// Tore is Tiger's access manager: the role is enough.
	b, csrf = loginTB(t, s, toreAM)
	b.Post("/authfront/ui/auth/creation", form(csrf)).WantStatus(t, http.StatusSeeOther)
	if liveFor(t, s, tigerOrg, visible) != 1 {
		t.Fatal("the access manager could not create")
	}
	// Not logged in: to the login page.
	anon := portal.NewTestBrowser(t, s.URL).Get("/authfront/ui/auth/creation")
	anon.WantStatus(t, http.StatusSeeOther)
}

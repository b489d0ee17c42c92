package portal_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/apidelegation"
	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

const elgOrg = "310385980" // Fattig Forsiktig Elg AS, the supplier here

// Regnskapshuset Simulert AS and its daglig leder: an organisation that is
// neither consumer nor supplier here.
const (
	regnOrg  = "312605031"
	regnDAGL = "18857841030"
)

// TestAPIDelegationPage: a person who manages the consumer gives a scheme
// to a supplier and withdraws it, with the session's CSRF token; a person
// without a role there is refused; the supplier's page shows what it
// received; bad input is a clear 4xx and changes nothing.
func TestAPIDelegationPage(t *testing.T) {
	s := apptest.Start(t)
	if _, err := s.APIDelegation.CreateScheme(t.Context(), apidelegation.NewScheme{Identifier: "portal-api", OwnerOrgNo: "974761076",
		Scopes: []string{"skattetest:portal.read"}, Title: "Skatt portal-API"}); err != nil {
		t.Fatal(err)
	}
	live := func() []apidelegation.Delegation {
		t.Helper()
		ds, err := s.APIDelegation.Delegations(t.Context(), apidelegation.Filter{ConsumerOrgNo: tigerOrg})
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	const page = "/portal/org/" + tigerOrg + "/apidelegations"

	b, csrf := loginTB(t, s, tirilPID)
	org := b.Get("/portal/org/" + tigerOrg)
	org.WantStatus(t, http.StatusOK)
	if !org.Has(`#api-link[href="` + page + `"]`) {
		t.Fatal("the organisation page has no link to its API delegations")
	}
	p := b.Get(page)
	p.WantStatus(t, http.StatusOK)
	if !p.Has("#no-given") || !p.Has(`#scheme option[value="portal-api"]`) {
		t.Fatalf("empty page\n%s", p.Body())
	}

	// Without the form token nothing happens.
	b.Post(page, url.Values{"scheme": {"portal-api"}, "supplier": {elgOrg}}).WantStatus(t, http.StatusForbidden)
	// Bad input: a clear 4xx page, nothing written.
	b.Post(page, url.Values{"csrf": {csrf}, "scheme": {"portal-api"}, "supplier": {"12345"}}).WantStatus(t, http.StatusBadRequest)
	b.Post(page, url.Values{"csrf": {csrf}, "scheme": {"portal-api"}, "supplier": {tigerOrg}}).WantStatus(t, http.StatusBadRequest)
	b.Post(page, url.Values{"csrf": {csrf}, "scheme": {"portal-api"}, "supplier": {"999999999"}}).WantStatus(t, http.StatusBadRequest)
	b.Post(page, url.Values{"csrf": {csrf}, "scheme": {"nope"}, "supplier": {elgOrg}}).WantStatus(t, http.StatusNotFound)
	// PostgreSQL cannot store NUL or bytes that are not UTF-8: the form
	// cannot be read (not a 500).
	b.Post(page, url.Values{"csrf": {csrf}, "scheme": {"portal-api\x00"}, "supplier": {elgOrg}}).WantStatus(t, http.StatusBadRequest)
	b.Post(page, url.Values{"csrf": {csrf}, "scheme": {"portal-\xff"}, "supplier": {elgOrg}}).WantStatus(t, http.StatusBadRequest)
	if n := len(live()); n != 0 {
		t.Fatalf("%d delegations after refused posts", n)
	}

	// The form as the page has it (spaces in the number are fine).
	// (The test browser sends inputs only: the select's choice is added.)
	done := b.Submit(p, "#delegate-form", url.Values{"scheme": {"portal-api"}, "supplier": {"310 385 980"}})
	done.WantStatus(t, http.StatusSeeOther)
	if done.Location() != page+"?msg=apiDelegated" {
		t.Fatalf("after delegating: %s", done.Location())
	}
	ds := live()
	if len(ds) != 1 || ds[0].SupplierOrgNo != elgOrg || ds[0].CreatedBy != tirilPID || ds[0].Scheme != "portal-api" {
		t.Fatalf("delegations %+v", ds)
	}
	p = b.Get(page + "?msg=apiDelegated")
	p.InText(`tr[data-supplier="`+elgOrg+`"]`, "Fattig Forsiktig Elg AS")

	// Elias manages Elg only: he sees what Elg received, and may not touch
	// Tiger's delegations.
	eb, ecsrf := loginTB(t, s, eliasDAGL)
	ep := eb.Get("/portal/org/" + elgOrg + "/apidelegations")
	ep.WantStatus(t, http.StatusOK)
	ep.InText(`#received-list li[data-consumer="`+tigerOrg+`"]`, "Skatt portal-API")
	if r := eb.Post(page+"/"+ds[0].ID.String()+"/withdraw", url.Values{"csrf": {ecsrf}}); r.Status() != http.StatusForbidden {
		t.Fatalf("another organisation's person withdrew: %d", r.Status())
	}
	// A third organisation (neither consumer nor supplier) finds no such
	// delegation through its own path.
	rb, rcsrf := loginTB(t, s, regnDAGL)
	rb.Post("/portal/org/"+regnOrg+"/apidelegations/"+ds[0].ID.String()+"/withdraw", url.Values{"csrf": {rcsrf}}).WantStatus(t, http.StatusNotFound)
	if len(live()) != 1 {
		t.Fatal("the delegation was withdrawn by someone without the right")
	}

	// Withdrawn by Tiril with the page's button.
	done = b.Submit(p, `tr[data-supplier="`+elgOrg+`"] form`, nil)
	done.WantStatus(t, http.StatusSeeOther)
	if done.Location() != page+"?msg=apiWithdrawn" {
		t.Fatalf("after withdrawing: %s", done.Location())
	}
	if n := len(live()); n != 0 {
		t.Fatalf("%d live delegations after withdrawal", n)
	}
	if !b.Get(page).Has("#no-given") {
		t.Fatal("the withdrawn delegation is still listed")
	}

	// The supplier may give back what it received (Access Management's
	// {party}/maskinportenschema/received/revoke): Elias withdraws a new
	// delegation with the button on Elg's page.
	b.Submit(b.Get(page), "#delegate-form", url.Values{"scheme": {"portal-api"}, "supplier": {elgOrg}}).WantStatus(t, http.StatusSeeOther)
	if n := len(live()); n != 1 {
		t.Fatalf("%d live delegations after delegating again", n)
	}
	ep = eb.Get("/portal/org/" + elgOrg + "/apidelegations")
	done = eb.Submit(ep, `#received-list li[data-consumer="`+tigerOrg+`"] form`, nil)
	done.WantStatus(t, http.StatusSeeOther)
	if done.Location() != "/portal/org/"+elgOrg+"/apidelegations?msg=apiWithdrawn" {
		t.Fatalf("after the supplier withdrew: %s", done.Location())
	}
	if n := len(live()); n != 0 {
		t.Fatalf("%d live delegations after the supplier withdrew", n)
	}

	// Kari has no role in Tiger.
	kb, _ := loginTB(t, s, kariNone)
	if st := kb.Get(page).Status(); st != http.StatusForbidden {
		t.Fatalf("a person without a role: %d", st)
	}
}

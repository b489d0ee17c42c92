package portal

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/route"
	"github.com/altinn-sim/altinn-sim/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Seeded persons (migrations/0001_parties.up.sql).
const (
	pidTiril = "12857841016" // DAGL of Rakrygget Spesifikk Tiger AS
	pidTore  = "20857841019" // access manager of Tiger AS
	pidElias = "13857841055" // DAGL of Fattig Forsiktig Elg AS only
	pidKari  = "21857841058" // no roles
	orgTiger = "313725138"
	orgRegn  = "312605031" // Regnskapshuset Simulert AS (REGN for Elg and Rev)
	orgElg   = "310385980"
	orgRev   = "314168267"

	systemID   = "991825827_the_matrix"
	resourceID = "ske-krav-og-betalinger"
	pkgURN     = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"
	redirect   = "https://vendor.example/callback?from=altinn"
)

type fixture struct {
	t     *testing.T
	srv   *httptest.Server
	svc   *Service
	reqs  *fakeRequests
	sus   *fakeSystemUsers
	clock *clock.Fixed
	pool  *pgxpool.Pool
}

func testDeps(pool *pgxpool.Pool, clk clock.Clock, reqs *fakeRequests, sus *fakeSystemUsers) Deps {
	d := Deps{
		Pool:    pool,
		Clock:   clk,
		Log:     slog.New(slog.DiscardHandler),
		Parties: parties.NewService(pool),
		Systems: fakeSystems{systemID: {
			ID: systemID, Vendor: "991825827",
			Name:        map[string]string{"nb": "Matrix Regnskap", "en": "Matrix Accounting", "nn": "Matrix Rekneskap"},
			Description: map[string]string{"nb": "Fører regnskapet automatisk", "en": "Keeps the books automatically"},
		}},
		Catalogue: fakeCatalogue{
			resources: map[string]Resource{resourceID: {Identifier: resourceID,
				Title:       map[string]string{"nb": "Krav og betalinger", "en": "Claims and payments"},
				Description: map[string]string{"nb": "Se krav fra Skatteetaten", "en": "See claims from the tax authority"}}},
			packages: map[string]AccessPackage{pkgURN: {URN: pkgURN, Name: "Regnskapsfører med signeringsrettighet",
				NameNN: "Rekneskapsførar med signeringsrett", NameEN: "Accountant with signing rights", Description: "Gir tilgang til regnskap"}},
		},
		Web: web.FS,
	}
	// Typed nils would make non-nil interfaces.
	if reqs != nil {
		d.Requests = reqs
	}
	if sus != nil {
		d.SystemUsers = sus
	}
	return d
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	pool := dbtest.New(t)
	f := &fixture{t: t, pool: pool, clock: clock.NewFixed(time.Now()), sus: newFakeSystemUsers()}
	f.reqs = &fakeRequests{reqs: map[uuid.UUID]*Request{}, su: f.sus}
	svc, err := New(testDeps(pool, f.clock, f.reqs, f.sus))
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	f.srv = serve(t, svc)
	return f
}

func serve(t *testing.T, svc *Service) *httptest.Server {
	r := chi.NewRouter()
	r.NotFound(svc.NotFound().ServeHTTP)
	route.Mount(r, route.Deps{}, svc.Routes())
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func (f *fixture) standardRequest() Request {
	return f.reqs.add(Request{
		Kind: KindStandard, SystemID: systemID, PartyOrgNo: orgTiger, ExternalRef: orgTiger,
		IntegrationTitle: "Matrix for Tiger",
		Rights:           []Right{{Resource: []AttributePair{{ID: "urn:altinn:resource", Value: resourceID}}}},
		AccessPackages:   []AccessPackageRef{{URN: pkgURN}},
		RedirectURL:      redirect,
	})
}

func confirmPath(id uuid.UUID) string {
	return "/accessmanagement/ui/systemuser/request?id=" + id.String() + "&DONTCHOOSEREPORTEE=true"
}

// loginAs logs the browser in through the login page's one-click button.
func (f *fixture) loginAs(b *tb, pid, next string) *page {
	f.t.Helper()
	lp := b.get("/portal/login?next=" + url.QueryEscape(next))
	lp.wantStatus(f.t, http.StatusOK)
	return b.submit(lp, `tr[data-pid="`+pid+`"] form`, nil)
}

func TestConfirmURLSendsToLoginListingPersons(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.standardRequest()
	b := newTB(t, f.srv)

	p := b.get(confirmPath(req.ID))
	p.wantStatus(t, http.StatusSeeOther)
	loc, _ := url.Parse(p.location())
	if loc.Path != "/portal/login" || loc.Query().Get("next") != confirmPath(req.ID) {
		t.Fatalf("redirect to %q, want the login page coming back to the confirmUrl", p.location())
	}

	lp := b.get(p.location())
	lp.wantStatus(t, http.StatusOK)
	lp.inText("h1", "Logg inn")
	tiril := `tr[data-pid="` + pidTiril + `"]`
	lp.inText(tiril, "Tiril Tiger")
	lp.inText(tiril, "Rakrygget Spesifikk Tiger AS")
	lp.inText(tiril, orgTiger)
	lp.inText(tiril, "Daglig leder")
	lp.inText(tiril, "Styrets leder")
	lp.inText(`tr[data-pid="`+pidTore+`"]`, "Tilgangsstyrer")
	lp.inText(`tr[data-pid="`+pidKari+`"]`, "Ingen roller")
	// One "Log in" button per seeded person, and a free pid field.
	persons, _ := parties.NewService(f.pool).Persons(t.Context())
	if got := len(lp.all(`table.persons tbody tr form button[type=submit]`)); got != len(persons) || got < 10 {
		t.Errorf("%d login buttons, want one per person (%d)", got, len(persons))
	}
	in := lp.one(`form input#pid[name=pid]`)
	if attr(in, "type") != "text" {
		t.Errorf("pid input type %q", attr(in, "type"))
	}
	lp.one(`label[for=pid]`)

	cookie := func(resp *http.Response, name string) *http.Cookie {
		for _, c := range resp.Cookies() {
			if c.Name == name {
				return c
			}
		}
		return nil
	}
	// The anonymous login page sets no session, only the form's CSRF cookie.
	if c := cookie(lp.resp, CookieName); c != nil {
		t.Fatalf("the login page set a session cookie %+v", c)
	}
	if c := cookie(lp.resp, LoginCSRFCookie); c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/portal/" {
		t.Fatalf("login CSRF cookie %+v: want HttpOnly, SameSite=Strict, Path=/portal/", c)
	}
	// Every form carries the CSRF token.
	for _, form := range lp.all("form") {
		if len(lp.allIn(form, `input[name=csrf]`)) != 1 {
			t.Errorf("a form lacks its CSRF field")
		}
	}
	done := b.submit(lp, `tr[data-pid="`+pidTiril+`"] form`, nil)
	done.wantStatus(t, http.StatusSeeOther)
	if sess := cookie(done.resp, CookieName); sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/", sess)
	}
}

func TestApproveRedirectsOnceAndNeverTwice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.standardRequest()
	b := newTB(t, f.srv)
	// A second person has the same request open in another browser.
	other := newTB(t, f.srv)
	f.loginAs(other, pidTore, "/")
	stale := other.get(confirmPath(req.ID))
	stale.wantStatus(t, http.StatusOK)

	p := f.loginAs(b, pidTiril, confirmPath(req.ID))
	p.wantStatus(t, http.StatusSeeOther)
	if p.location() != confirmPath(req.ID) {
		t.Fatalf("after login went to %q", p.location())
	}
	rp := b.get(p.location())
	rp.wantStatus(t, http.StatusOK)
	rp.inText("h1", "Forespørsel om systemtilgang")
	rp.inText("#system-name", "Matrix Regnskap")
	rp.inText("#system-description", "Fører regnskapet automatisk")
	rp.inText("#vendor", "Digitaliseringsdirektoratet")
	rp.inText("#vendor", "991825827")
	rp.inText("#org", "Rakrygget Spesifikk Tiger AS")
	rp.inText("#integration", "Matrix for Tiger")
	rp.inText("ul.rights li", "Krav og betalinger")
	rp.inText("ul.rights li", "Se krav fra Skatteetaten")
	rp.inText("ul.packages li", "Regnskapsfører med signeringsrettighet")
	rp.inText("button#approve", "Godkjenn")
	rp.inText("button#reject", "Avvis")
	rp.inText("#whoami", "Tiril Tiger")

	ap := b.submit(rp, `form[action$="/approve"]`, nil)
	ap.wantStatus(t, http.StatusSeeOther)
	loc, _ := url.Parse(ap.location())
	if loc.Host != "vendor.example" || loc.Path != "/callback" || loc.Query().Get("from") != "altinn" ||
		loc.Query().Get("id") != req.ID.String() || loc.Query().Get("status") != StatusAccepted {
		t.Fatalf("approve redirected to %q, want the RedirectAfter URL", ap.location())
	}
	if len(f.reqs.approvals) != 1 || f.reqs.approvals[0] != pidTiril {
		t.Fatalf("approvals %v, want one by Tiril", f.reqs.approvals)
	}
	// Answering logs out, as on the real platform.
	if cookieValue(t, ap.resp) != "" {
		t.Error("the session cookie was not cleared")
	}
	b.get("/portal/").wantStatus(t, http.StatusSeeOther)

	// The same form again (a double click): the session is gone, so it
	// goes to the login page and changes nothing.
	again := b.submit(rp, `form[action$="/approve"]`, nil)
	again.wantStatus(t, http.StatusSeeOther)
	if !strings.HasPrefix(again.location(), "/portal/login") {
		t.Fatalf("repeat went to %q", again.location())
	}
	// The other person's stale page: 409, shown as approved, no button.
	late := other.submit(stale, `form[action$="/approve"]`, nil)
	late.wantStatus(t, http.StatusConflict)
	late.inText("#done", "godkjent")
	if got := attr(late.one("a#continue"), "href"); !strings.HasPrefix(got, "https://vendor.example/callback") {
		t.Errorf("continue link %q", got)
	}
	if late.has("button#approve") {
		t.Error("an answered request still offers Approve")
	}
	other.submit(stale, `form[action$="/reject"]`, nil).wantStatus(t, http.StatusConflict)
	if len(f.reqs.approvals) != 1 || len(f.reqs.rejects) != 0 {
		t.Fatalf("approvals %v rejects %v after repeats", f.reqs.approvals, f.reqs.rejects)
	}
}

func TestRejectThenApproveIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.standardRequest()
	tiril := newTB(t, f.srv)
	f.loginAs(tiril, pidTiril, "/")
	stale := tiril.get(confirmPath(req.ID))

	b := newTB(t, f.srv)
	f.loginAs(b, pidTore, "/") // the access manager may answer too
	rp := b.get(confirmPath(req.ID))
	rp.wantStatus(t, http.StatusOK)
	rj := b.submit(rp, `form[action$="/reject"]`, nil)
	rj.wantStatus(t, http.StatusSeeOther)
	if u, _ := url.Parse(rj.location()); u.Query().Get("status") != StatusRejected {
		t.Fatalf("reject redirected to %q", rj.location())
	}
	ap := tiril.submit(stale, `form[action$="/approve"]`, nil)
	ap.wantStatus(t, http.StatusConflict)
	ap.inText("#status", "Avvist")
	if len(f.reqs.approvals) != 0 || len(f.reqs.rejects) != 1 || f.reqs.rejects[0] != pidTore {
		t.Fatalf("approvals %v rejects %v", f.reqs.approvals, f.reqs.rejects)
	}
}

func TestTimedOutRequestCannotBeApproved(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.standardRequest()
	f.reqs.reqs[req.ID].TimedOut = true
	b := newTB(t, f.srv)
	f.loginAs(b, pidTiril, "/")
	rp := b.get(confirmPath(req.ID))
	rp.wantStatus(t, http.StatusOK)
	rp.inText("#done", "utløpt")
	if rp.has("button#approve") {
		t.Fatal("a timed-out request offers Approve")
	}
	// Posting anyway (a tab opened before it timed out) changes nothing.
	csrf := attr(rp.one(`header form input[name=csrf]`), "value")
	ap := b.post("/portal/requests/"+req.ID.String()+"/approve", url.Values{"csrf": {csrf}})
	ap.wantStatus(t, http.StatusConflict)
	if len(f.reqs.approvals) != 0 {
		t.Fatal("a timed-out request was approved")
	}
}

func TestApproveWithoutRightIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.standardRequest()
	for _, who := range []struct{ pid, name string }{{pidElias, "Elias Elg"}, {pidKari, "Kari Uten Roller"}} {
		b := newTB(t, f.srv)
		f.loginAs(b, who.pid, "/")
		rp := b.get(confirmPath(req.ID))
		rp.wantStatus(t, http.StatusForbidden)
		rp.inText("#refusal", who.name)
		rp.inText("h1", "Du kan ikke godkjenne denne forespørselen")
		rp.inText("#refusal", "Rakrygget Spesifikk Tiger AS")
		if rp.has("button#approve") {
			t.Fatalf("%s is offered Approve", who.name)
		}
		// Posting directly is refused by the server, not only hidden.
		csrf := attr(rp.one(`header form input[name=csrf]`), "value")
		ap := b.post("/portal/requests/"+req.ID.String()+"/approve", url.Values{"csrf": {csrf}})
		ap.wantStatus(t, http.StatusForbidden)
		ap.one("#refusal")
		rj := b.post("/portal/requests/"+req.ID.String()+"/reject", url.Values{"csrf": {csrf}})
		rj.wantStatus(t, http.StatusForbidden)
	}
	if len(f.reqs.approvals)+len(f.reqs.rejects) != 0 {
		t.Fatalf("approvals %v rejects %v by people without the right", f.reqs.approvals, f.reqs.rejects)
	}
	if f.reqs.reqs[req.ID].Status != StatusNew {
		t.Fatal("request changed")
	}
}

func TestFormsNeedCSRF(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.standardRequest()
	b := newTB(t, f.srv)
	f.loginAs(b, pidTiril, "/")
	for _, tok := range []string{"", "forged"} {
		p := b.post("/portal/requests/"+req.ID.String()+"/approve", url.Values{"csrf": {tok}})
		p.wantStatus(t, http.StatusForbidden)
		p.inText("#error-message", "Skjemaet er utløpt")
	}
	if len(f.reqs.approvals) != 0 {
		t.Fatal("approved without a valid CSRF token")
	}
	// Login itself needs the token of the session the login page made.
	fresh := newTB(t, f.srv)
	p := fresh.post("/portal/login", url.Values{"pid": {pidTiril}, "csrf": {"x"}})
	p.wantStatus(t, http.StatusForbidden)
}

func TestLoginRejectsUnknownAndBadPID(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := newTB(t, f.srv)
	lp := b.get("/portal/login")
	p := b.submit(lp, `form.stack`, url.Values{"pid": {"01010112345"}})
	p.wantStatus(t, http.StatusBadRequest)
	p.inText("#login-error", "01010112345")
	if attr(p.one("input#pid"), "aria-invalid") != "true" {
		t.Error("the pid field is not marked invalid")
	}
	p = b.submit(lp, `form.stack`, url.Values{"pid": {"12ab"}})
	p.wantStatus(t, http.StatusBadRequest)
	p.inText("#login-error", "11 siffer")
	// Still not logged in.
	h := b.get("/portal/")
	h.wantStatus(t, http.StatusSeeOther)

	// The typed-in form logs in any existing person.
	p = b.submit(lp, `form.stack`, url.Values{"pid": {pidTore}})
	p.wantStatus(t, http.StatusSeeOther)
	b.get("/portal/").inText("#whoami", "Tore Tilgang")
}

func TestLoginNextStaysOnSite(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, next := range []string{"https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
		b := newTB(t, f.srv)
		lp := b.get("/portal/login?next=" + url.QueryEscape(next))
		p := b.submit(lp, `tr[data-pid="`+pidTiril+`"] form`, url.Values{"next": {next}})
		p.wantStatus(t, http.StatusSeeOther)
		if p.location() != "/portal/" {
			t.Errorf("next=%q redirected to %q", next, p.location())
		}
	}
}

func TestLoginRotatesSessionAndLogoutEndsIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := newTB(t, f.srv)
	lp := b.get("/portal/login")
	anon := cookieValue(t, lp.resp)
	p := b.submit(lp, `tr[data-pid="`+pidTiril+`"] form`, nil)
	logged := cookieValue(t, p.resp)
	if logged == "" || logged == anon {
		t.Fatal("login kept the anonymous session token")
	}
	home := b.get("/portal/")
	home.wantStatus(t, http.StatusOK)
	out := b.submit(home, `header form[action="/portal/logout"]`, nil)
	out.wantStatus(t, http.StatusSeeOther)

	// The old cookie is dead on the server, not just deleted in the jar.
	replay := newTB(t, f.srv)
	u, _ := url.Parse(f.srv.URL)
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: CookieName, Value: logged}})
	replay.get("/portal/").wantStatus(t, http.StatusSeeOther)
}

func cookieValue(t *testing.T, resp *http.Response) string {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == CookieName {
			return c.Value
		}
	}
	return ""
}

func TestSessionsSharedAcrossInstancesAndExpire(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := newTB(t, f.srv)
	f.loginAs(b, pidTiril, "/")

	// A second instance on the same database knows the session.
	other, err := New(testDeps(f.pool, f.clock, f.reqs, f.sus))
	if err != nil {
		t.Fatal(err)
	}
	srv2 := serve(t, other)
	b2 := newTB(t, srv2)
	u1, _ := url.Parse(f.srv.URL)
	u2, _ := url.Parse(srv2.URL)
	b2.c.Jar.SetCookies(u2, b.c.Jar.Cookies(u1))
	b2.get("/portal/").inText("#whoami", "Tiril Tiger")

	f.clock.Advance(sessionLifetime + time.Minute)
	b.get("/portal/").wantStatus(t, http.StatusSeeOther)
}

func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.standardRequest()
	b := newTB(t, f.srv)
	f.loginAs(b, pidTiril, "/")

	en := b.get(confirmPath(req.ID) + "&lang=en")
	en.wantStatus(t, http.StatusOK)
	if attr(en.one("html"), "lang") != "en" {
		t.Error("html lang is not en")
	}
	en.inText("button#approve", "Approve")
	en.inText("#system-name", "Matrix Accounting")
	en.inText("ul.rights li", "Claims and payments")
	en.inText("ul.packages li", "Accountant with signing rights")
	// Remembered without the parameter.
	again := b.get(confirmPath(req.ID))
	again.inText("button#reject", "Reject")
	nb := b.get(confirmPath(req.ID) + "&lang=nb")
	if attr(nb.one("html"), "lang") != "nb" {
		t.Error("html lang is not nb")
	}
	nb.inText("button#approve", "Godkjenn")
	nb.inText("#system-name", "Matrix Regnskap")
	nb.inText("#approve-hint", "opprettes en systembruker")
	nn := b.get(confirmPath(req.ID) + "&lang=nn")
	if attr(nn.one("html"), "lang") != "nn" {
		t.Error("html lang is not nn")
	}
	nn.inText("h1", "Førespurnad om systemtilgang")
	nn.inText("#system-name", "Matrix Rekneskap")
	nn.inText("#approve-hint", "oppretta ein systembrukar")
	nn.inText("ul.packages li", "Rekneskapsførar med signeringsrett")
	nn.inText(`nav.lang a[aria-current]`, "nynorsk")
	// Remembered, and also picked from Accept-Language.
	b.get(confirmPath(req.ID)).inText("button#reject", "Avvis")
	fresh := newTB(t, f.srv)
	lp := fresh.get("/portal/login?lang=nn")
	lp.inText("h1", "Logg inn i testmiljøet")
	lp.inText("th", "Handling")
	req2, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/portal/login", nil)
	req2.Header.Set("Accept-Language", "nn-NO,nn;q=0.9")
	if p := newTB(t, f.srv).do(req2); attr(p.one("html"), "lang") != "nn" {
		t.Error("Accept-Language nn does not give nynorsk")
	}
	// Both language links keep the request id.
	link := attr(nb.one(`nav.lang a[hreflang=en]`), "href")
	if !strings.Contains(link, "id="+req.ID.String()) || !strings.Contains(link, "lang=en") {
		t.Errorf("language link %q", link)
	}
}

func TestOrgPageListsDeletesAndShowsPending(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pending := f.standardRequest()
	su := SystemUser{ID: uuid.New(), SystemID: systemID, ReporteeOrgNo: orgTiger, UserType: KindStandard,
		IntegrationTitle: "Matrix for Tiger", Created: time.Now(),
		Rights: []Right{{Resource: []AttributePair{{ID: "urn:altinn:resource", Value: resourceID}}}}}
	f.sus.put(su)
	b := newTB(t, f.srv)
	f.loginAs(b, pidTiril, "/")

	home := b.get("/portal/")
	home.wantStatus(t, http.StatusOK)
	home.inText(`li[data-org="`+orgTiger+`"]`, "Rakrygget Spesifikk Tiger AS")
	home.one(`li[data-org="` + orgTiger + `"] a[href="/portal/org/` + orgTiger + `"]`)

	op := b.get("/portal/org/" + orgTiger)
	op.wantStatus(t, http.StatusOK)
	row := `tr[data-systemuser="` + su.ID.String() + `"]`
	op.inText(row, "Matrix for Tiger")
	op.inText(row, "Matrix Regnskap")
	op.inText(`li[data-request="`+pending.ID.String()+`"]`, "Matrix Regnskap")

	sp := b.get("/portal/org/" + orgTiger + "/systemusers/" + su.ID.String())
	sp.wantStatus(t, http.StatusOK)
	sp.inText("ul.rights li", "Krav og betalinger")

	del := b.submit(op, row+` form`, nil)
	del.wantStatus(t, http.StatusSeeOther)
	if del.location() != "/portal/org/"+orgTiger+"?msg=deleted" {
		t.Fatalf("delete redirected to %q", del.location())
	}
	if len(f.sus.deletes) != 1 || f.sus.deletes[0] != su.ID.String()+"@"+orgTiger {
		t.Fatalf("deletes %v", f.sus.deletes)
	}
	after := b.get(del.location())
	after.inText(".flash", "slettet")
	after.one("#no-system-users")

	// Someone who cannot manage Tiger sees a refusal, and cannot delete.
	e := newTB(t, f.srv)
	f.loginAs(e, pidElias, "/")
	e.get("/portal/org/"+orgTiger).wantStatus(t, http.StatusForbidden)
	eh := e.get("/portal/")
	csrf := attr(eh.one(`header form input[name=csrf]`), "value")
	f.sus.put(SystemUser{ID: uuid.New(), SystemID: systemID, ReporteeOrgNo: orgTiger})
	for id := range f.sus.users {
		e.post("/portal/org/"+orgTiger+"/systemusers/"+id.String()+"/delete", url.Values{"csrf": {csrf}}).wantStatus(t, http.StatusForbidden)
	}
	// A system user of another org cannot be reached through Tiger's page.
	other := SystemUser{ID: uuid.New(), SystemID: systemID, ReporteeOrgNo: orgElg}
	f.sus.put(other)
	b.get("/portal/org/"+orgTiger+"/systemusers/"+other.ID.String()).wantStatus(t, http.StatusNotFound)
	if len(f.sus.deletes) != 1 {
		t.Fatalf("deletes %v", f.sus.deletes)
	}
}

func TestAgentClientsAddRemove(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	agent := SystemUser{ID: uuid.New(), SystemID: systemID, ReporteeOrgNo: orgRegn, UserType: KindAgent,
		IntegrationTitle: "Matrix for klienter", AccessPackages: []AccessPackageRef{{URN: pkgURN}}}
	f.sus.put(agent)
	f.sus.available[agent.ID] = []Client{
		{OrgNo: orgElg, Name: "Fattig Forsiktig Elg AS", AccessPackages: []string{pkgURN}},
		{OrgNo: orgRev, Name: "Lykkelig Nysgjerrig Rev AS", AccessPackages: []string{pkgURN}},
	}
	b := newTB(t, f.srv)
	f.loginAs(b, "18857841030", "/") // Regine Regnskap, DAGL of the accounting firm
	path := "/portal/org/" + orgRegn + "/systemusers/" + agent.ID.String()
	sp := b.get(path)
	sp.wantStatus(t, http.StatusOK)
	sp.inText("#su-type", "Kundesystembruker")
	sp.one("#no-clients")
	sp.inText(`#available-list tr[data-client="`+orgElg+`"]`, "Fattig Forsiktig Elg AS")
	sp.inText(`#available-list tr[data-client="`+orgElg+`"]`, "Regnskapsfører med signeringsrettighet")

	add := b.submit(sp, `#available-list tr[data-client="`+orgElg+`"] form`, nil)
	add.wantStatus(t, http.StatusSeeOther)
	if len(f.sus.adds) != 1 || f.sus.adds[0] != orgElg+"@"+orgRegn {
		t.Fatalf("adds %v", f.sus.adds)
	}
	sp = b.get(add.location())
	sp.inText(".flash", "lagt til")
	sp.inText(`#client-list tr[data-client="`+orgElg+`"]`, "Fattig Forsiktig Elg AS")
	if sp.has(`#available-list tr[data-client="` + orgElg + `"]`) {
		t.Error("a delegated client is still offered")
	}

	// An agent with clients cannot be deleted: the service's problem shows.
	del := b.submit(sp, `form[action$="/delete"]`, nil)
	del.wantStatus(t, http.StatusBadRequest)
	del.inText("#error-message", "client delegations")

	rm := b.submit(sp, `#client-list tr[data-client="`+orgElg+`"] form`, nil)
	rm.wantStatus(t, http.StatusSeeOther)
	if len(f.sus.removes) != 1 || f.sus.removes[0] != orgElg+"@"+orgRegn {
		t.Fatalf("removes %v", f.sus.removes)
	}
	b.get(rm.location()).one("#no-clients")
}

func TestAgentAndChangeRequestPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	agentReq := f.reqs.add(Request{Kind: KindAgent, SystemID: systemID, PartyOrgNo: orgRegn,
		AccessPackages: []AccessPackageRef{{URN: pkgURN}}})
	change := f.reqs.add(Request{Kind: KindChange, SystemID: systemID, PartyOrgNo: orgTiger,
		RequiredAccessPackages: []AccessPackageRef{{URN: pkgURN}},
		UnwantedRights:         []Right{{Resource: []AttributePair{{ID: "urn:altinn:resource", Value: resourceID}}}}})
	b := newTB(t, f.srv)
	f.loginAs(b, "18857841030", "/")
	ap := b.get("/accessmanagement/ui/systemuser/agentrequest?id=" + agentReq.ID.String())
	ap.wantStatus(t, http.StatusOK)
	ap.inText("h1", "for kunder")
	ap.inText("ul.packages li", "Regnskapsfører med signeringsrettighet")
	ap.inText("#approve-hint", "velger du hvilke kunder")
	// No redirect URL: approving logs out and lands on the logged-out
	// page with a receipt.
	res := b.submit(ap, `form[action$="/approve"]`, nil)
	res.wantStatus(t, http.StatusSeeOther)
	done := b.get(res.location())
	done.inText(".flash", "godkjent")
	done.inText(".flash", "logget ut")
	if st := f.reqs.reqs[agentReq.ID].Status; st != StatusAccepted {
		t.Fatalf("agent request is %s", st)
	}
	f.loginAs(b, "18857841030", "/")
	b.get("/accessmanagement/ui/systemuser/agentrequest?id="+agentReq.ID.String()).inText("#status", "Godkjent")

	c := newTB(t, f.srv)
	f.loginAs(c, pidTiril, "/")
	cp := c.get("/accessmanagement/ui/systemuser/changerequest?id=" + change.ID.String())
	cp.wantStatus(t, http.StatusOK)
	cp.inText("h1", "endret")
	cp.inText("#add-packages + ul.packages li", "Regnskapsfører med signeringsrettighet")
	cp.inText("#remove-rights + ul.rights li", "Krav og betalinger")
	// A change request changes a system user; it does not create one.
	cp.inText("#approve-hint", "endres den eksisterende systembrukeren")
	cp.notText("#approve-hint", "opprettes en systembruker")
	c.get("/accessmanagement/ui/systemuser/changerequest?id="+change.ID.String()+"&lang=en").inText("#approve-hint", "No new system user is created")
}

func TestRequestPageErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := newTB(t, f.srv)
	f.loginAs(b, pidTiril, "/")
	bad := b.get("/accessmanagement/ui/systemuser/request?id=nope")
	bad.wantStatus(t, http.StatusBadRequest)
	bad.inText("#error-message", "gyldig")
	missing := b.get(confirmPath(uuid.New()))
	missing.wantStatus(t, http.StatusNotFound)
	missing.inText("#error-message", "Fant ikke forespørselen")
	b.get("/portal/nothing-here").wantStatus(t, http.StatusNotFound)
}

func TestPagesWorkWithoutJavaScriptAndAreLabelled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.standardRequest()
	b := newTB(t, f.srv)
	lp := b.get("/portal/login")
	f.loginAs(b, pidTiril, "/")
	pages := map[string]*page{
		"login":   lp,
		"request": b.get(confirmPath(req.ID)),
		"home":    b.get("/portal/"),
		"org":     b.get("/portal/org/" + orgTiger),
		"error":   b.get(confirmPath(uuid.New())),
	}
	for name, p := range pages {
		if p.has("script") {
			t.Errorf("%s: has a script", name)
		}
		if attr(p.one("html"), "lang") == "" {
			t.Errorf("%s: no html lang", name)
		}
		p.one("main#main")
		p.one("a.skip[href='#main']")
		if n := len(p.all("h1")); n != 1 {
			t.Errorf("%s: %d h1", name, n)
		}
		for _, in := range p.all(`input:not([type=hidden])`) {
			if id := attr(in, "id"); id == "" || !p.has(`label[for="`+id+`"]`) {
				t.Errorf("%s: input %q has no label", name, attr(in, "name"))
			}
		}
		for _, btn := range p.all("button") {
			if text(btn) == "" && attr(btn, "aria-label") == "" {
				t.Errorf("%s: a button has no name", name)
			}
		}
		if csp := p.resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'none'") {
			t.Errorf("%s: CSP %q", name, csp)
		}
	}
	css := b.get("/portal/static/style.css")
	css.wantStatus(t, http.StatusOK)
	if !strings.Contains(css.body, "font-family") {
		t.Error("stylesheet not served")
	}
	// A name that is not UTF-8 is simply not there (not a 500).
	b.get("/portal/static/%c3%28").wantStatus(t, http.StatusNotFound)
	b.get("/portal/static/nope.css").wantStatus(t, http.StatusNotFound)
}

func TestWhyHook(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	sus := newFakeSystemUsers()
	reqs := &fakeRequests{reqs: map[uuid.UUID]*Request{}, su: sus}
	d := testDeps(pool, clock.System{}, reqs, sus)
	d.Why = func(q WhyQuery) string {
		if q.ResourceID != "" {
			return "/portal/why?resource=" + q.ResourceID + "&su=" + q.SystemUserID
		}
		return ""
	}
	svc, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, svc)
	su := SystemUser{ID: uuid.New(), SystemID: systemID, ReporteeOrgNo: orgTiger,
		Rights:         []Right{{Resource: []AttributePair{{ID: "urn:altinn:resource", Value: resourceID}}}},
		AccessPackages: []AccessPackageRef{{URN: pkgURN}}}
	sus.put(su)
	b := newTB(t, srv)
	lp := b.get("/portal/login")
	b.submit(lp, `tr[data-pid="`+pidTiril+`"] form`, nil)
	sp := b.get("/portal/org/" + orgTiger + "/systemusers/" + su.ID.String())
	a := sp.one("ul.rights a.why")
	if attr(a, "href") != "/portal/why?resource="+resourceID+"&su="+su.ID.String() {
		t.Errorf("why link %q", attr(a, "href"))
	}
	if sp.has("ul.packages a.why") {
		t.Error("an empty why URL rendered a link")
	}
}

func TestTemplatesCheckedAtStart(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	full := fstest.MapFS{}
	err := fs.WalkDir(web.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.FS, p)
		full[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range pageNames {
		broken := fstest.MapFS{}
		for k, v := range full {
			if k != "templates/"+name+".tmpl" {
				broken[k] = v
			}
		}
		d := testDeps(pool, clock.System{}, nil, nil)
		d.Web = broken
		if _, err := New(d); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("without %s.tmpl: err %v", name, err)
		}
	}
	bad := fstest.MapFS{}
	for k, v := range full {
		bad[k] = v
	}
	bad["templates/home.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{.Nope`)}
	d := testDeps(pool, clock.System{}, nil, nil)
	d.Web = bad
	if _, err := New(d); err == nil {
		t.Error("a template that does not parse was accepted")
	}
}

func TestRenderFailureSendsWholeErrorPage(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	fsys := fstest.MapFS{}
	_ = fs.WalkDir(web.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(web.FS, p)
			fsys[p] = &fstest.MapFile{Data: b}
		}
		return err
	})
	// Parses, but fails half-way through executing.
	fsys["templates/login.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "content"}}<h1>half</h1>{{.NoSuchField}}{{end}}`)}
	d := testDeps(pool, clock.System{}, nil, nil)
	d.Web = fsys
	svc, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	b := newTB(t, serve(t, svc))
	p := b.get("/portal/login")
	p.wantStatus(t, http.StatusInternalServerError)
	if strings.Contains(p.body, "half") || !strings.Contains(p.body, "Something went wrong") {
		t.Fatalf("got a partial page:\n%s", p.body)
	}
}

func TestUnwiredServicesAnswer503(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	svc, err := New(testDeps(pool, clock.System{}, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	b := newTB(t, serve(t, svc))
	lp := b.get("/portal/login")
	lp.wantStatus(t, http.StatusOK)
	b.submit(lp, `tr[data-pid="`+pidTiril+`"] form`, nil)
	b.get(confirmPath(uuid.New())).wantStatus(t, http.StatusServiceUnavailable)
	b.get("/portal/org/"+orgTiger).wantStatus(t, http.StatusServiceUnavailable)
}

// Every text key a template or handler uses exists in every language:
// every nb text has its nn and en, taking the same arguments.
func TestMessagesComplete(t *testing.T) {
	t.Parallel()
	for k, m := range messages {
		if strings.TrimSpace(m.In("nb")) == "" || strings.TrimSpace(m.In("nn")) == "" || strings.TrimSpace(m.In("en")) == "" {
			t.Errorf("message %q lacks a language", k)
		}
		if strings.Count(m.In("nb"), "%") != strings.Count(m.In("en"), "%") || strings.Count(m.In("nb"), "%") != strings.Count(m.In("nn"), "%") {
			t.Errorf("message %q: nb, nn and en take different arguments", k)
		}
	}
	keyRE := regexp.MustCompile(`\.T "([a-zA-Z0-9_.]+)"`)
	files, _ := fs.Glob(web.FS, "templates/*.tmpl")
	for _, f := range files {
		b, _ := fs.ReadFile(web.FS, f)
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			if _, ok := messages[m[1]]; !ok {
				t.Errorf("%s uses unknown message %q", f, m[1])
			}
		}
	}
	for _, file := range []string{"http.go", "create.go"} {
		src, _ := os.ReadFile(file)
		for _, m := range regexp.MustCompile(`"((?:request|status|refused|login|su|error|org|home|csrf|type|create)\.[a-zA-Z.]+)"`).FindAllStringSubmatch(string(src), -1) {
			if _, ok := messages[m[1]]; !ok && !strings.HasSuffix(m[1], ".") {
				t.Errorf("%s uses unknown message %q", file, m[1])
			}
		}
	}
	for _, st := range []string{StatusNew, StatusAccepted, StatusRejected, StatusDenied, StatusTimedout} {
		if _, ok := messages["status."+st]; !ok {
			t.Errorf("no text for status %s", st)
		}
	}
}

func TestDevModeRereadsTemplates(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	fsys := fstest.MapFS{}
	_ = fs.WalkDir(web.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(web.FS, p)
			fsys[p] = &fstest.MapFile{Data: b}
		}
		return err
	})
	d := testDeps(pool, clock.System{}, nil, nil)
	d.Web, d.Dev = fsys, true
	svc, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	b := newTB(t, serve(t, svc))
	b.get("/portal/login").inText("h1", "Logg inn")
	fsys["templates/login.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "content"}}<h1>Edited</h1>{{end}}`)}
	b.get("/portal/login").inText("h1", "Edited")
}

// TestAnonymousLoginPageWritesNoSession: showing the login form to
// visitors without a session stores nothing (its CSRF token rides in a
// cookie); the login form still works, and only the login stores a row.
func TestAnonymousLoginPageWritesNoSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	count := func() int {
		t.Helper()
		var n int
		if err := f.pool.QueryRow(context.Background(), `SELECT count(*) FROM portal_sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	for i := 0; i < 50; i++ {
		newTB(t, f.srv).get("/portal/login").wantStatus(t, http.StatusOK)
	}
	b := newTB(t, f.srv)
	lp := b.get("/portal/login?next=/portal/")
	b.get("/portal/login") // the same visitor again
	if n := count(); n != before {
		t.Fatalf("%d anonymous login pages stored %d session rows", 52, n-before)
	}
	// The form's token is the cookie's; a token from another visitor's
	// form is refused.
	other := newTB(t, f.srv).get("/portal/login")
	forged := b.submit(other, `tr[data-pid="`+pidTiril+`"] form`, nil)
	forged.wantStatus(t, http.StatusForbidden)
	p := b.submit(lp, `tr[data-pid="`+pidTiril+`"] form`, nil)
	p.wantStatus(t, http.StatusSeeOther)
	b.get("/portal/").inText("#whoami", "Tiril Tiger")
	if n := count(); n != before+1 {
		t.Fatalf("login stored %d rows, want 1", n-before)
	}
}

// TestLostDatabaseIs503: a page whose service met a dead database
// connection (the driver's "write failed: broken pipe") answers 503 with
// Retry-After, as every API does, not 500.
func TestLostDatabaseIs503(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.standardRequest()
	b := newTB(t, f.srv)
	f.loginAs(b, pidTiril, "/")
	f.reqs.mu.Lock()
	f.reqs.getErr = fmt.Errorf("load request: %w", &net.OpError{Op: "write", Net: "unix", Err: os.NewSyscallError("write", syscall.EPIPE)})
	f.reqs.mu.Unlock()
	p := b.get(confirmPath(req.ID))
	p.wantStatus(t, http.StatusServiceUnavailable)
	if p.resp.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

// TestPortalWithoutSlash: /portal redirects to /portal/ (the /portal
// sub-router used to shadow this route and serve the home page there),
// and a path under /portal/ that no route has is the portal's 404 page
// with the pages' security headers.
func TestPortalWithoutSlash(t *testing.T) {
	f := newFixture(t)
	b := newTB(t, f.srv)
	p := b.get("/portal")
	p.wantStatus(t, http.StatusMovedPermanently)
	if p.location() != "/portal/" {
		t.Errorf("Location %q, want /portal/", p.location())
	}
	p = b.get("/portal/nope")
	p.wantStatus(t, http.StatusNotFound)
	if p.doc == nil || p.resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("not the portal's 404 page: %s %q", p.resp.Header.Get("Content-Type"), p.body)
	}
}

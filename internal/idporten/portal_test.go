package idporten_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

// TestPortalLogsInThroughIDPorten: the portal's login is an OIDC login at
// ID-porten (the portal's own client, PKCE, prompt=login); the callback
// takes only its own browser's state and a code once, and a cancelled
// login is a page.
func TestPortalLogsInThroughIDPorten(t *testing.T) {
	s := apptest.Start(t)
	b := newBrowser(t)
	local := func(loc string) string {
		if strings.HasPrefix(loc, "/") {
			return s.URL + loc
		}
		return loc
	}
	start := func(next string) (authURL string) {
		t.Helper()
		res, body := b.get(s.URL + "/portal/login?next=" + url.QueryEscape(next))
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/idporten/authorize?") {
			t.Fatalf("/portal/login: %d %s %s", res.StatusCode, loc, body)
		}
		q, _ := url.ParseQuery(strings.SplitN(loc, "?", 2)[1])
		if q.Get("client_id") != "altinn-portal" || q.Get("prompt") != "login" || q.Get("code_challenge_method") != "S256" ||
			q.Get("redirect_uri") != s.URL+"/portal/login/callback" || q.Get("state") == "" {
			t.Fatalf("authorization request %v", q)
		}
		return local(loc)
	}

	back := b.login(s.URL, start("/portal/org/"+firmOrg), firmDAGL)
	res, body := b.get(back.String())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/portal/org/"+firmOrg {
		t.Fatalf("callback: %d %s %s", res.StatusCode, res.Header.Get("Location"), body)
	}
	if res, body := b.get(s.URL + "/portal/org/" + firmOrg); res.StatusCode != 200 || !strings.Contains(body, "Regine Regnskap") {
		t.Fatalf("the portal after the login: %d", res.StatusCode)
	}
	// The same callback again: the code is used up.
	if res, _ := b.get(back.String()); res.StatusCode != 400 {
		t.Errorf("callback replayed: %d", res.StatusCode)
	}

	// Another browser's callback: its state is not this browser's.
	other := newBrowser(t)
	if res, body := other.get(back.String()); res.StatusCode != 400 || !strings.Contains(body, "nettleseren") {
		t.Errorf("callback in another browser: %d", res.StatusCode)
	}

	// prompt=login: the person picks again although ID-porten knows them.
	_, page := b.loginPage(s.URL, start("/portal/"))
	m := requestRE.FindStringSubmatch(page)
	res, _ = b.post(s.URL+"/idporten/login", url.Values{"request": {m[1]}, "cancel": {"1"}})
	cancelled, _ := url.Parse(res.Header.Get("Location"))
	if cancelled.Query().Get("error") != "access_denied" {
		t.Fatalf("cancel: %s", cancelled)
	}
	if res, body := b.get(cancelled.String()); res.StatusCode != 400 || !strings.Contains(body, "avbrutt") {
		t.Errorf("cancelled login at the portal: %d %s", res.StatusCode, body)
	}

	// A valid pid Altinn has no user for is refused by the portal.
	back = b.login(s.URL, start("/portal/"), unknownPID)
	if res, body := b.get(back.String()); res.StatusCode != 400 || !strings.Contains(body, unknownPID) {
		t.Errorf("unknown person: %d %s", res.StatusCode, body)
	}
}

package idporten_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// authorizeOnce opens the authorization endpoint and reports whether the
// browser went straight back to the client (single sign-on) and where.
func authorizeOnce(t *testing.T, s *apptest.Server, b *browser, q url.Values) (sso bool, loc string) {
	t.Helper()
	res, body := b.get(s.URL + "/idporten/authorize?" + q.Encode())
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %s", res.StatusCode, body)
	}
	loc = res.Header.Get("Location")
	return !strings.HasPrefix(loc, "/idporten/login?"), loc
}

// TestSingleSignOnAndPrompt: a browser that has logged in gets a code at
// once, unless prompt=login or a higher level than its login is asked
// for; prompt=none answers with a code or login_required.
func TestSingleSignOnAndPrompt(t *testing.T) {
	s := apptest.Start(t)
	b := newBrowser(t)
	if sso, _ := authorizeOnce(t, s, b, with(authQuery(), "prompt", "none")); !sso {
		t.Fatal("prompt=none without a login did not answer at once")
	}
	codeFor(t, s, b, authQuery()) // logs in at substantial
	if sso, loc := authorizeOnce(t, s, b, authQuery()); !sso || !strings.Contains(loc, "code=") {
		t.Errorf("second authorize: %s, want a code at once", loc)
	}
	if sso, loc := authorizeOnce(t, s, b, with(authQuery(), "prompt", "none")); !sso || !strings.Contains(loc, "code=") {
		t.Errorf("prompt=none with a login: %s", loc)
	}
	if sso, _ := authorizeOnce(t, s, b, with(authQuery(), "prompt", "login")); sso {
		t.Error("prompt=login did not show the login page")
	}
	if sso, _ := authorizeOnce(t, s, b, with(authQuery(), "acr_values", "idporten-loa-high")); sso {
		t.Error("a higher level than the login's did not show the login page")
	}
	// Another browser has no login.
	if sso, _ := authorizeOnce(t, s, newBrowser(t), authQuery()); sso {
		t.Error("a fresh browser was logged in")
	}
	// After the session's lifetime the login is gone.
	s.Clock.Set(8*time.Hour + time.Second)
	defer s.Clock.Set(0)
	if sso, _ := authorizeOnce(t, s, b, authQuery()); sso {
		t.Error("an expired login still answered")
	}
}

// TestLoginPage: a pid that is not a national identity number is shown
// again with the error; cancelling sends access_denied with state; a
// request that has expired on the app clock is a page, not a redirect.
func TestLoginPage(t *testing.T) {
	s := apptest.Start(t)
	b := newBrowser(t)
	_, page := b.loginPage(s.URL, s.URL+"/idporten/authorize?"+with(authQuery(), "ui_locales", "en").Encode())
	id := requestRE.FindStringSubmatch(page)[1]
	for _, want := range []string{`lang="en"`, "Log in with a test person", "Managing director", "Kari Uten Roller", "No roles", "Cancel the login"} {
		if !strings.Contains(page, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	res, body := b.post(s.URL+"/idporten/login", url.Values{"request": {id}, "lang": {"en"}, "pid": {"12345678901"}})
	if res.StatusCode != 400 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "12345678901") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("bad pid: %d %s", res.StatusCode, body)
	}
	// The language links keep the request.
	res, body = b.get(s.URL + "/idporten/login?" + url.Values{"request": {id}, "lang": {"nb"}}.Encode())
	if res.StatusCode != 200 || !strings.Contains(body, "Logg inn med en testperson") || !strings.Contains(body, "Norsk (nynorsk)") {
		t.Errorf("bokmål: %d", res.StatusCode)
	}
	res, _ = b.post(s.URL+"/idporten/login", url.Values{"request": {id}, "cancel": {"1"}})
	u, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || u.Query().Get("error") != "access_denied" || u.Query().Get("state") != "s1" || u.Host != "localhost:8765" {
		t.Errorf("cancel: %d %s", res.StatusCode, u)
	}
	// The request is used up.
	if res, body := b.post(s.URL+"/idporten/login", url.Values{"request": {id}, "pid": {firmDAGL}}); res.StatusCode != 400 || res.Header.Get("Location") != "" {
		t.Errorf("login on a cancelled request: %d %s", res.StatusCode, body)
	}

	_, page = b.loginPage(s.URL, s.URL+"/idporten/authorize?"+authQuery().Encode())
	id = requestRE.FindStringSubmatch(page)[1]
	s.Clock.Set(31 * time.Minute)
	defer s.Clock.Set(0)
	if res, body := b.post(s.URL+"/idporten/login", url.Values{"request": {id}, "pid": {firmDAGL}}); res.StatusCode != 400 || res.Header.Get("Location") != "" || !strings.Contains(body, "utløpt") {
		t.Errorf("expired request: %d %s", res.StatusCode, body)
	}
}

// TestLogout: end session with id_token_hint follows only a registered
// post_logout_redirect_uri; afterwards the session's refresh tokens,
// userinfo and single sign-on are gone.
func TestLogout(t *testing.T) {
	s := apptest.Start(t)
	regClient, regSecret := register(t, s, map[string]any{"redirect_uris": []string{loopback}, "post_logout_redirect_uris": []string{regLogout}})
	b := newBrowser(t)
	q := with(authQuery(), "client_id", regClient, "scope", "openid")
	_, tok := tokenForm(t, s, redeem(codeFor(t, s, b, q)), regClient, regSecret)
	idt, at := tok["id_token"].(string), tok["access_token"].(string)
	if st, _, body := s.Do(t, "GET", "/idporten/userinfo", at, nil); st != 200 {
		t.Fatalf("userinfo: %d %s", st, body)
	}

	bad := []url.Values{
		{"id_token_hint": {idt}, "post_logout_redirect_uri": {"https://evil.example/bye"}},
		{"post_logout_redirect_uri": {regLogout}}, // no client named
		{"id_token_hint": {"not-a-token"}, "post_logout_redirect_uri": {regLogout}},
		{"client_id": {demoID}, "id_token_hint": {idt}, "post_logout_redirect_uri": {"http://127.0.0.1:1/x"}}, // hint of another client
	}
	for _, lq := range bad {
		res, body := b.get(s.URL + "/idporten/logout?" + lq.Encode())
		if res.StatusCode != 400 || res.Header.Get("Location") != "" {
			t.Errorf("logout %v: %d %s, want a 400 page", lq, res.StatusCode, body)
		}
	}
	// The id token may have expired by the time the person logs out.
	s.Clock.Set(10 * time.Minute)
	res, _ := b.get(s.URL + "/idporten/logout?" + url.Values{"id_token_hint": {idt}, "post_logout_redirect_uri": {regLogout}, "state": {"bye"}}.Encode())
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != regLogout+"?state=bye" {
		t.Fatalf("logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	s.Clock.Set(0)
	if st, hdr, _ := s.Do(t, "GET", "/idporten/userinfo", at, nil); st != 401 || !strings.Contains(hdr.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("userinfo after logout: %d %v", st, hdr)
	}
	if st, out := tokenForm(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, regClient, regSecret); st != 400 {
		t.Errorf("refresh after logout: %d %v", st, out)
	}
	if sso, _ := authorizeOnce(t, s, b, q); sso {
		t.Error("still logged in after logout")
	}
	// Without a redirect the person sees that they are logged out.
	res, body := b.get(s.URL + "/idporten/logout?ui_locales=nn")
	if res.StatusCode != 200 || !strings.Contains(body, "Du er logga ut") {
		t.Errorf("plain logout: %d %s", res.StatusCode, body)
	}
}

// TestAcrossInstances: the authorization request, the login, the code
// and the refresh token are each served by another instance on the same
// database.
func TestAcrossInstances(t *testing.T) {
	dbURL := dbtest.NewURL(t)
	one, two := apptest.StartOn(t, dbURL), apptest.StartOn(t, dbURL)
	b := newBrowser(t)
	res, body := b.get(one.URL + "/idporten/authorize?" + authQuery().Encode())
	if res.StatusCode != http.StatusFound {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	_, page := b.get(two.URL + res.Header.Get("Location"))
	back := b.pickPerson(one.URL, page, firmDAGL)
	st, tok := tokenForm(t, two, redeem(back.Query().Get("code")), demoID, demoSecret)
	if st != 200 {
		t.Fatalf("code on the other instance: %d %v", st, tok)
	}
	st, out := tokenForm(t, one, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, demoID, demoSecret)
	if st != 200 {
		t.Fatalf("refresh on the first instance: %d %v", st, out)
	}
	// (Each test instance has its own public URL, so its own issuer: the
	// token goes back to the instance that issued it.)
	if st, _, body := one.Do(t, "GET", "/authentication/api/v1/exchange/id-porten", out["access_token"].(string), nil); st != 200 {
		t.Errorf("exchange on the first instance: %d %s", st, body)
	}
}

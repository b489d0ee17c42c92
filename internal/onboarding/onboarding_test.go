package onboarding_test

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	tigerOrg  = "313725138" // Rakrygget Spesifikk Tiger AS
	tirilPID  = "12857841016"
	elgOrg    = "310385980" // Fattig Forsiktig Elg AS
	eliasPID  = "13857841055"
	karinPID  = "21857841058" // no role anywhere
	openScope = "altinn:authentication/systemregister.write"
	// Restricted: granted to Skatteetaten, not to Tiger.
	closedScope = "altinn:serviceowner"
)

// login goes through the portal's login (ID-porten's test-person page, one
// click) and lands on next.
func login(t *testing.T, b *browser, pid, next string) {
	t.Helper()
	p := b.get(next)
	p.wantStatus(http.StatusSeeOther)
	if want := "/portal/login?next=" + url.QueryEscape(next); p.location() != want {
		t.Fatalf("%s without a login went to %s, want %s", next, p.location(), want)
	}
	for i := 0; i < 4 && p.status >= 300 && p.status < 400; i++ {
		p = b.get(p.location())
	}
	p.wantStatus(http.StatusOK)
	back := b.submit(p, `tr[data-pid="`+pid+`"] form`, nil)
	back.wantStatus(http.StatusSeeOther)
	cb := b.get(back.location())
	cb.wantStatus(http.StatusSeeOther)
	if cb.location() != next {
		t.Fatalf("after the login: %s, want %s", cb.location(), next)
	}
}

// dataURL decodes a download link's data: URL.
func dataURL(t *testing.T, href string) []byte {
	t.Helper()
	_, b64, ok := strings.Cut(href, ";base64,")
	if !ok || !strings.HasPrefix(href, "data:") {
		t.Fatalf("download link %q is not a data: URL", href)
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// token asks /token for scope with a grant signed by the key file's
// contents, as 'altinn-sim token --key FILE' does; it returns the status
// and the answer.
func token(t *testing.T, base, clientID string, keyFile []byte, scope string) (int, maskinporten.TokenResponse) {
	t.Helper()
	key, err := mpgrant.ParsePrivateKey(keyFile, "")
	if err != nil {
		t.Fatalf("read the downloaded key: %v", err)
	}
	g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: base + "/", Scopes: []string{scope}}))
	if err != nil {
		t.Fatal(err)
	}
	var tr maskinporten.TokenResponse
	resp := apptest.PostGrant(t, base, g, &tr)
	return resp.StatusCode, tr
}

func uploadKey(t *testing.T, b *browser, p *page, key, mode string) *page {
	t.Helper()
	form := p.one("#upload-form")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range formValues(p, form) {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", "key.pem")
	_, _ = fw.Write([]byte(key))
	_ = mw.WriteField("mode", mode)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+attr(form, "action"), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func publicPEM(t *testing.T, priv jwk.Key) string {
	t.Helper()
	pub, err := priv.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	var raw any
	if err := pub.Raw(&raw); err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// The whole journey over plain HTTP: log in, pick the organisation, see
// no integrations, search and choose scopes, create, download the key once
// and get a token with it, add an uploaded key, replace the keys with a
// new pair, delete.
func TestOnboardingJourney(t *testing.T) {
	s := apptest.Start(t)
	b := newBrowser(t, s.URL)
	login(t, b, tirilPID, "/selvbetjening/")

	orgs := b.get("/selvbetjening/")
	orgs.wantStatus(http.StatusOK)
	orgs.inText(`li[data-org="`+tigerOrg+`"]`, "Rakrygget Spesifikk Tiger AS")
	if len(orgs.all("li[data-org]")) != 1 {
		t.Errorf("Tiril acts for one organisation; the page lists %d", len(orgs.all("li[data-org]")))
	}
	list := b.get(orgs.attr(`li[data-org="`+tigerOrg+`"] a`, "href"))
	list.wantStatus(http.StatusOK)
	if !list.has("#no-integrations") {
		t.Fatalf("a fresh organisation lists integrations:\n%s", list.body)
	}

	// The scopes on offer are those Tiger may use: open ones, never a
	// restricted one it was not granted.
	np := b.get(list.attr("#new-integration", "href"))
	np.wantStatus(http.StatusOK)
	if !np.has(`tr[data-scope="` + openScope + `"]`) {
		t.Errorf("the open scope %s is not offered", openScope)
	}
	if np.has(`tr[data-scope="` + closedScope + `"]`) {
		t.Errorf("the restricted scope %s is offered to Tiger", closedScope)
	}
	// A search narrows the list (a plain GET form).
	found := b.get("/selvbetjening/org/" + tigerOrg + "/integrations/new?q=SYSTEMREGISTER")
	for _, n := range found.all("tr[data-scope]") {
		if sc := attr(n, "data-scope"); !strings.Contains(sc, "systemregister") {
			t.Errorf("the search for systemregister found %s", sc)
		}
	}
	if found.attr("#q", "value") != "SYSTEMREGISTER" {
		t.Error("the search box lost its text")
	}
	added := b.get(found.attr(`tr[data-scope="`+openScope+`"] a.add`, "href"))
	added.wantStatus(http.StatusOK)
	added.inText(`#chosen-scopes li[data-scope="`+openScope+`"]`, openScope)
	more := b.get("/selvbetjening/org/" + tigerOrg + "/integrations/new?q=authorize&scope=" + url.QueryEscape(openScope))
	both := b.get(more.attr(`tr[data-scope="altinn:authorization/authorize"] a.add`, "href"))
	if n := len(both.all("#chosen-scopes li")); n != 2 {
		t.Fatalf("%d chosen scopes after adding a second", n)
	}
	// Removing one keeps the other.
	if rest := b.get(both.attr(`#chosen-scopes li[data-scope="altinn:authorization/authorize"] a`, "href")); len(rest.all("#chosen-scopes li")) != 1 {
		t.Error("removing a scope did not leave one")
	}

	created := b.submit(both, "#create-form", url.Values{"name": {"Lønnssystemet"}, "description": {"Sender lønnsdata"}})
	created.wantStatus(http.StatusCreated)
	if cc := created.resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page with the private key has Cache-Control %q", cc)
	}
	clientID := created.text("#client-id")
	kid := created.text("#kid")
	pemFile := dataURL(t, created.attr("#download-pem", "href"))
	jwkFile := dataURL(t, created.attr("#download-jwk", "href"))
	if created.attr("#download-pem", "download") != "mp-key.pem" || !strings.HasPrefix(string(pemFile), "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("PEM download: %q %q", created.attr("#download-pem", "download"), pemFile)
	}
	var privJWK map[string]any
	if err := json.Unmarshal(jwkFile, &privJWK); err != nil || privJWK["d"] == nil || privJWK["kid"] != kid {
		t.Fatalf("JWK download is not the private key with kid %s: %s", kid, jwkFile)
	}

	// Only the public half is kept.
	c, err := s.Clients.Client(t.Context(), clientID)
	if err != nil {
		t.Fatal(err)
	}
	if c.OrgNo != tigerOrg || c.Name != "Lønnssystemet" || c.Description != "Sender lønnsdata" || len(c.Scopes) != 2 || len(c.JWKS.Keys) != 1 {
		t.Fatalf("stored client %+v", c)
	}
	if strings.Contains(string(c.JWKS.Keys[0]), `"d"`) {
		t.Fatal("the private key was stored")
	}
	// The downloaded PEM (no kid: the thumbprint, as the CLI does) and JWK
	// both get tokens.
	if st, tr := token(t, s.URL, clientID, pemFile, openScope); st != http.StatusOK || tr.Scope != openScope {
		t.Fatalf("token with the downloaded PEM: %d %+v", st, tr)
	}
	if st, _ := token(t, s.URL, clientID, jwkFile, "altinn:authorization/authorize"); st != http.StatusOK {
		t.Fatalf("token with the downloaded JWK: %d", st)
	}
	// The key is offered once: the integration's page has no download.
	ip := b.get(created.attr("#continue", "href"))
	ip.wantStatus(http.StatusOK)
	if ip.has("#download-pem") || strings.Contains(ip.body, "PRIVATE KEY") {
		t.Fatal("the integration page offers the private key again")
	}
	ip.inText(`#key-list tr[data-kid="`+kid+`"]`, "RS256")
	lp := b.get("/selvbetjening/org/" + tigerOrg + "/integrations")
	lp.inText(`#integrations tr[data-client="`+clientID+`"]`, "Lønnssystemet")

	// Add an uploaded public key (PEM): two keys, both good.
	other, _ := mpgrant.NewClientKey()
	up := uploadKey(t, b, ip, publicPEM(t, other), "add")
	up.wantStatus(http.StatusSeeOther)
	ip = b.get(up.location())
	ip.inText(".flash", "lagt til")
	if n := len(ip.all("#key-list tr[data-kid]")); n != 2 {
		t.Fatalf("%d keys after adding one", n)
	}
	otherPEM, _ := mpgrant.PrivatePEM(other)
	if st, _ := token(t, s.URL, clientID, otherPEM, openScope); st != http.StatusOK {
		t.Fatalf("token with the uploaded key: %d", st)
	}
	// A private key is refused and changes nothing.
	bad := uploadKey(t, b, ip, string(otherPEM), "add")
	bad.wantStatus(http.StatusBadRequest)
	bad.inText("#errors", "privat nøkkel")
	// The same key again: the register's rule (each kid once), as a page.
	dup := uploadKey(t, b, ip, publicPEM(t, other), "add")
	dup.wantStatus(http.StatusBadRequest)
	dup.inText("#errors", "used by another key")
	if c, _ := s.Clients.Client(t.Context(), clientID); len(c.JWKS.Keys) != 2 {
		t.Fatalf("%d keys after refused uploads", len(c.JWKS.Keys))
	}

	// Replace every key with a new pair: the old keys stop working.
	gen := b.submit(ip, "#generate-form", url.Values{"mode": {"replace"}})
	gen.wantStatus(http.StatusOK)
	newPEM := dataURL(t, gen.attr("#download-pem", "href"))
	if st, _ := token(t, s.URL, clientID, newPEM, openScope); st != http.StatusOK {
		t.Fatalf("token with the new pair: %d", st)
	}
	if st, _ := token(t, s.URL, clientID, pemFile, openScope); st != http.StatusBadRequest {
		t.Fatalf("token with a replaced key: %d", st)
	}

	// Delete: only when confirmed.
	ip = b.get("/selvbetjening/org/" + tigerOrg + "/integrations/" + clientID)
	unconfirmed := b.submit(ip, "#delete-form", nil)
	unconfirmed.wantStatus(http.StatusBadRequest)
	del := b.submit(ip, "#delete-form", url.Values{"confirm": {"yes"}})
	del.wantStatus(http.StatusSeeOther)
	gone := b.get(del.location())
	gone.inText(".flash", "slettet")
	if gone.has(`tr[data-client="` + clientID + `"]`) {
		t.Fatal("the deleted integration is still listed")
	}
	b.get("/selvbetjening/org/" + tigerOrg + "/integrations/" + clientID).wantStatus(http.StatusNotFound)
	if st, _ := token(t, s.URL, clientID, newPEM, openScope); st != http.StatusBadRequest {
		t.Fatalf("token for a deleted integration: %d", st)
	}
}

// Refusals: each writes nothing and says why, as a page.
func TestOnboardingRefusals(t *testing.T) {
	s := apptest.Start(t)
	count := func() int {
		cs, err := s.Clients.OrgClients(t.Context(), tigerOrg)
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	b := newBrowser(t, s.URL)
	newPath := "/selvbetjening/org/" + tigerOrg + "/integrations/new"
	login(t, b, tirilPID, newPath)
	np := b.get(newPath)
	np.wantStatus(http.StatusOK)

	for name, tc := range map[string]struct {
		form   url.Values
		status int
		says   string
	}{
		"no CSRF token":    {url.Values{"csrf": {""}, "name": {"x"}, "scope": {openScope}}, http.StatusForbidden, "Skjemaet er utløpt"},
		"wrong CSRF token": {url.Values{"csrf": {"nope"}, "name": {"x"}, "scope": {openScope}}, http.StatusForbidden, "Skjemaet er utløpt"},
		"no name":          {url.Values{"name": {""}, "scope": {openScope}}, http.StatusBadRequest, "client_name is required"},
		"restricted scope": {url.Values{"name": {"x"}, "scope": {closedScope}}, http.StatusBadRequest, "has not been granted access"},
		"unknown scope":    {url.Values{"name": {"x"}, "scope": {"altinn:nosuch/scope"}}, http.StatusBadRequest, "no active scope"},
		"bad scope":        {url.Values{"name": {"x"}, "scope": {"no-colon"}}, http.StatusBadRequest, "prefix:subscope"},
		"long description": {url.Values{"name": {"x"}, "description": {strings.Repeat("a", 501)}}, http.StatusBadRequest, "description must be at most 500"},
		// PostgreSQL cannot store NUL or bytes that are not UTF-8 (a form
		// carries them as %00 and %FF): the form cannot be read, not a 500.
		"NUL in the name":          {url.Values{"name": {"a\x00b"}, "scope": {openScope}}, http.StatusBadRequest, "Skjemaet kunne ikke leses"},
		"NUL in a scope":           {url.Values{"name": {"x"}, "scope": {openScope + "\x00"}}, http.StatusBadRequest, "Skjemaet kunne ikke leses"},
		"not UTF-8 in description": {url.Values{"name": {"x"}, "description": {"\xff\xfe"}}, http.StatusBadRequest, "Skjemaet kunne ikke leses"},
	} {
		t.Run(name, func(t *testing.T) {
			p := b.submit(np, "#create-form", tc.form)
			p.wantStatus(tc.status)
			if !strings.Contains(p.body, tc.says) {
				t.Errorf("the page does not say %q:\n%s", tc.says, p.body)
			}
			if n := count(); n != 0 {
				t.Fatalf("%d clients after a refused create", n)
			}
		})
	}
	// The refused form keeps what was typed.
	p := b.submit(np, "#create-form", url.Values{"name": {"Beholdt"}, "scope": {closedScope}})
	if p.attr("#name", "value") != "Beholdt" {
		t.Error("the refused form lost the name")
	}

	// Another organisation's pages: Tiril is not Elg's daglig leder.
	b.get("/selvbetjening/org/" + elgOrg + "/integrations").wantStatus(http.StatusForbidden)
	b.get("/selvbetjening/org/999999999/integrations").wantStatus(http.StatusNotFound)
	// Elg's client is not found under Tiger, and not shown.
	elgClient, _ := apptest.RegisterClient(t, s.URL, elgOrg, openScope)
	b.get("/selvbetjening/org/" + tigerOrg + "/integrations/" + elgClient).wantStatus(http.StatusNotFound)

	// A person with no role sees no organisation and is refused Tiger's.
	k := newBrowser(t, s.URL)
	login(t, k, karinPID, "/selvbetjening/")
	if k.get("/selvbetjening/").has("li[data-org]") {
		t.Error("a person without roles is offered an organisation")
	}
	ref := k.get("/selvbetjening/org/" + tigerOrg + "/integrations")
	ref.wantStatus(http.StatusForbidden)
	ref.inText("#error-message", "Rakrygget Spesifikk Tiger AS")

	// Not logged in: every page sends the browser to the login; a form
	// goes to the start afterwards.
	anon := newBrowser(t, s.URL)
	p = anon.post("/selvbetjening/org/"+tigerOrg+"/integrations", url.Values{"name": {"x"}})
	p.wantStatus(http.StatusSeeOther)
	if p.location() != "/portal/login?next=%2Fselvbetjening%2F" {
		t.Errorf("an anonymous post went to %s", p.location())
	}
	// A path under /selvbetjening/ no route has is the pages' 404.
	nf := anon.get("/selvbetjening/nope")
	nf.wantStatus(http.StatusNotFound)
	nf.one("#error-message")
	if n := count(); n != 0 {
		t.Fatalf("%d clients after the refusals", n)
	}
}

// The pages speak nynorsk and English too.
func TestOnboardingLanguages(t *testing.T) {
	s := apptest.Start(t)
	b := newBrowser(t, s.URL)
	login(t, b, tirilPID, "/selvbetjening/")
	for lang, h1 := range map[string]string{"nb": "Hvilken virksomhet", "nn": "Kva verksemd", "en": "Which organisation"} {
		p := b.get("/selvbetjening/?lang=" + lang)
		p.wantStatus(http.StatusOK)
		p.inText("h1", h1)
		if got := p.attr("html", "lang"); got != lang {
			t.Errorf("lang=%s: <html lang=%q>", lang, got)
		}
	}
	// The last choice is remembered.
	b.get("/selvbetjening/?lang=en")
	b.get("/selvbetjening/org/"+tigerOrg+"/integrations").inText("h1", "Integrations of")
	b.get("/selvbetjening/?lang=nn")
	b.get("/selvbetjening/org/"+tigerOrg+"/integrations").inText("h1", "Integrasjonar for")
}

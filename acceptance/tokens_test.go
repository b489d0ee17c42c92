package acceptance

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// TestDocsBothTokenKinds: "Both Maskinporten token and Altinn token are
// supported" — the vendor registers the docs' system with a real
// Maskinporten token from /token, reads it with the Altinn token it gets
// by exchange, creates the docs' request with the Maskinporten token, and
// the confirmUrl (and the platform's older accessmanagement form of it)
// leads a browser to the portal.
func TestDocsBothTokenKinds(t *testing.T) {
	t.Parallel()
	e := start(t)
	key := e.client(smartcloudClient, vendorOrg, scopeRegister, scopeReqWrite, scopeReqRead)
	mp := func(scopes ...string) string {
		t.Helper()
		a, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{
			ClientID: smartcloudClient, Audience: e.srv.Signing.Settings().Issuer, Scopes: scopes,
		}))
		if err != nil {
			t.Fatal(err)
		}
		r := e.grant(a)
		if r.status != 200 {
			t.Fatalf("grant %v: %d %s", scopes, r.status, r)
		}
		return r.obj(t)["access_token"].(string)
	}
	regMP := mp(scopeRegister)
	if r := e.do("POST", authAPI+"/systemregister/vendor", regMP, fixture(t, "systemregister.camel.json")); r.status != 200 {
		t.Fatalf("register with a Maskinporten token: %d %s", r.status, r)
	}

	// Exchange: the Maskinporten token as bearer, the Altinn token back as text.
	r := e.do("GET", authAPI+"/exchange/maskinporten", regMP, nil)
	altinn := strings.Trim(strings.TrimSpace(r.String()), `"`)
	if r.status != 200 || strings.Count(altinn, ".") != 2 {
		t.Fatalf("exchange: %d %s", r.status, r)
	}
	if c := apptest.JWTClaims(t, altinn); c["scope"] != scopeRegister {
		t.Errorf("Altinn token keeps the scope: %v", c["scope"])
	}
	if r := e.do("GET", authAPI+"/systemregister/vendor/"+smartcloud, altinn, nil); r.status != 200 || r.obj(t)["id"] != smartcloud {
		t.Errorf("read with the Altinn token: %d %s", r.status, r)
	}
	var list []map[string]any
	if r := e.do("GET", authAPI+"/systemregister/vendor", altinn, nil); r.status != 200 || json.Unmarshal(r.body, &list) != nil || len(list) != 1 || list[0]["systemId"] != smartcloud {
		t.Errorf("vendor's systems with the Altinn token: %d %s", r.status, r)
	}

	r = e.do("POST", authAPI+"/systemuser/request/vendor", mp(scopeReqWrite), fixture(t, "request.standard.json"))
	if r.status != 201 {
		t.Fatalf("request with a Maskinporten token: %d %s", r.status, r)
	}
	req := r.obj(t)
	id := req["id"].(string)
	if loc := r.header.Get("Location"); loc != e.srv.URL+authAPI+"/systemuser/request/"+id {
		t.Errorf("Location %q", loc)
	}
	confirm, err := url.Parse(req["confirmUrl"].(string))
	if err != nil {
		t.Fatal(err)
	}
	// The confirmUrl as handed out, and the older form some docs show.
	for _, p := range []string{confirm.RequestURI(), "/accessmanagement/ui/systemuser/request?id=" + id + "&DONTCHOOSEREPORTEE=true"} {
		r := e.do("GET", p, "", nil)
		switch {
		case r.status == 200 && strings.Contains(r.header.Get("Content-Type"), "text/html"):
		case r.status >= 300 && r.status < 400 && strings.Contains(r.header.Get("Location"), "/portal/login"):
		default:
			t.Errorf("GET %s (no session): %d %q %.200s, want the page or a redirect to the test login", p, r.status, r.header.Get("Location"), r)
		}
	}
	if r := e.do("GET", "/accessmanagement/ui/systemuser/request?id="+uuid.NewString(), "", nil); r.status >= 500 {
		t.Errorf("confirm page for an unknown id: %d", r.status)
	}
}

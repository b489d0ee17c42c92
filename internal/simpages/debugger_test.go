package simpages_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

func inspect(t *testing.T, s *apptest.Server, jwt, as string, hdr ...string) (int, string) {
	t.Helper()
	form := url.Values{"jwt": {jwt}}
	if as != "" {
		form.Set("as", as)
	}
	st, h, body := s.Do(t, "POST", "/sim/debugger", "", form, hdr...)
	if st == 200 && h.Get("Cache-Control") != "no-store" {
		t.Errorf("debugger answer may be cached: %v", h)
	}
	return st, string(body)
}

// TestDebuggerGrant: a good grant passes every rule and still works at
// /token afterwards (the debugger used up nothing and logged no call); a
// bad one shows each failing rule with /token's error, the client it
// names and its claims explained, escaped.
func TestDebuggerGrant(t *testing.T) {
	s := apptest.Start(t)
	key := newClient(t, s, "debug-client", "Debug client", "test:read")
	page(t, s, "/sim/debugger")

	good := grant(t, s, key, mpgrant.Options{ClientID: "debug-client", Scopes: []string{"test:read"}})
	st, body := inspect(t, s, "Bearer "+good, "")
	if st != 200 {
		t.Fatalf("inspect: %d %s", st, body)
	}
	wantIn(t, "good grant", body, "/token would issue a token", `<span class="verdict v-pass">passes</span>`, "single use", "scope access",
		`id="grant-client"`, "Debug client", "The client id", "on the emulator&#39;s clock")
	if strings.Contains(body, "v-fail") {
		t.Errorf("good grant fails a rule:\n%s", body)
	}
	calls := s.Calls.Total()
	if st, body := postToken(t, s, good); st != 200 {
		t.Fatalf("the inspected grant at /token: %d %s", st, body)
	}
	if s.Calls.Total() != calls+1 {
		t.Errorf("calls logged: %d, want %d (the debugger logs none)", s.Calls.Total(), calls+1)
	}
	// Used now: the debugger says so.
	_, body = inspect(t, s, good, "grant")
	wantIn(t, "used grant", body, "/token would refuse it", "MP-012", "Grant is used before")

	o := mpgrant.Options{ClientID: "debug-client", Scopes: []string{"test:read", "<b>nope</b>"}, Audience: "https://maskinporten.no/", JTI: "<script>alert(1)</script>"}
	_, body = inspect(t, s, grant(t, s, key, o), "")
	wantIn(t, "bad grant", body, "/token would refuse it", "MP-110", `href="/errors/MP-110"`, "MP-200", "&lt;b&gt;nope&lt;/b&gt;",
		"&lt;script&gt;alert(1)&lt;/script&gt;", `<span class="verdict v-pass">passes</span>`)
	if strings.Contains(body, "<script>") || strings.Contains(body, "<b>nope") {
		t.Errorf("pasted text not escaped:\n%s", body)
	}
	// A grant's aud is explained with the issuer it must name; read as a
	// token, the same claim is a token's aud.
	wantIn(t, "grant aud", body, "Here: "+s.URL+"/")
	if n := strings.Count(body, "Here: "); n != 1 {
		t.Errorf("the issuer is added to %d explanations, want only aud's", n)
	}
	if _, body = inspect(t, s, grant(t, s, key, o), "token"); strings.Contains(body, "Here: ") || !strings.Contains(body, "not valid here") {
		t.Errorf("a grant read as a token:\n%s", body)
	}

	_, body = inspect(t, s, "not.a-jwt", "")
	wantIn(t, "garbage", body, "Not a signed JWT", "not.a-jwt")
}

// TestDebuggerToken: a token of ours verifies against our keys with its
// claims explained; a tampered one does not, and says why.
func TestDebuggerToken(t *testing.T) {
	s := apptest.Start(t)
	tok := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": vendorOrg, "scopes": []string{"test:read"}})
	_, body := inspect(t, s, tok, "")
	wantIn(t, "our token", body, "signed by this emulator and valid", "maskinporten key", "client_amr", "private_key_jwt")
	parts := strings.Split(tok, ".")
	sig := []byte(parts[2])
	if sig[5] == 'A' {
		sig[5] = 'B'
	} else {
		sig[5] = 'A'
	}
	_, body = inspect(t, s, parts[0]+"."+parts[1]+"."+string(sig), "")
	wantIn(t, "tampered token", body, "not valid here", "the signature does not verify")

	alt := s.TestToken(t, map[string]any{"type": "person", "pid": "12857841016", "scopes": []string{"altinn:portal/enduser"}})
	_, body = inspect(t, s, alt, "")
	wantIn(t, "Altinn token", body, "signed by this emulator and valid", "altinn key", "urn:altinn:userid", "The person&#39;s Altinn user id")
}

// TestDebuggerRefusesCrossSitePosts: a post a browser marks as coming
// from another site is refused.
func TestDebuggerRefusesCrossSitePosts(t *testing.T) {
	s := apptest.Start(t)
	if st, body := inspect(t, s, "a.b.c", "", "Sec-Fetch-Site", "cross-site"); st != 403 {
		t.Fatalf("cross-site post: %d %s", st, body)
	}
	if st, _ := inspect(t, s, "a.b.c", "", "Sec-Fetch-Site", "same-origin"); st != 200 {
		t.Fatalf("same-origin post: %d", st)
	}
}

package idporten_test

import (
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

// TestExchangeRefusals: the exchange answers as the platform does — 403
// for a token without an altinn scope, 401 for everything else it
// refuses (another issuer's token, an id token, a person Altinn does not
// know).
func TestExchangeRefusals(t *testing.T) {
	s := apptest.Start(t)
	b := newBrowser(t)
	tokens := func(scope string) map[string]any {
		_, tok := tokenForm(t, s, redeem(codeFor(t, s, b, with(authQuery(), "scope", scope))), demoID, demoSecret)
		return tok
	}
	const ex = "/authentication/api/v1/exchange/id-porten"
	mp := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"altinn:authentication/systemregister.write"}})
	good := tokens("openid altinn:portal/enduser")
	cases := []struct {
		name   string
		token  string
		status int
	}{
		{"no altinn scope", tokens("openid profile")["access_token"].(string), 403},
		{"an id token", good["id_token"].(string), 401},
		{"a Maskinporten token", mp, 401},
		{"garbage", "x.y.z", 401},
	}
	for _, c := range cases {
		if st, _, body := s.Do(t, "GET", ex, c.token, nil); st != c.status || len(body) != 0 {
			t.Errorf("%s: %d %q, want %d and no body", c.name, st, body, c.status)
		}
	}
	if st, _, _ := s.Do(t, "GET", "/authentication/api/v1/exchange/maskinporten", good["access_token"].(string), nil); st != 401 {
		t.Errorf("an ID-porten token at the Maskinporten exchange: %d", st)
	}
	if st, _, body := s.Do(t, "GET", "/authentication/api/v1/exchange/ID-PORTEN", good["access_token"].(string), nil); st != 200 {
		t.Errorf("provider name in capitals: %d %s", st, body)
	}

	// A valid pid nobody in the register has logs in, but Altinn has no
	// user for it.
	nb := newBrowser(t)
	_, page := nb.loginPage(s.URL, s.URL+"/idporten/authorize?"+with(authQuery(), "scope", "openid altinn:portal/enduser").Encode())
	back := nb.pickPerson(s.URL, page, unknownPID)
	_, tok := tokenForm(t, s, redeem(back.Query().Get("code")), demoID, demoSecret)
	if claimsOf(t, tok["access_token"].(string))["pid"] != unknownPID {
		t.Fatalf("token %v", tok)
	}
	if st, _, _ := s.Do(t, "GET", ex, tok["access_token"].(string), nil); st != 401 {
		t.Errorf("unknown person: %d, want 401", st)
	}
}

// TestExchangedTokenPersonWithoutRole: the exchanged token of a person
// without a role is refused by client delegation as the platform refuses
// it (403), not as an unknown token.
func TestExchangedTokenPersonWithoutRole(t *testing.T) {
	s := apptest.Start(t)
	agent, client := agentWithClient(t, s)
	b := newBrowser(t)
	_, page := b.loginPage(s.URL, s.URL+"/idporten/authorize?"+with(authQuery(), "scope", "openid altinn:clientdelegations.write").Encode())
	back := b.pickPerson(s.URL, page, noRoles)
	_, tok := tokenForm(t, s, redeem(back.Query().Get("code")), demoID, demoSecret)
	st, _, altinn := s.Do(t, "GET", "/authentication/api/v1/exchange/id-porten", tok["access_token"].(string), nil)
	if st != 200 {
		t.Fatalf("exchange: %d", st)
	}
	if st, _, body := s.Do(t, "POST", "/authentication/api/v1/enduser/systemuser/clients?agent="+agent+"&client="+client, string(altinn), nil); st != 403 {
		t.Errorf("add client as a person without a role: %d %s, want 403", st, body)
	}
}

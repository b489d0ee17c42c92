package exchange_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

// TestIntrospection follows IntrospectionControllerTest and
// EFormidlingAccessValidatorTest (Altinn/altinn-authentication): a
// valid platform access token is active with its issuer, anything else
// ({"active":false}: a random string, our other tokens, an expired access
// token) inactive; no caller token 401; no token in the form 400.
func TestIntrospection(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	const path = "/authentication/api/v1/introspection"
	caller := srv.TestToken(t, map[string]any{"type": "person", "pid": "10857841048"})
	access := srv.TestToken(t, map[string]any{"type": "accesstoken", "issuer": "studio", "app": "studio.designer"})
	mp := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"a:b"}})
	introspect := func(form url.Values, bearer string) (int, string) {
		st, _, body := srv.Do(t, http.MethodPost, path, bearer, form)
		return st, string(body)
	}
	for name, c := range map[string]struct {
		form url.Values
		want string
	}{
		"access token, hint eFormidlingAccessToken": {url.Values{"token": {access}, "token_type_hint": {"eFormidlingAccessToken"}}, `{"active":true,"iss":"studio"}`},
		"access token, no hint":                     {url.Values{"token": {access}}, `{"active":true,"iss":"studio"}`},
		"a random string":                           {url.Values{"token": {"thisIsMyRandomToken"}}, `{"active":false}`},
		"an Altinn token":                           {url.Values{"token": {caller}}, `{"active":false}`},
		"a Maskinporten token":                      {url.Values{"token": {mp}}, `{"active":false}`},
	} {
		if st, body := introspect(c.form, caller); st != http.StatusOK || body != c.want {
			t.Errorf("%s: %d %s, want %s", name, st, body, c.want)
		}
	}
	// A Maskinporten token may call it too (the platform's cookie handler
	// takes the tokens the other platform APIs take here).
	if st, body := introspect(url.Values{"token": {access}}, mp); st != http.StatusOK || !strings.Contains(body, `"active":true`) {
		t.Errorf("Maskinporten caller: %d %s", st, body)
	}
	if st, _ := introspect(url.Values{"token": {access}}, ""); st != http.StatusUnauthorized {
		t.Errorf("no caller token: %d", st)
	}
	if st, body := introspect(url.Values{"token_type_hint": {"x"}}, caller); st != http.StatusBadRequest || !strings.Contains(body, "Token canot be empty.") {
		t.Errorf("no token: %d %s", st, body)
	}
	if st, body := introspect(nil, caller); st != http.StatusBadRequest {
		t.Errorf("no body: %d %s", st, body)
	}
	if st, _, body := srv.Do(t, http.MethodPost, path, caller, map[string]string{"token": access}); st != http.StatusUnsupportedMediaType {
		t.Errorf("JSON body: %d %s", st, body)
	}
	// An access token past its exp (5 minutes and the skew) is inactive.
	srv.Clock.Set(6 * time.Minute)
	caller = srv.TestToken(t, map[string]any{"type": "person", "pid": "10857841048"})
	if st, body := introspect(url.Values{"token": {access}}, caller); st != http.StatusOK || body != `{"active":false}` {
		t.Errorf("expired access token: %d %s", st, body)
	}
	// Bad access-token requests on the control API.
	for _, issuer := range []string{"", "http://x/", strings.Repeat("a", 65)} {
		if resp := apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "accesstoken", "issuer": issuer}, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("issuer %q: %d", issuer, resp.StatusCode)
		}
	}
}

package maskinporten_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// fakeRecorder keeps the token calls it hears.
type fakeRecorder struct {
	mu    sync.Mutex
	calls []maskinporten.TokenCall
}

func (f *fakeRecorder) TokenCall(_ context.Context, c maskinporten.TokenCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
}

func (f *fakeRecorder) last(t *testing.T) maskinporten.TokenCall {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatal("no token call recorded")
	}
	return f.calls[len(f.calls)-1]
}

// postForm posts a /token form through the service's own routes, with
// the access log's Reason in the context, and returns the status and the
// reason the OAuth writer left.
func (f *fixture) postForm(t *testing.T, form url.Values) (int, *problem.Reason) {
	t.Helper()
	r := chi.NewRouter()
	route.Mount(r, route.Deps{}, f.s.Routes())
	req := httptest.NewRequest("POST", "/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ctx, reason := problem.WithReason(req.Context())
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req.WithContext(ctx))
	return w.Code, reason
}

// TestTokenCallsRecorded: the recorder hears an issued token with its
// client and scopes, a system-user token with its system user, and a
// refusal with the OAuth error, MP code, description and the client the
// unverified grant named; the access log's Reason gets the refusal too.
func TestTokenCallsRecorded(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	form := func(assertion string) url.Values {
		return url.Values{"grant_type": {maskinporten.GrantType}, "assertion": {assertion}}
	}

	if st, _ := f.postForm(t, form(sign(t, f.rsaA, f.header(), f.claims()))); st != http.StatusOK {
		t.Fatalf("good grant: %d", st)
	}
	c := f.rec.last(t)
	if c.Refused != nil || c.Failed || c.ClientID != f.a.ClientID || strings.Join(c.Scopes, " ") != "test:read" || c.SystemUserID != "" {
		t.Fatalf("issued: %+v", c)
	}

	su := f.claims()
	su["authorization_details"] = []any{map[string]any{"type": "urn:altinn:systemuser", "systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:" + ownerOrg}}}
	if st, _ := f.postForm(t, form(sign(t, f.rsaA, f.header(), su))); st != http.StatusOK {
		t.Fatalf("system-user grant: %d", st)
	}
	if c := f.rec.last(t); c.SystemUserID != f.suID || c.SystemUserOrg != ownerOrg {
		t.Fatalf("system-user token: %+v", c)
	}

	bad := f.claims()
	bad["aud"] = "https://elsewhere.example/"
	bad["scope"] = "test:read test:write"
	st, reason := f.postForm(t, form(sign(t, f.rsaA, f.header(), bad)))
	if st != http.StatusBadRequest {
		t.Fatalf("wrong aud: %d", st)
	}
	c = f.rec.last(t)
	if c.Refused == nil || c.Refused.Code != "invalid_grant" || c.Refused.MP != "MP-110" || !strings.Contains(c.Refused.Description, "Invalid JWT claim aud") ||
		c.ClientID != f.a.ClientID || strings.Join(c.Scopes, " ") != "test:read test:write" {
		t.Fatalf("refused: %+v (%+v)", c, c.Refused)
	}
	if reason.Error != "invalid_grant" || reason.MP != "MP-110" || !strings.HasPrefix(reason.Description, "Invalid assertion. Client authentication failed. Invalid JWT claim aud") {
		t.Fatalf("access-log reason: %+v", reason)
	}

	// A form without an assertion is recorded too, without a client.
	if st, _ := f.postForm(t, url.Values{"grant_type": {maskinporten.GrantType}}); st != http.StatusBadRequest {
		t.Fatalf("no assertion: %d", st)
	}
	if c := f.rec.last(t); c.Refused == nil || c.Refused.Code != "invalid_request" || c.ClientID != "" {
		t.Fatalf("no assertion: %+v", c)
	}
	f.rec.mu.Lock()
	n := len(f.rec.calls)
	f.rec.mu.Unlock()
	if n != 4 {
		t.Fatalf("%d calls recorded, want 4", n)
	}
}

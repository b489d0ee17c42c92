package exchange_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// TestRefresh follows AuthenticationControllerTests' RefreshJwtCookie
// tests (Altinn/altinn-authentication): an Altinn token refreshed
// keeps its claims (sid, amr) with a new expiry; ?enrichPid=true adds the
// pid of the person the party uuid names.
func TestRefresh(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	ctx := context.Background()
	const path = "/authentication/api/v1/refresh"
	person, err := srv.Parties.Person(ctx, "10857841048")
	if err != nil {
		t.Fatal(err)
	}
	set := srv.Signing.Settings()
	now := srv.Clock.Now()
	// The upstream test's claims, on a token this emulator signed.
	claims := map[string]any{
		"amr": "Minid-PIN", "acr": "idporten-loa-high", "sid": "BHqitIevJmeX_IrOzmS1XOvAQAWlrTK2OioLnx43Kqw",
		"urn:altinn:userid": "20000", "scope": "oidc altinn:instances.read",
		"urn:altinn:party:uuid": person.PartyUUID.String(),
		"iss":                   set.AltinnIssuer, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(),
	}
	tok, err := srv.Signing.Sign(signing.Altinn, claims)
	if err != nil {
		t.Fatal(err)
	}

	srv.Clock.Set(60 * time.Second)
	st, hdr, body := srv.Do(t, http.MethodGet, path, tok, nil)
	if st != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
		t.Fatalf("refresh: %d %s %s", st, hdr.Get("Content-Type"), body)
	}
	got := apptest.JWTClaims(t, string(body))
	if got["sid"] != claims["sid"] || got["amr"] != "Minid-PIN" || got["iss"] != set.AltinnIssuer || got["scope"] != claims["scope"] {
		t.Fatalf("refreshed claims %v", got)
	}
	wantExp := srv.Clock.Now().Add(set.AltinnLifetime).Unix()
	if exp, _ := got["exp"].(float64); int64(exp) != wantExp {
		t.Fatalf("exp %v, want %d", got["exp"], wantExp)
	}
	if _, ok := got["pid"]; ok {
		t.Fatalf("pid without enrichPid: %v", got)
	}
	// The refreshed token is one the platform APIs take.
	if c, err := srv.Verifier.Verify(ctx, string(body)); err != nil || c.Claims["sid"] != claims["sid"] {
		t.Fatalf("refreshed token does not verify: %v", err)
	}

	st, _, body = srv.Do(t, http.MethodGet, path+"?enrichPid=True", tok, nil)
	if st != http.StatusOK || apptest.JWTClaims(t, string(body))["pid"] != "10857841048" {
		t.Fatalf("enrichPid: %d %s", st, body)
	}
	// A JSON-only client gets the token as a JSON string.
	st, _, body = srv.Do(t, http.MethodGet, path, tok, nil, "Accept", "application/json")
	if st != http.StatusOK || !strings.HasPrefix(string(body), `"ey`) {
		t.Fatalf("json accept: %d %s", st, body)
	}

	mp := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"a:b"}})
	cases := []struct {
		name, query, bearer string
		status              int
	}{
		{"no token", "", "", http.StatusUnauthorized},
		{"garbage", "", "abc.def.ghi", http.StatusUnauthorized},
		{"a Maskinporten token", "", mp, http.StatusUnauthorized},
		{"enrichPid not a bool", "?enrichPid=" + url.QueryEscape("ja"), tok, http.StatusBadRequest},
	}
	for _, c := range cases {
		st, hdr, body := srv.Do(t, http.MethodGet, path+c.query, c.bearer, nil)
		if st != c.status || !strings.HasPrefix(hdr.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %s %s", c.name, st, hdr.Get("Content-Type"), body)
		}
	}
	// Expired (past exp and the 10 s skew): 401.
	srv.Clock.Set(3 * time.Minute)
	if st, _, body := srv.Do(t, http.MethodGet, path, tok, nil); st != http.StatusUnauthorized {
		t.Fatalf("expired: %d %s", st, body)
	}
}

package exchange_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestTestTokens(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	ctx := context.Background()
	var tr maskinporten.TokenResponse
	resp := apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"altinn:authentication/systemregister.write"}}, &tr)
	if resp.StatusCode != 200 || tr.TokenType != "Bearer" || tr.ExpiresIn != 120 || tr.Scope != "altinn:authentication/systemregister.write" {
		t.Fatalf("enterprise: %d %+v", resp.StatusCode, tr)
	}
	c := apptest.JWTClaims(t, tr.AccessToken)
	for _, k := range []string{"scope", "iss", "client_amr", "token_type", "exp", "iat", "client_id", "jti", "consumer"} {
		if _, ok := c[k]; !ok {
			t.Errorf("enterprise token lacks %s", k)
		}
	}
	caller, err := srv.Verifier.Verify(ctx, tr.AccessToken)
	if err != nil || caller.ConsumerOrgNo != "991825827" || caller.Kind != auth.KindMaskinporten || !caller.HasScope("altinn:authentication/systemregister.write") {
		t.Fatalf("enterprise caller %+v %v", caller, err)
	}

	suID := "ebe4a681-0a8c-429e-a36f-8f9ca942b59f"
	resp = apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "systemuser", "orgNo": "991825827", "systemUserOrg": "313725138", "systemId": "991825827_app", "scopes": []string{"test:read"}, "systemUserId": suID}, &tr)
	if resp.StatusCode != 200 {
		t.Fatalf("systemuser: %d", resp.StatusCode)
	}
	caller, err = srv.Verifier.Verify(ctx, tr.AccessToken)
	if err != nil || caller.SystemUserID != suID || caller.SystemUserOrgNo != "313725138" || caller.SystemID != "991825827_app" || caller.ConsumerOrgNo != "991825827" {
		t.Fatalf("systemuser caller %+v %v", caller, err)
	}
	if ad, _ := apptest.JWTClaims(t, tr.AccessToken)["authorization_details"].([]any); len(ad) != 1 {
		t.Fatalf("authorization_details %v", ad)
	}

	// exchange: the Altinn form, authorization_details as one object.
	resp = apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "systemuser", "orgNo": "991825827", "scopes": []string{"test:read"}, "systemUserId": suID, "exchange": true}, &tr)
	if resp.StatusCode != 200 || tr.ExpiresIn != 1800 {
		t.Fatalf("exchanged systemuser: %d %+v", resp.StatusCode, tr)
	}
	ac := apptest.JWTClaims(t, tr.AccessToken)
	if _, isObj := ac["authorization_details"].(map[string]any); !isObj || ac["urn:altinn:orgNumber"] != "991825827" {
		t.Fatalf("exchanged claims %v", ac)
	}
	caller, err = srv.Verifier.Verify(ctx, tr.AccessToken)
	if err != nil || caller.Kind != auth.KindAltinn || caller.SystemUserID != suID || caller.SystemUserOrgNo != "991825827" {
		t.Fatalf("exchanged caller %+v %v", caller, err)
	}

	resp = apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "person", "pid": "10857841048"}, &tr)
	if resp.StatusCode != 200 {
		t.Fatalf("person: %d", resp.StatusCode)
	}
	caller, err = srv.Verifier.Verify(ctx, tr.AccessToken)
	if err != nil || caller.PID != "10857841048" || caller.UserID != 20000001 || caller.PartyID != 50100001 || !caller.HasScope("altinn:portal/enduser") || caller.Kind != auth.KindAltinn {
		t.Fatalf("person caller %+v %v", caller, err)
	}

	for name, body := range map[string]map[string]any{
		"bad type":              {"type": "robot", "orgNo": "991825827", "scopes": []string{"a:b"}},
		"no scopes":             {"type": "enterprise", "orgNo": "991825827"},
		"bad org":               {"type": "enterprise", "orgNo": "12", "scopes": []string{"a:b"}},
		"systemuser without id": {"type": "systemuser", "orgNo": "991825827", "scopes": []string{"a:b"}},
		"unknown person":        {"type": "person", "pid": "01010112345"},
		"invalid pid":           {"type": "person", "pid": "123"},
	} {
		if resp := apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", body, nil); resp.StatusCode != 400 {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
	}
}

func TestExchangeRefusals(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	var mp, alt maskinporten.TokenResponse
	apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"altinn:serviceowner"}}, &mp)
	apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"a:b"}, "exchange": true}, &alt)
	exchange := func(path, bearer string, hdr map[string]string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const p = "/authentication/api/v1/exchange/"
	if st, body := exchange(p+"Maskinporten?test=true", mp.AccessToken, nil); st != 200 || apptest.JWTClaims(t, body)["urn:altinn:org"] != "ttd" {
		t.Fatalf("serviceowner test: %d %s", st, body)
	}
	if st, body := exchange(p+"maskinporten", mp.AccessToken, nil); st != 200 || apptest.JWTClaims(t, body)["urn:altinn:org"] != "digdir" {
		t.Fatalf("serviceowner: %d %s", st, body)
	}
	if st, body := exchange(p+"maskinporten", mp.AccessToken, map[string]string{"Accept": "application/json"}); st != 200 || !strings.HasPrefix(body, `"ey`) {
		t.Fatalf("json accept: %d %s", st, body)
	}
	cases := []struct {
		name, path, bearer string
		hdr                map[string]string
		status             int
	}{
		{"no bearer", p + "maskinporten", "", nil, 401},
		{"garbage", p + "maskinporten", "abc.def.ghi", nil, 401},
		{"an Altinn token", p + "maskinporten", alt.AccessToken, nil, 401},
		{"unknown provider", p + "foo", mp.AccessToken, nil, 400},
		{"id-porten", p + "id-porten", mp.AccessToken, nil, 401},
		{"enterprise user", p + "maskinporten", mp.AccessToken, map[string]string{"X-Altinn-EnterpriseUser-Authentication": "x"}, 410},
	}
	for _, c := range cases {
		if st, body := exchange(c.path, c.bearer, c.hdr); st != c.status {
			t.Errorf("%s: %d %s", c.name, st, body)
		}
	}
	// Once expired (clock moved past exp + skew), the token is refused by
	// the exchange and by the auth middleware.
	srv.Clock.Set(131 * time.Second)
	if st, _ := exchange(p+"maskinporten", mp.AccessToken, nil); st != 401 {
		t.Fatalf("expired: %d", st)
	}
	h := auth.Authenticate(srv.Verifier)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set("Authorization", "Bearer "+mp.AccessToken)
	h.ServeHTTP(rec, req)
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "expired") {
		t.Fatalf("middleware on expired token: %d %s", rec.Code, rec.Body)
	}
}

// TestTestTokenDefaults: a test token keeps the clientId asked for and
// makes one up (a uuid) when none is; a platform access token names its
// app in urn:altinn:app only when an app is given.
func TestTestTokenDefaults(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	claims := func(body map[string]any) map[string]any {
		t.Helper()
		var tr maskinporten.TokenResponse
		if resp := apptest.PostJSON(t, srv.URL+"/sim/api/v1/tokens", body, &tr); resp.StatusCode != 200 {
			t.Fatalf("%v: %d", body, resp.StatusCode)
		}
		return apptest.JWTClaims(t, tr.AccessToken)
	}
	ent := map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"test:read"}}
	if c := claims(ent); uuid.Validate(fmt.Sprint(c["client_id"])) != nil {
		t.Errorf("no clientId: client_id %v, want a made-up uuid", c["client_id"])
	}
	ent["clientId"] = "my-client"
	if c := claims(ent); c["client_id"] != "my-client" {
		t.Errorf("clientId my-client: client_id %v", c["client_id"])
	}
	if c := claims(map[string]any{"type": "accesstoken", "issuer": "ttd", "app": "ttd.myapp"}); c["urn:altinn:app"] != "ttd.myapp" {
		t.Errorf("with an app: urn:altinn:app %v", c["urn:altinn:app"])
	}
	if c := claims(map[string]any{"type": "accesstoken", "issuer": "platform"}); c["urn:altinn:app"] != nil {
		t.Errorf("without an app: urn:altinn:app %v, want none", c["urn:altinn:app"])
	}
}

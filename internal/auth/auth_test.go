package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeVerifier accepts "good-<org>" tokens and refuses the rest.
type fakeVerifier struct{}

func (fakeVerifier) Verify(_ context.Context, raw string) (Caller, error) {
	var org string
	if _, err := fmt.Sscanf(raw, "good-%s", &org); err != nil {
		return Caller{}, fmt.Errorf("%w: the token has expired", ErrInvalidToken)
	}
	return Caller{Kind: KindMaskinporten, ConsumerOrgNo: org, Scopes: []string{"a:read"}}, nil
}

func serve(h http.Handler, authz string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	h.ServeHTTP(rec, req)
	return rec
}

func TestAuthenticateAndRequireScope(t *testing.T) {
	var seen Caller
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, found := CallerFrom(r.Context())
		if !found {
			t.Error("no caller in context")
		}
		seen = c
	})
	read := Authenticate(fakeVerifier{})(RequireScope("a:read", "a:admin")(ok))
	write := Authenticate(fakeVerifier{})(RequireScope("a:write")(ok))

	cases := []struct {
		name, authz string
		h           http.Handler
		status      int
		wwwAuth     string
	}{
		{"no header", "", read, 401, "Bearer"},
		{"basic scheme", "Basic Zm9vOmJhcg==", read, 401, "Bearer"},
		{"empty bearer", "Bearer ", read, 401, "Bearer"},
		{"refused token", "Bearer bad", read, 401, `Bearer error="invalid_token"`},
		{"scope held", "Bearer good-991825827", read, 200, ""},
		{"lower-case scheme", "bearer good-991825827", read, 200, ""},
		{"scope missing", "Bearer good-991825827", write, 403, ""},
	}
	for _, c := range cases {
		rec := serve(c.h, c.authz)
		if rec.Code != c.status || rec.Header().Get("WWW-Authenticate") != c.wwwAuth {
			t.Errorf("%s: %d %q %s", c.name, rec.Code, rec.Header().Get("WWW-Authenticate"), rec.Body)
		}
		if c.status >= 400 {
			var p map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p["status"] != float64(c.status) {
				t.Errorf("%s: body %s", c.name, rec.Body)
			}
		}
	}
	if seen.ConsumerOrgNo != "991825827" {
		t.Fatalf("caller %+v", seen)
	}
	// The verifier's reason reaches the client.
	if rec := serve(read, "Bearer bad"); !json.Valid(rec.Body.Bytes()) || !strings.Contains(rec.Body.String(), "the token has expired") {
		t.Fatalf("detail: %s", rec.Body)
	}
	// RequireScope without Authenticate in front: 401, never a pass.
	if rec := serve(RequireScope("a:read")(ok), "Bearer good-1"); rec.Code != 401 {
		t.Fatalf("scope without caller: %d", rec.Code)
	}
}

func TestCallerContext(t *testing.T) {
	if _, ok := CallerFrom(context.Background()); ok {
		t.Fatal("caller in empty context")
	}
	c := Caller{ClientID: "x", Scopes: []string{"s:1", "s:2"}}
	got, ok := CallerFrom(WithCaller(context.Background(), c))
	if !ok || got.ClientID != "x" || !got.HasScope("s:0", "s:2") || got.HasScope("s:3") {
		t.Fatalf("got %+v %v", got, ok)
	}
	if !errors.Is(fmt.Errorf("%w: x", ErrInvalidToken), ErrInvalidToken) {
		t.Fatal("ErrInvalidToken does not wrap")
	}
}

package route

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
)

// TestDecodePath: percent-encoded UTF-8 is decoded in either hex case;
// %2F stays as sent; a sequence that is not UTF-8 stays as its literal
// text, byte runs as Kestrel leaves them.
func TestDecodePath(t *testing.T) {
	for in, want := range map[string]string{
		"/a/%FF":               "/a/%FF",
		"/a/%ff/b":             "/a/%ff/b",
		"/a/%C0%AF":            "/a/%C0%AF",       // overlong "/"
		"/a/%ED%A0%BD":         "/a/%ED%A0%BD",    // a surrogate
		"/a/%F4%90%80%80":      "/a/%F4%90%80%80", // above U+10FFFF
		"/a/%C3%A6x":           "/a/æx",
		"/a/%c3%a6x":           "/a/æx",
		"/a/%E2%82%AC":         "/a/€",
		"/a/%EF%BF%BD":         "/a/\uFFFD",
		"/a/%C3%A6%FF%C3%A6":   "/a/æ%FFæ",
		"/a/%C3":               "/a/%C3",
		"/a/%E2%82":            "/a/%E2%82",
		"/a/%E2%82x":           "/a/%E2%82x",
		"/a/%41%20b":           "/a/A b",
		"urn%3Aaltinn%3aparty": "urn:altinn:party",
		"a%2Fb%2fc":            "a%2Fb%2fc",
		"a%252F":               "a%2F",
		"50%25":                "50%",
		"plain":                "plain",
	} {
		if got := DecodePath(in); got != want {
			t.Errorf("DecodePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPathValues: a mounted route's path value is what ASP.NET's routing
// gives a controller for the same request line: escapes decoded in either
// hex case, %2F kept (and no new segment), whether or not Go kept a
// RawPath for the request.
func TestPathValues(t *testing.T) {
	r := chi.NewRouter()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(chi.URLParam(r, "id"))) })
	Mount(r, Deps{}, []Route{{Method: "GET", Path: "/x/{id}", Handler: echo}, {Method: "GET", Path: "/x/{id}/y", Handler: echo}})
	for path, want := range map[string]string{
		"/x/urn%3Aaltinn%3Aparty%3Auuid%3A1": "urn:altinn:party:uuid:1",
		"/x/urn%3aaltinn%3aparty%3auuid%3a1": "urn:altinn:party:uuid:1",
		"/x/urn:altinn:party:uuid:1":         "urn:altinn:party:uuid:1",
		"/x/a%2fb":                           "a%2fb",
		"/x/a%2Fb":                           "a%2Fb",
		"/x/a%2Fb/y":                         "a%2Fb",
		"/x/%C3%A6%3a":                       "æ:",
		"/x/%c3%a6":                          "æ",
		"/x/a%20b":                           "a b",
		"/x/50%25":                           "50%",
		"/x/50%25%3A":                        "50%:",
		"/x/%252F":                           "%2F",
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 || rec.Body.String() != want {
			t.Errorf("%s: %d %q, want %q", path, rec.Code, rec.Body.String(), want)
		}
	}
}

type fakeVerifier struct{}

func (fakeVerifier) Verify(_ context.Context, raw string) (auth.Caller, error) {
	switch raw {
	case "scoped":
		return auth.Caller{ClientID: raw, Scopes: []string{"x:admin"}, Claims: map[string]any{"urn:altinn:authlevel": float64(3)}}, nil
	case "level1":
		return auth.Caller{ClientID: raw, Claims: map[string]any{"urn:altinn:authlevel": "1"}}, nil
	case "plain":
		return auth.Caller{ClientID: raw, Claims: map[string]any{"urn:altinn:authlevel": float64(3)}}, nil
	}
	return auth.Caller{}, auth.ErrInvalidToken
}

// TestPlatformAccessGuards: the InternalOrPlatformAccess policy (a valid
// access token, or a bearer token with the scope) and the persons lookup's
// PlatformAccess + AuthorizationLevel2, with their 401/403 split.
func TestPlatformAccessGuards(t *testing.T) {
	r := chi.NewRouter()
	who := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := auth.CallerFrom(r.Context())
		_, _ = w.Write([]byte("caller=" + c.ClientID))
	})
	check := func(_ context.Context, raw string) error {
		if raw != "pat" {
			return errors.New("bad access token")
		}
		return nil
	}
	Mount(r, Deps{Verifier: fakeVerifier{}, AccessTokens: check}, []Route{
		{Method: "GET", Path: "/internal", Guard: Bearer, Scopes: []string{"x:admin"}, PlatformAccess: true, Handler: who},
		{Method: "GET", Path: "/both", Guard: Bearer, RequirePlatformAccess: true, MinAuthLevel: 2, Handler: who},
	})
	for _, c := range []struct {
		path, bearer string
		pats         []string
		status       int
		body         string
	}{
		{"/internal", "", []string{"pat"}, 200, "caller="},
		{"/internal", "garbage", []string{"pat"}, 200, "caller="}, // an invalid bearer leaves the user anonymous
		{"/internal", "plain", []string{"pat"}, 200, "caller=plain"},
		{"/internal", "scoped", nil, 200, "caller=scoped"},
		{"/internal", "plain", nil, 403, ""},
		{"/internal", "plain", []string{"nope"}, 403, ""},
		{"/internal", "", nil, 401, ""},
		{"/internal", "", []string{"nope"}, 401, ""},
		{"/internal", "garbage", nil, 401, ""},
		{"/internal", "", []string{"pat", "pat"}, 401, ""}, // one access token, not two
		{"/both", "plain", []string{"pat"}, 200, "caller=plain"},
		{"/both", "plain", nil, 403, ""},
		{"/both", "plain", []string{"nope"}, 403, ""},
		{"/both", "level1", []string{"pat"}, 403, ""},
		{"/both", "", []string{"pat"}, 401, ""},
		{"/both", "garbage", []string{"pat"}, 401, ""},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		if c.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+c.bearer)
		}
		for _, p := range c.pats {
			req.Header.Add(PlatformAccessHeader, p)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != c.status || (c.body != "" && rec.Body.String() != c.body) {
			t.Errorf("%s bearer=%q pat=%v: %d %s, want %d %s", c.path, c.bearer, c.pats, rec.Code, rec.Body, c.status, c.body)
		}
	}
}

package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
)

// allScopes is every scope any route accepts, so one token gets past
// every scope check and the request reaches the handler's own rules.
func allScopes(s *apptest.Server) []string {
	seen := map[string]bool{}
	var out []string
	for _, table := range s.Routes() {
		for _, rt := range table {
			for _, sc := range rt.Scopes {
				if !seen[sc] {
					seen[sc] = true
					out = append(out, sc)
				}
			}
		}
	}
	return out
}

// TestEveryResponseHasRequestID: success, 404, 405, 401 and 500 problems
// and OAuth error bodies all carry X-Request-Id; a sane incoming id is
// echoed (and is the problem's traceId), an unsafe one replaced.
func TestEveryResponseHasRequestID(t *testing.T) {
	s := apptest.Start(t)
	if st, b := doOn(s, t, "POST", "/sim/api/v1/faults", map[string]any{"target": "pdp", "status": 500, "count": 1}); st != 201 {
		t.Fatalf("arm: %d %s", st, b)
	}
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "/health", nil, 200},
		{"GET", "/no/such/path", nil, 404},
		{"DELETE", "/health", nil, 405},
		{"GET", "/authentication/api/v1/systemuser/request/vendor/" + "00000000-0000-0000-0000-000000000001", nil, 401},
		{"POST", "/token", url.Values{"grant_type": {"nope"}}, 400},
		{"POST", "/authorization/api/v1/authorize", "{}", 500},
	} {
		st, h, b := s.Do(t, c.method, c.path, "", c.body)
		if st != c.want {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, st, c.want, b)
		}
		if h.Get("X-Request-Id") == "" {
			t.Errorf("%s %s (%d): no X-Request-Id", c.method, c.path, st)
		}
		if st >= 400 && c.path != "/token" {
			var p map[string]any
			if err := json.Unmarshal(b, &p); err != nil || p["traceId"] != h.Get("X-Request-Id") {
				t.Errorf("%s %s: traceId %v, X-Request-Id %q", c.method, c.path, p["traceId"], h.Get("X-Request-Id"))
			}
		}
	}
	// Two requests get two ids.
	_, h1, _ := s.Do(t, "GET", "/health", "", nil)
	_, h2, _ := s.Do(t, "GET", "/health", "", nil)
	if h1.Get("X-Request-Id") == h2.Get("X-Request-Id") {
		t.Errorf("two requests share id %q", h1.Get("X-Request-Id"))
	}
	// A sane incoming id is echoed, on success and on a problem.
	for _, id := range []string{"3f2c8a1e-7b7d-4a53-9a43-1b2f3c4d5e6f", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "ci-run.42:step_7"} {
		for _, p := range []string{"/health", "/no/such/path"} {
			st, h, b := s.Do(t, "GET", p, "", nil, "X-Request-Id", id)
			if h.Get("X-Request-Id") != id {
				t.Errorf("%s with X-Request-Id %q: got %q", p, id, h.Get("X-Request-Id"))
			}
			if st == 404 && !strings.Contains(string(b), `"traceId":"`+id+`"`) {
				t.Errorf("problem traceId is not the request id %q: %s", id, b)
			}
		}
	}
	for _, id := range []string{strings.Repeat("a", 129), "a b", "<script>", `x"y`, "ø"} {
		_, h, _ := s.Do(t, "GET", "/health", "", nil, "X-Request-Id", id)
		if got := h.Get("X-Request-Id"); got == id || got == "" {
			t.Errorf("unsafe X-Request-Id %q: answered %q", id, got)
		}
	}
}

// TestBadUTF8InPathIsNeverA500 walks every route with a path parameter and
// sends, in each parameter, a byte sequence that is not UTF-8. Kestrel
// keeps such a sequence as its literal text, so the platform answers as
// for any unknown id; we must never answer 500.
func TestBadUTF8InPathIsNeverA500(t *testing.T) {
	s := apptest.Start(t)
	vendor := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": allScopes(s)})
	person := s.TestToken(t, map[string]any{"type": "person", "pid": "12857841016", "scopes": allScopes(s)})
	param := regexp.MustCompile(`\{[^}]+\}|\*$`)
	var routes [][2]string
	err := chi.Walk(s.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if param.MatchString(route) && !strings.HasPrefix(route, "/sim/api/v1/reset") {
			routes = append(routes, [2]string{method, route})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 40 {
		t.Fatalf("only %d routes with parameters found", len(routes))
	}
	for _, bad := range []string{"%FF", "%C0%AF", "%ED%A0%BD", "x%FFy"} {
		for _, rt := range routes {
			path := param.ReplaceAllString(rt[1], bad)
			for _, tok := range []string{vendor, person} {
				var body any
				if rt[0] == "POST" || rt[0] == "PUT" {
					body = "{}"
				}
				st, h, b := s.Do(t, rt[0], path, tok, body)
				if st >= 500 {
					t.Errorf("%s %s: %d %s", rt[0], path, st, b)
				}
				if st >= 400 && h.Get("Content-Type") == "" {
					t.Errorf("%s %s: %d without a body type", rt[0], path, st)
				}
			}
		}
	}
}

// TestDoubleSlashRoutes: "{base}/" + "/authentication/..." reaches the
// same endpoint as the single-slash path.
func TestDoubleSlashRoutes(t *testing.T) {
	s := apptest.Start(t)
	vendor := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": allScopes(s)})
	for _, p := range []string{
		"/authentication/api/v1/systemregister",
		"/accessmanagement/api/v1/meta/info/accesspackages/export",
		"/.well-known/oauth-authorization-server",
		"/health",
	} {
		want, _, wantBody := s.Do(t, "GET", p, vendor, nil)
		if want != 200 {
			t.Fatalf("GET %s: %d %s", p, want, wantBody)
		}
		for _, variant := range []string{"/" + p, strings.Replace(p, "/api/", "//api/", 1), strings.ReplaceAll(p, "/", "//")} {
			st, _, b := s.Do(t, "GET", variant, vendor, nil)
			if st != want || string(b) != string(wantBody) {
				t.Errorf("GET %s: %d (%d bytes), want %d as %s (%d bytes)", variant, st, len(b), want, p, len(wantBody))
			}
		}
	}
}

// TestQueryNamesAreCaseInsensitive: ASP.NET binds query names in any case.
func TestQueryNamesAreCaseInsensitive(t *testing.T) {
	s := apptest.Start(t)
	const search = "/accessmanagement/api/v1/meta/info/accesspackages/search"
	want, _, wantBody := s.Do(t, "GET", search+"?term=skatt&typeName=organization", "", nil)
	if want != 200 {
		t.Fatalf("search: %d %s", want, wantBody)
	}
	for _, q := range []string{"?term=skatt&typename=organization", "?TERM=skatt&TYPENAME=organization", "?Term=skatt&TypeName=organization"} {
		if st, _, b := s.Do(t, "GET", search+q, "", nil); st != want || string(b) != string(wantBody) {
			t.Errorf("search%s: %d %s", q, st, b)
		}
	}
}

// TestWhyPageNeedsAdminToken: with ALTINN_SIM_ADMIN_TOKEN set, the "Why?"
// page answers only with the token: as a bearer header, or in a browser
// once as ?token=, which sets a cookie and drops the token from the URL.
func TestWhyPageNeedsAdminToken(t *testing.T) {
	s := apptest.Start(t, func(c *config.Config) { c.AdminToken = "s3cret" })
	const why = "/sim/decisions/why?subject=991825827&resource=kravogbetaling&action=read&party=313725138"
	if st, h, b := s.Do(t, "GET", why, "", nil); st != 401 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("no token: %d %s", st, b)
	}
	if st, h, b := s.Do(t, "GET", why, "", nil, "Accept", "text/html"); st != 401 || !strings.Contains(string(b), `name="token"`) ||
		!strings.Contains(string(b), `name="resource" value="kravogbetaling"`) || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("browser without token: %d %s", st, b)
	}
	if st, _, _ := s.Do(t, "GET", why, "wrong", nil); st != 401 {
		t.Fatalf("wrong bearer: %d", st)
	}
	if st, _, _ := s.Do(t, "GET", why+"&token=wrong", "", nil); st != 401 {
		t.Fatalf("wrong ?token=: %d", st)
	}
	if st, _, b := s.Do(t, "GET", why, "s3cret", nil); st != 200 || !strings.Contains(string(b), "kravogbetaling") {
		t.Fatalf("bearer: %d %s", st, b)
	}
	// The browser way: ?token= sets the cookie and redirects without it.
	st, h, _ := s.Do(t, "GET", why+"&token=s3cret", "", nil)
	loc := h.Get("Location")
	if st != http.StatusSeeOther || strings.Contains(loc, "token=") || !strings.Contains(loc, "resource=kravogbetaling") {
		t.Fatalf("?token=: %d Location %q", st, loc)
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "altinn_sim_admin" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || strings.Contains(cookie.Value, "s3cret") {
		t.Fatalf("cookie %+v", cookie)
	}
	req, _ := http.NewRequest("GET", s.URL+loc, nil)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	res, err := apptest.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "kravogbetaling") {
		t.Fatalf("with the cookie: %d %s", res.StatusCode, b)
	}
	// Without an admin token configured the page stays open.
	open := apptest.Start(t)
	if st, _, _ := open.Do(t, "GET", why, "", nil); st != 200 {
		t.Fatalf("no admin token configured: %d", st)
	}
}

// TestJSONBodiesEndWithoutNewline: success and problem bodies end at the
// closing bracket, as ASP.NET's do.
func TestJSONBodiesEndWithoutNewline(t *testing.T) {
	s := apptest.Start(t)
	for _, p := range []string{"/health", "/no/such/path", "/authentication/api/v1/systemregister", "/accessmanagement/api/v1/meta/info/roles"} {
		_, _, b := s.Do(t, "GET", p, "", nil)
		if len(b) == 0 || b[len(b)-1] == '\n' {
			t.Errorf("%s: body %q", p, b)
		}
	}
}

package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// TestTrimPlatformSlash: a trailing slash reaches the same handler on the
// platform APIs (as ASP.NET routing does) and nowhere else.
func TestTrimPlatformSlash(t *testing.T) {
	r := chi.NewRouter()
	r.Use(trimPlatformSlash)
	ok := func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(r.URL.Path)) }
	r.Route("/authentication/api/v1/systemuser", func(r chi.Router) {
		r.Post("/request/vendor", ok)
		r.Get("/clients", ok)
	})
	r.Get("/portal/", ok)
	r.Get("/sim/api/v1/x", ok)
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"POST", "/authentication/api/v1/systemuser/request/vendor/", 200},
		{"POST", "/authentication/api/v1/systemuser/request/vendor", 200},
		{"GET", "/authentication/api/v1/systemuser/clients/?agent=x", 200},
		{"GET", "/portal/", 200},
		{"GET", "/sim/api/v1/x/", 404},
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, rec.Code, c.want)
		}
	}
}

// TestCleanURL: NUL in the path or a query value is a 400 problem before
// any handler (and PostgreSQL) sees it; invalid UTF-8 in a query value
// reaches the handler as U+FFFD.
func TestCleanURL(t *testing.T) {
	r := chi.NewRouter()
	r.Use(cleanURL)
	r.Get("/*", func(w http.ResponseWriter, r *http.Request) {
		for _, vs := range r.URL.Query() {
			for _, v := range vs {
				if !utf8.ValidString(v) {
					w.WriteHeader(599)
				}
			}
		}
	})
	for path, want := range map[string]int{
		"/resourceregistry/api/v1/resource/%00": 400,
		"/x/Search?id=%00":                      400,
		"/x?a%00=1":                             400,
		"/x?id=%2500":                           200, // a literal "%00", not NUL
		"/resourceregistry/api/v1/resource/abc": 200,
		"/x?title=%ff":                          200,
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", path, rec.Code, want)
		}
		if want == 400 && rec.Header().Get("Content-Type") != "application/problem+json" && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: Content-Type %q", path, rec.Header().Get("Content-Type"))
		}
	}
}

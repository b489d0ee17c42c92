package app

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestNormalizePath: the handler sees the literal text of an invalid
// sequence, and runs of slashes as one.
func TestNormalizePath(t *testing.T) {
	r := chi.NewRouter()
	r.Use(normalizePath)
	r.Get("/x/{id}", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(chi.URLParam(r, "id"))) })
	r.Get("/authentication/api/v1/systemregister", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("list")) })
	for path, want := range map[string]string{
		"/x/%FF":                                 "%FF",
		"/x/%C0%AF":                              "%C0%AF",
		"/x/%ED%A0%BD":                           "%ED%A0%BD",
		"/x/%C3%A6":                              "æ",
		"//x/abc":                                "abc",
		"/x//abc":                                "abc",
		"//authentication/api/v1/systemregister": "list",
		"/authentication///api/v1//systemregister": "list",
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 || rec.Body.String() != want {
			t.Errorf("%s: %d %q, want %q", path, rec.Code, rec.Body.String(), want)
		}
	}
}

// TestQueryNamesRespelled: any casing of a known name reaches the handler
// in the handler's spelling, on the platform APIs only.
func TestQueryNamesRespelled(t *testing.T) {
	r := chi.NewRouter()
	r.Use(queryNames(platformQueryNames))
	echo := func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		_, _ = w.Write([]byte(q.Get("useOldFormatForApp") + "|" + strings.Join(q["correlation-id"], ",") + "|" + q.Get("other")))
	}
	r.Get("/authentication/api/v1/systemregister/{id}/rights", echo)
	r.Get("/portal/x", echo)
	for path, want := range map[string]string{
		"/authentication/api/v1/systemregister/s/rights?useoldformatforapp=true":           "true||",
		"/authentication/api/v1/systemregister/s/rights?USEOLDFORMATFORAPP=true&OTHER=x":   "true||",
		"/authentication/api/v1/systemregister/s/rights?useOldFormatForApp=true&other=x":   "true||x",
		"/authentication/api/v1/systemregister/s/rights?Correlation-ID=a&correlation-id=b": "|a,b|",
		"/authentication/api/v1/systemregister/s/rights?use%4FldFormatForApp=1":            "1||",
		"/portal/x?useoldformatforapp=true":                                                "||",
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Body.String() != want {
			t.Errorf("%s: %q, want %q", path, rec.Body.String(), want)
		}
	}
	seen := map[string]string{}
	for _, n := range platformQueryNames {
		if o, dup := seen[strings.ToLower(n)]; dup {
			t.Errorf("query names %q and %q differ only in case", o, n)
		}
		seen[strings.ToLower(n)] = n
	}
}

// TestPlatformQueryNamesCoverHandlers: every query name a platform
// handler reads is in platformQueryNames, so a new one cannot silently be
// case-sensitive.
func TestPlatformQueryNamesCoverHandlers(t *testing.T) {
	known := map[string]bool{}
	for _, n := range platformQueryNames {
		known[n] = true
	}
	// Names read only by the emulator's own routes (/sim/...), which are
	// not ASP.NET's and keep exact names.
	own := map[string]bool{"orgNo": true, "endpoint": true, "subject": true, "resource": true, "action": true}
	re := regexp.MustCompile(`(?:\bq\.Get|Query\(\)\.Get|\bget)\("([^"]+)"\)`)
	for _, pkg := range []string{"registry", "resources", "requests", "systemusers", "pdp", "tokens"} {
		files, _ := filepath.Glob(filepath.Join("..", pkg, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllSubmatch(src, -1) {
				if n := string(m[1]); !known[n] && !own[n] {
					t.Errorf("%s reads query %q, which is not in platformQueryNames", f, n)
				}
			}
		}
	}
}

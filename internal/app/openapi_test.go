package app_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/openapi"
)

// TestOpenAPIMatchesRouter walks every route the router serves and checks
// that the OpenAPI document lists exactly those operations.
func TestOpenAPIMatchesRouter(t *testing.T) {
	s := apptest.Start(t)
	routes := map[string]bool{}
	err := chi.Walk(s.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		// chi's catch-all "*" is a file path parameter in OpenAPI.
		route = strings.Replace(route, "/*", "/{file}", 1)
		routes[method+" "+route] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if st, body := doOn(s, t, "GET", "/sim/openapi.json", nil); st != 200 {
		t.Fatalf("/sim/openapi.json: %d", st)
	} else if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	var missing, extra []string
	for r := range routes {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routes[d] {
			extra = append(extra, d)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("served but not in the OpenAPI document:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("in the OpenAPI document but not served:\n  %s", strings.Join(extra, "\n  "))
	}
}

// TestOpenAPIOperations checks the document's own consistency: unique
// operation ids, a summary and a tag on each, scopes only with bearer auth.
func TestOpenAPIOperations(t *testing.T) {
	doc := openapi.Document("http://localhost:8080")
	ids := map[string]bool{}
	for path, item := range doc["paths"].(map[string]map[string]any) {
		for method, raw := range item {
			op := raw.(map[string]any)
			id := op["operationId"].(string)
			if ids[id] {
				t.Errorf("operationId %s twice", id)
			}
			ids[id] = true
			if op["summary"] == "" {
				t.Errorf("%s %s has no summary", method, path)
			}
		}
	}
	for _, op := range openapi.Operations {
		if len(op.Scopes) > 0 && op.Auth != "bearer" {
			t.Errorf("%s %s lists scopes without bearer auth", op.Method, op.Path)
		}
	}
}

// TestOpenAPISecurityValuesAreArrays: every security requirement of the
// served document maps a scheme to an array of scopes, also when a bearer
// operation needs no particular scope (null is not valid OpenAPI).
func TestOpenAPISecurityValuesAreArrays(t *testing.T) {
	s := apptest.Start(t)
	st, body := doOn(s, t, "GET", "/sim/openapi.json", nil)
	if st != 200 {
		t.Fatalf("/sim/openapi.json: %d", st)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string]json.RawMessage `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths {
		for method, op := range item {
			for _, req := range op.Security {
				for scheme, v := range req {
					if !strings.HasPrefix(string(v), "[") {
						t.Errorf("%s %s: security %s is %s, want an array", method, path, scheme, v)
					}
				}
			}
		}
	}
}

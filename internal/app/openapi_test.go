package app_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/openapi"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// TestOpenAPIMatchesRouter walks every route the router serves and checks
// that the OpenAPI document lists exactly those operations.
func TestOpenAPIMatchesRouter(t *testing.T) {
	s := apptest.Start(t)
	routes := map[string]bool{}
	err := chi.Walk(s.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		// chi's catch-all "*" is a file path parameter in OpenAPI.
		route = strings.Replace(route, "/*", "/{file}", 1)
		// The document lists a path served with and without a trailing
		// slash once, without it (tools reject the slash).
		if len(route) > 1 {
			route = strings.TrimSuffix(route, "/")
		}
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
	s := apptest.Start(t)
	doc := openapi.Document("http://localhost:8080", s.Routes()...)
	if len(doc["paths"].(map[string]map[string]any)) < 40 {
		t.Fatalf("only %d paths in the document", len(doc["paths"].(map[string]map[string]any)))
	}
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
	for _, table := range s.Routes() {
		for _, rt := range table {
			if len(rt.Scopes) > 0 && rt.Guard != route.Bearer && rt.Guard != route.OwnBearer {
				t.Errorf("%s %s lists scopes without bearer auth", rt.Method, rt.Path)
			}
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

// TestOpenAPIInvariants checks, on the served document and without any
// Node tool, what OpenAPI validators reject: every operation states its
// security (public ones an empty list), no null anywhere (a null scopes
// list fails swagger-cli), path parameters declared, no trailing slash,
// an operation id, a 4xx response, a described tag, and a real schema for
// every request body.
func TestOpenAPIInvariants(t *testing.T) {
	s := apptest.Start(t)
	st, body := doOn(s, t, "GET", "/sim/openapi.json", nil)
	if st != 200 {
		t.Fatalf("/sim/openapi.json: %d", st)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case nil:
			t.Errorf("null at %s", at)
		case map[string]any:
			for k, e := range v {
				walk(at+"/"+k, e)
			}
		case []any:
			for i, e := range v {
				walk(at+"/"+strconv.Itoa(i), e)
			}
		}
	}
	walk("#", doc)

	schemes := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, tag := range doc["tags"].([]any) {
		if d, _ := tag.(map[string]any)["description"].(string); d == "" {
			t.Errorf("tag %v has no description (openapi.TagDescriptions)", tag.(map[string]any)["name"])
		}
	}
	for path, rawItem := range doc["paths"].(map[string]any) {
		if len(path) > 1 && strings.HasSuffix(path, "/") {
			t.Errorf("path %s has a trailing slash", path)
		}
		for method, raw := range rawItem.(map[string]any) {
			op := raw.(map[string]any)
			name := method + " " + path
			if id, _ := op["operationId"].(string); id == "" {
				t.Errorf("%s: no operationId", name)
			}
			sec, ok := op["security"].([]any)
			if !ok {
				t.Errorf("%s: no security list", name)
			}
			for _, req := range sec {
				for scheme, scopes := range req.(map[string]any) {
					if schemes[scheme] == nil {
						t.Errorf("%s: security scheme %s not defined", name, scheme)
					}
					if _, ok := scopes.([]any); !ok {
						t.Errorf("%s: scopes of %s are %v, want a list", name, scheme, scopes)
					}
				}
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				if p := p.(map[string]any); p["in"] == "path" {
					declared[p["name"].(string)] = true
				}
			}
			for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter %s not declared", name, m[1])
				}
			}
			has4xx := false
			for code := range op["responses"].(map[string]any) {
				has4xx = has4xx || code[0] == '4'
			}
			if !has4xx {
				t.Errorf("%s: no 4xx response", name)
			}
			if rb, ok := op["requestBody"].(map[string]any); ok {
				for ct, media := range rb["content"].(map[string]any) {
					schema, _ := media.(map[string]any)["schema"].(map[string]any)
					var target any = schema
					if ref, ok := schema["$ref"].(string); ok {
						target = schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
					}
					if target == nil {
						t.Errorf("%s: %s body has no schema (%v)", name, ct, media)
						continue
					}
					if tm, _ := target.(map[string]any); tm["type"] == "object" && tm["properties"] == nil {
						t.Errorf("%s: %s body schema %v lists no properties", name, ct, schema)
					}
				}
			}
		}
	}
}

// queryRead finds the query parameters a handler reads by name:
// r.URL.Query().Get("x"), q.Get("x") and q.Has("x") on the query values,
// and get("x") where a handler reads names in any case.
var queryRead = regexp.MustCompile(`(?:(?:Query\(\)|\bq)\.(?:Get|Has)|\bget)\("([^"/][^"]*)"\)`)

// TestOpenAPIDocumentsQueryParams reads the handlers' source for the query
// parameters they take and checks that the OpenAPI document lists each one
// on an operation (tools and vendors learn them only from there).
func TestOpenAPIDocumentsQueryParams(t *testing.T) {
	files, err := filepath.Glob("../*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	read := map[string][]string{} // name → where
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range queryRead.FindAllSubmatch(b, -1) {
			read[string(m[1])] = append(read[string(m[1])], filepath.ToSlash(f))
		}
	}
	if len(read) < 10 {
		t.Fatalf("found only %d query parameters in the handlers; is the pattern still right?", len(read))
	}
	documented := map[string]bool{}
	for _, table := range apptest.Start(t).Routes() {
		for _, rt := range table {
			for _, q := range rt.Query {
				documented[q.Name] = true
			}
		}
	}
	for name, where := range read {
		if !documented[name] {
			t.Errorf("query parameter %q (read in %s) is on no route's Query list", name, strings.Join(slices.Compact(where), ", "))
		}
	}
}

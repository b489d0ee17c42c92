package acceptance

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestEveryOperationSurvivesGarbage reads the emulator's own OpenAPI
// document (every route it serves) and calls each operation as an outside
// client who gets things wrong would: odd path values, garbage bodies, a
// vendor's token, a person's token and none, JSON and non-JSON content
// types. Nothing may answer 5xx.
func TestEveryOperationSurvivesGarbage(t *testing.T) {
	t.Parallel()
	e := start(t)
	r := e.do("GET", "/sim/openapi.json", "", nil)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &doc) != nil || len(doc.Paths) < 50 {
		t.Fatalf("openapi: %d, %d paths", r.status, len(doc.Paths))
	}
	all := []string{scopeRegister, scopeReqWrite, scopeReqRead, "altinn:authentication/systemregister.admin",
		"altinn:maskinporten/systemuser.read", "altinn:clientdelegations.read", "altinn:clientdelegations.write",
		"altinn:resourceregistry/resource.write", "altinn:authorization/authorize", scopeEndUser}
	vendor := e.vendorToken(all...)
	person := e.testToken(map[string]any{"type": "person", "pid": customerDAG, "scopes": all})

	param := regexp.MustCompile(`\{[^}]+\}`)
	values := []string{"x", uuid.NewString(), customerOrg, "991825827_smartcloud", "-1", strings.Repeat("9", 400), "%25", "..", "%c3%28"}
	bodies := []string{``, `{`, `null`, `[]`, `{}`, `"x"`, `[{"a":1}]`, `{"id":{},"urn":[],"Request":{"AccessSubject":{}}}`}

	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	calls := 0
	for _, p := range paths {
		for method := range doc.Paths[p] {
			m := strings.ToUpper(method)
			switch m {
			case "GET", "POST", "PUT", "DELETE", "PATCH":
			default:
				continue
			}
			if p == "/sim/api/v1/reset" || p == "/sim/api/v1/keys/rotate" || strings.HasPrefix(p, "/sim/api/v1/faults") {
				continue // they work on any input by design, and would disturb the others
			}
			for i, v := range values {
				path := param.ReplaceAllString(p, v) + "?agent=" + v + "&client=" + v + "&party=" + v + "&token=" + v
				for j, tok := range []string{vendor, person, ""} {
					body := bodies[(i+j)%len(bodies)]
					var b any
					if m != "GET" && m != "DELETE" {
						b = body
					}
					ct := []string{"application/json", "text/plain", "application/x-www-form-urlencoded"}[(i+j)%3]
					res := e.send(m, path, tok, ct, b)
					calls++
					if res.status >= 500 {
						t.Errorf("%s %s body %q: %d %.300s", m, path, body, res.status, res)
					}
				}
			}
		}
	}
	t.Logf("%d calls on %d paths", calls, len(paths))
}

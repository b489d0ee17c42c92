package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

// Scopes and org numbers the upstream tests use.
const (
	scopeRegAdmin = "altinn:authentication/systemregister.admin"
	scopeRegWrite = "altinn:authentication/systemregister.write"
	validOrg      = "991825827" // the upstream tests' vendor (seeded here too)
	invalidOrg    = "965714643" // an org that owns none of the systems
)

// env is one running emulator on a fresh database.
type env struct {
	t   *testing.T
	srv *apptest.Server
}

func start(t *testing.T) *env {
	t.Helper()
	return &env{t: t, srv: apptest.Start(t)}
}

// orgToken is the upstream PrincipalUtil.GetOrgToken: an enterprise
// token for org with the given scopes.
func (e *env) orgToken(org string, scopes ...string) string {
	e.t.Helper()
	return e.srv.TestToken(e.t, map[string]any{"type": "enterprise", "orgNo": org, "scopes": scopes})
}

// answer is one response.
type answer struct {
	status int
	body   []byte
}

// do sends body (nil, []byte/string sent as is, or a value to marshal).
func (e *env) do(method, path, token string, body any) answer {
	e.t.Helper()
	st, _, b := e.srv.Do(e.t, method, path, token, body)
	return answer{st, b}
}

// problem is the part of an (Altinn validation) ProblemDetails the
// upstream tests look at.
type problem struct {
	Status           int              `json:"status"`
	Code             string           `json:"code"`
	Title            string           `json:"title"`
	Detail           string           `json:"detail"`
	ValidationErrors []map[string]any `json:"validationErrors"`
}

func (a answer) problem() problem {
	var p problem
	_ = json.Unmarshal(a.body, &p)
	return p
}

// vErr returns the validation error with code, or nil.
func (p problem) vErr(code string) map[string]any {
	for _, e := range p.ValidationErrors {
		if e["code"] == code {
			return e
		}
	}
	return nil
}

// hasPath reports whether the validation error lists path.
func hasPath(e map[string]any, path string) bool {
	ps, _ := e["paths"].([]any)
	for _, p := range ps {
		if p == path {
			return true
		}
	}
	return false
}

// fixture reads testdata/<name> (see testdata/SOURCES.md).
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonOf decodes b as any JSON value (nil when it is not JSON).
func jsonOf(b []byte) any {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	return v
}

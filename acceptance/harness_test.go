// Package acceptance checks altinn-sim the way its users do: the platform
// docs' own example bodies sent verbatim, outside client libraries (Node's
// openid-client and jose) doing discovery, grants and JWKS verification,
// and bad input on every JSON endpoint family.
package acceptance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	vendorOrg   = "991825827" // Digitaliseringsdirektoratet, the docs' vendor
	customerOrg = "313725138" // Rakrygget Spesifikk Tiger AS
	customerDAG = "12857841016"
	hareOrg     = "314330897" // Stille Modig Hare AS
	hareDAGL    = "15857841023"
	firmOrg     = "312605031" // Regnskapshuset Simulert AS (REGN for 310385980)
	firmDAGL    = "18857841030"

	scopeRegister = "altinn:authentication/systemregister.write"
	scopeReqWrite = "altinn:authentication/systemuser.request.write"
	scopeReqRead  = "altinn:authentication/systemuser.request.read"
	scopeEndUser  = "altinn:portal/enduser"

	authAPI = "/authentication/api/v1"
)

// env is one running emulator and the calls a user makes against it.
type env struct {
	t   *testing.T
	srv *apptest.Server
	c   *http.Client
}

func start(t *testing.T) *env {
	t.Helper()
	return &env{t: t, srv: apptest.Start(t), c: apptest.Client()}
}

// resp is one answer.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) String() string { return string(r.body) }

// obj decodes the body as a JSON object (fails the test when it is not one).
func (r resp) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d: body is not a JSON object: %q", r.status, r.body)
	}
	return m
}

// send makes one request; body may be nil, a string or []byte (sent as
// is), or a value to marshal. contentType "" means application/json when
// there is a body.
func (e *env) send(method, path, token, contentType string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.c.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

func (e *env) do(method, path, token string, body any) resp {
	e.t.Helper()
	return e.send(method, path, token, "", body)
}

// testToken asks the control API for a token without a grant.
func (e *env) testToken(body map[string]any) string {
	e.t.Helper()
	r := e.do("POST", "/sim/api/v1/tokens", "", body)
	if r.status != 200 {
		e.t.Fatalf("test token %v: %d %s", body, r.status, r)
	}
	return r.obj(e.t)["access_token"].(string)
}

func (e *env) vendorToken(scopes ...string) string {
	e.t.Helper()
	return e.testToken(map[string]any{"type": "enterprise", "orgNo": vendorOrg, "scopes": scopes})
}

func (e *env) personToken(pid string) string {
	e.t.Helper()
	return e.testToken(map[string]any{"type": "person", "pid": pid, "scopes": []string{scopeEndUser}})
}

// client registers a Maskinporten client for org with a fresh key (the
// client id may be given, as the docs' examples name theirs).
func (e *env) client(clientID, org string, scopes ...string) jwk.Key {
	e.t.Helper()
	key, err := mpgrant.NewClientKey()
	if err != nil {
		e.t.Fatal(err)
	}
	jwks, err := mpgrant.PublicJWKS(key)
	if err != nil {
		e.t.Fatal(err)
	}
	r := e.do("POST", "/sim/api/v1/clients", "", map[string]any{
		"clientId": clientID, "orgNo": org, "name": "acceptance " + clientID, "scopes": scopes, "jwks": jwks,
	})
	if r.status != 201 {
		e.t.Fatalf("register client %s: %d %s", clientID, r.status, r)
	}
	return key
}

// grant posts a signed assertion to /token.
func (e *env) grant(assertion string) resp {
	e.t.Helper()
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}
	return e.send("POST", "/token", "", "application/x-www-form-urlencoded", form.Encode())
}

// fixture reads acceptance/testdata/<name> (see testdata/SOURCES.md).
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantProblem asserts an Altinn ProblemDetails answer with the status and
// (when code is not "") the code, at top level or in validationErrors.
func wantProblem(t *testing.T, what string, r resp, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d: %s", what, r.status, status, r)
		return
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%s: Content-Type %q, want application/problem+json", what, ct)
	}
	var p struct {
		Type             string `json:"type"`
		Title            string `json:"title"`
		Status           int    `json:"status"`
		Code             string `json:"code"`
		ValidationErrors []struct {
			Code string `json:"code"`
		} `json:"validationErrors"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Errorf("%s: not a problem body: %s", what, r)
		return
	}
	if p.Status != status || p.Title == "" || p.Code == "" || p.Type != "urn:altinn:error:"+p.Code {
		t.Errorf("%s: problem shape: %s", what, r)
	}
	if code == "" || p.Code == code {
		return
	}
	for _, v := range p.ValidationErrors {
		if v.Code == code {
			return
		}
	}
	t.Errorf("%s: no %s in %s", what, code, r)
}

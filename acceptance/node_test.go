package acceptance

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
)

// nodeDir is the small Node project with the outside client check.
const nodeDir = "node"

// needNode readies the outside-client check and returns node's path.
func needNode(t *testing.T) string {
	t.Helper()
	return needNPMProject(t, nodeDir, filepath.Join("node_modules", "openid-client", "package.json"), "the outside-client check")
}

// runCheck runs check.mjs and returns its one-line JSON report.
func runCheck(t *testing.T, node string, args ...string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"check.mjs"}, args...)...)
	cmd.Dir = nodeDir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs %v: %v\nstdout: %s\nstderr: %s", args, err, out, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(out, &rep); err != nil || rep["ok"] != true {
		t.Fatalf("check.mjs report: %s (stderr %s)", out, stderr.String())
	}
	return rep
}

// writeKey stores the client's private JWK where node can read it.
func writeKey(t *testing.T, key any) string {
	t.Helper()
	b, err := json.Marshal(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestNodeOutsideClient: openid-client discovers our issuer (RFC 8414),
// makes a JWT-bearer grant with a jose-signed assertion, and jose verifies
// the token against our JWKS, for an enterprise token and for a system
// user's; the token exchanged for an Altinn token verifies against the
// Altinn OIDC metadata's JWKS; a replayed assertion gets invalid_grant.
func TestNodeOutsideClient(t *testing.T) {
	t.Parallel()
	node := needNode(t)
	for _, alg := range []string{"RS256", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			e := &env{t: t, srv: apptest.Start(t, func(c *config.Config) { c.SigningAlg = alg }), c: apptest.Client()}
			nodeCheck(t, node, e, alg)
		})
	}
}

// nodeCheck runs check.mjs against e as an enterprise and as a system user.
func nodeCheck(t *testing.T, node string, e *env, alg string) {
	clientID := uuid.NewString()
	key := e.client(clientID, vendorOrg, scopeRegister, scopeReqWrite, scopeReqRead, docsScope)
	keyFile := writeKey(t, key)

	rep := runCheck(t, node, e.srv.URL, clientID, keyFile, scopeReqWrite)
	if rep["alg"] != alg {
		t.Errorf("node saw a token signed with %v, want %s", rep["alg"], alg)
	}
	if rep["issuer"] != e.srv.URL+"/" || rep["token_endpoint"] != e.srv.URL+"/token" {
		t.Errorf("node saw issuer %v, token endpoint %v", rep["issuer"], rep["token_endpoint"])
	}
	if rep["altinn_issuer"] != e.srv.URL+"/authentication/api/v1/openid/" {
		t.Errorf("node saw Altinn issuer %v", rep["altinn_issuer"])
	}
	if c, _ := rep["consumer"].(map[string]any); c["ID"] != "0192:"+vendorOrg {
		t.Errorf("node saw consumer %v", rep["consumer"])
	}

	// A system user for the docs' system, then the same check as that user.
	sys := fixtureMap(t, "systemregister.camel.json")
	sys["clientId"] = []string{clientID}
	if r := e.do("POST", authAPI+"/systemregister/vendor", e.vendorToken(scopeRegister), sys); r.status != 200 {
		t.Fatalf("register: %d %s", r.status, r)
	}
	r := e.do("POST", authAPI+"/systemuser/request/vendor", e.vendorToken(scopeReqWrite), fixture(t, "request.standard.json"))
	if r.status != 201 {
		t.Fatalf("request: %d %s", r.status, r)
	}
	id := r.obj(t)["id"].(string)
	if r := e.do("POST", authAPI+"/systemuser/request/"+customerOrg+"/"+id+"/approve", e.personToken(customerDAG), nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r)
	}
	rep = runCheck(t, node, e.srv.URL, clientID, keyFile, docsScope, customerOrg)
	if rep["systemuser_id"] != id {
		t.Errorf("node saw systemuser_id %v, want %s", rep["systemuser_id"], id)
	}
}

func fixtureMap(t *testing.T, name string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixture(t, name), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

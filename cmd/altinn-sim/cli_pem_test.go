package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
)

// The reference implementation's configuration (a client id, a scope, the
// system user's organisation number and a PEM key file mp-key.pem) works
// with the CLI as it is: keys new --format pem → register the printed
// public set → a system-user token signed with the PEM file.
func TestCLIReferenceConfigurationPEM(t *testing.T) {
	pool := dbtest.New(t)
	dbURL := pool.Config().ConnString()
	srv := apptest.StartOn(t, dbURL)
	env := map[string]string{"ALTINN_SIM_PUBLIC_URL": srv.URL}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "mp-key.pem")

	code, pub, stderr := runCLI(t, env, "keys", "new", "--format", "pem", "--out", keyFile)
	if code != 0 {
		t.Fatalf("keys new --format pem: %d %s", code, stderr)
	}
	pemText, err := os.ReadFile(keyFile)
	if err != nil || !strings.HasPrefix(string(pemText), "-----BEGIN PRIVATE KEY-----\n") {
		t.Fatalf("mp-key.pem: %v %q", err, pemText)
	}
	if st, _ := os.Stat(keyFile); st == nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v", st)
	}
	var set mpclient.JWKS
	var head struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal([]byte(pub), &set); err != nil || len(set.Keys) != 1 || json.Unmarshal(set.Keys[0], &head) != nil || head.Kid == "" {
		t.Fatalf("public set %q: %v", pub, err)
	}
	// keys public reads the PEM back with the same kid (the thumbprint).
	if code, pub2, stderr := runCLI(t, env, "keys", "public", "--key", keyFile); code != 0 || pub2 != pub {
		t.Fatalf("keys public: %d %q %s", code, pub2, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "jwks.json"), []byte(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	seed := `clients:
  - clientId: reference-client
    orgNo: "991825827"
    name: Referanseimplementasjonen
    scopes: [skatteetaten:kravogbetalinger]
    jwksFile: jwks.json
systems:
  - id: 991825827_referanse
    vendor: "991825827"
    name: Referanse
    description: Referanseimplementasjonen for systembruker
    rights: [{resource: kravogbetaling, action: read}]
    clientIds: [reference-client]
systemUsers:
  - system: 991825827_referanse
    org: "313725138"
`
	seedFile := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(seedFile, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, nil, "seed", "--file", seedFile, "--database-url", dbURL); code != 0 {
		t.Fatalf("seed: %d %s %s", code, out, stderr)
	}

	ref := []string{"--client-id", "reference-client", "--key", keyFile, "--scope", "skatteetaten:kravogbetalinger", "--systemuser-org", "313725138"}
	code, grant, stderr := runCLI(t, env, append([]string{"grant"}, ref...)...)
	if code != 0 || apptest.JWTHeader(t, grant)["kid"] != head.Kid {
		t.Fatalf("grant: %d %s %v", code, stderr, apptest.JWTHeader(t, grant))
	}
	code, out, stderr := runCLI(t, env, append([]string{"token", "--raw"}, ref...)...)
	if code != 0 {
		t.Fatalf("token: %d %s", code, stderr)
	}
	claims := apptest.JWTClaims(t, out)
	details, _ := claims["authorization_details"].([]any)
	if claims["client_id"] != "reference-client" || len(details) != 1 || !strings.Contains(mustJSON(details), `"system_id":"991825827_referanse"`) {
		t.Fatalf("token claims %v", claims)
	}

	// --kid names another key: the header says so, and /token refuses it.
	code, grant, _ = runCLI(t, env, append([]string{"grant", "--kid", "portal-kid"}, ref...)...)
	if code != 0 || apptest.JWTHeader(t, grant)["kid"] != "portal-kid" {
		t.Fatalf("grant --kid: %d %v", code, apptest.JWTHeader(t, grant))
	}
	code, _, stderr = runCLI(t, env, append([]string{"token", "--kid", "portal-kid"}, ref...)...)
	if code != 1 || !strings.Contains(stderr, "Unknown key identifier (kid)") {
		t.Fatalf("token --kid: %d %s", code, stderr)
	}
	// A public key or a bad --format is refused with a clear message.
	pubPEM := filepath.Join(dir, "pub.pem")
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err := os.WriteFile(pubPEM, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, env, "grant", "--client-id", "reference-client", "--key", pubPEM, "--scope", "skatteetaten:kravogbetalinger"); code != 1 || !strings.Contains(stderr, pubPEM+": this is a public key") {
		t.Fatalf("public PEM: %d %s", code, stderr)
	}
	if code, _, _ := runCLI(t, env, "keys", "new", "--format", "der", "--out", filepath.Join(dir, "x")); code != 2 {
		t.Fatalf("--format der: %d", code)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

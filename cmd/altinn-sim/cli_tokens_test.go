package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

// keys new → register the printed key set → grant → token, as the README
// walks curl users through it.
func TestCLIKeysGrantToken(t *testing.T) {
	srv := apptest.Start(t)
	env := map[string]string{"ALTINN_SIM_PUBLIC_URL": srv.URL}
	keyFile := filepath.Join(t.TempDir(), "key.json")

	code, pub, stderr := runCLI(t, env, "keys", "new", "--out", keyFile)
	if code != 0 {
		t.Fatalf("keys new: %d %s", code, stderr)
	}
	if st, _ := os.Stat(keyFile); st == nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v", st)
	}
	if code, _, _ := runCLI(t, env, "keys", "new", "--out", keyFile); code != 1 {
		t.Fatalf("overwrite without --force: %d", code)
	}
	var set mpclient.JWKS
	if err := json.Unmarshal([]byte(pub), &set); err != nil || len(set.Keys) != 1 || strings.Contains(pub, `"d"`) {
		t.Fatalf("public set %q: %v", pub, err)
	}
	if code, pub2, _ := runCLI(t, env, "keys", "public", "--key", keyFile); code != 0 || pub2 != pub {
		t.Fatalf("keys public: %d %q", code, pub2)
	}

	body, _ := json.Marshal(map[string]any{"orgNo": "991825827", "scopes": []string{"test:read", "test:write"}, "jwks": set})
	resp, err := http.Post(srv.URL+"/sim/api/v1/clients", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var c mpclient.Client
	_ = json.NewDecoder(resp.Body).Decode(&c)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("register: %d", resp.StatusCode)
	}

	code, grant, stderr := runCLI(t, env, "grant", "--client-id", c.ClientID, "--key", keyFile, "--scope", "test:read", "--scope", "test:write", "--systemuser-org", "313725138")
	if code != 0 {
		t.Fatalf("grant: %d %s", code, stderr)
	}
	parts := strings.Split(strings.TrimSpace(grant), ".")
	if len(parts) != 3 {
		t.Fatalf("grant %q", grant)
	}
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	_ = json.Unmarshal(pb, &claims)
	if claims["aud"] != srv.URL+"/" || claims["iss"] != c.ClientID || claims["scope"] != "test:read test:write" || claims["authorization_details"] == nil {
		t.Fatalf("grant claims %v", claims)
	}

	code, out, stderr := runCLI(t, env, "token", "--client-id", c.ClientID, "--key", keyFile, "--scope", "test:read test:write")
	var tr mpgrant.TokenResponse
	if code != 0 || json.Unmarshal([]byte(out), &tr) != nil || tr.Scope != "test:read test:write" || tr.AccessToken == "" {
		t.Fatalf("token: %d %q %s", code, out, stderr)
	}
	code, out, _ = runCLI(t, env, "token", "--client-id", c.ClientID, "--key", keyFile, "--scope", "test:read", "--raw")
	if code != 0 || strings.Count(strings.TrimSpace(out), ".") != 2 {
		t.Fatalf("token --raw: %d %q", code, out)
	}
	if _, err := srv.Verifier.Verify(t.Context(), strings.TrimSpace(out)); err != nil {
		t.Fatalf("verify CLI token: %v", err)
	}
	// A refused grant: exit 1 with Maskinporten's error on stderr.
	code, _, stderr = runCLI(t, env, "token", "--client-id", c.ClientID, "--key", keyFile, "--scope", "other:scope")
	if code != 1 || !strings.Contains(stderr, "invalid_scope") {
		t.Fatalf("refused: %d %s", code, stderr)
	}
	// Usage errors exit 2.
	if code, _, _ := runCLI(t, env, "grant", "--key", keyFile, "--scope", "a:b"); code != 2 {
		t.Fatalf("no client id: %d", code)
	}
	if code, _, _ := runCLI(t, env, "keys"); code != 2 {
		t.Fatalf("bare keys: %d", code)
	}
}

// TestMain lets the tests of package main use a throwaway database.
func TestMain(m *testing.M) { dbtest.Main(m) }

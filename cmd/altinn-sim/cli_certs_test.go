package main

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/testca"
)

// certs new → a client registered without keys → token --cert --key: the
// token says the client authenticated with an enterprise certificate.
func TestCLICertificateGrant(t *testing.T) {
	srv := apptest.Start(t, func(c *config.Config) { c.AdminToken = "s3cret" })
	env := map[string]string{"ALTINN_SIM_PUBLIC_URL": srv.URL, "ALTINN_SIM_ADMIN_TOKEN": "s3cret"}
	dir := filepath.Join(t.TempDir(), "virksomhet")

	code, out, stderr := runCLI(t, env, "certs", "new", "--org", "991825827", "--out", dir, "--name", "Digitaliseringsdirektoratet")
	if code != 0 || !strings.Contains(out, "cert.pem") {
		t.Fatalf("certs new: %d %s %s", code, out, stderr)
	}
	certPEM, _ := os.ReadFile(filepath.Join(dir, "cert.pem"))
	var chain []*x509.Certificate
	for rest := certPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, c)
	}
	if len(chain) != 2 || !chain[1].IsCA {
		t.Fatalf("cert.pem: want the certificate and the CA, got %d", len(chain))
	}
	if org, ok := testca.OrgNo(chain[0]); !ok || org != "991825827" || chain[0].Subject.Organization[0] != "Digitaliseringsdirektoratet" {
		t.Fatalf("subject %s", chain[0].Subject)
	}
	if !slices.ContainsFunc(chain[0].Subject.Names, func(a pkix.AttributeTypeAndValue) bool {
		return a.Type.String() == "2.5.4.97" && a.Value == "NTRNO-991825827"
	}) {
		t.Fatalf("subject %s has no organizationIdentifier NTRNO-991825827", chain[0].Subject)
	}
	if st, err := os.Stat(filepath.Join(dir, "key.pem")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key.pem: %v", err)
	}
	// The published CA is the one that issued it.
	status, _, caPEM := srv.Do(t, "GET", "/sim/api/v1/certificates/ca.pem", "s3cret", nil)
	if status != 200 || !bytes.Equal(caPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: chain[1].Raw})) {
		t.Fatalf("ca.pem: %d %s", status, caPEM)
	}
	// Files are not overwritten without --force; without the admin token
	// the control API refuses.
	if code, _, stderr := runCLI(t, env, "certs", "new", "--org", "991825827", "--out", dir); code != 1 || !strings.Contains(stderr, "--force") {
		t.Fatalf("second certs new: %d %s", code, stderr)
	}
	noToken := map[string]string{"ALTINN_SIM_PUBLIC_URL": srv.URL}
	if code, _, stderr := runCLI(t, noToken, "certs", "new", "--org", "991825827", "--out", t.TempDir()); code != 1 || !strings.Contains(stderr, "401") {
		t.Fatalf("without admin token: %d %s", code, stderr)
	}

	// A client without keys, as Maskinporten registers certificate clients.
	register := func() mpclient.Client {
		var c mpclient.Client
		if st := srv.DoJSON(t, "POST", "/sim/api/v1/clients", "s3cret", map[string]any{"orgNo": "991825827", "name": "sertifikat", "scopes": []string{"test:read"}}, &c); st != 201 {
			t.Fatalf("register: %d", st)
		}
		return c
	}
	c := register()
	args := []string{"--client-id", c.ClientID, "--cert", filepath.Join(dir, "cert.pem"), "--key", filepath.Join(dir, "key.pem"), "--scope", "test:read"}
	code, grant, stderr := runCLI(t, env, append([]string{"grant"}, args...)...)
	head := apptest.JWTHeader(t, grant)
	if code != 0 || head["kid"] != nil || len(head["x5c"].([]any)) != 2 {
		t.Fatalf("grant: %d %s %v", code, stderr, head)
	}
	code, out, stderr = runCLI(t, env, append([]string{"token", "--raw"}, args...)...)
	if code != 0 {
		t.Fatalf("token: %d %s", code, stderr)
	}
	if claims := apptest.JWTClaims(t, out); claims["client_amr"] != "virksomhetssertifikat" || claims["client_id"] != c.ClientID {
		t.Fatalf("token claims %v", claims)
	}

	// A reset keeps the test CA: the same certificate still works for a
	// client registered again.
	if st, _, b := srv.Do(t, "POST", "/sim/api/v1/reset", "s3cret", nil); st != 204 {
		t.Fatalf("reset: %d %s", st, b)
	}
	c2 := register()
	if code, _, stderr := runCLI(t, env, "token", "--client-id", c2.ClientID, "--cert", filepath.Join(dir, "cert.pem"), "--key", filepath.Join(dir, "key.pem"), "--scope", "test:read"); code != 0 {
		t.Fatalf("token after reset: %d %s", code, stderr)
	}

	// --cert with --kid is a usage error; a certificate for another key
	// is refused before anything is sent.
	if code, _, _ := runCLI(t, env, append([]string{"grant", "--kid", "k"}, args...)...); code != 2 {
		t.Fatalf("--cert --kid: %d", code)
	}
	other := filepath.Join(t.TempDir(), "other.pem")
	if code, _, stderr := runCLI(t, env, "keys", "new", "--format", "pem", "--out", other); code != 0 {
		t.Fatalf("keys new: %s", stderr)
	}
	if code, _, stderr := runCLI(t, env, "grant", "--client-id", c.ClientID, "--cert", filepath.Join(dir, "cert.pem"), "--key", other, "--scope", "test:read"); code != 1 || !strings.Contains(stderr, "not for this private key") {
		t.Fatalf("another key: %d %s", code, stderr)
	}
}

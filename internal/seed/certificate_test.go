package seed_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/seed"
	"github.com/altinn-sim/altinn-sim/internal/testca"
)

// certFile seeds a client without keys, which authenticates with an
// enterprise certificate, carrying a scope the file grants its
// organisation.
const certFile = `
organizations:
  - {orgNo: "315555019", name: Kurs Kunde AS}
scopes:
  - name: kursetaten:timeliste
    owner: "974761076"
    description: Timelister
    consumers: ["315555019"]
clients:
  - clientId: seed-certificate-client
    orgNo: "315555019"
    name: Med virksomhetssertifikat
    scopes: [kursetaten:timeliste]
    enterpriseCertificate: true
`

// TestSeedCertificateClient: a key-less client goes in, gets a token with
// an enterprise certificate of its organisation (client_amr
// virksomhetssertifikat), seeding again changes nothing, and a file that
// gives it keys as well is refused whole.
func TestSeedCertificateClient(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	dir := trainingDir(t)
	before := Snapshot(t, s.Pool)
	t.Run("keys as well", func(t *testing.T) {
		wantRefused(t, s, before, certFile, dir, "    enterpriseCertificate: true", "    enterpriseCertificate: true\n    jwksFile: treningsleverandoren-key.json",
			"clients[0]: a client with enterpriseCertificate has no keys")
	})
	t.Run("neither", func(t *testing.T) {
		wantRefused(t, s, before, certFile, dir, "    enterpriseCertificate: true", "",
			"clients[0]: a public key is required (jwks or jwksFile), or enterpriseCertificate: true")
	})

	f, err := seed.Parse([]byte(certFile), dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := seed.Apply(ctx, deps(s), f); err != nil || rep.Created["clients"] != 1 {
		t.Fatalf("seeding: %s %v", rep, err)
	}
	c, err := s.Clients.Client(ctx, "seed-certificate-client")
	if err != nil || len(c.JWKS.Keys) != 0 {
		t.Fatalf("the client: %+v, %v", c, err)
	}

	key, _ := mpgrant.NewClientKey()
	var rk rsa.PrivateKey
	if err := key.Raw(&rk); err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	issued, err := s.TestCA.Issue(testca.IssueRequest{OrgNo: "315555019", PublicKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))})
	if err != nil {
		t.Fatal(err)
	}
	chain, err := mpgrant.ParseCertificateChain([]byte(issued.Certificate+issued.CA), key)
	if err != nil {
		t.Fatal(err)
	}
	g, err := mpgrant.SignWithCertificate(key, chain, mpgrant.Claims(mpgrant.Options{ClientID: "seed-certificate-client",
		Audience: s.URL + "/", Scopes: []string{"kursetaten:timeliste"}}))
	if err != nil {
		t.Fatal(err)
	}
	var tok maskinporten.TokenResponse
	if resp := apptest.PostGrant(t, s.URL, g, &tok); resp.StatusCode != 200 ||
		apptest.JWTClaims(t, tok.AccessToken)["client_amr"] != "virksomhetssertifikat" {
		t.Fatalf("certificate grant: %d %+v", resp.StatusCode, tok)
	}

	again := Snapshot(t, s.Pool)
	if rep, err := seed.Apply(ctx, deps(s), f); err != nil || rep.Changed() {
		t.Fatalf("seeding again: %s %v", rep, err)
	}
	if d := diff(again, Snapshot(t, s.Pool)); len(d) > 0 {
		t.Fatalf("seeding again changed %v", d)
	}
}

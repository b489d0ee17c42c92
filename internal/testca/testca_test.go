package testca_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/testca"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func pubPEM(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// The CA is made once per database: every service on it (every instance,
// every restart) loads the same one, also when several start at once.
func TestCAIsMadeOncePerDatabase(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	svcs := make([]*testca.Service, 4)
	errs := make([]error, 4)
	for i := range svcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svcs[i], errs[i] = testca.New(ctx, pool, clk)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		if !svcs[i].CA().Cert.Equal(svcs[0].CA().Cert) {
			t.Fatalf("instance %d has another CA", i)
		}
	}
	again, err := testca.New(ctx, pool, nil)
	if err != nil || !again.CA().Cert.Equal(svcs[0].CA().Cert) {
		t.Fatalf("restart: %v", err)
	}
	ca := again.CA().Cert
	if !ca.IsCA || !ca.MaxPathLenZero || ca.NotBefore.After(clk.Now()) || ca.NotAfter.Before(clk.Now().AddDate(20, 0, 0)) {
		t.Fatalf("CA certificate %v to %v, IsCA %v", ca.NotBefore, ca.NotAfter, ca.IsCA)
	}
	// Its key is the one its certificate names.
	issued, err := again.Issue(testca.IssueRequest{OrgNo: "991825827", PublicKey: pubPEM(t, &rsaKey().PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(issued.Certificate))
	leaf, _ := x509.ParseCertificate(block.Bytes)
	if err := leaf.CheckSignatureFrom(svcs[0].CA().Cert); err != nil {
		t.Fatal(err)
	}
}

// Issue: on the emulator's clock, for the organisation asked for; every
// bad request is a validation problem naming its field.
func TestIssue(t *testing.T) {
	pool := dbtest.New(t)
	clk := clock.NewFixed(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s, err := testca.New(context.Background(), pool, clk)
	if err != nil {
		t.Fatal(err)
	}
	good := pubPEM(t, &rsaKey().PublicKey)
	out, err := s.Issue(testca.IssueRequest{OrgNo: "313725138", PublicKey: good, ValidDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(out.Certificate))
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if org, ok := testca.OrgNo(leaf); !ok || org != "313725138" || leaf.Subject.CommonName != "TEST 313725138" {
		t.Fatalf("subject %s", leaf.Subject)
	}
	if !leaf.NotBefore.Equal(clk.Now().Add(-time.Minute)) || !leaf.NotAfter.Equal(clk.Now().AddDate(0, 0, 30)) || !out.NotAfter.Equal(leaf.NotAfter) {
		t.Fatalf("validity %v to %v", leaf.NotBefore, leaf.NotAfter)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: s.Roots(), CurrentTime: clk.Now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatal(err)
	}
	if out.CA != string(s.CA().CertPEM()) {
		t.Fatal("answer's CA is not the service's")
	}

	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	cases := []struct {
		name string
		in   testca.IssueRequest
		path string
	}{
		{"bad orgNo", testca.IssueRequest{OrgNo: "123456789", PublicKey: good}, "/orgNo"},
		{"no orgNo", testca.IssueRequest{PublicKey: good}, "/orgNo"},
		{"no key", testca.IssueRequest{OrgNo: "313725138"}, "/publicKey"},
		{"EC key", testca.IssueRequest{OrgNo: "313725138", PublicKey: pubPEM(t, &ec.PublicKey)}, "/publicKey"},
		{"1024-bit key", testca.IssueRequest{OrgNo: "313725138", PublicKey: pubPEM(t, &small.PublicKey)}, "/publicKey"},
		{"private key PEM", testca.IssueRequest{OrgNo: "313725138", PublicKey: string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)}))}, "/publicKey"},
		{"too long", testca.IssueRequest{OrgNo: "313725138", PublicKey: good, ValidDays: 3651}, "/validDays"},
		{"negative", testca.IssueRequest{OrgNo: "313725138", PublicKey: good, ValidDays: -1}, "/validDays"},
		{"long name", testca.IssueRequest{OrgNo: "313725138", PublicKey: good, Name: strings.Repeat("x", 201)}, "/name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Issue(c.in)
			var p *problem.Problem
			if !errors.As(err, &p) || p.Status != 400 || len(p.ValidationErrors) != 1 || p.ValidationErrors[0].Paths[0] != c.path {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// OrgNo reads SEID 2's organizationIdentifier and SEID 1's bare
// serialNumber, and nothing else.
func TestOrgNo(t *testing.T) {
	oidOrgID, oidSerial := asn1.ObjectIdentifier{2, 5, 4, 97}, asn1.ObjectIdentifier{2, 5, 4, 5}
	cert := func(names ...pkix.AttributeTypeAndValue) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{Names: names}}
	}
	cases := []struct {
		name string
		c    *x509.Certificate
		want string
	}{
		{"SEID 2", cert(pkix.AttributeTypeAndValue{Type: oidOrgID, Value: "NTRNO-991825827"}), "991825827"},
		{"SEID 1", cert(pkix.AttributeTypeAndValue{Type: oidSerial, Value: "991825827"}), "991825827"},
		{"both, SEID 2 wins", cert(pkix.AttributeTypeAndValue{Type: oidSerial, Value: "974761076"}, pkix.AttributeTypeAndValue{Type: oidOrgID, Value: "NTRNO-991825827"}), "991825827"},
		{"foreign identifier", cert(pkix.AttributeTypeAndValue{Type: oidOrgID, Value: "VATSE-556677889901"}), ""},
		{"person's serialNumber", cert(pkix.AttributeTypeAndValue{Type: oidSerial, Value: "UN:NO-9578-4050-100105758"}), ""},
		{"eight digits", cert(pkix.AttributeTypeAndValue{Type: oidOrgID, Value: "NTRNO-99182582"}), ""},
		{"nothing", cert(), ""},
	}
	for _, c := range cases {
		got, ok := testca.OrgNo(c.c)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s: %q %v, want %q", c.name, got, ok, c.want)
		}
	}
}

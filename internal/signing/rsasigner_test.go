package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// fastSigner is the OpenSSL signer of a new precomputed RSA key, or a
// skip when this build or machine has no OpenSSL (a CGO_ENABLED=0 build
// or no libcrypto.so.3: then Go signs and there is nothing to compare).
func fastSigner(t *testing.T, bits int) (*rsa.PrivateKey, crypto.Signer) {
	t.Helper()
	b, err := opensslBackend()
	if err != nil {
		t.Skipf("no OpenSSL signer here: %v", err)
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	k.Precompute()
	s, err := b.wrap(k)
	if err != nil {
		t.Fatal(err)
	}
	if s == crypto.Signer(k) {
		t.Fatal("the OpenSSL backend handed back Go's key")
	}
	return k, s
}

// TestOpenSSLSignsAsGoDoes: PKCS #1 v1.5 is deterministic, so OpenSSL's
// signature of a digest must be the very bytes Go's crypto/rsa makes.
func TestOpenSSLSignsAsGoDoes(t *testing.T) {
	for _, bits := range []int{2048, 3072} {
		k, s := fastSigner(t, bits)
		for i := range 50 {
			msg := make([]byte, i*37)
			_, _ = rand.Read(msg)
			d := sha256.Sum256(msg)
			want, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, d[:])
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Sign(rand.Reader, d[:], crypto.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("RSA-%d digest %d: OpenSSL's signature differs from Go's", bits, i)
			}
		}
		if pub, ok := s.Public().(*rsa.PublicKey); !ok || !pub.Equal(&k.PublicKey) {
			t.Fatalf("Public() is %T, not the key's *rsa.PublicKey", s.Public())
		}
	}
}

// TestOpenSSLSignerLeavesTheRestToGo: what the fast path does not cover
// (another hash, PSS, a digest of the wrong length) is Go's answer.
func TestOpenSSLSignerLeavesTheRestToGo(t *testing.T) {
	k, s := fastSigner(t, 2048)
	d384 := sha512.Sum384([]byte("x"))
	got, err := s.Sign(nil, d384[:], crypto.SHA384)
	want, _ := rsa.SignPKCS1v15(nil, k, crypto.SHA384, d384[:])
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("SHA-384: err %v, equal %v", err, bytes.Equal(got, want))
	}
	d := sha256.Sum256([]byte("x"))
	pss, err := s.Sign(rand.Reader, d[:], &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPSS(&k.PublicKey, crypto.SHA256, d[:], pss, nil); err != nil {
		t.Fatalf("PSS signature does not verify: %v", err)
	}
	if _, err := s.Sign(nil, d[:31], crypto.SHA256); err == nil {
		t.Fatal("a 31-byte SHA-256 digest was signed")
	}
}

// TestOpenSSLSignerConcurrent: one signer serves every request at once
// (go test -race covers it where the race detector runs).
func TestOpenSSLSignerConcurrent(t *testing.T) {
	k, s := fastSigner(t, 2048)
	const workers, each = 8, 25
	digests := make([][32]byte, workers*each)
	want := make([][]byte, len(digests))
	for i := range digests {
		digests[i] = sha256.Sum256([]byte(fmt.Sprint("token ", i)))
		want[i], _ = rsa.SignPKCS1v15(nil, k, crypto.SHA256, digests[i][:])
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(digests))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				i := w*each + j
				got, err := s.Sign(nil, digests[i][:], crypto.SHA256)
				if err != nil {
					errs <- err
				} else if !bytes.Equal(got, want[i]) {
					errs <- fmt.Errorf("signature %d differs from Go's", i)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestChooseRSABackend(t *testing.T) {
	_, sslErr := opensslBackend()
	auto := RSASignerOpenSSL
	if sslErr != nil {
		auto = RSASignerGo
	}
	cases := []struct {
		choice, want string
		fails        bool
	}{
		{"", auto, false},
		{RSASignerAuto, auto, false},
		{RSASignerGo, RSASignerGo, false},
		{RSASignerOpenSSL, RSASignerOpenSSL, sslErr != nil},
		{"boring", "", true},
	}
	for _, c := range cases {
		b, err := chooseRSABackend(c.choice)
		if (err != nil) != c.fails {
			t.Errorf("%q: err %v, want failure %v", c.choice, err, c.fails)
			continue
		}
		if err == nil && (b.name != c.want || b.detail == "" || b.wrap == nil) {
			t.Errorf("%q: backend %q (%q), want %q", c.choice, b.name, b.detail, c.want)
		}
	}
}

// TestTokensAreTheSameWithEitherSigner: two instances on one database,
// one forced onto Go's signer, sign the same claims with the same key
// into the same token, and each says at start which signer it uses.
func TestTokensAreTheSameWithEitherSigner(t *testing.T) {
	pool := dbtest.New(t)
	start := func(choice string) (*Service, string) {
		var logs bytes.Buffer
		set := DefaultSettings("http://mp.test", "RS256", 0)
		set.RSASigner = choice
		s, err := New(context.Background(), Deps{Pool: pool, Log: slog.New(slog.NewTextHandler(&logs, nil))}, set)
		if err != nil {
			t.Fatal(err)
		}
		return s, logs.String()
	}
	fast, fastLog := start(RSASignerAuto)
	slow, slowLog := start(RSASignerGo)
	if !strings.Contains(slowLog, "RSA token signer") || !strings.Contains(slowLog, "signer=go") {
		t.Fatalf("the Go instance's start log does not name its signer: %q", slowLog)
	}
	if !strings.Contains(fastLog, "signer="+fast.rsa.name) || strings.Count(fastLog, "RSA token signer") != 1 {
		t.Fatalf("the auto instance's start log does not name its signer once: %q", fastLog)
	}
	if _, ok := slow.signingKey(Maskinporten).signer.(*rsa.PrivateKey); !ok {
		t.Fatalf("the Go instance signs with %T", slow.signingKey(Maskinporten).signer)
	}
	iss := map[string]string{Maskinporten: fast.set.Issuer, Altinn: fast.set.AltinnIssuer, IDPorten: fast.set.IDPortenIssuer}
	for _, p := range purposes {
		claims := map[string]any{"iss": iss[p], "scope": "a:b", "iat": 1, "exp": 2}
		a, err := fast.Sign(p, claims)
		if err != nil {
			t.Fatal(err)
		}
		b, err := slow.Sign(p, claims)
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Fatalf("%s: the two signers made different tokens:\n%s\n%s", p, a, b)
		}
		if _, err := slow.VerifySignature(context.Background(), a); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
}

// TestNoLibcryptoFallsBackToGo runs this test binary again with a
// libcrypto name that does not exist (Init loads once per process):
// auto must then sign with Go, and openssl must refuse to start.
func TestNoLibcryptoFallsBackToGo(t *testing.T) {
	if os.Getenv("SIGNING_TEST_NO_LIBCRYPTO") == "1" {
		libcrypto = "libcrypto.so.no-such-version"
		b, err := chooseRSABackend(RSASignerAuto)
		_, sslErr := chooseRSABackend(RSASignerOpenSSL)
		fmt.Printf("auto=%s err=%v detail=%q openssl-refused=%v\n", b.name, err, b.detail, sslErr != nil)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoLibcryptoFallsBackToGo$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SIGNING_TEST_NO_LIBCRYPTO=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "auto=go err=<nil>") || !strings.Contains(string(out), "openssl-refused=true") {
		t.Fatalf("without libcrypto: %s", out)
	}
	t.Logf("%s", bytes.TrimSpace(out))
}

// TestKeyOpenSSLRefusesSignsWithGo: a key the backend cannot take (or
// whose self-test fails) signs with Go's crypto/rsa, with a warning.
func TestKeyOpenSSLRefusesSignsWithGo(t *testing.T) {
	var logs bytes.Buffer
	s := &Service{log: slog.New(slog.NewTextHandler(&logs, nil)), rsa: rsaBackend{name: RSASignerOpenSSL, wrap: func(*rsa.PrivateKey) (crypto.Signer, error) {
		return nil, fmt.Errorf("self-test: verification error")
	}}}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.rsaSigner(k); got != crypto.Signer(k) {
		t.Fatalf("signer %T, want Go's key", got)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "self-test") {
		t.Fatalf("no warning: %q", logs.String())
	}
}

// TestRSASigner: the benchmarks' signer is the chosen backend's, named as
// chooseRSABackend names it, and its signatures verify; an unknown choice
// is an error.
func TestRSASigner(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	k.Precompute()
	digest := sha256.Sum256([]byte("payload"))
	for _, choice := range []string{RSASignerAuto, RSASignerGo, "boring"} {
		want, wantErr := chooseRSABackend(choice)
		signer, name, err := RSASigner(choice, k)
		if wantErr != nil {
			if err == nil {
				t.Errorf("%q: no error, want %v", choice, wantErr)
			}
			continue
		}
		if err != nil || signer == nil || name != want.name {
			t.Fatalf("%q: signer %T named %q, %v; want one named %q", choice, signer, name, err, want.name)
		}
		sig, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil || rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, digest[:], sig) != nil {
			t.Fatalf("%q: the signature does not verify (%v)", choice, err)
		}
	}
}

// Package tokensbench measures Maskinporten token throughput: the full
// grant → token path (form decode, client lookup, assertion signature
// check, jti insert, access token signing, JSON answer) against the bare
// cost of one RSA signature plus one RSA verification measured in the
// same run. The ratio is the share of the crypto floor we reach; the goal
// is ≥ 0.7.
//
//	./bench/tokens/run.sh   (runs both benchmarks, prints tokens/s and the ratio)
package tokensbench

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// BenchmarkBareRSA is the floor: one RS256 signature (the access token)
// and one RS256 verification (the grant) per token, in parallel, with
// the signer the server uses (ALTINN_SIM_RSA_SIGNER, default auto:
// OpenSSL when it loads).
func BenchmarkBareRSA(b *testing.B) {
	benchBareRSA(b, os.Getenv("ALTINN_SIM_RSA_SIGNER"))
}

// BenchmarkBareRSAGo is the same floor with Go's crypto/rsa signing.
func BenchmarkBareRSAGo(b *testing.B) {
	benchBareRSA(b, signing.RSASignerGo)
}

func benchBareRSA(b *testing.B, choice string) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	key.Precompute()
	signer, name, err := signing.RSASigner(choice, key)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("RSA signer: %s", name)
	msg := []byte(strings.Repeat("x", 600))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h := sha256.Sum256(msg)
			sig, err := signer.Sign(nil, h[:], crypto.SHA256)
			if err != nil {
				b.Error(err)
				return
			}
			if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, h[:], sig); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkBareES256Bound is the floor of an ES256 token: one RS256
// verification (the client's grant) and one ES256 signature (the access
// token), in parallel.
func BenchmarkBareES256Bound(b *testing.B) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte(strings.Repeat("x", 600))
	h := sha256.Sum256(msg)
	grantSig, err := rsa.SignPKCS1v15(nil, rk, crypto.SHA256, h[:])
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h := sha256.Sum256(msg)
			if err := rsa.VerifyPKCS1v15(&rk.PublicKey, crypto.SHA256, h[:], grantSig); err != nil {
				b.Error(err)
				return
			}
			if _, err := ecdsa.SignASN1(rand.Reader, ek, h[:]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkGrantToToken runs POST /token through the whole app handler
// (middleware included, no network) with pre-signed grants, signing with
// the server's RSA signer (ALTINN_SIM_RSA_SIGNER, default auto).
func BenchmarkGrantToToken(b *testing.B) {
	benchGrantToToken(b, "RS256")
}

// BenchmarkGrantToTokenGoRSA is the same with Go's crypto/rsa signing
// (ALTINN_SIM_RSA_SIGNER=go), the baseline of the OpenSSL signer.
func BenchmarkGrantToTokenGoRSA(b *testing.B) {
	benchGrantToToken(b, "RS256/go")
}

// BenchmarkGrantToTokenES256 is the same with ALTINN_SIM_SIGNING_ALG=ES256.
func BenchmarkGrantToTokenES256(b *testing.B) {
	benchGrantToToken(b, "ES256")
}

type env struct {
	srv      *apptest.Server
	handler  http.Handler
	clientID string
	key      jwk.Key
	audience string
}

// setup starts an emulator for one benchmark run (its cleanup stops it
// when that run ends, so it is not shared between runs).
// alg is RS256 or ES256, optionally with the RSA signer after a slash
// ("RS256/go"); without one the signer is ALTINN_SIM_RSA_SIGNER's.
func setup(b *testing.B, alg string) *env {
	alg, signer, _ := strings.Cut(alg, "/")
	if signer == "" {
		signer = os.Getenv("ALTINN_SIM_RSA_SIGNER")
	}
	srv := apptest.Start(b, func(c *config.Config) { c.SigningAlg, c.RSASigner = alg, signer })
	key, err := mpgrant.NewClientKey()
	if err != nil {
		b.Fatal(err)
	}
	set, _ := mpgrant.PublicJWKS(key)
	c, err := srv.Clients.CreateClient(context.Background(), mpclient.NewClient{OrgNo: "991825827", Name: "bench", Scopes: []string{"bench:read"}, JWKS: mpclient.JWKS(set)})
	if err != nil {
		b.Fatal(err)
	}
	return &env{srv: srv, handler: srv.Handler(), clientID: c.ClientID, key: key, audience: srv.URL + "/"}
}

func benchGrantToToken(b *testing.B, alg string) {
	e := setup(b, alg)
	bodies := make([]string, b.N)
	for i := range bodies {
		g, err := mpgrant.Sign(e.key, mpgrant.Claims(mpgrant.Options{ClientID: e.clientID, Audience: e.audience, Scopes: []string{"bench:read"}, Lifetime: 120 * time.Second}))
		if err != nil {
			b.Fatal(err)
		}
		bodies[i] = url.Values{"grant_type": {mpgrant.GrantType}, "assertion": {g}}.Encode()
	}
	var next atomic.Int64
	// A token server has many clients in flight; the baseline is pure CPU
	// and saturates the cores with one goroutine each, the full path waits
	// on the database between its crypto, so it gets a few requests per
	// core in flight, as a loaded server would.
	b.SetParallelism(parallelism())
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := bodies[next.Add(1)-1]
			req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("token: %d %s", rec.Code, rec.Body)
				return
			}
		}
	})
}

// parallelism is requests in flight per core (ALTINN_SIM_BENCH_PARALLELISM,
// default 4; more does not help once the cores are busy).
func parallelism() int {
	if n, err := strconv.Atoi(os.Getenv("ALTINN_SIM_BENCH_PARALLELISM")); err == nil && n > 0 {
		return n
	}
	return 4
}

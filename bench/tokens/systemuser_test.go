package tokensbench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// BenchmarkSystemUserVsPlain alternates, on one server, blocks of plain
// grants and of system-user grants (authorization_details naming a
// customer of the client's system) through the app handler, one request
// at a time (ABBA order), and reports the median rate of each and their ratio
// (goal ≥ 0.95). One at a time and interleaved, so other work on the
// machine hits both alike.
func BenchmarkSystemUserVsPlain(b *testing.B) {
	alg := os.Getenv("SIGNING_ALG")
	if alg == "" {
		alg = "RS256"
	}
	e := setup(b, alg)
	srv := e.srv
	ctx := context.Background()
	const customer = "313725138"
	sysReq := registry.NewRegisterRequest()
	sysReq.ID = "991825827_bench_tokens"
	sysReq.Vendor = registry.VendorFor("991825827")
	sysReq.Name = map[string]string{"nb": "Bench", "nn": "Bench", "en": "Bench"}
	sysReq.Description = sysReq.Name
	sysReq.Rights = []registry.Right{{Resource: []registry.AttributePair{{ID: "urn:altinn:resource", Value: "ske-krav-og-betalinger"}}}}
	sysReq.ClientID = []string{e.clientID}
	if _, err := srv.Registry.Create(ctx, registry.Actor{OrgNo: "991825827", Admin: true}, sysReq); err != nil {
		b.Fatal(err)
	}
	sys, err := srv.SystemUsers.Systems().System(ctx, sysReq.ID)
	if err != nil {
		b.Fatal(err)
	}
	org, err := srv.Parties.Org(ctx, customer)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.InTx(ctx, srv.Pool, func(q db.Querier) error {
		_, err := srv.SystemUsers.CreateTx(ctx, q, systemusers.New{ID: uuid.New(), System: sys, Owner: org, ReporteeOrgNo: customer})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	block := 25
	rounds := max(3, b.N/(2*block))
	grants := func(systemUser bool) []string {
		out := make([]string, block)
		for i := range out {
			o := mpgrant.Options{ClientID: e.clientID, Audience: e.audience, Scopes: []string{"bench:read"}, Lifetime: 120 * time.Second}
			if systemUser {
				o.SystemUserOrg = customer
			}
			g, err := mpgrant.Sign(e.key, mpgrant.Claims(o))
			if err != nil {
				b.Fatal(err)
			}
			out[i] = url.Values{"grant_type": {mpgrant.GrantType}, "assertion": {g}}.Encode()
		}
		return out
	}
	// Wall time per block and, less disturbed by other work on the
	// machine, this process's CPU time (PostgreSQL's is not in it).
	var cpuPlain, cpuSU time.Duration
	run := func(bodies []string, cpu *time.Duration) float64 {
		runtime.GC() // the grants just signed leave garbage; neither block pays for it
		start, c0 := time.Now(), processCPU()
		for _, body := range bodies {
			req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("token: %d %s", rec.Code, rec.Body)
			}
		}
		*cpu += processCPU() - c0
		return float64(len(bodies)) / time.Since(start).Seconds()
	}
	var warm time.Duration
	run(grants(true), &warm) // warm the caches
	var plain, su []float64
	b.ResetTimer()
	for r := range rounds {
		p, s := grants(false), grants(true)
		b.StartTimer()
		if r%2 == 0 { // ABBA: neither kind always goes first
			plain = append(plain, run(p, &cpuPlain))
			su = append(su, run(s, &cpuSU))
		} else {
			su = append(su, run(s, &cpuSU))
			plain = append(plain, run(p, &cpuPlain))
		}
		b.StopTimer()
	}
	b.ReportMetric(float64(cpuPlain)/float64(cpuSU), "cpu-plain/systemuser")
	mp, ms := median(plain), median(su)
	b.ReportMetric(mp, "plain-tokens/s")
	b.ReportMetric(ms, "systemuser-tokens/s")
	b.ReportMetric(ms/mp, "systemuser/plain")
	b.ReportMetric(0, "ns/op")
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// processCPU is the CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

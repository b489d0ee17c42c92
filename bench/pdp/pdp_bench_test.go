// Package pdpbench measures the PDP: decisions per second over HTTP with
// 32 keep-alive connections from loopback, against the in-process
// evaluator measured in the same run (ns/decision), on a full altinn-sim
// (apptest) with a fresh database.
//
//	go test ./bench/pdp -run '^$' -bench . -benchtime 5s
//
// or bench/pdp/run.sh. The numbers are reported, never asserted.
package pdpbench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/pdp"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const conns = 32

type fixture struct {
	s      *apptest.Server
	bodies [][]byte // a mix: standard Permit, agent Permit, NotApplicable
	token  string
	std    uuid.UUID
	agent  uuid.UUID
}

func setup(b *testing.B) *fixture {
	b.Helper()
	s := apptest.Start(b)
	ctx := context.Background()
	users := s.SystemUsers
	mk := func(owner, typ string, pkgs ...string) uuid.UUID {
		org, err := s.Parties.Org(ctx, owner)
		if err != nil {
			b.Fatal(err)
		}
		var refs []systemusers.AccessPackageRef
		for _, p := range pkgs {
			refs = append(refs, systemusers.AccessPackageRef{URN: p})
		}
		var su systemusers.SystemUser
		err = db.InTx(ctx, s.Pool, func(q db.Querier) error {
			su, err = users.CreateTx(ctx, q, systemusers.New{
				ID: uuid.New(), System: systemusers.System{ID: "991825827_bench", InternalID: uuid.New(), Vendor: "991825827"},
				Owner: org, ReporteeOrgNo: owner, UserType: typ, AccessPackages: refs,
			})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		return su.ID
	}
	std := mk("313725138", systemusers.TypeStandard, "urn:altinn:accesspackage:ansettelsesforhold")
	agent := mk("312605031", systemusers.TypeAgent, "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet")
	if err := users.AddClient(ctx, agent, "310385980", "312605031"); err != nil {
		b.Fatal(err)
	}
	body := func(su uuid.UUID, action, resource, orgNo string) []byte {
		return fmt.Appendf(nil, `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":%q}]}],`+
			`"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":%q}]}],`+
			`"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":%q},{"AttributeId":"urn:altinn:organization:identifier-no","Value":%q}]}]}}`,
			su, action, resource, orgNo)
	}
	f := &fixture{s: s, std: std, agent: agent, bodies: [][]byte{
		body(std, "read", "ttd-accesspackage-resource", "313725138"),
		body(agent, "sign", "ske-mva-melding", "310385980"),
		body(agent, "sign", "ske-mva-melding", "314168267"),
	}}
	// Check the mix decides as expected, which also warms the caches.
	want := []string{pdp.Permit, pdp.Permit, pdp.NotApplicable}
	deadline := time.Now().Add(10 * time.Second)
	for !s.PDP.Listening() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for i, bd := range f.bodies {
		r := s.PDP.DecideBody(ctx, bd, pdp.Internal, false)
		if r.Response[0].Decision != want[i] {
			b.Fatalf("body %d: %s, want %s", i, r.Response[0].Decision, want[i])
		}
	}
	f.token = s.TestToken(b, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{pdp.ScopeAuthorize}})
	return f
}

// inProcess measures the evaluator in process, over the same mix of
// bodies, on every core: JSON parse + decide, no HTTP. It returns
// decisions per second and single-goroutine ns/decision.
func inProcess(f *fixture, d time.Duration) (perSec float64, nsPerDecision float64) {
	ctx := context.Background()
	// Single goroutine: ns/decision.
	n := 0
	start := time.Now()
	for time.Since(start) < d/2 {
		for range 100 {
			f.s.PDP.DecideBody(ctx, f.bodies[n%len(f.bodies)], pdp.Internal, false)
			n++
		}
	}
	nsPerDecision = float64(time.Since(start).Nanoseconds()) / float64(n)
	// All cores: decisions/s.
	var total atomic.Int64
	var wg sync.WaitGroup
	start = time.Now()
	for w := range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			i := w
			for time.Since(start) < d/2 {
				for range 100 {
					f.s.PDP.DecideBody(ctx, f.bodies[i%len(f.bodies)], pdp.Internal, false)
					i++
				}
				total.Add(100)
			}
		}()
	}
	wg.Wait()
	return float64(total.Load()) / time.Since(start).Seconds(), nsPerDecision
}

// overHTTP drives b.N decisions through 32 keep-alive connections.
func overHTTP(b *testing.B, f *fixture, path, token string) {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := f.s.URL + path
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				rq, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(f.bodies[(int(i)+w)%len(f.bodies)]))
				rq.Header.Set("Content-Type", "application/json")
				if token != "" {
					rq.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := client.Do(rq)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed", n, b.N)
	}
	httpRate := float64(b.N) / elapsed.Seconds()
	inRate, ns := inProcess(f, 2*time.Second)
	b.ReportMetric(httpRate, "decisions/s")
	b.ReportMetric(ns, "inproc-ns/decision")
	b.ReportMetric(inRate, "inproc-decisions/s")
	b.ReportMetric(httpRate/inRate, "http/inproc")
}

// BenchmarkDecisionHTTP32 is POST /authorization/api/v1/decision.
func BenchmarkDecisionHTTP32(b *testing.B) {
	f := setup(b)
	overHTTP(b, f, "/authorization/api/v1/decision", "")
}

// BenchmarkAuthorizeHTTP32 is POST /authorization/api/v1/authorize with a
// bearer token (token verification included).
func BenchmarkAuthorizeHTTP32(b *testing.B) {
	f := setup(b)
	overHTTP(b, f, "/authorization/api/v1/authorize", f.token)
}

// BenchmarkEvaluator is the in-process evaluator alone: parsed requests
// (the same mix), warm caches, ns/decision.
func BenchmarkEvaluator(b *testing.B) {
	f := setup(b)
	ctx := context.Background()
	reqs := []pdp.Request{
		{Subject: pdp.Subject{SystemUserID: f.std}, Action: "read", ResourceID: "ttd-accesspackage-resource", Party: pdp.PartyRef{OrgNo: "313725138"}},
		{Subject: pdp.Subject{SystemUserID: f.agent}, Action: "sign", ResourceID: "ske-mva-melding", Party: pdp.PartyRef{OrgNo: "310385980"}},
		{Subject: pdp.Subject{SystemUserID: f.agent}, Action: "sign", ResourceID: "ske-mva-melding", Party: pdp.PartyRef{OrgNo: "314168267"}},
	}
	want := []string{pdp.Permit, pdp.Permit, pdp.NotApplicable}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if d := f.s.PDP.Decide(ctx, reqs[i%3]).Decision; d != want[i%3] {
			b.Fatalf("request %d: %s", i%3, d)
		}
	}
}

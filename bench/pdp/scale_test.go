package pdpbench

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/pdp"
)

// BenchmarkAuthorizeScale is the PDP at scale: PDP_SCALE_USERS (default
// 100,000) standard system users, each of its own organisation, in the
// database; /authorize over HTTP (32 connections) for a system user drawn
// at random from the first 100, the first 10,000 and all of them, in
// interleaved rounds of PDP_SCALE_PHASE (default 3s) each. It reports the
// median decisions/s of each working set, their ratio (flat is 1.0) and
// the process's RSS at the end. The server runs in this process, so its
// RSS includes the load generator and the request bodies; bench/pdp/scale.sh
// runs the server as its own process and reads its RSS. Run it alone: go test ./bench/pdp -run "^$" -bench AuthorizeScale -benchtime 1x.
func BenchmarkAuthorizeScale(b *testing.B) {
	n := envInt("PDP_SCALE_USERS", 100_000)
	phase := 3 * time.Second
	if d, err := time.ParseDuration(os.Getenv("PDP_SCALE_PHASE")); err == nil {
		phase = d
	}
	f := setup(b)
	ctx := context.Background()
	ids, err := MakeUsers(ctx, f.s.Pool, n)
	if err != nil {
		b.Fatal(err)
	}
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = AuthorizeBody(ids[i])
	}
	if r := f.s.PDP.DecideBody(ctx, bodies[n-1], pdp.Internal, false); r.Response[0].Decision != pdp.Permit {
		b.Fatalf("the last system user: %s, want Permit", r.Response[0].Decision)
	}
	// Steady state: every system user decided once, in process, so the
	// caches hold what they can before anything is measured (the PDP does
	// not load them at start; a cold start at this size reads the
	// database for each first decision).
	var wg sync.WaitGroup
	var nextBody atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := nextBody.Add(1) - 1; i < int64(n); i = nextBody.Add(1) - 1 {
				f.s.PDP.DecideBody(ctx, bodies[i], pdp.Internal, false)
			}
		}()
	}
	wg.Wait()
	bodyBytes := 0
	for _, bd := range bodies {
		bodyBytes += len(bd)
	}
	sizes := []int{100, 10_000, n}
	if n <= 10_000 {
		sizes = []int{min(100, n), n}
	}
	rates := make([][]float64, len(sizes))
	load0 := loadAvg()
	b.ResetTimer()
	// Round 0 warms up (fills the caches, opens the connections) and is
	// not counted.
	for round := range max(4, b.N+1) {
		for k, size := range sizes {
			if r := authorizeLoad(b, f, bodies[:size], phase); round > 0 {
				rates[k] = append(rates[k], r)
			}
		}
	}
	b.StopTimer()
	for k, size := range sizes {
		b.ReportMetric(median(rates[k]), "decisions/s@"+strconv.Itoa(size))
	}
	b.ReportMetric(median(rates[len(sizes)-1])/median(rates[0]), "ratio-largest/100")
	// The process is the server and its load generator: RSS includes the
	// request bodies (bodies-MiB) and the HTTP clients.
	b.ReportMetric(rssMiB(), "RSS-MiB")
	b.ReportMetric(float64(bodyBytes)/(1<<20), "bodies-MiB")
	stats := f.s.PDP.Stats()
	b.Logf("load average before %s, after %s; caches: %d system users, %d hits, %d misses", load0, loadAvg(), stats.SystemUsers, stats.Hits, stats.Misses)
	b.ReportMetric(0, "ns/op")
}

// authorizeLoad drives /authorize for d with 32 connections, each request
// for a body picked at random, and returns decisions per second.
func authorizeLoad(b *testing.B, f *fixture, bodies [][]byte, d time.Duration) float64 {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := f.s.URL + "/authorization/api/v1/authorize"
	var done, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for time.Since(start) < d {
				rq, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[rnd.IntN(len(bodies))]))
				rq.Header.Set("Content-Type", "application/json")
				rq.Header.Set("Authorization", "Bearer "+f.token)
				resp, err := client.Do(rq)
				if err != nil {
					failed.Add(1)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"Permit"`)) {
					failed.Add(1)
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed or were not Permit", n)
	}
	return float64(done.Load()) / time.Since(start).Seconds()
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	if n := len(v); n%2 == 1 {
		return v[n/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.Join(strings.Fields(string(b))[:min(3, len(strings.Fields(string(b))))], " ")
}

func rssMiB() float64 {
	runtime.GC()
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}

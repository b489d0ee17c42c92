// Command scale drives a running altinn-sim's PDP from a second process:
// it puts --users standard system users (each of its own organisation)
// in the server's database, decides each once (the caches' steady state),
// then runs POST /authorization/api/v1/authorize in interleaved rounds
// with --conns connections over working sets of 100, 10,000 and all
// system users, and reads the server's VmRSS and VmHWM from
// /proc/<pid>/status at the end: the server's own memory, without the
// load generator or the request bodies. With --opa-url it also puts the
// same users and bench/pdp/pdp.rego into a running OPA and drives
// /v1/data/altinn/pdp/decision with the same bodies (wrapped in
// {"input": …}) over all of them in the same rounds. It prints each round,
// the medians of decisions/s and p99, their ratios, the load average, and
// the rows for the README. Figures are reported, never asserted; any
// answer that is not 200 with "Permit" fails the run.
//
//	bench/pdp/scale.sh   # builds and starts the server, then this
//	bench/pdp/opa.sh     # the same with OPA v1.22.2 as the peer
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	pdpbench "github.com/altinn-sim/altinn-sim/bench/pdp"
	"github.com/altinn-sim/altinn-sim/internal/db"
)

type options struct {
	url, dbURL, opaURL string
	pid, opaPID        int
	users, rounds      int
	conns              int
	phase              time.Duration
	wrk, wrkScript     string
	work               string // a folder for wrk's body files
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "http://127.0.0.1:18093", "altinn-sim base URL")
	flag.StringVar(&o.dbURL, "database-url", "", "the server's database (the system users are written there)")
	flag.IntVar(&o.pid, "pid", 0, "the server's process id, for its VmRSS and VmHWM")
	flag.StringVar(&o.opaURL, "opa-url", "", "a running OPA to measure as the peer (empty: none)")
	flag.IntVar(&o.opaPID, "opa-pid", 0, "OPA's process id, for its VmRSS and VmHWM")
	flag.IntVar(&o.users, "users", 100_000, "system users")
	flag.IntVar(&o.rounds, "rounds", 3, "measured rounds (after one warm-up round)")
	flag.IntVar(&o.conns, "conns", 32, "connections")
	flag.DurationVar(&o.phase, "phase", 3*time.Second, "how long each contender runs in a round")
	flag.StringVar(&o.wrk, "wrk", "", "wrk's path: drive the rounds with wrk (2 threads) instead of Go's HTTP client")
	flag.StringVar(&o.wrkScript, "wrk-script", "bench/pdp/authorize.lua", "wrk's Lua script")
	flag.Parse()
	if o.dbURL == "" || o.users < 1 || o.users > 1_000_000 || o.rounds < 1 || o.rounds > 20 ||
		o.conns < 1 || o.conns > 256 || o.phase <= 0 || o.phase > time.Minute {
		fmt.Fprintln(os.Stderr, "scale: --database-url is required; --users in [1, 1e6], --rounds in [1, 20], --conns in [1, 256], --phase in (0, 1m]")
		os.Exit(2)
	}
	if o.wrk != "" {
		dir, err := os.MkdirTemp("", "pdpscale")
		if err != nil {
			fmt.Fprintln(os.Stderr, "scale:", err)
			os.Exit(1)
		}
		defer os.RemoveAll(dir)
		o.work = dir
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.RemoveAll(o.work)
		os.Exit(1)
	}
}

// contender is one measured target: a server and a working set.
type contender struct {
	name   string
	url    string
	token  string   // bearer token, or none
	bodies [][]byte // the working set
	rates  []float64
	p99s   []float64 // ms
	file   string    // the bodies for wrk, one a line
}

func run(ctx context.Context, o options) error {
	pool, err := db.Open(ctx, o.dbURL)
	if err != nil {
		return err
	}
	t0 := time.Now()
	users, err := pdpbench.MakeUsers(ctx, pool, o.users)
	pool.Close()
	if err != nil {
		return err
	}
	fmt.Printf("%d system users written in %v\n", o.users, time.Since(t0).Round(time.Millisecond))
	hc := &http.Client{Timeout: 30 * time.Second}
	token, err := testToken(hc, o.url)
	if err != nil {
		return err
	}
	bodies := make([][]byte, len(users))
	for i, u := range users {
		bodies[i] = pdpbench.AuthorizeBody(u)
	}
	// Someone else's organisation: NotApplicable at both, to show they
	// decide alike and do not just answer Permit.
	foreign := pdpbench.AuthorizeBody(pdpbench.User{ID: users[0].ID, Org: users[len(users)-1].Org})
	if len(users) == 1 {
		foreign = pdpbench.AuthorizeBody(pdpbench.User{ID: users[0].ID, Org: "313725138"})
	}
	sim := o.url + "/authorization/api/v1/authorize"
	if err := check(hc, sim, token, bodies[len(bodies)-1], foreign); err != nil {
		return fmt.Errorf("altinn-sim: %w", err)
	}

	var sims []*contender // working sets 100, 10,000 and all, the smaller ones only if smaller
	for _, n := range slices.Compact([]int{min(100, o.users), min(10_000, o.users), o.users}) {
		sims = append(sims, &contender{name: "altinn-sim@" + strconv.Itoa(n), url: sim, token: token, bodies: bodies[:n]})
	}
	contenders := slices.Clone(sims)
	var opa *contender
	if o.opaURL != "" {
		wrapped := make([][]byte, len(bodies))
		for i, b := range bodies {
			wrapped[i] = wrap(b)
		}
		if err := loadOPA(hc, o.opaURL, users); err != nil {
			return fmt.Errorf("opa: %w", err)
		}
		dec := o.opaURL + "/v1/data/altinn/pdp/decision"
		if err := check(hc, dec, "", wrapped[len(wrapped)-1], wrap(foreign)); err != nil {
			return fmt.Errorf("opa: %w", err)
		}
		opa = &contender{name: "opa@" + strconv.Itoa(o.users), url: dec, bodies: wrapped}
		contenders = append(contenders, opa)
	}

	// Steady state: every system user decided once by each server.
	t0 = time.Now()
	for _, c := range contenders {
		if len(c.bodies) == o.users {
			if err := decideAll(c, o.conns); err != nil {
				return fmt.Errorf("%s: warm: %w", c.name, err)
			}
		}
	}
	fmt.Printf("every system user decided once (each server) in %v\n", time.Since(t0).Round(time.Millisecond))

	load0 := loadAvg()
	var loads []string
	for r := 0; r <= o.rounds; r++ {
		line := fmt.Sprintf("round %d:", r)
		if r == 0 {
			line = "warm-up:"
		}
		// Rotated order, so no contender always runs first or last.
		for j := range contenders {
			c := contenders[(j+r)%len(contenders)]
			rate, p99, err := measure(c, o)
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", r, c.name, err)
			}
			if r > 0 {
				c.rates = append(c.rates, rate)
				c.p99s = append(c.p99s, p99)
			}
			line += fmt.Sprintf(" %s %.0f/s p99 %.1f ms;", c.name, rate, p99)
		}
		l := loadAvg()
		loads = append(loads, strings.Fields(l)[0])
		fmt.Println(line, "load", strings.Fields(l)[0])
	}
	load1 := loadAvg()
	rss, hwm := procMem(o.pid)

	gen := "a Go client"
	if o.wrk != "" {
		gen = "wrk"
	}
	fmt.Printf("\nmedians of %d rounds of %v, %d connections from %s:\n", o.rounds, o.phase, o.conns, gen)
	for _, c := range contenders {
		fmt.Printf("  %-20s %8.0f decisions/s  p99 %6.1f ms   (rounds: %s)\n", c.name, median(c.rates), median(c.p99s), join(c.rates))
	}
	small, all := sims[0], sims[len(sims)-1]
	var between string
	for _, c := range sims[1 : len(sims)-1] {
		between += fmt.Sprintf(", %.0f/s over %d", median(c.rates), len(c.bodies))
	}
	flat := median(all.rates) / median(small.rates)
	fmt.Printf("altinn-sim server: VmRSS %.0f MiB, VmHWM %.0f MiB after the rounds (pid %d)\n", rss, hwm, o.pid)
	fmt.Printf("ratio %s ÷ %s: %.2f (per round: %s)\n", all.name, small.name, flat, perRound(all.rates, small.rates))
	fmt.Printf("load average before %s; after %s; per round %s\n", load0, load1, strings.Join(loads, " "))
	fmt.Printf("\n| PDP `/authorize` at %d system users, server in its own process, %d connections from %s (`bench/pdp/scale.sh`, %d interleaved rounds of %v, load %s) | %.0f decisions/s over all %d; server VmRSS %.0f MiB, VmHWM %.0f MiB | %.0f/s over 100%s | %.2f (goal ≥ 0.9); RSS goal < 100 MiB |\n",
		o.users, o.conns, gen, o.rounds, o.phase, loadRange(loads), median(all.rates), o.users, rss, hwm, median(small.rates), between, flat)
	if opa != nil {
		orss, ohwm := procMem(o.opaPID)
		fmt.Printf("OPA: VmRSS %.0f MiB, VmHWM %.0f MiB after the rounds (pid %d)\n", orss, ohwm, o.opaPID)
		ratio := median(all.rates) / median(opa.rates)
		p99r := median(all.p99s) / median(opa.p99s)
		fmt.Printf("ratio altinn-sim ÷ OPA over all %d: %.2f (per round: %s); p99 %.1f ms ÷ %.1f ms = %.2f\n", o.users, ratio, perRound(all.rates, opa.rates), median(all.p99s), median(opa.p99s), p99r)
		fmt.Printf("| PDP `/authorize` against OPA v1.22.2 (`bench/pdp/opa.sh`: `bench/pdp/pdp.rego`, the same %d system users as data, the same XACML bodies as input, the same %s, %d interleaved rounds of %v, load %s) | %.0f decisions/s, p99 %.1f ms (with bearer-token checks) | OPA: %.0f decisions/s, p99 %.1f ms (no token); VmRSS %.0f MiB | %.2f× (goal ≥ 4×); p99 %.2f of OPA's (goal ≤ 0.5) |\n",
			o.users, gen, o.rounds, o.phase, loadRange(loads), median(all.rates), median(all.p99s), median(opa.rates), median(opa.p99s), orss, ratio, p99r)
	}
	return nil
}

// testToken is a Maskinporten token with the PDP's scope, from the
// control API, as the in-process benches use.
func testToken(hc *http.Client, base string) (string, error) {
	b, _ := json.Marshal(map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"altinn:authorization/authorize"}})
	res, err := hc.Post(base+"/sim/api/v1/tokens", "application/json", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != 200 || tok.AccessToken == "" {
		return "", fmt.Errorf("test token: status %d, %v", res.StatusCode, err)
	}
	return tok.AccessToken, nil
}

func wrap(b []byte) []byte {
	return slices.Concat([]byte(`{"input":`), b, []byte(`}`))
}

// loadOPA puts the policy and the users' data into OPA.
func loadOPA(hc *http.Client, base string, users []pdpbench.User) error {
	data, err := pdpbench.OPAData(users)
	if err != nil {
		return err
	}
	if err := put(hc, base+"/v1/policies/altinn-pdp", "text/plain", []byte(pdpbench.Rego)); err != nil {
		return err
	}
	return put(hc, base+"/v1/data/altinn", "application/json", data)
}

func put(hc *http.Client, u, ct string, body []byte) error {
	rq, _ := http.NewRequest(http.MethodPut, u, bytes.NewReader(body))
	rq.Header.Set("Content-Type", ct)
	res, err := hc.Do(rq)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("PUT %s: %d %s", u, res.StatusCode, b)
	}
	return nil
}

// check asks once for a Permit and once for a NotApplicable.
func check(hc *http.Client, u, token string, permit, notApplicable []byte) error {
	for _, c := range []struct {
		body []byte
		want string
	}{{permit, `"Permit"`}, {notApplicable, `"NotApplicable"`}} {
		got, err := post(hc, u, token, c.body)
		if err != nil {
			return err
		}
		if !bytes.Contains(got, []byte(c.want)) {
			return fmt.Errorf("want %s, got %s", c.want, got)
		}
	}
	return nil
}

func post(hc *http.Client, u, token string, body []byte) ([]byte, error) {
	rq, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	rq.Header.Set("Content-Type", "application/json")
	if token != "" {
		rq.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := hc.Do(rq)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("POST %s: %d %s", u, res.StatusCode, b)
	}
	return b, nil
}

func client(conns int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute}}
}

// decideAll asks once for each body of c, from conns goroutines.
func decideAll(c *contender, conns int) error {
	hc := client(conns)
	defer hc.CloseIdleConnections()
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(c.bodies); i += conns {
				if err := one(hc, c, c.bodies[i]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func one(hc *http.Client, c *contender, body []byte) error {
	got, err := post(hc, c.url, c.token, body)
	if err != nil {
		return err
	}
	if !bytes.Contains(got, []byte(`"Permit"`)) {
		return fmt.Errorf("not Permit: %s", got)
	}
	return nil
}

// measure runs c for o.phase with o.conns connections, from wrk or from
// this process; it returns decisions/s and p99 in ms.
func measure(c *contender, o options) (float64, float64, error) {
	if o.wrk == "" {
		return drive(c, o.conns, o.phase)
	}
	if c.file == "" {
		c.file = filepath.Join(o.work, strings.ReplaceAll(c.name, "@", "-")+".txt")
		if err := os.WriteFile(c.file, slices.Concat(bytes.Join(c.bodies, []byte("\n")), []byte("\n")), 0o600); err != nil {
			return 0, 0, err
		}
	}
	out, err := exec.Command(o.wrk, "-t", "2", "-c", strconv.Itoa(o.conns), "-d", o.phase.String(), "--latency",
		"-s", o.wrkScript, c.url, "--", c.file, c.token).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrk: %w: %s", err, out)
	}
	return parseWrk(string(out))
}

// parseWrk reads Requests/sec and the 99% latency from wrk's report; any
// non-2xx answer or socket error fails the phase (every body was seen to
// be a Permit before the rounds).
func parseWrk(out string) (float64, float64, error) {
	var rate, p99 float64
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			rate, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 2 && f[0] == "99%":
			d, err := time.ParseDuration(f[1])
			if err != nil {
				return 0, 0, fmt.Errorf("wrk's p99 %q: %w", f[1], err)
			}
			p99 = float64(d.Microseconds()) / 1000
		case strings.HasPrefix(strings.TrimSpace(l), "Non-2xx"), strings.HasPrefix(strings.TrimSpace(l), "Socket errors"):
			return 0, 0, fmt.Errorf("wrk: %s", strings.TrimSpace(l))
		}
	}
	if rate == 0 {
		return 0, 0, fmt.Errorf("wrk printed no rate: %s", out)
	}
	return rate, p99, nil
}

// drive runs c for d from conns connections, each request for a body of
// the working set drawn at random; it returns decisions/s and p99 in ms.
func drive(c *contender, conns int, d time.Duration) (float64, float64, error) {
	hc := client(conns)
	defer hc.CloseIdleConnections()
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			local := make([]time.Duration, 0, 4096)
			var err error
			for time.Since(start) < d {
				t := time.Now()
				if err = one(hc, c, c.bodies[rnd.IntN(len(c.bodies))]); err != nil {
					break
				}
				local = append(local, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, local...)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return 0, 0, firstErr
	}
	slices.Sort(lat)
	p99 := lat[min(len(lat)-1, len(lat)*99/100)]
	return float64(len(lat)) / elapsed.Seconds(), float64(p99.Microseconds()) / 1000, nil
}

// procMem is VmRSS and VmHWM of pid in MiB (0 when unknown).
func procMem(pid int) (rss, hwm float64) {
	if pid <= 0 {
		return 0, 0
	}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		switch k {
		case "VmRSS":
			rss = float64(kb) / 1024
		case "VmHWM":
			hwm = float64(kb) / 1024
		}
	}
	return rss, hwm
}

func median(v []float64) float64 {
	v = slices.Sorted(slices.Values(v))
	if len(v) == 0 {
		return 0
	}
	if n := len(v); n%2 == 1 {
		return v[n/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func join(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(s, " ")
}

func perRound(a, b []float64) string {
	s := make([]string, min(len(a), len(b)))
	for i := range s {
		s[i] = fmt.Sprintf("%.2f", a[i]/b[i])
	}
	return strings.Join(s, " ")
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

func loadRange(loads []string) string {
	v := make([]float64, 0, len(loads))
	for _, l := range loads {
		if x, err := strconv.ParseFloat(l, 64); err == nil {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return "?"
	}
	lo, hi := slices.Min(v), slices.Max(v)
	if fmt.Sprintf("%.0f", lo) == fmt.Sprintf("%.0f", hi) {
		return fmt.Sprintf("%.0f", lo)
	}
	return fmt.Sprintf("%.0f–%.0f", lo, hi)
}

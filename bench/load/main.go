// Command load drives a running altinn-sim from a second process on
// loopback: POST /token with fresh JWT-bearer grants, then the PDP's
// /authorization/api/v1/decision, each for a bounded time with a bounded
// number of connections. It reports throughput, p50/p99 latency, errors
// and 5xx answers (any 5xx fails the run), and ratios against baselines
// measured in this same run: bare RSA-2048 sign + verify for /token, and
// the PDP's in-process evaluator for decisions.
//
//	bench/load/run.sh            # builds and starts the server, then this
//	go run ./bench/load --url http://127.0.0.1:8080 --database-url postgres://...
package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/pdp"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "altinn-sim base URL")
	dbURL := flag.String("database-url", "", "the server's database (for fixtures and the in-process baseline)")
	dur := flag.Duration("duration", 5*time.Second, "how long each phase runs")
	conns := flag.Int("conns", 32, "concurrent connections")
	grants := flag.Int("grants", 0, "only make this many signed /token bodies for one new client and write them, one a line, to --grants-out (for wrk)")
	grantsOut := flag.String("grants-out", "", "file for --grants")
	flag.Parse()
	if *grants > 0 {
		if err := writeGrants(*base, *grants, *grantsOut); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		return
	}
	if *dbURL == "" {
		fmt.Fprintln(os.Stderr, "load: --database-url is required")
		os.Exit(2)
	}
	if *dur <= 0 || *dur > 5*time.Minute || *conns < 1 || *conns > 256 {
		fmt.Fprintln(os.Stderr, "load: --duration must be in (0, 5m] and --conns in [1, 256]")
		os.Exit(2)
	}
	ok, err := run(context.Background(), *base, *dbURL, *dur, *conns)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

// phase is one measured run of requests.
type phase struct {
	name      string
	n, errs   int64
	status5xx int64
	lat       []time.Duration
	elapsed   time.Duration
}

func (p *phase) rate() float64 { return float64(p.n) / p.elapsed.Seconds() }

func (p *phase) pct(q float64) time.Duration {
	if len(p.lat) == 0 {
		return 0
	}
	slices.Sort(p.lat)
	return p.lat[min(len(p.lat)-1, int(q*float64(len(p.lat))))]
}

func (p *phase) print() {
	fmt.Printf("%-9s %8.0f req/s  p50 %-10v p99 %-10v requests %d  errors %d  5xx %d\n",
		p.name, p.rate(), p.pct(0.50).Round(time.Microsecond), p.pct(0.99).Round(time.Microsecond), p.n, p.errs, p.status5xx)
}

// drive runs fn from conns goroutines for d and collects the results; fn
// returns the HTTP status (0 for a transport error) and whether the
// answer was the expected one.
func drive(name string, conns int, d time.Duration, fn func(i int) (int, bool)) *phase {
	p := &phase{name: name}
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	start := time.Now()
	var n, errs, s5 atomic.Int64
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for i := w; time.Now().Before(stop); i += conns {
				t0 := time.Now()
				st, good := fn(i)
				local = append(local, time.Since(t0))
				n.Add(1)
				if !good {
					errs.Add(1)
				}
				if st >= 500 {
					s5.Add(1)
				}
			}
			mu.Lock()
			p.lat = append(p.lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	p.elapsed = time.Since(start)
	p.n, p.errs, p.status5xx = n.Load(), errs.Load(), s5.Load()
	return p
}

func run(ctx context.Context, base, dbURL string, d time.Duration, conns int) (bool, error) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}, Timeout: 30 * time.Second}
	var disc struct{ Issuer string }
	if err := getJSON(hc, base+"/.well-known/oauth-authorization-server", &disc); err != nil {
		return false, fmt.Errorf("discovery: %w", err)
	}
	issuer := disc.Issuer

	// Fixtures: a Maskinporten client for grants, a standard and an agent
	// system user for decisions, written through the services (the same
	// code the server runs) on the server's database.
	pool, err := db.Open(ctx, dbURL)
	if err != nil {
		return false, err
	}
	defer pool.Close()
	cfg := config.Config{PublicURL: base, SigningAlg: "RS256", TokenLifetime: 120 * time.Second, DataDir: os.TempDir()}
	a, err := app.New(ctx, cfg, pool, slog.New(slog.DiscardHandler))
	if err != nil {
		return false, err
	}
	defer a.Close()
	key, err := mpgrant.NewClientKey()
	if err != nil {
		return false, err
	}
	jwks, err := mpgrant.PublicJWKS(key)
	if err != nil {
		return false, err
	}
	clientID := uuid.NewString()
	if err := postJSON(hc, base+"/sim/api/v1/clients", map[string]any{"clientId": clientID, "orgNo": "991825827", "name": "load", "scopes": []string{"bench:load.test"}, "jwks": jwks}, 201, nil); err != nil {
		return false, fmt.Errorf("create client: %w", err)
	}
	std, agent, err := systemUsers(ctx, a)
	if err != nil {
		return false, err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := postJSON(hc, base+"/sim/api/v1/tokens", map[string]any{"type": "enterprise", "orgNo": "974761076", "scopes": []string{"altinn:authorization/authorize"}}, 200, &tok); err != nil {
		return false, fmt.Errorf("test token: %w", err)
	}
	bodies := [][]byte{
		decision(std.String(), "read", "ske-krav-og-betalinger", "313725138"),
		decision(agent.String(), "sign", "ske-mva-melding", "310385980"),
		decision(std.String(), "read", "ske-krav-og-betalinger", "310385980"),
	}

	for _, b := range bodies {
		r := a.PDP.DecideBody(ctx, b, pdp.Internal, false)
		if len(r.Response) == 1 {
			fmt.Printf("fixture decision: %s\n", r.Response[0].Decision)
		}
	}

	// Baselines, measured now on this machine.
	signVerify := rsaBaseline(conns, min(d, 2*time.Second))
	inProc := drive("inprocess", conns, min(d, 2*time.Second), func(i int) (int, bool) {
		a.PDP.DecideBody(ctx, bodies[i%len(bodies)], pdp.Internal, false)
		return 200, true
	})

	tokenPhase := drive("token", conns, d, func(i int) (int, bool) {
		g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: issuer, Scopes: []string{"bench:load.test"}}))
		if err != nil {
			return 0, false
		}
		form := url.Values{"grant_type": {mpgrant.GrantType}, "assertion": {g}}
		res, err := hc.PostForm(base+"/token", form)
		if err != nil {
			return 0, false
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, res.StatusCode == 200
	})
	pdpPhase := drive("decision", conns, d, func(i int) (int, bool) {
		req, _ := http.NewRequest(http.MethodPost, base+"/authorization/api/v1/decision", bytes.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		res, err := hc.Do(req)
		if err != nil {
			return 0, false
		}
		var out struct{ Response []struct{ Decision string } }
		derr := json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		return res.StatusCode, res.StatusCode == 200 && derr == nil && len(out.Response) == 1
	})

	fmt.Printf("load from a second process, %d connections, %v per phase\n", conns, d)
	tokenPhase.print()
	pdpPhase.print()
	fmt.Printf("baseline  %8.0f RSA-2048 sign+verify/s (%d goroutines)\n", signVerify, conns)
	inProc.print()
	fmt.Printf("ratio /token ÷ RSA sign+verify: %.2f\n", tokenPhase.rate()/signVerify)
	fmt.Printf("ratio decisions over HTTP ÷ in-process evaluator: %.3f\n", pdpPhase.rate()/inProc.rate())
	ok := tokenPhase.status5xx == 0 && pdpPhase.status5xx == 0 && tokenPhase.errs == 0 && pdpPhase.errs == 0
	if !ok {
		fmt.Println("FAIL: errors or 5xx answers")
	}
	return ok, nil
}

// systemUsers makes a standard system user for 313725138 and an agent
// system user of the accounting firm with its client 310385980.
func systemUsers(ctx context.Context, a *app.App) (uuid.UUID, uuid.UUID, error) {
	mk := func(owner, typ, pkg string) (uuid.UUID, error) {
		org, err := a.Parties.Org(ctx, owner)
		if err != nil {
			return uuid.Nil, err
		}
		var su systemusers.SystemUser
		err = db.InTx(ctx, a.Pool, func(q db.Querier) error {
			su, err = a.SystemUsers.CreateTx(ctx, q, systemusers.New{
				ID: uuid.New(), System: systemusers.System{ID: "991825827_load", InternalID: uuid.New(), Vendor: "991825827"},
				Owner: org, ReporteeOrgNo: owner, UserType: typ, AccessPackages: []systemusers.AccessPackageRef{{URN: pkg}},
			})
			return err
		})
		return su.ID, err
	}
	std, err := mk("313725138", systemusers.TypeStandard, "urn:altinn:accesspackage:skatt-naering")
	if err != nil {
		return uuid.Nil, uuid.Nil, fmt.Errorf("standard system user: %w", err)
	}
	agent, err := mk("312605031", systemusers.TypeAgent, "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet")
	if err != nil {
		return uuid.Nil, uuid.Nil, fmt.Errorf("agent system user: %w", err)
	}
	if err := a.SystemUsers.AddClient(ctx, agent, "310385980", "312605031"); err != nil {
		return uuid.Nil, uuid.Nil, fmt.Errorf("client delegation: %w", err)
	}
	return std, agent, nil
}

func decision(su, action, resource, orgNo string) []byte {
	return fmt.Appendf(nil, `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":%q}]}],`+
		`"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":%q}]}],`+
		`"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":%q},{"AttributeId":"urn:altinn:organization:identifier-no","Value":%q}]}]}}`,
		su, action, resource, orgNo)
}

// rsaBaseline is RSA-2048 PKCS#1 v1.5 sign + verify pairs per second from
// conns goroutines: the cryptographic floor of a grant → token exchange.
func rsaBaseline(conns int, d time.Duration) float64 {
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	sum := sha256.Sum256([]byte("baseline"))
	p := drive("rsa", conns, d, func(int) (int, bool) {
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
		if err != nil {
			return 0, false
		}
		return 200, rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, sum[:], sig) == nil
	})
	return p.rate()
}

func getJSON(hc *http.Client, u string, out any) error {
	res, err := hc.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("GET %s: %d", u, res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(out)
}

func postJSON(hc *http.Client, u string, in any, want int, out any) error {
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("POST %s: %d %s", u, res.StatusCode, body)
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

// writeGrants registers a client (control API) and writes n form bodies of
// POST /token, each a fresh grant signed with the client's key, to out.
// Grants live 120 s: make them just before they are used.
func writeGrants(base string, n int, out string) error {
	if out == "" {
		return fmt.Errorf("--grants-out is required with --grants")
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	var disc struct{ Issuer string }
	if err := getJSON(hc, base+"/.well-known/oauth-authorization-server", &disc); err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	key, err := mpgrant.NewClientKey()
	if err != nil {
		return err
	}
	jwks, err := mpgrant.PublicJWKS(key)
	if err != nil {
		return err
	}
	clientID := uuid.NewString()
	if err := postJSON(hc, base+"/sim/api/v1/clients", map[string]any{"clientId": clientID, "orgNo": "991825827", "name": "wrk", "scopes": []string{"bench:load.test"}, "jwks": jwks}, 201, nil); err != nil {
		return fmt.Errorf("create client: %w", err)
	}
	var buf bytes.Buffer
	for range n {
		g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: disc.Issuer, Scopes: []string{"bench:load.test"}, Lifetime: 120 * time.Second}))
		if err != nil {
			return err
		}
		buf.WriteString(url.Values{"grant_type": {mpgrant.GrantType}, "assertion": {g}}.Encode())
		buf.WriteByte('\n')
	}
	return os.WriteFile(out, buf.Bytes(), 0o600)
}

// Package freshnessbench measures how fresh a second instance's answers
// are: two altinn-sim instances (apptest) on one database; a client is
// removed from (or given back to) an agent system user on instance A,
// and as soon as A has answered, instance B's PDP is asked. It reports
// how many of B's answers were stale, how long B took to reflect the
// write when one was (the window, from A's answer), what the write cost
// on A, and what settling alone costs (db.Settle with nothing new to
// wait for: the part of each write spent making sure every instance's
// caches reflect it).
//
//	go test ./bench/freshness -run '^$' -bench . -benchtime 500x
//
// or bench/freshness/run.sh. The numbers are reported, never asserted.
package freshnessbench

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/seed"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// agentFile: an agent system user of the migrations' accounting firm
// (312605031, DAGL 18857841030) for its REGN clients.
const agentFile = `
organizations:
  - {orgNo: "315555000", name: Treningsleverandøren AS}
systems:
  - id: 315555000_agent
    vendor: "315555000"
    name: Byrå
    description: Byrå
    accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet]
    isVisible: false
agentSystemUsers:
  - {system: 315555000_agent, facilitator: "312605031", approvedBy: "18857841030", clients: ["310385980", "314168267"]}
`

const client = "314168267"

func BenchmarkCrossInstance(b *testing.B) {
	dbURL := dbtest.NewURL(b)
	a := apptest.StartOn(b, dbURL)
	other := apptest.StartOn(b, dbURL)
	ctx := b.Context()
	f, err := seed.Parse([]byte(agentFile), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Apply(ctx, seed.Deps{Pool: a.Pool, Parties: a.Parties, Clients: a.Clients, Resources: a.Resources,
		Registry: a.Registry, SystemUsers: a.SystemUsers, Requests: a.Requests}, f); err != nil {
		b.Fatal(err)
	}
	agent, err := a.SystemUsers.ByTriple(ctx, nil, "315555000_agent", "312605031", "")
	if err != nil {
		b.Fatal(err)
	}
	org, err := a.Parties.Org(ctx, client)
	if err != nil {
		b.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !a.PDP.Listening() || !other.PDP.Listening(); {
		if time.Now().After(deadline) {
			b.Fatal("the PDP caches never started listening")
		}
		time.Sleep(10 * time.Millisecond)
	}
	facil := a.TestToken(b, map[string]any{"type": "person", "pid": "18857841030", "scopes": []string{"altinn:clientdelegations.write"}})
	path := "/authentication/api/v1/enduser/systemuser/clients?agent=" + agent.ID.String() + "&client=" + org.PartyUUID.String()
	q := `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":"` + agent.ID.String() + `"}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"write"}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"ske-mva-melding"},
			{"AttributeId":"urn:altinn:organization:identifier-no","Value":"` + client + `"}]}]}}`
	decide := func() string {
		var out struct {
			Response []struct{ Decision string } `json:"response"`
		}
		if st := other.DoJSON(b, http.MethodPost, "/authorization/api/v1/decision", "", q, &out); len(out.Response) != 1 {
			b.Fatalf("PDP answer %d: %+v", st, out)
		}
		return out.Response[0].Decision
	}
	if d := decide(); d != "Permit" { // and B has it cached
		b.Fatalf("B before: %s", d)
	}
	var writes, windows, settles []time.Duration
	stale := 0
	delegated := true
	b.ResetTimer()
	for b.Loop() {
		method, want := http.MethodDelete, "NotApplicable"
		if !delegated {
			method, want = http.MethodPost, "Permit"
		}
		t0 := time.Now()
		if st := a.DoJSON(b, method, path, facil, nil, nil); st != http.StatusOK {
			b.Fatalf("%s client: %d", method, st)
		}
		answered := time.Now()
		writes = append(writes, answered.Sub(t0))
		delegated = !delegated
		if decide() == want {
			continue
		}
		stale++
		for decide() != want {
			if time.Since(answered) > 10*time.Second {
				b.Fatal("B never reflected the write")
			}
		}
		windows = append(windows, time.Since(answered))
	}
	for range min(b.N, 200) {
		t0 := time.Now()
		if err := db.Settle(ctx, a.Pool); err != nil {
			b.Fatal(err)
		}
		settles = append(settles, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(stale), "stale")
	b.ReportMetric(float64(stale)/float64(len(writes)), "stale/op")
	b.ReportMetric(ms(pct(windows, 50)), "window-p50-ms")
	b.ReportMetric(ms(pct(windows, 99)), "window-p99-ms")
	b.ReportMetric(ms(pct(writes, 50)), "write-p50-ms")
	b.ReportMetric(ms(pct(writes, 99)), "write-p99-ms")
	b.ReportMetric(ms(pct(settles, 50)), "settle-p50-ms")
	b.ReportMetric(ms(pct(settles, 99)), "settle-p99-ms")
}

// pct is the p-th percentile (0 for none).
func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

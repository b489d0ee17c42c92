package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/seed"
)

// probeFile gives the probes a standard system with a right on
// ske-krav-og-betalinger, and an agent system user of the migrations'
// accounting firm Regnskapshuset Simulert AS (312605031, DAGL Regine
// Regnskap 18857841030) for its REGN clients, and makes Kari Uten Roller
// (21857841058) the firm's agent with the same package for one client.
const probeFile = `
organizations:
  - {orgNo: "315555000", name: Treningsleverandøren AS}
systems:
  - id: 315555000_probe
    vendor: "315555000"
    name: Probe
    description: Probe
    rights: [ske-krav-og-betalinger]
  - id: 315555000_agent
    vendor: "315555000"
    name: Byrå
    description: Byrå
    accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet]
    isVisible: false
agentSystemUsers:
  - {system: 315555000_agent, facilitator: "312605031", approvedBy: "18857841030", clients: ["310385980", "314168267"]}
personAgents:
  - facilitator: "312605031"
    person: "21857841058"
    clients:
      - {org: "314168267", packages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet]}
`

// The probes' parties: the owner of the standard system users (and the
// person who manages it), and the agent's facilitator and one client.
const (
	probeOwner      = "313725138"
	probeOwnerPID   = "12857841016"
	probeFacilPID   = "18857841030"
	probeClient     = "314168267"
	probeAgentRes   = "ske-mva-melding"
	probeStdRes     = "ske-krav-og-betalinger"
	probeClientID   = "9d3c7e52-2f0b-4d7e-8f35-0f7e5a000001"
	probeClientOrg  = "991825827"
	probeClientScop = "test:fresh.read"
	probeFacil      = "312605031"
	probeAgentPID   = "21857841058"
	probePackage    = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"
)

// prober writes on one instance and reads on another (or the same), and
// counts answers that do not reflect a write that has already answered.
type prober struct {
	t       *testing.T
	w, r    *apptest.Server // writer, reader
	agent   string          // the agent system user
	client  uuid.UUID       // party uuid of probeClient
	facilID uuid.UUID       // party uuid of probeFacil
	kari    parties.Person  // the firm's person agent
	person  string          // token of the owner's manager (portal)
	facil   string          // token of the facilitator's manager (client delegations)
	keys    [2]jwk.Key
	key     int // the registered one
	file    string
	stale   map[string]int
	probes  map[string]int
}

func newProber(t *testing.T, w, r *apptest.Server) *prober {
	t.Helper()
	ctx := t.Context()
	p := &prober{t: t, w: w, r: r, stale: map[string]int{}, probes: map[string]int{}, file: probeFile}
	p.seed()
	agent, err := w.SystemUsers.ByTriple(ctx, nil, "315555000_agent", "312605031", "")
	if err != nil {
		t.Fatal(err)
	}
	p.agent = agent.ID.String()
	org, err := w.Parties.Org(ctx, probeClient)
	if err != nil {
		t.Fatal(err)
	}
	p.client = org.PartyUUID
	if org, err = w.Parties.Org(ctx, probeFacil); err != nil {
		t.Fatal(err)
	}
	p.facilID = org.PartyUUID
	if p.kari, err = w.Parties.Person(ctx, probeAgentPID); err != nil {
		t.Fatal(err)
	}
	p.person = w.TestToken(t, map[string]any{"type": "person", "pid": probeOwnerPID, "scopes": []string{"altinn:portal/enduser"}})
	p.facil = w.TestToken(t, map[string]any{"type": "person", "pid": probeFacilPID, "scopes": []string{"altinn:clientdelegations.write"}})
	for i := range p.keys {
		if p.keys[i], err = mpgrant.NewClientKey(); err != nil {
			t.Fatal(err)
		}
	}
	jwks, _ := mpgrant.PublicJWKS(p.keys[0])
	if st := w.DoJSON(t, "POST", "/sim/api/v1/clients", "", map[string]any{"clientId": probeClientID, "orgNo": probeClientOrg,
		"name": "freshness probe", "scopes": []string{probeClientScop}, "jwks": jwks}, nil); st != http.StatusCreated {
		t.Fatalf("client: %d", st)
	}
	// Only a listening instance caches; probing one that reads through
	// would prove nothing.
	for _, s := range []*apptest.Server{w, r} {
		for deadline := time.Now().Add(10 * time.Second); !s.PDP.Listening() || !s.Clients.CacheLive(); {
			if time.Now().After(deadline) {
				t.Fatal("the caches never started listening")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if got := p.decide(p.agent, probeAgentRes, "write", probeClient); got != "Permit" {
		t.Fatalf("the agent for %s: %s, want Permit", probeClient, got)
	}
	if got := p.decidePerson(); got != "Permit" {
		t.Fatalf("the person agent for %s: %s, want Permit", probeClient, got)
	}
	if st, e := p.grant(p.key); st != http.StatusOK {
		t.Fatalf("grant with the registered key: %d %s", st, e)
	}
	return p
}

func (p *prober) seed() {
	p.t.Helper()
	f, err := seed.Parse([]byte(p.file), p.t.TempDir())
	if err != nil {
		p.t.Fatal(err)
	}
	s := p.w
	if _, err := seed.Apply(p.t.Context(), seed.Deps{Pool: s.Pool, Parties: s.Parties, Clients: s.Clients, Resources: s.Resources,
		Registry: s.Registry, SystemUsers: s.SystemUsers, Requests: s.Requests}, f); err != nil {
		p.t.Fatal(err)
	}
}

// decide asks the reader's PDP for a system user's action on resource for org.
func (p *prober) decide(systemUser, resource, action, org string) string {
	p.t.Helper()
	return p.decideAs("urn:altinn:systemuser:uuid", systemUser, resource, action, org)
}

// decidePerson asks the reader's PDP whether the firm's person agent may
// write probeAgentRes for probeClient.
func (p *prober) decidePerson() string {
	p.t.Helper()
	return p.decideAs("urn:altinn:userid", fmt.Sprint(p.kari.UserID), probeAgentRes, "write", probeClient)
}

// decideAs asks the reader's PDP for the subject's action on resource for org.
func (p *prober) decideAs(subjectAttr, subject, resource, action, org string) string {
	p.t.Helper()
	q := `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"` + subjectAttr + `","Value":"` + subject + `"}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"` + action + `"}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"` + resource + `"},
			{"AttributeId":"urn:altinn:organization:identifier-no","Value":"` + org + `"}]}]}}`
	var out struct {
		Response []struct{ Decision string } `json:"response"`
	}
	if st := p.r.DoJSON(p.t, http.MethodPost, "/authorization/api/v1/decision", "", q, &out); len(out.Response) != 1 {
		p.t.Fatalf("PDP answer %d: %+v", st, out)
	}
	return out.Response[0].Decision
}

// expect records one probe: what the reader answered right after the
// write answered.
func (p *prober) expect(kind, got, want string) {
	p.probes[kind]++
	if got != want {
		p.stale[kind]++
		if p.stale[kind] <= 3 {
			p.t.Logf("%s: %s right after the write answered, want %s", kind, got, want)
		}
	}
}

func (p *prober) mustWrite(what string, st int, want ...int) {
	p.t.Helper()
	for _, w := range want {
		if st == w {
			return
		}
	}
	p.t.Fatalf("%s: %d", what, st)
}

// Every probe ends as it starts: the agent acts for probeClient and the
// registered key works, both cached (newProber warms them the first
// time).

// clientRemoved: the facilitator removes probeClient from the agent, the
// PDP says NotApplicable; the client is delegated again, the PDP says
// Permit. Two probes.
func (p *prober) clientRemoved() {
	const kind = "client removed from an agent system user"
	path := "/authentication/api/v1/enduser/systemuser/clients?agent=" + p.agent + "&client=" + p.client.String()
	p.mustWrite("remove client", p.w.DoJSON(p.t, http.MethodDelete, path, p.facil, nil, nil), http.StatusOK)
	p.expect(kind, p.decide(p.agent, probeAgentRes, "write", probeClient), "NotApplicable")
	p.mustWrite("add client", p.w.DoJSON(p.t, http.MethodPost, path, p.facil, nil, nil), http.StatusOK)
	p.expect(kind, p.decide(p.agent, probeAgentRes, "write", probeClient), "Permit")
}

// personAgentPackageRemoved: the firm takes probeClient's package back
// from its person agent through Access Management, the PDP says
// NotApplicable for her; the package is delegated again, the PDP says
// Permit. Two probes.
func (p *prober) personAgentPackageRemoved() {
	const kind = "package taken back from a person agent"
	path := "/accessmanagement/api/v1/enduser/clientdelegations/agents/accesspackages?party=" + p.facilID.String() +
		"&from=" + p.client.String() + "&to=" + p.kari.PartyUUID.String()
	body := map[string]any{"values": []map[string]any{{"role": "regnskapsforer", "packages": []string{probePackage}}}}
	p.mustWrite("take the package back", p.w.DoJSON(p.t, http.MethodDelete, path, p.facil, body, nil), http.StatusOK)
	p.expect(kind, p.decidePerson(), "NotApplicable")
	p.mustWrite("delegate the package", p.w.DoJSON(p.t, http.MethodPost, path, p.facil, body, nil), http.StatusOK)
	p.expect(kind, p.decidePerson(), "Permit")
}

// systemUserDeleted: a fresh standard system user (Permit, cached) is
// deleted; the PDP says NotApplicable.
func (p *prober) systemUserDeleted() {
	const kind = "system user deleted"
	var su struct {
		ID string `json:"id"`
	}
	org, err := p.w.Parties.Org(p.t.Context(), probeOwner)
	if err != nil {
		p.t.Fatal(err)
	}
	party := fmt.Sprint(org.PartyID)
	p.mustWrite("create system user", p.w.DoJSON(p.t, http.MethodPost, "/authentication/api/v1/systemuser/"+party+"/create", p.person,
		map[string]any{"systemId": "315555000_probe", "integrationTitle": "probe"}, &su), http.StatusOK)
	if got := p.decide(su.ID, probeStdRes, "read", probeOwner); got != "Permit" {
		p.t.Fatalf("system user before deletion: %s", got)
	}
	p.mustWrite("delete system user", p.w.DoJSON(p.t, http.MethodDelete, "/authentication/api/v1/systemuser/"+party+"/"+su.ID, p.person, nil, nil), http.StatusAccepted)
	p.expect(kind, p.decide(su.ID, probeStdRes, "read", probeOwner), "NotApplicable")
}

// seedApplied: a seed file that drops probeClient from the agent, then
// one that lists it again; the PDP follows each. Two probes.
func (p *prober) seedApplied() {
	const kind = "seed applied"
	full := p.file
	p.file = strings.Replace(full, `clients: ["310385980", "314168267"]`, `clients: ["310385980"]`, 1)
	p.seed()
	p.expect(kind, p.decide(p.agent, probeAgentRes, "write", probeClient), "NotApplicable")
	p.file = full
	p.seed()
	p.expect(kind, p.decide(p.agent, probeAgentRes, "write", probeClient), "Permit")
}

// grant asks the reader's /token with a grant signed by key k.
func (p *prober) grant(k int) (int, string) {
	p.t.Helper()
	g, err := mpgrant.Sign(p.keys[k], mpgrant.Claims(mpgrant.Options{ClientID: probeClientID,
		Audience: p.r.Config.PublicURL + "/", Scopes: []string{probeClientScop}}))
	if err != nil {
		p.t.Fatal(err)
	}
	var out struct {
		Error string `json:"error"`
	}
	st := p.r.DoJSON(p.t, http.MethodPost, "/token", "", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {g}}, &out)
	return st, out.Error
}

// keyReplaced: the key is replaced, a grant with the old key is refused
// and one with the new key works. Two probes.
func (p *prober) keyReplaced() {
	const kind = "client key replaced"
	old := p.key
	p.key = 1 - p.key
	jwks, _ := mpgrant.PublicJWKS(p.keys[p.key])
	p.mustWrite("replace keys", p.w.DoJSON(p.t, http.MethodPut, "/sim/api/v1/clients/"+probeClientID+"/jwks", "", jwks, nil), http.StatusOK)
	st, e := p.grant(old)
	got := "refused"
	if st == http.StatusOK {
		got = "accepted"
	}
	p.expect(kind, got+" "+e, "refused invalid_grant")
	st, e = p.grant(p.key)
	p.expect(kind, fmt.Sprintf("%d %s", st, e), "200 ")
}

// run probes n times over the five kinds and fails on any stale answer.
func (p *prober) run(n int) {
	p.t.Helper()
	kinds := []func(){p.clientRemoved, p.systemUserDeleted, p.keyReplaced, p.personAgentPackageRemoved, p.seedApplied}
	total := func() (n int) {
		for _, v := range p.probes {
			n += v
		}
		return n
	}
	for i := 0; total() < n; i++ {
		// Seeding is the slowest write; it gets one turn in nine.
		k := i % 9
		switch {
		case k == 8:
			kinds[4]()
		default:
			kinds[k%4]()
		}
	}

	for kind, n := range p.probes {
		if p.stale[kind] > 0 {
			p.t.Errorf("%s: %d of %d answers were stale", kind, p.stale[kind], n)
		}
	}
	if len(p.probes) != len(kinds) {
		p.t.Errorf("probed %v, want all %d kinds", p.probes, len(kinds))
	}
	b, _ := json.Marshal(p.probes)
	p.t.Logf("probes: %s", b)
}

// TestReadYourWrites: once a write has answered — an HTTP call or a
// seeding — the same instance's PDP and /token reflect it, every time:
// 1,000 write-then-read probes over five kinds of write, no stale answer.
func TestReadYourWrites(t *testing.T) {
	s := apptest.Start(t)
	newProber(t, s, s).run(1000)
}

// TestReadYourWritesAcrossInstances: the same probes written on instance
// A and read on instance B (two instances on one database): once A has
// answered, B never answers from before the write — a deleted system user
// is never Permit on B, an old client key never works on B.
func TestReadYourWritesAcrossInstances(t *testing.T) {
	dbURL := dbtest.NewURL(t)
	a := apptest.StartOn(t, dbURL)
	b := apptest.StartOn(t, dbURL)
	newProber(t, a, b).run(200)
}

package seed_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/requests"
	"github.com/altinn-sim/altinn-sim/internal/seed"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// trainingDir is examples/training, found from this file.
func trainingDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", "training")
}

func deps(s *apptest.Server) seed.Deps {
	return seed.Deps{Pool: s.Pool, Parties: s.Parties, Clients: s.Clients, Resources: s.Resources,
		Registry: s.Registry, SystemUsers: s.SystemUsers, Requests: s.Requests, Scopes: s.Scopes, APIDelegation: s.APIDelegation, AccessLists: s.AccessLists}
}

// Snapshot is every row of every table, as text: two equal snapshots mean
// the database holds the same state.
func Snapshot(t testing.TB, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, tb := range tables {
		var s string
		if err := pool.QueryRow(ctx, `SELECT coalesce(json_agg(x ORDER BY x::text), '[]')::text FROM "`+tb+`" x`).Scan(&s); err != nil {
			t.Fatalf("snapshot %s: %v", tb, err)
		}
		out[tb] = s
	}
	return out
}

func diff(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// TestTrainingSeed seeds examples/training/seed.yaml twice into a fresh
// database: the first run creates everything, the second changes no row.
// Then the seeded room works: the training key gets a system-user token
// for the approved system user, and the PDP permits it.
func TestTrainingSeed(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	f, err := seed.ReadFile(filepath.Join(trainingDir(t), "seed.yaml"))
	if err != nil {
		t.Fatalf("read the training seed: %v", err)
	}
	before := Snapshot(t, s.Pool)
	rep, err := seed.Apply(ctx, deps(s), f)
	if err != nil {
		t.Fatalf("first seeding: %v", err)
	}
	t.Logf("first: %s", rep)
	for kind, want := range map[string]int{"organizations": 4, "persons": 4, "roles": 5, "clients": 2, "resources": 1, "policies": 1, "systems": 3, "systemUsers": 1,
		"agentSystemUsers": 1, "clientDelegations": 2} {
		if rep.Created[kind] != want {
			t.Errorf("first seeding created %d %s, want %d (%s)", rep.Created[kind], kind, want, rep)
		}
	}
	once := Snapshot(t, s.Pool)
	if len(diff(before, once)) == 0 {
		t.Fatal("seeding changed nothing in the database")
	}

	rep, err = seed.Apply(ctx, deps(s), f)
	if err != nil {
		t.Fatalf("second seeding: %v", err)
	}
	if rep.Changed() {
		t.Errorf("second seeding changed things: %s", rep)
	}
	if d := diff(once, Snapshot(t, s.Pool)); len(d) > 0 {
		t.Errorf("second seeding changed tables %v", d)
	}

	// The client holds only the public half of the training key.
	c, err := s.Clients.Client(ctx, "treningsleverandoren-timeforer")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.JWKS.Keys) != 1 || strings.Contains(string(c.JWKS.Keys[0]), `"d"`) {
		t.Errorf("client keys %s, want one public key", c.JWKS.Keys)
	}
	// The system user exists, with the system's two rights, approved by
	// Kari Kunde through a request.
	su, err := s.SystemUsers.ByTriple(ctx, nil, "315555000_timeforer", "315555019", "")
	if err != nil {
		t.Fatalf("seeded system user: %v", err)
	}
	if len(su.Rights) != 2 {
		t.Errorf("system user rights %+v, want the system's two", su.Rights)
	}
	req, err := s.Requests.Get(ctx, su.ID)
	if err != nil || req.Status != "Accepted" {
		t.Errorf("the system user's request: %+v, %v", req, err)
	}

	// A trainee's first exercise: a system-user token with the training
	// key, and the PDP's answer for the seeded resource.
	keyJSON, err := os.ReadFile(filepath.Join(trainingDir(t), "treningsleverandoren-key.json"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwk.ParseKey(keyJSON)
	if err != nil {
		t.Fatal(err)
	}
	assertion, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{
		ClientID: "treningsleverandoren-timeforer", Audience: s.URL + "/", Scopes: []string{"kursetaten:timeliste"}, SystemUserOrg: "315555019",
	}))
	if err != nil {
		t.Fatal(err)
	}
	st, _, body := s.Do(t, http.MethodPost, "/token", "", url.Values{"grant_type": {mpgrant.GrantType}, "assertion": {assertion}})
	if st != http.StatusOK || !strings.Contains(string(body), "access_token") {
		t.Fatalf("system-user token with the training key: %d %s", st, body)
	}
	for _, tc := range []struct{ org, want string }{{"315555019", "Permit"}, {"315555027", "NotApplicable"}} {
		if got := decide(t, s, su.ID.String(), "trening-timeliste", "write", tc.org); got != tc.want {
			t.Errorf("PDP for the seeded system user on behalf of %s: %s, want %s", tc.org, got, tc.want)
		}
	}

	// The accounting firm's agent system user acts for its two delegated
	// clients on a resource whose policy names the client package, and
	// for nobody else.
	agent, err := s.SystemUsers.ByTriple(ctx, nil, "315555000_byraa", "312605031", "")
	if err != nil {
		t.Fatalf("seeded agent system user: %v", err)
	}
	if agent.UserType != "agent" {
		t.Errorf("agent system user type %q", agent.UserType)
	}
	ds, err := s.SystemUsers.Clients(ctx, agent.ID)
	if err != nil || len(ds) != 2 {
		t.Fatalf("agent system user clients %+v, %v; want 2", ds, err)
	}
	// The vendor's second client, with the same training key, gets a token
	// for the accounting firm's agent system user.
	assertion, err = mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{
		ClientID: "treningsleverandoren-byraa", Audience: s.URL + "/", Scopes: []string{"skatteetaten:mvameldinginnsending"}, SystemUserOrg: "312605031",
	}))
	if err != nil {
		t.Fatal(err)
	}
	st, _, body = s.Do(t, http.MethodPost, "/token", "", url.Values{"grant_type": {mpgrant.GrantType}, "assertion": {assertion}})
	if st != http.StatusOK || !strings.Contains(string(body), "access_token") {
		t.Fatalf("agent system-user token with the training key: %d %s", st, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(body, &tok)
	if !strings.Contains(decodeJWTPayload(t, tok.AccessToken), agent.ID.String()) {
		t.Errorf("the agent token does not name the agent system user %s", agent.ID)
	}
	for _, tc := range []struct{ org, want string }{{"310385980", "Permit"}, {"314168267", "Permit"}, {"313725138", "NotApplicable"}, {"312605031", "NotApplicable"}} {
		if got := decide(t, s, agent.ID.String(), "ske-mva-melding", "write", tc.org); got != tc.want {
			t.Errorf("PDP for the agent system user on behalf of %s: %s, want %s", tc.org, got, tc.want)
		}
	}
}

// decodeJWTPayload returns a JWT's claims as JSON text.
func decodeJWTPayload(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decide asks the PDP over HTTP whether the system user may do action on
// resource for the organisation, and returns the decision.
func decide(t *testing.T, s *apptest.Server, systemUserID, resource, action, org string) string {
	t.Helper()
	q := `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":"` + systemUserID + `"}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"` + action + `"}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"` + resource + `"},
			{"AttributeId":"urn:altinn:organization:identifier-no","Value":"` + org + `"}]}]}}`
	var out struct {
		Response []struct{ Decision string } `json:"response"`
	}
	if st := s.DoJSON(t, http.MethodPost, "/authorization/api/v1/decision", "", q, &out); len(out.Response) != 1 {
		t.Fatalf("PDP answer %d: %+v", st, out)
	}
	return out.Response[0].Decision
}

// goodFile is a small valid file the bad cases below break one way each.
const goodFile = `
organizations:
  - {orgNo: "315555000", name: Treningsleverandøren AS}
  - {orgNo: "315555019", name: Kurs Kunde AS}
persons:
  - {pid: "23085784161", name: Kari Kunde}
roles:
  - {org: "315555019", role: DAGL, person: "23085784161"}
clients:
  - clientId: seed-test-client
    orgNo: "315555000"
    name: test
    scopes: [skatteetaten:kravogbetalinger]
    jwksFile: treningsleverandoren-key.json
systems:
  - id: 315555000_test
    vendor: "315555000"
    name: Test
    description: Test
    rights: [kravogbetaling]
    clientIds: [seed-test-client]
systemUsers:
  - {system: 315555000_test, org: "315555019"}
`

// TestBadFilesChangeNothing: every bad file is refused with one line
// naming the problem, and the database is exactly as before — also when
// the problem is only visible against the database, after the parties
// would already have been writable.
func TestBadFilesChangeNothing(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	dir := trainingDir(t)
	// Something already there that files may collide with: a client of
	// another organisation.
	key, _ := mpgrant.NewClientKey()
	set, _ := mpgrant.PublicJWKS(key)
	if _, err := s.Clients.CreateClient(ctx, mpclient.NewClient{ClientID: "taken-client", OrgNo: "991825827", Name: "x", Scopes: []string{"a:b"}, JWKS: mpclient.JWKS(set)}); err != nil {
		t.Fatal(err)
	}
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	weakKey, _ := mpgrant.ClientKeyFromRSA(weak)
	weakSet, _ := mpgrant.PublicJWKS(weakKey)
	weakJSON, _ := json.Marshal(weakSet)
	if _, err := seed.Parse([]byte(goodFile), dir); err != nil {
		t.Fatalf("the good file: %v", err)
	}
	cases := []struct {
		name, old, new, want string
	}{
		{"yaml syntax", `name: Test`, `name: [Test`, "did not find expected"},
		{"unknown key", `vendor: "315555000"`, `vendor: "315555000"` + "\n    vendr: x", `unknown key "vendr" in systems[0] (did you mean "vendor"?)`},
		{"bad org number", `orgNo: "315555019"`, `orgNo: "315555018"`, `organizations[1].orgNo: "315555018" is not a valid organisation number`},
		{"bad pid", `pid: "23085784161"`, `pid: "23085784162"`, "persons[0].pid"},
		{"system id without vendor", `id: 315555000_test`, `id: 999_test`, "systems[0].id"},
		{"missing key", `    jwksFile: treningsleverandoren-key.json`, ``, "clients[0]: a public key is required"},
		{"weak key", `jwksFile: treningsleverandoren-key.json`, `jwks: ` + string(weakJSON), "clients[0]: keys[0]: the RSA key has 1024 bits"},
		{"key file missing", `jwksFile: treningsleverandoren-key.json`, `jwksFile: nope.json`, "clients[0]: jwksFile"},
		// Only the database knows these.
		{"unknown resource", `rights: [kravogbetaling]`, `rights: [no-such-resource]`, `systems[0].rights[0]: no resource "no-such-resource"`},
		{"client of another org", `clientId: seed-test-client`, `clientId: taken-client`, "clients[0].clientId: client taken-client already belongs to organisation 991825827"},
		{"scope not granted", `scopes: [skatteetaten:kravogbetalinger]`, `scopes: [skatteetaten:kravogbetalinger, altinn:serviceowner]`, "clients[0].scopes[1]: organisation 315555000 has not been granted access to the scope altinn:serviceowner"},
		{"unknown altinn scope", `scopes: [skatteetaten:kravogbetalinger]`, `scopes: [altinn:no/such.scope]`, "clients[0].scopes[0]: no active scope altinn:no/such.scope exists"},
		{"unknown system user org", `{system: 315555000_test, org: "315555019"}`, `{system: 315555000_test, org: "310385980", approvedBy: "23085784161"}`, "systemUsers[0].approvedBy: 23085784161 may not manage access for 310385980"},
		{"nobody to approve", `  - {org: "315555019", role: DAGL, person: "23085784161"}`, `  - {org: "315555019", role: REGN, holderOrg: "315555000"}`, "systemUsers[0]: nobody may approve for 315555019"},
		{"right the system lacks", `{system: 315555000_test, org: "315555019"}`, `{system: 315555000_test, org: "315555019", rights: [ske-mva-melding]}`, "systemUsers[0].rights[0]: system 315555000_test has no right on ske-mva-melding"},
	}
	before := Snapshot(t, s.Pool)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, s, before, goodFile, dir, tc.old, tc.new, tc.want)
		})
	}
	// And the good file itself goes in.
	f, _ := seed.Parse([]byte(goodFile), dir)
	if _, err := seed.Apply(ctx, deps(s), f); err != nil {
		t.Fatalf("the good file after the bad ones: %v", err)
	}
}

// wantRefused applies good with old replaced by new, and checks that the
// file is refused (ErrInvalid) with one line containing want and that the
// database is still as before.
func wantRefused(t *testing.T, s *apptest.Server, before map[string]string, good, dir, old, new, want string) {
	t.Helper()
	if !strings.Contains(good, old) {
		t.Fatalf("test case does not apply: %q", old)
	}
	f, err := seed.Parse([]byte(strings.Replace(good, old, new, 1)), dir)
	if err == nil {
		_, err = seed.Apply(t.Context(), deps(s), f)
	}
	if err == nil {
		t.Fatal("accepted")
	}
	if !errors.Is(err, seed.ErrInvalid) {
		t.Errorf("error %v is not ErrInvalid", err)
	}
	if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want one line containing %q", msg, want)
	}
	if d := diff(before, Snapshot(t, s.Pool)); len(d) > 0 {
		t.Errorf("the bad file changed tables %v", d)
	}
}

// TestChangedFileUpdates: seeding a changed file updates what changed and
// nothing else.
func TestChangedFileUpdates(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	dir := trainingDir(t)
	f, _ := seed.Parse([]byte(goodFile), dir)
	if _, err := seed.Apply(ctx, deps(s), f); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(goodFile, "name: Kurs Kunde AS", "name: Kurs Kunde ASA", 1)
	changed = strings.Replace(changed, "description: Test", "description: Ny", 1)
	f, err := seed.Parse([]byte(changed), dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := seed.Apply(ctx, deps(s), f)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated["organizations"] != 1 || rep.Updated["systems"] != 1 || rep.Unchanged["clients"] != 1 || rep.Unchanged["systemUsers"] != 1 {
		t.Errorf("report %s, want one org and one system updated, the rest unchanged", rep)
	}
	org, _ := s.Parties.Org(ctx, "315555019")
	sys, _ := s.Registry.System(ctx, "315555000_test")
	if org.Name != "Kurs Kunde ASA" || sys.Description["en"] != "Ny" {
		t.Errorf("after the update: org %q, system description %v", org.Name, sys.Description)
	}
}

// TestRejectedRequestIsReplaced: a customer once rejected the vendor's
// request; seeding still gives the approved system user (the old request
// is withdrawn and a new one approved), and then stays put.
func TestRejectedRequestIsReplaced(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	withoutUsers := goodFile[:strings.Index(goodFile, "systemUsers:")]
	f, err := seed.Parse([]byte(withoutUsers), trainingDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(ctx, deps(s), f); err != nil {
		t.Fatal(err)
	}
	r, _, err := s.Requests.Create(ctx, "315555000", requests.KindStandard, requests.CreateInput{SystemID: "315555000_test", PartyOrgNo: "315555019",
		Rights: []requests.Right{{Resource: []registry.AttributePair{{ID: "urn:altinn:resource", Value: "kravogbetaling"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Requests.Reject(ctx, r.ID, "315555019", "23085784161"); err != nil {
		t.Fatal(err)
	}
	f, _ = seed.Parse([]byte(goodFile), trainingDir(t))
	rep, err := seed.Apply(ctx, deps(s), f)
	if err != nil || rep.Created["systemUsers"] != 1 {
		t.Fatalf("seeding after a rejection: %s, %v", rep, err)
	}
	su, err := s.SystemUsers.ByTriple(ctx, nil, "315555000_test", "315555019", "")
	if err != nil || su.ID == r.ID {
		t.Fatalf("system user %+v (%v); want a new one, not from the rejected request", su, err)
	}
	if rep, err = seed.Apply(ctx, deps(s), f); err != nil || rep.Changed() {
		t.Fatalf("third seeding: %s, %v", rep, err)
	}
}

package requests

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
	"github.com/altinn-sim/altinn-sim/internal/systemusers/sutest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	vendor      = "991825827"
	customer    = "310385980"
	customerPID = "13857841055" // DAGL of customer
	firm        = "312605031"   // accounting firm, REGN on 310385980 and 314168267
	firmPID     = "18857841030"
	strangerPID = "21857841058" // no roles anywhere
	systemID    = "991825827_the_matrix"
	agentSystem = "991825827_ledger"
)

var rightKrav = Right{Resource: []su.AttributePair{{ID: "urn:altinn:resource", Value: "ske-krav-og-betalinger"}}}
var rightOther = Right{Resource: []su.AttributePair{{ID: "urn:altinn:resource", Value: "other"}}}

type env struct {
	reqs  *Service
	users *su.Service
	clk   *clock.Fixed
	sys   *sutest.Systems
	pool  *pgxpool.Pool
}

func newEnv(t *testing.T) env {
	t.Helper()
	pool := dbtest.New(t)
	clk := clock.NewFixed(time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC))
	systems := &sutest.Systems{}
	systems.Put(su.System{
		ID: systemID, Vendor: vendor, Name: map[string]string{"nb": "Matrix", "nn": "Matrix", "en": "Matrix"},
		Rights:              []Right{rightKrav, rightOther},
		AccessPackages:      []AccessPackageRef{{URN: sutest.PkgSkatt}, {URN: sutest.PkgRegnSign}},
		ClientIDs:           []string{"client-1"},
		AllowedRedirectURLs: []string{"https://vendor.example/callback"},
	})
	systems.Put(su.System{
		ID: agentSystem, Vendor: vendor, Name: map[string]string{"nb": "Ledger", "nn": "Ledger", "en": "Ledger"},
		AccessPackages: []AccessPackageRef{{URN: sutest.PkgRegnSign}, {URN: sutest.PkgRevisor}, {URN: sutest.PkgSkatt}},
		ClientIDs:      []string{"client-2"},
	})
	p := parties.NewService(pool)
	users := su.NewService(pool, clk, systems, sutest.Packages{}, p)
	reqs := NewService(pool, clk, users, p, "http://sim.test")
	return env{reqs: reqs, users: users, clk: clk, sys: systems, pool: pool}
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return problem.From(err).Code
}

func TestCreateStandardRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	base := CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}}
	cases := []struct {
		name   string
		vendor string
		mod    func(*CreateInput)
		want   string
	}{
		{"no vendor", "", nil, "AUTH-00023"},
		{"foreign vendor", "974761076", nil, "AUTH-00011"},
		{"unknown system", vendor, func(in *CreateInput) { in.SystemID = "991825827_nope" }, "AUTH-00011"},
		{"unknown party", vendor, func(in *CreateInput) { in.PartyOrgNo = "999999999" }, "AUTH-00000"},
		{"redirect not allowed", vendor, func(in *CreateInput) { in.RedirectURL = "https://evil.example/callback" }, "AUTH-00021"},
		{"no rights nor packages", vendor, func(in *CreateInput) { in.Rights = nil }, "AUTH-00001"},
		{"empty rights and packages", vendor, func(in *CreateInput) { in.Rights = []Right{}; in.AccessPackages = []AccessPackageRef{} }, "AUTH-00059"},
		{"right not on system", vendor, func(in *CreateInput) {
			in.Rights = []Right{{Resource: []su.AttributePair{{ID: "urn:altinn:resource", Value: "nope"}}}}
		}, "AUTH-00001"},
		{"package not on system", vendor, func(in *CreateInput) { in.AccessPackages = []AccessPackageRef{{URN: sutest.PkgPost}} }, "AUTH-00063"},
		{"client-only package on standard", vendor, func(in *CreateInput) { in.AccessPackages = []AccessPackageRef{{URN: sutest.PkgRegnSign}} }, "AUTH-00064"},
	}
	for _, c := range cases {
		in := base
		if c.mod != nil {
			c.mod(&in)
		}
		_, _, err := e.reqs.Create(ctx, c.vendor, KindStandard, in)
		if got := code(err); got != c.want {
			t.Errorf("%s: code %q (%v), want %q", c.name, got, err, c.want)
		}
	}
	// Redirect with a query matches on scheme+host+path.
	in := base
	in.RedirectURL = "https://vendor.example/callback?state=1"
	r, created, err := e.reqs.Create(ctx, vendor, KindStandard, in)
	if err != nil || !created {
		t.Fatalf("create: %v created=%v", err, created)
	}
	if r.Status != StatusNew || r.ExternalRef != customer || r.IntegrationTitle != "Matrix" {
		t.Errorf("request = %+v", r)
	}
	if want := "http://sim.test/authfront/ui/auth/vendorrequest?id=" + r.ID.String(); r.ConfirmURL != want {
		t.Errorf("confirmUrl %q, want %q", r.ConfirmURL, want)
	}
	again, created, err := e.reqs.Create(ctx, vendor, KindStandard, in)
	if err != nil || created || again.ID != r.ID {
		t.Errorf("second create: id %s created=%v err=%v, want the first (%s)", again.ID, created, err, r.ID)
	}
}

func TestApproveConcurrentlyMakesOneSystemUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	r, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer,
		Rights: []Right{rightKrav}, AccessPackages: []AccessPackageRef{{URN: sutest.PkgSkatt}}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		ok    int
		codes = map[string]int{}
	)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			u, err := e.reqs.Approve(ctx, r.ID, customer, customerPID)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				if u.ID != r.ID {
					t.Errorf("system user id %s, want the request's %s", u.ID, r.ID)
				}
				return
			}
			codes[code(err)]++
		}()
	}
	close(start)
	wg.Wait()
	if ok != 1 || codes["AUTH-00013"] != n-1 {
		t.Fatalf("successes %d, failures %v; want 1 and %d AUTH-00013", ok, codes, n-1)
	}
	list, err := e.users.ListForParty(ctx, customer)
	if err != nil || len(list) != 1 {
		t.Fatalf("system users %d (%v), want 1", len(list), err)
	}
	got, _ := e.reqs.Get(ctx, r.ID)
	if got.Status != StatusAccepted || got.SystemUserID != r.ID {
		t.Errorf("request after approval: %+v", got)
	}
	// The same triple can't be requested again while the system user lives.
	if _, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}}); code(err) != "AUTH-00004" {
		t.Errorf("create for existing system user: %v, want AUTH-00004", err)
	}
	// The Maskinporten lookup finds it.
	u, err := e.users.ByExternalID(ctx, "client-1", vendor, customer, "")
	if err != nil || u.ID != r.ID {
		t.Errorf("ByExternalID = %s, %v", u.ID, err)
	}
	for _, c := range [][4]string{{"client-2", vendor, customer, ""}, {"client-1", "974761076", customer, ""}, {"client-1", vendor, customer, "other-ref"}, {"client-1", vendor, "314168267", ""}} {
		if _, err := e.users.ByExternalID(ctx, c[0], c[1], c[2], c[3]); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("ByExternalID%v: %v, want not found", c, err)
		}
	}
	// Deleting frees the triple: the vendor may ask again and gets a new request.
	if err := e.users.Delete(ctx, r.ID, "314168267"); code(err) != "AUTH-00024" {
		t.Errorf("delete by another org: %v, want AUTH-00024", err)
	}
	if err := e.users.Delete(ctx, r.ID, customer); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.ByExternalID(ctx, "client-1", vendor, customer, ""); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("lookup after delete: %v", err)
	}
	r2, created, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil || !created || r2.ID == r.ID {
		t.Errorf("create after delete: %v created=%v", err, created)
	}
}

func TestApproveRejectedOrByStranger(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	mk := func(ref string) Request {
		r, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{ExternalRef: ref, SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	rej := mk("rejected")
	if _, err := e.reqs.Approve(ctx, rej.ID, customer, strangerPID); code(err) != "AUTH-00066" {
		t.Errorf("approve by stranger: %v, want AUTH-00066", err)
	}
	if _, err := e.reqs.Approve(ctx, rej.ID, "314168267", "14857841094"); code(err) != "AUTH-00041" {
		t.Errorf("approve for another party: %v, want AUTH-00041", err)
	}
	if err := e.reqs.Reject(ctx, rej.ID, customer, customerPID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reqs.Approve(ctx, rej.ID, customer, customerPID); code(err) != "AUTH-00013" {
		t.Errorf("approve rejected: %v, want AUTH-00013", err)
	}
	if err := e.reqs.Reject(ctx, rej.ID, customer, customerPID); code(err) != "AUTH-00013" {
		t.Errorf("reject twice: %v, want AUTH-00013", err)
	}
	old := mk("old")
	pending, _ := e.reqs.Pending(ctx, customer)
	if len(pending) != 1 || pending[0].ID != old.ID {
		t.Errorf("pending = %v, want just %s", pending, old.ID)
	}
}

// TestRequestAgeNeverClosesIt: the platform removes no request for its age
// (its 28-day archiver is not running) and timedOut is a flag set once a
// request is more than 180 days old; approve and reject ignore it. Pending
// lists a request exactly as long as it reads timedOut false.
func TestRequestAgeNeverClosesIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	std, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{ExternalRef: "old", SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	rej, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{ExternalRef: "old-rejected", SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	at := func(label string, id uuid.UUID, wantTimedOut, wantPending bool) {
		t.Helper()
		r, err := e.reqs.VendorGet(ctx, vendor, KindStandard, id)
		if err != nil {
			t.Fatalf("%s: vendor read: %v, want the request", label, err)
		}
		if r.TimedOut != wantTimedOut || r.Status != StatusNew {
			t.Errorf("%s: timedOut %v status %s, want %v New", label, r.TimedOut, r.Status, wantTimedOut)
		}
		pending, err := e.reqs.Pending(ctx, customer)
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.ContainsFunc(pending, func(p Request) bool { return p.ID == id }); got != wantPending {
			t.Errorf("%s: pending %v, want %v", label, got, wantPending)
		}
	}
	e.clk.Advance(28*24*time.Hour + time.Second)
	at("28 days + 1 s", std.ID, false, true)
	e.clk.Advance(TimeoutAfter - 28*24*time.Hour - 2*time.Second)
	at("180 days - 1 s", std.ID, false, true)
	e.clk.Advance(time.Second)
	at("180 days", std.ID, false, true)
	e.clk.Advance(time.Second)
	at("180 days + 1 s", std.ID, true, false)
	// The same externalRef still names the live request: no new one.
	again, created, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{ExternalRef: "old", SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil || created || again.ID != std.ID || !again.TimedOut {
		t.Errorf("re-create after timeout: %s created=%v timedOut=%v err=%v, want the old request", again.ID, created, again.TimedOut, err)
	}
	u, err := e.reqs.Approve(ctx, std.ID, customer, customerPID)
	if err != nil || u.ID != std.ID {
		t.Fatalf("approve timed-out request: %v, want the system user", err)
	}
	if err := e.reqs.Reject(ctx, rej.ID, customer, customerPID); err != nil {
		t.Errorf("reject timed-out request: %v", err)
	}
	if r, err := e.reqs.Get(ctx, rej.ID); err != nil || r.Status != StatusRejected || !r.TimedOut {
		t.Errorf("rejected timed-out request reads %+v, %v", r, err)
	}
}

func TestAgentRequestAndClients(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, _, err := e.reqs.Create(ctx, vendor, KindAgent, CreateInput{SystemID: agentSystem, PartyOrgNo: firm}); code(err) != "AUTH-00058" {
		t.Errorf("agent without packages: %v", err)
	}
	if _, _, err := e.reqs.Create(ctx, vendor, KindAgent, CreateInput{SystemID: agentSystem, PartyOrgNo: firm, AccessPackages: []AccessPackageRef{{URN: sutest.PkgSkatt}}}); code(err) != "AUTH-00065" {
		t.Errorf("agent with assignable-only package: %v", err)
	}
	r, created, err := e.reqs.Create(ctx, vendor, KindAgent, CreateInput{SystemID: agentSystem, PartyOrgNo: firm, AccessPackages: []AccessPackageRef{{URN: sutest.PkgRegnSign}}})
	if err != nil || !created || r.Kind != KindAgent {
		t.Fatalf("agent create: %v %+v", err, r)
	}
	if _, err := e.reqs.VendorGet(ctx, vendor, KindAgent, r.ID); err != nil {
		t.Errorf("vendor get agent: %v", err)
	}
	u, err := e.reqs.Approve(ctx, r.ID, firm, firmPID)
	if err != nil || u.UserType != su.TypeAgent {
		t.Fatalf("approve agent: %v %+v", err, u)
	}
	avail, err := e.users.AvailableClients(ctx, u.ID)
	if err != nil || len(avail) != 2 || avail[0].OrgNo != customer || avail[1].OrgNo != "314168267" {
		t.Fatalf("available clients = %+v, %v", avail, err)
	}
	if err := e.users.AddClient(ctx, u.ID, "313725138", firm); code(err) != "AUTH-00079" {
		t.Errorf("add non-client: %v, want AUTH-00079", err)
	}
	if err := e.users.AddClient(ctx, u.ID, customer, "974761076"); code(err) != "AUTH-00039" {
		t.Errorf("add by another facilitator: %v, want AUTH-00039", err)
	}
	if err := e.users.AddClient(ctx, u.ID, customer, firm); err != nil {
		t.Fatal(err)
	}
	if err := e.users.AddClient(ctx, u.ID, customer, firm); err != nil {
		t.Errorf("adding twice: %v", err)
	}
	cl, err := e.users.Clients(ctx, u.ID)
	if err != nil || len(cl) != 1 || cl[0].ClientOrgNo != customer || cl[0].ClientName != "Fattig Forsiktig Elg AS" || cl[0].Roles[0] != "REGN" {
		t.Fatalf("clients = %+v, %v", cl, err)
	}
	if err := e.users.Delete(ctx, u.ID, firm); code(err) != "AUTH-00035" {
		t.Errorf("delete agent with clients: %v, want AUTH-00035", err)
	}
	if err := e.users.RemoveClient(ctx, u.ID, customer, firm); err != nil {
		t.Fatal(err)
	}
	if err := e.users.RemoveClient(ctx, u.ID, customer, firm); code(err) != "AUTH-00038" {
		t.Errorf("remove twice: %v, want AUTH-00038", err)
	}
	if err := e.users.Delete(ctx, u.ID, firm); err != nil {
		t.Errorf("delete agent: %v", err)
	}
}

func TestAgentNeedsEveryPackageFromRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	r, _, err := e.reqs.Create(ctx, vendor, KindAgent, CreateInput{SystemID: agentSystem, PartyOrgNo: firm,
		AccessPackages: []AccessPackageRef{{URN: sutest.PkgRegnSign}, {URN: sutest.PkgRevisor}}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.reqs.Approve(ctx, r.ID, firm, firmPID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.users.AddClient(ctx, u.ID, customer, firm); code(err) != "AUTH-00080" {
		t.Errorf("client lacking the auditor package: %v, want AUTH-00080", err)
	}
}

func TestChangeRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	r, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.reqs.Approve(ctx, r.ID, customer, customerPID)
	if err != nil {
		t.Fatal(err)
	}
	corr := uuid.New()
	nc, created, err := e.reqs.CreateChange(ctx, vendor, corr, u.ID, ChangeInput{RequiredRights: []Right{rightKrav}})
	if err != nil || created || nc.Status != StatusNoChangeNeeded {
		t.Errorf("already-held right: %v %+v", err, nc)
	}
	if _, _, err := e.reqs.CreateChange(ctx, "974761076", corr, u.ID, ChangeInput{RequiredRights: []Right{rightOther}}); code(err) != "AUTH-00011" {
		t.Errorf("foreign vendor: %v", err)
	}
	cr, created, err := e.reqs.CreateChange(ctx, vendor, corr, u.ID, ChangeInput{RequiredRights: []Right{rightOther}, UnwantedRights: []Right{rightKrav},
		RequiredAccessPackages: []AccessPackageRef{{URN: sutest.PkgSkatt}}})
	if err != nil || !created || cr.Status != StatusNew || cr.ID != corr {
		t.Fatalf("change: %v %+v", err, cr)
	}
	if again, created, err := e.reqs.CreateChange(ctx, vendor, corr, u.ID, ChangeInput{RequiredRights: []Right{rightOther}}); err != nil || created || again.Status != StatusNew {
		t.Errorf("same correlation id: %v created=%v", err, created)
	}
	got, err := e.reqs.Approve(ctx, corr, customer, customerPID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rights) != 1 || got.Rights[0].Resource[0].Value != "other" || len(got.AccessPackages) != 1 {
		t.Errorf("after change: rights %+v packages %+v", got.Rights, got.AccessPackages)
	}
	if _, err := e.reqs.Approve(ctx, corr, customer, customerPID); code(err) != "AUTH-00013" {
		t.Errorf("approve change twice: %v", err)
	}
}

func TestConcurrentCreatesReturnOneRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	const n = 10
	ids := make([]uuid.UUID, n)
	created := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, c, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{ExternalRef: "same", SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
			ids[i], created[i], errs[i] = r.ID, c, err
		}()
	}
	close(start)
	wg.Wait()
	nCreated := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		if created[i] {
			nCreated++
		}
		if ids[i] != ids[0] {
			t.Errorf("create %d got request %s, want the one request %s", i, ids[i], ids[0])
		}
	}
	if nCreated != 1 {
		t.Errorf("%d creates reported created, want 1", nCreated)
	}
}

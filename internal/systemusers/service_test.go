package systemusers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
	"github.com/altinn-sim/altinn-sim/internal/systemusers/sutest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	vendor = "991825827"
	firm   = "312605031"
	client = "310385980"
)

type fixture struct {
	svc     *su.Service
	systems *sutest.Systems
	parties *parties.Service
	url     string
}

func setup(t *testing.T) fixture {
	t.Helper()
	url := dbtest.NewURL(t)
	pool, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	systems := &sutest.Systems{}
	systems.Put(su.System{ID: "991825827_ledger", Vendor: vendor, Name: map[string]string{"nb": "Ledger"},
		AccessPackages: []su.AccessPackageRef{{URN: sutest.PkgRegnSign}}, ClientIDs: []string{"c-ledger"}})
	p := parties.NewService(pool)
	return fixture{svc: su.NewService(pool, clock.NewFixed(time.Now()), systems, sutest.Packages{}, p), systems: systems, parties: p, url: url}
}

// create makes a system user directly, as an approval does.
func (f fixture) create(t *testing.T, owner, userType string, pkgs ...string) su.SystemUser {
	t.Helper()
	ctx := context.Background()
	sys, _ := f.systems.System(ctx, "991825827_ledger")
	org, err := f.parties.Org(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	var refs []su.AccessPackageRef
	for _, p := range pkgs {
		refs = append(refs, su.AccessPackageRef{URN: p})
	}
	var out su.SystemUser
	err = db.InTx(ctx, f.svc.Pool(), func(q db.Querier) error {
		var err error
		out, err = f.svc.CreateTx(ctx, q, su.New{ID: uuid.New(), System: sys, ReporteeOrgNo: owner, Owner: org, UserType: userType, AccessPackages: refs})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNotifiesPDP checks that every change the PDP caches is announced on
// altinn_sim_invalidate, and only once the transaction commits.
func TestNotifiesPDP(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, f.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "LISTEN altinn_sim_invalidate"); err != nil {
		t.Fatal(err)
	}
	next := func() string {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		n, err := conn.WaitForNotification(wctx)
		if err != nil {
			t.Fatalf("no notification: %v", err)
		}
		return n.Payload
	}
	agent := f.create(t, firm, su.TypeAgent, sutest.PkgRegnSign)
	if got, want := next(), "systemuser:"+agent.ID.String(); got != want {
		t.Errorf("create: %q, want %q", got, want)
	}
	if err := f.svc.AddClient(ctx, agent.ID, client, firm); err != nil {
		t.Fatal(err)
	}
	if got, want := next(), "delegation:"+agent.ID.String(); got != want {
		t.Errorf("add client: %q, want %q", got, want)
	}
	if err := f.svc.RemoveClient(ctx, agent.ID, client, firm); err != nil {
		t.Fatal(err)
	}
	if got, want := next(), "delegation:"+agent.ID.String(); got != want {
		t.Errorf("remove client: %q, want %q", got, want)
	}
	// A failed change announces nothing: deleting as the wrong owner.
	if err := f.svc.Delete(ctx, agent.ID, client); problem.From(err).Code != "AUTH-00024" {
		t.Fatalf("delete by non-owner: %v", err)
	}
	if err := f.svc.Delete(ctx, agent.ID, firm); err != nil {
		t.Fatal(err)
	}
	if got, want := next(), "systemuser:"+agent.ID.String(); got != want {
		t.Errorf("delete: %q, want %q (a failed delete must not notify)", got, want)
	}
}

func TestByExternalIDFollowsTheSystem(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	u := f.create(t, client, su.TypeStandard, sutest.PkgRegnSign)
	if got, err := f.svc.ByExternalID(ctx, "c-ledger", vendor, client, client); err != nil || got.ID != u.ID {
		t.Fatalf("lookup with explicit default ref: %v", err)
	}
	// A deleted system hides its system users from Maskinporten.
	sys, _ := f.systems.System(ctx, "991825827_ledger")
	sys.IsDeleted = true
	f.systems.Put(sys)
	if _, err := f.svc.ByExternalID(ctx, "c-ledger", vendor, client, ""); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("lookup on deleted system: %v, want not found", err)
	}
	if _, err := f.svc.ByExternalID(ctx, "", vendor, client, ""); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("lookup without client: %v", err)
	}
}

func TestSecondLiveSystemUserForTripleRefused(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	f.create(t, client, su.TypeStandard)
	sys, _ := f.systems.System(ctx, "991825827_ledger")
	org, _ := f.parties.Org(ctx, client)
	err := db.InTx(ctx, f.svc.Pool(), func(q db.Querier) error {
		_, err := f.svc.CreateTx(ctx, q, su.New{ID: uuid.New(), System: sys, ReporteeOrgNo: client, Owner: org})
		return err
	})
	if problem.From(err).Code != "AUTH-00004" {
		t.Errorf("second system user: %v, want AUTH-00004", err)
	}
}

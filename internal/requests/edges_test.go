package requests

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
	"github.com/altinn-sim/altinn-sim/internal/systemusers/sutest"
)

// TestChangeRequestWithOneOfEachListIsAChange: a change request naming one
// item in each of two lists is a change, whatever the two lists are — the
// lists are counted, not weighed against each other. (A count that
// subtracted one list from another would answer NoChangeNeeded here.)
func TestChangeRequestWithOneOfEachListIsAChange(t *testing.T) {
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
	skatt := []AccessPackageRef{{URN: sutest.PkgSkatt}}
	cases := []struct {
		name string
		in   ChangeInput
	}{
		{"one right required, one unwanted", ChangeInput{RequiredRights: []Right{rightOther}, UnwantedRights: []Right{rightKrav}}},
		{"one right and one package required", ChangeInput{RequiredRights: []Right{rightOther}, RequiredAccessPackages: skatt}},
		{"one right and one package unwanted", ChangeInput{UnwantedRights: []Right{rightKrav}, UnwantedAccessPackages: skatt}},
	}
	for _, c := range cases {
		corr := uuid.New()
		cr, created, err := e.reqs.CreateChange(ctx, vendor, corr, u.ID, c.in)
		if err != nil || !created || cr.Status != StatusNew || cr.ID != corr {
			t.Errorf("%s: created=%v status %q err %v, want a New change request %s", c.name, created, cr.Status, err, corr)
		}
	}
}

// TestGetReadsEveryKindAndPassesDatabaseErrorsOn: Get finds a request of
// each kind, decorated (confirmUrl for its kind, timedOut false when new);
// an unknown id is AUTH-00010; a database failure is that failure, not a
// not-found and not an empty request.
func TestGetReadsEveryKindAndPassesDatabaseErrorsOn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	std, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	agent, _, err := e.reqs.Create(ctx, vendor, KindAgent, CreateInput{SystemID: agentSystem, PartyOrgNo: firm, AccessPackages: []AccessPackageRef{{URN: sutest.PkgRegnSign}}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.reqs.Approve(ctx, std.ID, customer, customerPID)
	if err != nil {
		t.Fatal(err)
	}
	chg, _, err := e.reqs.CreateChange(ctx, vendor, uuid.New(), u.ID, ChangeInput{RequiredRights: []Right{rightOther}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id         uuid.UUID
		kind, page string
	}{{std.ID, KindStandard, "vendorrequest"}, {agent.ID, KindAgent, "agentrequest"}, {chg.ID, KindChange, "vendorchangerequest"}} {
		r, err := e.reqs.Get(ctx, c.id)
		if err != nil {
			t.Errorf("get %s: %v", c.kind, err)
			continue
		}
		want := "http://sim.test/authfront/ui/auth/" + c.page + "?id=" + c.id.String()
		if r.ID != c.id || r.Kind != c.kind || r.ConfirmURL != want || r.TimedOut {
			t.Errorf("get %s: id %s kind %q confirmUrl %q timedOut %v, want %s %q %q false", c.kind, r.ID, r.Kind, r.ConfirmURL, r.TimedOut, c.id, c.kind, want)
		}
	}
	if _, err := e.reqs.Get(ctx, uuid.New()); !errors.Is(err, dberr.ErrNotFound) || code(err) != "AUTH-00010" {
		t.Errorf("unknown id: %v, want AUTH-00010", err)
	}
	dead, cancel := context.WithCancel(ctx)
	cancel()
	r, err := e.reqs.Get(dead, std.ID)
	if err == nil || errors.Is(err, dberr.ErrNotFound) || code(err) == "AUTH-00010" {
		t.Errorf("get on a failing database: %+v, %v; want the database's error", r, err)
	}
}

// TestByExternalRefPassesDatabaseErrorsOn: the lookup by (system, party,
// externalRef) answers a database failure as that failure, never as an
// empty request with a confirmUrl.
func TestByExternalRefPassesDatabaseErrorsOn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	r, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, ExternalRef: "ref-1", Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.reqs.ByExternalRef(ctx, vendor, KindStandard, systemID, customer, "ref-1")
	if err != nil || got.ID != r.ID || got.ConfirmURL == "" {
		t.Fatalf("by external ref: %+v, %v; want request %s with its confirmUrl", got, err, r.ID)
	}
	// The system lookup goes to the caller's stub; the request's own
	// read is the first to meet the dead connection.
	dead, cancel := context.WithCancel(ctx)
	cancel()
	for _, kind := range []string{KindStandard, KindChange} {
		got, err := e.reqs.ByExternalRef(dead, vendor, kind, systemID, customer, "ref-1")
		if err == nil || errors.Is(err, dberr.ErrNotFound) || got.ConfirmURL != "" {
			t.Errorf("%s on a failing database: %+v, %v; want the database's error", kind, got, err)
		}
	}
}

// TestListBySystemPageEdges: a page holds PageSize requests (50 when
// unset) and says another follows only when one does — a page exactly
// full is the last.
func TestListBySystemPageEdges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for _, ref := range []string{"a", "b", "c"} {
		if _, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, ExternalRef: ref, Rights: []Right{rightKrav}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		pageSize, want int
		more           bool
	}{{0, 3, false}, {3, 3, false}, {2, 2, true}, {4, 3, false}} {
		e.reqs.PageSize = c.pageSize
		page, more, err := e.reqs.ListBySystem(ctx, vendor, KindStandard, systemID, uuid.Nil)
		if err != nil || len(page) != c.want || more != c.more {
			t.Errorf("page size %d: %d requests, more %v, err %v; want %d, more %v", c.pageSize, len(page), more, err, c.want, c.more)
		}
	}
}

// TestCheckRedirect: a request's redirectUrl must be one of the system's
// allowed URLs compared as .NET's Uri.GetLeftPart(UriPartial.Path) gives
// them — scheme and host in any case, the query and fragment ignored, an
// empty path the same as "/" — else AUTH-00021; a system with none allowed
// refuses any (AUTH-00026); no redirectUrl is always fine.
func TestCheckRedirect(t *testing.T) {
	sys := su.System{AllowedRedirectURLs: []string{"https://vendor.example/callback", "https://other.example"}}
	for _, c := range []struct {
		redirect, want string
	}{
		{"", ""},
		{"https://vendor.example/callback", ""},
		{"HTTPS://Vendor.Example/callback?state=1#top", ""},
		{"https://other.example/", ""},
		{"https://other.example", ""},
		{"https://vendor.example/other", "AUTH-00021"},
		{"https://vendor.example/", "AUTH-00021"},
		{"https://other.example/callback", "AUTH-00021"},
		{"http://vendor.example/callback", "AUTH-00021"},
		{"/callback", "AUTH-00021"},
		{"not a url", "AUTH-00021"},
	} {
		if got := code(checkRedirect(sys, c.redirect)); got != c.want {
			t.Errorf("redirect %q: %q, want %q", c.redirect, got, c.want)
		}
	}
	if got := code(checkRedirect(su.System{}, "https://vendor.example/callback")); got != "AUTH-00026" {
		t.Errorf("system without redirect URLs: %q, want AUTH-00026", got)
	}
	if got := code(checkRedirect(su.System{}, "")); got != "" {
		t.Errorf("no redirect on a system without redirect URLs: %q, want none", got)
	}
}

// TestSoftDeleteOnce: a request (and a change request) is soft-deleted
// once; deleting it again finds nothing to delete.
func TestSoftDeleteOnce(t *testing.T) {
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
	chg, _, err := e.reqs.CreateChange(ctx, vendor, uuid.New(), u.ID, ChangeInput{RequiredRights: []Right{rightOther}})
	if err != nil {
		t.Fatal(err)
	}
	now := e.clk.Now()
	for _, c := range []struct {
		name string
		del  func(context.Context, db.Querier, uuid.UUID, time.Time) (bool, error)
		id   uuid.UUID
	}{{"request", deleteReq, r.ID}, {"change request", deleteChg, chg.ID}} {
		first, err1 := c.del(ctx, e.reqs.pool, c.id, now)
		second, err2 := c.del(ctx, e.reqs.pool, c.id, now)
		if err1 != nil || err2 != nil || !first || second {
			t.Errorf("%s: first %v (%v), second %v (%v); want true then false", c.name, first, err1, second, err2)
		}
	}
}

// TestDeletePassesDatabaseErrorsOn: when the soft delete itself fails (the
// request was read, the UPDATE refused), Delete answers that failure,
// never AUTH-00010 as though the request were gone, and the request stays.
func TestDeletePassesDatabaseErrorsOn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	std, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	// A second standard request for the change request's system user; the
	// first stays New to be deleted.
	other, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, ExternalRef: "other", Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.reqs.Approve(ctx, other.ID, customer, customerPID)
	if err != nil {
		t.Fatal(err)
	}
	chg, _, err := e.reqs.CreateChange(ctx, vendor, uuid.New(), u.ID, ChangeInput{RequiredRights: []Right{rightOther}})
	if err != nil {
		t.Fatal(err)
	}
	// The database refuses every update of a request (this test's own
	// database: dbtest gives each test a fresh one).
	if _, err := e.pool.Exec(ctx, `
		CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'updates refused'; END $$;
		CREATE TRIGGER refuse BEFORE UPDATE ON systemuser_requests FOR EACH ROW EXECUTE FUNCTION refuse_update();
		CREATE TRIGGER refuse BEFORE UPDATE ON systemuser_change_requests FOR EACH ROW EXECUTE FUNCTION refuse_update();`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kind string
		id   uuid.UUID
	}{{"", std.ID}, {KindChange, chg.ID}} {
		err := e.reqs.Delete(ctx, vendor, c.kind, c.id)
		if err == nil || errors.Is(err, dberr.ErrNotFound) || code(err) == "AUTH-00010" {
			t.Errorf("delete %q with the update refused: %v; want the database's error", c.kind, err)
		}
		if r, err := e.reqs.Get(ctx, c.id); err != nil || r.ID != c.id {
			t.Errorf("after a failed delete %q: %+v, %v; want the request still there", c.kind, r, err)
		}
	}
}

// TestOverviewNewestAndCounts: the /sim/ overview lists the newest visible
// requests and change requests (up to the limit of each, newest first,
// decorated) and counts every kind and status; a failing database is an
// error, never an empty overview.
func TestOverviewNewestAndCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	first, _, err := e.reqs.Create(ctx, vendor, KindStandard, CreateInput{SystemID: systemID, PartyOrgNo: customer, ExternalRef: "first", Rights: []Right{rightKrav}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.reqs.Approve(ctx, first.ID, customer, customerPID)
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Second)
	second, _, err := e.reqs.Create(ctx, vendor, KindAgent, CreateInput{SystemID: agentSystem, PartyOrgNo: firm, AccessPackages: []AccessPackageRef{{URN: sutest.PkgRegnSign}}})
	if err != nil {
		t.Fatal(err)
	}
	chg, _, err := e.reqs.CreateChange(ctx, vendor, uuid.New(), u.ID, ChangeInput{RequiredRights: []Right{rightOther}})
	if err != nil {
		t.Fatal(err)
	}
	reqs, changes, counts, err := e.reqs.Overview(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 1 || reqs[0].ID != second.ID || reqs[0].ConfirmURL == "" {
		t.Errorf("newest request: %+v, want only %s, decorated", reqs, second.ID)
	}
	if len(changes) != 1 || changes[0].ID != chg.ID || changes[0].ConfirmURL == "" {
		t.Errorf("newest change request: %+v, want %s, decorated", changes, chg.ID)
	}
	want := []StatusCount{{KindAgent, StatusNew, 1}, {KindChange, StatusNew, 1}, {KindStandard, StatusAccepted, 1}}
	if !slices.Equal(counts, want) {
		t.Errorf("counts %+v, want %+v", counts, want)
	}
	dead, cancel := context.WithCancel(ctx)
	cancel()
	if reqs, changes, counts, err := e.reqs.Overview(dead, 1); err == nil {
		t.Errorf("overview on a failing database: %+v %+v %+v, want an error", reqs, changes, counts)
	}
}

// TestCreateSaysWhetherItCreated: the first POST of a request creates it
// (the handler's 201 with Location); the same POST again answers the live
// request it finds, not created (the handler's 200), with the same id.
func TestCreateSaysWhetherItCreated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	in := CreateInput{SystemID: systemID, PartyOrgNo: customer, ExternalRef: "created-once", Rights: []Right{rightKrav}}
	first, created, err := e.reqs.Create(ctx, vendor, KindStandard, in)
	if err != nil || !created {
		t.Fatalf("first Create: created %v, err %v; want created", created, err)
	}
	again, created, err := e.reqs.Create(ctx, vendor, KindStandard, in)
	if err != nil || created {
		t.Fatalf("second Create: created %v, err %v; want the live request, not created", created, err)
	}
	if again.ID != first.ID {
		t.Errorf("second Create answered %s, want the live request %s", again.ID, first.ID)
	}
}

// TestCreateLosingTheInsertRaceAnswersTheWinner: a POST that passes the
// look-up for a live request but then meets another POST's request at the
// insert (the unique live triple) answers the winner's request, not
// created. The other POST is held open in a transaction until this one
// waits on it, so the race is taken every time.
func TestCreateLosingTheInsertRaceAnswersTheWinner(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	in := CreateInput{SystemID: systemID, PartyOrgNo: customer, ExternalRef: "raced", Rights: []Right{rightKrav}}
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	winner, err := insertReq(ctx, tx, Request{ID: uuid.New(), Kind: KindStandard, ExternalRef: in.ExternalRef, SystemID: in.SystemID,
		PartyOrgNo: in.PartyOrgNo, IntegrationTitle: "winner", Rights: in.Rights, AccessPackages: []AccessPackageRef{},
		Status: StatusNew, Created: e.clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		r       Request
		created bool
		err     error
	}
	done := make(chan result, 1)
	go func() {
		r, c, err := e.reqs.Create(ctx, vendor, KindStandard, in)
		done <- result{r, c, err}
	}()
	// Wait until the Create's INSERT waits on the open transaction's row.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var waiting int
		if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO systemuser_requests%'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case res := <-done:
			t.Fatalf("Create finished without waiting on the open insert: %+v", res)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("Create never waited on the open insert")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.err != nil || res.created {
		t.Fatalf("Create after losing the race: created %v, err %v; want the winner, not created", res.created, res.err)
	}
	if res.r.ID != winner.ID || res.r.IntegrationTitle != "winner" {
		t.Errorf("Create answered %s (%q), want the winner %s", res.r.ID, res.r.IntegrationTitle, winner.ID)
	}
}

package systemusers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
	"github.com/altinn-sim/altinn-sim/internal/systemusers/sutest"
)

// TestForGrantCacheAcrossInstances: /token's lookup on instance A answers
// from its cache, and a system user created or deleted on instance B shows
// at A as soon as B's write has answered; a change nobody notified stays
// unseen, which shows the answers come from the cache.
func TestForGrantCacheAcrossInstances(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	a := su.NewService(f.svc.Pool(), clock.NewFixed(time.Now()), f.systems, sutest.Packages{}, f.parties)
	l := db.NewListener(f.svc.Pool().Config().ConnConfig, nil)
	a.Listen(l)
	t.Cleanup(l.Start())
	for deadline := time.Now().Add(10 * time.Second); !a.CacheLive(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the cache never went live")
		}
	}
	lookup := func() (su.GrantRef, error) { return a.ForGrant(ctx, "c-ledger", vendor, client, "") }
	if _, err := lookup(); !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("before: %v, want not found", err)
	}
	u := f.create(t, client, su.TypeStandard)
	got, err := lookup()
	if err != nil || got.ID != u.ID || got.SystemID != "991825827_ledger" || got.ReporteeOrgNo != client || got.ExternalRef != client {
		t.Fatalf("after create on B: %+v, %v", got, err)
	}
	if _, err := f.svc.Pool().Exec(ctx, `UPDATE system_users SET is_deleted = true WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := lookup(); err != nil || got.ID != u.ID {
		t.Fatalf("unnotified change: %+v, %v; want the cached answer", got, err)
	}
	if _, err := f.svc.Pool().Exec(ctx, `UPDATE system_users SET is_deleted = false WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Delete(ctx, u.ID, client); err != nil {
		t.Fatal(err)
	}
	if got, err := lookup(); !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("after delete on B: %+v, %v; want not found", got, err)
	}
	// Another vendor's client never gets it.
	f.create(t, client, su.TypeStandard)
	if _, err := a.ForGrant(ctx, "c-ledger", "313725138", client, ""); !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("other vendor: %v", err)
	}
}

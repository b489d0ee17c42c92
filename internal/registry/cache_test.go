package registry

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// TestClientSystemCacheAcrossInstances: instance A answers which system a
// client is bound to from its cache, and every bind or unbind instance B
// makes (create, a PUT that drops or adds the client, delete) shows at A
// as soon as B's write has answered. A change nobody notified stays
// unseen, which shows the answers do come from the cache.
func TestClientSystemCacheAcrossInstances(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newService(t)
	a := NewService(b.pool, clock.System{}, b.cat)
	l := db.NewListener(b.pool.Config().ConnConfig, nil)
	a.Listen(l)
	t.Cleanup(l.Start())
	for deadline := time.Now().Add(10 * time.Second); !a.clients.Live(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the client cache never went live")
		}
	}
	bound := func(want string) {
		t.Helper()
		cs, err := a.ClientSystem(ctx, client1)
		if want == "" {
			if !errors.Is(err, dberr.ErrNotFound) {
				t.Fatalf("ClientSystem = %+v, %v; want not found", cs, err)
			}
			return
		}
		if err != nil || cs.ID != want || cs.Vendor != vendor {
			t.Fatalf("ClientSystem = %+v, %v; want %s of %s", cs, err, want, vendor)
		}
	}
	bound("") // a cached "none"
	req := theMatrix()
	if _, err := b.Create(ctx, owner, req); err != nil {
		t.Fatal(err)
	}
	bound(req.ID)
	req.ClientID = []string{client2}
	if err := b.Update(ctx, owner, req.ID, req, ""); err != nil {
		t.Fatal(err)
	}
	bound("")
	req.ClientID = []string{client1, client2}
	if err := b.Update(ctx, owner, req.ID, req, ""); err != nil {
		t.Fatal(err)
	}
	bound(req.ID)
	// Behind the cache's back: still the cached answer.
	if _, err := b.pool.Exec(ctx, `DELETE FROM system_register_clients WHERE client_id = $1`, client1); err != nil {
		t.Fatal(err)
	}
	bound(req.ID)
	if _, err := b.pool.Exec(ctx, `INSERT INTO system_register_clients (client_id, system_internal_id, created)
		SELECT $1, internal_id, now() FROM system_register WHERE system_id = $2`, client1, req.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, owner, req.ID); err != nil {
		t.Fatal(err)
	}
	bound("")
	// A reset of the database drops the answers too.
	if _, err := b.Create(ctx, owner, theMatrixAs("991825827_neo", client1)); err != nil {
		t.Fatal(err)
	}
	bound("991825827_neo")
	if _, err := b.pool.Exec(ctx, `UPDATE system_register SET is_deleted = true WHERE system_id = '991825827_neo'`); err != nil {
		t.Fatal(err)
	}
	bound("991825827_neo")
	if err := db.Invalidate(ctx, b.pool, db.ResetPayload); err != nil {
		t.Fatal(err)
	}
	bound("")
}

func theMatrixAs(id, client string) RegisterRequest {
	r := theMatrix()
	r.ID = id
	r.ClientID = []string{client}
	return r
}

package mpclient

import (
	"context"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// listenLive subscribes s's client cache to a listener of its own and
// waits until the cache is in use.
func listenLive(t *testing.T, s *Service) {
	t.Helper()
	l := db.NewListener(s.pool.Config().ConnConfig, nil)
	s.Listen(l)
	t.Cleanup(l.Start())
	for deadline := time.Now().Add(10 * time.Second); !s.CacheLive(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the client cache never went live")
		}
	}
}

// TestClientCacheLifetimeFollowsTheAppClock: a client cached without a
// notification is trusted for clientCacheTTL of the app's clock (which
// /sim/clock moves), not of wall time.
func TestClientCacheLifetimeFollowsTheAppClock(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	clk := clock.NewFixed(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := New(pool, clk, nil, nil)
	listenLive(t, s)
	if _, err := s.CreateClient(ctx, NewClient{ClientID: "cache-clock", OrgNo: "991825827", Name: "before", Scopes: []string{"test:read"}}); err != nil {
		t.Fatal(err)
	}
	name := func() string {
		t.Helper()
		c, err := s.Lookup(ctx, "cache-clock")
		if err != nil {
			t.Fatal(err)
		}
		return c.Name
	}
	if n := name(); n != "before" {
		t.Fatalf("name %q", n)
	}
	// A change nobody notified: the cache keeps answering until its
	// lifetime on the app's clock is over.
	if _, err := pool.Exec(ctx, `UPDATE maskinporten_clients SET name = 'after' WHERE client_id = 'cache-clock'`); err != nil {
		t.Fatal(err)
	}
	if n := name(); n != "before" {
		t.Fatalf("name %q: the cache was not used", n)
	}
	clk.Advance(clientCacheTTL)
	if n := name(); n != "after" {
		t.Fatalf("name %q after the app's clock passed the cache lifetime, want after", n)
	}
}

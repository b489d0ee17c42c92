package scopes

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// TestFirstClaimOfAPrefixWins: two organisations creating scopes under
// the same unowned prefix at once; exactly one gets the prefix, the other
// is refused as not its owner, and nothing of the loser's is written.
func TestFirstClaimOfAPrefixWins(t *testing.T) {
	ctx := context.Background()
	s := New(dbtest.New(t), clock.NewFixed(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	orgs := []string{"313725138", "310385980"}
	for round := range 5 {
		prefix := "race" + string(rune('a'+round))
		errs := make([]error, len(orgs))
		var wg sync.WaitGroup
		for i, org := range orgs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.CreateScope(ctx, org, Scope{Prefix: prefix, Subscope: "api-" + org, Description: "d",
					Active: true, AllowedIntegrationTypes: []string{"maskinporten"}, Visibility: "PUBLIC", TokenType: "SELF_CONTAINED"})
			}()
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			var p *problem.Problem
			switch {
			case err == nil:
				if won >= 0 {
					t.Fatalf("%s: both organisations got the prefix", prefix)
				}
				won = i
			case errors.As(err, &p) && p.Code == ErrNotOwner.Code:
			default:
				t.Fatalf("%s: %s: %v", prefix, orgs[i], err)
			}
		}
		if won < 0 {
			t.Fatalf("%s: nobody got the prefix", prefix)
		}
		owner, err := prefixOwner(ctx, s.pool, prefix)
		if err != nil || owner != orgs[won] {
			t.Fatalf("%s: owner %q (%v), want %s", prefix, owner, err, orgs[won])
		}
		for i, org := range orgs {
			own, err := s.OwnScopes(ctx, org, true)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, sc := range own {
				if sc.Prefix == prefix {
					n++
				}
			}
			if want := map[bool]int{true: 1, false: 0}[i == won]; n != want {
				t.Fatalf("%s: %s has %d scopes under it, want %d", prefix, org, n, want)
			}
		}
	}
}

// TestUpdatesOfOneScopeSerialise: concurrent changes of one scope each
// read the others' writes (the row is locked), so none is lost.
func TestUpdatesOfOneScopeSerialise(t *testing.T) {
	ctx := context.Background()
	s := New(dbtest.New(t), nil)
	const org = "974761076"
	in := NewScopeDefaults()
	in.Prefix, in.Subscope, in.Description = "skatteetaten", "counter", "0"
	if _, err := s.CreateScope(ctx, org, in); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateScope(ctx, org, "skatteetaten:counter", func(cur Scope) (Scope, error) {
				cur.AtMaxAge++
				return cur, nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	sc, err := s.OwnScope(ctx, org, "skatteetaten:counter")
	if err != nil {
		t.Fatal(err)
	}
	if sc.AtMaxAge != n {
		t.Fatalf("at_max_age %d after %d increments: an update was lost", sc.AtMaxAge, n)
	}
}

// TestVerdictCacheLifetimeFollowsTheAppClock: a verdict cached without a
// notification is trusted for verdictTTL of the app's clock, then read
// again.
func TestVerdictCacheLifetimeFollowsTheAppClock(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	clk := clock.NewFixed(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := New(pool, clk)
	l := db.NewListener(pool.Config().ConnConfig, nil)
	s.Listen(l)
	t.Cleanup(l.Start())
	for deadline := time.Now().Add(10 * time.Second); !s.CacheLive(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the verdict cache never went live")
		}
	}
	const org, scope = "313725138", "altinn:serviceowner"
	if _, err := s.GrantAccess(ctx, "991825827", scope, org); err != nil {
		t.Fatal(err)
	}
	check := func() Verdict {
		t.Helper()
		v, err := s.Check(ctx, org, scope)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := check(); v != Allowed {
		t.Fatalf("granted: %v", v)
	}
	// A change nobody notified: the cached verdict holds until its
	// lifetime on the app's clock is over.
	if _, err := pool.Exec(ctx, `UPDATE maskinporten_scope_access SET state = 'DENIED' WHERE scope = $1 AND consumer_orgno = $2`, scope, org); err != nil {
		t.Fatal(err)
	}
	if v := check(); v != Allowed {
		t.Fatalf("the cache was not used: %v", v)
	}
	clk.Advance(verdictTTL - time.Second)
	if v := check(); v != Allowed {
		t.Fatalf("a second before the lifetime is over: %v", v)
	}
	clk.Advance(time.Second)
	if v := check(); v != NotGranted {
		t.Fatalf("after the lifetime on the app's clock: %v, want not granted", v)
	}
}

package scopes

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// TestFirstClaimOfAPrefixWins: two organisations creating scopes under
// the same unowned prefix at once; exactly one gets the prefix, the other
// is refused as not its owner, and nothing of the loser's is written.
func TestFirstClaimOfAPrefixWins(t *testing.T) {
	ctx := context.Background()
	s := New(dbtest.New(t), clock.NewFixed(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), nil)
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
	s := New(dbtest.New(t), nil, nil)
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

package signing

import (
	"context"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// activeKids are the kids of s's active keys, by purpose.
func activeKids(s *Service) map[string]string {
	out := map[string]string{}
	for _, p := range purposes {
		out[p] = s.keys.activeKey(p).kid
	}
	return out
}

// TestKeygenKeysUsedByOneServiceOnly: keys made ahead become a fresh
// database's keys; they are handed over once (a second service makes its
// own), never for another algorithm, and never instead of keys the
// database already has.
func TestKeygenKeysUsedByOneServiceOnly(t *testing.T) {
	ctx := context.Background()
	g := StartKeygen("ES256")
	<-g.done
	ahead := map[string]string{}
	for p, m := range g.keys {
		if m.err != nil {
			t.Fatal(m.err)
		}
		ahead[p] = m.k.kid
	}
	newService := func(pool, alg string, g *Keygen) *Service {
		t.Helper()
		s, err := New(ctx, Deps{Pool: dbtest.OpenURL(t, pool), Keygen: g}, DefaultSettings("http://mp.test", alg, 0))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// Another algorithm: not these keys, and they stay for the one that fits.
	if s := newService(dbtest.NewURL(t), "RS256", g); activeKids(s)[purposeAltinn] == ahead[purposeAltinn] {
		t.Fatal("ES256 keys made ahead used for RS256")
	}
	fresh := dbtest.NewURL(t)
	first := newService(fresh, "ES256", g)
	if got := activeKids(first); !sameKids(got, ahead) {
		t.Fatalf("fresh database's keys %v, want the ones made ahead %v", got, ahead)
	}
	// The same database again: its own keys, not new ones, and the keys
	// made ahead stay unused for a database that needs them.
	g2 := StartKeygen("ES256")
	if got := activeKids(newService(fresh, "ES256", g2)); !sameKids(got, ahead) {
		t.Fatalf("restart took keys made ahead %v over the stored %v", got, ahead)
	}
	if _, ok := g2.take("ES256"); !ok {
		t.Fatal("a restart with its keys in the database used up the keys made ahead")
	}
	second := newService(dbtest.NewURL(t), "ES256", g)
	for p, kid := range activeKids(second) {
		if kid == ahead[p] {
			t.Fatalf("keys made ahead handed to a second service (%s %s)", p, kid)
		}
	}
}

func sameKids(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for p, kid := range a {
		if b[p] != kid {
			return false
		}
	}
	return true
}

package maskinporten

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// Every purgeEvery-th grant deletes the jtis whose grants have expired,
// and only those: a jti whose recorded expiry is a second away stays (a
// purge that reached past now would open a replay), and a purge that
// worked logs nothing.
func TestJTIPurge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := clock.NewFixed(time.Now().Truncate(time.Second))
	pool := dbtest.New(t)
	cs := mpclient.New(pool, clk, nil, nil)
	sg, err := signing.New(ctx, signing.Deps{Pool: pool, Clock: clk}, signing.DefaultSettings("http://mp.test", "ES256", 0))
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	s := New(Deps{Pool: pool, Clock: clk, Signer: sg, Clients: cs, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	set, _ := mpgrant.PublicJWKS(key)
	c, err := cs.CreateClient(ctx, mpclient.NewClient{OrgNo: "991825827", Scopes: []string{"a:b"}, JWKS: mpclient.JWKS(set)})
	if err != nil {
		t.Fatal(err)
	}
	for jti, exp := range map[string]time.Time{"old": clk.Now().Add(-time.Minute), "live": clk.Now().Add(time.Minute), "soon": clk.Now().Add(time.Second)} {
		if _, err := recordJTI(ctx, pool, c.ClientID, jti, exp); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM maskinporten_jti WHERE jti IN ('old', 'live', 'soon')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	grant := func() {
		g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: c.ClientID, Audience: "http://mp.test/", Scopes: []string{"a:b"}, Now: clk.Now()}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ValidateGrant(ctx, TokenRequest{GrantType: GrantType, Assertion: g}); err != nil {
			t.Fatal(err)
		}
	}
	grant()
	if n := count(); n != 3 {
		t.Fatalf("purged too early: %d", n)
	}
	s.grants.Store(purgeEvery - 1)
	grant()
	if n := count(); n != 2 {
		t.Fatalf("after purge: %d rows, want only the two live ones", n)
	}
	for _, jti := range []string{"live", "soon"} {
		if fresh, _ := recordJTI(ctx, pool, c.ClientID, jti, clk.Now()); fresh {
			t.Fatalf("the live jti %q was purged", jti)
		}
	}
	if logged.Len() != 0 {
		t.Errorf("a purge that worked logged %q", logged.String())
	}
}

// The jti register is unlogged (no WAL per token; README says what a crash
// forgets) and recordJTI's insert is the whole check: a second pool on the
// same database, as another instance has, is refused the same pair.
func TestJTIRegisterUnloggedAndShared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.NewURL(t)
	a, b := dbtest.OpenURL(t, url), dbtest.OpenURL(t, url)
	var persistence string
	if err := a.QueryRow(ctx, `SELECT relpersistence FROM pg_class WHERE oid = 'maskinporten_jti'::regclass`).Scan(&persistence); err != nil {
		t.Fatal(err)
	}
	if persistence != "u" {
		t.Fatalf("maskinporten_jti persistence %q, want unlogged (u)", persistence)
	}
	exp := time.Now().Add(time.Minute)
	if fresh, err := recordJTI(ctx, a, "client-1", "jti-1", exp); err != nil || !fresh {
		t.Fatalf("first use on A: %v, %v", fresh, err)
	}
	if fresh, err := recordJTI(ctx, b, "client-1", "jti-1", exp); err != nil || fresh {
		t.Fatalf("replay on B: fresh=%v, %v", fresh, err)
	}
}

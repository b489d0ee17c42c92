package pdp

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/cache"
)

// Verified bearer tokens are remembered for a while, so /authorize does
// not check an RSA signature on every decision: a resource owner's API
// sends the same token for every request until it expires. Our tokens
// cannot be revoked, so a token verified once stays valid until its exp;
// the cache keeps it at most tokenCacheTTL and never past exp by the
// app's clock (which /sim/clock moves).
const (
	tokenCacheTTL  = 30 * time.Second
	tokenCacheSize = 10000
)

// tokenCache wraps a verifier with a cache.Cache on the app's clock. It
// is not a Notified cache: nothing about a verified token changes.
type tokenCache struct {
	v    auth.Verifier
	now  func() time.Time
	once sync.Once
	c    *cache.Cache[string, auth.Caller]
}

func (t *tokenCache) Verify(ctx context.Context, raw string) (auth.Caller, error) {
	t.once.Do(func() {
		t.c = cache.New[string, auth.Caller](cache.Options{Now: t.now, TTL: tokenCacheTTL, Max: tokenCacheSize})
	})
	if c, ok := t.c.Get(raw); ok {
		return c, nil
	}
	gen := t.c.Gen()
	c, err := t.v.Verify(ctx, raw)
	if err != nil {
		return c, err
	}
	exp, ok := expOf(c.Claims["exp"])
	if !ok {
		return c, nil // no exp: do not remember
	}
	// Never past exp; a token already at exp is not kept (negative TTL).
	ttl := min(tokenCacheTTL, exp.Sub(t.now()))
	if ttl == 0 {
		ttl = -1
	}
	t.c.PutFor(raw, c, gen, ttl)
	return c, nil
}

func expOf(v any) (time.Time, bool) {
	switch n := v.(type) {
	case json.Number:
		if f, err := n.Float64(); err == nil {
			return time.Unix(int64(f), 0), true
		}
	case float64:
		return time.Unix(int64(n), 0), true
	case int64:
		return time.Unix(n, 0), true
	case int:
		return time.Unix(int64(n), 0), true
	case time.Time:
		return n, true
	}
	return time.Time{}, false
}

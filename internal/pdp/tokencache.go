package pdp

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/auth"
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

type tokenCache struct {
	v   auth.Verifier
	now func() time.Time
	mu  sync.RWMutex
	m   map[string]cachedCaller
}

type cachedCaller struct {
	c     auth.Caller
	until time.Time
}

func (t *tokenCache) Verify(ctx context.Context, raw string) (auth.Caller, error) {
	now := t.now()
	t.mu.RLock()
	e, ok := t.m[raw]
	t.mu.RUnlock()
	if ok && now.Before(e.until) {
		return e.c, nil
	}
	c, err := t.v.Verify(ctx, raw)
	if err != nil {
		return c, err
	}
	until := now.Add(tokenCacheTTL)
	exp, ok := expOf(c.Claims["exp"])
	if !ok {
		return c, nil // no exp: do not remember
	}
	if exp.Before(until) {
		until = exp
	}
	t.mu.Lock()
	if len(t.m) >= tokenCacheSize {
		t.m = nil // simplest bound: start over
	}
	if t.m == nil {
		t.m = make(map[string]cachedCaller)
	}
	t.m[raw] = cachedCaller{c: c, until: until}
	t.mu.Unlock()
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

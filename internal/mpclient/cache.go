package mpclient

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// clientsChannel is where client writers notify every instance; the
// payload is "client:<clientId>".
const clientsChannel = "altinn_sim_tokens"

// clientCacheTTL bounds how long a cached client is trusted even without
// a notification (a safety net; notifications normally arrive in
// milliseconds).
const clientCacheTTL = 30 * time.Second

// clientCache keeps clients in memory so a grant costs one database round
// trip (the jti insert) instead of two. It is used only while the
// listener is connected; every write notifies all instances, and a
// generation counter keeps a read that raced with an invalidation from
// being cached.
type clientCache struct {
	mu   sync.RWMutex
	m    map[string]cachedClient
	live atomic.Bool
	gen  atomic.Uint64
}

type cachedClient struct {
	c  Client
	at time.Time
}

func (cc *clientCache) get(id string) (Client, bool) {
	if !cc.live.Load() {
		return Client{}, false
	}
	cc.mu.RLock()
	e, ok := cc.m[id]
	cc.mu.RUnlock()
	if !ok || time.Since(e.at) > clientCacheTTL {
		return Client{}, false
	}
	return e.c, true
}

// put caches c unless an invalidation happened since gen was read.
func (cc *clientCache) put(c Client, gen uint64) {
	if !cc.live.Load() {
		return
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.gen.Load() != gen {
		return
	}
	if cc.m == nil {
		cc.m = map[string]cachedClient{}
	}
	cc.m[c.ClientID] = cachedClient{c: c, at: time.Now()}
}

func (cc *clientCache) invalidate(id string) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.gen.Add(1)
	delete(cc.m, id)
}

func (cc *clientCache) flush() {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.gen.Add(1)
	cc.m = nil
}

// Lookup reads a client through the cache (db.ErrNotFound when there is
// none): what a grant uses.
func (s *Service) Lookup(ctx context.Context, id string) (Client, error) {
	if c, ok := s.cache.get(id); ok {
		return c, nil
	}
	gen := s.cache.gen.Load()
	c, err := getClient(ctx, s.pool, id)
	if err != nil {
		return Client{}, err
	}
	s.cache.put(c, gen)
	return c, nil
}

// notifyClient tells every instance (this one included) that a client
// changed; call it inside the writing transaction (db.InTx then returns
// only once every instance's client cache has dropped it).
func notifyClient(ctx context.Context, q db.Querier, id string) error {
	return db.Notify(ctx, q, clientsChannel, "client:"+id)
}

// Listen subscribes the client cache to the instance's listener, for
// client changes and for a reset of the whole database; without it (or
// while it is down) every grant reads the client from the database.
func (s *Service) Listen(l *db.Listener) {
	l.Subscribe([]string{clientsChannel, db.InvalidateChannel}, db.ListenFuncs{
		Connected: func() {
			s.cache.flush()
			s.cache.live.Store(true)
		},
		Lost: func() {
			s.cache.live.Store(false)
			s.cache.flush()
		},
		Notify: func(channel, payload string) {
			if channel == db.InvalidateChannel {
				// Only a reset touches clients; other payloads are the PDP's.
				if payload == db.ResetPayload {
					s.cache.flush()
				}
				return
			}
			if id, ok := strings.CutPrefix(payload, "client:"); ok {
				s.cache.invalidate(id)
			} else {
				s.cache.flush()
			}
		},
	})
}

// CacheLive reports whether the client cache is in use (tests).
func (s *Service) CacheLive() bool { return s.cache.live.Load() }

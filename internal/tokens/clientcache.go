package tokens

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

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

// lookupClient reads a client through the cache.
func (s *Service) lookupClient(ctx context.Context, id string) (Client, error) {
	if c, ok := s.clients.get(id); ok {
		return c, nil
	}
	gen := s.clients.gen.Load()
	c, err := getClient(ctx, s.pool, id)
	if err != nil {
		return Client{}, err
	}
	s.clients.put(c, gen)
	return c, nil
}

// notifyClient tells every instance (this one included) that a client
// changed; call it inside the writing transaction.
func notifyClient(ctx context.Context, q db.Querier, id string) error {
	_, err := q.Exec(ctx, `SELECT pg_notify($1, $2)`, clientsChannel, "client:"+id)
	return db.Map(err)
}

// Listen keeps a connection LISTENing for client changes so the client
// cache can be used; without it (or while it is down) every grant reads
// the client from the database. stop ends it and waits.
func (s *Service) Listen(cfg *pgx.ConnConfig) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		backoff := 100 * time.Millisecond
		for ctx.Err() == nil {
			err := s.listenOnce(ctx, cfg, func() { backoff = 100 * time.Millisecond })
			s.clients.live.Store(false)
			s.clients.flush()
			if ctx.Err() != nil {
				return
			}
			s.log.Warn("tokens: client cache listener lost its connection; reading clients from the database until it is back", "err", err, "retry_in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Second)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

func (s *Service) listenOnce(ctx context.Context, cfg *pgx.ConnConfig, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+clientsChannel); err != nil {
		return err
	}
	// Changes made while nobody listened are unknown: start empty.
	s.clients.flush()
	s.clients.live.Store(true)
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if id, ok := cutPrefix(n.Payload, "client:"); ok {
			s.clients.invalidate(id)
		} else {
			s.clients.flush()
		}
	}
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return "", false
}

// ClientCacheLive reports whether the client cache is in use (tests).
func (s *Service) ClientCacheLive() bool { return s.clients.live.Load() }

package mpclient

import (
	"context"
	"strings"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/cache"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
)

// clientsChannel is where client writers notify every instance; the
// payload is "client:<clientId>".
const clientsChannel = "altinn_sim_tokens"

// clientCacheTTL bounds how long a cached client is trusted even without
// a notification (a safety net; notifications normally arrive in
// milliseconds), read from the app's clock.
const clientCacheTTL = 30 * time.Second

// newClientCache keeps clients in memory so a grant costs one database
// round trip (the jti insert) instead of two. It is a Notified cache:
// used only while the listener is connected, since every write notifies
// all instances.
func newClientCache(clk clock.Clock) *cache.Cache[string, Client] {
	return cache.New[string, Client](cache.Options{Now: clk.Now, TTL: clientCacheTTL, Notified: true})
}

// Lookup reads a client through the cache (dberr.ErrNotFound when there is
// none): what a grant uses.
func (s *Service) Lookup(ctx context.Context, id string) (Client, error) {
	c, err := s.cache.Load(id, func() (Client, error) { return getClient(ctx, s.pool, id) })
	if err != nil {
		return Client{}, err
	}
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
		Connected: s.cache.Connected,
		Lost:      s.cache.Lost,
		Notify: func(channel, payload string) {
			if channel == db.InvalidateChannel {
				// Only a reset touches clients; other payloads are the PDP's.
				if payload == db.ResetPayload {
					s.cache.Flush()
				}
				return
			}
			if id, ok := strings.CutPrefix(payload, "client:"); ok {
				s.cache.Drop(id)
			} else {
				s.cache.Flush()
			}
		},
	})
}

// CacheLive reports whether the client cache is in use (tests).
func (s *Service) CacheLive() bool { return s.cache.Live() }

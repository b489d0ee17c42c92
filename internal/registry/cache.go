package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/altinn-sim/altinn-sim/internal/cache"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// clientsChannel is where a write that binds or unbinds client ids tells
// every instance to drop its client → system answers (payload "clients").
const clientsChannel = "altinn_sim_system_clients"

// ClientSystem is what a system-user grant needs to know about the live
// system a Maskinporten client is bound to.
type ClientSystem struct {
	ID     string // system id
	Vendor string // vendor org number
}

// clientAnswer is a cached lookup: a system, or "no live system".
type clientAnswer struct {
	sys ClientSystem
	err error
}

func newClientCache() *cache.Cache[string, clientAnswer] {
	// No lifetime: every bind and unbind notifies (syncClients,
	// unbindAllClients), and a reset of the database flushes.
	return cache.New[string, clientAnswer](cache.Options{Notified: true})
}

// ClientSystem returns the live system clientID is bound to (an error
// wrapping dberr.ErrNotFound when none is): the lookup every system-user
// grant makes, answered from memory while the listener is connected.
func (s *Service) ClientSystem(ctx context.Context, clientID string) (ClientSystem, error) {
	if a, ok := s.clients.Get(clientID); ok {
		return a.sys, a.err
	}
	gen := s.clients.Gen()
	sys, err := clientSystem(ctx, s.pool, clientID)
	if err == nil || errors.Is(err, dberr.ErrNotFound) {
		s.clients.Put(clientID, clientAnswer{sys, err}, gen)
	}
	return sys, err
}

// clientSystem reads the two columns a grant needs, not the whole system.
func clientSystem(ctx context.Context, q db.Querier, clientID string) (ClientSystem, error) {
	var cs ClientSystem
	err := q.QueryRow(ctx, `SELECT r.system_id, r.vendor_org_no FROM system_register_clients c
		JOIN system_register r ON r.internal_id = c.system_internal_id
		WHERE c.client_id = $1 AND NOT r.is_deleted`, clientID).Scan(&cs.ID, &cs.Vendor)
	if err != nil {
		return ClientSystem{}, fmt.Errorf("system with client %q: %w", clientID, db.Map(err))
	}
	return cs, nil
}

// notifyClients, inside the writing transaction, makes every instance
// drop its client → system answers before the write answers.
func notifyClients(ctx context.Context, q db.Querier) error {
	return db.Notify(ctx, q, clientsChannel, "clients")
}

// Listen subscribes the client → system cache to the instance's
// listener: bind and unbind notifications, and a reset of the database.
// Without it (or while it is down) every lookup reads the database.
func (s *Service) Listen(l *db.Listener) {
	l.Subscribe([]string{clientsChannel, db.InvalidateChannel}, db.ListenFuncs{
		Connected: s.clients.Connected,
		Lost:      s.clients.Lost,
		Notify: func(channel, payload string) {
			// On the shared channel only a reset touches the register.
			if channel == clientsChannel || payload == db.ResetPayload {
				s.clients.Flush()
			}
		},
	})
}

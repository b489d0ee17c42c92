package systemusers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/cache"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// idAnswer is a cached (system, owner, externalRef) lookup: the live
// system user's id, or "none".
type idAnswer struct {
	id  uuid.UUID
	err error
}

func newIDCache() *cache.Cache[string, idAnswer] {
	// No lifetime: every write of system_users notifies
	// "systemuser:<id>" (CreateTx, UpdateGrantsTx, deletes), and Listen
	// drops every answer then: which triple an id had is not kept.
	return cache.New[string, idAnswer](cache.Options{Notified: true})
}

// idByTriple is the id of the live system user for (system, owner,
// externalRef), through the cache.
func (s *Service) idByTriple(ctx context.Context, systemID, ownerOrgNo, externalRef string) (uuid.UUID, error) {
	key := systemID + "\x00" + ownerOrgNo + "\x00" + externalRef
	if a, ok := s.ids.Get(key); ok {
		return a.id, a.err
	}
	gen := s.ids.Gen()
	var id uuid.UUID
	err := s.pool.QueryRow(ctx, `SELECT id FROM system_users
		WHERE system_id = $1 AND reportee_org_no = $2 AND external_ref = $3 AND NOT is_deleted`, systemID, ownerOrgNo, externalRef).Scan(&id)
	err = db.Map(err)
	if err == nil || errors.Is(err, dberr.ErrNotFound) {
		s.ids.Put(key, idAnswer{id, err}, gen)
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("system user %s/%s/%s: %w", systemID, ownerOrgNo, externalRef, err)
	}
	return id, nil
}

// Listen subscribes the grant lookup's cache to the instance's listener:
// a system user written (or a reset) drops every answer; a reset also
// forgets the callers' failed person lookups (POST …/agents). Other payloads
// on the channel (delegations, policies, parties, ...) do not change
// which system user a triple names. Without it (or while it is down)
// every lookup reads the database.
func (s *Service) Listen(l *db.Listener) {
	l.Subscribe([]string{db.InvalidateChannel}, db.ListenFuncs{
		Connected: s.ids.Connected,
		Lost:      s.ids.Lost,
		Notify: func(_, payload string) {
			if strings.HasPrefix(payload, "systemuser:") || payload == db.ResetPayload {
				s.ids.Flush()
			}
			if payload == db.ResetPayload {
				s.lookups.reset()
			}
		},
	})
}

// CacheLive reports whether ForGrant's cache is in use (tests).
func (s *Service) CacheLive() bool { return s.ids.Live() }

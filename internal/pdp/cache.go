package pdp

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// How long entries live. Everything is dropped by notification (parties
// and roles as a whole, on db.PartiesPayload), so lifetimes are only a
// safety net; parties and roles keep the shorter one, as before they were
// notified. Misses ("not found") live briefly, so that something created
// by a writer that forgot to notify still shows up.
const (
	notifiedTTL   = 5 * time.Minute
	unnotifiedTTL = 10 * time.Second
	negativeTTL   = 2 * time.Second
)

// cache holds what decisions read. It is only used while live: while the
// LISTEN connection is up, every change reaches us; while it is down we
// could miss one, so we read through instead (and flush on reconnect).
type cache struct {
	now  func() time.Time
	live atomic.Bool
	// epoch grows on every invalidation. A load stores its answer only if
	// no invalidation happened while it ran, so a slow load cannot put back
	// what a notification just dropped.
	epoch atomic.Uint64

	policies    table[string, Policy]
	systemUsers table[uuid.UUID, SystemUser]
	orgs        table[string, parties.Organization]
	persons     table[string, parties.Person]
	roleTable   table[string, []parties.Role]

	hits, misses atomic.Uint64
}

func newCache(now func() time.Time) *cache {
	return &cache{now: now}
}

type entry[V any] struct {
	v   V
	err error
	exp time.Time
}

type table[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]entry[V]
}

func (t *table[K, V]) get(k K, now time.Time) (entry[V], bool) {
	t.mu.RLock()
	e, ok := t.m[k]
	t.mu.RUnlock()
	if !ok || now.After(e.exp) {
		return e, false
	}
	return e, true
}

// maxEntries bounds each table: requests naming ever new system users or
// parties must not grow memory without end. A full table starts over.
const maxEntries = 100_000

// put stores e unless stale says no, asked under the table's lock: an
// invalidation bumps the epoch before it takes this lock to drop, so a
// load that checks the epoch here either sees the bump or is dropped
// after it. (Checked before taking the lock, a drop could slip in between
// the check and the store, and the old value would stay.)
func (t *table[K, V]) put(k K, e entry[V], stale func() bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if stale() {
		return
	}
	if len(t.m) >= maxEntries {
		t.m = nil
	}
	if t.m == nil {
		t.m = make(map[K]entry[V])
	}
	t.m[k] = e
}

func (t *table[K, V]) drop(k K) {
	t.mu.Lock()
	delete(t.m, k)
	t.mu.Unlock()
}

func (t *table[K, V]) flush() {
	t.mu.Lock()
	t.m = nil
	t.mu.Unlock()
}

func (t *table[K, V]) len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.m)
}

// load answers from the table when it can, else calls fn and keeps its
// answer (values and not-found, never other errors).
func load[K comparable, V any](c *cache, t *table[K, V], k K, ttl time.Duration, fn func() (V, error)) (V, error) {
	if !c.live.Load() {
		return fn()
	}
	now := c.now()
	if e, ok := t.get(k, now); ok {
		c.hits.Add(1)
		return e.v, e.err
	}
	c.misses.Add(1)
	epoch := c.epoch.Load()
	v, err := fn()
	exp := now.Add(ttl)
	switch {
	case err == nil:
	case errors.Is(err, db.ErrNotFound):
		exp = now.Add(min(ttl, negativeTTL))
	default:
		return v, err
	}
	t.put(k, entry[V]{v: v, err: err, exp: exp}, func() bool { return !c.live.Load() || c.epoch.Load() != epoch })
	return v, err
}

func (c *cache) policy(id string, fn func() (Policy, error)) (Policy, error) {
	return load(c, &c.policies, id, notifiedTTL, fn)
}

func (c *cache) systemUser(id uuid.UUID, fn func() (SystemUser, error)) (SystemUser, error) {
	return load(c, &c.systemUsers, id, notifiedTTL, fn)
}

func (c *cache) org(key string, fn func() (parties.Organization, error)) (parties.Organization, error) {
	return load(c, &c.orgs, key, unnotifiedTTL, fn)
}

func (c *cache) person(key string, fn func() (parties.Person, error)) (parties.Person, error) {
	return load(c, &c.persons, key, unnotifiedTTL, fn)
}

func (c *cache) roles(key string, fn func() ([]parties.Role, error)) ([]parties.Role, error) {
	return load(c, &c.roleTable, key, unnotifiedTTL, fn)
}

// flush drops everything.
func (c *cache) flush() {
	c.epoch.Add(1)
	c.policies.flush()
	c.systemUsers.flush()
	c.orgs.flush()
	c.persons.flush()
	c.roleTable.flush()
}

// invalidate drops what a notification payload names (contracts.md):
// systemuser:<uuid>, delegation:<uuid>, policy:<resourceId>,
// resource:<resourceId>, and db.PartiesPayload (all organisations,
// persons and roles). Anything else flushes everything, to be safe.
func (c *cache) invalidate(payload string) {
	c.epoch.Add(1)
	if payload == db.PartiesPayload {
		c.orgs.flush()
		c.persons.flush()
		c.roleTable.flush()
		return
	}
	kind, key, _ := strings.Cut(payload, ":")
	switch kind {
	case "systemuser", "delegation":
		if id, err := uuid.Parse(key); err == nil {
			c.systemUsers.drop(id)
			return
		}
	case "policy", "resource":
		if key != "" {
			c.policies.drop(key)
			return
		}
	}
	c.flush()
}

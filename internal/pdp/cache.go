package pdp

import (
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/cache"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// accessListsPayload is what internal/accesslists notifies on every write
// (accesslists.Payload).
const accessListsPayload = "accesslists"

// How long entries live. Everything is dropped by notification (parties
// and roles as a whole, on db.PartiesPayload, which every writer of
// organisations, persons and roles sends), so organisations, persons and
// roles are kept until then: a lifetime would only send a busy PDP back
// to the database for rows that did not change. Policies and system users
// keep a long lifetime as a safety net. Misses ("not found") live
// briefly, so that something created by a writer that forgot to notify
// still shows up. Each cache holds at most cache.DefaultMax entries and
// evicts the least recently used one to make room.
const (
	notifiedTTL = 5 * time.Minute
	negativeTTL = 2 * time.Second
)

// pdpCache holds what decisions read, one cache.Cache per kind of row.
// They are Notified caches: used only while the LISTEN connection is up
// (every change reaches us then), reading through otherwise.
type pdpCache struct {
	policies    *cache.Cache[string, answer[Policy]]
	systemUsers *cache.Cache[uuid.UUID, answer[SystemUser]]
	orgs        *cache.Cache[string, answer[parties.Organization]]
	persons     *cache.Cache[string, answer[parties.Person]]
	roleTable   *cache.Cache[string, answer[[]parties.Role]]
	// lists are the access-list answers (resource, party uuid, action),
	// all dropped on any access-list write.
	lists *cache.Cache[string, answer[AccessListAnswer]]
	// agents are a person's client delegations as an agent, by national
	// identity number, dropped on personagent:<pid>.
	agents *cache.Cache[string, answer[[]AgentDelegation]]
	// all are the caches above, for Connected, Lost and flush.
	all []interface {
		Connected()
		Lost()
		Flush()
	}
}

// answer is a cached load: a value, or "not found".
type answer[V any] struct {
	v   V
	err error
}

func newCache(now func() time.Time) *pdpCache {
	o := cache.Options{Now: now, Notified: true}
	o.TTL = notifiedTTL
	c := &pdpCache{
		policies:    cache.New[string, answer[Policy]](o),
		systemUsers: cache.New[uuid.UUID, answer[SystemUser]](o),
		lists:       cache.New[string, answer[AccessListAnswer]](o),
		agents:      cache.New[string, answer[[]AgentDelegation]](o),
	}
	o.TTL = 0 // until db.PartiesPayload
	c.orgs = cache.New[string, answer[parties.Organization]](o)
	c.persons = cache.New[string, answer[parties.Person]](o)
	c.roleTable = cache.New[string, answer[[]parties.Role]](o)
	c.all = []interface {
		Connected()
		Lost()
		Flush()
	}{c.policies, c.systemUsers, c.orgs, c.persons, c.roleTable, c.lists, c.agents}
	return c
}

// load answers from t when it can, else calls fn and keeps its answer
// (values and not-found, never other errors).
func load[K comparable, V any](t *cache.Cache[K, answer[V]], k K, fn func() (V, error)) (V, error) {
	if a, ok := t.Get(k); ok {
		return a.v, a.err
	}
	gen := t.Gen()
	v, err := fn()
	switch {
	case err == nil:
		t.Put(k, answer[V]{v: v}, gen)
	case errors.Is(err, dberr.ErrNotFound):
		t.PutFor(k, answer[V]{v: v, err: err}, gen, negativeTTL)
	}
	return v, err
}

func (c *pdpCache) policy(id string, fn func() (Policy, error)) (Policy, error) {
	return load(c.policies, id, fn)
}

func (c *pdpCache) systemUser(id uuid.UUID, fn func() (SystemUser, error)) (SystemUser, error) {
	return load(c.systemUsers, id, fn)
}

func (c *pdpCache) org(key string, fn func() (parties.Organization, error)) (parties.Organization, error) {
	return load(c.orgs, key, fn)
}

func (c *pdpCache) person(key string, fn func() (parties.Person, error)) (parties.Person, error) {
	return load(c.persons, key, fn)
}

func (c *pdpCache) accessList(key string, fn func() (AccessListAnswer, error)) (AccessListAnswer, error) {
	return load(c.lists, key, fn)
}

func (c *pdpCache) agentDelegations(pid string, fn func() ([]AgentDelegation, error)) ([]AgentDelegation, error) {
	return load(c.agents, pid, fn)
}

func (c *pdpCache) roles(key string, fn func() ([]parties.Role, error)) ([]parties.Role, error) {
	return load(c.roleTable, key, fn)
}

// connected, lost and flush apply a listener's reactions to every cache.
func (c *pdpCache) connected() {
	for _, t := range c.all {
		t.Connected()
	}
}

func (c *pdpCache) lost() {
	for _, t := range c.all {
		t.Lost()
	}
}

func (c *pdpCache) flush() {
	for _, t := range c.all {
		t.Flush()
	}
}

// live reports whether the caches are in use.
func (c *pdpCache) live() bool { return c.policies.Live() }

// invalidate drops what a notification payload names:
// systemuser:<uuid>, delegation:<uuid>, policy:<resourceId>,
// resource:<resourceId>, personagent:<pid> (the person's client
// delegations as an agent), db.PartiesPayload (all organisations,
// persons and roles) and accessListsPayload (every access-list answer).
// Anything else flushes everything, to be safe.
func (c *pdpCache) invalidate(payload string) {
	if payload == accessListsPayload {
		c.lists.Flush()
		return
	}
	if payload == db.PartiesPayload {
		c.orgs.Flush()
		c.persons.Flush()
		c.roleTable.Flush()
		return
	}
	kind, key, _ := strings.Cut(payload, ":")
	switch kind {
	case "systemuser", "delegation":
		if id, err := uuid.Parse(key); err == nil {
			c.systemUsers.Drop(id)
			return
		}
	case "personagent":
		if key != "" {
			c.agents.Drop(key)
			return
		}
	case "policy", "resource":
		if key != "" {
			c.policies.Drop(key)
			return
		}
	}
	c.flush()
}

// stats sums the caches' counters.
func (c *pdpCache) stats() (hits, misses uint64) {
	for _, t := range []interface{ Stats() (uint64, uint64) }{c.policies, c.systemUsers, c.orgs, c.persons, c.roleTable, c.lists, c.agents} {
		h, m := t.Stats()
		hits, misses = hits+h, misses+m
	}
	return hits, misses
}

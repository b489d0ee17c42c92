// Package cache is the one in-memory cache design of altinn-sim: keyed
// entries with an optional lifetime read from the emulator's clock, a
// generation that keeps a slow load from putting back what an
// invalidation just dropped, and (for caches of database rows) a gate that
// keeps the cache unused while its LISTEN connection is down.
package cache

import (
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMax bounds a cache unless Options say otherwise: requests naming
// ever new keys must not grow memory without end.
const DefaultMax = 100_000

// Options configure a Cache.
type Options struct {
	// Now is the clock lifetimes are read from: the app's clock, which
	// /sim/clock moves, never the wall clock. Needed when entries expire.
	Now func() time.Time
	// TTL is how long Put keeps an entry; 0 keeps it until dropped.
	TTL time.Duration
	// Max bounds the entries; a full cache evicts the least recently
	// used of a few sampled entries (an expired one first) for each new
	// key. 0 is DefaultMax.
	Max int
	// Notified caches rows other instances may change: such a cache is
	// used only between Connected and Lost (while its listener hears every
	// change), and reads through otherwise.
	Notified bool
}

// Cache is a concurrency-safe map from K to V.
type Cache[K comparable, V any] struct {
	o    Options
	live atomic.Bool

	mu sync.RWMutex
	// gen grows on every Drop and Flush (under mu). Put stores only if it
	// has not grown since the caller read Gen before loading.
	gen uint64
	m   map[K]*entry[V]
	// tick orders uses: it grows on every store, and Get stamps the entry
	// it returns with the current tick (a load, not a contended add).
	tick atomic.Uint64

	hits, misses atomic.Uint64
}

type entry[V any] struct {
	v    V
	exp  time.Time     // zero: no expiry
	used atomic.Uint64 // tick of the last store or Get
}

// evictSample is how many entries a full cache looks at to pick the one
// to evict: Redis's approximation of LRU, which keeps Get on a read lock
// (no list to reorder) and a store O(1).
const evictSample = 8

// New makes a cache. A cache that is not Notified is in use at once.
func New[K comparable, V any](o Options) *Cache[K, V] {
	if o.Max <= 0 {
		o.Max = DefaultMax
	}
	c := &Cache[K, V]{o: o}
	c.live.Store(!o.Notified)
	return c
}

// Live reports whether the cache is in use.
func (c *Cache[K, V]) Live() bool { return c.live.Load() }

// Get returns the entry for k if the cache is in use and the entry has
// not expired.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	var zero V
	if !c.live.Load() {
		return zero, false
	}
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if ok && !e.exp.IsZero() && !c.o.Now().Before(e.exp) {
		ok = false
	}
	if !ok {
		c.misses.Add(1)
		return zero, false
	}
	if t := c.tick.Load(); e.used.Load() != t {
		e.used.Store(t)
	}
	c.hits.Add(1)
	return e.v, true
}

// Gen is the generation to hand Put: read it before loading what Put
// will store.
func (c *Cache[K, V]) Gen() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// Put stores v for the cache's TTL, unless the generation moved since
// gen was read (an invalidation happened while v was loaded, so v may be
// what it dropped) or the cache is not in use.
func (c *Cache[K, V]) Put(k K, v V, gen uint64) {
	c.PutFor(k, v, gen, c.o.TTL)
}

// PutFor is Put with a lifetime of its own; ttl 0 means the cache's
// TTL, a negative one stores nothing.
func (c *Cache[K, V]) PutFor(k K, v V, gen uint64, ttl time.Duration) {
	if ttl == 0 {
		ttl = c.o.TTL
	}
	if ttl < 0 {
		return
	}
	var exp time.Time
	if ttl > 0 {
		exp = c.o.Now().Add(ttl)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Checked under the lock Drop and Flush take to bump gen: checked
	// before it, a drop could slip in between check and store.
	if c.gen != gen || !c.live.Load() {
		return
	}
	if c.m == nil {
		c.m = make(map[K]*entry[V])
	}
	if _, ok := c.m[k]; !ok && len(c.m) >= c.o.Max {
		c.evictOne()
	}
	e := &entry[V]{v: v, exp: exp}
	e.used.Store(c.tick.Add(1))
	c.m[k] = e
}

// evictOne removes one entry of a full cache (under mu): of a few
// sampled ones, an expired one, else the least recently used. Go's map
// iteration starts at a random place, so the sample is spread over the
// whole map.
func (c *Cache[K, V]) evictOne() {
	var (
		victim K
		oldest uint64
		found  bool
		n      int
		now    time.Time
	)
	if c.o.Now != nil {
		now = c.o.Now()
	}
	for k, e := range c.m {
		if !e.exp.IsZero() && !now.Before(e.exp) {
			victim, found = k, true
			break
		}
		if u := e.used.Load(); !found || u < oldest {
			victim, oldest, found = k, u, true
		}
		if n++; n >= evictSample {
			break
		}
	}
	if found {
		delete(c.m, victim)
	}
}

// Load answers from the cache, or calls fn and keeps its answer when fn
// succeeds.
func (c *Cache[K, V]) Load(k K, fn func() (V, error)) (V, error) {
	if v, ok := c.Get(k); ok {
		return v, nil
	}
	gen := c.Gen()
	v, err := fn()
	if err == nil {
		c.Put(k, v, gen)
	}
	return v, err
}

// Drop removes k, and keeps loads that started before from storing.
func (c *Cache[K, V]) Drop(k K) {
	c.mu.Lock()
	c.gen++
	delete(c.m, k)
	c.mu.Unlock()
}

// Flush removes everything, and keeps loads that started before from
// storing.
func (c *Cache[K, V]) Flush() {
	c.mu.Lock()
	c.gen++
	c.m = nil
	c.mu.Unlock()
}

// Connected is a listener's Connected reaction: what changed while nobody
// listened is unknown, so the cache starts empty and is in use from now.
func (c *Cache[K, V]) Connected() {
	c.Flush()
	c.live.Store(true)
}

// Lost is a listener's Lost reaction: notifications are being missed, so
// the cache is out of use (and empty) until Connected.
func (c *Cache[K, V]) Lost() {
	c.live.Store(!c.o.Notified)
	c.Flush()
}

// Len is the number of entries (expired ones included).
func (c *Cache[K, V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// Stats are the hits and misses of Get while the cache was in use.
func (c *Cache[K, V]) Stats() (hits, misses uint64) {
	return c.hits.Load(), c.misses.Load()
}

package cache

import (
	"errors"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (f *fakeClock) now() time.Time { return f.t }

// TestLifetimeFollowsTheInjectedClock: entries expire when the app's clock
// passes their lifetime, not when wall time does.
func TestLifetimeFollowsTheInjectedClock(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	c := New[string, int](Options{Now: clk.now, TTL: time.Minute})
	c.Put("a", 1, c.Gen())
	c.PutFor("b", 2, c.Gen(), 5*time.Minute)
	c.PutFor("never", 3, c.Gen(), -1)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("fresh entry: %v %v", v, ok)
	}
	if _, ok := c.Get("never"); ok {
		t.Fatal("a negative lifetime stored an entry")
	}
	clk.t = clk.t.Add(time.Minute)
	if _, ok := c.Get("a"); ok {
		t.Fatal("entry outlived its TTL on the injected clock")
	}
	if _, ok := c.Get("b"); !ok {
		t.Fatal("PutFor's own lifetime not kept")
	}
	clk.t = clk.t.Add(-2 * time.Minute) // /sim/clock set back: the entry is fresh again
	if _, ok := c.Get("a"); !ok {
		t.Fatal("entry expired although the clock is before its expiry")
	}
}

// TestInvalidationBeatsASlowLoad: a load that read the generation before
// an invalidation cannot store what the invalidation dropped.
func TestInvalidationBeatsASlowLoad(t *testing.T) {
	for name, inval := range map[string]func(*Cache[string, string]){
		"drop":  func(c *Cache[string, string]) { c.Drop("k") },
		"flush": func(c *Cache[string, string]) { c.Flush() },
		"lost and back": func(c *Cache[string, string]) {
			c.Lost()
			c.Connected()
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := New[string, string](Options{Notified: true})
			c.Connected()
			v, err := c.Load("k", func() (string, error) {
				inval(c) // the notification arrives while the row is read
				return "old", nil
			})
			if v != "old" || err != nil {
				t.Fatalf("load: %q %v", v, err)
			}
			if v, ok := c.Get("k"); ok {
				t.Fatalf("a load that raced with an invalidation was kept: %q", v)
			}
			c.Put("k", "new", c.Gen())
			if v, ok := c.Get("k"); !ok || v != "new" {
				t.Fatalf("after: %q %v", v, ok)
			}
		})
	}
}

// TestNotifiedCacheOnlyWhileListening: a cache of rows others change is
// not used before Connected nor after Lost, and starts empty each time.
func TestNotifiedCacheOnlyWhileListening(t *testing.T) {
	c := New[string, int](Options{Notified: true})
	loads := 0
	load := func() {
		_, _ = c.Load("k", func() (int, error) { loads++; return loads, nil })
	}
	load()
	load()
	if loads != 2 || c.Len() != 0 {
		t.Fatalf("before Connected: %d loads, %d entries; want 2 loads, nothing kept", loads, c.Len())
	}
	c.Connected()
	load()
	load()
	if loads != 3 {
		t.Fatalf("while connected: %d loads, want 3", loads)
	}
	c.Lost()
	load()
	if loads != 4 || c.Len() != 0 {
		t.Fatalf("after Lost: %d loads, %d entries", loads, c.Len())
	}
	c.Connected()
	load()
	if loads != 5 {
		t.Fatalf("after reconnect the cache starts empty: %d loads, want 5", loads)
	}
	if h, m := c.Stats(); h != 1 || m != 2 {
		t.Fatalf("stats %d hits %d misses, want 1 and 2", h, m)
	}
}

// TestErrorsAreNotKept and the size bound.
func TestErrorsAreNotKeptAndSizeIsBounded(t *testing.T) {
	c := New[int, int](Options{Max: 3})
	boom := errors.New("boom")
	if _, err := c.Load(1, func() (int, error) { return 0, boom }); err != boom {
		t.Fatal(err)
	}
	if _, ok := c.Get(1); ok {
		t.Fatal("an error was cached")
	}
	for i := range 4 {
		c.Put(i, i, c.Gen())
	}
	if n := c.Len(); n > 3 {
		t.Fatalf("%d entries, max 3", n)
	}
}

// TestFullCacheEvictsTheLeastRecentlyUsed: a full cache makes room for a
// new key by dropping one old entry, not everything, and the one it drops
// is one nobody used lately.
func TestFullCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	c := New[string, int](Options{Max: 3})
	for i, k := range []string{"a", "b", "c"} {
		c.Put(k, i, c.Gen())
	}
	if _, ok := c.Get("a"); !ok {
		t.Fatal("a missing")
	}
	c.Put("d", 3, c.Gen())
	if n := c.Len(); n != 3 {
		t.Fatalf("%d entries after a store into a full cache, want 3", n)
	}
	if _, ok := c.Get("b"); ok {
		t.Fatal("b, the least recently used, was kept")
	}
	for _, k := range []string{"a", "c", "d"} {
		if _, ok := c.Get(k); !ok {
			t.Fatalf("%s was evicted instead of b", k)
		}
	}
	// Replacing a key of a full cache evicts nothing.
	c.Put("a", 9, c.Gen())
	if n := c.Len(); n != 3 {
		t.Fatalf("%d entries after replacing a key, want 3", n)
	}
}

// TestHotEntriesSurviveAStreamOfNewKeys: keys used all the time stay in a
// full cache while ever new keys stream through it.
func TestHotEntriesSurviveAStreamOfNewKeys(t *testing.T) {
	c := New[int, int](Options{Max: 100})
	const hot = 10
	misses := 0
	for i := range 10_000 {
		for k := range hot {
			if _, ok := c.Get(k); !ok {
				misses++
				c.Put(k, k, c.Gen())
			}
		}
		c.Put(hot+i, i, c.Gen())
		if c.Len() > 100 {
			t.Fatalf("%d entries, more than Max", c.Len())
		}
	}
	// The first round misses every hot key; an evicted hot key now and
	// then is the sampling's price, a steady loss would be a bug.
	if misses > hot+hot*10_000/100 {
		t.Fatalf("%d misses of %d hot gets", misses, hot*10_000)
	}
}

// TestExpiredEntriesGoFirst: a full cache drops an expired entry before
// a live one, however recently that was used.
func TestExpiredEntriesGoFirst(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	c := New[string, int](Options{Now: clk.now, Max: 2})
	c.PutFor("long", 2, c.Gen(), time.Hour)
	c.PutFor("short", 1, c.Gen(), time.Second) // the more recent one
	clk.t = clk.t.Add(2 * time.Second)
	c.Put("new", 3, c.Gen())
	if _, ok := c.Get("long"); !ok {
		t.Fatal("a live entry was evicted while an expired one was there")
	}
}

package pdp

import (
	"github.com/altinn-sim/altinn-sim/internal/db"
)

// Channel is the notification channel writers notify on.
const Channel = db.InvalidateChannel

// Listen subscribes the caches to the instance's listener on Channel:
// notifications drop cache entries. The caches are used only while the
// connection is up; when it drops (database restart), they are flushed
// and decisions read through until the listener is back, since
// notifications sent meanwhile are lost.
func (s *Service) Listen(l *db.Listener) {
	l.Subscribe([]string{Channel}, db.ListenFuncs{
		Connected: s.c.connected,
		Lost:      s.c.lost,
		Notify:    func(_, payload string) { s.c.invalidate(payload) },
	})
}

// Listening reports whether the cache listener is connected (and so the
// cache in use).
func (s *Service) Listening() bool { return s.c.live() }

// CacheStats are counters for tests and benchmarks.
type CacheStats struct {
	Hits, Misses uint64
	Policies     int
	SystemUsers  int
}

// Stats returns the cache counters.
func (s *Service) Stats() CacheStats {
	hits, misses := s.c.stats()
	return CacheStats{Hits: hits, Misses: misses, Policies: s.c.policies.Len(), SystemUsers: s.c.systemUsers.Len()}
}

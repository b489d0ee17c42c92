package pdp

import (
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// Channel is the notification channel writers notify on (contracts.md).
const Channel = db.InvalidateChannel

// Listen keeps a dedicated connection LISTENing on Channel and drops cache
// entries as notifications arrive. The cache is used only while the
// connection is up; when it drops (database restart), the cache is
// flushed and decisions read through until the listener is back, since
// notifications sent meanwhile are lost. stop ends it and waits.
func (s *Service) Listen(cfg *pgx.ConnConfig) (stop func()) {
	return db.Listen(cfg, []string{Channel}, s.log, db.ListenFuncs{
		Connected: func() {
			s.c.flush()
			s.c.live.Store(true)
			s.log.Debug("pdp: cache listener connected")
		},
		Lost: func(err error, retryIn time.Duration) {
			s.c.live.Store(false)
			s.c.flush()
			if retryIn > 0 {
				s.log.Warn("pdp: cache listener lost its connection; deciding without cache until it is back", "err", err, "retry_in", retryIn)
			}
		},
		Notify: func(_, payload string) { s.c.invalidate(payload) },
	})
}

// Listening reports whether the cache listener is connected (and so the
// cache in use).
func (s *Service) Listening() bool { return s.c.live.Load() }

// CacheStats are counters for tests and benchmarks.
type CacheStats struct {
	Hits, Misses uint64
	Policies     int
	SystemUsers  int
}

// Stats returns the cache counters.
func (s *Service) Stats() CacheStats {
	return CacheStats{Hits: s.c.hits.Load(), Misses: s.c.misses.Load(), Policies: s.c.policies.len(), SystemUsers: s.c.systemUsers.len()}
}

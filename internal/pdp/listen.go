package pdp

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Channel is the notification channel writers notify on (contracts.md).
const Channel = "altinn_sim_invalidate"

// Listen keeps a dedicated connection LISTENing on Channel and drops cache
// entries as notifications arrive. The cache is used only while the
// connection is up; when it drops (database restart), the cache is
// flushed and decisions read through until the listener is back, since
// notifications sent meanwhile are lost. It reconnects with backoff.
// stop ends it and waits.
func (s *Service) Listen(cfg *pgx.ConnConfig) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.listenLoop(ctx, cfg)
	}()
	return func() {
		cancel()
		<-done
	}
}

func (s *Service) listenLoop(ctx context.Context, cfg *pgx.ConnConfig) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, cfg, func() { backoff = 100 * time.Millisecond })
		s.c.live.Store(false)
		s.c.flush()
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("pdp: cache listener lost its connection; deciding without cache until it is back", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
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
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	// Whatever changed while we were not listening is unknown: start empty.
	s.c.flush()
	s.c.live.Store(true)
	connected()
	s.log.Debug("pdp: cache listener connected")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.c.invalidate(n.Payload)
	}
}

// Invalidate drops what a notification payload names, as if it had
// arrived on Channel.
func (s *Service) Invalidate(payload string) { s.c.invalidate(payload) }

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

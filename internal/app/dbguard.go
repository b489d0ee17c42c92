package app

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// dbGuard notices when PostgreSQL stops answering, so that every endpoint
// answers a quick 503 problem while it is down (instead of each handler
// timing out or mapping the failure its own way), and lets traffic through
// again as soon as it answers.
type dbGuard struct {
	pool *pgxpool.Pool
	down atomic.Bool
}

// watch pings the database until ctx ends.
func (g *dbGuard) watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, every)
		err := g.pool.Ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		g.down.Store(err != nil)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// middleware answers 503 while the database is down; /health stays up.
func (g *dbGuard) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.down.Load() && r.URL.Path != "/health" {
			w.Header().Set("Retry-After", "1")
			problem.Write(w, r, problem.Unavailable.WithDetail("the database is not reachable; retry shortly"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

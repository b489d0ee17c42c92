package requests

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// StatusCount is how many visible requests of a kind have a status.
type StatusCount struct {
	Kind   string // standard, agent or change
	Status string
	Count  int
}

// Overview is the newest visible requests and change requests (up to
// limit of each, newest first) and the count of every kind and status:
// the /sim/ overview page.
func (s *Service) Overview(ctx context.Context, limit int) (reqs, changes []Request, counts []StatusCount, err error) {
	if reqs, err = newestReqs(ctx, s.pool, limit); err != nil {
		return nil, nil, nil, err
	}
	if changes, err = newestChgs(ctx, s.pool, limit); err != nil {
		return nil, nil, nil, err
	}
	for i := range reqs {
		reqs[i] = s.decorate(reqs[i])
	}
	for i := range changes {
		changes[i] = s.decorate(changes[i])
	}
	counts, err = statusCounts(ctx, s.pool)
	return reqs, changes, counts, err
}

// newestReqs lists up to limit visible standard and agent requests,
// newest first.
func newestReqs(ctx context.Context, q db.Querier, limit int) ([]Request, error) {
	return collectReqs(q.Query(ctx, `SELECT `+reqCols+` FROM systemuser_requests
		WHERE NOT is_deleted ORDER BY created DESC, id LIMIT $1`, limit))
}

// newestChgs lists up to limit visible change requests, newest first.
func newestChgs(ctx context.Context, q db.Querier, limit int) ([]Request, error) {
	return collectChgs(q.Query(ctx, `SELECT `+chgCols+` FROM systemuser_change_requests
		WHERE NOT is_deleted ORDER BY created DESC, id LIMIT $1`, limit))
}

// statusCounts counts visible requests by kind and status. CollectRows
// closes the rows on every path (as collectReqs does): an early return
// that left them open would hold the connection until the pool gave up.
func statusCounts(ctx context.Context, q db.Querier) ([]StatusCount, error) {
	rows, _ := q.Query(ctx, `SELECT kind, status, count(*) FROM systemuser_requests WHERE NOT is_deleted GROUP BY 1, 2
		UNION ALL SELECT 'change', status, count(*) FROM systemuser_change_requests WHERE NOT is_deleted GROUP BY 2
		ORDER BY 1, 2`)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatusCount, error) {
		var c StatusCount
		err := r.Scan(&c.Kind, &c.Status, &c.Count)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("count requests: %w", db.Map(err))
	}
	return out, nil
}

package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Invalidate sends payload on InvalidateChannel in q's transaction, so the
// message goes out only on commit and reaches every instance's caches.
func Invalidate(ctx context.Context, q Querier, payload string) error {
	return Notify(ctx, q, InvalidateChannel, payload)
}

// Notify sends payload on channel in q's transaction; PostgreSQL delivers
// it to every listening session when the transaction commits. Inside
// InTx, the commit then waits until every instance's cache listener has
// handled it (see Settle), so a writer answers only once every cache
// reflects its write. Given the pool itself, the notification is already
// committed and Notify settles at once.
func Notify(ctx context.Context, q Querier, channel, payload string) error {
	if _, err := q.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, payload); err != nil {
		return fmt.Errorf("notify %s: %w", payload, Map(err))
	}
	switch q := q.(type) {
	case *tx:
		q.notified = true
	case *pgxpool.Pool:
		if err := Settle(ctx, q); err != nil && ctx.Err() == nil {
			warn(err, -1)
		}
	}
	return nil
}

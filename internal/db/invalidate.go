package db

import (
	"context"
	"fmt"
)

// Invalidate sends payload on InvalidateChannel in q's transaction, so the
// message goes out only on commit and reaches every instance's caches.
func Invalidate(ctx context.Context, q Querier, payload string) error {
	if _, err := q.Exec(ctx, `SELECT pg_notify($1, $2)`, InvalidateChannel, payload); err != nil {
		return fmt.Errorf("notify %s: %w", payload, Map(err))
	}
	return nil
}

package register

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// lookupBlockedUntil is the end of the user's block, or the zero time when
// the user is not blocked at now.
func lookupBlockedUntil(ctx context.Context, q db.Querier, user uuid.UUID, now time.Time) (time.Time, error) {
	var until *time.Time
	err := q.QueryRow(ctx, `SELECT blocked_until FROM register_person_lookup_failures
		WHERE user_uuid = $1 AND blocked_until > $2`, user, now).Scan(&until)
	if err != nil {
		if err = db.Map(err); errors.Is(err, dberr.ErrNotFound) {
			return time.Time{}, nil
		}
		return time.Time{}, fmt.Errorf("person lookup block: %w", err)
	}
	if until == nil {
		return time.Time{}, nil
	}
	return *until, nil
}

// recordLookupFailure counts one failed attempt, as Register's
// rate_limit_record_trailing_edge does: a window that has run out starts
// again at one, every failure moves the window's end to now+window, and a
// count at the limit blocks until now+block (never shortening a block).
func recordLookupFailure(ctx context.Context, q db.Querier, user uuid.UUID, now time.Time, p throttlePolicy) error {
	_, err := q.Exec(ctx, `INSERT INTO register_person_lookup_failures AS f (user_uuid, count, window_expires, blocked_until)
		VALUES ($1, 1, $3, CASE WHEN 1 >= $5 THEN $4::timestamptz END)
		ON CONFLICT (user_uuid) DO UPDATE SET
			count = CASE WHEN f.window_expires <= $2 THEN 1 ELSE f.count + 1 END,
			window_expires = $3,
			blocked_until = CASE
				WHEN (CASE WHEN f.window_expires <= $2 THEN 1 ELSE f.count + 1 END) >= $5
				THEN GREATEST(COALESCE(f.blocked_until, '-infinity'::timestamptz), $4::timestamptz)
				ELSE f.blocked_until END`,
		user, now, now.Add(p.Window), now.Add(p.Block), p.Limit)
	if err != nil {
		return fmt.Errorf("record a failed person lookup: %w", db.Map(err))
	}
	return nil
}

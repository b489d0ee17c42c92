package maskinporten

import (
	"context"
	"fmt"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// recordJTI remembers (client, jti) until expires. It reports false when
// the pair was already there: the grant is a replay. The insert is the
// check, so two instances racing on one grant cannot both win.
func recordJTI(ctx context.Context, q db.Querier, clientID, jti string, expires time.Time) (bool, error) {
	// synchronous_commit off for this one statement: the row is visible to
	// every instance the moment it commits (which is what replay protection
	// needs); only its durability across a database crash is relaxed, and a
	// lost row could at worst let one grant of the last instant be replayed
	// within its two-minute life. It saves a WAL flush on every token.
	tag, err := q.Exec(ctx, `INSERT INTO maskinporten_jti (client_id, jti, expires)
		SELECT $1, $2, $3 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async
		ON CONFLICT DO NOTHING`, clientID, jti, expires)
	if err != nil {
		return false, fmt.Errorf("record jti: %w", db.Map(err))
	}
	return tag.RowsAffected() == 1, nil
}

func purgeJTIs(ctx context.Context, q db.Querier, before time.Time) error {
	_, err := q.Exec(ctx, `DELETE FROM maskinporten_jti WHERE expires < $1`, before)
	return db.Map(err)
}

// jtiUsed reports whether (client, jti) is recorded, recording nothing
// (ExplainGrant). An expired row not yet purged still counts, as it does
// for recordJTI.
func jtiUsed(ctx context.Context, q db.Querier, clientID, jti string) (bool, error) {
	var used bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM maskinporten_jti WHERE client_id = $1 AND jti = $2)`, clientID, jti).Scan(&used)
	if err != nil {
		return false, fmt.Errorf("look up jti: %w", db.Map(err))
	}
	return used, nil
}

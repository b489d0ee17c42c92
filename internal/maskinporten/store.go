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
	// maskinporten_jti is unlogged (migration 0130): the row is visible to
	// every instance the moment it commits, which is what replay
	// protection needs, yet writes no WAL, and a commit that wrote no WAL
	// waits for no flush. A PostgreSQL crash empties the table (README).
	tag, err := q.Exec(ctx, `INSERT INTO maskinporten_jti (client_id, jti, expires) VALUES ($1, $2, $3)
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

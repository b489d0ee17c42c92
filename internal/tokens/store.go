package tokens

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

func hasActiveKey(ctx context.Context, q db.Querier, purpose, alg string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM signing_keys WHERE purpose = $1 AND alg = $2 AND retired IS NULL)`, purpose, alg).Scan(&ok)
	return ok, db.Map(err)
}

func insertKey(ctx context.Context, q db.Querier, k *signingKey, privJWK []byte) error {
	_, err := q.Exec(ctx, `INSERT INTO signing_keys (kid, purpose, alg, private_jwk) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, k.kid, k.purpose, k.alg, privJWK)
	if err != nil {
		return fmt.Errorf("store signing key: %w", db.Map(err))
	}
	return nil
}

func loadKeys(ctx context.Context, q db.Querier) ([]*signingKey, error) {
	rows, err := q.Query(ctx, `SELECT kid, purpose, alg, private_jwk, retired FROM signing_keys ORDER BY created`)
	if err != nil {
		return nil, fmt.Errorf("load signing keys: %w", db.Map(err))
	}
	defer rows.Close()
	var out []*signingKey
	for rows.Next() {
		var kid, purpose, alg string
		var raw []byte
		var retired *time.Time
		if err := rows.Scan(&kid, &purpose, &alg, &raw, &retired); err != nil {
			return nil, db.Map(err)
		}
		k, err := parseStoredKey(kid, purpose, alg, raw, retired)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, db.Map(rows.Err())
}

func keyExists(ctx context.Context, q db.Querier, kid string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM signing_keys WHERE kid = $1)`, kid).Scan(&ok)
	return ok, db.Map(err)
}

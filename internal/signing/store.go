package signing

import (
	"context"
	"crypto"
	"crypto/rsa"
	"fmt"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

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

// loadKeys reads every key; rsaSigner makes an RSA key's signer.
func loadKeys(ctx context.Context, q db.Querier, rsaSigner func(*rsa.PrivateKey) crypto.Signer) ([]*signingKey, error) {
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
		k, err := parseStoredKey(kid, purpose, alg, raw, retired, rsaSigner)
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

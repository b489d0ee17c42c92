package testca

import (
	"context"
	"fmt"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// caID is the one row of test_ca.
const caID = "enterprise"

// insertCA stores a CA unless one is there already (another instance
// may have made it first).
func insertCA(ctx context.Context, q db.Querier, certDER, keyPKCS8 []byte) error {
	_, err := q.Exec(ctx, `INSERT INTO test_ca (id, cert_der, key_pkcs8) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, caID, certDER, keyPKCS8)
	if err != nil {
		return fmt.Errorf("store test CA: %w", db.Map(err))
	}
	return nil
}

// loadCA returns the stored CA (dberr.ErrNotFound when there is none).
func loadCA(ctx context.Context, q db.Querier) (certDER, keyPKCS8 []byte, err error) {
	err = q.QueryRow(ctx, `SELECT cert_der, key_pkcs8 FROM test_ca WHERE id = $1`, caID).Scan(&certDER, &keyPKCS8)
	if err != nil {
		return nil, nil, fmt.Errorf("load test CA: %w", db.Map(err))
	}
	return certDER, keyPKCS8, nil
}

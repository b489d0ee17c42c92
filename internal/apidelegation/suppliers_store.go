package apidelegation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// SupplierAssignment is a consumer's making an organisation its
// Maskinporten supplier (Access Management's assignment of the role
// "supplier"): what the end-user API's delegations hang under.
type SupplierAssignment struct {
	ID            uuid.UUID `json:"id"`
	ConsumerOrgNo string    `json:"consumer_orgno"`
	SupplierOrgNo string    `json:"supplier_orgno"`
	Created       time.Time `json:"created"`
	CreatedBy     string    `json:"created_by,omitempty"`
}

const supplierColumns = `id, consumer_orgno, supplier_orgno, created, created_by`

func scanSupplier(row pgx.Row) (SupplierAssignment, error) {
	var a SupplierAssignment
	if err := row.Scan(&a.ID, &a.ConsumerOrgNo, &a.SupplierOrgNo, &a.Created, &a.CreatedBy); err != nil {
		return SupplierAssignment{}, db.Map(err)
	}
	return a, nil
}

// ensureSupplier makes supplier consumer's supplier unless it is already,
// and answers the assignment. The no-op update on a conflict locks the
// row, so a removal of the same assignment running at once either commits
// first (and this inserts a new one) or waits for this transaction.
func ensureSupplier(ctx context.Context, q db.Querier, consumer, supplier string, at time.Time, by string) (SupplierAssignment, error) {
	a, err := scanSupplier(q.QueryRow(ctx, `INSERT INTO api_delegation_suppliers (`+supplierColumns+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (consumer_orgno, supplier_orgno) DO UPDATE SET created = api_delegation_suppliers.created
		RETURNING `+supplierColumns, uuid.New(), consumer, supplier, at, by))
	if err != nil {
		return SupplierAssignment{}, fmt.Errorf("supplier %s of %s: %w", supplier, consumer, err)
	}
	return a, nil
}

// lockSupplier reads the assignment of supplier to consumer and locks it:
// share keeps it from being removed until the transaction ends (a
// delegation under it), otherwise it is taken for removal. ok is false
// when there is none.
func lockSupplier(ctx context.Context, q db.Querier, consumer, supplier string, share bool) (a SupplierAssignment, ok bool, err error) {
	lock := ` FOR UPDATE`
	if share {
		lock = ` FOR SHARE`
	}
	a, err = scanSupplier(q.QueryRow(ctx, `SELECT `+supplierColumns+` FROM api_delegation_suppliers
		WHERE consumer_orgno = $1 AND supplier_orgno = $2`+lock, consumer, supplier))
	if errors.Is(err, dberr.ErrNotFound) {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("supplier %s of %s: %w", supplier, consumer, err)
	}
	return a, true, nil
}

func deleteSupplier(ctx context.Context, q db.Querier, consumer, supplier string) error {
	if _, err := q.Exec(ctx, `DELETE FROM api_delegation_suppliers WHERE consumer_orgno = $1 AND supplier_orgno = $2`, consumer, supplier); err != nil {
		return fmt.Errorf("remove supplier %s of %s: %w", supplier, consumer, db.Map(err))
	}
	return nil
}

// listSuppliers lists assignments by consumer, supplier or both ("" for
// any), oldest first.
func listSuppliers(ctx context.Context, q db.Querier, consumer, supplier string) ([]SupplierAssignment, error) {
	rows, err := q.Query(ctx, `SELECT `+supplierColumns+` FROM api_delegation_suppliers
		WHERE ($1 = '' OR consumer_orgno = $1) AND ($2 = '' OR supplier_orgno = $2) ORDER BY created, id`, consumer, supplier)
	if err != nil {
		return nil, fmt.Errorf("list suppliers: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SupplierAssignment, error) { return scanSupplier(r) })
	if err != nil {
		return nil, fmt.Errorf("list suppliers: %w", db.Map(err))
	}
	return out, nil
}

// withdrawAllLive withdraws every live delegation from consumer to
// supplier (a supplier removed with cascade) and says how many.
func withdrawAllLive(ctx context.Context, q db.Querier, consumer, supplier string, at time.Time, by string) (int64, error) {
	tag, err := q.Exec(ctx, `UPDATE api_delegations SET withdrawn = $3, withdrawn_by = $4
		WHERE consumer_orgno = $1 AND supplier_orgno = $2 AND withdrawn IS NULL`, consumer, supplier, at, by)
	if err != nil {
		return 0, fmt.Errorf("withdraw the delegations from %s to %s: %w", consumer, supplier, db.Map(err))
	}
	return tag.RowsAffected(), nil
}

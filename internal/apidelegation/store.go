package apidelegation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

const schemeColumns = `identifier, owner_orgno, scopes, title, description, created`

func scanScheme(row pgx.Row) (Scheme, error) {
	var s Scheme
	if err := row.Scan(&s.Identifier, &s.OwnerOrgNo, &s.Scopes, &s.Title, &s.Description, &s.Created); err != nil {
		return Scheme{}, db.Map(err)
	}
	return s, nil
}

func insertScheme(ctx context.Context, q db.Querier, s Scheme) error {
	_, err := q.Exec(ctx, `INSERT INTO api_delegation_schemes (`+schemeColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		s.Identifier, s.OwnerOrgNo, s.Scopes, s.Title, s.Description, s.Created)
	if err != nil {
		return fmt.Errorf("insert scheme %s: %w", s.Identifier, db.Map(err))
	}
	return nil
}

// updateScheme replaces a scheme's owner, scopes and texts (the seed's
// idempotent write).
func updateScheme(ctx context.Context, q db.Querier, s Scheme) error {
	_, err := q.Exec(ctx, `UPDATE api_delegation_schemes SET owner_orgno = $2, scopes = $3, title = $4, description = $5
		WHERE identifier = $1`, s.Identifier, s.OwnerOrgNo, s.Scopes, s.Title, s.Description)
	if err != nil {
		return fmt.Errorf("update scheme %s: %w", s.Identifier, db.Map(err))
	}
	return nil
}

func getScheme(ctx context.Context, q db.Querier, id string) (Scheme, error) {
	s, err := scanScheme(q.QueryRow(ctx, `SELECT `+schemeColumns+` FROM api_delegation_schemes WHERE identifier = $1`, id))
	if err != nil {
		return Scheme{}, fmt.Errorf("scheme %q: %w", id, err)
	}
	return s, nil
}

// listSchemes lists every scheme, or owner's.
func listSchemes(ctx context.Context, q db.Querier, owner string) ([]Scheme, error) {
	rows, err := q.Query(ctx, `SELECT `+schemeColumns+` FROM api_delegation_schemes
		WHERE $1 = '' OR owner_orgno = $1 ORDER BY identifier`, owner)
	if err != nil {
		return nil, fmt.Errorf("list schemes: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Scheme, error) { return scanScheme(r) })
	if err != nil {
		return nil, fmt.Errorf("list schemes: %w", db.Map(err))
	}
	return out, nil
}

const delegationColumns = `d.id, d.scheme, s.scopes, d.consumer_orgno, d.supplier_orgno, d.created, d.created_by, d.withdrawn, d.withdrawn_by`
const delegationFrom = ` FROM api_delegations d JOIN api_delegation_schemes s ON s.identifier = d.scheme`

func scanDelegation(row pgx.Row) (Delegation, error) {
	var d Delegation
	if err := row.Scan(&d.ID, &d.Scheme, &d.Scopes, &d.ConsumerOrgNo, &d.SupplierOrgNo, &d.Created, &d.CreatedBy, &d.Withdrawn, &d.WithdrawnBy); err != nil {
		return Delegation{}, db.Map(err)
	}
	return d, nil
}

// liveDelegation reads the live delegation of scheme from consumer to
// supplier; lock takes its row.
func liveDelegation(ctx context.Context, q db.Querier, scheme, consumer, supplier string) (Delegation, error) {
	return scanDelegation(q.QueryRow(ctx, `SELECT `+delegationColumns+delegationFrom+`
		WHERE d.scheme = $1 AND d.consumer_orgno = $2 AND d.supplier_orgno = $3 AND d.withdrawn IS NULL`, scheme, consumer, supplier))
}

func getDelegation(ctx context.Context, q db.Querier, id uuid.UUID, lock bool) (Delegation, error) {
	sql := `SELECT ` + delegationColumns + delegationFrom + ` WHERE d.id = $1`
	if lock {
		sql += ` FOR UPDATE OF d`
	}
	d, err := scanDelegation(q.QueryRow(ctx, sql, id))
	if err != nil {
		return Delegation{}, fmt.Errorf("delegation %s: %w", id, err)
	}
	return d, nil
}

// insertDelegation inserts d; a live one for the same scheme, consumer
// and supplier is a conflict (the partial unique index).
func insertDelegation(ctx context.Context, q db.Querier, d Delegation) error {
	_, err := q.Exec(ctx, `INSERT INTO api_delegations (id, scheme, consumer_orgno, supplier_orgno, created, created_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, d.ID, d.Scheme, d.ConsumerOrgNo, d.SupplierOrgNo, d.Created, d.CreatedBy)
	if err != nil {
		return fmt.Errorf("insert delegation: %w", db.Map(err))
	}
	return nil
}

func withdrawDelegation(ctx context.Context, q db.Querier, id uuid.UUID, at time.Time, by string) error {
	_, err := q.Exec(ctx, `UPDATE api_delegations SET withdrawn = $2, withdrawn_by = $3 WHERE id = $1 AND withdrawn IS NULL`, id, at, by)
	if err != nil {
		return fmt.Errorf("withdraw delegation %s: %w", id, db.Map(err))
	}
	return nil
}

func listDelegations(ctx context.Context, q db.Querier, f Filter) ([]Delegation, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ConsumerOrgNo != "" {
		add("d.consumer_orgno = $%d", f.ConsumerOrgNo)
	}
	if f.SupplierOrgNo != "" {
		add("d.supplier_orgno = $%d", f.SupplierOrgNo)
	}
	if f.Scheme != "" {
		add("d.scheme = $%d", f.Scheme)
	}
	if !f.Withdrawn {
		where = append(where, "d.withdrawn IS NULL")
	}
	sql := `SELECT ` + delegationColumns + delegationFrom
	if len(where) > 0 {
		sql += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := q.Query(ctx, sql+` ORDER BY d.created, d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list delegations: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delegation, error) { return scanDelegation(r) })
	if err != nil {
		return nil, fmt.Errorf("list delegations: %w", db.Map(err))
	}
	return out, nil
}

// delegatedScheme finds a scheme with scope that consumer delegated to
// supplier and has not withdrawn ("" when none): /token's question.
func delegatedScheme(ctx context.Context, q db.Querier, consumer, supplier, scope string) (string, error) {
	var scheme string
	err := q.QueryRow(ctx, `SELECT d.scheme`+delegationFrom+`
		WHERE d.consumer_orgno = $1 AND d.supplier_orgno = $2 AND d.withdrawn IS NULL AND $3 = ANY (s.scopes)
		ORDER BY d.created LIMIT 1`, consumer, supplier, scope).Scan(&scheme)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("delegation of %s from %s to %s: %w", scope, consumer, supplier, db.Map(err))
	}
	return scheme, nil
}

// withdrawLive withdraws the live delegation of scheme from consumer to
// supplier, if there is one (Access Management's revoke names the
// delegation by its parties and resource, not by an id).
func withdrawLive(ctx context.Context, q db.Querier, scheme, consumer, supplier string, at time.Time, by string) (bool, error) {
	tag, err := q.Exec(ctx, `UPDATE api_delegations SET withdrawn = $4, withdrawn_by = $5
		WHERE scheme = $1 AND consumer_orgno = $2 AND supplier_orgno = $3 AND withdrawn IS NULL`, scheme, consumer, supplier, at, by)
	if err != nil {
		return false, fmt.Errorf("withdraw delegation of %s from %s to %s: %w", scheme, consumer, supplier, db.Map(err))
	}
	return tag.RowsAffected() > 0, nil
}

// lookupDelegations is Maskinporten's lookup: live delegations of schemes
// holding scope (any scheme when ""), of consumer and to supplier when set.
func lookupDelegations(ctx context.Context, q db.Querier, consumer, supplier, scope string) ([]Delegation, error) {
	rows, err := q.Query(ctx, `SELECT `+delegationColumns+delegationFrom+`
		WHERE d.withdrawn IS NULL AND ($1 = '' OR d.consumer_orgno = $1) AND ($2 = '' OR d.supplier_orgno = $2)
		AND ($3 = '' OR $3 = ANY (s.scopes)) ORDER BY d.created, d.id`, consumer, supplier, scope)
	if err != nil {
		return nil, fmt.Errorf("look up delegations: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delegation, error) { return scanDelegation(r) })
	if err != nil {
		return nil, fmt.Errorf("look up delegations: %w", db.Map(err))
	}
	return out, nil
}

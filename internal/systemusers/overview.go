package systemusers

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// Overview is up to limit live system users and client delegations,
// newest first, with the total of each: the /sim/ overview page.
func (s *Service) Overview(ctx context.Context, limit int) (users []SystemUser, userCount int, dels []ClientDelegation, delCount int, err error) {
	if users, err = newestLiveSUs(ctx, s.pool, limit); err != nil {
		return
	}
	if dels, err = newestDelegations(ctx, s.pool, limit); err != nil {
		return
	}
	err = s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM system_users WHERE NOT is_deleted),
		(SELECT count(*) FROM systemuser_client_delegations d JOIN system_users u ON u.id = d.system_user_id WHERE NOT u.is_deleted)`).
		Scan(&userCount, &delCount)
	if err != nil {
		err = fmt.Errorf("count system users: %w", db.Map(err))
	}
	return
}

// newestLiveSUs lists up to limit live system users, newest first.
func newestLiveSUs(ctx context.Context, q db.Querier, limit int) ([]SystemUser, error) {
	return collectSUs(q.Query(ctx, `SELECT `+suCols+` FROM system_users
		WHERE NOT is_deleted ORDER BY created DESC, id LIMIT $1`, limit))
}

// newestDelegations lists up to limit client delegations of live system
// users, newest first.
func newestDelegations(ctx context.Context, q db.Querier, limit int) ([]ClientDelegation, error) {
	rows, err := q.Query(ctx, `SELECT `+prefixedCD("d.")+` FROM systemuser_client_delegations d
		JOIN system_users u ON u.id = d.system_user_id WHERE NOT u.is_deleted ORDER BY d.created DESC, d.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list client delegations: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ClientDelegation, error) { return scanCD(r) })
	if err != nil {
		return nil, fmt.Errorf("list client delegations: %w", err)
	}
	return out, nil
}

// prefixedCD is cdCols with a table alias.
func prefixedCD(p string) string {
	return p + `id, ` + p + `system_user_id, ` + p + `client_org_no, ` + p + `client_party_uuid, ` + p + `facilitator_org_no, ` +
		p + `roles, ` + p + `access_packages, ` + p + `created`
}

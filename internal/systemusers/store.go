package systemusers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

const suCols = `id, system_id, coalesce(system_internal_id, '00000000-0000-0000-0000-000000000000'::uuid), integration_title,
	reportee_org_no, reportee_party_id, reportee_party_uuid, external_ref, user_type, supplier_org_no,
	rights, access_packages, is_deleted, created, last_changed, sequence_no`

func scanSU(row pgx.Row) (SystemUser, error) {
	var (
		su           SystemUser
		rights, pkgs []byte
	)
	err := row.Scan(&su.ID, &su.SystemID, &su.SystemInternalID, &su.IntegrationTitle,
		&su.ReporteeOrgNo, &su.PartyID, &su.PartyUUID, &su.ExternalRef, &su.UserType, &su.SupplierOrgNo,
		&rights, &pkgs, &su.IsDeleted, &su.Created, &su.LastChanged, &su.SequenceNo)
	if err != nil {
		return su, db.Map(err)
	}
	if err := json.Unmarshal(rights, &su.Rights); err != nil {
		return su, fmt.Errorf("system user %s rights: %w", su.ID, err)
	}
	if err := json.Unmarshal(pkgs, &su.AccessPackages); err != nil {
		return su, fmt.Errorf("system user %s access packages: %w", su.ID, err)
	}
	if su.Rights == nil {
		su.Rights = []Right{}
	}
	if su.AccessPackages == nil {
		su.AccessPackages = []AccessPackageRef{}
	}
	su.Created, su.LastChanged = su.Created.UTC(), su.LastChanged.UTC()
	return su, nil
}

// liveSU reads a live system user.
func liveSU(ctx context.Context, q db.Querier, id uuid.UUID) (SystemUser, error) {
	return scanSU(q.QueryRow(ctx, `SELECT `+suCols+` FROM system_users WHERE id = $1 AND NOT is_deleted`, id))
}

// lockLiveSU reads and locks a live system user in q's transaction.
func lockLiveSU(ctx context.Context, q db.Querier, id uuid.UUID) (SystemUser, error) {
	return scanSU(q.QueryRow(ctx, `SELECT `+suCols+` FROM system_users WHERE id = $1 AND NOT is_deleted FOR UPDATE`, id))
}

// liveSUByTriple reads the live system user of (system, owner, external ref).
func liveSUByTriple(ctx context.Context, q db.Querier, systemID, ownerOrgNo, externalRef string) (SystemUser, error) {
	return scanSU(q.QueryRow(ctx, `SELECT `+suCols+` FROM system_users
		WHERE system_id = $1 AND reportee_org_no = $2 AND external_ref = $3 AND NOT is_deleted`, systemID, ownerOrgNo, externalRef))
}

// liveSUsOfParty lists an organisation's live system users, oldest first.
func liveSUsOfParty(ctx context.Context, q db.Querier, orgNo string) ([]SystemUser, error) {
	return collectSUs(q.Query(ctx, `SELECT `+suCols+` FROM system_users
		WHERE reportee_org_no = $1 AND NOT is_deleted ORDER BY created, id`, orgNo))
}

// liveSUsOfSystem lists up to limit live system users of a system from a
// sequence number on, in sequence order.
func liveSUsOfSystem(ctx context.Context, q db.Querier, systemID string, from int64, limit int) ([]SystemUser, error) {
	return collectSUs(q.Query(ctx, `SELECT `+suCols+` FROM system_users
		WHERE system_id = $1 AND NOT is_deleted AND sequence_no >= $2 ORDER BY sequence_no LIMIT $3`, systemID, from, limit))
}

func collectSUs(rows pgx.Rows, err error) ([]SystemUser, error) {
	if err != nil {
		return nil, fmt.Errorf("list system users: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SystemUser, error) { return scanSU(r) })
	if err != nil {
		return nil, fmt.Errorf("list system users: %w", err)
	}
	return out, nil
}

func insertSU(ctx context.Context, q db.Querier, su SystemUser, createdBy string) (SystemUser, error) {
	rights, err := json.Marshal(su.Rights)
	if err != nil {
		return su, err
	}
	pkgs, err := json.Marshal(su.AccessPackages)
	if err != nil {
		return su, err
	}
	var internal *uuid.UUID
	if su.SystemInternalID != uuid.Nil {
		internal = &su.SystemInternalID
	}
	row := q.QueryRow(ctx, `INSERT INTO system_users (id, system_id, system_internal_id, integration_title,
		reportee_org_no, reportee_party_id, reportee_party_uuid, external_ref, user_type, supplier_org_no,
		rights, access_packages, created_by, changed_by, created, last_changed)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13,$14,$14)
		RETURNING `+suCols,
		su.ID, su.SystemID, internal, su.IntegrationTitle, su.ReporteeOrgNo, su.PartyID, su.PartyUUID,
		su.ExternalRef, su.UserType, su.SupplierOrgNo, rights, pkgs, createdBy, su.Created)
	out, err := scanSU(row)
	if err != nil {
		return out, fmt.Errorf("insert system user: %w", err)
	}
	return out, nil
}

func updateGrants(ctx context.Context, q db.Querier, id uuid.UUID, rights []Right, pkgs []AccessPackageRef, now time.Time, by string) (SystemUser, error) {
	rb, err := json.Marshal(rights)
	if err != nil {
		return SystemUser{}, err
	}
	pb, err := json.Marshal(pkgs)
	if err != nil {
		return SystemUser{}, err
	}
	su, err := scanSU(q.QueryRow(ctx, `UPDATE system_users SET rights = $2, access_packages = $3, last_changed = $4, changed_by = $5
		WHERE id = $1 AND NOT is_deleted RETURNING `+suCols, id, rb, pb, now, by))
	if err != nil {
		return su, fmt.Errorf("update system user %s: %w", id, err)
	}
	return su, nil
}

func markDeleted(ctx context.Context, q db.Querier, id uuid.UUID, now time.Time, by string) error {
	tag, err := q.Exec(ctx, `UPDATE system_users SET is_deleted = true, last_changed = $2, changed_by = $3 WHERE id = $1 AND NOT is_deleted`, id, now, by)
	if err != nil {
		return fmt.Errorf("delete system user %s: %w", id, db.Map(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("system user %s: %w", id, dberr.ErrNotFound)
	}
	return nil
}

const cdCols = `id, system_user_id, client_org_no, client_party_uuid, facilitator_org_no, roles, access_packages, created`

func scanCD(row pgx.Row) (ClientDelegation, error) {
	var d ClientDelegation
	err := row.Scan(&d.ID, &d.SystemUserID, &d.ClientOrgNo, &d.ClientPartyUUID, &d.FacilitatorOrgNo, &d.Roles, &d.AccessPackages, &d.Created)
	d.Created = d.Created.UTC()
	return d, db.Map(err)
}

func listDelegations(ctx context.Context, q db.Querier, suID uuid.UUID) ([]ClientDelegation, error) {
	rows, err := q.Query(ctx, `SELECT `+cdCols+` FROM systemuser_client_delegations WHERE system_user_id = $1 ORDER BY created, client_org_no`, suID)
	if err != nil {
		return nil, fmt.Errorf("list client delegations: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ClientDelegation, error) { return scanCD(r) })
	if err != nil {
		return nil, fmt.Errorf("list client delegations: %w", err)
	}
	return out, nil
}

func insertDelegation(ctx context.Context, q db.Querier, d ClientDelegation) (ClientDelegation, bool, error) {
	out, err := scanCD(q.QueryRow(ctx, `INSERT INTO systemuser_client_delegations (`+cdCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		ON CONFLICT (system_user_id, client_org_no) DO NOTHING RETURNING `+cdCols,
		d.ID, d.SystemUserID, d.ClientOrgNo, d.ClientPartyUUID, d.FacilitatorOrgNo, d.Roles, d.AccessPackages, d.Created))
	if err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return d, false, nil
		}
		return out, false, fmt.Errorf("insert client delegation: %w", err)
	}
	return out, true, nil
}

func deleteDelegation(ctx context.Context, q db.Querier, suID uuid.UUID, clientOrgNo string) (bool, error) {
	tag, err := q.Exec(ctx, `DELETE FROM systemuser_client_delegations WHERE system_user_id = $1 AND client_org_no = $2`, suID, clientOrgNo)
	if err != nil {
		return false, fmt.Errorf("delete client delegation: %w", db.Map(err))
	}
	return tag.RowsAffected() > 0, nil
}

// streamSUs lists up to limit system users, deleted ones included, whose
// sequence number is above from and not above what no running writer can
// still commit below (tx_max_safeval), in sequence order: the platform's
// change feed.
func streamSUs(ctx context.Context, q db.Querier, from int64, limit int) ([]SystemUser, error) {
	return collectSUs(q.Query(ctx, `WITH safe AS (SELECT tx_max_safeval('system_users_sequence_no_seq') AS v)
		SELECT `+suCols+` FROM system_users CROSS JOIN safe
		WHERE sequence_no > $1 AND sequence_no <= safe.v ORDER BY sequence_no LIMIT $2`, from, limit))
}

// maxSequence is the highest sequence number any system user has (0 for
// none).
func maxSequence(ctx context.Context, q db.Querier) (int64, error) {
	var n int64
	if err := q.QueryRow(ctx, `SELECT coalesce(max(sequence_no), 0) FROM system_users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("max system user sequence: %w", db.Map(err))
	}
	return n, nil
}

// selfPackages lists the packages an agent system user's owner delegated
// to it, in URN order.
func selfPackages(ctx context.Context, q db.Querier, suID uuid.UUID) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT package_urn FROM systemuser_self_packages WHERE system_user_id = $1 ORDER BY package_urn`, suID)
	if err != nil {
		return nil, fmt.Errorf("self packages of %s: %w", suID, db.Map(err))
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("self packages of %s: %w", suID, db.Map(err))
	}
	return out, nil
}

// addSelfPackages records packages as delegated by the owner; ones already
// there stay as they are. It reports how many were new.
func addSelfPackages(ctx context.Context, q db.Querier, suID uuid.UUID, urns []string, now time.Time) (int64, error) {
	tag, err := q.Exec(ctx, `INSERT INTO systemuser_self_packages (system_user_id, package_urn, created)
		SELECT $1, u, $3 FROM unnest($2::text[]) AS u ON CONFLICT DO NOTHING`, suID, urns, now)
	if err != nil {
		return 0, fmt.Errorf("add self packages to %s: %w", suID, db.Map(err))
	}
	return tag.RowsAffected(), nil
}

// removeSelfPackages removes packages delegated by the owner (urns nil:
// all of them), reporting how many were removed.
func removeSelfPackages(ctx context.Context, q db.Querier, suID uuid.UUID, urns []string) (int64, error) {
	var (
		tag pgconn.CommandTag
		err error
	)
	if urns == nil {
		tag, err = q.Exec(ctx, `DELETE FROM systemuser_self_packages WHERE system_user_id = $1`, suID)
	} else {
		tag, err = q.Exec(ctx, `DELETE FROM systemuser_self_packages WHERE system_user_id = $1 AND package_urn = ANY($2)`, suID, urns)
	}
	if err != nil {
		return 0, fmt.Errorf("remove self packages of %s: %w", suID, db.Map(err))
	}
	return tag.RowsAffected(), nil
}

// updateDelegation replaces a client delegation's roles and packages.
func updateDelegation(ctx context.Context, q db.Querier, id uuid.UUID, roles, packages []string) error {
	if _, err := q.Exec(ctx, `UPDATE systemuser_client_delegations SET roles = $2, access_packages = $3 WHERE id = $1`, id, roles, packages); err != nil {
		return fmt.Errorf("update client delegation: %w", db.Map(err))
	}
	return nil
}

package requests

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

const reqCols = `id, kind, external_ref, system_id, party_org_no, integration_title, rights, access_packages,
	status, redirect_url, escalated, coalesce(system_user_id, '00000000-0000-0000-0000-000000000000'::uuid),
	changed_by, created, last_changed`

func scanReq(row pgx.Row) (Request, error) {
	var (
		r            Request
		rights, pkgs []byte
	)
	err := row.Scan(&r.ID, &r.Kind, &r.ExternalRef, &r.SystemID, &r.PartyOrgNo, &r.IntegrationTitle, &rights, &pkgs,
		&r.Status, &r.RedirectURL, &r.Escalated, &r.SystemUserID, &r.ChangedBy, &r.Created, &r.LastChanged)
	if err != nil {
		return r, db.Map(err)
	}
	r.Created, r.LastChanged = r.Created.UTC(), r.LastChanged.UTC()
	return r, errors.Join(unmarshal(rights, &r.Rights), unmarshal(pkgs, &r.AccessPackages))
}

func unmarshal[T any](b []byte, v *[]T) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode stored json: %w", err)
	}
	if *v == nil {
		*v = []T{}
	}
	return nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own slices of plain structs are marshalled
	}
	if string(b) == "null" {
		return []byte("[]")
	}
	return b
}

// The reads below see only visible requests: those not deleted. Age alone
// never hides a request (see TimeoutAfter).

// reqByID reads a visible standard or agent request.
func reqByID(ctx context.Context, q db.Querier, id uuid.UUID) (Request, error) {
	return scanReq(q.QueryRow(ctx, `SELECT `+reqCols+` FROM systemuser_requests
		WHERE id = $1 AND NOT is_deleted`, id))
}

// lockReq reads and locks a visible standard or agent request in q's
// transaction.
func lockReq(ctx context.Context, q db.Querier, id uuid.UUID) (Request, error) {
	return scanReq(q.QueryRow(ctx, `SELECT `+reqCols+` FROM systemuser_requests
		WHERE id = $1 AND NOT is_deleted FOR UPDATE`, id))
}

// reqByTriple reads the visible request of a kind for (system, party,
// external ref); the live-triple index allows at most one.
func reqByTriple(ctx context.Context, q db.Querier, kind, systemID, orgNo, ref string) (Request, error) {
	return scanReq(q.QueryRow(ctx, `SELECT `+reqCols+` FROM systemuser_requests
		WHERE kind = $1 AND system_id = $2 AND party_org_no = $3 AND external_ref = $4 AND NOT is_deleted`,
		kind, systemID, orgNo, ref))
}

// reqPage lists up to limit visible requests of a kind for a system,
// ordered by id, after the given id.
func reqPage(ctx context.Context, q db.Querier, kind, systemID string, after uuid.UUID, limit int) ([]Request, error) {
	return collectReqs(q.Query(ctx, `SELECT `+reqCols+` FROM systemuser_requests
		WHERE kind = $1 AND system_id = $2 AND id > $3 AND NOT is_deleted ORDER BY id LIMIT $4`,
		kind, systemID, after, limit))
}

// newReqsFor lists the New requests for a party created after since,
// oldest first.
func newReqsFor(ctx context.Context, q db.Querier, orgNo string, since time.Time) ([]Request, error) {
	return collectReqs(q.Query(ctx, `SELECT `+reqCols+` FROM systemuser_requests
		WHERE party_org_no = $1 AND status = 'New' AND created >= $2 AND NOT is_deleted ORDER BY created, id`,
		orgNo, since))
}

func collectReqs(rows pgx.Rows, _ error) ([]Request, error) {
	// pgx reports a failed Query through its rows too, and CollectRows
	// closes them on every path: an early return here would hold the
	// connection until the pool gave up.
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Request, error) { return scanReq(r) })
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", db.Map(err))
	}
	return out, nil
}

func insertReq(ctx context.Context, q db.Querier, r Request) (Request, error) {
	out, err := scanReq(q.QueryRow(ctx, `INSERT INTO systemuser_requests (id, kind, external_ref, system_id, party_org_no,
		integration_title, rights, access_packages, status, redirect_url, created, last_changed)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11) RETURNING `+reqCols,
		r.ID, r.Kind, r.ExternalRef, r.SystemID, r.PartyOrgNo, r.IntegrationTitle, mustJSON(r.Rights), mustJSON(r.AccessPackages),
		r.Status, r.RedirectURL, r.Created))
	if err != nil {
		return out, fmt.Errorf("insert request: %w", err)
	}
	return out, nil
}

func setReqStatus(ctx context.Context, q db.Querier, id uuid.UUID, status string, suID *uuid.UUID, now time.Time, by string) error {
	_, err := q.Exec(ctx, `UPDATE systemuser_requests SET status = $2, system_user_id = coalesce($3, system_user_id),
		last_changed = $4, changed_by = $5 WHERE id = $1`, id, status, suID, now, by)
	if err != nil {
		return fmt.Errorf("update request %s: %w", id, db.Map(err))
	}
	return nil
}

// setEscalated marks a request escalated.
func setEscalated(ctx context.Context, q db.Querier, id uuid.UUID, now time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE systemuser_requests SET escalated = true, last_changed = $2 WHERE id = $1`, id, now); err != nil {
		return fmt.Errorf("escalate %s: %w", id, db.Map(err))
	}
	return nil
}

// deleteReq soft-deletes a visible standard or agent request; false when
// there was none.
func deleteReq(ctx context.Context, q db.Querier, id uuid.UUID, now time.Time) (bool, error) {
	tag, err := q.Exec(ctx, `UPDATE systemuser_requests SET is_deleted = true, last_changed = $2
		WHERE id = $1 AND NOT is_deleted`, id, now)
	if err != nil {
		return false, fmt.Errorf("delete request %s: %w", id, db.Map(err))
	}
	return tag.RowsAffected() > 0, nil
}

// deleteChg soft-deletes a visible change request; false when there was
// none.
func deleteChg(ctx context.Context, q db.Querier, id uuid.UUID, now time.Time) (bool, error) {
	tag, err := q.Exec(ctx, `UPDATE systemuser_change_requests SET is_deleted = true, last_changed = $2
		WHERE id = $1 AND NOT is_deleted`, id, now)
	if err != nil {
		return false, fmt.Errorf("delete change request %s: %w", id, db.Map(err))
	}
	return tag.RowsAffected() > 0, nil
}

const chgCols = `id, external_ref, system_id, system_user_id, party_org_no, required_rights, unwanted_rights,
	required_access_packages, unwanted_access_packages, status, redirect_url, changed_by, created, last_changed`

func scanChg(row pgx.Row) (Request, error) {
	var (
		r      Request
		rr, ur []byte
		rp, up []byte
	)
	err := row.Scan(&r.ID, &r.ExternalRef, &r.SystemID, &r.SystemUserID, &r.PartyOrgNo, &rr, &ur, &rp, &up,
		&r.Status, &r.RedirectURL, &r.ChangedBy, &r.Created, &r.LastChanged)
	if err != nil {
		return r, db.Map(err)
	}
	r.Kind = KindChange
	r.Rights, r.AccessPackages = []Right{}, []AccessPackageRef{}
	r.Created, r.LastChanged = r.Created.UTC(), r.LastChanged.UTC()
	return r, errors.Join(
		unmarshal(rr, &r.RequiredRights), unmarshal(ur, &r.UnwantedRights),
		unmarshal(rp, &r.RequiredAccessPackages), unmarshal(up, &r.UnwantedAccessPackages))
}

// chgByID reads a visible change request.
func chgByID(ctx context.Context, q db.Querier, id uuid.UUID) (Request, error) {
	return scanChg(q.QueryRow(ctx, `SELECT `+chgCols+` FROM systemuser_change_requests
		WHERE id = $1 AND NOT is_deleted`, id))
}

// lockChg reads and locks a visible change request in q's transaction.
func lockChg(ctx context.Context, q db.Querier, id uuid.UUID) (Request, error) {
	return scanChg(q.QueryRow(ctx, `SELECT `+chgCols+` FROM systemuser_change_requests
		WHERE id = $1 AND NOT is_deleted FOR UPDATE`, id))
}

// latestChgByTriple reads the newest visible change request for
// (system, party, external ref).
func latestChgByTriple(ctx context.Context, q db.Querier, systemID, orgNo, ref string) (Request, error) {
	return scanChg(q.QueryRow(ctx, `SELECT `+chgCols+` FROM systemuser_change_requests
		WHERE system_id = $1 AND party_org_no = $2 AND external_ref = $3 AND NOT is_deleted
		ORDER BY created DESC LIMIT 1`, systemID, orgNo, ref))
}

// chgPage lists up to limit visible change requests for a system, ordered
// by id, after the given id.
func chgPage(ctx context.Context, q db.Querier, systemID string, after uuid.UUID, limit int) ([]Request, error) {
	return collectChgs(q.Query(ctx, `SELECT `+chgCols+` FROM systemuser_change_requests
		WHERE system_id = $1 AND id > $2 AND NOT is_deleted ORDER BY id LIMIT $3`,
		systemID, after, limit))
}

// newChgsFor lists the New change requests for a party created after
// since, oldest first.
func newChgsFor(ctx context.Context, q db.Querier, orgNo string, since time.Time) ([]Request, error) {
	return collectChgs(q.Query(ctx, `SELECT `+chgCols+` FROM systemuser_change_requests
		WHERE party_org_no = $1 AND status = 'New' AND created >= $2 AND NOT is_deleted ORDER BY created, id`,
		orgNo, since))
}

func collectChgs(rows pgx.Rows, _ error) ([]Request, error) {
	// pgx reports a failed Query through its rows too, and CollectRows
	// closes them on every path: an early return here would hold the
	// connection until the pool gave up.
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Request, error) { return scanChg(r) })
	if err != nil {
		return nil, fmt.Errorf("list change requests: %w", db.Map(err))
	}
	return out, nil
}

func insertChg(ctx context.Context, q db.Querier, r Request) (Request, error) {
	out, err := scanChg(q.QueryRow(ctx, `INSERT INTO systemuser_change_requests (id, external_ref, system_id, system_user_id,
		party_org_no, required_rights, unwanted_rights, required_access_packages, unwanted_access_packages, status,
		redirect_url, created, last_changed)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12) RETURNING `+chgCols,
		r.ID, r.ExternalRef, r.SystemID, r.SystemUserID, r.PartyOrgNo, mustJSON(r.RequiredRights), mustJSON(r.UnwantedRights),
		mustJSON(r.RequiredAccessPackages), mustJSON(r.UnwantedAccessPackages), r.Status, r.RedirectURL, r.Created))
	if err != nil {
		return out, fmt.Errorf("insert change request: %w", err)
	}
	return out, nil
}

func setChgStatus(ctx context.Context, q db.Querier, id uuid.UUID, status string, now time.Time, by string) error {
	_, err := q.Exec(ctx, `UPDATE systemuser_change_requests SET status = $2, last_changed = $3, changed_by = $4 WHERE id = $1`, id, status, now, by)
	if err != nil {
		return fmt.Errorf("update change request %s: %w", id, db.Map(err))
	}
	return nil
}

package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

const systemCols = `internal_id, system_id, vendor_org_no, name, description, rights, access_packages, client_ids,
	allowed_redirect_urls, is_visible, is_deleted, version, created, last_changed`

func scanSystem(row pgx.Row) (RegisteredSystem, error) {
	var (
		s                    RegisteredSystem
		name, desc, rts, aps []byte
	)
	err := row.Scan(&s.InternalID, &s.ID, &s.Vendor, &name, &desc, &rts, &aps, &s.ClientIDs,
		&s.AllowedRedirectURLs, &s.IsVisible, &s.IsDeleted, &s.Version, &s.Created, &s.LastChanged)
	if err != nil {
		return s, db.Map(err)
	}
	for _, f := range []struct {
		b []byte
		v any
	}{{name, &s.Name}, {desc, &s.Description}, {rts, &s.Rights}, {aps, &s.AccessPackages}} {
		if err := json.Unmarshal(f.b, f.v); err != nil {
			return s, fmt.Errorf("decode stored system: %w", err)
		}
	}
	s.Rights, s.AccessPackages = nonNil(s.Rights), nonNil(s.AccessPackages)
	s.ClientIDs, s.AllowedRedirectURLs = nonNil(s.ClientIDs), nonNil(s.AllowedRedirectURLs)
	return s, nil
}

// getSystem reads a system by its text id, deleted or not. forUpdate
// takes the row lock that serialises writers of one system.
func getSystem(ctx context.Context, q db.Querier, systemID string, forUpdate bool) (RegisteredSystem, error) {
	sql := `SELECT ` + systemCols + ` FROM system_register WHERE system_id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	s, err := scanSystem(q.QueryRow(ctx, sql, systemID))
	if err != nil {
		return s, fmt.Errorf("system %q: %w", systemID, err)
	}
	return s, nil
}

func getSystemByClientID(ctx context.Context, q db.Querier, clientID string) (RegisteredSystem, error) {
	s, err := scanSystem(q.QueryRow(ctx, `SELECT `+prefixed("r.")+` FROM system_register r
		JOIN system_register_clients c ON c.system_internal_id = r.internal_id
		WHERE c.client_id = $1 AND NOT r.is_deleted`, clientID))
	if err != nil {
		return s, fmt.Errorf("system with client %q: %w", clientID, err)
	}
	return s, nil
}

func prefixed(p string) string {
	return p + `internal_id, ` + p + `system_id, ` + p + `vendor_org_no, ` + p + `name, ` + p + `description, ` + p + `rights, ` +
		p + `access_packages, ` + p + `client_ids, ` + p + `allowed_redirect_urls, ` + p + `is_visible, ` + p + `is_deleted, ` +
		p + `version, ` + p + `created, ` + p + `last_changed`
}

// visibleSystems lists the systems the portal shows.
func visibleSystems(ctx context.Context, q db.Querier) ([]RegisteredSystem, error) {
	return collectSystems(q.Query(ctx, `SELECT `+systemCols+` FROM system_register WHERE NOT is_deleted AND is_visible ORDER BY system_id`))
}

// vendorSystems lists a vendor's live systems.
func vendorSystems(ctx context.Context, q db.Querier, vendorOrgNo string) ([]RegisteredSystem, error) {
	return collectSystems(q.Query(ctx, `SELECT `+systemCols+` FROM system_register WHERE NOT is_deleted AND vendor_org_no = $1 ORDER BY system_id`, vendorOrgNo))
}

func collectSystems(rows pgx.Rows, _ error) ([]RegisteredSystem, error) {
	// pgx reports a failed Query through its rows too, and CollectRows
	// closes them on every path: an early return here would hold the
	// connection until the pool gave up.
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RegisteredSystem, error) { return scanSystem(r) })
	if err != nil {
		return nil, fmt.Errorf("list systems: %w", db.Map(err))
	}
	return out, nil
}

func insertSystem(ctx context.Context, q db.Querier, s *RegisteredSystem) error {
	name, _ := json.Marshal(s.Name)
	desc, _ := json.Marshal(s.Description)
	rts, _ := json.Marshal(nonNil(s.Rights))
	aps, _ := json.Marshal(nonNil(s.AccessPackages))
	err := q.QueryRow(ctx, `INSERT INTO system_register (system_id, vendor_org_no, name, description, rights, access_packages,
		client_ids, allowed_redirect_urls, is_visible, created, last_changed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING internal_id, version`,
		s.ID, s.Vendor, name, desc, rts, aps, nonNil(s.ClientIDs), nonNil(s.AllowedRedirectURLs), s.IsVisible, s.Created).
		Scan(&s.InternalID, &s.Version)
	if err != nil {
		return fmt.Errorf("insert system %q: %w", s.ID, db.Map(err))
	}
	return nil
}

// updateSystem writes every mutable column of s and bumps the version.
func updateSystem(ctx context.Context, q db.Querier, s *RegisteredSystem) error {
	name, _ := json.Marshal(s.Name)
	desc, _ := json.Marshal(s.Description)
	rts, _ := json.Marshal(nonNil(s.Rights))
	aps, _ := json.Marshal(nonNil(s.AccessPackages))
	err := q.QueryRow(ctx, `UPDATE system_register SET name = $2, description = $3, rights = $4, access_packages = $5,
		client_ids = $6, allowed_redirect_urls = $7, is_visible = $8, is_deleted = $9, last_changed = $10, version = version + 1
		WHERE internal_id = $1 RETURNING version`,
		s.InternalID, name, desc, rts, aps, nonNil(s.ClientIDs), nonNil(s.AllowedRedirectURLs), s.IsVisible, s.IsDeleted, s.LastChanged).
		Scan(&s.Version)
	if err != nil {
		return fmt.Errorf("update system %q: %w", s.ID, db.Map(err))
	}
	return nil
}

// clientsTaken returns the client ids among ids that are bound to a system
// other than exceptInternal (uuid.Nil: any system).
func clientsTaken(ctx context.Context, q db.Querier, ids []string, exceptInternal uuid.UUID) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// A failed Query shows in its rows too; CollectRows closes them on
	// every path (an early return would hold the connection).
	rows, _ := q.Query(ctx, `SELECT client_id FROM system_register_clients WHERE client_id = ANY($1) AND system_internal_id <> $2 ORDER BY client_id`,
		ids, exceptInternal)
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("check client ids: %w", db.Map(err))
	}
	return taken, nil
}

// errClientTaken: a client id was bound to another system meanwhile.
var errClientTaken = fmt.Errorf("client id bound to another system: %w", dberr.ErrConflict)

// syncClients makes the system's bound client ids exactly ids. A client
// id taken concurrently by another system surfaces as dberr.ErrConflict.
// Every instance's client → system answers are dropped on commit.
func syncClients(ctx context.Context, q db.Querier, internalID uuid.UUID, ids []string, now time.Time) error {
	if err := notifyClients(ctx, q); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM system_register_clients WHERE system_internal_id = $1 AND NOT (client_id = ANY($2))`,
		internalID, nonNil(ids)); err != nil {
		return fmt.Errorf("unbind clients: %w", db.Map(err))
	}
	for _, id := range ids {
		_, err := q.Exec(ctx, `INSERT INTO system_register_clients (client_id, system_internal_id, created) VALUES ($1, $2, $3)
			ON CONFLICT (client_id) DO UPDATE SET client_id = excluded.client_id
			WHERE system_register_clients.system_internal_id = excluded.system_internal_id`, id, internalID, now)
		if err != nil {
			if errors.Is(db.Map(err), dberr.ErrConflict) {
				return fmt.Errorf("bind client %q: %w", id, errClientTaken)
			}
			return fmt.Errorf("bind client %q: %w", id, db.Map(err))
		}
		var owner uuid.UUID
		if err := q.QueryRow(ctx, `SELECT system_internal_id FROM system_register_clients WHERE client_id = $1`, id).Scan(&owner); err != nil {
			return fmt.Errorf("bind client %q: %w", id, db.Map(err))
		}
		if owner != internalID {
			return fmt.Errorf("client %q is bound to another system: %w", id, errClientTaken)
		}
	}
	return nil
}

func unbindAllClients(ctx context.Context, q db.Querier, internalID uuid.UUID) (int64, error) {
	if err := notifyClients(ctx, q); err != nil {
		return 0, err
	}
	tag, err := q.Exec(ctx, `DELETE FROM system_register_clients WHERE system_internal_id = $1`, internalID)
	if err != nil {
		return 0, fmt.Errorf("unbind clients: %w", db.Map(err))
	}
	return tag.RowsAffected(), nil
}

func insertChangeLog(ctx context.Context, q db.Querier, c ChangeLog) error {
	_, err := q.Exec(ctx, `INSERT INTO system_register_changelog (system_internal_id, changed_by_org_no, change_type, changed_data, client_id, created)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.SystemInternalID, c.ChangedByOrgNumber, c.ChangeType, []byte(c.ChangedData), c.ClientID, c.Created)
	if err != nil {
		return fmt.Errorf("write change log: %w", db.Map(err))
	}
	return nil
}

func listChangeLog(ctx context.Context, q db.Querier, internalID uuid.UUID) ([]ChangeLog, error) {
	// CollectRows reports a failed Query and closes the rows on every path.
	rows, _ := q.Query(ctx, `SELECT system_internal_id, changed_by_org_no, change_type, changed_data, client_id, created
		FROM system_register_changelog WHERE system_internal_id = $1 ORDER BY created, id`, internalID)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ChangeLog, error) {
		var (
			c    ChangeLog
			data []byte
		)
		err := r.Scan(&c.SystemInternalID, &c.ChangedByOrgNumber, &c.ChangeType, &data, &c.ClientID, &c.Created)
		c.ChangedData = data
		return c, db.Map(err)
	})
}

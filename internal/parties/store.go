package parties

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

func scanOrg(row pgx.Row) (Organization, error) {
	var o Organization
	err := row.Scan(&o.OrgNo, &o.Name, &o.OrgForm, &o.PartyID, &o.PartyUUID)
	return o, db.Map(err)
}

func scanPerson(row pgx.Row) (Person, error) {
	var p Person
	err := row.Scan(&p.PID, &p.Name, &p.PartyID, &p.PartyUUID, &p.UserID)
	return p, db.Map(err)
}

func orgByNo(ctx context.Context, q db.Querier, orgNo string) (Organization, error) {
	o, err := scanOrg(q.QueryRow(ctx, `SELECT org_no, name, org_form, party_id, party_uuid FROM organizations WHERE org_no = $1`, orgNo))
	if err != nil {
		return o, fmt.Errorf("organization %s: %w", orgNo, err)
	}
	return o, nil
}

func orgByPartyID(ctx context.Context, q db.Querier, partyID int64) (Organization, error) {
	o, err := scanOrg(q.QueryRow(ctx, `SELECT org_no, name, org_form, party_id, party_uuid FROM organizations WHERE party_id = $1`, partyID))
	if err != nil {
		return o, fmt.Errorf("organization with party id %d: %w", partyID, err)
	}
	return o, nil
}

func orgByPartyUUID(ctx context.Context, q db.Querier, id uuid.UUID) (Organization, error) {
	o, err := scanOrg(q.QueryRow(ctx, `SELECT org_no, name, org_form, party_id, party_uuid FROM organizations WHERE party_uuid = $1`, id))
	if err != nil {
		return o, fmt.Errorf("organization with party uuid %s: %w", id, err)
	}
	return o, nil
}

func personByPID(ctx context.Context, q db.Querier, pid string) (Person, error) {
	p, err := scanPerson(q.QueryRow(ctx, `SELECT pid, name, party_id, party_uuid, user_id FROM persons WHERE pid = $1`, pid))
	if err != nil {
		return p, fmt.Errorf("person: %w", err)
	}
	return p, nil
}

func personByUserID(ctx context.Context, q db.Querier, userID int64) (Person, error) {
	p, err := scanPerson(q.QueryRow(ctx, `SELECT pid, name, party_id, party_uuid, user_id FROM persons WHERE user_id = $1`, userID))
	if err != nil {
		return p, fmt.Errorf("person with user id %d: %w", userID, err)
	}
	return p, nil
}

func personByPartyID(ctx context.Context, q db.Querier, partyID int64) (Person, error) {
	p, err := scanPerson(q.QueryRow(ctx, `SELECT pid, name, party_id, party_uuid, user_id FROM persons WHERE party_id = $1`, partyID))
	if err != nil {
		return p, fmt.Errorf("person with party id %d: %w", partyID, err)
	}
	return p, nil
}

func personByPartyUUID(ctx context.Context, q db.Querier, id uuid.UUID) (Person, error) {
	p, err := scanPerson(q.QueryRow(ctx, `SELECT pid, name, party_id, party_uuid, user_id FROM persons WHERE party_uuid = $1`, id))
	if err != nil {
		return p, fmt.Errorf("person with party uuid %s: %w", id, err)
	}
	return p, nil
}

func listOrgs(ctx context.Context, q db.Querier) ([]Organization, error) {
	rows, err := q.Query(ctx, `SELECT org_no, name, org_form, party_id, party_uuid FROM organizations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", db.Map(err))
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Organization, error) { return scanOrg(r) })
}

func listPersons(ctx context.Context, q db.Querier) ([]Person, error) {
	rows, err := q.Query(ctx, `SELECT pid, name, party_id, party_uuid, user_id FROM persons ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list persons: %w", db.Map(err))
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Person, error) { return scanPerson(r) })
}

// The role lists, each one statement. Roles come ordered by
// organisation and role code.

func rolesHeldByPersons(ctx context.Context, q db.Querier) ([]Role, error) {
	return collectRoles(q.Query(ctx, `SELECT org_no, role_code, source, coalesce(holder_pid, ''), coalesce(holder_org_no, '')
		FROM party_roles WHERE holder_pid IS NOT NULL ORDER BY org_no, role_code`))
}

func rolesOfPerson(ctx context.Context, q db.Querier, pid string) ([]Role, error) {
	return collectRoles(q.Query(ctx, `SELECT org_no, role_code, source, coalesce(holder_pid, ''), coalesce(holder_org_no, '')
		FROM party_roles WHERE holder_pid = $1 ORDER BY org_no, role_code`, pid))
}

func rolesHeldByOrg(ctx context.Context, q db.Querier, orgNo string) ([]Role, error) {
	return collectRoles(q.Query(ctx, `SELECT org_no, role_code, source, coalesce(holder_pid, ''), coalesce(holder_org_no, '')
		FROM party_roles WHERE holder_org_no = $1 ORDER BY org_no, role_code`, orgNo))
}

func rolesOn(ctx context.Context, q db.Querier, orgNo string) ([]Role, error) {
	return collectRoles(q.Query(ctx, `SELECT org_no, role_code, source, coalesce(holder_pid, ''), coalesce(holder_org_no, '')
		FROM party_roles WHERE org_no = $1 ORDER BY org_no, role_code`, orgNo))
}

func rolesOfPersonOn(ctx context.Context, q db.Querier, pid, orgNo string) ([]Role, error) {
	return collectRoles(q.Query(ctx, `SELECT org_no, role_code, source, coalesce(holder_pid, ''), coalesce(holder_org_no, '')
		FROM party_roles WHERE holder_pid = $1 AND org_no = $2 ORDER BY org_no, role_code`, pid, orgNo))
}

func collectRoles(rows pgx.Rows, _ error) ([]Role, error) {
	// pgx reports a failed Query through its rows too, and CollectRows
	// closes them on every path: an early return here would hold the
	// connection until the pool gave up.
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Role, error) {
		var x Role
		err := r.Scan(&x.OrgNo, &x.RoleCode, &x.Source, &x.HolderPID, &x.HolderOrgNo)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", db.Map(err))
	}
	return out, nil
}

func insertOrg(ctx context.Context, q db.Querier, o Organization) error {
	_, err := q.Exec(ctx, `INSERT INTO organizations (org_no, name, org_form, party_id, party_uuid)
		VALUES ($1, $2, $3, coalesce(nullif($4, 0), nextval('party_id_seq')), md5('org:' || $1)::uuid)
		ON CONFLICT (org_no) DO UPDATE SET name = EXCLUDED.name, org_form = EXCLUDED.org_form`,
		o.OrgNo, o.Name, o.OrgForm, o.PartyID)
	if err != nil {
		return fmt.Errorf("upsert organization %s: %w", o.OrgNo, db.Map(err))
	}
	return nil
}

func insertPerson(ctx context.Context, q db.Querier, p Person) error {
	_, err := q.Exec(ctx, `INSERT INTO persons (pid, name, party_id, party_uuid, user_id)
		VALUES ($1, $2, nextval('party_id_seq'), md5('person:' || $1)::uuid, nextval('user_id_seq'))
		ON CONFLICT (pid) DO UPDATE SET name = EXCLUDED.name`, p.PID, p.Name)
	if err != nil {
		return fmt.Errorf("upsert person %s: %w", p.PID, db.Map(err))
	}
	return nil
}

func insertRole(ctx context.Context, q db.Querier, r Role) error {
	_, err := q.Exec(ctx, `INSERT INTO party_roles (org_no, role_code, source, holder_pid, holder_org_no)
		VALUES ($1, $2, $3, nullif($4, ''), nullif($5, '')) ON CONFLICT DO NOTHING`,
		r.OrgNo, r.RoleCode, r.Source, r.HolderPID, r.HolderOrgNo)
	if err != nil {
		return fmt.Errorf("insert role %s on %s: %w", r.RoleCode, r.OrgNo, db.Map(err))
	}
	return nil
}

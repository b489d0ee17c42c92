package accesslists

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

// Payload is what every access-list write notifies on
// db.InvalidateChannel: the PDP drops its access-list answers.
const Payload = "accesslists"

// Identifiers sort byte-wise ("C"), so pages do not depend on the
// database's collation.
const listCols = `id, owner, identifier, name, description, created, modified, version`

func scanList(row pgx.Row) (List, error) {
	var l List
	err := row.Scan(&l.ID, &l.Owner, &l.Identifier, &l.Name, &l.Description, &l.Created, &l.Modified, &l.Version)
	return l, db.Map(err)
}

func collectLists(rows pgx.Rows, err error) ([]List, error) {
	if err != nil {
		return nil, db.Map(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (List, error) { return scanList(r) })
	return out, db.Map(err)
}

// getList reads one list; lock takes its row for the rest of the
// transaction, so concurrent writers of one list go one at a time.
func getList(ctx context.Context, q db.Querier, owner, identifier string, lock bool) (List, error) {
	sql := `SELECT ` + listCols + ` FROM access_lists WHERE owner = $1 AND identifier = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	l, err := scanList(q.QueryRow(ctx, sql, owner, identifier))
	if err != nil {
		return l, fmt.Errorf("access list %s/%s: %w", owner, identifier, err)
	}
	return l, nil
}

// listsByOwner reads up to n lists of owner from identifier from on.
func listsByOwner(ctx context.Context, q db.Querier, owner, from string, n int) ([]List, error) {
	out, err := collectLists(q.Query(ctx, `SELECT `+listCols+` FROM access_lists
		WHERE owner = $1 AND ($2 = '' OR identifier COLLATE "C" >= $2)
		ORDER BY identifier COLLATE "C" LIMIT $3`, owner, from, n))
	if err != nil {
		return nil, fmt.Errorf("access lists of %s: %w", owner, err)
	}
	return out, nil
}

// listsByMember reads the lists a party is on.
func listsByMember(ctx context.Context, q db.Querier, party uuid.UUID) ([]List, error) {
	out, err := collectLists(q.Query(ctx, `SELECT l.id, l.owner, l.identifier, l.name, l.description, l.created, l.modified, l.version
		FROM access_list_members m JOIN access_lists l ON l.id = m.list_id
		WHERE m.party_uuid = $1 ORDER BY l.owner, l.identifier COLLATE "C"`, party))
	if err != nil {
		return nil, fmt.Errorf("access lists of member %s: %w", party, err)
	}
	return out, nil
}

func scanConnection(r pgx.CollectableRow) (Connection, error) {
	var c Connection
	err := r.Scan(&c.ResourceID, &c.Actions, &c.Created, &c.Modified)
	if len(c.Actions) == 0 {
		c.Actions = nil
	}
	return c, err
}

// connections reads up to n of a list's resource connections from
// resource from on (n <= 0: all).
func connections(ctx context.Context, q db.Querier, listID uuid.UUID, from string, n int) ([]Connection, error) {
	sql := `SELECT resource_id, actions, created, modified FROM access_list_resources
		WHERE list_id = $1 AND ($2 = '' OR resource_id COLLATE "C" >= $2) ORDER BY resource_id COLLATE "C"`
	args := []any{listID, from}
	if n > 0 {
		sql += ` LIMIT $3`
		args = append(args, n)
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("resource connections: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, scanConnection)
	if err != nil {
		return nil, fmt.Errorf("resource connections: %w", db.Map(err))
	}
	return out, nil
}

// connectionsOf reads the connections of several lists, only those to
// resource when it is set.
func connectionsOf(ctx context.Context, q db.Querier, ids []uuid.UUID, resource string) (map[uuid.UUID][]Connection, error) {
	rows, err := q.Query(ctx, `SELECT list_id, resource_id, actions, created, modified FROM access_list_resources
		WHERE list_id = ANY($1) AND ($2 = '' OR resource_id = $2) ORDER BY list_id, resource_id COLLATE "C"`, ids, resource)
	if err != nil {
		return nil, fmt.Errorf("resource connections: %w", db.Map(err))
	}
	out := map[uuid.UUID][]Connection{}
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var (
			id uuid.UUID
			c  Connection
		)
		if err := r.Scan(&id, &c.ResourceID, &c.Actions, &c.Created, &c.Modified); err != nil {
			return struct{}{}, err
		}
		if len(c.Actions) == 0 {
			c.Actions = nil
		}
		out[id] = append(out[id], c)
		return struct{}{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("resource connections: %w", db.Map(err))
	}
	return out, nil
}

func getConnection(ctx context.Context, q db.Querier, listID uuid.UUID, resource string) (Connection, error) {
	rows, err := q.Query(ctx, `SELECT resource_id, actions, created, modified FROM access_list_resources WHERE list_id = $1 AND resource_id = $2`, listID, resource)
	if err != nil {
		return Connection{}, db.Map(err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanConnection)
	return c, db.Map(err)
}

// members reads up to n members of a list, by party uuid from from on.
func members(ctx context.Context, q db.Querier, listID uuid.UUID, from uuid.UUID, n int) ([]Member, error) {
	rows, err := q.Query(ctx, `SELECT party_uuid, party_id, coalesce(org_no, ''), since FROM access_list_members
		WHERE list_id = $1 AND party_uuid >= $2 ORDER BY party_uuid LIMIT $3`, listID, from, n)
	if err != nil {
		return nil, fmt.Errorf("members: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Member, error) {
		var m Member
		err := r.Scan(&m.UUID, &m.ID, &m.OrgNo, &m.Since)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("members: %w", db.Map(err))
	}
	return out, nil
}

// memberSet is every member's party uuid.
func memberSet(ctx context.Context, q db.Querier, listID uuid.UUID) (map[uuid.UUID]bool, error) {
	rows, err := q.Query(ctx, `SELECT party_uuid FROM access_list_members WHERE list_id = $1`, listID)
	if err != nil {
		return nil, fmt.Errorf("members: %w", db.Map(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("members: %w", db.Map(err))
	}
	out := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// insertList makes a list unless (owner, identifier) is taken; created
// says which.
func insertList(ctx context.Context, q db.Querier, l List) (bool, error) {
	tag, err := q.Exec(ctx, `INSERT INTO access_lists (id, owner, identifier, name, description, created, modified, version)
		VALUES ($1, $2, $3, $4, $5, $6, $6, nextval('access_list_version')) ON CONFLICT (owner, identifier) DO NOTHING`,
		l.ID, l.Owner, l.Identifier, l.Name, l.Description, l.Created)
	if err != nil {
		return false, fmt.Errorf("insert access list: %w", db.Map(err))
	}
	return tag.RowsAffected() == 1, nil
}

func updateList(ctx context.Context, q db.Querier, id uuid.UUID, name, description string) error {
	if _, err := q.Exec(ctx, `UPDATE access_lists SET name = $2, description = $3 WHERE id = $1`, id, name, description); err != nil {
		return fmt.Errorf("update access list: %w", db.Map(err))
	}
	return nil
}

// touch gives a changed list a new version and modification time, and
// tells every instance's PDP.
func touch(ctx context.Context, q db.Querier, id uuid.UUID, now time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE access_lists SET modified = $2, version = nextval('access_list_version') WHERE id = $1`, id, now); err != nil {
		return fmt.Errorf("update access list: %w", db.Map(err))
	}
	return db.Invalidate(ctx, q, Payload)
}

func deleteList(ctx context.Context, q db.Querier, id uuid.UUID) error {
	if _, err := q.Exec(ctx, `DELETE FROM access_lists WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete access list: %w", db.Map(err))
	}
	return db.Invalidate(ctx, q, Payload)
}

func addMembers(ctx context.Context, q db.Querier, listID uuid.UUID, ps []Party, since time.Time) error {
	for _, p := range ps {
		var org *string
		if p.OrgNo != "" {
			org = &p.OrgNo
		}
		if _, err := q.Exec(ctx, `INSERT INTO access_list_members (list_id, party_uuid, party_id, org_no, since) VALUES ($1, $2, $3, $4, $5)`,
			listID, p.UUID, p.ID, org, since); err != nil {
			return fmt.Errorf("add member: %w", db.Map(err))
		}
	}
	return nil
}

func removeMembers(ctx context.Context, q db.Querier, listID uuid.UUID, ids []uuid.UUID) error {
	if _, err := q.Exec(ctx, `DELETE FROM access_list_members WHERE list_id = $1 AND party_uuid = ANY($2)`, listID, ids); err != nil {
		return fmt.Errorf("remove members: %w", db.Map(err))
	}
	return nil
}

func insertConnection(ctx context.Context, q db.Querier, listID uuid.UUID, c Connection) error {
	if _, err := q.Exec(ctx, `INSERT INTO access_list_resources (list_id, resource_id, actions, created, modified) VALUES ($1, $2, $3, $4, $4)`,
		listID, c.ResourceID, nonNil(c.Actions), c.Created); err != nil {
		return fmt.Errorf("connect resource: %w", db.Map(err))
	}
	return nil
}

func updateConnection(ctx context.Context, q db.Querier, listID uuid.UUID, c Connection) error {
	if _, err := q.Exec(ctx, `UPDATE access_list_resources SET actions = $3, modified = $4 WHERE list_id = $1 AND resource_id = $2`,
		listID, c.ResourceID, nonNil(c.Actions), c.Modified); err != nil {
		return fmt.Errorf("update resource connection: %w", db.Map(err))
	}
	return nil
}

func deleteConnection(ctx context.Context, q db.Querier, listID uuid.UUID, resource string) error {
	if _, err := q.Exec(ctx, `DELETE FROM access_list_resources WHERE list_id = $1 AND resource_id = $2`, listID, resource); err != nil {
		return fmt.Errorf("disconnect resource: %w", db.Map(err))
	}
	return nil
}

// memberships reads a party's memberships of lists connected to resource
// (every resource when it is empty).
func memberships(ctx context.Context, q db.Querier, party uuid.UUID, resource string) ([]Membership, error) {
	rows, err := q.Query(ctx, `SELECT l.owner, l.identifier, m.party_uuid, c.resource_id, m.since, c.actions
		FROM access_list_members m
		JOIN access_list_resources c ON c.list_id = m.list_id
		JOIN access_lists l ON l.id = m.list_id
		WHERE m.party_uuid = $1 AND ($2 = '' OR c.resource_id = $2)
		ORDER BY l.owner, l.identifier COLLATE "C", c.resource_id COLLATE "C"`, party, resource)
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Membership, error) {
		var m Membership
		err := r.Scan(&m.ListOwner, &m.ListIdentifier, &m.PartyUUID, &m.ResourceID, &m.Since, &m.Actions)
		if len(m.Actions) == 0 {
			m.Actions = nil
		}
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", db.Map(err))
	}
	return out, nil
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// isNotFound is dberr.ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, dberr.ErrNotFound) }

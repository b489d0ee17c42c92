// Package sim is the emulator's own control API under /sim/api/v1: moving
// the clock, injecting faults into /token and the PDP, and resetting the
// database to its seed.
package sim

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// snapshotSchema keeps a copy of every table as it was seeded, so a reset
// can restore it without knowing what each package seeds.
const snapshotSchema = "sim_seed"

// SnapshotTag names what PrepareTemplate puts in a cluster template; it
// changes when what a snapshot holds does (the keep list, the schema).
const SnapshotTag = "sim-seed-1"

// PrepareTemplate takes the seed snapshot in the database at url, for
// internal/db to build into its cluster templates: every start from
// such a template finds its snapshot made. Only tables in keep are
// written at start-up, so a snapshot taken before the first start is the
// one that start would take.
func PrepareTemplate(ctx context.Context, url string) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return fmt.Errorf("snapshot for the template: %w", err)
	}
	defer pool.Close()
	return EnsureSnapshot(ctx, pool)
}

// snapshotLockID is the advisory lock serialising snapshots and resets
// across instances.
const snapshotLockID = 74210002

// keep lists tables a reset leaves alone: the migration bookkeeping, and
// the signing keys, so tokens issued before a reset still verify, and the
// test CA, so certificates it issued stay trusted.
var keep = []string{"schema_migrations", "signing_keys", "test_ca"}

// tables lists the public tables a reset restores.
func tables(ctx context.Context, q db.Querier) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", db.Map(err))
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", db.Map(err))
	}
	return slices.DeleteFunc(names, func(n string) bool { return slices.Contains(keep, n) }), nil
}

// EnsureSnapshot copies every table that has no snapshot yet. On a fresh
// database that is the seed; after an upgrade, only the new tables (whose
// rows are then their migration's seed) are copied, so earlier snapshots
// keep describing the seed and not the data written since. Two instances
// starting at once serialise on an advisory lock.
func EnsureSnapshot(ctx context.Context, pool *pgxpool.Pool) error {
	// Most starts find every table copied already (a fresh embedded
	// cluster brings its snapshot from the template): one query says so,
	// without the lock and a statement per table.
	var missing bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (
		SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename <> ALL ($1)
		AND NOT EXISTS (SELECT 1 FROM pg_tables s WHERE s.schemaname = $2 AND s.tablename = t.tablename))`,
		keep, snapshotSchema).Scan(&missing); err != nil {
		return fmt.Errorf("look for tables without a snapshot: %w", db.Map(err))
	}
	if !missing {
		return nil
	}
	return db.InTx(ctx, pool, func(q db.Querier) error {
		if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, snapshotLockID); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+snapshotSchema); err != nil {
			return fmt.Errorf("create snapshot schema: %w", err)
		}
		names, err := tables(ctx, q)
		if err != nil {
			return err
		}
		for _, n := range names {
			id := pgx.Identifier{n}.Sanitize()
			if _, err := q.Exec(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s.%s AS TABLE public.%s`, snapshotSchema, id, id)); err != nil {
				return fmt.Errorf("snapshot %s: %w", n, err)
			}
		}
		return nil
	})
}

// TakeSnapshot replaces the snapshot with the current contents, making
// them the state a reset returns to (used after `altinn-sim seed`).
func TakeSnapshot(ctx context.Context, pool *pgxpool.Pool) error {
	if _, err := pool.Exec(ctx, `DROP SCHEMA IF EXISTS `+snapshotSchema+` CASCADE`); err != nil {
		return fmt.Errorf("drop snapshot: %w", db.Map(err))
	}
	return EnsureSnapshot(ctx, pool)
}

// Reset puts every table back to its snapshot in one transaction and
// tells every instance to drop its caches.
func Reset(ctx context.Context, pool *pgxpool.Pool) error {
	return db.InTx(ctx, pool, func(q db.Querier) error {
		if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, snapshotLockID); err != nil {
			return err
		}
		names, err := tables(ctx, q)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			return nil
		}
		ids := make([]string, len(names))
		for i, n := range names {
			ids[i] = "public." + pgx.Identifier{n}.Sanitize()
		}
		if _, err := q.Exec(ctx, `TRUNCATE `+strings.Join(ids, ", ")+` CASCADE`); err != nil {
			return fmt.Errorf("truncate: %w", err)
		}
		order, err := insertOrder(ctx, q, names)
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1`, snapshotSchema)
		if err != nil {
			return err
		}
		saved, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, n := range order {
			if !slices.Contains(saved, n) {
				continue
			}
			id := pgx.Identifier{n}.Sanitize()
			if _, err := q.Exec(ctx, fmt.Sprintf(`INSERT INTO public.%s SELECT * FROM %s.%s`, id, snapshotSchema, id)); err != nil {
				return fmt.Errorf("restore %s: %w", n, err)
			}
		}
		// Every cache keyed on any of these rows is stale now.
		return db.Invalidate(ctx, q, db.ResetPayload)
	})
}

// insertOrder sorts tables so that each comes after the tables its
// foreign keys reference.
func insertOrder(ctx context.Context, q db.Querier, names []string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT c.conrelid::regclass::text, c.confrelid::regclass::text
		FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`)
	if err != nil {
		return nil, fmt.Errorf("foreign keys: %w", err)
	}
	deps := map[string][]string{}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, err
		}
		if from != to {
			deps[from] = append(deps[from], to)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string)
	visit = func(n string) {
		if state[n] != 0 {
			return
		}
		state[n] = 1
		for _, d := range deps[n] {
			visit(d)
		}
		state[n] = 2
		if slices.Contains(names, n) {
			out = append(out, n)
		}
	}
	for _, n := range names {
		visit(n)
	}
	return out, nil
}

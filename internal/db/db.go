// Package db owns the PostgreSQL plumbing: the pool, the embedded
// migrations, transactions with retry, error mapping and the embedded
// PostgreSQL used when no database URL is configured.
package db

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// Querier is what both a pool and a transaction offer; stores take it so
// the same code runs inside and outside a transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Open connects a pool and checks the connection.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	cfg.HealthCheckPeriod = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	return pool, nil
}

// InTx runs fn in one transaction and commits it, retrying the whole
// function on serialization failures and deadlocks, so nothing
// half-written stays behind. When fn notified caches (Notify, Invalidate),
// InTx returns only once every instance's listeners have handled the
// notifications (Settle): what the caller answers next, every instance
// already reflects.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(q Querier) error) error {
	return InTxOpts(ctx, pool, pgx.TxOptions{}, fn)
}

// InTxOpts is InTx with explicit options.
func InTxOpts(ctx context.Context, pool *pgxpool.Pool, opts pgx.TxOptions, fn func(q Querier) error) error {
	const attempts = 8
	var err error
	for i := 0; i < attempts; i++ {
		err = inTx(ctx, pool, opts, fn)
		if !retryable(err) {
			return Map(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(i+1) * 5 * time.Millisecond):
		}
	}
	return Map(fmt.Errorf("transaction retried %d times: %w", attempts, err))
}

// inTx is one attempt. A transaction that notified also sends a sync
// token before committing, and then waits, on the same connection, for
// every listener to answer it (see settling).
func inTx(ctx context.Context, pool *pgxpool.Pool, opts pgx.TxOptions, fn func(q Querier) error) error {
	pc, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	var (
		s    settling
		sent bool
		// clean says pc may go back to the pool: not left LISTENing by a
		// failed wait. A panic in fn leaves it true (the rollback undid
		// any LISTEN), and the deferred release still runs.
		clean = true
	)
	defer func() { release(pc, clean) }()
	err = pgx.BeginTxFunc(ctx, pc, opts, func(ptx pgx.Tx) error {
		t := &tx{Tx: ptx}
		if err := fn(t); err != nil || !t.notified {
			return err
		}
		var err error
		s, err = send(ctx, ptx)
		sent = err == nil
		return err
	})
	if !sent {
		// Nothing listens for answers (a rolled-back LISTEN is undone).
		return err
	}
	if err != nil {
		// The commit failed after LISTEN: stop listening.
		_, uerr := pc.Exec(context.WithoutCancel(ctx), "UNLISTEN "+pgx.Identifier{ackChannel}.Sanitize())
		clean = uerr == nil
		return err
	}
	werr := s.wait(ctx, pc.Conn())
	clean = werr == nil
	if werr != nil && ctx.Err() == nil {
		warn(werr, len(s.pids))
	}
	return nil
}

// tx is the Querier InTx hands fn: a transaction that remembers whether
// it notified, so the commit can wait for the listeners.
type tx struct {
	pgx.Tx
	notified bool
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// Map turns driver errors into dberr's sentinels, so handlers never see
// pgx: no rows → ErrNotFound, unique violation → ErrConflict, an
// unreachable server → ErrUnavailable.
// Other errors pass through unchanged.
func Map(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, dberr.ErrNotFound) || errors.Is(err, dberr.ErrConflict) || errors.Is(err, dberr.ErrUnavailable) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %v", dberr.ErrNotFound, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return fmt.Errorf("%w: %s", dberr.ErrConflict, pe.ConstraintName)
		case dberr.UnavailableState(pe.Code):
			return fmt.Errorf("%w: %v", dberr.ErrUnavailable, err)
		}
		return err
	}
	if connError(err) {
		return fmt.Errorf("%w: %v", dberr.ErrUnavailable, err)
	}
	return err
}

// connError reports whether err means the server could not be reached or
// the connection went away: dberr's classification, plus what only the
// driver can tell (a failed connect, a network timeout).
func connError(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	return dberr.IsUnavailable(err) || errors.As(err, &ce) || errors.As(err, &ne) || pgconn.SafeToRetry(err)
}

package db

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// How a writer makes sure every instance's caches reflect its write
// before it answers ("settling"). Cache listeners (Listen) are sessions
// named ListenerAppName. A transaction that notified also sends, last, a
// fresh token on syncChannel, and reads which listener sessions exist;
// after the commit the writer waits until each of them has sent the token
// back on ackChannel. PostgreSQL delivers a transaction's notifications
// in the order they were sent, and a listener handles them one at a
// time, so a listener that sends the token back has already dropped what
// the writer's notifications named — on every instance.
const (
	syncChannel = "altinn_sim_sync"
	ackChannel  = "altinn_sim_sync_ack"
	// ListenerAppName is the application_name of every cache listener's
	// session. A listener takes it only after its LISTEN is in place, so
	// a session with this name receives every token sent from then on.
	ListenerAppName = "altinn-sim cache listener"
)

// settleTimeout bounds how long a writer waits for the listeners. Only a
// listener whose process hangs with its session still open can make it
// wait this long; the write is committed, so the writer then logs it and
// answers anyway.
const settleTimeout = 2 * time.Second

// settleRecheck is how long a writer waits for the next answer before it
// looks again which listeners still exist: one whose instance stopped
// meanwhile is not waited for.
const settleRecheck = 50 * time.Millisecond

// settling is one writer's token and the listeners it waits for.
type settling struct {
	token string
	pids  []int32
}

// send, on conn (inside the writer's transaction, or on its own), starts
// listening for answers, sends a token and reads the listeners — in one
// round trip. The listeners are read in the statement that sends the
// token: each of them was LISTENing before the token was committed.
func send(ctx context.Context, conn interface {
	SendBatch(context.Context, *pgx.Batch) pgx.BatchResults
}) (settling, error) {
	s := settling{token: rand.Text()}
	b := &pgx.Batch{}
	b.Queue("LISTEN " + pgx.Identifier{ackChannel}.Sanitize())
	b.Queue(`SELECT array(SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $3)
		FROM (SELECT pg_notify($1, $2)) AS sent`, syncChannel, s.token, ListenerAppName).QueryRow(func(r pgx.Row) error { return r.Scan(&s.pids) })
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return s, fmt.Errorf("send sync token: %w", err)
	}
	return s, nil
}

// wait returns once every listener read by send has answered, or one
// that has not is gone; then it stops listening. conn is the connection
// send ran on, after the token was committed. An error leaves conn
// listening: it must not go back to the pool.
func (s settling) wait(ctx context.Context, conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, settleTimeout)
	defer cancel()
	pending := make(map[uint32]bool, len(s.pids))
	for _, p := range s.pids {
		pending[uint32(p)] = true
	}
	for len(pending) > 0 {
		wctx, wcancel := context.WithTimeout(ctx, settleRecheck)
		n, err := conn.WaitForNotification(wctx)
		wcancel()
		switch {
		case err == nil:
			if n.Channel == ackChannel && n.Payload == s.token {
				delete(pending, n.PID)
			}
		case ctx.Err() != nil:
			return fmt.Errorf("%d of %d listeners silent: %w", len(pending), len(s.pids), ctx.Err())
		case wctx.Err() != nil:
			if err := dropGone(ctx, conn, pending); err != nil {
				return err
			}
		default:
			return fmt.Errorf("wait for listeners: %w", err)
		}
	}
	if _, err := conn.Exec(ctx, "UNLISTEN "+pgx.Identifier{ackChannel}.Sanitize()); err != nil {
		return fmt.Errorf("unlisten: %w", err)
	}
	return nil
}

// dropGone removes from pending the listeners whose sessions ended.
func dropGone(ctx context.Context, conn *pgx.Conn, pending map[uint32]bool) error {
	ids := make([]int32, 0, len(pending))
	for p := range pending {
		ids = append(ids, int32(p))
	}
	var alive []int32
	if err := conn.QueryRow(ctx, `SELECT array(SELECT pid FROM pg_stat_activity WHERE pid = ANY($1) AND application_name = $2)`,
		ids, ListenerAppName).Scan(&alive); err != nil {
		return fmt.Errorf("look up listeners: %w", err)
	}
	clear(pending)
	for _, p := range alive {
		pending[uint32(p)] = true
	}
	return nil
}

// release gives pc back to the pool, or closes it when a failed wait may
// have left it listening.
func release(pc *pgxpool.Conn, clean bool) {
	if clean {
		pc.Release()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = pc.Hijack().Close(ctx)
}

// warn logs a failed settle: the write is committed, so the writer
// answers as it would have; only other instances may lag a moment.
func warn(err error, listeners int) {
	slog.Default().Warn("db: cache listeners did not confirm a write in time; other instances may answer from stale caches for a moment",
		"listeners", listeners, "err", err)
}

// Settle returns once every cache listener on the database has handled
// every notification committed before the call, or with an error after
// settleTimeout. InTx settles by itself after a transaction that
// notified; call Settle after a notification committed elsewhere.
func Settle(ctx context.Context, pool *pgxpool.Pool) error {
	pc, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("settle: %w", Map(err))
	}
	s, err := send(ctx, pc.Conn())
	if err == nil {
		err = s.wait(ctx, pc.Conn())
	}
	release(pc, err == nil)
	return err
}

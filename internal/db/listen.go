package db

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// InvalidateChannel is where writers of cached data notify every instance
// (payloads "systemuser:<uuid>", "delegation:<uuid>", "policy:<id>",
// "resource:<id>", PartiesPayload), and where a reset says ResetPayload.
const InvalidateChannel = "altinn_sim_invalidate"

// ResetPayload on InvalidateChannel means every row may have changed: all
// caches empty themselves.
const ResetPayload = "reset"

// PartiesPayload on InvalidateChannel means organisations, persons or
// roles changed (only seeding writes them).
const PartiesPayload = "parties"

// ListenFuncs are a cache's reactions to its listener.
type ListenFuncs struct {
	// Connected runs once LISTEN is in place. What changed while nobody
	// listened is unknown, so a cache starts empty here and may be used
	// from now on.
	Connected func()
	// Lost runs when the connection drops; the cache must not be used
	// until Connected runs again, since notifications are being missed.
	Lost func(err error, retryIn time.Duration)
	// Notify runs for each notification.
	Notify func(channel, payload string)
}

// Listen keeps a dedicated connection LISTENing on channels, reconnecting
// with backoff (up to 5 s) when the database goes away. It also answers
// writers' Settle: Notify has run for everything a writer committed
// before its write returns. stop ends it and waits.
func Listen(cfg *pgx.ConnConfig, channels []string, log *slog.Logger, f ListenFuncs) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		backoff := 100 * time.Millisecond
		for ctx.Err() == nil {
			err := listenOnce(ctx, cfg, channels, f, func() { backoff = 100 * time.Millisecond })
			if ctx.Err() != nil {
				f.Lost(err, 0)
				return
			}
			f.Lost(err, backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Second)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

func listenOnce(ctx context.Context, cfg *pgx.ConnConfig, channels []string, f ListenFuncs, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	for _, ch := range append([]string{syncChannel}, channels...) {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return err
		}
	}
	// Only now may writers wait for this session (see Settle).
	if _, err := conn.Exec(ctx, `SELECT set_config('application_name', $1, false)`, ListenerAppName); err != nil {
		return err
	}
	f.Connected()
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Channel == syncChannel {
			// Everything committed before the token has been handled.
			if _, err := conn.Exec(ctx, `SELECT pg_notify($1, $2)`, ackChannel, n.Payload); err != nil {
				return err
			}
			continue
		}
		f.Notify(n.Channel, n.Payload)
	}
}

package db

import (
	"context"
	"log/slog"
	"slices"
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

// ListenFuncs are one subscriber's reactions to the listener.
type ListenFuncs struct {
	// Connected runs once LISTEN is in place. What changed while nobody
	// listened is unknown, so a cache starts empty here and may be used
	// from now on.
	Connected func()
	// Lost runs when the connection drops; the cache must not be used
	// until Connected runs again, since notifications are being missed.
	Lost func()
	// Notify runs for each notification on the channels subscribed to.
	Notify func(channel, payload string)
}

// Listener is an instance's one LISTEN connection: every cache subscribes
// to it (channels and reactions) before Start, and it dispatches
// notifications to them one at a time, in the order PostgreSQL delivers
// them. It also answers writers' Settle once every subscriber's Notify
// has run for everything committed before the writer's token, so a write
// answers only after every instance's caches reflect it. One connection
// per instance also means one session for writers to wait for.
type Listener struct {
	cfg     *pgx.ConnConfig
	log     *slog.Logger
	subs    []subscription
	started bool
}

type subscription struct {
	channels []string
	f        ListenFuncs
}

// NewListener makes an instance's listener; subscribe, then Start it.
func NewListener(cfg *pgx.ConnConfig, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Listener{cfg: cfg, log: log}
}

// Subscribe registers f for notifications on channels (and for Connected
// and Lost). Subscriptions are fixed once the listener started.
func (l *Listener) Subscribe(channels []string, f ListenFuncs) {
	if l.started {
		panic("db: Subscribe after Start")
	}
	l.subs = append(l.subs, subscription{channels: channels, f: f})
}

// Start keeps a dedicated connection LISTENing on every subscribed
// channel, reconnecting with backoff (up to 5 s) when the database goes
// away. stop ends it and waits.
func (l *Listener) Start() (stop func()) {
	l.started = true
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		backoff := 100 * time.Millisecond
		for ctx.Err() == nil {
			err := l.listenOnce(ctx, func() { backoff = 100 * time.Millisecond })
			l.lost()
			if ctx.Err() != nil {
				return
			}
			l.log.Warn("db: cache listener lost its connection; caches read through until it is back", "err", err, "retry_in", backoff)
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

func (l *Listener) lost() {
	for _, s := range l.subs {
		s.f.Lost()
	}
}

// channels is every subscribed channel, once, after the sync channel.
func (l *Listener) channels() []string {
	out := []string{syncChannel}
	seen := map[string]bool{syncChannel: true}
	for _, s := range l.subs {
		for _, ch := range s.channels {
			if !seen[ch] {
				seen[ch] = true
				out = append(out, ch)
			}
		}
	}
	return out
}

func (l *Listener) listenOnce(ctx context.Context, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, l.cfg.Copy())
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	for _, ch := range l.channels() {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return err
		}
	}
	// Only now may writers wait for this session (see Settle).
	if _, err := conn.Exec(ctx, `SELECT set_config('application_name', $1, false)`, ListenerAppName); err != nil {
		return err
	}
	for _, s := range l.subs {
		s.f.Connected()
	}
	l.log.Debug("db: cache listener connected", "subscribers", len(l.subs))
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
		for _, s := range l.subs {
			if slices.Contains(s.channels, n.Channel) {
				s.f.Notify(n.Channel, n.Payload)
			}
		}
	}
}

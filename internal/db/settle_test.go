package db_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// seen is what one listener ("an instance's cache") has handled.
type seen struct {
	mu   sync.Mutex
	got  map[string]bool
	live chan struct{}
	// block, when set, holds Notify until it is closed.
	block chan struct{}
}

func listen(t *testing.T, pool *pgxpool.Pool, block chan struct{}) (*seen, func()) {
	t.Helper()
	s := &seen{got: map[string]bool{}, live: make(chan struct{}), block: block}
	var once sync.Once
	l := db.NewListener(pool.Config().ConnConfig, slog.New(slog.NewTextHandler(io.Discard, nil)))
	l.Subscribe([]string{db.InvalidateChannel}, db.ListenFuncs{
		Connected: func() { once.Do(func() { close(s.live) }) },
		Lost:      func() {},
		Notify: func(_, payload string) {
			if s.block != nil {
				<-s.block
			}
			s.mu.Lock()
			s.got[payload] = true
			s.mu.Unlock()
		},
	})
	stop := l.Start()
	t.Cleanup(stop)
	select {
	case <-s.live:
	case <-time.After(10 * time.Second):
		t.Fatal("listener never connected")
	}
	return s, stop
}

func (s *seen) has(p string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[p]
}

// A write that notified returns from InTx only once every listener — two
// "instances" here — has handled the notification: read-your-writes on
// every instance, with no wait in the reader.
func TestInTxReturnsAfterEveryListenerHandledIt(t *testing.T) {
	pool := dbtest.New(t)
	a, _ := listen(t, pool, nil)
	b, _ := listen(t, pool, nil)
	ctx := context.Background()
	for i := range 100 {
		p := fmt.Sprintf("probe:%d", i)
		if err := db.InTx(ctx, pool, func(q db.Querier) error { return db.Invalidate(ctx, q, p) }); err != nil {
			t.Fatal(err)
		}
		if !a.has(p) || !b.has(p) {
			t.Fatalf("write %d returned before the listeners handled it (a %v, b %v)", i, a.has(p), b.has(p))
		}
	}
	// Notified through the pool (autocommit): the same.
	if err := db.Invalidate(ctx, pool, "probe:pool"); err != nil {
		t.Fatal(err)
	}
	if !a.has("probe:pool") || !b.has("probe:pool") {
		t.Fatal("a notification sent on the pool returned before the listeners handled it")
	}
}

// A listener whose session ends while a writer waits for it is not waited
// for: Settle sees it gone and succeeds (it would fail after its timeout
// had it kept waiting).
func TestSettleForgetsListenersThatWentAway(t *testing.T) {
	pool := dbtest.New(t)
	block := make(chan struct{})
	listen(t, pool, block)
	t.Cleanup(func() { close(block) }) // before the listener's stop
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `SELECT pg_notify($1, 'held')`, db.InvalidateChannel); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- db.Settle(ctx, pool) }()
	// Wait until the writer has sent its token (and so counted the
	// listener).
	for deadline := time.Now().Add(10 * time.Second); ; {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND query LIKE '%AS sent%' AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writer never sent its token")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The listener is stuck in Notify("held"); its session goes away.
	tag, err := pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = $1`, db.ListenerAppName)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("terminate the listener: %v, %d rows", err, tag.RowsAffected())
	}
	if err := <-done; err != nil {
		t.Fatalf("Settle waited for a listener that is gone: %v", err)
	}
}

// With no listener at all there is nobody to wait for.
func TestSettleWithoutListeners(t *testing.T) {
	pool := dbtest.New(t)
	if err := db.Settle(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkWrite is what settling adds to a write: a transaction that
// notifies (and so waits for two listeners) against one that does not.
func BenchmarkWrite(b *testing.B) {
	pool := dbtest.New(b)
	for range 2 {
		live := make(chan struct{})
		var once sync.Once
		l := db.NewListener(pool.Config().ConnConfig, nil)
		l.Subscribe([]string{db.InvalidateChannel}, db.ListenFuncs{
			Connected: func() { once.Do(func() { close(live) }) }, Lost: func() {}, Notify: func(string, string) {},
		})
		b.Cleanup(l.Start())
		<-live
	}
	ctx := context.Background()
	for _, notify := range []bool{false, true} {
		b.Run(fmt.Sprintf("notify=%v", notify), func(b *testing.B) {
			for b.Loop() {
				if err := db.InTx(ctx, pool, func(q db.Querier) error {
					if _, err := q.Exec(ctx, `SELECT 1`); err != nil {
						return err
					}
					if notify {
						return db.Invalidate(ctx, q, "bench")
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// InTx holds its connection itself now (to wait on it after the commit);
// a panic in fn must still give it back.
func TestInTxPanicReleasesTheConnection(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	func() {
		defer func() { _ = recover() }()
		_ = db.InTx(ctx, pool, func(q db.Querier) error { panic("boom") })
	}()
	if n := pool.Stat().AcquiredConns(); n != 0 {
		t.Fatalf("%d connections still acquired after a panic in InTx", n)
	}
}

// TestOneListenerForEverySubscriber: subscribers share one connection
// (one session for writers to wait for); each gets Connected, and the
// notifications of the channels it subscribed to, nothing else; a write
// on either channel returns once the one that cares has handled it.
func TestOneListenerForEverySubscriber(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	l := db.NewListener(pool.Config().ConnConfig, nil)
	type sub struct {
		mu   sync.Mutex
		got  []string
		live chan struct{}
	}
	subscribe := func(channels ...string) *sub {
		s := &sub{live: make(chan struct{})}
		var once sync.Once
		l.Subscribe(channels, db.ListenFuncs{
			Connected: func() { once.Do(func() { close(s.live) }) },
			Lost:      func() {},
			Notify: func(ch, p string) {
				s.mu.Lock()
				s.got = append(s.got, ch+"/"+p)
				s.mu.Unlock()
			},
		})
		return s
	}
	cache := subscribe(db.InvalidateChannel)
	clients := subscribe("altinn_sim_test_clients", db.InvalidateChannel)
	t.Cleanup(l.Start())
	for _, s := range []*sub{cache, clients} {
		select {
		case <-s.live:
		case <-time.After(10 * time.Second):
			t.Fatal("a subscriber never saw Connected")
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
		db.ListenerAppName).Scan(&n); err != nil || n != 1 {
		t.Fatalf("listener sessions: %d (%v), want 1 for two subscribers", n, err)
	}
	if err := db.InTx(ctx, pool, func(q db.Querier) error {
		return db.Notify(ctx, q, "altinn_sim_test_clients", "client:a")
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Invalidate(ctx, pool, "reset"); err != nil {
		t.Fatal(err)
	}
	got := func(s *sub) string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return fmt.Sprint(s.got)
	}
	if g := got(cache); g != "["+db.InvalidateChannel+"/reset]" {
		t.Errorf("the cache subscriber got %s", g)
	}
	if g := got(clients); g != "[altinn_sim_test_clients/client:a "+db.InvalidateChannel+"/reset]" {
		t.Errorf("the clients subscriber got %s", g)
	}
}

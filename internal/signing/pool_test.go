package signing

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// releaseWait is how long a test's pool may take, once the test is done,
// to have every connection back.
const releaseWait = 10 * time.Second

// testPool is dbtest.New with an end that cannot hang: see openPool.
func testPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	return openPool(t, dbtest.NewURL(t))
}

// openPool opens a pool on url that, when t ends, must have every
// connection back within releaseWait; one still held (a query whose rows
// were never closed) fails the test and the pool is left open — the
// database's drop ends its connections. pgxpool's Close waits for every
// connection, so closing such a pool would hang the test binary until its
// timeout: a loadKeys that returned before deferring rows.Close did, and
// the mutation run counted it TIMED OUT instead of KILLED.
func openPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	p, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open pool: %v", err)
	}
	t.Cleanup(func() {
		if n := waitReleased(p, releaseWait); n > 0 {
			t.Errorf("%d database connection(s) still held %v after the test: some query's rows were never closed", n, releaseWait)
			return
		}
		p.Close()
	})
	return p
}

// waitReleased waits up to wait for p to have no connection acquired and
// returns how many still are.
func waitReleased(p *pgxpool.Pool, wait time.Duration) int32 {
	deadline := time.Now().Add(wait)
	for {
		n := p.Stat().AcquiredConns()
		if n == 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}

package app_test

import (
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db"
)

// TestOneListenerConnectionPerInstance: every cache of an instance (the
// PDP's, the client cache) hangs off one LISTEN connection, so a writer
// waits for one session per instance.
func TestOneListenerConnectionPerInstance(t *testing.T) {
	s := apptest.Start(t)
	for deadline := time.Now().Add(10 * time.Second); !s.PDP.Listening() || !s.Clients.CacheLive(); {
		if time.Now().After(deadline) {
			t.Fatal("the caches never started listening")
		}
		time.Sleep(10 * time.Millisecond)
	}
	var n int
	if err := s.Pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
		db.ListenerAppName).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d listener sessions for one instance, want 1", n)
	}
}

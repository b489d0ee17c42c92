package db

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// logBuffer collects a cluster's log for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func logTo(e *Embedded) *logBuffer {
	b := &logBuffer{}
	e.log = slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return b
}

func execOn(t *testing.T, u, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

func orgName(t *testing.T, u string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var name string
	if err := conn.QueryRow(ctx, `SELECT name FROM organizations WHERE org_no = '313725138'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestSpareTakenByNextFreshStart: a start from the template leaves a spare
// copy of it once stopped; the next fresh start takes it (a rename, not a
// copy), sees nothing the first cluster wrote, and leaves a new spare. A
// durable cluster's spare and a throwaway one's are kept apart.
func TestSpareTakenByNextFreshStart(t *testing.T) {
	for _, fast := range []bool{true, false} {
		t.Run(map[bool]string{true: "fast", false: "durable"}[fast], func(t *testing.T) {
			ctx := context.Background()
			tplDir := t.TempDir()
			a := clusterIn(t, tplDir)
			a.Fast = fast
			a.spareWait = time.Minute // the test is of the spare, not of a busy disk
			ua, err := a.Start(ctx)
			if err != nil {
				t.Fatal(err)
			}
			execOn(t, ua, `UPDATE organizations SET name = 'Only in A' WHERE org_no = '313725138'`)
			idA := systemID(t, ua)
			if err := a.Stop(); err != nil {
				t.Fatal(err)
			}
			spare := a.spareFor(a.templatePath())
			if _, err := os.Stat(filepath.Join(spare, "PG_VERSION")); err != nil {
				t.Fatalf("no spare after the first start stopped: %v", err)
			}
			other := (&Embedded{Fast: !fast}).spareFor(a.templatePath())
			if other == spare {
				t.Fatalf("durable and fast clusters share the spare %s", spare)
			}
			if _, err := os.Stat(other); err == nil {
				t.Fatalf("a %v start left the other kind's spare %s", fast, other)
			}

			b := clusterIn(t, tplDir)
			b.Fast = fast
			b.spareWait = time.Minute
			log := logTo(b)
			ub, err := b.Start(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(log.String(), "from a spare copy of its template") {
				t.Fatalf("second start did not take the spare; log:\n%s", log)
			}
			if name := orgName(t, ub); name == "Only in A" {
				t.Fatal("the spare holds the first cluster's write")
			}
			if idA != systemID(t, ub) {
				t.Fatal("the spare is not a copy of the template")
			}
			if err := b.Stop(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(spare, "PG_VERSION")); err != nil {
				t.Fatalf("the second start left no spare for the next: %v", err)
			}
			if _, err := os.Stat(b.unsyncedMarker()); err == nil {
				t.Fatal("a stopped cluster still marked as not on disk")
			}
		})
	}
}

// TestUnsyncedCopyAfterRestartIsMadeAgain: a copy of the template whose
// marker says it never reached the disk is thrown away and copied again
// when the marker is from an earlier boot of the machine or from a copy
// cut short; from this boot, the files are whole and the folder is kept
// (and then synced, and the marker removed).
func TestUnsyncedCopyAfterRestartIsMadeAgain(t *testing.T) {
	cases := []struct {
		name   string
		marker string
		kept   bool
	}{
		{"copy cut short", "copying", false},
		{"earlier boot", "00000000-0000-0000-0000-000000000000", false},
		{"this boot", bootID(), true},
	}
	if bootID() == "" {
		t.Skip("no boot id on this system")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			e := clusterIn(t, t.TempDir())
			u, err := e.Start(ctx)
			if err != nil {
				t.Fatal(err)
			}
			execOn(t, u, `UPDATE organizations SET name = 'Written' WHERE org_no = '313725138'`)
			if err := e.Stop(); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(e.unsyncedMarker(), []byte(c.marker), 0o600); err != nil {
				t.Fatal(err)
			}
			log := logTo(e)
			if u, err = e.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if got := orgName(t, u) == "Written"; got != c.kept {
				t.Fatalf("write kept: %v, want %v; log:\n%s", got, c.kept, log)
			}
			if err := e.Stop(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(e.unsyncedMarker()); err == nil {
				t.Fatal("marker still there after a start and stop")
			}
		})
	}
}

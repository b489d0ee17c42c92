package db

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/db/clustertest"
)

// newTestCluster initialises a throwaway cluster in a temp folder and
// leaves it stopped.
func newTestCluster(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	dir := t.TempDir()
	// The cluster runs as postgres when the test runs as root; the
	// test's own temp folders must let it through.
	_ = os.Chmod(dir, 0o755)
	_ = os.Chmod(filepath.Dir(dir), 0o711)
	pg := filepath.Join(dir, "pg")
	e := newFast(t, pg)
	if _, err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.Stop(); err != nil {
		t.Fatal(err)
	}
	return pg
}

func newFast(t *testing.T, pg string) *Embedded {
	t.Helper()
	e, err := NewEmbedded(pg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e.Fast = true
	return e
}

func postmasterPID(t *testing.T, pg string) int {
	t.Helper()
	pid, _, err := clustertest.Postmaster(pg)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// TestStartAdoptsLeftoverPostmaster: a postmaster left running on the
// folder by an altinn-sim that died (here started by pg_ctl, detached from
// any altinn-sim) is taken over, and Stop leaves nothing running.
func TestStartAdoptsLeftoverPostmaster(t *testing.T) {
	pg := newTestCluster(t)
	e := newFast(t, pg)
	t.Cleanup(func() { _ = e.StopAny() })
	opts := fmt.Sprintf("-c listen_addresses='' -k %s -c fsync=off", e.sockDir)
	if out, err := e.run(context.Background(), "pg_ctl", "-D", pg, "-o", opts, "-l", filepath.Join(e.sockDir, "leftover.log"), "-w", "start"); err != nil {
		t.Fatalf("start the leftover: %v: %s", err, out)
	}
	leftover := postmasterPID(t, pg)

	u, err := e.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if pid := postmasterPID(t, pg); pid == leftover {
		t.Fatalf("still running on the leftover postmaster %d instead of one of its own", pid)
	}
	if err := ensureDatabase(context.Background(), e.URL("postgres"), "altinn_sim"); err != nil {
		t.Fatalf("cluster at %s: %v", u, err)
	}
	if err := e.Stop(); err != nil {
		t.Fatal(err)
	}
	if left := clustertest.ProcessesIn(t, pg); len(left) > 0 {
		t.Fatalf("processes left in %s after Stop: %v", pg, left)
	}
}

// TestStartIgnoresStalePostmasterPID: a postmaster.pid whose pid now
// belongs to some other process (the pid was reused after the postmaster
// died) does not keep the cluster from starting.
func TestStartIgnoresStalePostmasterPID(t *testing.T) {
	pg := newTestCluster(t)
	e := newFast(t, pg)
	t.Cleanup(func() { _ = e.StopAny() })
	// A live process of the cluster's own user, so PostgreSQL's own check
	// (is that pid alive?) says yes.
	other := exec.Command("sleep", "300")
	if e.cred != nil {
		other.SysProcAttr = &syscall.SysProcAttr{Credential: e.cred}
	}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = other.Wait(); close(exited) }()
	t.Cleanup(func() { _ = other.Process.Kill(); <-exited })
	stale := fmt.Sprintf("%d\n%s\n", other.Process.Pid, pg)
	pidFile := filepath.Join(pg, "postmaster.pid")
	if err := os.WriteFile(pidFile, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	if e.cred != nil {
		if err := os.Chown(pidFile, int(e.cred.Uid), int(e.cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if pid := postmasterPID(t, pg); pid == other.Process.Pid {
		t.Fatal("postmaster.pid still names the other process")
	}
	if err := e.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		t.Fatalf("the process that reused the pid was stopped: %v", other.ProcessState)
	default:
	}
}

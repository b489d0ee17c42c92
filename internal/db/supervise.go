package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Restart backoff for a postmaster that died: quick at first (after a
// kill the new one may find the old backends still holding shared memory
// for a few hundred milliseconds), capped low enough that a server that
// answered once is back within seconds.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 2 * time.Second
	// A postmaster that ran this long was healthy: the next death starts
	// the backoff afresh.
	healthyRun = 10 * time.Second
)

// postmaster is one run of the PostgreSQL server, started by us as our
// child so that we learn at once when it dies.
type postmaster struct {
	cmd     *exec.Cmd
	started time.Time
	done    chan struct{} // closed once it has exited and been reaped
	err     error         // exit status; read only after done
}

// supervision is a running supervisor: it keeps a postmaster up until
// cancel, then stops it.
type supervision struct {
	cancel  context.CancelFunc
	first   chan startResult // the first postmaster (or why it could not start)
	done    chan struct{}    // closed when the last postmaster is stopped
	stopErr error            // read only after done
}

type startResult struct {
	pm  *postmaster
	err error
}

// supervise runs postmasters one after another until ctx ends: when one
// dies (a crash, an OOM kill, kill -9) it starts the next after a backoff;
// PostgreSQL's crash recovery brings back everything committed. On ctx's
// end it stops the running one.
func (e *Embedded) supervise(ctx context.Context, s *supervision) {
	defer close(s.done)
	// Linux sends the parent-death signal when the thread that started the
	// child ends, not the process: start every postmaster from this one
	// locked thread, which lives exactly as long as the supervision.
	runtime.LockOSThread()
	delay := minBackoff
	first := true
	for {
		pm, err := e.spawn()
		if first {
			s.first <- startResult{pm, err}
			first = false
		}
		if err == nil {
			select {
			case <-ctx.Done():
				s.stopErr = e.stopChild(pm)
				return
			case <-pm.done:
			}
			if time.Since(pm.started) > healthyRun {
				delay = minBackoff
			}
			err = pm.err
			if err == nil {
				err = errors.New("exited with status 0")
			}
		}
		if ctx.Err() != nil {
			return
		}
		e.log.Warn("embedded PostgreSQL is down; restarting it", "err", err, "in", delay, "dir", e.Dir, "log", e.logFile())
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, maxBackoff)
	}
}

// spawn starts a postmaster in the foreground (no pg_ctl, which would
// detach it from us).
func (e *Embedded) spawn() (*postmaster, error) { return e.spawnWith(e.Fast) }

// spawnWith is spawn, without durability when fast.
func (e *Embedded) spawnWith(fast bool) (*postmaster, error) {
	args := []string{"-D", e.Dir, "-k", e.sockDir, "-c", "listen_addresses=", "-c", "max_connections=200"}
	if v, _ := os.ReadFile(filepath.Join(e.Dir, "PG_VERSION")); runtime.GOOS == "linux" && pgVersionAtLeast(v, 14) {
		// Crash recovery first flushes every file of the cluster; one
		// syncfs per file system does that in a fraction of the time of
		// an fsync per file, which is most of a restart after a kill.
		// Equally durable.
		args = append(args, "-c", "recovery_init_sync_method=syncfs")
	}
	if fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	logf, err := os.OpenFile(e.logFile(), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL log: %w", err)
	}
	defer logf.Close() // the child has its own copy
	cmd := exec.Command(filepath.Join(e.bin, "postgres"), args...)
	cmd.Dir = filepath.Dir(e.Dir)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr(e.cred)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	pm := &postmaster{cmd: cmd, started: time.Now(), done: make(chan struct{})}
	go func() {
		pm.err = cmd.Wait()
		close(pm.done)
	}()
	return pm, nil
}

// stopChild shuts a postmaster down: fast shutdown (SIGINT) first, then
// immediate (SIGQUIT), then SIGKILL.
func (e *Embedded) stopChild(pm *postmaster) error {
	steps := []struct {
		sig  syscall.Signal
		wait time.Duration
	}{{syscall.SIGINT, 60 * time.Second}, {syscall.SIGQUIT, 10 * time.Second}, {syscall.SIGKILL, 10 * time.Second}}
	for _, st := range steps {
		_ = pm.cmd.Process.Signal(st.sig)
		select {
		case <-pm.done:
			if st.sig != syscall.SIGINT {
				return fmt.Errorf("embedded PostgreSQL ignored a fast shutdown; stopped it with %v", st.sig)
			}
			return nil
		case <-time.After(st.wait):
		}
	}
	return fmt.Errorf("embedded PostgreSQL (pid %d) did not stop", pm.cmd.Process.Pid)
}

// waitReady waits until pm accepts connections.
func (e *Embedded) waitReady(ctx context.Context, pm *postmaster, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	// A cluster copied from its template accepts connections within
	// tens of milliseconds: ask often at first.
	delay := 5 * time.Millisecond
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, e.URL("postgres"))
		cancel()
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("embedded PostgreSQL not ready within %v (log: %s): %w", timeout, e.logFile(), err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-pm.done:
			return fmt.Errorf("start embedded PostgreSQL (log: %s): %v: %s", e.logFile(), pm.err, e.logTail())
		case <-time.After(delay):
		}
		// A start takes 0.1 to 0.3 s: polling every 5 ms for the first
		// seconds finds it ready within 5 ms of it being so (doubling
		// would overshoot by up to its last step); a failed connect on
		// the unix socket costs next to nothing.
		if time.Since(pm.started) > 3*time.Second {
			delay = min(2*delay, 100*time.Millisecond)
		}
	}
}

func (e *Embedded) logFile() string { return filepath.Join(filepath.Dir(e.Dir), "postgres.log") }

// logTail is the log's last line, which says why a start failed.
func (e *Embedded) logTail() string {
	f, err := os.Open(e.logFile())
	if err != nil {
		return ""
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > 4096 {
		_, _ = f.Seek(-4096, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	return lastLine(b)
}

// lockData takes the data folder's lock file, which says which altinn-sim
// process owns (supervises) its cluster. The kernel releases it when the
// process dies, however it dies. busy is true when another live process
// holds it.
func (e *Embedded) lockData() (f *os.File, busy bool, err error) {
	f, err = os.OpenFile(e.Dir+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, true, nil
		}
		return nil, false, fmt.Errorf("lock %s.lock: %w", e.Dir, err)
	}
	return f, false, nil
}

// clearLeftover deals with what a dead owner left in the data folder
// (called only while holding its lock, so no live altinn-sim uses it): a
// postmaster still running there is stopped cleanly, to be started again
// under our supervision, and a postmaster.pid naming a dead process, or a
// process that is not a postmaster of this folder (its pid reused), is
// removed so that PostgreSQL does not refuse to start.
func (e *Embedded) clearLeftover(ctx context.Context) error {
	pidFile := filepath.Join(e.Dir, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", pidFile, err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 || !e.isPostmasterHere(pid) {
		e.log.Warn("removing a stale postmaster.pid left by a PostgreSQL that is no longer running", "file", pidFile, "pid", strings.TrimSpace(first))
		if err := os.Remove(pidFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove stale %s: %w", pidFile, err)
		}
		return nil
	}
	e.log.Warn("found the embedded PostgreSQL of an earlier altinn-sim still running; restarting it under this process", "pid", pid, "dir", e.Dir)
	out, err := e.run(ctx, "pg_ctl", "-D", e.Dir, "-m", "fast", "-w", "-t", "60", "stop")
	if err == nil {
		return nil
	}
	if out2, err2 := e.run(ctx, "pg_ctl", "-D", e.Dir, "-m", "immediate", "-w", "-t", "30", "stop"); err2 != nil {
		return fmt.Errorf("stop the leftover PostgreSQL (pid %d) in %s: %w: %s; %s", pid, e.Dir, err2, lastLine(out), lastLine(out2))
	}
	return nil
}

// isPostmasterHere says whether pid is a live PostgreSQL process working in
// this data folder (a postmaster's working directory is its data folder).
func (e *Embedded) isPostmasterHere(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	if errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat("/proc/self"); err == nil {
			return false // gone meanwhile
		}
	}
	if err != nil {
		// No /proc to ask (or not allowed to): assume it is the
		// postmaster, which pg_ctl stop then handles.
		return true
	}
	dir, err := filepath.EvalSymlinks(e.Dir)
	if err != nil {
		dir = e.Dir
	}
	return cwd == dir
}

// pgVersionAtLeast reads a PG_VERSION file's major version.
func pgVersionAtLeast(v []byte, major int) bool {
	n, err := strconv.Atoi(strings.TrimSpace(string(v)))
	return err == nil && n >= major
}

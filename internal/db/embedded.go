package db

import (
	"github.com/altinn-sim/altinn-sim/internal/dberr"

	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoPostgres says no PostgreSQL server binaries were found.
var ErrNoPostgres = errors.New("no PostgreSQL server binaries (initdb, pg_ctl) found on PATH or under /usr/lib/postgresql/*/bin: install PostgreSQL (e.g. apt-get install postgresql) or set ALTINN_SIM_DATABASE_URL")

// ErrDataDir says the data folder cannot hold the embedded cluster; the
// message says why and what to do.
var ErrDataDir = errors.New("ALTINN_SIM_DATA_DIR / --data-dir")

// Embedded is a private PostgreSQL cluster run from the machine's installed
// binaries, listening only on a unix socket inside its own folder.
type Embedded struct {
	Dir     string // cluster data directory
	sockDir string
	bin     string
	cred    *syscall.Credential // set when run as root: the postgres user
	log     *slog.Logger

	mu   sync.Mutex
	sup  *supervision // set while we own and supervise the cluster
	lock *os.File     // the data folder's lock, held while sup is set
	// Fast trades durability for speed (fsync off); for throwaway test clusters.
	Fast bool
	// TemplateDir is the cache folder of cluster templates (template.go);
	// "" makes every fresh cluster with initdb. NewEmbedded sets
	// DefaultTemplateDir.
	TemplateDir string
	// Prepare, when set, runs on the altinn_sim database (its URL) after
	// the migrations when a template is built, for what every fresh
	// cluster should hold beyond them; PrepareTag names what it does, and
	// goes into the template's name, so a new Prepare makes a new template.
	Prepare    func(ctx context.Context, url string) error
	PrepareTag string

	usedTemplate     string             // the template this start's cluster came from
	background       chan struct{}      // closed when afterStart's work ends (durable.go)
	cancelBackground context.CancelFunc // cancels afterStart's spare
	stopping         chan struct{}      // closed by Stop: afterStart's work begins at once
	spareWait        time.Duration      // how long Stop waits for the spare's copy
}

// NewEmbedded prepares (but does not start) a cluster in dir.
func NewEmbedded(dir string, log *slog.Logger) (*Embedded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	bin, err := findPostgresBin()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	e := &Embedded{Dir: abs, bin: bin, log: log, TemplateDir: DefaultTemplateDir(), spareWait: defaultSpareWait}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root; run them as the
		// postgres user.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs a 'postgres' user to own the embedded database: %w", err)
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		e.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := postgresCanReach(filepath.Dir(abs), e.cred); err != nil {
			return nil, err
		}
	}
	e.sockDir = filepath.Join(filepath.Dir(abs), "run")
	// A unix socket path is limited to ~107 bytes; fall back to a short
	// folder under /tmp for deep data folders.
	if len(e.sockDir)+len("/.s.PGSQL.5432") > 100 {
		e.sockDir = filepath.Join(os.TempDir(), "altinn-sim-"+digest(abs))
	}
	return e, nil
}

func findPostgresBin() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil && fileExists(filepath.Join(filepath.Dir(p), "postgres")) {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if fileExists(filepath.Join(d, "pg_ctl")) && fileExists(filepath.Join(d, "initdb")) && fileExists(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNoPostgres
}

func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// ClusterExists reports whether dir holds a cluster (a start would use it
// rather than make one).
func ClusterExists(dir string) bool { return fileExists(filepath.Join(dir, "PG_VERSION")) }

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Start initialises the cluster on first use and starts it under
// supervision (restarted whenever it dies, until Stop), or attaches to the
// one another live altinn-sim process in the same folder supervises. It
// returns the URL of the altinn_sim database, which it creates when
// missing.
func (e *Embedded) Start(ctx context.Context) (string, error) {
	if err := e.prepareDirs(); err != nil {
		return "", err
	}
	lock, busy, err := e.lockData()
	if err != nil {
		return "", err
	}
	admin := e.URL("postgres")
	if busy {
		// Another altinn-sim (say serve, while this is seed) owns the
		// cluster; use it, and leave stopping it to that process.
		e.log.Info("embedded PostgreSQL is run by another altinn-sim process; attaching", "dir", e.Dir)
		if err := ensureDatabaseWait(ctx, admin, "altinn_sim", 30*time.Second); err != nil {
			return "", err
		}
		return e.URL("altinn_sim"), nil
	}
	// Only the folder's owner fills an empty one (another process
	// waits above, in ensureDatabaseWait, while it does).
	e.usedTemplate = ""
	if err := e.discardUnsyncedCopy(); err != nil {
		lock.Close()
		return "", err
	}
	if !fileExists(filepath.Join(e.Dir, "PG_VERSION")) {
		if err := e.initCluster(ctx); err != nil {
			lock.Close()
			return "", err
		}
	}
	if err := e.clearLeftover(ctx); err != nil {
		lock.Close()
		return "", err
	}
	sctx, cancel := context.WithCancel(context.Background())
	s := &supervision{cancel: cancel, first: make(chan startResult, 1), done: make(chan struct{})}
	go e.supervise(sctx, s)
	e.mu.Lock()
	e.sup, e.lock = s, lock
	e.mu.Unlock()
	first := <-s.first
	if first.err == nil {
		first.err = e.waitReady(ctx, first.pm, 120*time.Second)
	}
	if first.err == nil {
		first.err = ensureDatabase(ctx, admin, "altinn_sim")
	}
	if first.err != nil {
		_ = e.Stop()
		return "", first.err
	}
	e.afterStart()
	return e.URL("altinn_sim"), nil
}

// URL is the connection string for a database of this cluster.
func (e *Embedded) URL(dbname string) string {
	q := url.Values{"host": {e.sockDir}, "user": {"postgres"}, "sslmode": {"disable"}}
	return "postgres:///" + dbname + "?" + q.Encode()
}

// Stop ends supervision and stops the cluster if this process runs it.
func (e *Embedded) Stop() error {
	e.mu.Lock()
	s, lock := e.sup, e.lock
	e.sup, e.lock = nil, nil
	e.mu.Unlock()
	if s == nil {
		return nil
	}
	e.stopBackground()
	s.cancel()
	<-s.done
	// Release the folder only now: whoever takes it next finds no
	// postmaster of ours running.
	lock.Close()
	if s.stopErr != nil {
		return fmt.Errorf("stop embedded PostgreSQL: %w", s.stopErr)
	}
	return nil
}

// StopAny stops the cluster running in e.Dir even if another process
// started it (used to clean up after a test binary that died).
func (e *Embedded) StopAny() error {
	e.mu.Lock()
	ours := e.sup != nil
	e.mu.Unlock()
	if ours {
		return e.Stop()
	}
	if _, err := e.run(context.Background(), "pg_ctl", "-D", e.Dir, "status"); err != nil {
		return nil // not running
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out, err := e.run(ctx, "pg_ctl", "-D", e.Dir, "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("stop embedded PostgreSQL: %w: %s", err, lastLine(out))
	}
	return nil
}

func (e *Embedded) prepareDirs() error {
	dataDir := filepath.Dir(e.Dir)
	_, err := os.Stat(dataDir)
	createdDataDir := errors.Is(err, os.ErrNotExist)
	// As root, folders we create on the way must let the postgres user
	// through (traverse only: others still cannot list them).
	mode := os.FileMode(0o700)
	if e.cred != nil {
		mode = 0o711
	}
	if err := os.MkdirAll(dataDir, mode); err != nil {
		return fmt.Errorf("%w: create %s: %v", ErrDataDir, dataDir, err)
	}
	for _, d := range []string{e.Dir, e.sockDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	if e.cred == nil {
		return nil
	}
	// Running as root: the cluster and socket folders are ours and belong
	// to postgres, and so does the data folder when we made it. Nothing
	// the user made is chowned or chmodded: NewEmbedded refused a data
	// folder postgres cannot reach.
	own := []string{e.Dir, e.sockDir}
	if createdDataDir {
		own = append(own, dataDir)
	}
	for _, d := range own {
		if err := os.Chown(d, int(e.cred.Uid), int(e.cred.Gid)); err != nil {
			return fmt.Errorf("chown %s to postgres: %w", d, err)
		}
	}
	return nil
}

// postgresCanReach checks, without changing anything, that the postgres
// user (cred) can pass through every existing folder down to dataDir;
// folders still to be made are made passable by prepareDirs.
func postgresCanReach(dataDir string, cred *syscall.Credential) error {
	for d := dataDir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err == nil && !canTraverse(st, cred) {
			return fmt.Errorf("%w: running as root, the embedded PostgreSQL runs as the postgres user, which cannot enter %s (mode %v, owner uid %d): "+
				"choose a data folder it can reach (e.g. --data-dir /var/lib/altinn-sim), let it in yourself (chmod o+x %s), run altinn-sim as a non-root user, or set ALTINN_SIM_DATABASE_URL",
				ErrDataDir, d, st.Mode().Perm(), ownerUID(st), d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func canTraverse(st os.FileInfo, cred *syscall.Credential) bool {
	perm := st.Mode().Perm()
	if perm&0o001 != 0 {
		return true
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return true // cannot tell; initdb will say
	}
	switch {
	case sys.Uid == cred.Uid:
		return perm&0o100 != 0
	case sys.Gid == cred.Gid:
		return perm&0o010 != 0
	}
	return false
}

func ownerUID(st os.FileInfo) int {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		return int(sys.Uid)
	}
	return -1
}

func (e *Embedded) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(e.bin, name), args...)
	cmd.Dir = filepath.Dir(e.Dir)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if e.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: e.cred}
	}
	// pg_ctl start leaves postgres running with our stdout as its own
	// unless logging goes to a file (it does); capture only the command's
	// own output.
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	err := cmd.Run()
	return buf.Bytes(), err
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// ensureDatabase creates dbname on the server at adminURL when missing.
func ensureDatabase(ctx context.Context, adminURL, dbname string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(adminURL), err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, dbname).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", dbname, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{dbname}.Sanitize()); err != nil && !errors.Is(Map(err), dberr.ErrConflict) {
		return fmt.Errorf("create database %s: %w", dbname, err)
	}
	return nil
}

// ensureDatabaseWait is ensureDatabase, retried for a while on a cluster
// that is still starting (or restarting).
func ensureDatabaseWait(ctx context.Context, adminURL, dbname string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		err := ensureDatabase(ctx, adminURL, dbname)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// redact drops the password from a URL for logs.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(database url)"
	}
	return u.Redacted()
}

package db

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A fresh cluster is not made by initdb and migrations each time (over a
// second, most of it initdb's fsyncs and catalog set-up): the first fresh
// start makes one, migrates an altinn_sim database in it, stops it cleanly
// and keeps a copy, the template, in a cache folder; every later fresh
// start copies the template into its data folder (tens of milliseconds).
// A template is named by everything its contents depend on (the server
// binaries, the embedded migrations, the layout below), so a new
// PostgreSQL or a new migration makes a new one. Copies share the
// template's system identifier, which matters only to physical
// replication, which nothing here uses.

// templateFormat changes when what a template holds changes.
const templateFormat = "1"

// A new template's build deletes the other templates (of other binaries
// or migrations: a checkout that adds migrations makes a new one each
// time) beyond the templateKeep most recently used, and any unused for
// templateUnused.
const (
	templateKeep   = 2
	templateUnused = 7 * 24 * time.Hour
)

// DefaultTemplateDir is the cache folder for cluster templates:
// altinn-sim under the user's cache folder ($XDG_CACHE_HOME or ~/.cache on
// Linux), or "" (no templates) when the user has none.
func DefaultTemplateDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "altinn-sim")
}

// templatePath is the template folder for these binaries and migrations.
func (e *Embedded) templatePath() string { return e.templateFor(MigrationsDigest()) }

// templateFor is the template folder for these binaries and the
// migrations whose digest is migrations.
func (e *Embedded) templateFor(migrations string) string {
	key := templateFormat + "\x00" + e.bin + "\x00" + migrations + "\x00" + e.PrepareTag
	if st, err := os.Stat(filepath.Join(e.bin, "postgres")); err == nil {
		key += "\x00" + strconv.FormatInt(st.Size(), 10) + "\x00" + st.ModTime().UTC().Format(time.RFC3339Nano)
	}
	return filepath.Join(e.TemplateDir, "pg-template-"+e.pgVersion()+"-"+digest(key))
}

// pgVersion is the binaries' major version, from their folder
// (/usr/lib/postgresql/15/bin, also behind a symlink) or else from
// postgres --version.
func (e *Embedded) pgVersion() string {
	postgres := filepath.Join(e.bin, "postgres")
	if real, err := filepath.EvalSymlinks(postgres); err == nil {
		if n := pgMajor(filepath.Dir(real)); n > 0 {
			return strconv.Itoa(n)
		}
	}
	out, err := exec.Command(postgres, "--version").Output()
	if err == nil {
		// "postgres (PostgreSQL) 16.4 (Debian 16.4-1)"
		if f := strings.Fields(string(out)); len(f) >= 3 {
			if major, _, _ := strings.Cut(f[2], "."); major != "" {
				return major
			}
		}
	}
	return "pg"
}

// initCluster fills the empty data folder: a copy of the template, or,
// when there is none yet, a cluster made here from which the template is
// then taken. Any trouble with the template (an unwritable cache folder,
// a broken copy) is logged and the folder made the plain way, as without
// templates.
func (e *Embedded) initCluster(ctx context.Context) error {
	if e.TemplateDir == "" {
		return e.initdb(ctx)
	}
	tpl := e.templatePath()
	if e.claimSpare(tpl) {
		e.usedTemplate = tpl
		return nil
	}
	err := e.fromTemplate(tpl)
	if errors.Is(err, fs.ErrNotExist) {
		err = e.buildTemplate(ctx, tpl)
	}
	if err == nil {
		e.usedTemplate = tpl
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	e.log.Warn("no cluster template; initialising the embedded PostgreSQL without one", "template", tpl, "err", err)
	if err := emptyDir(e.Dir); err != nil {
		return err
	}
	return e.initdb(ctx)
}

// initdb makes a new cluster in e.Dir.
func (e *Embedded) initdb(ctx context.Context) error {
	e.log.Info("initialising embedded PostgreSQL", "dir", e.Dir)
	args := []string{"-D", e.Dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"}
	if e.Fast {
		args = append(args, "--no-sync")
	}
	if out, err := e.run(ctx, "initdb", args...); err != nil {
		return fmt.Errorf("initdb in %s: %w: %s", e.Dir, err, lastLine(out))
	}
	return nil
}

// fromTemplate copies the template tpl into the empty data folder; it
// returns an error wrapping fs.ErrNotExist when there is no template.
func (e *Embedded) fromTemplate(tpl string) error {
	if _, err := os.Stat(filepath.Join(tpl, "PG_VERSION")); err != nil {
		return err
	}
	if !e.Fast {
		// The copy is made durable after the start, not before it
		// (durable.go); until then a marker says it may not be.
		if err := e.markUnsynced(); err != nil {
			return err
		}
	}
	if err := copyTree(tpl, e.Dir, e.cred); err != nil {
		return fmt.Errorf("copy the cluster template %s: %w", tpl, err)
	}
	if !e.Fast {
		if err := e.markCopied(); err != nil {
			return err
		}
	}
	// Its last use, for pruneTemplates.
	now := time.Now()
	_ = os.Chtimes(tpl, now, now)
	e.log.Info("initialising embedded PostgreSQL from its template", "dir", e.Dir, "template", tpl)
	return nil
}

// buildTemplate makes the cluster in e.Dir (initdb, an altinn_sim database
// at the newest migration, a clean stop) and copies it to tpl. One process
// builds a template at a time (a lock file beside it); another waiting for
// the lock copies the template the first one made. The copy is renamed
// into place only when complete, so a template is whole or absent.
func (e *Embedded) buildTemplate(ctx context.Context, tpl string) error {
	if err := os.MkdirAll(e.TemplateDir, 0o700); err != nil {
		return err
	}
	unlock, err := lockFile(ctx, tpl+".lock")
	if err != nil {
		return err
	}
	defer unlock()
	if err := e.fromTemplate(tpl); !errors.Is(err, fs.ErrNotExist) {
		return err // made while we waited (or broken: the caller says so)
	}
	// Copies left by a builder that died (we hold the lock: none is live).
	if old, _ := filepath.Glob(tpl + ".tmp-*"); len(old) > 0 {
		for _, d := range old {
			_ = os.RemoveAll(d)
		}
	}
	e.log.Info("initialising embedded PostgreSQL and a template for later fresh starts", "dir", e.Dir, "template", tpl)
	if out, err := e.run(ctx, "initdb", "-D", e.Dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return fmt.Errorf("initdb in %s: %w: %s", e.Dir, err, lastLine(out))
	}
	if err := e.migrateOnce(ctx); err != nil {
		return err
	}
	tmp := tpl + ".tmp-" + randSuffix()
	if err := copyTree(e.Dir, tmp, nil); err != nil {
		return errors.Join(err, os.RemoveAll(tmp))
	}
	// The template must outlive a power cut whole: sync before the rename
	// publishes it.
	if err := syncDir(tmp); err != nil {
		return errors.Join(err, os.RemoveAll(tmp))
	}
	if err := os.Rename(tmp, tpl); err != nil {
		// Only a builder that lost its lock file to pruning can find the
		// template there now; the cluster in e.Dir is made either way.
		_ = os.RemoveAll(tmp)
		if _, serr := os.Stat(filepath.Join(tpl, "PG_VERSION")); serr != nil {
			return err
		}
	}
	if !e.Fast {
		if err := syncDir(e.Dir); err != nil {
			return fmt.Errorf("sync %s: %w", e.Dir, err)
		}
	}
	e.pruneTemplates(tpl)
	return nil
}

// migrateOnce runs a postmaster on e.Dir just long enough to create the
// altinn_sim database and migrate it, then stops it cleanly (a shutdown
// checkpoint, so a copy needs no recovery).
func (e *Embedded) migrateOnce(ctx context.Context) error {
	// The postmaster gets its parent-death signal when the thread that
	// started it ends (see supervise): keep this goroutine on one thread
	// until it is stopped.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	pm, err := e.spawnWith(true)
	if err != nil {
		return err
	}
	err = e.waitReady(ctx, pm, 120*time.Second)
	if err == nil {
		err = ensureDatabase(ctx, e.URL("postgres"), "altinn_sim")
	}
	if err == nil {
		err = Migrate(ctx, e.URL("altinn_sim"))
	}
	if err == nil && e.Prepare != nil {
		if err = e.Prepare(ctx, e.URL("altinn_sim")); err != nil {
			err = fmt.Errorf("prepare the cluster template: %w", err)
		}
	}
	return errors.Join(err, e.stopChild(pm))
}

// pruneTemplates deletes the other templates beside keep: all but the
// templateKeep most recently used, and those unused for templateUnused,
// with their lock files. One being copied right now makes that copy fail,
// and that start makes its cluster without a template.
func (e *Embedded) pruneTemplates(keep string) {
	dirs, _ := filepath.Glob(filepath.Join(e.TemplateDir, "pg-template-*"))
	type tpl struct {
		dir  string
		used time.Time
	}
	var others []tpl
	for _, d := range dirs {
		if d == keep || strings.Contains(filepath.Base(d), ".") {
			continue // ours, a lock file or a copy under way
		}
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			others = append(others, tpl{d, st.ModTime()})
		}
	}
	sort.Slice(others, func(i, j int) bool { return others[i].used.After(others[j].used) })
	for i, t := range others {
		if i < templateKeep && time.Since(t.used) <= templateUnused {
			continue
		}
		e.log.Info("deleting an unused cluster template", "template", t.dir)
		removeSpares(t.dir)
		_ = os.RemoveAll(t.dir)
		_ = os.Remove(t.dir + ".lock")
	}
}

// lockFile takes an exclusive lock on path, waiting for it until ctx ends.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	for {
		if unlock, err := tryLockFile(path); err != nil || unlock != nil {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// tryLockFile takes an exclusive lock on path if it is free; a nil unlock
// means another process holds it.
func tryLockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// copyTree copies the folder src into dst (made when missing), keeping
// file modes; with cred set (running as root) everything it makes belongs
// to that user. Only folders and regular files are expected. One file at
// a time: creating files in one folder from several threads at once was
// slower (they contend for the folder's lock).
func copyTree(src, dst string, cred *syscall.Credential) error {
	return copyTreeCtx(context.Background(), src, dst, cred)
}

// copyTreeCtx is copyTree, given up when ctx ends.
func copyTreeCtx(ctx context.Context, src, dst string, cred *syscall.Credential) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel == "postmaster.pid" || rel == "postmaster.opts" {
			return nil
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if err := os.Mkdir(target, info.Mode().Perm()); err != nil && !(rel == "." && errors.Is(err, fs.ErrExist)) {
				return err
			}
			return chownTo(target, cred)
		case info.Mode().IsRegular():
			return copyFile(p, target, info.Mode().Perm(), cred)
		default:
			return fmt.Errorf("%s: not a folder or regular file", p)
		}
	})
}

func chownTo(p string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	return os.Lchown(p, int(cred.Uid), int(cred.Gid))
}

func copyFile(src, dst string, mode fs.FileMode, cred *syscall.Credential) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	// io.Copy between two files uses copy_file_range where there is one.
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if cred != nil {
		if err := out.Chown(int(cred.Uid), int(cred.Gid)); err != nil {
			out.Close()
			return err
		}
	}
	return out.Close()
}

// emptyDir deletes what is inside dir, keeping dir itself (and its owner).
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, en := range entries {
		if err := os.RemoveAll(filepath.Join(dir, en.Name())); err != nil {
			return err
		}
	}
	return nil
}

func randSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

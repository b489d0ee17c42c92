package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Copying a template is a fresh start's largest step: some 1,500 files,
// each made one by one (0.2 s on a quiet disk, seconds on a busy one). So
// a start that used a template leaves a spare copy of it in the cache
// folder, made in the background once it is up, and the next fresh start
// takes the spare with one rename instead of copying. A spare is used
// once: the rename moves it away.
//
// A durable cluster's spare (<template>.spare) is synced before it is put
// in place. A throwaway (Fast) cluster's spare is not synced and carries
// the machine's boot in its name (<template>.spare-fast-<boot>): only a
// Fast start of the same boot takes it, when its files are whole in the
// page cache whether or not they reached the disk.

// spareFor is the spare of template tpl this cluster may take and leave.
func (e *Embedded) spareFor(tpl string) string {
	if !e.Fast {
		return tpl + ".spare"
	}
	boot := bootID()
	if boot == "" {
		return "" // no way to tell a spare from before a crash
	}
	return tpl + ".spare-fast-" + boot
}

// claimSpare moves the spare of tpl into the (empty) data folder; false
// when there is none (or another start took it first, or it is on
// another file system).
func (e *Embedded) claimSpare(tpl string) bool {
	spare := e.spareFor(tpl)
	if spare == "" {
		return false
	}
	// rename(2) itself, not os.Rename, which refuses to replace a folder
	// even when, as here, it is empty.
	if err := syscall.Rename(spare, e.Dir); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			e.log.Debug("spare cluster not used", "spare", spare, "err", err)
		}
		return false
	}
	// The move must be on disk before PostgreSQL writes to the folder:
	// otherwise a crash could bring the spare back, written to, for the
	// next start to take.
	if err := errors.Join(syncFolder(filepath.Dir(spare)), syncFolder(filepath.Dir(e.Dir))); err != nil {
		e.log.Warn("could not sync the move of a spare cluster", "dir", e.Dir, "err", err)
	}
	now := time.Now()
	_ = os.Chtimes(tpl, now, now) // its last use, for pruneTemplates
	e.log.Info("initialising embedded PostgreSQL from a spare copy of its template", "dir", e.Dir, "template", tpl)
	return true
}

// spareCopy is a spare being made: tmp, renamed to spare by publish.
type spareCopy struct {
	tmp, spare string
	unlock     func()
}

// makeSpare copies tpl towards its spare when there is none, under the
// template's lock (nil when another process holds it). A durable spare
// must be synced (the caller's syncDir) before publish.
func (e *Embedded) makeSpare(ctx context.Context, tpl string) (*spareCopy, error) {
	spare := e.spareFor(tpl)
	if spare == "" || fileExists(spare) {
		return nil, nil
	}
	unlock, err := tryLockFile(tpl + ".lock")
	if err != nil || unlock == nil {
		return nil, err
	}
	if e.Fast {
		// Fast spares of earlier boots can never be taken.
		old, _ := filepath.Glob(tpl + ".spare-fast-*")
		for _, o := range old {
			if o != spare && o != spare+".tmp" {
				_ = os.RemoveAll(o)
			}
		}
	}
	c := &spareCopy{tmp: spare + ".tmp", spare: spare, unlock: unlock}
	_ = os.RemoveAll(c.tmp) // a copy left by a process that died (we hold the lock)
	if err := copyTreeCtx(ctx, tpl, c.tmp, e.cred); err != nil {
		c.discard()
		return nil, err
	}
	return c, nil
}

// publish puts the spare in place.
func (c *spareCopy) publish() error {
	defer c.unlock()
	if err := os.Rename(c.tmp, c.spare); err != nil {
		return errors.Join(fmt.Errorf("put the spare cluster in place: %w", err), os.RemoveAll(c.tmp))
	}
	return syncFolder(filepath.Dir(c.spare))
}

// discard drops the copy.
func (c *spareCopy) discard() {
	_ = os.RemoveAll(c.tmp)
	c.unlock()
}

// removeSpares deletes the spares of template tpl (when it is pruned).
func removeSpares(tpl string) {
	spares, _ := filepath.Glob(tpl + ".spare*")
	for _, s := range spares {
		_ = os.RemoveAll(s)
	}
}

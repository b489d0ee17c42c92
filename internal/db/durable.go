package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A cluster copied from its template is made durable after it has
// started, not before: one syncfs takes from a tenth of a second to over
// a second on a busy disk, most of a fresh start. Until it is done, a
// power cut could leave files of the copy missing or empty under a WAL
// that relies on them. A marker beside the data folder, on disk before
// the copy begins and removed once the copy is, says so, and, once the
// copy is whole, names the boot of the machine it was made in. A start
// that finds it from the same boot keeps the folder (the files are whole in the page cache; only the
// sync is owed) and syncs it; from an earlier boot, the machine went down
// before the copy was on disk, and the start throws the folder away and
// copies the template again. What that can lose is what the first
// seconds of a new data folder wrote before the machine went down.

// unsyncedMarker is the marker's path: beside the cluster, like its lock.
func (e *Embedded) unsyncedMarker() string { return e.Dir + ".unsynced" }

// markUnsynced puts the marker on disk before the copy is made.
func (e *Embedded) markUnsynced() error {
	f, err := os.OpenFile(e.unsyncedMarker(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("mark %s as not yet on disk: %w", e.Dir, err)
	}
	_, err = f.WriteString("copying")
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		return fmt.Errorf("mark %s as not yet on disk: %w", e.Dir, err)
	}
	return syncFolder(filepath.Dir(e.Dir))
}

// markCopied says the copy is whole (not yet durable): the marker now
// names this boot. A crash before the rename leaves "copying", and the
// next start copies again.
func (e *Embedded) markCopied() error {
	tmp := e.unsyncedMarker() + ".tmp"
	if err := os.WriteFile(tmp, []byte(bootID()), 0o600); err != nil {
		return fmt.Errorf("mark %s as copied: %w", e.Dir, err)
	}
	if err := os.Rename(tmp, e.unsyncedMarker()); err != nil {
		return fmt.Errorf("mark %s as copied: %w", e.Dir, err)
	}
	return nil
}

// discardUnsyncedCopy empties the data folder when a copy was never made
// durable and the machine has restarted since.
func (e *Embedded) discardUnsyncedCopy() error {
	boot, err := os.ReadFile(e.unsyncedMarker())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if id := bootID(); id != "" && string(boot) == id {
		return nil // afterStart finishes the job
	}
	if fileExists(filepath.Join(e.Dir, "PG_VERSION")) {
		e.log.Warn("the embedded PostgreSQL was copied from its template but stopped before the copy was on disk; copying it again (what it held is lost)", "dir", e.Dir)
	}
	if err := emptyDir(e.Dir); err != nil {
		return fmt.Errorf("empty %s: %w", e.Dir, err)
	}
	return nil
}

// afterStart finishes, in the background, what a start from a template
// leaves to do: a spare for the next fresh start (spare.go), and making
// a copy marked unsynced durable, then removing the marker. It begins
// after backgroundDelay, so that its copy and sync do not slow the rest
// of the start (the app's own start-up on this cluster), or at once when
// Stop comes first. Stop cancels the spare and waits for the rest.
func (e *Embedded) afterStart() {
	_, err := os.Stat(e.unsyncedMarker())
	unsynced := err == nil
	tpl := e.usedTemplate
	if !unsynced && tpl == "" {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done, stopping := make(chan struct{}), make(chan struct{})
	e.mu.Lock()
	e.background, e.cancelBackground, e.stopping = done, cancel, stopping
	e.mu.Unlock()
	go func() {
		defer close(done)
		select {
		case <-time.After(backgroundDelay):
		case <-stopping:
		}
		var spare *spareCopy
		if tpl != "" {
			var err error
			if spare, err = e.makeSpare(ctx, tpl); err != nil && ctx.Err() == nil {
				e.log.Debug("no spare cluster made", "template", tpl, "err", err)
			}
		}
		var err error
		if unsynced || (spare != nil && !e.Fast) {
			err = syncDir(e.Dir)
		}
		if unsynced {
			if err == nil {
				err = os.Remove(e.unsyncedMarker())
			}
			if err == nil {
				err = syncFolder(filepath.Dir(e.Dir))
			}
			if err != nil {
				e.log.Warn("could not make the new embedded PostgreSQL durable; the next start after a crash copies its template again", "dir", e.Dir, "err", err)
			}
		}
		if spare == nil {
			return
		}
		if err != nil {
			spare.discard()
			return
		}
		if err := spare.publish(); err != nil {
			e.log.Debug("no spare cluster made", "template", tpl, "err", err)
		}
	}()
}

// stopBackground waits for afterStart's work to end, giving up on the
// spare after spareWait: a start that ends at once (a script, a test)
// should still leave its spare for the next one.
func (e *Embedded) stopBackground() {
	e.mu.Lock()
	done, cancel, stopping := e.background, e.cancelBackground, e.stopping
	e.background, e.cancelBackground, e.stopping = nil, nil, nil
	e.mu.Unlock()
	if done == nil {
		return
	}
	close(stopping)
	select {
	case <-done:
	case <-time.After(e.spareWait):
		cancel() // gives up the copy; a sync under way is finished
		<-done
	}
	cancel()
}

// defaultSpareWait is how long Stop waits for a spare still being copied.
const defaultSpareWait = 5 * time.Second

// backgroundDelay is how long afterStart's work waits for the start to be
// over.
const backgroundDelay = 2 * time.Second

// syncFolder fsyncs a folder, so the names made or removed in it are on
// disk.
func syncFolder(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	return errors.Join(err, f.Close())
}

// bootID names this boot of the machine ("" where unknown: every marker
// is then from an earlier boot).
func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

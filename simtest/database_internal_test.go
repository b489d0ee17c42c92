package simtest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestReapEmbedded: the folder of an embedded start whose process died is
// deleted by the next start; a live owner's folder and folders without an
// owner are left alone.
func TestReapEmbedded(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	mk := func(owner string) string {
		d, err := os.MkdirTemp("", embeddedPrefix)
		if err != nil {
			t.Fatal(err)
		}
		if owner != "" {
			if err := os.WriteFile(filepath.Join(d, "owner.pid"), []byte(owner), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	gone := mk(strconv.Itoa(dead.Process.Pid))
	alive := mk(strconv.Itoa(os.Getppid()))
	settingUp := mk("")
	reapEmbedded()
	if _, err := os.Stat(gone); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dead owner's folder is still there (%v)", err)
	}
	for _, d := range []string{alive, settingUp} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("folder %s was deleted: %v", d, err)
		}
	}
}

package simtest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
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

func TestWithDBName(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u@h:5432/postgres?sslmode=disable": "postgres://u@h:5432/x?sslmode=disable",
		"postgresql://u@h/":                            "postgresql://u@h/x",
		"host=h user=u dbname=postgres":                "host=h user=u dbname=postgres dbname=x",
	} {
		got := withDBName(in, "x")
		if got != want {
			t.Errorf("withDBName(%q) = %q, want %q", in, got, want)
		}
		if c, err := pgx.ParseConfig(got); err != nil || c.Database != "x" {
			t.Errorf("%q connects to database %v (%v), want x", got, c, err)
		}
	}
}

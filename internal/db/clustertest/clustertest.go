// Package clustertest looks at an embedded PostgreSQL cluster from a test:
// its postmaster.pid and the processes still working in its folder. The
// db package's own tests and the binary's supervision tests share it.
package clustertest

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Postmaster reads pgDir/postmaster.pid: the postmaster's pid, and a URL
// for its unix socket.
func Postmaster(pgDir string) (pid int, dbURL string, err error) {
	b, err := os.ReadFile(filepath.Join(pgDir, "postmaster.pid"))
	if err != nil {
		return 0, "", err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 {
		return 0, "", errors.New("postmaster.pid still being written")
	}
	pid, err = strconv.Atoi(strings.TrimSpace(lines[0]))
	q := url.Values{"host": {strings.TrimSpace(lines[4])}, "port": {strings.TrimSpace(lines[3])}, "user": {"postgres"}, "sslmode": {"disable"}}
	return pid, "postgres:///altinn_sim?" + q.Encode(), err
}

// ProcessesIn lists the live processes working in dir, each as its pid and
// command line: a postmaster and its backends all have their data folder
// as working directory. It reads /proc (Linux only).
func ProcessesIn(t testing.TB, dir string) []string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	links, _ := filepath.Glob("/proc/[0-9]*/cwd")
	var found []string
	for _, l := range links {
		if cwd, err := os.Readlink(l); err == nil && cwd == dir {
			pid := filepath.Base(filepath.Dir(l))
			cmdline, _ := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
			found = append(found, pid+" "+strings.ReplaceAll(string(cmdline), "\x00", " "))
		}
	}
	return found
}

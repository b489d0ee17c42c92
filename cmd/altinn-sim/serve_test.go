package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles altinn-sim once for the process tests, stamping
// the source revision as a plain go build in a checkout does (whatever
// GOFLAGS says).
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "altinn-sim-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "altinn-sim")
	out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v: %s", err, out)
	}
	return bin, nil
})

// postgresTempDir is a temp folder the postgres user can pass through
// when the tests run as root: the embedded cluster then runs as postgres,
// and altinn-sim refuses (rather than chmods) a data folder postgres
// cannot reach. The test made these folders, so it may open them.
func postgresTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a bytes.Buffer safe to read while the process writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveOnce starts the binary with the embedded database in dataDir, waits
// for /ready, stops it with SIGTERM and returns its log.
func serveOnce(t *testing.T, bin, dataDir string) string {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--listen", addr, "--public-url", "http://"+addr, "--data-dir", dataDir)
	cmd.Env = append(os.Environ(), "ALTINN_SIM_DATABASE_URL=")
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() //nolint:errcheck
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/ready")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/ready not 200 within 60s; log:\n%s", log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; log:\n%s", err, log.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("no exit within 60s of SIGTERM; log:\n%s", log.String())
	}
	return log.String()
}

// TestServeWithEmbeddedDatabase is the README's first command on a fresh
// clone: no database URL, PostgreSQL binaries installed but no server
// running. A second start reuses the data folder.
func TestServeWithEmbeddedDatabase(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(postgresTempDir(t), "data")
	first := serveOnce(t, bin, dataDir)
	if !strings.Contains(first, "initialising embedded PostgreSQL") || !strings.Contains(first, "embedded PostgreSQL stopped") {
		t.Fatalf("first start log:\n%s", first)
	}
	second := serveOnce(t, bin, dataDir)
	if strings.Contains(second, "initialising") {
		t.Fatalf("second start initialised a new cluster instead of reusing the data:\n%s", second)
	}
	if !strings.Contains(second, "embedded PostgreSQL stopped") {
		t.Fatalf("second start log:\n%s", second)
	}
}

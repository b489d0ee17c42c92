package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/db/clustertest"
	"github.com/jackc/pgx/v5"
)

// server is one `altinn-sim serve` process on the embedded database.
type server struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
	done chan error
}

// startServer starts the binary on dataDir and waits until /ready is 200.
func startServer(t *testing.T, bin, dataDir string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--listen", addr, "--public-url", "http://"+addr, "--data-dir", dataDir)
	cmd.Env = append(os.Environ(), "ALTINN_SIM_DATABASE_URL=", "ALTINN_SIM_ADMIN_TOKEN=")
	s := &server{cmd: cmd, base: "http://" + addr, log: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	if _, err := s.waitReady(60*time.Second, func() bool { return true }); err != nil {
		t.Fatalf("%v; log:\n%s", err, s.log.String())
	}
	return s
}

// waitReady polls /ready until it answers 200 and also ok() holds, and
// returns how long that took.
func (s *server) waitReady(limit time.Duration, ok func() bool) (time.Duration, error) {
	start := time.Now()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if res, err := client.Get(s.base + "/ready"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 && ok() {
				return time.Since(start), nil
			}
		}
		if time.Since(start) > limit {
			return 0, errors.New("/ready not 200 within " + limit.String())
		}
		select {
		case err := <-s.done:
			return 0, errors.New("server exited: " + errString(err))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop signals the server and waits for a clean exit.
func (s *server) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("exit after %v: %v; log:\n%s", sig, err, s.log.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("no exit within 60s of %v; log:\n%s", sig, s.log.String())
	}
}

func errString(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}

// killLeftovers stops whatever a failed test left in dir.
func killLeftovers(t *testing.T, dir string) {
	t.Cleanup(func() {
		if pid, _, err := clustertest.Postmaster(filepath.Join(dir, "pg")); err == nil && pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGQUIT)
		}
	})
}

// TestPostmasterKilledIsRestarted kills the embedded postmaster with
// SIGKILL under a running server: it is started again, /ready answers 200
// again within seconds, and an acknowledged write is still there.
func TestPostmasterKilledIsRestarted(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(postgresTempDir(t), "data")
	killLeftovers(t, dataDir)
	s := startServer(t, bin, dataDir)

	clientID := "supervise-test-client"
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "orgNo": "991825827", "name": clientID, "scopes": []string{"altinn:authentication/systemregister.write"}, "jwks": map[string]any{"keys": []any{}}})
	res, err := http.Post(s.base+"/sim/api/v1/clients", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("create client: %d", res.StatusCode)
	}

	old, _, err := clustertest.Postmaster(filepath.Join(dataDir, "pg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Ready again means ready on a new postmaster: a backend of the old
	// one may still answer for a moment after the kill.
	took, err := s.waitReady(15*time.Second, func() bool {
		pid, _, err := clustertest.Postmaster(filepath.Join(dataDir, "pg"))
		return err == nil && pid != old && syscall.Kill(pid, 0) == nil
	})
	if err != nil {
		t.Fatalf("after kill -9 of the postmaster: %v; log:\n%s", err, s.log.String())
	}
	t.Logf("/ready answered 200 on a new postmaster %v after kill -9 of the old one", took)
	if !strings.Contains(s.log.String(), "embedded PostgreSQL is down; restarting it") {
		t.Errorf("no warning about the restart in the log:\n%s", s.log.String())
	}

	res, err = http.Get(s.base + "/sim/api/v1/clients/" + clientID)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("the client acknowledged before the kill: %d after the restart", res.StatusCode)
	}

	// What makes acknowledged writes survive a crash is PostgreSQL's own
	// durability, so the served cluster must run with it on.
	_, dbURL, err := clustertest.Postmaster(filepath.Join(dataDir, "pg"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, setting := range []string{"fsync", "synchronous_commit", "full_page_writes"} {
		var v string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", setting).Scan(&v); err != nil || v != "on" {
			t.Errorf("%s = %q (%v); want on", setting, v, err)
		}
	}
	conn.Close(ctx)

	s.stop(t, syscall.SIGTERM)
	if left := clustertest.ProcessesIn(t, filepath.Join(dataDir, "pg")); len(left) > 0 {
		t.Fatalf("PostgreSQL processes left after shutdown: %q", left)
	}
}

// TestKilledServerLeavesNoPostmaster kills the server with SIGKILL, starts
// it again on the same folder and stops it with Ctrl-C (SIGINT): no
// PostgreSQL process may be left running on the folder.
func TestKilledServerLeavesNoPostmaster(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(postgresTempDir(t), "data")
	killLeftovers(t, dataDir)
	first := startServer(t, bin, dataDir)
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-first.done

	second := startServer(t, bin, dataDir)
	second.stop(t, syscall.SIGINT)
	if left := clustertest.ProcessesIn(t, filepath.Join(dataDir, "pg")); len(left) > 0 {
		t.Fatalf("PostgreSQL processes left after Ctrl-C: %q; log:\n%s", left, second.log.String())
	}
}

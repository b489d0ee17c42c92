package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db"
)

// TestDatabaseRestartMidLoad stops PostgreSQL under write load: while it is
// down every answer is a 503 problem, the server recovers by itself when it
// is back, and every write it acknowledged is still there.
func TestDatabaseRestartMidLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// The cluster runs as postgres when the test runs as root; the
	// test's own temp folders must let it through.
	_ = os.Chmod(dir, 0o755)
	_ = os.Chmod(filepath.Dir(dir), 0o711)
	e, err := db.NewEmbedded(filepath.Join(dir, "pg"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e.Fast = true
	url, err := e.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.StopAny() })
	if err := db.Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	s := apptest.StartOn(t, url)

	var (
		mu        sync.Mutex
		acked     []string
		during    = map[int]int{} // status → count while the database was down
		bad       []string
		isDown    atomic.Bool
		stop      atomic.Bool
		wg        sync.WaitGroup
		requestID atomic.Int64
	)
	client := &http.Client{Timeout: 10 * time.Second}
	worker := func() {
		defer wg.Done()
		for !stop.Load() {
			id := fmt.Sprintf("restart-test-%d", requestID.Add(1))
			body, _ := json.Marshal(map[string]any{"clientId": id, "orgNo": "991825827", "name": id, "scopes": []string{"altinn:authentication/systemregister.write"}, "jwks": map[string]any{"keys": []any{}}})
			down := isDown.Load()
			res, err := client.Post(s.URL+"/sim/api/v1/clients", "application/json", bytes.NewReader(body))
			if err != nil {
				mu.Lock()
				bad = append(bad, "transport: "+err.Error())
				mu.Unlock()
				continue
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			mu.Lock()
			switch {
			case res.StatusCode == 201:
				acked = append(acked, id)
			case res.StatusCode == 503 && strings.Contains(res.Header.Get("Content-Type"), "problem+json"):
			default:
				bad = append(bad, fmt.Sprintf("%d %s", res.StatusCode, b))
			}
			if down {
				during[res.StatusCode]++
			}
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go worker()
	}
	time.Sleep(500 * time.Millisecond)
	if err := e.Stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond) // let the guard notice
	isDown.Store(true)
	time.Sleep(1500 * time.Millisecond)
	isDown.Store(false)
	if _, err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Recovery without a restart of altinn-sim.
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := client.Get(s.URL + "/ready")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no recovery within 30s of PostgreSQL coming back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	stop.Store(true)
	wg.Wait()

	if len(bad) > 0 {
		t.Fatalf("%d answers were neither 201 nor a 503 problem, e.g. %q", len(bad), bad[0])
	}
	if during[503] == 0 || len(during) != 1 {
		t.Fatalf("while down, answers by status: %v; want only 503s", during)
	}
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged")
	}
	var n int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM maskinporten_clients WHERE client_id = ANY($1)`, acked).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(acked) {
		t.Fatalf("%d acknowledged writes, %d found after the restart", len(acked), n)
	}
	t.Logf("acknowledged %d writes; while down: %v", len(acked), during)
}

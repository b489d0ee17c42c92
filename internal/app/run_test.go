package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// TestRunFinishesInFlightRequests stops the server (as SIGTERM does) while
// a request is in flight: the request still gets its answer, new
// connections are refused, and Run returns cleanly.
func TestRunFinishesInFlightRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := config.Config{
		Listen: addr, PublicURL: "http://" + addr, DatabaseURL: dbtest.NewURL(t), DataDir: t.TempDir(),
		SigningAlg: "RS256", TokenLifetime: 120 * time.Second, LogFormat: "text",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, cfg, slog.New(slog.DiscardHandler)) }()
	base := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; {
		if res, err := http.Get(base + "/ready"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("not ready within 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Hold the next /token call for a while, then stop the server during it.
	fault, _ := json.Marshal(map[string]any{"target": "token", "delayMs": 1500, "count": 1})
	if res, err := http.Post(base+"/sim/api/v1/faults", "application/json", bytes.NewReader(fault)); err != nil || res.StatusCode != 201 {
		t.Fatalf("arm delay: %v %v", res, err)
	}
	type answer struct {
		status int
		body   string
		err    error
	}
	inflight := make(chan answer, 1)
	go func() {
		res, err := http.Post(base+"/token", "application/x-www-form-urlencoded", bytes.NewBufferString("grant_type=password"))
		if err != nil {
			inflight <- answer{err: err}
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		inflight <- answer{status: res.StatusCode, body: string(b)}
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	a := <-inflight
	if a.err != nil || a.status != 400 {
		t.Fatalf("in-flight request: %d %q %v; want its real answer (400 unsupported_grant_type)", a.status, a.body, a.err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after shutdown")
	}
	if _, err := http.Get(base + "/health"); err == nil {
		t.Fatal("the server still accepts connections after shutdown")
	}
}

package app_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// getOn sends a GET and decodes a JSON object answer.
func getOn(s *apptest.Server, t *testing.T, path string, hdr ...string) (int, map[string]any, http.Header) {
	t.Helper()
	st, h, b := s.Do(t, http.MethodGet, path, "", nil, hdr...)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return st, m, h
}

func TestHealthAndReady(t *testing.T) {
	s := apptest.Start(t)
	if st, _, _ := getOn(s, t, "/health"); st != 200 {
		t.Fatalf("/health %d", st)
	}
	st, body, h := getOn(s, t, "/ready")
	if st != 200 || body["status"] != "ready" {
		t.Fatalf("/ready %d %v", st, body)
	}
	if h.Get("X-Request-Id") == "" && h.Get("Content-Type") == "" {
		t.Fatal("no headers")
	}
}

func TestReadyFailsWhenDatabaseIsGone(t *testing.T) {
	s := apptest.Start(t)
	s.Pool.Close()
	st, body, _ := getOn(s, t, "/ready")
	if st != http.StatusServiceUnavailable || body["code"] != "STD-00007" {
		t.Fatalf("/ready with a closed pool: %d %v", st, body)
	}
}

func TestUnknownPathIsProblem(t *testing.T) {
	s := apptest.Start(t)
	st, body, h := getOn(s, t, "/no/such/path")
	if st != 404 || h.Get("Content-Type") != "application/problem+json" || body["status"] != 404.0 || body["traceId"] == "" {
		t.Fatalf("%d %v %v", st, h, body)
	}
}

func TestAdminTokenGuardsControlAPI(t *testing.T) {
	s := apptest.Start(t, func(c *config.Config) { c.AdminToken = "s3cret" })
	if st, body, _ := getOn(s, t, "/sim/api/v1/parties/organizations"); st != 401 || body["code"] != "STD-00002" {
		t.Fatalf("without token: %d %v", st, body)
	}
	if st, _, _ := getOn(s, t, "/sim/api/v1/parties/organizations", "Authorization", "Bearer wrong"); st != 401 {
		t.Fatalf("wrong token: %d", st)
	}
	if st, _, _ := getOn(s, t, "/sim/api/v1/parties/organizations", "Authorization", "Bearer s3cret"); st != 200 {
		t.Fatalf("right token: %d", st)
	}
	open := apptest.Start(t)
	if st, _, _ := getOn(open, t, "/sim/api/v1/parties/organizations"); st != 200 {
		t.Fatalf("no admin token configured: %d", st)
	}
}

package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
)

// logLine serves one request through requestID and accessLog in front of h
// and returns the access log's line.
func logLine(t *testing.T, h http.HandlerFunc) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := requestID(accessLog(log)(h))
	req := httptest.NewRequest("POST", "/authentication/api/v1/x", nil)
	req.Header.Set("X-Request-Id", "req-42")
	srv.ServeHTTP(httptest.NewRecorder(), req)
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("%v: %q", err, buf.Bytes())
	}
	return line
}

// TestAccessLogSaysWhy4xx: a refused API call is one info line with
// method, path, status, request id and the problem's code, title and
// detail (validation errors listed).
func TestAccessLogSaysWhy4xx(t *testing.T) {
	line := logLine(t, func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, r, problem.NotFound.WithDetail("no system %q", "x_y"))
	})
	want := map[string]any{"level": "INFO", "msg": "request", "method": "POST", "path": "/authentication/api/v1/x",
		"status": float64(404), "request_id": "req-42", "code": "STD-00004", "title": "Not Found", "detail": `no system "x_y"`}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s = %v, want %v (line %v)", k, line[k], v, line)
		}
	}

	line = logLine(t, func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, r, problem.Validation(problem.ValidationDescriptor{Code: "AUTH.VLD-00001", Title: "bad id"}.At("/systemId")))
	})
	if line["detail"] != "AUTH.VLD-00001 bad id at /systemId" || line["code"] != "STD-00000" {
		t.Errorf("validation problem: %v", line)
	}
}

// TestAccessLogSaysWhyOAuth: /token's refusals carry the OAuth error, its
// description and the MP code.
func TestAccessLogSaysWhyOAuth(t *testing.T) {
	line := logLine(t, func(w http.ResponseWriter, r *http.Request) {
		problem.NoteOAuth(r, "invalid_grant", "Invalid assertion. JWT is expired.", "MP-130")
		respond.JSON(w, 400, map[string]string{"error": "invalid_grant"})
	})
	if line["error"] != "invalid_grant" || line["error_description"] != "Invalid assertion. JWT is expired." || line["mp"] != "MP-130" || line["level"] != "INFO" {
		t.Errorf("OAuth refusal: %v", line)
	}
}

// TestAccessLogSaysWhy5xx: a 500's cause is in the server's own log line
// at error level (not in the client's body, not in a global logger).
func TestAccessLogSaysWhy5xx(t *testing.T) {
	line := logLine(t, func(w http.ResponseWriter, r *http.Request) {
		problem.Error(w, r, errors.New("store systems: connection reset"))
	})
	if line["level"] != "ERROR" || line["status"] != float64(500) || line["err"] != "store systems: connection reset" {
		t.Errorf("500 line: %v", line)
	}
}

// TestAccessLogQuietOnSuccess: a 2xx line carries no reason attributes.
func TestAccessLogQuietOnSuccess(t *testing.T) {
	line := logLine(t, func(w http.ResponseWriter, r *http.Request) {
		respond.JSON(w, 200, map[string]string{"ok": "yes"})
	})
	for _, k := range []string{"code", "title", "detail", "error"} {
		if _, ok := line[k]; ok {
			t.Errorf("2xx line has %s: %v", k, line)
		}
	}
	if line["status"] != float64(200) {
		t.Errorf("status: %v", line)
	}
}

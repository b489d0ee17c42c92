package respond

import (
	"crypto/tls"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestJSONBodiesHaveNoTrailingNewline: ASP.NET writes `[]`, `true` and
// objects without a newline after them; so do we.
func TestJSONBodiesHaveNoTrailingNewline(t *testing.T) {
	for _, v := range []any{[]int{}, true, map[string]string{"a": "b"}, 1} {
		rec := httptest.NewRecorder()
		JSON(rec, http.StatusOK, v)
		if b := rec.Body.String(); b == "" || b[len(b)-1] == '\n' {
			t.Errorf("JSON(%v) = %q", v, b)
		}
	}
	rec := httptest.NewRecorder()
	JSON(rec, http.StatusCreated, []int{})
	if rec.Body.String() != "[]" {
		t.Errorf("JSON([]) = %q, want []", rec.Body.String())
	}
	if rec.Code != http.StatusCreated {
		t.Errorf("status = %d, want 201", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
}

// TestJSONUnmarshalableIsProblem: a value json cannot encode is a bug; the
// client gets a 500 ProblemDetails, not half a body.
func TestJSONUnmarshalableIsProblem(t *testing.T) {
	rec := httptest.NewRecorder()
	JSON(rec, http.StatusOK, math.Inf(1))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q", ct)
	}
}

// The platform's next links are absolute and follow the forwarded headers
// a proxy sets, so a client behind one gets links it can follow.
func TestOriginHonoursForwardedHeaders(t *testing.T) {
	for _, c := range []struct {
		name, proto, host, want string
		tls                     bool
	}{
		{name: "plain", want: "http://sim.local:8080"},
		{name: "tls", tls: true, want: "https://sim.local:8080"},
		{name: "forwarded proto", proto: "https", want: "https://sim.local:8080"},
		{name: "forwarded host", host: "api.example.no", want: "http://api.example.no"},
		{name: "both", proto: "https", host: "api.example.no", tls: false, want: "https://api.example.no"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://sim.local:8080/x?y=1", nil)
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if c.proto != "" {
				r.Header.Set("X-Forwarded-Proto", c.proto)
			}
			if c.host != "" {
				r.Header.Set("X-Forwarded-Host", c.host)
			}
			if got := Origin(r); got != c.want {
				t.Errorf("Origin = %q, want %q", got, c.want)
			}
		})
	}
}

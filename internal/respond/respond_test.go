package respond

import (
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

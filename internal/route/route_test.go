package route

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// TestEStatusIsBare: a returned Status (also wrapped) is answered with that
// status and no body; any other error as ProblemDetails.
func TestEStatusIsBare(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		body   bool
	}{
		{Status(http.StatusForbidden), http.StatusForbidden, false},
		{fmt.Errorf("owner check: %w", Status(http.StatusNotFound)), http.StatusNotFound, false},
		{problem.NotFound.WithDetail("x"), http.StatusNotFound, true},
		{errors.New("boom"), http.StatusInternalServerError, true},
	} {
		rec := httptest.NewRecorder()
		E(func(http.ResponseWriter, *http.Request) error { return c.err }).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != c.status || (rec.Body.Len() > 0) != c.body {
			t.Errorf("%v: %d %q, want %d with body %v", c.err, rec.Code, rec.Body, c.status, c.body)
		}
	}
}

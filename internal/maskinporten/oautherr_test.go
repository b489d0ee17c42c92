package maskinporten

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// TestOAuthErrorStatusFromStorage: a failure that is not a grant error gets
// its status from problem.From, so the database being away is a 503
// temporarily_unavailable with Retry-After, anything else a 500.
func TestOAuthErrorStatusFromStorage(t *testing.T) {
	s := &Service{log: slog.New(slog.DiscardHandler)}
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("load client: %w", dberr.ErrUnavailable), http.StatusServiceUnavailable, "temporarily_unavailable"},
		{fmt.Errorf("acquire: %w", syscall.ECONNRESET), http.StatusServiceUnavailable, "temporarily_unavailable"},
		{errors.New("boom"), http.StatusInternalServerError, "server_error"},
	} {
		rec := httptest.NewRecorder()
		s.writeOAuthError(rec, httptest.NewRequest("POST", "/token", nil), c.err)
		var body struct{ Error string }
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != c.status || body.Error != c.code {
			t.Errorf("%v: %d %s, want %d %s", c.err, rec.Code, body.Error, c.status, c.code)
		}
		if ra := rec.Header().Get("Retry-After"); (ra != "") != (c.status == http.StatusServiceUnavailable) {
			t.Errorf("%v: Retry-After %q", c.err, ra)
		}
	}
}

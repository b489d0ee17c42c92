package portal

import (
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/pageset"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// TestStatusOfStorageErrors: the error page takes its status from
// problem.From, like every API route: a store's not-found is a 404 page,
// the database being away a 503, a service's problem keeps its status and
// title, anything else is a 500.
func TestStatusOfStorageErrors(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		msg    string
	}{
		{fmt.Errorf("get: %w", dberr.ErrNotFound), http.StatusNotFound, tr("en", "error.notFound")},
		{fmt.Errorf("get: %w", dberr.ErrUnavailable), http.StatusServiceUnavailable, tr("en", "error.internal")},
		{fmt.Errorf("acquire: %w", syscall.ECONNREFUSED), http.StatusServiceUnavailable, tr("en", "error.internal")},
		{problem.Conflict.WithDetail("taken"), http.StatusConflict, problem.Conflict.Title},
		{errors.New("boom"), http.StatusInternalServerError, tr("en", "error.internal")},
	} {
		st, msg, _ := pageset.StatusOf(messages, "en", c.err)
		if st != c.status || msg != c.msg {
			t.Errorf("%v: %d %q, want %d %q", c.err, st, msg, c.status, c.msg)
		}
	}
	if !isNotFound(fmt.Errorf("x: %w", dberr.ErrNotFound)) || isNotFound(nil) || !isConflict(problem.Conflict) {
		t.Error("isNotFound / isConflict do not read problem.From")
	}
}

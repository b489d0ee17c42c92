package pageset

import (
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/i18n"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

var testMsgs = i18n.Catalog{
	"error.notFound": {"Fant ikke siden", "Fann ikkje sida", "Page not found"},
	"error.internal": {"Noe gikk galt", "Noko gjekk gale", "Something went wrong"},
	"x.named":        {"Hei %s", "Hei %s", "Hello %s"},
}

// TestStatusOf: a page's own error is translated; a store's sentinel or a
// service's problem keeps the status problem.From gives it (a conflict is
// a 409 page, not a 500); a bare not-found is translated, one with a
// detail shows it; the database away is a 503; anything else a 500 that
// shows nothing of its cause.
func TestStatusOf(t *testing.T) {
	for _, c := range []struct {
		err     error
		status  int
		message string
		detail  string
	}{
		{Errorf(http.StatusForbidden, "x.named", "Kari"), 403, "Hei Kari", ""},
		{fmt.Errorf("wrapped: %w", &Error{Status: 400, Key: "x.named", Args: []any{"Ola"}, Err: errors.New("cause")}), 400, "Hei Ola", ""},
		{fmt.Errorf("get: %w", dberr.ErrNotFound), 404, "Fant ikke siden", ""},
		{problem.NotFound, 404, "Fant ikke siden", ""},
		{problem.NotFound.WithDetail("no such system"), 404, problem.NotFound.Title, "no such system"},
		{fmt.Errorf("put: %w", dberr.ErrConflict), 409, problem.Conflict.Title, ""},
		{problem.Conflict.WithDetail("taken"), 409, problem.Conflict.Title, "taken"},
		{fmt.Errorf("get: %w", dberr.ErrUnavailable), 503, "Noe gikk galt", ""},
		{fmt.Errorf("acquire: %w", syscall.ECONNREFUSED), 503, "Noe gikk galt", ""},
		{errors.New("secret cause"), 500, "Noe gikk galt", ""},
	} {
		st, msg, det := StatusOf(testMsgs, "nb", c.err)
		if st != c.status || msg != c.message || det != c.detail {
			t.Errorf("%v: %d %q %q, want %d %q %q", c.err, st, msg, det, c.status, c.message, c.detail)
		}
	}
}

// TestErrorKeepsCause: the cause of a page error reaches the log (Error)
// and errors.Is, without reaching the page.
func TestErrorKeepsCause(t *testing.T) {
	e := &Error{Status: 404, Key: "su.notFound", Err: dberr.ErrNotFound}
	if !errors.Is(e, dberr.ErrNotFound) {
		t.Error("Unwrap does not give the cause")
	}
	if got, want := e.Error(), "404 su.notFound: "+dberr.ErrNotFound.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := Errorf(400, "k").Error(); got != "400 k" {
		t.Errorf("Errorf(400, k).Error() = %q", got)
	}
}

package pageset

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/i18n"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Error is what a page handler returns to get its site's error page with a
// status and a message in the visitor's language; Err, when set, is the
// cause kept for the log.
type Error struct {
	Status int
	Key    string
	Args   []any
	Err    error
}

// Errorf is an Error without a cause.
func Errorf(status int, key string, args ...any) *Error {
	return &Error{Status: status, Key: key, Args: args}
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%d %s", e.Status, e.Key)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// StatusOf is the status and texts of the error page for an error a handler
// returned: a page's own Error translated from msgs; a service's or store's
// 4xx (through problem.From, the one mapping of errors to statuses, as on
// every API route) with its title and detail, a bare not-found translated;
// the database being away a 503; anything else a 500. A 5xx never shows
// its cause: the caller logs it.
func StatusOf(msgs i18n.Catalog, lang string, err error) (status int, message, detail string) {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Status, msgs.T(lang, pe.Key, pe.Args...), ""
	}
	p := problem.From(err)
	switch {
	case p.Status == http.StatusNotFound && p.Detail == "":
		return p.Status, msgs.T(lang, "error.notFound"), ""
	case p.Status >= 400 && p.Status < 500:
		return p.Status, p.Title, p.Detail
	case p.Status == http.StatusServiceUnavailable:
		return p.Status, msgs.T(lang, "error.internal"), ""
	}
	return http.StatusInternalServerError, msgs.T(lang, "error.internal"), ""
}

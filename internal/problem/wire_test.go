package problem

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// TestProblemBodyHasNoTrailingNewline: ASP.NET writes problem bodies
// without a newline after them; so do we.
func TestProblemBodyHasNoTrailingNewline(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, httptest.NewRequest("GET", "/x", nil), NotFound.New())
	if b := rec.Body.String(); b == "" || b[len(b)-1] != '}' {
		t.Errorf("problem body = %q", b)
	}
}

// sqlStateErr stands in for the driver's server error.
type sqlStateErr string

func (e sqlStateErr) Error() string    { return "server error " + string(e) }
func (e sqlStateErr) SQLState() string { return string(e) }

// writeErr stands in for the driver's "write failed: ..." error, which
// wraps the bare errno it got from the socket.
type writeErr struct{ err error }

func (e *writeErr) Error() string     { return "write failed: " + e.err.Error() }
func (e *writeErr) Unwrap() error     { return e.err }
func (e *writeErr) SafeToRetry() bool { return false }

// TestConnectionErrorsAre503: a database connection that fails in any of
// the ways PostgreSQL dying produces is a 503 with Retry-After, even when
// the store did not map it; other errors stay 500.
func TestConnectionErrorsAre503(t *testing.T) {
	unavailable := []error{
		fmt.Errorf("list systems: %w", &writeErr{syscall.EPIPE}),
		fmt.Errorf("read: %w", io.ErrUnexpectedEOF),
		&net.OpError{Op: "read", Net: "unix", Err: os.NewSyscallError("read", syscall.ECONNRESET)},
		fmt.Errorf("dial: %w", syscall.ECONNREFUSED),
		fmt.Errorf("query: %w", sqlStateErr("57P01")),
		fmt.Errorf("query: %w", sqlStateErr("08006")),
		fmt.Errorf("wrapped: %w", dberr.ErrUnavailable),
	}
	for _, err := range unavailable {
		rec := httptest.NewRecorder()
		Error(rec, httptest.NewRequest("GET", "/x", nil), err)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%v: %d, Retry-After %q", err, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	for _, err := range []error{errors.New("boom"), fmt.Errorf("q: %w", sqlStateErr("23503")), os.ErrNotExist} {
		rec := httptest.NewRecorder()
		Error(rec, httptest.NewRequest("GET", "/x", nil), err)
		if rec.Code != http.StatusInternalServerError || rec.Header().Get("Retry-After") != "" {
			t.Errorf("%v: %d", err, rec.Code)
		}
	}
}

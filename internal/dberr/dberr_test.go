package dberr

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
)

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

// retryErr stands in for a driver error raised before anything reached
// the server.
type retryErr struct{}

func (retryErr) Error() string     { return "conn busy" }
func (retryErr) SafeToRetry() bool { return true }

// TestIsUnavailable: every way PostgreSQL dying reaches a store counts as
// the database being away; a statement's own errors do not.
func TestIsUnavailable(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("list systems: %w", &writeErr{syscall.EPIPE}),
		fmt.Errorf("read: %w", io.ErrUnexpectedEOF),
		&net.OpError{Op: "read", Net: "unix", Err: os.NewSyscallError("read", syscall.ECONNRESET)},
		fmt.Errorf("dial: %w", syscall.ECONNREFUSED),
		fmt.Errorf("close: %w", net.ErrClosed),
		fmt.Errorf("query: %w", sqlStateErr("57P01")),
		fmt.Errorf("query: %w", sqlStateErr("08006")),
		fmt.Errorf("query: %w", sqlStateErr("53300")),
		fmt.Errorf("acquire: %w", retryErr{}),
		fmt.Errorf("wrapped: %w", ErrUnavailable),
	} {
		if !IsUnavailable(err) {
			t.Errorf("%v: not counted as unavailable", err)
		}
	}
	for _, err := range []error{nil, errors.New("boom"), fmt.Errorf("q: %w", sqlStateErr("23503")), os.ErrNotExist,
		fmt.Errorf("get: %w", ErrNotFound), fmt.Errorf("put: %w", ErrConflict)} {
		if IsUnavailable(err) {
			t.Errorf("%v counted as unavailable", err)
		}
	}
}

// Package dberr is the storage errors every store returns and every layer
// above may test for: not found, conflict, and the database being away.
// It imports nothing of ours and no HTTP, so stores stay free of the web
// layer while problem.From maps these errors to statuses in one place.
package dberr

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// The storage sentinels. Stores wrap them (db.Map does for driver
// errors); callers test with errors.Is.
var (
	ErrNotFound    = errors.New("not found")
	ErrConflict    = errors.New("conflict")
	ErrUnavailable = errors.New("database unavailable")
)

// IsUnavailable reports whether err means the database connection failed
// or went away (refused, reset, broken pipe, closed, cut off mid-answer, or
// a server that is shutting down), whether or not the store that met it
// mapped it to ErrUnavailable: such errors escape from places no store
// wraps (a pool acquire in a handler, a row scan), and each of them must
// read as "the database is away", never as a bug.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) {
		return true
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return true
	}
	// PostgreSQL's own errors carry an SQLSTATE: class 08 is a connection
	// exception, 57P01-03 a server shutting down or starting, 53300 too
	// many connections.
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		return UnavailableState(st.SQLState())
	}
	// The driver marks errors that happened before anything reached the
	// server as safe to retry; those are connection failures too.
	var rt interface{ SafeToRetry() bool }
	return errors.As(err, &rt) && rt.SafeToRetry()
}

// UnavailableState reports whether an SQLSTATE means the server cannot
// serve us right now (a connection exception, a shutdown or start-up, too
// many connections), as opposed to a problem with the statement.
func UnavailableState(code string) bool {
	return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03" || code == "53300"
}

// Package clock is the injectable time source. Every rule that reads the
// time takes a Clock, so tests and the /sim/api/v1/clock control endpoint
// can move it.
package clock

import (
	"sync/atomic"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the real wall clock.
type System struct{}

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// Offset is the wall clock shifted by an adjustable offset; it is what the
// server runs on so that the control API can move time for everyone.
type Offset struct {
	off atomic.Int64
}

// Now returns the wall time plus the offset.
func (o *Offset) Now() time.Time { return time.Now().Add(time.Duration(o.off.Load())) }

// Set replaces the offset.
func (o *Offset) Set(d time.Duration) { o.off.Store(int64(d)) }

// Get returns the offset.
func (o *Offset) Get() time.Duration { return time.Duration(o.off.Load()) }

// Fixed is a clock for tests that stands still until moved.
type Fixed struct {
	t atomic.Int64
}

// NewFixed returns a clock standing at t.
func NewFixed(t time.Time) *Fixed {
	f := &Fixed{}
	f.t.Store(t.UnixNano())
	return f
}

// Now returns the fixed time.
func (f *Fixed) Now() time.Time { return time.Unix(0, f.t.Load()).UTC() }

// Advance moves the clock forward by d.
func (f *Fixed) Advance(d time.Duration) { f.t.Add(int64(d)) }

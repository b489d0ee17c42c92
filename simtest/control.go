package simtest

import (
	"net/http"
	"testing"
	"time"
)

// clockState is GET/POST /sim/api/v1/clock's answer.
type clockState struct {
	Now time.Time `json:"now"`
}

// Now is the emulator's clock: the wall clock plus whatever AdvanceClock
// or SetClock moved it by.
func (s *Server) Now(t testing.TB) time.Time {
	t.Helper()
	var c clockState
	s.admin(t, "read the clock", http.MethodGet, "/sim/api/v1/clock", nil, http.StatusOK, &c)
	return c.Now
}

// AdvanceClock moves the emulator's clock forward by d (POST
// /sim/api/v1/clock {"advance"}) and returns its new time. Token
// lifetimes, grant times and request time-outs all follow it.
func (s *Server) AdvanceClock(t testing.TB, d time.Duration) time.Time {
	t.Helper()
	var c clockState
	s.admin(t, "advance the clock by "+d.String(), http.MethodPost, "/sim/api/v1/clock", map[string]string{"advance": d.String()}, http.StatusOK, &c)
	return c.Now
}

// SetClock sets the emulator's clock to at (POST /sim/api/v1/clock
// {"now"}); it then runs on from there.
func (s *Server) SetClock(t testing.TB, at time.Time) {
	t.Helper()
	s.admin(t, "set the clock to "+at.Format(time.RFC3339), http.MethodPost, "/sim/api/v1/clock", map[string]any{"now": at}, http.StatusOK, nil)
}

// ResetClock puts the emulator back on the wall clock (DELETE
// /sim/api/v1/clock).
func (s *Server) ResetClock(t testing.TB) {
	t.Helper()
	s.admin(t, "reset the clock", http.MethodDelete, "/sim/api/v1/clock", nil, http.StatusOK, nil)
}

// Fault targets.
const (
	FaultToken = "token" // POST /token
	FaultPDP   = "pdp"   // /authorization/api/v1/...
)

// Fault makes the next Count calls to Target wait Delay and, when Status
// is set, answer it instead of the real answer: an OAuth error body on
// /token (Error and ErrorDescription, defaults chosen by the server), a
// ProblemDetails on the PDP.
type Fault struct {
	Target           string
	Status           int
	Error            string
	ErrorDescription string
	Delay            time.Duration
	Count            int
}

// ArmFault arms a fault (POST /sim/api/v1/faults); it replaces an armed
// fault on the same target.
func (s *Server) ArmFault(t testing.TB, f Fault) {
	t.Helper()
	body := map[string]any{"target": f.Target, "count": f.Count}
	if f.Status != 0 {
		body["status"] = f.Status
	}
	if f.Error != "" {
		body["error"] = f.Error
	}
	if f.ErrorDescription != "" {
		body["errorDescription"] = f.ErrorDescription
	}
	if f.Delay > 0 {
		body["delayMs"] = f.Delay.Milliseconds()
	}
	s.admin(t, "arm a fault on "+f.Target, http.MethodPost, "/sim/api/v1/faults", body, http.StatusCreated, nil)
}

// ClearFaults disarms every fault (DELETE /sim/api/v1/faults).
func (s *Server) ClearFaults(t testing.TB) {
	t.Helper()
	s.admin(t, "clear faults", http.MethodDelete, "/sim/api/v1/faults", nil, http.StatusNoContent, nil)
}

// Reset puts the emulator back to its seed (POST /sim/api/v1/reset): every
// client, system, request and system user made since is gone, the clock is
// back on the wall clock and faults are disarmed. Signing keys are kept.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	s.admin(t, "reset", http.MethodPost, "/sim/api/v1/reset", nil, http.StatusNoContent, nil)
}

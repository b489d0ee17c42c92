package sim

import (
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Control serves /sim/api/v1/clock, /faults and /reset.
type Control struct {
	Pool   *pgxpool.Pool
	Clock  *clock.Offset
	Faults *Faults
	Log    *slog.Logger
}

// Routes are the control endpoints, behind the admin token.
func (c *Control) Routes() []route.Route {
	const tag = "Emulator control"
	return []route.Route{
		{Method: "GET", Path: "/sim/api/v1/clock", Guard: route.Admin, Handler: http.HandlerFunc(c.getClock),
			Tag: tag, Summary: "The emulator's clock", OKSchema: "Clock"},
		{Method: "POST", Path: "/sim/api/v1/clock", Guard: route.Admin, Handler: route.E(c.setClock),
			Tag: tag, Summary: "Move the clock (now, offset, offsetSeconds or advance)", Body: "ClockRequest", OKSchema: "Clock"},
		{Method: "DELETE", Path: "/sim/api/v1/clock", Guard: route.Admin, Handler: http.HandlerFunc(c.resetClock),
			Tag: tag, Summary: "Back to the wall clock", OKSchema: "Clock"},
		{Method: "GET", Path: "/sim/api/v1/faults", Guard: route.Admin, Handler: http.HandlerFunc(c.listFaults),
			Tag: tag, Summary: "Armed faults"},
		{Method: "POST", Path: "/sim/api/v1/faults", Guard: route.Admin, Handler: route.E(c.armFault),
			Tag: tag, Summary: "Make /token or the PDP answer an error or wait, for N calls", Body: "Fault", OK: http.StatusCreated, OKSchema: "Fault"},
		{Method: "DELETE", Path: "/sim/api/v1/faults", Guard: route.Admin, Handler: http.HandlerFunc(c.clearFaults),
			Tag: tag, Summary: "Disarm every fault", OK: http.StatusNoContent},
		{Method: "POST", Path: "/sim/api/v1/reset", Guard: route.Admin, Handler: route.E(c.reset),
			Tag: tag, Summary: "Back to the seed (keeps signing keys)", OK: http.StatusNoContent},
	}
}

// clockState is the clock as the control API shows it.
type clockState struct {
	Now           time.Time `json:"now"`
	Offset        string    `json:"offset"`
	OffsetSeconds float64   `json:"offsetSeconds"`
}

// clockRequest moves the clock: to an absolute time (now), by an offset
// from the wall clock (offset as a Go duration or offsetSeconds), or
// forward from where it stands (advance).
type clockRequest struct {
	Now           *time.Time `json:"now"`
	Offset        *string    `json:"offset"`
	OffsetSeconds *float64   `json:"offsetSeconds"`
	Advance       *string    `json:"advance"`
}

// NewOffset works out the clock offset a request asks for.
func (q clockRequest) NewOffset(current time.Duration, wall time.Time) (time.Duration, error) {
	d, err := q.newOffset(current, wall)
	if err == nil && (d > maxClockOffset || d < -maxClockOffset) {
		err = fmt.Errorf("the clock may move at most %d years from the wall clock", maxClockOffset/(365*24*time.Hour))
	}
	return d, err
}

// maxClockOffset bounds the emulator's clock: a time.Duration holds only
// ±292 years, and past that the arithmetic saturates or wraps silently
// (an offsetSeconds of 1e300 put the clock in 1734).
const maxClockOffset = 100 * 365 * 24 * time.Hour

func (q clockRequest) newOffset(current time.Duration, wall time.Time) (time.Duration, error) {
	n := 0
	for _, set := range []bool{q.Now != nil, q.Offset != nil, q.OffsetSeconds != nil, q.Advance != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return 0, fmt.Errorf("give exactly one of now, offset, offsetSeconds or advance")
	}
	switch {
	case q.Now != nil:
		if q.Now.After(wall.Add(maxClockOffset)) || q.Now.Before(wall.Add(-maxClockOffset)) {
			return 0, fmt.Errorf("now %s is too far from the wall clock", q.Now.Format(time.RFC3339))
		}
		return q.Now.Sub(wall), nil
	case q.OffsetSeconds != nil:
		if s := *q.OffsetSeconds; math.IsNaN(s) || math.Abs(s) > maxClockOffset.Seconds() {
			return 0, fmt.Errorf("offsetSeconds %g is out of range", s)
		}
		return time.Duration(*q.OffsetSeconds * float64(time.Second)), nil
	case q.Offset != nil:
		d, err := time.ParseDuration(*q.Offset)
		if err != nil {
			return 0, fmt.Errorf("offset %q is not a duration like 90s or -2h", *q.Offset)
		}
		return d, nil
	default:
		d, err := time.ParseDuration(*q.Advance)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("advance %q is not a positive duration like 90s", *q.Advance)
		}
		if d > maxClockOffset-current {
			return 0, fmt.Errorf("advance %q moves the clock too far", *q.Advance)
		}
		return current + d, nil
	}
}

func (c *Control) state() clockState {
	off := c.Clock.Get()
	return clockState{Now: c.Clock.Now().UTC(), Offset: off.String(), OffsetSeconds: off.Seconds()}
}

func (c *Control) getClock(w http.ResponseWriter, r *http.Request) {
	respond.JSON(w, 200, c.state())
}

func (c *Control) setClock(w http.ResponseWriter, r *http.Request) error {
	var q clockRequest
	if p := problem.DecodeJSON(w, r, &q); p != nil {
		return p
	}
	off, err := q.NewOffset(c.Clock.Get(), time.Now())
	if err != nil {
		return problem.BadRequest.WithDetail("%v", err)
	}
	c.Clock.Set(off)
	c.Log.Info("clock moved", "offset", off)
	respond.JSON(w, 200, c.state())
	return nil
}

func (c *Control) resetClock(w http.ResponseWriter, r *http.Request) {
	c.Clock.Set(0)
	respond.JSON(w, 200, c.state())
}

func (c *Control) listFaults(w http.ResponseWriter, r *http.Request) {
	respond.JSON(w, 200, c.Faults.List())
}

func (c *Control) armFault(w http.ResponseWriter, r *http.Request) error {
	var f Fault
	if p := problem.DecodeJSON(w, r, &f); p != nil {
		return p
	}
	if err := c.Faults.Arm(f); err != nil {
		return problem.BadRequest.WithDetail("%v", err)
	}
	respond.JSON(w, http.StatusCreated, f)
	return nil
}

func (c *Control) clearFaults(w http.ResponseWriter, r *http.Request) {
	c.Faults.Clear()
	w.WriteHeader(http.StatusNoContent)
}

func (c *Control) reset(w http.ResponseWriter, r *http.Request) error {
	if err := Reset(r.Context(), c.Pool); err != nil {
		return err
	}
	c.Clock.Set(0)
	c.Faults.Clear()
	c.Log.Info("state reset to the seed")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

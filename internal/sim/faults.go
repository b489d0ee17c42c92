package sim

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
)

// Fault targets.
const (
	TargetToken = "token" // POST /token
	TargetPDP   = "pdp"   // /authorization/api/v1/...
)

// Fault makes the next Count calls to a target wait Delay and, when Status
// is set, answer it instead of the real handler.
type Fault struct {
	Target           string `json:"target"`
	Status           int    `json:"status,omitempty"`
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"errorDescription,omitempty"`
	DelayMs          int    `json:"delayMs,omitempty"`
	Count            int    `json:"count"`
}

// Faults holds the armed faults of this instance.
type Faults struct {
	mu    sync.Mutex
	armed map[string]*Fault
	sleep func(time.Duration)
}

// NewFaults returns an empty set.
func NewFaults() *Faults { return &Faults{armed: map[string]*Fault{}, sleep: time.Sleep} }

// Validate checks a fault as the control API receives it.
func (f Fault) Validate() error {
	switch {
	case f.Target != TargetToken && f.Target != TargetPDP:
		return fmt.Errorf("target must be %q or %q, got %q", TargetToken, TargetPDP, f.Target)
	case f.Count < 1 || f.Count > 100000:
		return fmt.Errorf("count must be between 1 and 100000, got %d", f.Count)
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status must be a 4xx or 5xx code, got %d", f.Status)
	case f.DelayMs < 0 || f.DelayMs > 60000:
		return fmt.Errorf("delayMs must be between 0 and 60000, got %d", f.DelayMs)
	case f.Status == 0 && f.DelayMs == 0:
		return fmt.Errorf("a fault needs a status, a delayMs or both")
	}
	return nil
}

// Arm replaces the target's fault.
func (fs *Faults) Arm(f Fault) error {
	if err := f.Validate(); err != nil {
		return err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.armed[f.Target] = &f
	return nil
}

// Clear disarms every fault.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.armed = map[string]*Fault{}
}

// List returns the armed faults with their remaining counts.
func (fs *Faults) List() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := []Fault{}
	for _, f := range fs.armed {
		out = append(out, *f)
	}
	return out
}

// take uses one call of the target's fault, if one is armed.
func (fs *Faults) take(target string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.armed[target]
	if !ok {
		return Fault{}, false
	}
	f.Count--
	if f.Count <= 0 {
		delete(fs.armed, target)
	}
	return *f, true
}

// targetOf says which fault target a request path belongs to.
func targetOf(path string) string {
	switch {
	case path == "/token":
		return TargetToken
	case strings.HasPrefix(path, "/authorization/api/"):
		return TargetPDP
	}
	return ""
}

// Middleware applies armed faults to /token and the PDP. /token answers
// in OAuth's error shape, the PDP in ProblemDetails, as the real ones do.
func (fs *Faults) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := targetOf(r.URL.Path)
		if t == "" {
			next.ServeHTTP(w, r)
			return
		}
		f, ok := fs.take(t)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.DelayMs > 0 {
			fs.sleep(time.Duration(f.DelayMs) * time.Millisecond)
		}
		if f.Status == 0 {
			next.ServeHTTP(w, r)
			return
		}
		desc := f.ErrorDescription
		if desc == "" {
			desc = "fault injected by /sim/api/v1/faults"
		}
		if t == TargetToken {
			code := f.Error
			if code == "" {
				code = "server_error"
				if f.Status == http.StatusServiceUnavailable {
					code = "temporarily_unavailable"
				}
			}
			w.Header().Set("Cache-Control", "no-store")
			respond.JSON(w, f.Status, map[string]string{"error": code, "error_description": desc})
			return
		}
		p := &problem.Problem{Code: "SIM-00001", Status: f.Status, Title: "Injected fault", Detail: desc}
		if f.Error != "" {
			p.Title = f.Error
		}
		problem.Write(w, r, p)
	})
}

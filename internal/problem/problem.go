// Package problem writes RFC 7807 ProblemDetails in the shape the Altinn
// platform uses (Altinn.Authorization.ProblemDetails v5) and decodes JSON
// request bodies with the limits and error reporting ASP.NET clients expect.
package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// Problem is an RFC 7807 body. Code follows Altinn's `DOMAIN-000NN` scheme;
// Type is derived from it (`urn:altinn:error:<code>`) when left empty.
type Problem struct {
	Type              string            `json:"type"`
	Title             string            `json:"title"`
	Status            int               `json:"status"`
	StatusDescription string            `json:"statusDescription,omitempty"`
	Code              string            `json:"code,omitempty"`
	Detail            string            `json:"detail,omitempty"`
	Instance          string            `json:"instance,omitempty"`
	TraceID           string            `json:"traceId,omitempty"`
	ValidationErrors  []ValidationError `json:"validationErrors,omitempty"`
	// Extensions are extra members merged into the top-level object, as the
	// Altinn library does for descriptor extension data.
	Extensions map[string]any `json:"-"`
	// Err is the internal cause; it is logged, never sent.
	Err error `json:"-"`
}

// ValidationError is one item of a STD-00000 validation problem.
type ValidationError struct {
	Code       string         `json:"code"`
	Title      string         `json:"title,omitempty"`
	Detail     string         `json:"detail,omitempty"`
	Paths      []string       `json:"paths,omitempty"`
	Extensions map[string]any `json:"-"`
}

// MarshalJSON merges Extensions into the item like the Altinn library does.
func (v ValidationError) MarshalJSON() ([]byte, error) {
	type plain ValidationError
	return mergeJSON(plain(v), v.Extensions)
}

// MarshalJSON merges Extensions into the top-level object.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	return mergeJSON(plain(p), p.Extensions)
}

func mergeJSON(v any, ext map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(ext) == 0 {
		return b, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, val := range ext {
		if _, taken := m[k]; !taken {
			m[k] = val
		}
	}
	return json.Marshal(m)
}

func (p *Problem) Error() string {
	s := p.Code + " " + p.Title
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	if p.Err != nil {
		s += ": " + p.Err.Error()
	}
	return strings.TrimSpace(s)
}

func (p *Problem) Unwrap() error { return p.Err }

// Descriptor is a reusable problem kind, e.g. AUTH-00010 RequestNotFound.
type Descriptor struct {
	Code   string
	Status int
	Title  string
}

// New makes a problem instance of this descriptor.
func (d Descriptor) New() *Problem {
	return &Problem{Code: d.Code, Status: d.Status, Title: d.Title}
}

// WithDetail makes a problem instance with a detail text.
func (d Descriptor) WithDetail(format string, args ...any) *Problem {
	p := d.New()
	p.Detail = fmt.Sprintf(format, args...)
	return p
}

// Error lets a descriptor be returned directly as an error.
func (d Descriptor) Error() string { return d.Code + " " + d.Title }

// ValidationDescriptor is a reusable validation error kind, e.g. AUTH.VLD-00001.
type ValidationDescriptor struct {
	Code  string
	Title string
}

// At makes a validation error for the given JSON paths.
func (d ValidationDescriptor) At(paths ...string) ValidationError {
	return ValidationError{Code: d.Code, Title: d.Title, Paths: paths}
}

// Standard problems of our own, for cases the platform answers with a bare
// ASP.NET status.
var (
	BadRequest       = Descriptor{"STD-00001", http.StatusBadRequest, "Bad request"}
	Unauthorized     = Descriptor{"STD-00002", http.StatusUnauthorized, "Unauthorized"}
	Forbidden        = Descriptor{"STD-00003", http.StatusForbidden, "Forbidden"}
	NotFound         = Descriptor{"STD-00004", http.StatusNotFound, "Not Found"}
	Conflict         = Descriptor{"STD-00005", http.StatusConflict, "Conflict"}
	TooLarge         = Descriptor{"STD-00006", http.StatusRequestEntityTooLarge, "Request body too large"}
	Unavailable      = Descriptor{"STD-00007", http.StatusServiceUnavailable, "Service unavailable"}
	Internal         = Descriptor{"STD-00008", http.StatusInternalServerError, "An error occurred while processing the request."}
	MethodNotAllowed = Descriptor{"STD-00009", http.StatusMethodNotAllowed, "Method not allowed"}
)

// Validation builds the STD-00000 problem that carries validation errors.
func Validation(errs ...ValidationError) *Problem {
	return &Problem{
		Code:             "STD-00000",
		Status:           http.StatusBadRequest,
		Title:            "One or more validation errors occurred.",
		ValidationErrors: errs,
	}
}

// Write sends p, filling type, status text and trace id.
func Write(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	if p.Type == "" {
		if p.Code != "" {
			p.Type = "urn:altinn:error:" + p.Code
		} else {
			p.Type = "about:blank"
		}
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	p.StatusDescription = http.StatusText(p.Status)
	if p.TraceID == "" && r != nil {
		p.TraceID = middleware.GetReqID(r.Context())
	}
	noteProblem(r, p)
	if p.Status == http.StatusServiceUnavailable && p.Code == Unavailable.Code && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	b, err := json.Marshal(p)
	if err != nil {
		// Extensions a caller filled with something json cannot encode.
		b, _ = json.Marshal(&Problem{Type: "urn:altinn:error:" + Internal.Code, Code: Internal.Code, Status: Internal.Status,
			Title: Internal.Title, StatusDescription: http.StatusText(Internal.Status), TraceID: p.TraceID})
		p.Status = Internal.Status
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	// No trailing newline, as ASP.NET writes problem bodies.
	_, _ = w.Write(b)
}

// Error writes err as a problem: a *Problem or Descriptor as is, a known
// sentinel mapped by From, anything else as a 500 whose cause is logged.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	Write(w, r, From(err))
}

// From turns any error into a problem. It is the one place storage errors
// get a status: the OAuth and portal error writers ask it too.
func From(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var d Descriptor
	if errors.As(err, &d) {
		q := d.New()
		q.Err = err
		return q
	}
	switch {
	case errors.Is(err, dberr.ErrNotFound):
		return &Problem{Code: NotFound.Code, Status: NotFound.Status, Title: NotFound.Title, Err: err}
	case errors.Is(err, dberr.ErrConflict):
		return &Problem{Code: Conflict.Code, Status: Conflict.Status, Title: Conflict.Title, Err: err}
	case dberr.IsUnavailable(err):
		return &Problem{Code: Unavailable.Code, Status: Unavailable.Status, Title: Unavailable.Title, Detail: "the database is not reachable; retry shortly", Err: err}
	}
	return &Problem{Code: Internal.Code, Status: Internal.Status, Title: Internal.Title, Err: err}
}

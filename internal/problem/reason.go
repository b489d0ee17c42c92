package problem

import (
	"context"
	"net/http"
	"strings"
)

// Reason is what an error answer told the client, kept so the access log
// can say in its one line per request why a call was refused: a problem's
// code, title and detail (and the cause behind it), or an OAuth error
// with its description and MP code. The access log makes the place (WithReason); the writers of error
// bodies fill it (Write here, the OAuth writer of /token).
type Reason struct {
	Code, Title, Detail    string
	Error, Description, MP string
	// Err is the cause behind a problem (a 500's bug, a 503's database
	// error): for the log only, never for the client.
	Err error
}

type reasonKey struct{}

// WithReason returns ctx with an empty Reason the error writers of this
// request fill.
func WithReason(ctx context.Context) (context.Context, *Reason) {
	rs := &Reason{}
	return context.WithValue(ctx, reasonKey{}, rs), rs
}

// reasonOf is the request's Reason, or nil when no access log asked for
// one (a handler called directly in a test).
func reasonOf(r *http.Request) *Reason {
	if r == nil {
		return nil
	}
	rs, _ := r.Context().Value(reasonKey{}).(*Reason)
	return rs
}

// NoteOAuth records an OAuth error answer (error, error_description and
// the Maskinporten code behind its error_uri) for the access log.
func NoteOAuth(r *http.Request, code, description, mp string) {
	if rs := reasonOf(r); rs != nil {
		rs.Error, rs.Description, rs.MP = code, description, mp
	}
}

// noteProblem records p for the access log; a validation problem's
// detail lists its errors' codes and paths.
func noteProblem(r *http.Request, p *Problem) {
	rs := reasonOf(r)
	if rs == nil {
		return
	}
	rs.Code, rs.Title, rs.Detail, rs.Err = p.Code, p.Title, p.Detail, p.Err
	if len(p.ValidationErrors) > 0 {
		var b strings.Builder
		b.WriteString(p.Detail)
		for _, v := range p.ValidationErrors {
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			b.WriteString(v.Code)
			if v.Title != "" {
				b.WriteString(" " + v.Title)
			}
			if len(v.Paths) > 0 {
				b.WriteString(" at " + strings.Join(v.Paths, ", "))
			}
		}
		rs.Detail = b.String()
	}
}

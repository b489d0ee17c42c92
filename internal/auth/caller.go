// Package auth authenticates callers of the platform APIs: it verifies the
// bearer tokens we issued (Maskinporten tokens and Altinn tokens), checks
// scopes, and puts the Caller in the request context.
package auth

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Kind says which issuer's token the caller presented.
type Kind string

// Token kinds.
const (
	KindMaskinporten Kind = "maskinporten"
	KindAltinn       Kind = "altinn"
)

// Caller is who is calling, as the verified token says.
type Caller struct {
	Kind     Kind
	ClientID string
	// ConsumerOrgNo is the organisation number from the `consumer` claim
	// (Maskinporten) or `urn:altinn:orgNumber` (Altinn), without "0192:".
	ConsumerOrgNo string
	Scopes        []string
	// System-user tokens.
	SystemUserID    string
	SystemUserOrgNo string
	SystemID        string
	// Person tokens.
	PID     string
	UserID  int64
	PartyID int64
	// Claims holds every claim of the token, for handlers that need more.
	Claims map[string]any
}

// HasScope reports whether the caller holds any of the given scopes.
func (c Caller) HasScope(any ...string) bool {
	for _, s := range any {
		if slices.Contains(c.Scopes, s) {
			return true
		}
	}
	return false
}

type ctxKey struct{}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// CallerFrom returns the caller the middleware put in ctx.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(ctxKey{}).(Caller)
	return c, ok
}

// Verifier checks a raw bearer token and says who presented it.
type Verifier interface {
	Verify(ctx context.Context, rawToken string) (Caller, error)
}

// ErrInvalidToken is what verifiers wrap for any bad token; the wrapped
// text says why and is sent to the client.
var ErrInvalidToken = errors.New("invalid token")

// Authenticate requires a valid bearer token on every request it guards.
func Authenticate(v Verifier) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			raw, ok := Bearer(r)
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer`)
				problem.Write(w, r, problem.Unauthorized.WithDetail("an Authorization: Bearer <token> header is required"))
				return
			}
			c, err := v.Verify(r.Context(), raw)
			if err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				p := problem.Unauthorized.WithDetail("%v", err)
				p.Err = err
				problem.Write(w, r, p)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), c)))
		})
	}
}

// RequireScope lets a request through when its caller holds any of the
// scopes (the platform's RequireScopeAnyOf), else answers 403.
func RequireScope(any ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, ok := CallerFrom(r.Context())
			if !ok {
				problem.Write(w, r, problem.Unauthorized.WithDetail("no authenticated caller"))
				return
			}
			if !c.HasScope(any...) {
				problem.Write(w, r, problem.Forbidden.WithDetail("the token lacks a required scope: one of %s", strings.Join(any, ", ")))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Bearer returns the token of an `Authorization: Bearer <token>` header
// (scheme case-insensitive, token trimmed); ok is false without one.
func Bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

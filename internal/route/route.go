// Package route declares HTTP operations as data. Each package keeps one
// table of its operations — method, full path, guard, handler, summary and
// schemas — and the same lines both mount the handlers on the router and
// describe them in the OpenAPI document, so the two cannot drift and a
// grep for a documented path lands on the line that serves it.
package route

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Guard says who may call an operation.
type Guard int

const (
	// Public operations need no credentials.
	Public Guard = iota
	// Bearer operations need a token we issued; when Scopes is set, the
	// token must hold one of them (the platform's RequireScopeAnyOf).
	Bearer
	// Admin operations need the control API's admin token when one is set.
	Admin
	// Session operations are portal pages; the handler itself asks for the
	// test-login session where a page needs one.
	Session
	// AdminPage operations are the emulator's own browser pages: they need
	// the admin token as Admin operations do, but a browser, which cannot
	// send a header from a link, may also give it once as ?token=.
	AdminPage
	// OwnBearer operations take a bearer token the handler checks itself
	// (the token exchange answers a refused token with an empty 401, not
	// the middleware's ProblemDetails); they are documented as Bearer.
	OwnBearer
)

// Route is one operation.
type Route struct {
	Method string
	// Path is the full path as served, with chi's {param} syntax.
	Path   string
	Guard  Guard
	Scopes []string
	// Verifier, when set, checks this Bearer operation's tokens in place
	// of Deps.Verifier (the PDP remembers verified tokens for a while).
	Verifier auth.Verifier
	// PlatformAccess lets a valid platform access token in the
	// PlatformAccessToken header through this Bearer operation in place of
	// a bearer token with one of Scopes (the platform's
	// InternalScopeOrAccessTokenRequirement). A bearer token sent beside
	// it is still read: a valid one puts its caller in the context, an
	// invalid one is ignored (ASP.NET leaves the user anonymous, and the
	// access-token handler alone satisfies the policy).
	PlatformAccess bool
	// RequirePlatformAccess makes this Bearer operation want a valid
	// platform access token as well as the bearer token (the platform's
	// PlatformAccess policy beside a user policy): with the bearer token
	// accepted and no valid access token, 403.
	RequirePlatformAccess bool
	// MinAuthLevel, when set, is the lowest urn:altinn:authlevel claim
	// this Bearer operation takes (the platform's AuthorizationLevel2
	// policy is 2); a token below it, or without the claim, gets 403.
	MinAuthLevel int
	// Handler serves the operation. Error-returning handlers are adapted
	// with E (ProblemDetails) or the surface's own adapter (OAuth errors,
	// HTML error pages).
	Handler http.Handler

	// Documentation, for the OpenAPI document.
	Tag     string
	Summary string
	// Query lists the query parameters the handler reads.
	Query []Param
	// Body names the request body's schema ("" none, "form" a form post).
	Body string
	// OK is the success status; OKSchema names its body's schema ("" none).
	OK       int
	OKSchema string
}

// Param is a query parameter an operation reads.
type Param struct {
	Name        string
	Required    bool
	Description string
}

// Q is an optional query parameter.
func Q(name, description string) Param { return Param{Name: name, Description: description} }

// QRequired is a query parameter the operation cannot do without.
func QRequired(name, description string) Param {
	return Param{Name: name, Required: true, Description: description}
}

// Deps are what guards need when mounting.
type Deps struct {
	// Verifier checks bearer tokens for Bearer routes.
	Verifier auth.Verifier
	// Admin guards Admin routes; nil leaves them open.
	Admin func(http.Handler) http.Handler
	// AdminPage guards AdminPage routes; nil leaves them open.
	AdminPage func(http.Handler) http.Handler
	// AccessTokens checks a platform access token for PlatformAccess
	// routes; nil takes none.
	AccessTokens func(ctx context.Context, raw string) error
}

// Mount puts every route on r behind its guard.
func Mount(r chi.Router, d Deps, tables ...[]Route) {
	for _, t := range tables {
		for _, rt := range t {
			mw := append([]func(http.Handler) http.Handler{pathValues}, d.guard(rt)...)
			r.With(mw...).Method(rt.Method, rt.Path, rt.Handler)
		}
	}
}

func (d Deps) guard(rt Route) []func(http.Handler) http.Handler {
	switch rt.Guard {
	case Bearer:
		v := d.Verifier
		if rt.Verifier != nil {
			v = rt.Verifier
		}
		mw := []func(http.Handler) http.Handler{auth.Authenticate(v)}
		if len(rt.Scopes) > 0 {
			mw = append(mw, auth.RequireScope(rt.Scopes...))
		}
		if rt.RequirePlatformAccess {
			mw = append(mw, requirePlatformAccess(d.AccessTokens))
		}
		if rt.MinAuthLevel > 0 {
			mw = append(mw, requireAuthLevel(rt.MinAuthLevel))
		}
		if rt.PlatformAccess && d.AccessTokens != nil {
			return []func(http.Handler) http.Handler{platformAccessOr(d.AccessTokens, v, mw)}
		}
		return mw
	case Admin:
		if d.Admin != nil {
			return []func(http.Handler) http.Handler{d.Admin}
		}
	case AdminPage:
		if d.AdminPage != nil {
			return []func(http.Handler) http.Handler{d.AdminPage}
		}
	}
	return nil
}

// PlatformAccessHeader is the header a platform access token comes in.
const PlatformAccessHeader = "PlatformAccessToken"

// platformAccessOr lets a request with a valid platform access token
// through, and sends any other through the bearer guards mw: an invalid
// access token is as none, so the bearer token decides (401 without one,
// 403 without the scope), as the platform's policy with its two handlers
// (AccessTokenHandler, ScopeAccessHandler; either may succeed it) does.
// With a valid access token the bearer token is only read: ASP.NET's
// authentication has run before the policy, so a valid token's user is
// there for the controller and an invalid one leaves it anonymous (no
// 401).
func platformAccessOr(check func(context.Context, string) error, v auth.Verifier, mw []func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		guarded := next
		for i := len(mw) - 1; i >= 0; i-- {
			guarded = mw[i](guarded)
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if validAccessToken(r, check) {
				if raw, ok := auth.Bearer(r); ok && v != nil {
					if c, err := v.Verify(r.Context(), raw); err == nil {
						r = r.WithContext(auth.WithCaller(r.Context(), c))
					}
				}
				next.ServeHTTP(w, r)
				return
			}
			guarded.ServeHTTP(w, r)
		})
	}
}

// validAccessToken reports whether r carries exactly one platform access
// token and check accepts it (AccessTokenHandler takes none when the
// header is repeated).
func validAccessToken(r *http.Request, check func(context.Context, string) error) bool {
	vals := r.Header.Values(PlatformAccessHeader)
	return check != nil && len(vals) == 1 && vals[0] != "" && check(r.Context(), vals[0]) == nil
}

// requirePlatformAccess follows the bearer guards of an operation that
// wants both credentials: the caller is known, so a missing or invalid
// access token is ASP.NET's Forbid (403).
func requirePlatformAccess(check func(context.Context, string) error) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !validAccessToken(r, check) {
				problem.Write(w, r, problem.Forbidden.WithDetail("a valid platform access token (header %s) is required", PlatformAccessHeader))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// requireAuthLevel is RequireClaim(urn:altinn:authlevel, n…4): 403 for a
// token below n or without the claim.
func requireAuthLevel(n int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, _ := auth.CallerFrom(r.Context())
			if lvl, ok := authLevel(c.Claims["urn:altinn:authlevel"]); !ok || lvl < n || lvl > 4 {
				problem.Write(w, r, problem.Forbidden.WithDetail("the token's urn:altinn:authlevel must be %d or higher", n))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// authLevel reads the claim as a number or a numeric string (Altinn
// tokens carry it as either).
func authLevel(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		return int(x), x == float64(int(x))
	case json.Number:
		n, err := strconv.Atoi(x.String())
		return n, err == nil
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	case int:
		return x, true
	case int64:
		return int(x), true
	}
	return 0, false
}

// HandlerFunc is a handler that returns its error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Status is an error that E answers with the bare status and no body:
// some platform endpoints refuse that way (a bare 401, 403 or 404), and
// clients match on it.
type Status int

func (s Status) Error() string { return http.StatusText(int(s)) }

// E adapts h for the platform APIs: a returned error is written as a
// ProblemDetails body (problem.Error maps sentinels to statuses), a
// returned Status as that status without a body.
func E(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var st Status
		if errors.As(err, &st) {
			w.WriteHeader(int(st))
			return
		}
		problem.Error(w, r, err)
	})
}

package app

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// accessLog writes one structured line per request. An answer of 400 or
// more also says why: the problem's code, title and detail, or /token's
// OAuth error and description (problem.Reason, filled by the writers of
// error bodies), so a refused call can be understood from the log alone.
// 4xx lines are at info: the client's mistake, not ours. A 5xx line is at
// error and carries the cause (the problem writer keeps no log of its own,
// so every error is in the server's one configured log).
func accessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			ctx, reason := problem.WithReason(r.Context())
			r = r.WithContext(ctx)
			next.ServeHTTP(ww, r)
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			lvl := slog.LevelInfo
			if r.URL.Path == "/health" || r.URL.Path == "/ready" {
				lvl = slog.LevelDebug
			}
			if status >= 500 {
				lvl = slog.LevelError
			}
			if !log.Enabled(r.Context(), lvl) {
				return
			}
			attrs := make([]slog.Attr, 0, 10)
			attrs = append(attrs,
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Duration("duration", time.Since(start)),
				slog.String("request_id", middleware.GetReqID(r.Context())),
			)
			if status >= 400 {
				attrs = appendReason(attrs, reason)
			}
			log.LogAttrs(r.Context(), lvl, "request", attrs...)
		})
	}
}

// appendReason adds the non-empty parts of why the request was refused.
func appendReason(attrs []slog.Attr, rs *problem.Reason) []slog.Attr {
	for _, kv := range [...][2]string{
		{"code", rs.Code}, {"title", rs.Title}, {"detail", rs.Detail},
		{"error", rs.Error}, {"error_description", rs.Description}, {"mp", rs.MP},
	} {
		if kv[1] != "" {
			attrs = append(attrs, slog.String(kv[0], kv[1]))
		}
	}
	if rs.Err != nil {
		attrs = append(attrs, slog.String("err", rs.Err.Error()))
	}
	return attrs
}

// recoverer turns a panic into a logged 500 problem instead of a dropped
// connection.
func recoverer(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.Error("panic", "err", v, "path", r.URL.Path, "stack", string(debug.Stack()))
					problem.Write(w, r, &problem.Problem{Code: problem.Internal.Code, Status: 500, Title: problem.Internal.Title, Err: fmt.Errorf("panic: %v", v)})
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// requireAdmin guards the control API with the configured admin token.
func requireAdmin(token string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if token == "" {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="altinn-sim control API"`)
				problem.Write(w, r, problem.Unauthorized.WithDetail("the control API needs Authorization: Bearer <ALTINN_SIM_ADMIN_TOKEN>"))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// platformAPIPrefixes are the platform's ASP.NET APIs. ASP.NET routing
// ignores a trailing slash, and the platform docs write some URLs with one
// (".../systemuser/request/vendor/", ".../enduser/systemuser/clients/?agent=").
var platformAPIPrefixes = []string{"/authentication/api/", "/authorization/api/", "/resourceregistry/api/", "/accessmanagement/api/", "/register/api/"}

// trimPlatformSlash routes ".../x/" as ".../x" on the platform APIs, as the
// real service does; the portal, /sim and Maskinporten keep exact paths.
func trimPlatformSlash(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if len(p) > 1 && strings.HasSuffix(p, "/") {
			for _, pre := range platformAPIPrefixes {
				if strings.HasPrefix(p, pre) {
					trimmed := strings.TrimRight(p, "/")
					r.URL.Path = trimmed
					r.URL.RawPath = strings.TrimRight(r.URL.RawPath, "/")
					if rctx := chi.RouteContext(r.Context()); rctx != nil {
						rctx.RoutePath = trimmed
						if r.URL.RawPath != "" {
							rctx.RoutePath = r.URL.RawPath
						}
					}
					break
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// cleanURL answers 400 for a request whose path or query carries a NUL
// character (Kestrel refuses such a path, and PostgreSQL cannot store or
// compare text with NUL in it, so it would end in a 500), and replaces
// invalid UTF-8 in query values with U+FFFD, as ASP.NET's query parsing
// does (PostgreSQL refuses invalid UTF-8 too).
func cleanURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.ContainsRune(r.URL.Path, 0) {
			problem.Write(w, r, problem.BadRequest.WithDetail("the request URL contains a NUL character"))
			return
		}
		if q := r.URL.RawQuery; strings.Contains(q, "%") {
			vals, bad := r.URL.Query(), false
			for k, vs := range vals {
				for i, v := range vs {
					if strings.ContainsRune(k, 0) || strings.ContainsRune(v, 0) {
						problem.Write(w, r, problem.BadRequest.WithDetail("the request URL contains a NUL character"))
						return
					}
					if !utf8.ValidString(v) {
						vs[i], bad = strings.ToValidUTF8(v, "\uFFFD"), true
					}
				}
				if !utf8.ValidString(k) {
					delete(vals, k)
					vals[strings.ToValidUTF8(k, "\uFFFD")], bad = vs, true
				}
			}
			if bad {
				r.URL.RawQuery = vals.Encode()
			}
		}
		next.ServeHTTP(w, r)
	})
}

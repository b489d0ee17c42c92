package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/altinn-sim/altinn-sim/internal/route"
)

// requestID gives every response an X-Request-Id: the caller's own when it
// sent a sane one (so a client can follow its request through our log), or
// a fresh random one. It is also the traceId of problem bodies and the
// request_id of the access log.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !saneRequestID(id) {
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), middleware.RequestIDKey, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// saneRequestID accepts the ids clients and gateways send (uuids, hex trace
// ids, W3C traceparent-like values) and nothing that could break a header,
// a log line or a JSON body.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '='
		if !ok {
			return false
		}
	}
	return true
}

// normalizePath makes the path what the platform's handlers would see, for
// every route at once:
//
//   - Runs of slashes count as one. Altinn's own e2e client joins
//     "{base}/" and "/authentication/..."; the platform's gateway merges
//     the slashes before ASP.NET routes the request (Kestrel alone would
//     answer 404), so such clients work against it and must work here.
//   - A percent-encoded byte sequence that is not UTF-8 (%FF, the overlong
//     %C0%AF, the surrogate %ED%A0%BD) stays as its literal "%XX" text, as
//     Kestrel's path decoder leaves it. The route value is then the text
//     "%FF" (an unknown id, a bad uuid), never invalid UTF-8, which
//     PostgreSQL refuses with an error that used to end in a 500.
func normalizePath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !utf8.ValidString(r.URL.Path) {
			p := route.DecodePath(r.URL.EscapedPath())
			// No RawPath: the router then matches on Path, so a route
			// value is the text "%FF" (not "%25FF").
			r.URL.Path, r.URL.RawPath = p, ""
		}
		if strings.Contains(r.URL.Path, "//") {
			r.URL.Path = collapseSlashes(r.URL.Path)
			if r.URL.RawPath != "" {
				r.URL.RawPath = collapseSlashes(r.URL.RawPath)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func collapseSlashes(p string) string {
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// platformQueryNames are the query parameters the platform APIs read,
// spelled as their handlers ask for them. ASP.NET binds query names
// case-insensitively (`?useoldformatforapp=true` works there), so
// queryNames rewrites any casing of these names to this spelling before a
// handler looks. No two entries may differ only in case.
var platformQueryNames = []string{
	// system register
	"useOldFormatForApp",
	// resource registry and access-package metadata
	"includeApps", "includeMigratedApps", "id", "title", "description", "resourceType", "keyword", "reference",
	"role", "variant", "term", "typeName",
	"since", "limit", "reloadFromXacml", "includeServiceOwnerRights", "includeAppRights",
	// register
	"partyComponentOption", "fetchSubUnits", "ids", "uuids", "orgs", "fields",
	// token exchange
	"test",
	// system users, requests, change requests, client delegation
	"token", "agent", "client", "provider", "party", "correlation-id", "system-user-id",
	"clientId", "systemProviderOrgNo", "systemUserOwnerOrgNo", "externalRef",
	"system-id", "orgno", "external-ref",
	"facilitator", "packages", "partyUuid", "enrichPid", "roles", "from", "to", "cascade",
	// PDP
	"explain",
	// access lists
	"include", "resource",
	// Maskinporten's lookup of delegations (Access Management)
	"supplierOrg", "consumerOrg", "scope",
	// Access Management's end-user API for delegated API access
	"supplier", "consumer",
}

// queryNames makes query parameter names case-insensitive on the platform
// APIs (see platformQueryNames). The query keeps its order and values;
// only a name that matches a known one in another casing is respelled.
func queryNames(names []string) func(http.Handler) http.Handler {
	canon := make(map[string]string, len(names))
	for _, n := range names {
		canon[strings.ToLower(n)] = n
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.RawQuery != "" && isPlatformAPI(r.URL.Path) {
				r.URL.RawQuery = respellQuery(r.URL.RawQuery, canon)
			}
			next.ServeHTTP(w, r)
		})
	}
}

func isPlatformAPI(path string) bool {
	for _, pre := range platformAPIPrefixes {
		if strings.HasPrefix(path, pre) {
			return true
		}
	}
	return false
}

func respellQuery(raw string, canon map[string]string) string {
	parts := strings.Split(raw, "&")
	changed := false
	for i, part := range parts {
		name, rest, hasValue := strings.Cut(part, "=")
		dec, err := url.QueryUnescape(name)
		if err != nil {
			continue
		}
		want, ok := canon[strings.ToLower(dec)]
		if !ok || want == dec {
			continue
		}
		parts[i] = url.QueryEscape(want)
		if hasValue {
			parts[i] += "=" + rest
		}
		changed = true
	}
	if !changed {
		return raw
	}
	return strings.Join(parts, "&")
}

// Package openapi describes every endpoint altinn-sim serves as an OpenAPI
// 3.1 document (GET /sim/openapi.json), built from the packages' route
// tables; a test walks the router and fails when the two differ.
package openapi

import "github.com/altinn-sim/altinn-sim/internal/route"

// Op is one operation of the document, as fromRoute reads it off a route.
type Op struct {
	Method, Path string
	Tag          string
	Summary      string
	// Auth names the security requirement: "" (none), "bearer" (a
	// Maskinporten or Altinn token; Scopes lists those accepted), "admin"
	// (ALTINN_SIM_ADMIN_TOKEN when set), "session" (portal cookie).
	Auth   string
	Scopes []string
	// PlatformAccess: a platform access token (PlatformAccessToken header)
	// may stand in for the bearer token; PlatformAccessAnd: the operation
	// wants both.
	PlatformAccess, PlatformAccessAnd bool
	// Query lists the query parameters the operation reads.
	Query []route.Param
	// Body names the request body's schema in components ("" for none,
	// "form" for a form post).
	Body string
	// OK is the success status and its schema ("" for none).
	OK       int
	OKSchema string
}

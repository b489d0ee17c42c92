// Package openapi describes every endpoint altinn-sim serves as an OpenAPI
// 3.1 document (GET /sim/openapi.json). The operations are listed by hand
// here; a test walks the router and fails when a route is missing from
// this list or the list names a route that does not exist.
package openapi

import "github.com/altinn-sim/altinn-sim/internal/route"

// Op is one operation: method and path as the router has them.
type Op struct {
	Method, Path string
	Tag          string
	Summary      string
	// Auth names the security requirement: "" (none), "bearer" (a
	// Maskinporten or Altinn token; Scopes lists those accepted), "admin"
	// (ALTINN_SIM_ADMIN_TOKEN when set), "session" (portal cookie).
	Auth   string
	Scopes []string
	// Query lists the query parameters the operation reads.
	Query []route.Param
	// Body names the request body's schema in components ("" for none,
	// "form" for a form post).
	Body string
	// OK is the success status and its schema ("" for none).
	OK       int
	OKSchema string
}

const (
	tagOps       = "Operations"
	tagMP        = "Maskinporten"
	tagAltinnTok = "Altinn token exchange"
	tagRequests  = "System-user requests"
	tagChange    = "Change requests"
	tagSU        = "System users"
	tagClients   = "Client delegation"
	tagPackages  = "Access packages"
	tagPortal    = "Portal (HTML)"
	tagControl   = "Emulator control"
	// The idporten package's tags (idporten.TagAPI, idporten.TagPages).
	tagIDPorten     = "ID-porten"
	tagIDPortenHTML = "ID-porten (HTML)"
)

const (
	sRegWrite = "altinn:authentication/systemregister.write"
	sRegAdmin = "altinn:authentication/systemregister.admin"
	sReqWrite = "altinn:authentication/systemuser.request.write"
	sReqRead  = "altinn:authentication/systemuser.request.read"
	sPortal   = "altinn:portal/enduser"
	sMPLookup = "altinn:maskinporten/systemuser.read"
	sCDRead   = "altinn:clientdelegations.read"
	sCDWrite  = "altinn:clientdelegations.write"
)

const (
	su  = "/authentication/api/v1/systemuser"
	rq  = su + "/request"
	cr  = su + "/changerequest"
	ap  = "/accessmanagement/api/v1/meta/info/accesspackages"
	sim = "/sim/api/v1"
)

// Operations is every endpoint.
var Operations = []Op{

	{Method: "PUT", Path: su, Tag: tagSU, Summary: "Update a system user (accepted, no effect, as on the platform)", Auth: "bearer", Scopes: []string{sPortal}, OK: 200},
}

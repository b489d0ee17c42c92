// Package openapi describes every endpoint altinn-sim serves as an OpenAPI
// 3.1 document (GET /sim/openapi.json). The operations are listed by hand
// here; a test walks the router and fails when a route is missing from
// this list or the list names a route that does not exist.
package openapi

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

	{"POST", "/token", tagMP, "JWT-bearer grant (RFC 7523) for a Maskinporten access token; system-user tokens with authorization_details", "", nil, "form", 200, "TokenResponse"},
	{"GET", "/.well-known/oauth-authorization-server", tagMP, "Authorization-server metadata (RFC 8414)", "", nil, "", 200, ""},
	{"GET", "/jwk", tagMP, "Public keys that sign Maskinporten tokens (JWKS)", "", nil, "", 200, "JWKS"},
	{"GET", "/jwk.json", tagMP, "Same as /jwk", "", nil, "", 200, "JWKS"},
	{"GET", "/errors/{code}", tagMP, "What a Maskinporten error code (MP-xxx) means: the page each error_uri points to", "", nil, "", 200, ""},

	{"GET", "/authentication/api/v1/exchange/{tokenProvider}", tagAltinnTok, "Exchange a Maskinporten token (bearer) for an Altinn token", "bearer", nil, "", 200, ""},
	{"GET", "/authentication/api/v1/openid/.well-known/openid-configuration", tagAltinnTok, "Altinn's OpenID metadata", "", nil, "", 200, ""},
	{"GET", "/authentication/api/v1/openid/.well-known/openid-configuration/jwks", tagAltinnTok, "Public keys that sign Altinn tokens (JWKS)", "", nil, "", 200, "JWKS"},

	{"POST", rq + "/vendor", tagRequests, "Ask a customer for a standard system user; answers the request with its confirmUrl", "bearer", []string{sReqWrite}, "CreateRequest", 201, "Request"},
	{"POST", rq + "/vendor/agent", tagRequests, "Ask a customer for an agent (client) system user", "bearer", []string{sReqWrite}, "CreateRequest", 201, "Request"},
	{"GET", rq + "/vendor/{requestId}", tagRequests, "A standard request", "bearer", []string{sReqRead}, "", 200, "Request"},
	{"DELETE", rq + "/vendor/{requestId}", tagRequests, "Delete a request", "bearer", []string{sReqWrite}, "", 202, ""},
	{"GET", rq + "/vendor/agent/{requestId}", tagRequests, "An agent request", "bearer", []string{sReqRead}, "", 200, "Request"},
	{"GET", rq + "/vendor/byexternalref/{systemId}/{orgNo}/{externalRef}", tagRequests, "A standard request by external reference", "bearer", []string{sReqRead}, "", 200, "Request"},
	{"GET", rq + "/vendor/agent/byexternalref/{systemId}/{orgNo}/{externalRef}", tagRequests, "An agent request by external reference", "bearer", []string{sReqRead}, "", 200, "Request"},
	{"GET", rq + "/vendor/bysystem/{systemId}", tagRequests, "A system's standard requests, paged", "bearer", []string{sReqRead}, "", 200, ""},
	{"GET", rq + "/vendor/agent/bysystem/{systemId}", tagRequests, "A system's agent requests, paged", "bearer", []string{sReqRead}, "", 200, ""},
	{"GET", rq + "/{requestId}", tagRequests, "A request as the portal shows it", "bearer", []string{sPortal}, "", 200, ""},
	{"GET", rq + "/agent/{requestId}", tagRequests, "An agent request as the portal shows it", "bearer", []string{sPortal}, "", 200, ""},
	{"GET", rq + "/{party}/{requestId}", tagRequests, "A request for a party", "bearer", []string{sPortal}, "", 200, ""},
	{"GET", rq + "/agent/{party}/{requestId}", tagRequests, "An agent request for a party", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", rq + "/{party}/{requestId}/approve", tagRequests, "Approve a request: creates the system user", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", rq + "/agent/{party}/{requestId}/approve", tagRequests, "Approve an agent request", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", rq + "/{party}/{requestId}/reject", tagRequests, "Reject a request", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", rq + "/agent/{party}/{requestId}/reject", tagRequests, "Reject an agent request", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", rq + "/{party}/{requestId}/escalate", tagRequests, "Escalate a request to someone who may approve it", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", rq + "/agent/{party}/{requestId}/escalate", tagRequests, "Escalate an agent request", "bearer", []string{sPortal}, "", 200, ""},
	{"GET", rq + "/{party}/{orgno}/pending", tagRequests, "A party's pending standard requests", "bearer", []string{sPortal}, "", 200, ""},
	{"GET", rq + "/agent/{party}/{orgno}/pending", tagRequests, "A party's pending agent requests", "bearer", []string{sPortal}, "", 200, ""},

	{"POST", cr + "/vendor", tagChange, "Ask to add or remove rights or packages of a system user (NoChangeNeeded when nothing changes)", "bearer", []string{sReqWrite}, "ChangeRequest", 201, ""},
	{"GET", cr + "/vendor/{requestId}", tagChange, "A change request", "bearer", []string{sReqRead}, "", 200, ""},
	{"DELETE", cr + "/vendor/{requestId}", tagChange, "Delete a change request", "bearer", []string{sReqWrite}, "", 202, ""},
	{"GET", cr + "/vendor/byexternalref/{systemId}/{orgNo}/{externalRef}", tagChange, "A change request by external reference", "bearer", []string{sReqRead}, "", 200, ""},
	{"GET", cr + "/vendor/bysystem/{systemId}", tagChange, "A system's change requests, paged", "bearer", []string{sReqRead}, "", 200, ""},
	{"GET", cr + "/{requestId}", tagChange, "A change request as the portal shows it", "bearer", []string{sPortal}, "", 200, ""},
	{"GET", cr + "/{party}/{requestId}", tagChange, "A change request for a party", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", cr + "/{party}/{requestId}/approve", tagChange, "Approve a change request", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", cr + "/{party}/{requestId}/reject", tagChange, "Reject a change request", "bearer", []string{sPortal}, "", 200, ""},

	{"GET", su + "/byExternalId", tagSU, "Maskinporten's lookup: the system user for a client, vendor, owner and external reference", "bearer", []string{sMPLookup}, "", 200, "SystemUser"},
	{"GET", su + "/vendor/byquery", tagSU, "A vendor's system user by system, org and external reference", "bearer", []string{sReqWrite}, "", 200, "SystemUser"},
	{"GET", su + "/vendor/bysystem/{systemId}", tagSU, "A system's system users, paged", "bearer", []string{sRegWrite, sRegAdmin}, "", 200, ""},
	{"PUT", su, tagSU, "Update a system user (accepted, no effect, as on the platform)", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", su + "/{party}/create", tagSU, "Create a standard system user directly (portal)", "bearer", []string{sPortal}, "", 200, "SystemUser"},
	{"GET", su + "/{party}", tagSU, "A party's standard system users", "bearer", []string{sPortal}, "", 200, ""},
	{"GET", su + "/{party}/{systemUserId}", tagSU, "A system user", "bearer", []string{sPortal}, "", 200, "SystemUser"},
	{"DELETE", su + "/{party}/{systemUserId}", tagSU, "Delete a standard system user", "bearer", []string{sPortal}, "", 202, ""},
	{"GET", su + "/{party}/{systemUserId}/delegations", tagSU, "What a system user was given", "bearer", []string{sPortal}, "", 200, ""},
	{"GET", su + "/agent/{party}", tagSU, "A party's agent system users", "bearer", []string{sPortal}, "", 200, ""},
	{"DELETE", su + "/agent/{party}/{systemUserId}", tagSU, "Delete an agent system user (no clients left)", "bearer", []string{sPortal}, "", 202, ""},
	{"GET", su + "/agent/{party}/{facilitator}/{systemUserId}/delegations", tagClients, "An agent system user's client delegations (portal)", "bearer", []string{sPortal}, "", 200, ""},
	{"POST", su + "/agent/{party}/{systemUserId}", tagClients, "Delegate a client to an agent system user (portal)", "bearer", []string{sPortal}, "", 200, ""},
	{"DELETE", su + "/agent/{party}/{systemUserId}/client", tagClients, "Remove a client from an agent system user (portal)", "bearer", []string{sPortal}, "", 200, ""},

	{"GET", "/authentication/api/v1/enduser/systemuser/agents", tagClients, "A facilitator's agent system users", "bearer", []string{sCDRead}, "", 200, ""},
	{"GET", "/authentication/api/v1/enduser/systemuser/clients", tagClients, "An agent system user's clients", "bearer", []string{sCDRead}, "", 200, ""},
	{"GET", "/authentication/api/v1/enduser/systemuser/clients/available", tagClients, "Clients the facilitator may delegate (by ER role)", "bearer", []string{sCDRead}, "", 200, ""},
	{"POST", "/authentication/api/v1/enduser/systemuser/clients", tagClients, "Delegate a client", "bearer", []string{sCDWrite}, "", 200, ""},
	{"DELETE", "/authentication/api/v1/enduser/systemuser/clients", tagClients, "Remove a client", "bearer", []string{sCDWrite}, "", 200, ""},

	{"POST", sim + "/clients", tagControl, "Register a Maskinporten client (public JWKs, scopes, owner org)", "admin", nil, "NewClient", 201, "Client"},
	{"GET", sim + "/clients", tagControl, "Maskinporten clients (?orgNo=)", "admin", nil, "", 200, ""},
	{"GET", sim + "/clients/{clientId}", tagControl, "A Maskinporten client", "admin", nil, "", 200, "Client"},
	{"DELETE", sim + "/clients/{clientId}", tagControl, "Delete a Maskinporten client", "admin", nil, "", 204, ""},
	{"PUT", sim + "/clients/{clientId}/jwks", tagControl, "Replace a client's keys", "admin", nil, "JWKS", 200, "Client"},
	{"POST", sim + "/clients/{clientId}/jwks", tagControl, "Replace a client's keys (POST)", "admin", nil, "JWKS", 200, "Client"},
	{"POST", sim + "/keys/rotate", tagControl, "Rotate the signing keys (old keys stay in the JWKS until their tokens expire)", "admin", nil, "", 200, ""},
	{"POST", sim + "/tokens", tagControl, "Mint a test token without a grant (enterprise, systemuser or person)", "admin", nil, "TestTokenRequest", 200, "TokenResponse"},
}

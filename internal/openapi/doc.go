package openapi

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/altinn-sim/altinn-sim/internal/route"
)

var paramRE = regexp.MustCompile(`\{([^}]+)\}`)

// Document builds the OpenAPI 3.1 document for a server at baseURL from
// the packages' route tables.
func Document(baseURL string, tables ...[]route.Route) map[string]any {
	ops := operations(tables)
	paths := map[string]map[string]any{}
	ids := map[string]int{}
	for _, op := range ops {
		// OpenAPI tools reject paths with a trailing slash. The platform
		// serves some paths both with and without one; the document lists
		// the operation once, under the path without the slash, and says
		// where it is served.
		key := op.Path
		if len(key) > 1 && strings.HasSuffix(key, "/") {
			key = strings.TrimSuffix(key, "/")
		}
		item, ok := paths[key]
		if !ok {
			item = map[string]any{}
			paths[key] = item
		}
		method := strings.ToLower(op.Method)
		if prev, dup := item[method].(map[string]any); dup {
			prev["description"] = "Also served at " + op.Path + " (with a trailing slash)."
			continue
		}
		o := operation(op)
		if key != op.Path {
			o["description"] = "Served at " + op.Path + " (with the trailing slash)."
		}
		// Paths that differ only in case or a trailing slash (the
		// platform serves both) would share an id.
		id := o["operationId"].(string)
		if ids[id]++; ids[id] > 1 {
			o["operationId"] = id + strconv.Itoa(ids[id])
		}
		item[method] = o
	}
	tags := []map[string]string{}
	seen := map[string]bool{}
	for _, op := range ops {
		if !seen[op.Tag] {
			seen[op.Tag] = true
			tag := map[string]string{"name": op.Tag}
			if d := TagDescriptions[op.Tag]; d != "" {
				tag["description"] = d
			}
			tags = append(tags, tag)
		}
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "altinn-sim",
			"version":     "1",
			"description": "A local emulator of Altinn 3 and Maskinporten for system users: the platform's own paths, JSON shapes and error codes, plus the emulator's control API under /sim.",
		},
		"servers":    []map[string]string{{"url": strings.TrimRight(baseURL, "/")}},
		"tags":       tags,
		"paths":      paths,
		"components": components,
	}
}

func operation(op Op) map[string]any {
	o := map[string]any{
		"tags":        []string{op.Tag},
		"summary":     op.Summary,
		"operationId": operationID(op),
	}
	var params []map[string]any
	for _, m := range paramRE.FindAllStringSubmatch(op.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
	}
	for _, q := range op.Query {
		p := map[string]any{"name": q.Name, "in": "query", "required": q.Required, "schema": map[string]string{"type": "string"}}
		if q.Description != "" {
			p["description"] = q.Description
		}
		params = append(params, p)
	}
	if params != nil {
		o["parameters"] = params
	}
	o["security"] = security(op)
	switch op.Body {
	case "":
	case "policy":
		// The platform takes a multipart file named policyFile; we also
		// take the XACML XML as the body itself.
		xml := map[string]any{"type": "string", "contentMediaType": "application/xml"}
		o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"multipart/form-data": map[string]any{"schema": obj(map[string]any{"policyFile": xml}, "policyFile")},
			"application/xml":     map[string]any{"schema": map[string]any{"type": "string"}}}}
	case "form":
		o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/x-www-form-urlencoded": map[string]any{"schema": ref(formSchema(op.Path))}}}
	default:
		// Access Management's POST …/agents takes its PersonInput body or
		// none (then ?to= names the agent).
		o["requestBody"] = map[string]any{"required": op.Body != "PersonInput", "content": map[string]any{
			"application/json": map[string]any{"schema": ref(op.Body)}}}
	}
	// /decision also takes XACML 3.0 XML (any Content-Type without
	// "application/json") and answers it with XML sent as text/plain, as
	// the platform's controller does.
	xacmlXML := op.Path == "/authorization/api/v1/decision"
	if xacmlXML {
		x := map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/xml"}}
		c := o["requestBody"].(map[string]any)["content"].(map[string]any)
		c["application/xml"], c["text/xml"] = x, x
	}
	ok := map[string]any{"description": "Success"}
	if op.OK >= 300 && op.OK < 400 {
		ok["description"] = "Done; the Location header names the next page"
	}
	if op.OKSchema != "" {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.OKSchema)}}
		if xacmlXML {
			ok["content"].(map[string]any)["text/plain"] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/xml"}}
		}
	}
	responses := map[string]any{strconv.Itoa(op.OK): ok}
	switch {
	case op.Path == "/token" || op.Path == "/idporten/token":
		responses["400"] = map[string]any{"description": "OAuth error", "content": map[string]any{"application/json": map[string]any{"schema": ref("OAuthError")}}}
	case op.Path == "/idporten/userinfo":
		responses["401"] = map[string]any{"description": "OAuth bearer error (WWW-Authenticate says why)", "content": map[string]any{"application/json": map[string]any{"schema": ref("OAuthError")}}}
	case op.Tag == "Portal (HTML)" || op.Tag == "ID-porten (HTML)" || op.Tag == "Maskinporten onboarding (HTML)":
		responses["4XX"] = map[string]any{"description": "An HTML page that says what is wrong", "content": map[string]any{"text/html": map[string]any{"schema": str}}}
	default:
		responses["4XX"] = map[string]any{"description": "ProblemDetails", "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("ProblemDetails")}}}
	}
	responses["503"] = map[string]any{"description": "The database is not reachable; retry (Retry-After)"}
	o["responses"] = responses
	return o
}

// security is op's security requirement. Every operation states one:
// public operations an empty list, so that tools do not apply a default;
// and the scopes list is never null (tools reject a null list).
func security(op Op) []map[string][]string {
	switch op.Auth {
	case "bearer":
		scopes := op.Scopes
		if scopes == nil {
			scopes = []string{}
		}
		switch {
		case op.PlatformAccessAnd:
			return []map[string][]string{{"bearer": scopes, "platformAccessToken": {}}}
		case op.PlatformAccess:
			return []map[string][]string{{"bearer": scopes}, {"platformAccessToken": {}}}
		}
		return []map[string][]string{{"bearer": scopes}}
	case "admin":
		// Open when no admin token is set.
		return []map[string][]string{{"admin": {}}, {}}
	case "session":
		return []map[string][]string{{"session": {}}}
	}
	return []map[string][]string{}
}

// formSchema names the schema of the form a POST to path sends.
func formSchema(path string) string {
	switch {
	case path == "/token":
		return "TokenRequest"
	case path == "/portal/login":
		return "LoginForm"
	case path == "/idporten/login":
		return "IDPortenLoginForm"
	case path == "/idporten/token":
		return "IDPortenTokenRequest"
	case strings.HasSuffix(path, "/clients"):
		return "AddClientForm"
	case strings.HasPrefix(path, "/portal/") && strings.HasSuffix(path, "/apidelegations"):
		return "APIDelegationForm"
	}
	return "CSRFForm"
}

// TagDescriptions says what each tag's operations are; every tag a route
// uses needs a line here (a test checks).
var TagDescriptions = map[string]string{
	"Operations":                     "The server's own operations: liveness, readiness and this document",
	"Maskinporten":                   "Maskinporten: the token endpoint, its metadata and keys",
	"Altinn token exchange":          "Altinn's token exchange and its OpenID metadata",
	"System-user requests":           "System-user requests a vendor creates and the customer approves",
	"Change requests":                "Change requests for a system user's rights and access packages",
	"System users":                   "System users: listing, lookup and deletion",
	"Client delegation":              "Clients of an agent system user",
	"Access packages":                "The access-package catalogue",
	"Portal (HTML)":                  "The end-user portal's HTML pages: test login, approving requests, system users",
	"Maskinporten onboarding (HTML)": "Maskinporten's onboarding pages: a person who may act for an organisation manages its integrations and keys",
	"Emulator control":               "The emulator's control API: clients, test tokens, clock, faults, reset, seeded parties",
	"Maskinporten self-service":      "Digdir's self-service API: an organisation's Maskinporten clients and their keys, its scopes and who may use them",
	"ID-porten":                      "ID-porten's OpenID Provider: metadata, keys, the token endpoint and userinfo",
	"ID-porten (HTML)":               "ID-porten's pages a browser opens: authorization, the test-person login, logout",
	"System register":                "Systems vendors register, with their rights and access packages",
	"Resource registry":              "Resources and their policies, the views over them (subjects, rights) and the change feeds",
	"Register":                       "Altinn Register: organisations and persons, looked up by number, party id or uuid",
	"Authorization (PDP)":            "Authorization decisions (XACML JSON profile)",
	"Access Management: Maskinporten schema delegations": "Delegated API access as Access Management has it: Maskinporten's lookup of delegations, " +
		"and an organisation's offered and received Maskinporten schemas (delegate, revoke, delegation check)",
	"Access Management: Maskinporten suppliers and consumers": "Access Management's end-user API for delegated API access: " +
		"an organisation makes another its Maskinporten supplier and delegates schemes to it; the supplier sees its consumers and may give either back",
}

func ref(name string) map[string]string {
	return map[string]string{"$ref": "#/components/schemas/" + name}
}

// operationID is the method and path made into one identifier.
func operationID(op Op) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	for _, part := range strings.FieldsFunc(op.Path, func(r rune) bool { return r == '/' || r == '.' || r == '-' || r == '{' || r == '}' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if required != nil {
		o["required"] = required
	}
	return o
}

var (
	str     = map[string]any{"type": "string"}
	strs    = map[string]any{"type": "array", "items": str}
	boolean = map[string]any{"type": "boolean"}
	integer = map[string]any{"type": "integer"}
	anyObj  = map[string]any{"type": "object"}
	i18n    = obj(map[string]any{"nb": str, "nn": str, "en": str}, "nb", "nn", "en")
)

var components = map[string]any{
	"securitySchemes": map[string]any{
		"bearer":  map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A Maskinporten token from /token (or /sim/api/v1/tokens), or an Altinn token from the exchange (ID-porten's /idporten/userinfo and the exchange itself take an ID-porten access token)"},
		"admin":   map[string]any{"type": "http", "scheme": "bearer", "description": "ALTINN_SIM_ADMIN_TOKEN, when set"},
		"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "altinn_sim_session", "description": "The portal's test-login session"},
		"platformAccessToken": map[string]any{"type": "apiKey", "in": "header", "name": "PlatformAccessToken",
			"description": "A platform access token, as Altinn apps and platform services send it (POST /sim/api/v1/tokens with type accesstoken)"},
	},
	"schemas": map[string]any{
		"Status": obj(map[string]any{"status": str}),
		"ProblemDetails": obj(map[string]any{
			"type": str, "title": str, "status": integer, "statusDescription": str, "code": str, "detail": str, "traceId": str,
			"validationErrors": map[string]any{"type": "array", "items": obj(map[string]any{"code": str, "title": str, "detail": str, "paths": strs})},
		}, "type", "title", "status"),
		"TokenRequest": obj(map[string]any{
			"grant_type": map[string]any{"type": "string", "description": "urn:ietf:params:oauth:grant-type:jwt-bearer", "examples": []string{"urn:ietf:params:oauth:grant-type:jwt-bearer"}},
			"assertion":  map[string]any{"type": "string", "description": "The client's signed JWT grant (RFC 7523): iss, aud, iat, exp, jti, scope, and authorization_details for a system user"},
		}, "grant_type", "assertion"),
		"SystemUserUpdate":     obj(map[string]any{"id": str}, "id"),
		"CreateSystemUser":     obj(map[string]any{"integrationTitle": str, "systemId": str}, "systemId"),
		"PersonInput":          obj(map[string]any{"personIdentifier": str, "lastName": str}, "personIdentifier", "lastName"),
		"Assignment":           obj(map[string]any{"id": str, "roleId": str, "fromId": str, "toId": str}, "id", "roleId", "fromId", "toId"),
		"DelegationBatchInput": obj(map[string]any{"values": map[string]any{"type": "array", "items": obj(map[string]any{"role": str, "packages": strs}, "role", "packages")}}, "values"),
		"CSRFForm":             obj(map[string]any{"csrf": str}, "csrf"),
		"LoginForm":            obj(map[string]any{"csrf": str, "pid": map[string]any{"type": "string", "description": "The person's national identity number"}, "next": map[string]any{"type": "string", "description": "A local path to go to after login"}}, "csrf", "pid"),
		"AddClientForm":        obj(map[string]any{"csrf": str, "client": map[string]any{"type": "string", "description": "The client organisation's number"}}, "csrf", "client"),
		"OAuthError":           obj(map[string]any{"error": str, "error_description": str}, "error"),
		"TokenResponse":        obj(map[string]any{"access_token": str, "token_type": str, "expires_in": integer, "scope": str}, "access_token", "token_type", "expires_in"),
		"JWKS":                 obj(map[string]any{"keys": map[string]any{"type": "array", "items": anyObj}}, "keys"),
		"NewClient":            obj(map[string]any{"clientId": str, "orgNo": str, "name": str, "scopes": strs, "jwks": ref("JWKS")}, "orgNo"),
		"ClientUpdate":         obj(map[string]any{"name": str, "scopes": strs}, "scopes"),
		"Client": obj(map[string]any{"clientId": str, "orgNo": str, "name": str, "description": str, "integrationType": str,
			"applicationType": str, "tokenEndpointAuthMethod": str, "scopes": strs, "jwks": ref("JWKS")}),
		"Registration": obj(map[string]any{
			"client_id": str, "client_name": str, "description": str,
			"integration_type":           map[string]any{"type": "string", "enum": []string{"maskinporten", "idporten"}},
			"application_type":           map[string]any{"type": "string", "enum": []string{"web"}},
			"token_endpoint_auth_method": map[string]any{"type": "string", "enum": []string{"private_key_jwt", "client_secret_basic", "client_secret_post"}},
			"grant_types":                strs, "scopes": strs, "client_orgno": str, "created": str, "last_updated": str,
			"redirect_uris": strs, "post_logout_redirect_uris": strs,
			"client_secret": map[string]any{"type": "string", "description": "An ID-porten client's secret, in the answer that creates it only"},
		}, "client_name", "integration_type"),
		"Registrations": map[string]any{"type": "array", "items": ref("Registration")},
		"KeySet":        obj(map[string]any{"keys": map[string]any{"type": "array", "items": anyObj}, "created": str, "last_updated": str}, "keys"),
		"ScopeRequest": obj(map[string]any{
			"prefix": str, "subscope": str, "description": str, "long_description": str, "active": boolean,
			"allowed_integration_types": strs, "accessible_for_all": boolean,
			"visibility": map[string]any{"type": "string", "enum": []string{"PUBLIC", "PRIVATE", "INTERNAL"}},
			"token_type": map[string]any{"type": "string", "enum": []string{"SELF_CONTAINED", "OPAQUE"}},
			"at_max_age": integer, "authorization_max_lifetime": integer, "delegation_source": str,
			"requires_user_consent": boolean, "requires_user_authentication": boolean, "requires_pseudonymous_tokens": boolean,
		}, "prefix", "subscope", "description"),
		"Scope": obj(map[string]any{
			"name": str, "prefix": str, "subscope": str, "description": str, "long_description": str, "active": boolean,
			"allowed_integration_types": strs, "accessible_for_all": boolean, "visibility": str, "token_type": str,
			"at_max_age": integer, "authorization_max_lifetime": integer, "delegation_source": str,
			"requires_user_consent": boolean, "requires_user_authentication": boolean, "requires_pseudonymous_tokens": boolean,
			"owner_orgno": str, "created": str, "last_updated": str,
		}),
		"Scopes": map[string]any{"type": "array", "items": ref("Scope")},
		"ScopeAccess": obj(map[string]any{
			"scope": str, "state": map[string]any{"type": "string", "enum": []string{"APPROVED", "DENIED"}},
			"owner_orgno": str, "consumer_orgno": str, "created": str, "last_updated": str,
		}),
		"ScopeAccessList": map[string]any{"type": "array", "items": ref("ScopeAccess")},
		"NewDelegationScheme": obj(map[string]any{"identifier": str, "owner_orgno": str, "scopes": strs, "title": str, "description": str},
			"identifier", "owner_orgno", "scopes", "title"),
		"DelegationScheme":  obj(map[string]any{"identifier": str, "owner_orgno": str, "scopes": strs, "title": str, "description": str, "created": str}),
		"DelegationSchemes": map[string]any{"type": "array", "items": ref("DelegationScheme")},
		"NewAPIDelegation":  obj(map[string]any{"scheme": str, "consumer_orgno": str, "supplier_orgno": str}, "scheme", "consumer_orgno", "supplier_orgno"),
		"APIDelegation": obj(map[string]any{"id": str, "scheme": str, "scopes": strs, "consumer_orgno": str, "supplier_orgno": str,
			"created": str, "created_by": str, "withdrawn": str, "withdrawn_by": str}),
		"APIDelegations": map[string]any{"type": "array", "items": ref("APIDelegation")},
		"MPDelegation": obj(map[string]any{"consumer_org": str, "supplier_org": str,
			"delegation_scheme_Id": map[string]any{"type": []string{"string", "null"}, "description": "null: the emulator's schemes have no DelegationSchemeId reference"},
			"scopes":               strs, "created": str, "resourceid": str}),
		"MPDelegations":  map[string]any{"type": "array", "items": ref("MPDelegation")},
		"AttributeMatch": obj(map[string]any{"id": str, "value": str}, "id", "value"),
		"MaskinportenSchemaDelegation": obj(map[string]any{"offeredByPartyId": integer, "offeredByName": str, "offeredByOrganizationNumber": str,
			"coveredByPartyId": integer, "coveredByName": str, "coveredByOrganizationNumber": str, "performedByUserId": integer,
			"created": str, "resourceId": str}),
		"MaskinportenSchemaDelegations": map[string]any{"type": "array", "items": ref("MaskinportenSchemaDelegation")},
		"RightsDelegationRequest": obj(map[string]any{
			"to":     map[string]any{"type": "array", "items": ref("AttributeMatch"), "description": "The organisation given to (delegate, offered/revoke): urn:altinn:organizationnumber or urn:altinn:partyid"},
			"from":   map[string]any{"type": "array", "items": ref("AttributeMatch"), "description": "The organisation that gave (received/revoke)"},
			"rights": map[string]any{"type": "array", "items": obj(map[string]any{"resource": map[string]any{"type": "array", "items": ref("AttributeMatch")}}, "resource"), "description": "Exactly one right: [{resource:[{id:urn:altinn:resource,value:<scheme>}]}]"},
		}, "rights"),
		"RightsDelegationResponse": obj(map[string]any{"to": map[string]any{"type": "array", "items": ref("AttributeMatch")},
			"rightDelegationResults": map[string]any{"type": "array", "items": obj(map[string]any{"rightKey": str, "resource": map[string]any{"type": "array", "items": ref("AttributeMatch")}, "action": str, "status": str})}}),
		"DelegationCheckRequest": obj(map[string]any{"resource": map[string]any{"type": "array", "items": ref("AttributeMatch")}}, "resource"),
		"RightDelegationCheckResults": map[string]any{"type": "array", "items": obj(map[string]any{"rightKey": str, "resource": map[string]any{"type": "array", "items": ref("AttributeMatch")},
			"action": str, "status": str, "details": map[string]any{"type": "array", "items": anyObj}})},
		"MPCompactEntity": obj(map[string]any{"id": str, "name": str, "type": str, "variant": str, "parent": anyObj, "children": anyObj,
			"partyid": integer, "userId": integer, "username": str, "organizationIdentifier": str, "personIdentifier": str,
			"dateOfBirth": str, "dateOfDeath": str, "isDeleted": boolean, "deletedAt": str}),
		"MPCompactRole": obj(map[string]any{"id": str, "code": str, "urn": str,
			"legacyurn ": map[string]any{"type": []string{"string", "null"}, "description": "upstream's property name, trailing space and all"}, "children": anyObj}),
		"MPConnection": obj(map[string]any{"party": ref("MPCompactEntity"), "roles": map[string]any{"type": "array", "items": ref("MPCompactRole")},
			"packages": map[string]any{"type": "array", "items": anyObj}, "resources": map[string]any{"type": "array", "items": anyObj},
			"instances": map[string]any{"type": "array", "items": anyObj}, "connections": map[string]any{"type": "array", "items": anyObj}}),
		"MPConnections": map[string]any{"type": "array", "items": ref("MPConnection")},
		"MPResource": obj(map[string]any{"id": str, "providerId": str, "typeId": str, "name": str, "description": str, "refId": str,
			"provider": anyObj, "type": obj(map[string]any{"id": str, "name": str})}),
		"MPResourcePermissions": map[string]any{"type": "array", "items": obj(map[string]any{"resource": ref("MPResource"),
			"permissions": map[string]any{"type": "array", "items": obj(map[string]any{"from": ref("MPCompactEntity"), "to": ref("MPCompactEntity"),
				"via": anyObj, "role": ref("MPCompactRole"), "viaRole": anyObj, "reason": anyObj})}})},
		"MPResourceCheck": obj(map[string]any{"resource": ref("MPResource"), "rights": map[string]any{"type": "array", "items": obj(map[string]any{
			"right": obj(map[string]any{"key": str, "name": str, "resource": map[string]any{"type": "array", "items": obj(map[string]any{"type": str, "value": str})},
				"action": obj(map[string]any{"type": str, "value": str})}),
			"result": boolean, "reasonCodes": strs})}}),
		"Boolean":           boolean,
		"APIDelegationForm": obj(map[string]any{"csrf": str, "scheme": str, "supplier": map[string]any{"type": "string", "description": "The supplier organisation's number"}}, "csrf", "scheme", "supplier"),
		"IDPortenLoginForm": obj(map[string]any{
			"request": map[string]any{"type": "string", "description": "The authorization request's id (from the login page)"},
			"pid":     map[string]any{"type": "string", "description": "The test person's national identity number"},
			"lang":    map[string]any{"type": "string", "enum": []string{"nb", "nn", "en"}},
			"cancel":  map[string]any{"type": "string", "description": "Set to cancel the login (access_denied to the client)"},
		}, "request"),
		"IDPortenTokenRequest": obj(map[string]any{
			"grant_type": map[string]any{"type": "string", "enum": []string{"authorization_code", "refresh_token"}},
			"code":       str, "redirect_uri": str, "code_verifier": str, "refresh_token": str,
			"client_id": str, "client_secret": str,
			"client_assertion_type": map[string]any{"type": "string", "enum": []string{"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}},
			"client_assertion":      str,
		}, "grant_type"),
		"IDPortenTokenResponse": obj(map[string]any{"access_token": str, "id_token": str, "token_type": str, "expires_in": integer,
			"scope": str, "refresh_token": str, "refresh_token_expires_in": integer}, "access_token", "token_type", "expires_in"),
		"IDPortenUserinfo": obj(map[string]any{"sub": str, "pid": str, "locale": str}, "sub"),
		"IDPortenMetadata": obj(map[string]any{"issuer": str, "authorization_endpoint": str, "token_endpoint": str, "userinfo_endpoint": str,
			"end_session_endpoint": str, "jwks_uri": str, "acr_values_supported": strs, "code_challenge_methods_supported": strs},
			"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"),
		"CertificateRequest": obj(map[string]any{
			"orgNo": str, "name": str, "validDays": integer,
			"publicKey": map[string]any{"type": "string", "description": "The RSA public key (at least 2048 bits) as PEM"},
		}, "orgNo", "publicKey"),
		"Certificate": obj(map[string]any{"certificate": str, "ca": str, "notBefore": str, "notAfter": str}, "certificate", "ca"),
		"TestTokenRequest": obj(map[string]any{
			"type":  map[string]any{"type": "string", "enum": []string{"enterprise", "systemuser", "person", "accesstoken"}},
			"orgNo": str, "scopes": strs, "systemUserId": str, "pid": str, "issuer": str, "app": str,
		}, "type"),
		"IntrospectionResponse": obj(map[string]any{"active": boolean, "iss": str}, "active"),
		"AttributePair":         obj(map[string]any{"id": str, "value": str}, "id", "value"),
		"Right":                 obj(map[string]any{"resource": map[string]any{"type": "array", "items": ref("AttributePair")}}, "resource"),
		"Rights":                map[string]any{"type": "array", "items": ref("Right")},
		"AccessPackageRef":      obj(map[string]any{"urn": str}, "urn"),
		"AccessPackageRefs":     map[string]any{"type": "array", "items": ref("AccessPackageRef")},
		"RegisterSystem": obj(map[string]any{
			"id": str, "vendor": obj(map[string]any{"authority": str, "ID": str}, "ID"),
			"name": i18n, "description": i18n, "rights": ref("Rights"), "accessPackages": ref("AccessPackageRefs"),
			"clientId": strs, "allowedRedirectUrls": strs, "isVisible": boolean,
		}, "id", "vendor", "name", "description"),
		"CreateRequest": obj(map[string]any{
			"externalRef": str, "systemId": str, "partyOrgNo": str, "rights": ref("Rights"),
			"accessPackages": ref("AccessPackageRefs"), "redirectUrl": str,
		}, "systemId", "partyOrgNo"),
		"ChangeRequest": obj(map[string]any{
			"externalRef": str, "systemId": str, "partyOrgNo": str,
			"requiredRights": ref("Rights"), "unwantedRights": ref("Rights"),
			"requiredAccessPackages": ref("AccessPackageRefs"), "unwantedAccessPackages": ref("AccessPackageRefs"), "redirectUrl": str,
		}, "systemId", "partyOrgNo"),
		"Request": obj(map[string]any{
			"id": str, "externalRef": str, "systemId": str, "partyOrgNo": str, "rights": ref("Rights"),
			"accessPackages": ref("AccessPackageRefs"), "status": str, "redirectUrl": str, "confirmUrl": str, "created": str,
		}),
		"SystemUser": obj(map[string]any{
			"id": str, "integrationTitle": str, "systemId": str, "reporteeOrgNo": str, "partyId": str,
			"externalRef": str, "userType": str, "created": str, "isDeleted": boolean,
		}),
		"Resource":         obj(map[string]any{"identifier": str, "title": i18n, "description": i18n, "resourceType": str, "hasCompetentAuthority": anyObj}, "identifier"),
		"PartyLookup":      obj(map[string]any{"ssn": str, "orgNo": str}),
		"PartyNamesLookup": obj(map[string]any{"parties": map[string]any{"type": "array", "items": ref("PartyLookup")}}),
		"PartyIDs":         map[string]any{"type": "array", "items": integer},
		"PartyUUIDs":       map[string]any{"type": "array", "items": str},
		"PartyQuery": obj(map[string]any{"data": map[string]any{"type": "array", "items": str,
			"description": "party URNs: urn:altinn:party:id, urn:altinn:party:uuid, urn:altinn:organization:identifier-no, urn:altinn:person:identifier-no, urn:altinn:user:id (and their aliases)"}}, "data"),
		"SubjectUrns":   map[string]any{"type": "array", "items": str, "description": "subject URNs, e.g. urn:altinn:rolecode:dagl"},
		"XACMLRequest":  obj(map[string]any{"Request": anyObj}, "Request"),
		"XACMLResponse": obj(map[string]any{"response": map[string]any{"type": "array", "items": anyObj}}),
		"Clock":         obj(map[string]any{"now": str, "offset": str, "offsetSeconds": map[string]string{"type": "number"}}),
		"ClockRequest":  obj(map[string]any{"now": str, "offset": str, "offsetSeconds": map[string]string{"type": "number"}, "advance": str}),
		"Fault": obj(map[string]any{
			"target": map[string]any{"type": "string", "enum": []string{"token", "pdp"}},
			"status": integer, "error": str, "errorDescription": str, "delayMs": integer, "count": integer,
		}, "target", "count"),
	},
}

// operations lists the tables' routes, then the hand-listed operations
// that no table covers.
func operations(tables [][]route.Route) []Op {
	var ops []Op
	for _, t := range tables {
		for _, rt := range t {
			ops = append(ops, fromRoute(rt))
		}
	}
	return ops
}

// fromRoute is a route's documentation as an Op.
func fromRoute(rt route.Route) Op {
	// chi's catch-all "*" is a file path parameter in OpenAPI.
	op := Op{Method: rt.Method, Path: strings.Replace(rt.Path, "/*", "/{file}", 1), Tag: rt.Tag, Summary: rt.Summary, Scopes: rt.Scopes, Query: rt.Query, Body: rt.Body, OK: rt.OK, OKSchema: rt.OKSchema}
	switch rt.Guard {
	case route.Bearer, route.OwnBearer:
		op.Auth = "bearer"
		op.PlatformAccess, op.PlatformAccessAnd = rt.PlatformAccess, rt.RequirePlatformAccess
	case route.Admin, route.AdminPage:
		op.Auth = "admin"
	case route.Session:
		op.Auth = "session"
	}
	if op.OK == 0 {
		op.OK = http.StatusOK
	}
	return op
}

// Handler serves the document as JSON, with the server URL it was built for.
func Handler(baseURL string, tables ...[]route.Route) http.HandlerFunc {
	body := sync.OnceValue(func() []byte {
		b, _ := json.MarshalIndent(Document(baseURL, tables...), "", "  ")
		return b
	})
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body())
	}
}

package maskinporten

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// errorDoc explains one Maskinporten error code: the page every error_uri
// we send points to (<issuer>errors/MP-xxx, as Maskinporten's own do).
type errorDoc struct {
	Code  string
	Error string // the OAuth error it comes with
	Title string
	What  string // what went wrong
	Fix   string // what to check
}

// errorDocs has a page for every MP code /token can answer with; a test
// checks that each code in this package's source has one.
var errorDocs = map[string]errorDoc{
	"MP-011": {Error: codeInvalidRequest, Title: "Invalid parameter value",
		What: "The grant could not be read: not a compact signed JWT, line breaks or whitespace in it, a header or payload that is not JSON, or a claim of the wrong type (jti, resource, pid, consumer_org, authorization_details).",
		Fix:  "Send one compact JWS (header.payload.signature) in the assertion form field, with each claim of the type Maskinporten documents."},
	"MP-012": {Error: codeInvalidGrant, Title: "Grant is used before",
		What: "A grant with this jti was already used; a grant can be used once only.",
		Fix:  "Make a new grant, with a new random jti, for every token request."},
	"MP-100": {Error: codeInvalidGrant, Title: "Client authentication failed",
		What: "The client could not be identified: the grant's iss is not a known client id, or the header names no key of that client (an unknown kid, both kid and x5c, neither, or x5c for a client that has registered keys).",
		Fix:  "Set iss to your client id and put the kid of one of its registered keys in the header; in altinn-sim, create clients and keys with the self-service API (POST /api/v1/clients and .../jwks), POST /sim/api/v1/clients or a seed file."},
	"MP-110": {Error: codeInvalidGrant, Title: "Invalid JWT claim aud",
		What: "The grant's aud is not this Maskinporten's issuer.",
		Fix:  "Set aud to the issuer from /.well-known/oauth-authorization-server (the emulator's public URL with a trailing slash)."},
	"MP-120": {Error: codeInvalidGrant, Title: "Invalid key or certificate",
		What: "The key registered under the grant's kid cannot be used to check a signature, or the enterprise certificate in x5c is not valid now (on the emulator's clock), is not issued by altinn-sim's test CA, or has a key that is not RSA.",
		Fix:  "Register a valid public RSA key on the client and sign with its private half; or, for a client without keys, make a certificate with 'altinn-sim certs new' (the test CA is at /sim/api/v1/certificates/ca.pem) and sign with its key."},
	"MP-121": {Error: codeInvalidGrant, Title: "Expired key",
		What: "The key that signed the grant has expired: a registered key lasts one year after it was posted.",
		Fix:  "Register a new key on the client and sign with it."},
	"MP-122": {Error: codeInvalidGrant, Title: "Invalid organization number for client",
		What: "The enterprise certificate in x5c names another organisation than the one the client belongs to, or names none (organizationIdentifier NTRNO-<orgno>, or serialNumber).",
		Fix:  "Use a certificate issued to the client's own organisation: altinn-sim certs new --org <the client's orgNo>."},
	"MP-123": {Error: codeInvalidGrant, Title: "Invalid JWT header x5c",
		What: "The header's x5c is not a non-empty JSON array of base64 DER certificates (a single string is a common mistake), or holds more than three certificates.",
		Fix:  `Send x5c as an array, enterprise certificate first: "x5c": ["MIIC...", "MIIB..."], or use a registered key's kid instead.`},
	"MP-124": {Error: codeInvalidGrant, Title: "Invalid JWT signature",
		What: "The signature does not verify with the key the header names, or the algorithm is not allowed (none and HMAC never are).",
		Fix:  "Sign with the private key whose public half is registered under that kid, and do not change the grant after signing."},
	"MP-130": {Error: codeInvalidGrant, Title: "JWT is expired or not yet valid",
		What: "The grant's iat or exp is missing, exp has passed, nbf is still ahead, exp is not after iat, or the grant lives longer than 120 seconds.",
		Fix:  "Make a fresh grant for each request with iat now and exp at most 120 seconds later; check the clocks (altinn-sim's clock may be moved by /sim/api/v1/clock)."},
	"MP-200": {Error: codeInvalidScope, Title: "Invalid scopes for client",
		What: "The grant asks for a scope that is not registered on the client.",
		Fix:  "Ask only for scopes the client has, or add the scope to the client."},
	"MP-201": {Error: codeInvalidScope, Title: "Scope not allowed for Maskinporten",
		What: "The grant asks for a scope whose allowed integration types leave Maskinporten out (a scope for ID-porten logins, say).",
		Fix:  "Ask for a Maskinporten scope; GET /api/v1/scopes/all lists each scope's allowed_integration_types."},
	"MP-250": {Error: codeInvalidScope, Title: "Consumer has not been granted access to the scope",
		What: "The scope's owner has not granted the client's organisation access to it, or has withdrawn the access.",
		Fix:  "Ask the scope's owner to grant your organisation access (PUT /api/v1/scopes/access/{your orgno}?scope=...); GET /api/v1/scopes/access/all lists the access you have."},
	"MP-251": {Error: codeInvalidScope, Title: "Scope not delegated",
		What: "The consumer has not delegated the scope to this supplier.",
		Fix:  "Have the consumer delegate the scope to the supplier, or leave consumer_org out."},
	"MP-301": {Error: codeInvalidRequest, Title: "Unknown authorization details type",
		What: "An authorization_details element has a type this Maskinporten does not support.",
		Fix:  "Use a type listed under authorization_details_types_supported in the metadata, such as urn:altinn:systemuser."},
	"MP-302": {Error: codeInvalidRequest, Title: "Unknown fields in the authorization details",
		What: "An authorization_details element has a member its type does not define, or is not an object.",
		Fix:  `For a system user send [{"type":"urn:altinn:systemuser","systemuser_org":{"authority":"iso6523-actorid-upis","ID":"0192:<orgno>"}}].`},
	"MP-303": {Error: codeAltinnCustomer, Title: "Invalid authorization details values",
		What: "The system user in authorization_details could not be found: the customer has no system user for the client's system (or the external reference), or a value is malformed.",
		Fix:  "Check that the customer approved a request for your system (GET /authentication/api/v1/systemuser/vendor/byquery), that systemuser_org names that customer, and that the client belongs to the system."},
}

func (s *Service) handleErrorDoc(w http.ResponseWriter, r *http.Request) error {
	code := strings.ToUpper(chi.URLParam(r, "code"))
	d, ok := errorDocs[code]
	if !ok {
		return problem.NotFound.WithDetail("no Maskinporten error %q", chi.URLParam(r, "code"))
	}
	d.Code = code
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := errorDocPage.Execute(w, d); err != nil {
		s.log.ErrorContext(r.Context(), "render error page", "err", err)
	}
	return nil
}

var errorDocPage = template.Must(template.New("mp").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Code}}: {{.Title}}</title></head>
<body><main>
<h1>{{.Code}}: {{.Title}}</h1>
<p>OAuth error: <code>{{.Error}}</code> (HTTP 400 from <code>POST /token</code>).</p>
<h2>What went wrong</h2>
<p>{{.What}}</p>
<h2>What to check</h2>
<p>{{.Fix}}</p>
<p>The error_description of the answer says exactly what altinn-sim found; its trace_id is in altinn-sim's log.</p>
</main></body></html>
`))

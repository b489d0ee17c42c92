package simpages

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/jose"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// Grants checks a pasted grant with every rule of /token, changing
// nothing (maskinporten.Service).
type Grants interface {
	ExplainGrant(ctx context.Context, assertion string) maskinporten.GrantReport
}

// Tokens verifies tokens this emulator signed and names its issuers
// (signing.Service).
type Tokens interface {
	VerifyOurs(ctx context.Context, raw string) (signing.Verified, error)
	Settings() signing.Settings
}

// maxPaste bounds the debugger's form.
const maxPaste = 64 << 10

// What a pasted JWT is read as.
const (
	asAuto  = "auto"
	asGrant = "grant"
	asToken = "token"
)

type debuggerPage struct {
	page
	Input string
	// As is what the form asked (auto, grant, token); Kind what the JWT
	// was read as.
	As, Kind  string
	Posted    bool
	DecodeErr string

	Header, Claims         []claimRow
	HeaderJSON, ClaimsJSON string

	// A token: whether it verified against our keys, and why not.
	Verified  bool
	VerifyErr string
	Purpose   string
	// A grant: each rule's result.
	Report *maskinporten.GrantReport
}

// claimRow is one header member or claim, explained.
type claimRow struct {
	Name, Value, About string
	// When is a time claim as a date, and how far it is from the
	// emulator's clock.
	When string
}

// debugger shows the form; a POST also decodes, verifies and explains
// what was pasted. Nothing pasted is stored or logged, and checking a
// grant does not use up its jti.
func (s *Service) debugger(w http.ResponseWriter, r *http.Request) error {
	p := debuggerPage{page: page{Title: "Token and grant debugger", Nav: "debugger", Now: s.d.Clock.Now()}, As: asAuto}
	if r.Method == http.MethodPost {
		if crossSite(r) {
			return problem.Forbidden.WithDetail("the debugger takes posts from its own page only")
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxPaste)
		if err := r.ParseForm(); err != nil {
			return problem.BadRequest.WithDetail("the form cannot be read: %v", err)
		}
		p.Posted = true
		p.Input = strings.TrimSpace(r.PostForm.Get("jwt"))
		if as := r.PostForm.Get("as"); as == asGrant || as == asToken {
			p.As = as
		}
		s.inspect(r.Context(), &p)
	}
	s.render(w, r, http.StatusOK, "debugger", p)
	return nil
}

// crossSite: a browser says the post came from another site. The form
// changes nothing, and the admin cookie (SameSite=Lax) is not sent on
// such a post anyway; this keeps other sites from using the page at all.
func crossSite(r *http.Request) bool {
	return r.Header.Get("Sec-Fetch-Site") == "cross-site"
}

func (s *Service) inspect(ctx context.Context, p *debuggerPage) {
	raw := p.Input
	// What people copy: an Authorization header, or a form field.
	for _, prefix := range []string{"Authorization:", "Bearer ", "bearer ", "assertion=", "access_token="} {
		raw = strings.TrimSpace(strings.TrimPrefix(raw, prefix))
	}
	j, err := jose.Decode(raw)
	if err != nil {
		p.DecodeErr = err.Error()
		return
	}
	parts := strings.SplitN(raw, ".", 3)
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	p.HeaderJSON, p.ClaimsJSON = indent(hb), indent(pb)

	set := s.d.Tokens.Settings()
	iss := jose.ReadString(j.Payload["iss"]).V
	p.Kind = p.As
	if p.Kind == asAuto {
		p.Kind = asGrant
		if iss == set.Issuer || iss == set.AltinnIssuer {
			p.Kind = asToken
		}
	}
	now := s.d.Clock.Now()
	about := grantClaims
	if p.Kind == asToken {
		about = tokenClaims
		if iss == set.AltinnIssuer {
			about = altinnClaims
		}
	}
	p.Header = rows(hb, headerAbout, now)
	p.Claims = rows(pb, about, now)
	for i := range p.Claims {
		if p.Claims[i].Name == "aud" && p.Kind == asGrant {
			p.Claims[i].About += " Here: " + set.Issuer
		}
	}

	if p.Kind == asToken {
		v, err := s.d.Tokens.VerifyOurs(ctx, raw)
		if err != nil {
			p.VerifyErr = err.Error()
			return
		}
		p.Verified, p.Purpose = true, string(v.Purpose)
		return
	}
	rep := s.d.Grants.ExplainGrant(ctx, raw)
	p.Report = &rep
}

// rows lists a JSON object's members in their order, each explained.
func rows(obj []byte, about map[string]string, now time.Time) []claimRow {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []claimRow
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		name, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		row := claimRow{Name: name, Value: compact(v), About: about[name]}
		if row.About == "" {
			row.About = "Not a member this emulator reads."
		}
		switch name {
		case "iat", "exp", "nbf", "auth_time":
			if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
				row.When = when(time.Unix(n, 0), now)
			}
		}
		out = append(out, row)
	}
	return out
}

// when is t as a UTC date and its distance from the emulator's now.
func when(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	rel := "now"
	switch {
	case d > 0:
		rel = "in " + d.String()
	case d < 0:
		rel = (-d).String() + " ago"
	}
	return fmt.Sprintf("%s (%s on the emulator's clock)", t.UTC().Format(time.RFC3339), rel)
}

func indent(b []byte) string {
	var buf bytes.Buffer
	if json.Indent(&buf, b, "", "  ") != nil {
		return string(b)
	}
	return buf.String()
}

// compact is a JSON value on one line, with <, > and & as themselves
// (not \u003c...) so a value reads as it was meant; the template escapes
// it for the page.
func compact(b []byte) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return string(b)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return string(b)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// The explanations of header members and claims. They say what altinn-sim
// reads in each and what it wants; the rules themselves are
// maskinporten's (the grant report) and signing's (a token's check).
var headerAbout = map[string]string{
	"alg":  "Signature algorithm. Grants: RS256, RS384 or RS512 (never none or HMAC). Our tokens: the signing key's (RS256 or ES256).",
	"kid":  "Key id. Grants: one of the client's registered keys. Our tokens: one of our keys in /jwk (Maskinporten) or Altinn's OpenID JWKS.",
	"typ":  "Media type; JWT. Not checked.",
	"x5c":  "Certificate chain, for clients without registered keys; altinn-sim clients always have keys, so a grant with x5c is refused (MP-100).",
	"x5t":  "Thumbprint of the signing key's certificate. Not checked.",
	"crit": "Critical extensions; none is understood, so a JWT with crit is refused.",
}

var grantClaims = map[string]string{
	"iss":                   "The client id: the Maskinporten client that signed the grant. It must be registered (POST /sim/api/v1/clients).",
	"sub":                   "Altinn's own grant builder sets it to the client id. Not checked.",
	"aud":                   "Who the grant is for: this Maskinporten's issuer, one value.",
	"scope":                 "The scopes asked for, space-separated; each must be registered on the client.",
	"iat":                   "When the grant was made (seconds since 1970); not ahead of the clock beyond the skew allowed.",
	"exp":                   "When the grant expires: not passed, and at most 120 s after iat.",
	"nbf":                   "Optional: not valid before.",
	"jti":                   "The grant's unique id: a grant can be used once (without a jti, the whole assertion can be used once).",
	"authorization_details": `For a system-user token: [{"type":"urn:altinn:systemuser","systemuser_org":{"authority":"iso6523-actorid-upis","ID":"0192:<customer orgno>"},"externalRef":"…"?}]; the customer must have an active system user for the client's system.`,
	"resource":              "Optional: an array of absolute URIs the token is restricted to; they become the token's aud.",
	"pid":                   "Optional: the end user's national identity number; copied into the token.",
	"consumer_org":          "A supplier asks for a token on a consumer's behalf: the consumer must have delegated the scope to the supplier in Altinn (the portal's API delegation page, or /sim/api/v1/apidelegation); otherwise MP-251.",
	"iss_onbehalfof":        "An onbehalfof client: not emulated (MP-100).",
}

var tokenClaims = map[string]string{
	"iss":                   "Maskinporten's issuer: this emulator.",
	"authorization_details": "The system user the token acts as: systemuser_id, system_id and systemuser_org (the customer). The PDP's subject for the system user's calls.",
	"scope":                 "The scopes granted, space-separated; each API checks for its own.",
	"client_amr":            "How the client authenticated: private_key_jwt (a grant signed with its key).",
	"token_type":            "Bearer.",
	"aud":                   "Present when the grant asked for a resource: the APIs the token is for.",
	"exp":                   "When the token expires (the token lifetime, --token-lifetime).",
	"iat":                   "When the token was issued.",
	"client_id":             "The Maskinporten client the token was issued to.",
	"jti":                   "The token's unique id.",
	"consumer":              "The organisation the token acts for, as an ISO 6523 identifier: the client's owner, or the consumer that delegated the scope to the supplier.",
	"pid":                   "The end user named in the grant.",
	"supplier":              "With a delegation (consumer_org): the supplier, the organisation that owns the client.",
	"delegation_source":     "With a delegation: where the consumer delegated the scope (the scope's delegation_source, Altinn).",
}

var altinnClaims = map[string]string{
	"iss":                           "Altinn's token issuer (the token exchange or the control API's test tokens).",
	"authorization_details":         "The system user, carried over from the Maskinporten token.",
	"scope":                         "The scopes, carried over from the Maskinporten token or given to the test token.",
	"client_amr":                    "How the client authenticated to Maskinporten.",
	"token_type":                    "Bearer.",
	"exp":                           "When the token expires (30 minutes after the exchange).",
	"iat":                           "When the token was issued.",
	"nbf":                           "Not valid before.",
	"client_id":                     "The Maskinporten client.",
	"jti":                           "The token's unique id.",
	"sid":                           "A session id. Not checked.",
	"consumer":                      "The organisation that owns the client.",
	"urn:altinn:orgNumber":          "The calling organisation's number; what the platform APIs take as the caller's organisation.",
	"urn:altinn:authenticatemethod": "How the caller logged in: maskinporten, or TestID for test persons.",
	"urn:altinn:authlevel":          "The authentication level (3 for Maskinporten tokens and test persons).",
	"urn:altinn:org":                "The service owner's code (a token with altinn:serviceowner).",
	"urn:altinn:userid":             "The person's Altinn user id.",
	"urn:altinn:username":           "The person's user name (empty for test persons).",
	"urn:altinn:partyid":            "The person's party id.",
	"urn:altinn:party:uuid":         "The person's party uuid.",
	"nameid":                        "The person's user id, as Altinn's tokens repeat it.",
	"pid":                           "The person's national identity number.",
}

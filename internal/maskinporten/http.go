package maskinporten

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// maxForm bounds a /token request body.
const maxForm = 64 << 10

// Routes are the Maskinporten endpoints at their real paths. /token
// answers OAuth errors (writeOAuthError), never ProblemDetails.
func (s *Service) Routes() []route.Route {
	const tag = "Maskinporten"
	return []route.Route{
		{Method: "POST", Path: "/token", Handler: s.oauth(s.handleToken),
			Tag: tag, Summary: "JWT-bearer grant (RFC 7523) for a Maskinporten access token; system-user tokens with authorization_details", Body: "form", OKSchema: "TokenResponse"},
		{Method: "GET", Path: "/.well-known/oauth-authorization-server", Handler: route.E(s.handleDiscovery),
			Tag: tag, Summary: "Authorization-server metadata (RFC 8414)"},
		// Every error_uri of a /token error points here.
		{Method: "GET", Path: "/errors/{code}", Handler: route.E(s.handleErrorDoc),
			Tag: tag, Summary: "What a Maskinporten error code (MP-xxx) means: the page each error_uri points to"},
	}
}

func (s *Service) handleToken(w http.ResponseWriter, r *http.Request) (err error) {
	var req TokenRequest
	var g Grant
	if s.rec != nil {
		defer func() { s.record(r.Context(), req, g, err) }()
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return newErr(codeInvalidRequest, "", "The token request must be a form post (Content-Type: application/x-www-form-urlencoded) with grant_type and assertion, got Content-Type %q.", r.Header.Get("Content-Type"))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return newErr(codeInvalidRequest, "", "The form body cannot be read: %v.", err)
	}
	req = TokenRequest{GrantType: r.PostForm.Get("grant_type"), Assertion: r.PostForm.Get("assertion")}
	if g, err = s.ValidateGrant(r.Context(), req); err != nil {
		return err
	}
	resp, err := s.Issue(r.Context(), g)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	respond.JSON(w, http.StatusOK, resp)
	return nil
}

// oauth adapts h for /token: a returned error is written as an OAuth
// error body (writeOAuthError), as Maskinporten answers.
func (s *Service) oauth(h route.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeOAuthError(w, r, err)
		}
	})
}

// oauthError is the body of every /token failure.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	URI         string `json:"error_uri,omitempty"`
}

// writeOAuthError is the only writer of {"error","error_description"}:
// the description goes on the wire with a trace id, the cause to the log.
func (s *Service) writeOAuthError(w http.ResponseWriter, r *http.Request, err error) {
	trace := make([]byte, 16)
	_, _ = rand.Read(trace)
	traceID := hex.EncodeToString(trace)
	var e *Error
	if !errors.As(err, &e) {
		s.log.ErrorContext(r.Context(), "token request failed", "err", err, "trace_id", traceID)
		e = &Error{Code: "server_error", Description: "The token could not be issued.", Status: http.StatusInternalServerError}
		if problem.From(err).Status == http.StatusServiceUnavailable {
			e.Code, e.Status, e.Description = "temporarily_unavailable", http.StatusServiceUnavailable, "The database is unavailable; try again."
			w.Header().Set("Retry-After", "1")
		}
	} else {
		attrs := []any{"error", e.Code, "mp", e.MP, "description", e.Description, "trace_id", traceID}
		if e.Cause != nil {
			attrs = append(attrs, "cause", e.Cause)
		}
		s.log.InfoContext(r.Context(), "token request refused", attrs...)
	}
	body := oauthError{Error: e.Code, Description: e.Description + " (trace_id: " + traceID + ")"}
	problem.NoteOAuth(r, e.Code, body.Description, e.MP)
	if e.MP != "" {
		body.URI = s.set.Issuer + "errors/" + e.MP
	}
	w.Header().Set("Cache-Control", "no-store")
	respond.JSON(w, e.Status, body)
}

// Discovery is the RFC 8414 metadata Maskinporten publishes.
type Discovery struct {
	AuthorizationDetailsTypesSupported []string `json:"authorization_details_types_supported"`
	GrantTypesSupported                []string `json:"grant_types_supported"`
	Issuer                             string   `json:"issuer"`
	JWKSURI                            string   `json:"jwks_uri"`
	TokenEndpoint                      string   `json:"token_endpoint"`
	TokenEndpointAuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
	TokenEndpointAuthSigningAlgs       []string `json:"token_endpoint_auth_signing_alg_values_supported"`
}

// Discovery returns the authorization server metadata. It lists only
// what /token accepts (TestDiscoveryOnlyWhatTokenSupports): Maskinporten
// also lists urn:altinn:consent, which the emulator does not implement, so
// a client that picked it from here would be refused with MP-301.
func (s *Service) Discovery() Discovery {
	return Discovery{
		AuthorizationDetailsTypesSupported: []string{signing.AuthorizationDetailsSystemUser},
		GrantTypesSupported:                []string{GrantType},
		Issuer:                             s.set.Issuer,
		JWKSURI:                            s.set.Issuer + "jwk",
		TokenEndpoint:                      s.set.Issuer + "token",
		TokenEndpointAuthMethods:           []string{"private_key_jwt"},
		TokenEndpointAuthSigningAlgs:       []string{"RS256", "RS384", "RS512"},
	}
}

func (s *Service) handleDiscovery(w http.ResponseWriter, _ *http.Request) error {
	respond.JSON(w, http.StatusOK, s.Discovery())
	return nil
}

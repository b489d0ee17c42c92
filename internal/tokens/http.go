package tokens

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// maxForm bounds a /token request body.
const maxForm = 64 << 10

// Mount serves the Maskinporten endpoints and the Altinn token exchange
// at their real paths.
func (s *Service) Mount(r chi.Router) {
	r.Post("/token", s.handleToken)
	r.Get("/.well-known/oauth-authorization-server", s.handleDiscovery)
	r.Get("/jwk", s.handleJWKS(purposeMaskinporten))
	// Some old clients still fetch /jwk.json.
	r.Get("/jwk.json", s.handleJWKS(purposeMaskinporten))
	// Every error_uri of a /token error points here.
	r.Get("/errors/{code}", http.HandlerFunc(s.handleErrorDoc))
	r.Get("/authentication/api/v1/exchange/{tokenProvider}", s.handleExchange)
	r.Get("/authentication/api/v1/openid/.well-known/openid-configuration", s.handleAltinnDiscovery)
	r.Get("/authentication/api/v1/openid/.well-known/openid-configuration/jwks", s.handleJWKS(purposeAltinn))
}

// MountControl serves the control API's test tokens and key rotation (under
// /sim/api/v1, guarded by the admin token there).
func (s *Service) MountControl(r chi.Router) {
	r.Post("/tokens", s.handleTestToken)
	r.Post("/keys/rotate", s.handleRotate)
}

func (s *Service) handleRotate(w http.ResponseWriter, r *http.Request) {
	out, err := s.RotateKeys(r.Context())
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, out)
}

func (s *Service) handleToken(w http.ResponseWriter, r *http.Request) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		s.writeOAuthError(w, r, newErr(codeInvalidRequest, "", "The token request must be a form post (Content-Type: application/x-www-form-urlencoded) with grant_type and assertion, got Content-Type %q.", r.Header.Get("Content-Type")))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.writeOAuthError(w, r, newErr(codeInvalidRequest, "", "The form body cannot be read: %v.", err))
		return
	}
	g, err := s.ValidateGrant(r.Context(), TokenRequest{GrantType: r.PostForm.Get("grant_type"), Assertion: r.PostForm.Get("assertion")})
	if err != nil {
		s.writeOAuthError(w, r, err)
		return
	}
	resp, err := s.Issue(r.Context(), g)
	if err != nil {
		s.writeOAuthError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	problem.WriteJSON(w, http.StatusOK, resp)
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
		if problem.IsUnavailable(err) {
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
	if e.MP != "" {
		body.URI = s.set.Issuer + "errors/" + e.MP
	}
	w.Header().Set("Cache-Control", "no-store")
	problem.WriteJSON(w, e.Status, body)
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

// Discovery returns the authorization server metadata.
func (s *Service) Discovery() Discovery {
	return Discovery{
		AuthorizationDetailsTypesSupported: []string{AuthorizationDetailsSystemUser, "urn:altinn:consent"},
		GrantTypesSupported:                []string{GrantType},
		Issuer:                             s.set.Issuer,
		JWKSURI:                            s.set.Issuer + "jwk",
		TokenEndpoint:                      s.set.Issuer + "token",
		TokenEndpointAuthMethods:           []string{"private_key_jwt"},
		TokenEndpointAuthSigningAlgs:       []string{"RS256", "RS384", "RS512"},
	}
}

func (s *Service) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	problem.WriteJSON(w, http.StatusOK, s.Discovery())
}

func (s *Service) handleJWKS(purpose string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.maybeReloadKeys()
		set, err := s.jwks(purpose)
		if err != nil {
			problem.Error(w, r, err)
			return
		}
		problem.WriteJSON(w, http.StatusOK, set)
	}
}

// handleAltinnDiscovery is the platform's OIDC metadata for its tokens.
func (s *Service) handleAltinnDiscovery(w http.ResponseWriter, r *http.Request) {
	iss := s.set.AltinnIssuer
	problem.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                s.set.BaseURL + "/authentication/api/v1/authentication",
		"token_endpoint":                        s.set.BaseURL + "/authentication/api/v1/exchange/maskinporten",
		"jwks_uri":                              iss + ".well-known/openid-configuration/jwks",
		"response_types_supported":              []string{"token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{s.keys.activeKey(purposeAltinn).alg},
		"end_session_endpoint":                  s.set.BaseURL + "/authentication/api/v1/logout",
	})
}

// handleExchange is GET /authentication/api/v1/exchange/{tokenProvider}:
// the body of a success is the bare JWT; any refused token is 401 with an
// empty body, as on the platform.
func (s *Service) handleExchange(w http.ResponseWriter, r *http.Request) {
	provider := chi.URLParam(r, "tokenProvider")
	switch strings.ToLower(provider) {
	case "maskinporten":
	case "id-porten", "altinnstudio":
		// The emulator has no ID-porten or Studio issuer, so no such
		// token can be valid here.
		w.WriteHeader(http.StatusUnauthorized)
		return
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("Invalid token provider: " + provider))
		return
	}
	if r.Header.Get("X-Altinn-EnterpriseUser-Authentication") != "" {
		problem.Write(w, r, &problem.Problem{Status: http.StatusGone, Title: "Gone",
			Detail: "Enterprise user authentication is no longer supported; use a system user."})
		return
	}
	raw, ok := auth.Bearer(r)
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	tok, err := s.Exchange(r.Context(), raw, strings.EqualFold(r.URL.Query().Get("test"), "true"))
	if errors.Is(err, ErrExchange) {
		s.log.InfoContext(r.Context(), "token exchange refused", "err", err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	// ASP.NET's Ok(string) is text/plain unless the client asks for JSON.
	if acceptsJSONOnly(r) {
		problem.WriteJSON(w, http.StatusOK, tok)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(tok))
}

func acceptsJSONOnly(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/plain") && !strings.Contains(a, "*/*")
}

func (s *Service) handleTestToken(w http.ResponseWriter, r *http.Request) {
	var in TestTokenRequest
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		problem.Write(w, r, p)
		return
	}
	resp, err := s.TestToken(r.Context(), in)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	problem.WriteJSON(w, http.StatusOK, resp)
}
